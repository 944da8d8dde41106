"""Tables that drive the engine: document types, symbol schemes, issuer codes,
abbreviations, bodies.  Patterns are data: a new code is a line in a .toml file
here, never a code change.
"""
from __future__ import annotations

import functools
import tomllib
from importlib import resources


@functools.lru_cache(maxsize=None)
def load(name: str) -> dict:
    """Load ``pipeline/data/<name>.toml`` (cached)."""
    with resources.files(__package__).joinpath(f"{name}.toml").open("rb") as fh:
        return tomllib.load(fh)
