"""The analysts' web app: ``create_app`` (see :mod:`pipeline.web.app`); accounts in :mod:`pipeline.web.auth`."""
from __future__ import annotations


def create_app(db_url=None, require_login: bool = False, **kw):
    from pipeline.web.app import create_app as _create

    return _create(db_url, require_login, **kw)


__all__ = ["create_app"]
