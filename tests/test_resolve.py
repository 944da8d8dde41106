"""Identity keys and in-document resolution (pipeline.resolve)."""
from __future__ import annotations

import pytest

from pipeline.find.references import find_references
from pipeline.records import Document, Reference
from pipeline.resolve import (document_key, identity_key, keys_match, locality, loose_key, record_keys,
                              resolve_in_document, slug)

NGHE_AN = Document(doc_type="Kế hoạch", symbol="12-KH/ĐUK", issuer="Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh",
                   place="Vinh", issued_date="2022-05-10")
QUANG_TRI = Document(doc_type="Chỉ thị", symbol="35-CT/TU", issuer="Ban Thường vụ Tỉnh ủy Quảng Trị",
                     issued_date="2024-03-01")


@pytest.mark.parametrize("doc,text,expected", [
    (Document(issuer="Ban Thường vụ Tỉnh ủy Nghệ An"), None, "nghe-an"),
    (Document(place="Vinh"), None, "nghe-an"),  # the seat on the place line
    (Document(place="Gia Nghĩa"), None, "dak-nong"),
    (Document(issuer="UBND tỉnh Đăk Nông"), None, "dak-nong"),  # spelling variant
    (Document(issuer="Ủy ban nhân dân Thành phố Hồ Chí Minh"), None, "ho-chi-minh"),
    (Document(issuer="Huyện ủy Hưng Nguyên"), "ĐẢNG BỘ TỈNH NGHỆ AN\nHUYỆN ỦY HƯNG NGUYÊN\n", "nghe-an/hung-nguyen"),
    (Document(issuer="Huyện ủy Hưng Nguyên"), None, "?/hung-nguyen"),
    (Document(issuer="Bộ Chính trị"), None, None),
])
def test_locality(doc, text, expected):
    assert locality(doc, text) == expected


def test_same_local_symbol_in_two_provinces_is_two_documents():
    text = "Thực hiện Nghị quyết số 05-NQ/TU ngày 14/12/2021 của Ban Chấp hành Đảng bộ tỉnh."
    (r,) = find_references(text)
    k_na, k_qt = identity_key(r, NGHE_AN), identity_key(r, QUANG_TRI)
    assert k_na != k_qt
    assert k_na == "sym:05-nq/tu@nghe-an#2021"
    assert k_qt == "sym:05-nq/tu@quang-tri#2021"


def test_central_symbol_is_one_document_everywhere():
    (r,) = find_references("Quán triệt Nghị quyết số 57-NQ/TW ngày 22/12/2024 của Bộ Chính trị.")
    assert identity_key(r, NGHE_AN) == identity_key(r, QUANG_TRI) == "sym:57-nq/tw#2024"


def test_local_code_of_a_central_body_stays_central():
    (r,) = find_references("Xem xét Tờ trình số 03-TTr/ĐU ngày 17/10/2025 của Đảng uỷ Chính phủ.")
    assert "@" not in identity_key(r, NGHE_AN)


def test_issuer_naming_its_province_wins_over_context():
    (r,) = find_references("Theo Nghị quyết số 18-NQ/TU ngày 30/12/2022 của Thành ủy Hà Nội.")
    assert identity_key(r, NGHE_AN) == "sym:18-nq/tu@ha-noi#2022"


def test_year_from_symbol_or_date():
    (a, b) = find_references("Căn cứ Nghị định số 30/2020/NĐ-CP; Chỉ thị số 07/CT-TTg ngày 02/3/2023.")
    assert identity_key(a) == "sym:30/2020/nđ-cp#2020"
    assert identity_key(b) == "sym:07/ct-ttg#2023"


def test_document_key_links_to_earlier_citations():
    """A document ingested after its citations gets the key the citations created."""
    cited = find_references("Thực hiện Nghị quyết số 05-NQ/TU ngày 14/12/2021 của Tỉnh ủy.")[0]
    placeholder = identity_key(cited, NGHE_AN)
    later = Document(doc_type="Nghị quyết", symbol="05-NQ/TU", issued_date="2021-12-14",
                     issuer="Ban Chấp hành Đảng bộ tỉnh Nghệ An", place="Vinh")
    assert document_key(later) == placeholder
    assert identity_key(later) == placeholder
    other = Document(doc_type="Nghị quyết", symbol="05-NQ/TU", issued_date="2021-12-14",
                     issuer="Tỉnh ủy Quảng Trị")
    assert document_key(other) != placeholder


def test_citation_without_year_matches_loosely():
    full = find_references("Theo Kết luận số 77-KL/TW ngày 02/5/2024 của Bộ Chính trị.")[0]
    bare = find_references("Theo Kết luận số 77-KL/TW của Bộ Chính trị.")[0]
    kf, kb = identity_key(full), identity_key(bare)
    assert kf != kb and loose_key(kf) == kb
    assert keys_match(kf, kb)
    assert not keys_match("sym:77-kl/tw#2024", "sym:77-kl/tw#2019")


def test_named_keys():
    a, = find_references("Theo Luật Tài nguyên nước năm 2023.")
    b, = find_references("Theo quy định của Luật Tài nguyên nước và các văn bản.")
    assert identity_key(a) == "name:luat:tai-nguyen-nuoc#2023"
    assert keys_match(identity_key(a), identity_key(b))


def test_resolve_in_document():
    refs = [Reference(text="Nghị quyết số 57-NQ/TW", start=0, end=22, doc_type="Nghị quyết", symbol="57-NQ/TW",
                      number="57", year=2024),
            Reference(text="Nghị quyết 57", start=40, end=53, doc_type="Nghị quyết", number="57"),
            Reference(text="Đề án 06", start=60, end=68, doc_type="Đề án", number="06")]
    out = resolve_in_document(refs)
    assert [r.symbol for r in out] == ["57-NQ/TW", "57-NQ/TW", None]
    assert out[1].year == 2024


def test_slug():
    assert slug("Đắk Nông") == slug("Đăk Nông") == "dak-nong"


def test_locality_from_the_province_a_report_names():
    text = ("Ban Thường vụ Đảng ủy Khối vừa ban hành chỉ thị về cải cách hành chính trên địa bàn tỉnh Hà Tĩnh. "
            "Các cơ quan của tỉnh Hà Tĩnh thực hiện; học tập kinh nghiệm tỉnh Nghệ An.")
    assert locality(Document(issuer="Ban Thường vụ Đảng ủy Khối"), text) == "ha-tinh"


def test_record_keys():
    from pipeline.records import Record

    text = "Thực hiện Nghị quyết số 05-NQ/TU ngày 14/12/2021 của Tỉnh ủy; Kết luận số 77-KL/TW."
    doc = Document(doc_type="Kế hoạch", symbol="12-KH/ĐUK", issued_date="2022-05-10",
                   issuer="Đảng ủy Khối các cơ quan tỉnh Quảng Trị")
    rec = Record(source="x", sha256="0", text=text, document=doc, references=find_references(text))
    own, keys = record_keys(rec)
    assert own == "sym:12-kh/đuk@quang-tri#2022"
    assert keys == ["sym:05-nq/tu@quang-tri#2021", "sym:77-kl/tw"]


def test_amending_laws_are_not_merged_by_their_common_opening():
    from pipeline.records import Reference
    from pipeline.resolve import identity_key

    a = Reference(text="Luật sửa đổi, bổ sung một số điều của Luật Đất đai", start=0, end=10, doc_type="Luật")
    b = Reference(text="Luật sửa đổi, bổ sung một số điều của Luật Xây dựng", start=0, end=10, doc_type="Luật")
    assert identity_key(a) != identity_key(b)
    c = Reference(text="Luật Đất đai ngày 18 tháng 01 năm 2024 của Quốc hội", start=0, end=10, doc_type="Luật",
                  date="2024-01-18")
    assert identity_key(c).startswith("name:luat:dat-dai#2024")


def test_a_law_document_gets_the_key_its_citations_give():
    from pipeline.records import Document, Reference
    from pipeline.resolve import document_key, identity_key

    law = Document(doc_type="Luật", title="Tài nguyên nước", issued_date="2023-11-27")
    cite = Reference(text="Luật Tài nguyên nước năm 2023", start=0, end=10, doc_type="Luật", year=2023)
    assert document_key(law) == identity_key(cite)
