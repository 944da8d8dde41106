"""Storage: versions, idempotence, identities and placeholders, superseded marks, queries.

Records are built by hand here (no extraction), so these tests pin the storage
rules alone; tests/test_ingest.py runs the whole path on texts written for it.
"""
from __future__ import annotations

import hashlib

import pytest
from sqlalchemy import func, select

from pipeline import store
from pipeline.records import Body, Document, Obligation, Record, Reference


def directive(symbol: str, date: str, *, header: str = "TỈNH ỦY NGHỆ AN", place: str = "Vinh",
              doc_type: str = "CHỈ THỊ", title: str = "về tăng cường công tác phòng, chống thiên tai",
              body: str = "", extra: str = "") -> str:
    """A short directive text written for the tests (header, body lines, signature)."""
    y, m, d = date.split("-")
    return (f"{header}\n*\nSố {symbol}\n\nĐẢNG CỘNG SẢN VIỆT NAM\n{place}, ngày {int(d)} tháng {int(m)} năm {y}\n\n"
            f"{doc_type}\n{title}\n\n{body}\n"
            "1. Các cấp ủy, tổ chức đảng quán triệt và tổ chức thực hiện nghiêm nội dung Chỉ thị này.\n"
            "2. Ủy ban nhân dân tỉnh chủ trì, phối hợp với Sở Tài chính bố trí kinh phí, hoàn thành trước ngày "
            f"30/9/{y}.\n{extra}\nT/M BAN THƯỜNG VỤ\nBÍ THƯ\nNguyễn Văn A\n")


def make_record(symbol, date, refs=(), *, source="/tmp/x.txt", header="TỈNH ỦY NGHỆ AN", issuer="Ban Thường vụ Tỉnh ủy",
                place="Vinh", doc_type="Chỉ thị", salt="", title="về công tác phòng, chống thiên tai") -> Record:
    """A record as extraction would give it; ``refs`` are (doc_type, symbol, date, relation) tuples."""
    text = directive(symbol, date, header=header, place=place) + salt
    references = []
    for dt, sym, d, rel in refs:
        mention = f"{dt} số {sym}" + (f" ngày {d}" if d else "")
        text += f"\nThực hiện {mention}, các cơ quan triển khai kế hoạch.\n"
        start = text.index(mention, len(text) - len(mention) - 60)
        references.append(Reference(text=mention, start=start, end=start + len(mention), doc_type=dt, symbol=sym,
                                    number=sym.split("-")[0].split("/")[0], date=d, relation=rel,
                                    year=int(d[:4]) if d else None))
    o_start = text.index("Ủy ban nhân dân tỉnh chủ trì")
    o_end = text.index("\n", o_start)
    obligations = [Obligation(text=text[o_start:o_end], start=o_start, end=o_end, actors=["Ủy ban nhân dân tỉnh"],
                              partners=["Sở Tài chính"], deadline=f"{date[:4]}-09-30")]
    bodies = [Body(text="Sở Tài chính", start=text.index("Sở Tài chính"), end=text.index("Sở Tài chính") + 12,
                   canonical="Sở Tài chính")]
    doc = Document(doc_type=doc_type, symbol=symbol, number=symbol.split("-")[0].split("/")[0], issued_date=date,
                   issuer=issuer, place=place, title=title)
    return Record(source=source, sha256=hashlib.sha256(text.encode()).hexdigest(), text=text, document=doc,
                  references=references, obligations=obligations, bodies=bodies)


def count(s, cls) -> int:
    return s.scalar(select(func.count()).select_from(cls))


def edges(s) -> set:
    """(citing document key, cited key, relation) of every current citation."""
    out = set()
    for r in s.scalars(select(store.Reference).where(store.Reference.is_current.is_(True))):
        out.add((r.document.identity.key, r.target.key, r.relation))
    return out


@pytest.fixture
def url(db_url):
    yield db_url
    store.dispose(db_url)


def put(url, rec, source=None):
    with store.session_scope(url) as s:
        res = store.store_record(s, rec, source=source)
        return res.status, res.warnings


def test_tables_and_names(url):
    eng = store.get_engine(url)
    from sqlalchemy import inspect

    names = set(inspect(eng).get_table_names())
    assert {"identities", "documents", "versions", "doc_references", "obligations", "bodies"} <= names
    idx = {i["name"] for i in inspect(eng).get_indexes("doc_references")}
    assert "ix_doc_references_target_current" in idx


def test_same_content_changes_nothing(url):
    rec = make_record("07-CT/TU", "2024-03-12", [("Nghị quyết", "05-NQ/TU", "2022-01-10", "implements")])
    assert put(url, rec)[0] == "new"
    with store.session_scope(url) as s:
        before = [count(s, c) for c in (store.Document, store.Version, store.Reference, store.Obligation,
                                        store.Body, store.Identity)]
    assert put(url, rec)[0] == "unchanged"
    assert put(url, rec, source="/elsewhere/copy.txt")[0] == "unchanged"
    with store.session_scope(url) as s:
        after = [count(s, c) for c in (store.Document, store.Version, store.Reference, store.Obligation,
                                       store.Body, store.Identity)]
    assert before == after == [1, 1, 1, 1, 1, 2]


@pytest.mark.parametrize("second_source", ["/tmp/x.txt", "/other/place.txt"])
def test_changed_content_is_a_new_version(url, second_source):
    """Same path, or same identity at another path: a new current version, the old one kept."""
    r1 = make_record("07-CT/TU", "2024-03-12", [("Nghị quyết", "05-NQ/TU", "2022-01-10", "implements")])
    r2 = make_record("07-CT/TU", "2024-03-12", [("Kết luận", "12-KL/TU", "2023-02-01", "cites")],
                     source=second_source, salt="\nbổ sung\n")
    assert put(url, r1)[0] == "new"
    assert put(url, r2)[0] == "version"
    with store.session_scope(url) as s:
        assert count(s, store.Document) == 1
        doc = s.scalars(select(store.Document)).one()
        assert [(v.seq, v.is_current) for v in doc.versions] == [(1, False), (2, True)]
        assert doc.current_version.sha256 == r2.sha256
        assert doc.versions[0].sha256 == r1.sha256 and doc.versions[0].text == r1.text  # never overwritten
        assert {e[1].split("@")[0] for e in edges(s)} == {"sym:12-kl/tu"}  # only the current version cites
        assert count(s, store.Reference) == 2
    # the old content again: already stored, nothing changes
    assert put(url, r1)[0] == "unchanged"


def test_different_documents_same_path_weak_identity(url):
    """Two documents without a symbol or title stay two documents."""
    a = make_record("01-CT/TU", "2024-01-01", source="/a.txt")
    b = make_record("02-CT/TU", "2024-01-01", source="/b.txt")
    for r in (a, b):
        r.document.symbol = None
        r.document.title = None
    assert put(url, a)[0] == "new" and put(url, b)[0] == "new"
    with store.session_scope(url) as s:
        assert count(s, store.Document) == 2
        assert len({d.identity_id for d in s.scalars(select(store.Document))}) == 2


@pytest.mark.parametrize("order", ["citing_first", "cited_first"])
def test_placeholder_linked_whatever_the_order(url, order):
    citing = make_record("07-CT/TU", "2024-03-12", [("Nghị quyết", "05-NQ/TU", "2022-01-10", "implements")],
                         source="/c/citing.txt")
    cited = make_record("05-NQ/TU", "2022-01-10", source="/c/cited.txt", doc_type="Nghị quyết",
                        issuer="Ban Chấp hành Đảng bộ tỉnh")
    for r in ((citing, cited) if order == "citing_first" else (cited, citing)):
        put(url, r)
    with store.session_scope(url) as s:
        assert count(s, store.Identity) == 2
        assert edges(s) == {("sym:07-ct/tu@nghe-an#2024", "sym:05-nq/tu@nghe-an#2022", "implements")}
        ident = store.find_identity(s, "05-NQ/TU")
        assert not ident.is_placeholder and ident.document.symbol == "05-NQ/TU"
        by = store.cited_by(s, ident)
        assert [e["from"]["symbol"] for e in by] == ["07-CT/TU"]
        assert "05-NQ/TU" in by[0]["sentence"] and by[0]["sentence"].startswith("Thực hiện")


@pytest.mark.parametrize("order", ["dated_first", "yearless_first"])
def test_citation_without_year_links_to_the_one_dated_identity(url, order):
    """"Kết luận số 12-KL/TU" (no date) is the 12-KL/TU the corpus knows, ingested before or after."""
    dated = make_record("12-KL/TU", "2023-02-01", source="/k/kl.txt", doc_type="Kết luận")
    citing = make_record("07-CT/TU", "2024-03-12", [("Kết luận", "12-KL/TU", None, "cites")], source="/k/ct.txt")
    for r in ((dated, citing) if order == "dated_first" else (citing, dated)):
        put(url, r)
    with store.session_scope(url) as s:
        ident = store.find_identity(s, "12-KL/TU")
        assert ident.key.endswith("#2023") and not ident.is_placeholder
        assert [e["from"]["symbol"] for e in store.cited_by(s, ident)] == ["07-CT/TU"]
        assert count(s, store.Identity) == 2


def test_same_symbol_two_provinces_two_identities(url):
    na = make_record("05-NQ/TU", "2022-01-10", source="/p/na.txt", doc_type="Nghị quyết")
    qt = make_record("05-NQ/TU", "2022-01-10", source="/p/qt.txt", doc_type="Nghị quyết", header="TỈNH ỦY QUẢNG TRỊ",
                     place="Đông Hà")
    cite_na = make_record("07-CT/TU", "2024-03-12", [("Nghị quyết", "05-NQ/TU", "2022-01-10", "implements")],
                          source="/p/c.txt")
    for r in (na, qt, cite_na):
        assert put(url, r)[0] == "new"
    with store.session_scope(url) as s:
        docs = {d.source: d for d in s.scalars(select(store.Document))}
        k_na, k_qt = docs["/p/na.txt"].identity.key, docs["/p/qt.txt"].identity.key
        assert k_na != k_qt and "nghe-an" in k_na and "quang-tri" in k_qt
        assert edges(s) == {(docs["/p/c.txt"].identity.key, k_na, "implements")}
        assert store.cited_by(s, docs["/p/qt.txt"].identity) == []


def test_replaced_document_is_superseded_and_citing_it_warns(url):
    old = make_record("03-CT/TU", "2018-05-05", source="/s/old.txt")
    new = make_record("09-CT/TU", "2024-06-01", [("Chỉ thị", "03-CT/TU", "2018-05-05", "replaces")], source="/s/new.txt")
    late = make_record("11-KH/TU", "2024-08-01", [("Chỉ thị", "03-CT/TU", "2018-05-05", "implements")],
                       source="/s/late.txt", doc_type="Kế hoạch")
    put(url, old)
    status, warns = put(url, new)
    assert warns == []
    with store.session_scope(url) as s:
        assert store.superseded_warnings(s, late) == [
            "cites superseded document Chỉ thị 03-CT/TU (replaced by Chỉ thị 09-CT/TU)"]
        assert store.superseded_warnings(s, new) == []  # the replacing document itself
        info = store.document_dict(s, store.find_document(s, "03-CT/TU"))
        assert info["superseded"]["relation"] == "replaces"
        assert info["superseded"]["by"]["symbol"] == "09-CT/TU"
        assert count(s, store.Document) == 2  # checking wrote nothing
    status, warns = put(url, late)
    assert status == "new" and len(warns) == 1 and "03-CT/TU" in warns[0]


def test_cites_and_cited_by_follow_chains(url):
    put(url, make_record("01-NQ/TU", "2021-01-05", source="/g/a.txt", doc_type="Nghị quyết"))
    put(url, make_record("02-CT/TU", "2022-01-05", [("Nghị quyết", "01-NQ/TU", "2021-01-05", "implements")],
                         source="/g/b.txt"))
    put(url, make_record("03-KH/TU", "2023-01-05", [("Chỉ thị", "02-CT/TU", "2022-01-05", "implements")],
                         source="/g/c.txt", doc_type="Kế hoạch"))
    with store.session_scope(url) as s:
        a = store.find_identity(s, "01-NQ/TU")
        c = store.find_identity(s, "03-KH/TU")
        assert [(e["depth"], e["from"]["symbol"]) for e in store.cited_by(s, a, 1)] == [(1, "02-CT/TU")]
        assert [(e["depth"], e["from"]["symbol"]) for e in store.cited_by(s, a, 3)] == [(1, "02-CT/TU"),
                                                                                         (2, "03-KH/TU")]
        assert [(e["depth"], e["to"]["symbol"]) for e in store.cites(s, c, 2)] == [(1, "02-CT/TU"), (2, "01-NQ/TU")]
        assert store.cites(s, a, 2) == []


def test_find_document_by_id_symbol_path(url):
    put(url, make_record("07-CT/TU", "2024-03-12", source="/f/one.txt"))
    with store.session_scope(url) as s:
        d = s.scalars(select(store.Document)).one()
        for ref in (str(d.id), "07-CT/TU", "07-ct/tu", "07 -CT/TU", "/f/one.txt"):
            assert store.find_document(s, ref).id == d.id, ref
        assert store.find_document(s, "99-CT/TU") is None
        rows = store.list_documents(s)
        assert [(r["symbol"], r["references"], r["obligations"], r["versions"]) for r in rows] == [
            ("07-CT/TU", 0, 1, 1)]


def test_a_failed_transaction_leaves_nothing(url):
    rec = make_record("07-CT/TU", "2024-03-12", [("Nghị quyết", "05-NQ/TU", "2022-01-10", "implements")])
    with pytest.raises(RuntimeError):
        with store.session_scope(url) as s:
            store.store_record(s, rec)
            raise RuntimeError("crash after writing")
    with store.session_scope(url) as s:
        assert [count(s, c) for c in (store.Document, store.Version, store.Reference, store.Identity)] == [0, 0, 0, 0]


@pytest.mark.parametrize("text,start,end,want", [
    ("Một câu trước. Thực hiện Nghị quyết số 01-NQ/TU, các cơ quan làm tốt. Câu sau.", 25, 48,
     "Thực hiện Nghị quyết số 01-NQ/TU, các cơ quan làm tốt."),
    ("Dòng đầu\nCăn cứ Luật Tổ chức chính quyền địa phương;\nDòng cuối", 16, 50,
     "Căn cứ Luật Tổ chức chính quyền địa phương;"),
    # a hard-wrapped line going on in lower case is the same sentence
    ("Các sở, ngành triển\nkhai thực hiện Nghị quyết số 01-NQ/TU\nngày 05/01/2021. Câu sau.", 35, 57,
     "Các sở, ngành triển khai thực hiện Nghị quyết số 01-NQ/TU ngày 05/01/2021."),
    ("V/v triển khai Chỉ thị số 02-CT/TU\n\nKính gửi: các sở", 15, 34, "V/v triển khai Chỉ thị số 02-CT/TU"),
])
def test_sentence_around(text, start, end, want):
    assert store.sentence_around(text, start, end) == want


def test_default_url_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("VANBAN_DB", f"sqlite:///{tmp_path / 'env.db'}")
    assert store.default_url() == f"sqlite:///{tmp_path / 'env.db'}"
    monkeypatch.delenv("VANBAN_DB")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    assert store.default_url().startswith("sqlite:///") and store.default_url().endswith("vanban.db")


def test_news_reports_of_one_directive_stay_apart_and_yield_to_the_directive(url):
    """Two articles reporting Chỉ thị 07-CT/TU are two documents; the directive itself takes the identity."""
    r1 = make_record("07-CT/TU", "2024-03-12", [("Nghị quyết", "05-NQ/TU", "2022-01-10", "implements")],
                     source="/n/article1.txt", salt="\nbài 1\n")
    r2 = make_record("07-CT/TU", "2024-03-12", source="/n/article2.txt", salt="\nbài 2\n")
    real = make_record("07-CT/TU", "2024-03-12", source="/n/directive.txt", salt="\nvăn bản\n")
    citing = make_record("12-KH/TU", "2024-05-01", [("Chỉ thị", "07-CT/TU", "2024-03-12", "implements")],
                         source="/n/plan.txt", doc_type="Kế hoạch")
    r1.document.is_report = r2.document.is_report = True
    assert [put(url, r)[0] for r in (r1, citing, r2, real)] == ["new", "new", "new", "new"]
    with store.session_scope(url) as s:
        assert count(s, store.Document) == 4
        d = store.find_document(s, "07-CT/TU")
        assert d.source == "/n/directive.txt" and not d.is_report
        assert d.identity.key == "sym:07-ct/tu@nghe-an#2024"
        assert [e["from"]["symbol"] for e in store.cited_by(s, d.identity)] == ["12-KH/TU"]
        reports = [x for x in s.scalars(select(store.Document)) if x.is_report]
        assert len({x.identity_id for x in reports} | {d.identity_id}) == 3
        assert all(x.identity.label.endswith("(report)") for x in reports)


def test_superseded_warnings_for_extract(tmp_path):
    url = f"sqlite:///{tmp_path / 'w.db'}"
    late = make_record("11-KH/TU", "2024-08-01", [("Chỉ thị", "03-CT/TU", "2018-05-05", "implements")])
    assert store.superseded_warnings_for(late, url) == [] and not (tmp_path / "w.db").exists()  # nothing created
    put(url, make_record("09-CT/TU", "2024-06-01", [("Chỉ thị", "03-CT/TU", "2018-05-05", "replaces")]))
    assert store.superseded_warnings_for(late, url) == [
        "cites superseded document Chỉ thị 03-CT/TU (replaced by Chỉ thị 09-CT/TU)"]
    store.dispose(url)


def test_find_identities_of_a_symbol_in_two_provinces(url):
    put(url, make_record("07-CT/TU", "2024-03-12", [("Nghị quyết", "05-NQ/TU", "2022-01-10", "implements")],
                         source="/i/na.txt"))
    put(url, make_record("08-CT/TU", "2024-03-12", [("Nghị quyết", "05-NQ/TU", "2022-01-10", "implements")],
                         source="/i/qt.txt", header="TỈNH ỦY QUẢNG TRỊ", place="Đông Hà"))
    with store.session_scope(url) as s:
        keys = [i.key for i in store.find_identities(s, "05-nq/tu")]
        assert sorted(keys) == ["sym:05-nq/tu@nghe-an#2022", "sym:05-nq/tu@quang-tri#2022"]
        assert store.find_identity(s, "sym:05-nq/tu@quang-tri#2022").key == "sym:05-nq/tu@quang-tri#2022"
        assert store.find_identities(s, "05-NQ/T") == [] and store.find_identities(s, "5_-NQ/TU") == []


def test_same_key_other_issuer_is_another_document(url):
    """Two communes of one province both issue "01/KH-UBND" in 2025: same key, different issuers, two documents."""
    a = make_record("01/KH-UBND", "2025-08-01", source="/x/a.txt", doc_type="Kế hoạch",
                    issuer="Ủy ban nhân dân xã Phú Sơn")
    b = make_record("01/KH-UBND", "2025-08-01", source="/x/b.txt", doc_type="Kế hoạch",
                    issuer="Ủy ban nhân dân xã Đồng Tâm", salt="\nxã Đồng Tâm\n")
    a2 = make_record("01/KH-UBND", "2025-08-01", source="/x/a-copy.txt", doc_type="Kế hoạch",
                     issuer="Ủy ban nhân dân xã Phú Sơn", salt="\nsửa lỗi chính tả\n")
    assert [put(url, r)[0] for r in (a, b, a2)] == ["new", "new", "version"]
    with store.session_scope(url) as s:
        assert count(s, store.Document) == 2


def test_long_values_fit_every_database(url):
    """A name-only citation with a very long name, long issuers and sections store on PostgreSQL too."""
    long_name = "phát triển " + " ".join(f"vùng {i} và ngành {i}" for i in range(80))
    rec = make_record("07-CT/TU", "2024-03-12", issuer="Ban Thường vụ " + "Đảng ủy Khối các cơ quan tỉnh " * 20)
    ref = Reference(text="Đề án " + long_name, start=0, end=10, doc_type="Đề án", year=2023)
    rec.references.append(ref)
    rec.obligations[0].section = "I.1.a." * 10
    assert put(url, rec)[0] == "new"
    with store.session_scope(url) as s:
        keys = [i.key for i in s.scalars(select(store.Identity))]
        assert all(len(k) <= store.KEY_MAX for k in keys)
        assert any(k.endswith("#2023") and "~" in k for k in keys)
        long_key = "name:de-an:" + "x" * 600 + "#2021"
        i1 = store.get_identity(s, long_key)
        assert store.get_identity(s, long_key).id == i1.id and len(i1.key) <= store.KEY_MAX
    assert store.bounded_key("name:x:" + "a" * 500 + "#2023") == store.bounded_key("name:x:" + "a" * 500 + "#2023")
    assert store.bounded_key("name:x:" + "a" * 500 + "#2023") != store.bounded_key("name:x:" + "a" * 499 + "b#2023")


def test_new_version_without_the_replaces_clause_lifts_the_mark(url):
    old = make_record("03-CT/TU", "2018-05-05", source="/r/old.txt")
    v1 = make_record("09-CT/TU", "2024-06-01", [("Chỉ thị", "03-CT/TU", "2018-05-05", "replaces")], source="/r/new.txt")
    v2 = make_record("09-CT/TU", "2024-06-01", [("Chỉ thị", "03-CT/TU", "2018-05-05", "cites")], source="/r/new.txt",
                     salt="\nbản sửa\n")
    for r in (old, v1):
        put(url, r)
    with store.session_scope(url) as s:
        assert store.find_identity(s, "03-CT/TU").superseded_by_id is not None
    assert put(url, v2)[0] == "version"
    with store.session_scope(url) as s:
        assert store.find_identity(s, "03-CT/TU").superseded_by_id is None


def test_a_database_of_an_older_vanban_gets_the_new_columns(url):
    """A column added to the tables since a database was made is added on opening it; what is stored stays."""
    from sqlalchemy import inspect

    assert put(url, make_record("05-CT/TU", "2025-03-10"))[0] == "new"
    eng = store.get_engine(url)
    with eng.begin() as c:  # the database as an older vanban left it: no deadline_text, no locality
        c.exec_driver_sql("ALTER TABLE obligations DROP COLUMN deadline_text")
        c.exec_driver_sql("ALTER TABLE documents DROP COLUMN locality")
    store.dispose(url)
    eng = store.get_engine(url)
    cols = {t: {c["name"] for c in inspect(eng).get_columns(t)} for t in ("obligations", "documents")}
    assert "deadline_text" in cols["obligations"] and "locality" in cols["documents"]
    with store.session_scope(url) as s:
        assert count(s, store.Document) == 1 and count(s, store.Obligation) == 1
    assert put(url, make_record("06-CT/TU", "2025-04-10", source="/tmp/y.txt"))[0] == "new"


def test_a_database_lacking_a_required_column_is_a_clear_error(url):
    from pipeline.errors import VanbanError

    store.get_engine(url)
    with store.get_engine(url).begin() as c:
        c.exec_driver_sql("ALTER TABLE obligations DROP COLUMN kind")
    store.dispose(url)
    with pytest.raises(VanbanError, match="obligations lacks the required column kind"):
        store.get_engine(url)
