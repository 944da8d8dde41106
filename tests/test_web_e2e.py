"""End to end in a real headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

The server runs with uvicorn in a thread on 127.0.0.1 and a free port, on a
temporary SQLite database.  The browser uploads a Kế hoạch from
corpus/samples (with a bad file beside it), sees its obligations marked on the
document page, marks a task done with a note, downloads the xlsx checklist and
reads it back with openpyxl.  Playwright never downloads a browser here.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
SAMPLE = Path(__file__).resolve().parents[1] / "corpus" / "samples" / "kh-87-ubnd-thanh-hoa-2026.txt"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]

if not CHROMIUM.exists():
    pytest.skip("no /usr/bin/chromium (install Debian's chromium: bash .ci/chromium.sh)", allow_module_level=True)
playwright_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
uvicorn = pytest.importorskip("uvicorn")


def _shot(page, tmp_path, name: str) -> None:
    """A screenshot of the page as the analyst sees it: README's pictures are these
    (``VANBAN_SCREENSHOTS=docs/screenshots python -m pytest tests/test_web_e2e.py``)."""
    d = Path(os.environ.get("VANBAN_SCREENSHOTS") or tmp_path)
    d.mkdir(parents=True, exist_ok=True)
    out = d / f"{name}.png"
    page.screenshot(path=str(out), full_page=False)
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    from pipeline.web import create_app

    d = tmp_path_factory.mktemp("e2e")
    app = create_app(f"sqlite:///{d / 'e2e.db'}", upload_dir=d / "up")
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off",
                                        access_log=False))
    th = threading.Thread(target=srv.run, daemon=True)
    th.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline or not th.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield {"base": f"http://127.0.0.1:{port}", "dir": d}
    finally:
        srv.should_exit = True
        th.join(15)


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as p:
        try:
            b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        except Exception as e:  # a broken browser install is an environment problem, said once
            pytest.skip(f"chromium does not start: {str(e).splitlines()[0]}")
        try:
            yield b
        finally:
            b.close()


def test_upload_mark_done_download_xlsx(server, browser, tmp_path):
    if not SAMPLE.is_file():
        pytest.skip("corpus/samples is absent")
    from openpyxl import load_workbook

    base = server["base"]
    bad = tmp_path / "ảnh.txt"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    ctx = browser.new_context(accept_downloads=True, locale="vi-VN", viewport={"width": 1280, "height": 800})
    page = ctx.new_page()
    page.set_default_timeout(30_000)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))

    # upload: a batch of two files, with progress and a result per file
    page.goto(base + "/upload")
    page.set_input_files("#files", [str(SAMPLE), str(bad)])
    page.click("#upload-button")
    page.wait_for_selector("#progress[data-done='1']")
    rows = page.locator("#upload-results tbody tr")
    assert rows.count() == 2
    assert "Đã thêm" in rows.nth(0).inner_text()
    assert "Bị từ chối" in rows.nth(1).inner_text() and "nhị phân" in rows.nth(1).inner_text()
    assert page.locator("#progress-text").inner_text().startswith("Xong: 1/2")
    _shot(page, tmp_path, "upload")

    # the document page: obligations marked, each with its deadline badge; the checklist beside the text
    rows.nth(0).locator("a").click()
    page.wait_for_selector("#doc-text")
    assert "87/KH-UBND" in page.locator("h1").inner_text()
    marks = page.locator("#doc-text .mk-obligation")
    assert marks.count() >= 5
    assert marks.first.is_visible()
    assert page.locator("#doc-text .nv-obligation").first.inner_text().startswith("hạn ")
    assert page.locator("#doc-text .mk-reference").count() >= 1
    assert page.locator("#checklist-table tbody tr").count() >= 5
    _shot(page, tmp_path, "document")
    # the legend hides a kind of mark
    page.uncheck("#legend input[data-kind='obligation']")
    assert "hide-obligation" in page.locator("#doc-text").get_attribute("class")
    page.check("#legend input[data-kind='obligation']")
    doc_url = page.url

    # mark the first task with a deadline done, with a note
    page.goto(doc_url.replace("/documents/", "/tasks?doc="))
    row = page.locator("table.tasks tbody tr.st-open").first
    task_id = row.get_attribute("id").split("-", 1)[1]
    row.locator("select[name=status]").select_option("done")
    row.locator("input[name=note]").fill("Đã hoàn thành, gửi báo cáo")
    row.locator("button[type=submit]").click()
    page.wait_for_selector(".flash")
    assert "Hoàn thành" in page.locator(".flash").inner_text()
    row = page.locator(f"#task-{task_id}")
    assert row.locator(".status").inner_text() == "Hoàn thành"
    row.locator("details summary").click()
    assert "Đã hoàn thành, gửi báo cáo" in row.locator("ul.history").inner_text()
    _shot(page, tmp_path, "tasks")

    # download the xlsx checklist from the document page and read it back
    page.goto(doc_url)
    with page.expect_download() as dl:
        page.click("#dl-xlsx")
    out = tmp_path / "checklist.xlsx"
    dl.value.save_as(out)
    wb = load_workbook(out)
    ws = wb.active
    header = [c.value for c in ws[4]]
    assert header[:2] == ["STT", "Nội dung"] and "Trạng thái" in header and "Mã" in header
    st_col, id_col = header.index("Trạng thái"), header.index("Mã")
    statuses = {r[id_col]: r[st_col] for r in ws.iter_rows(min_row=5, values_only=True) if r[id_col] is not None}
    assert len(statuses) >= 5
    assert statuses[int(task_id)] == "Hoàn thành"
    assert sum(1 for s in statuses.values() if s == "Chưa thực hiện") == len(statuses) - 1
    doc_id = doc_url.rstrip("/").rsplit("/", 1)[1]

    # the checklist page of the document, with its downloads
    page.goto(f"{base}/checklist?doc={doc_id}")
    assert page.locator("table tbody tr").count() >= 5
    assert page.locator("a[href*='fmt=docx']").count() >= 1
    _shot(page, tmp_path, "checklist")

    # its citation neighbourhood: the two documents it cites, drawn
    page.goto(f"{base}/citations?doc={doc_id}")
    body = page.locator("main").inner_text()
    assert "57-NQ/TW" in body and "12-CT/TU" in body
    assert page.locator("svg").count() >= 1
    _shot(page, tmp_path, "citations")

    # search by a noisy symbol finds it
    page.goto(base + "/search?symbol=87%2FKH%20-%20UBND")
    assert "87/KH-UBND" in page.locator("main").inner_text()
    _shot(page, tmp_path, "search")
    assert errors == []
    ctx.close()
