"""notebooks/walkthrough.ipynb runs end to end (nbclient) on a temporary database."""
from __future__ import annotations

from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "walkthrough.ipynb"


def test_walkthrough_runs(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    pytest.importorskip("matplotlib")
    db = tmp_path / "nb.db"
    monkeypatch.setenv("VANBAN_DB", f"sqlite:///{db}")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    client.execute()  # raises CellExecutionError on the first failing cell
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    errors = [o for o in outputs if o.get("output_type") == "error"]
    assert not errors
    text = "\n".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "0 failed" in text  # the ingest summary
    assert " tasks from " in text
    assert "written: checklist.docx, checklist.html, checklist.ics, checklist.md, checklist.xlsx" in text
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the plot (and the graph)
    # the notebook wrote into the database it was given
    from pipeline import store, track

    url = f"sqlite:///{db}"
    try:
        with track.open_session(url) as s:
            assert track.query_tasks(s, limit=1)
            assert any(e.by == "analyst" for e in s.query(track.TaskEvent))
    finally:
        store.dispose(url)
