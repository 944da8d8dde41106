"""Header, signature and "Nơi nhận" parsing on documents written for these tests."""
from __future__ import annotations

import pytest

from pipeline.parse import parse
from pipeline.parse.header import canonical_header_symbol
from pipeline.parse.signature import is_person_name

STATE_PLAN = """ỦY BAN NHÂN DÂN
TỈNH HÒA BÌNH
-------

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

Số: 215/KH-UBND

Hòa Bình, ngày 05 tháng 3 năm 2026

KẾ HOẠCH

TRIỂN KHAI CÔNG TÁC CHUYỂN ĐỔI SỐ
TRÊN ĐỊA BÀN TỈNH HÒA BÌNH NĂM 2026

Thực hiện chỉ đạo của Ủy ban nhân dân tỉnh Hòa Bình, các sở, ngành tổ chức thực hiện như sau:

1. Sở Khoa học và Công nghệ chủ trì triển khai Kế hoạch này.

2. Các sở, ban, ngành báo cáo kết quả trước ngày 15/12/2026.

Nơi nhận:
- Bộ Khoa học và Công nghệ (b/c);
- TT Tỉnh ủy, TT HĐND tỉnh;
- CT, các PCT UBND tỉnh;
- Các sở, ban, ngành tỉnh (t/h);
- Lưu: VT, KGVX.

TM. ỦY BAN NHÂN DÂN
KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Lê Văn An
"""

PARTY_DIRECTIVE = """ĐẢNG BỘ TỈNH LẠNG SƠN
ĐẢNG ỦY KHỐI
CÁC CƠ QUAN TỈNH
*

ĐẢNG CỘNG SẢN VIỆT NAM
---------------

Số 07 - CT/ĐUK

Lạng Sơn, ngày 12 tháng 8 năm 2025

CHỈ THỊ
VỀ TĂNG CƯỜNG CÔNG TÁC KIỂM TRA, GIÁM SÁT
TRONG ĐẢNG BỘ KHỐI CÁC CƠ QUAN TỈNH

Để nâng cao chất lượng công tác kiểm tra, Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh yêu cầu các cấp ủy thực hiện tốt các nội dung sau:

Thứ nhất: Quán triệt đầy đủ các quy định của Đảng về công tác kiểm tra.

Nơi nhận:
- Ban Thường vụ Tỉnh ủy (để báo cáo),
- Các tổ chức cơ sở đảng trực thuộc (t/h),
- Lưu Văn phòng.

T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ
Hoàng Thị Mai
"""

LETTER = """ỦY BAN NHÂN DÂN
THÀNH PHỐ HẢI PHÒNG
-------

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

Số: 1234/UBND-VX
V/v rà soát danh sách cán bộ, công chức
năm 2026

Hải Phòng, ngày 02 tháng 02 năm 2026

Kính gửi:
- Sở Nội vụ;
- Ủy ban nhân dân các xã, phường.

Ủy ban nhân dân thành phố yêu cầu các cơ quan rà soát danh sách.

Nơi nhận:
- Như trên;
- Lưu: VT.

KT. CHỦ TỊCH
PHÓ CHỦ TỊCH
Phạm Quốc Bình
"""

NEWS = """Tăng cường kỷ luật hành chính trên địa bàn tỉnh

Lượt xem: 10

Ngày 14/4/2025, Ban Thường vụ Tỉnh ủy Yên Bái đã ban hành Chỉ thị số 21- CT/TU về “Tăng cường kỷ luật, kỷ cương hành chính”. Chỉ thị yêu cầu các cấp ủy thực hiện nghiêm.

Ban Thường vụ Tỉnh ủy Yên Bái yêu cầu các cấp ủy quán triệt Chỉ thị này.
"""


@pytest.mark.parametrize(
    "text, expect",
    [
        (STATE_PLAN, dict(doc_type="Kế hoạch", symbol="215/KH-UBND", number="215", issued_date="2026-03-05",
                          place="Hòa Bình", issuer="Ủy ban nhân dân tỉnh Hòa Bình", signer="Lê Văn An",
                          title="triển khai công tác chuyển đổi số trên địa bàn tỉnh Hòa Bình năm 2026")),
        (PARTY_DIRECTIVE, dict(doc_type="Chỉ thị", symbol="07-CT/ĐUK", number="07", issued_date="2025-08-12",
                               place="Lạng Sơn", issuer="Ban Thường vụ Đảng ủy Khối các cơ quan tỉnh",
                               signer="Hoàng Thị Mai")),
        (LETTER, dict(doc_type="Công văn", symbol="1234/UBND-VX", issued_date="2026-02-02", place="Hải Phòng",
                      issuer="Ủy ban nhân dân thành phố Hải Phòng", signer="Phạm Quốc Bình",
                      title="rà soát danh sách cán bộ, công chức năm 2026")),
        (NEWS, dict(doc_type="Chỉ thị", symbol="21-CT/TU", number="21", issued_date="2025-04-14",
                    issuer="Ban Thường vụ Tỉnh ủy Yên Bái", place=None, signer=None,
                    title="về tăng cường kỷ luật, kỷ cương hành chính")),
    ],
)
def test_header_fields(text, expect):
    doc = parse(text).document
    for field, value in expect.items():
        assert getattr(doc, field) == value, field


def test_recipients_roles_and_split():
    rec = parse(STATE_PLAN).document.recipients
    names = [(r.name, r.role) for r in rec]
    assert ("Bộ Khoa học và Công nghệ", "b/c") in names
    assert ("TT Tỉnh ủy", None) in names and ("TT HĐND tỉnh", None) in names
    assert ("CT, các PCT UBND tỉnh", None) in names  # one entry: "CT" alone is no body
    assert ("Các sở, ban, ngành tỉnh", "t/h") in names
    assert not any(n.startswith("Lưu") for n, _ in names)


def test_addressees_are_recipients_and_body_starts_after_them():
    p = parse(LETTER)
    names = [r.name for r in p.document.recipients]
    assert names[:2] == ["Sở Nội vụ", "Ủy ban nhân dân các xã, phường"]
    assert "Như trên" not in names
    assert LETTER[p.header_end:].lstrip().startswith("Ủy ban nhân dân thành phố yêu cầu")


def test_body_ends_before_noi_nhan():
    p = parse(STATE_PLAN)
    assert STATE_PLAN[p.body_end:].startswith("Nơi nhận")
    assert "báo cáo kết quả" in STATE_PLAN[p.header_end:p.body_end]


def test_signature_position_and_capacity():
    doc = parse(STATE_PLAN).document
    assert doc.signer_position == "PHÓ CHỦ TỊCH"
    assert doc.signing_capacity.startswith("TM.")


def test_news_report_flags_and_no_place():
    p = parse(NEWS)
    assert p.is_report and p.document.is_report


@pytest.mark.parametrize(
    "raw, sym, num",
    [
        ("14 -NQ/ĐUK", "14-NQ/ĐUK", "14"),
        ("141/KH-UBND", "141/KH-UBND", "141"),
        ("302/2025/NĐ-CP", "302/2025/NĐ-CP", "302"),
        ("30c/NQ-CP", "30c/NQ-CP", "30c"),
        ("02 – NQ/ĐUK", "02-NQ/ĐUK", "02"),
        ("15-KH/ÐUK", "15-KH/ĐUK", "15"),  # Latin eth for Đ
        ("1673/NQ-UBTVQH15", "1673/NQ-UBTVQH15", "1673"),
    ],
)
def test_header_symbol(raw, sym, num):
    assert canonical_header_symbol(raw)[:2] == (sym, num)


@pytest.mark.parametrize("s, ok", [("Phạm Văn Thịnh", True), ("Lê An", True), ("PHÓ CHỦ TỊCH", False),
                                   ("Lưu VT", False), ("Sở Nội vụ tỉnh", False)])
def test_person_name(s, ok):
    assert is_person_name(s) is ok


def test_empty_text():
    p = parse("")
    assert p.document.symbol is None and p.body_end == 0


PROVINCIAL_PARTY = """ĐẢNG BỘ TỈNH NINH BÌNH
TỈNH ỦY
*
Số 03-CT/TU

ĐẢNG CỘNG SẢN VIỆT NAM

Ninh Bình, ngày 02 tháng 3 năm 2026

CHỈ THỊ
về công tác phòng cháy trong mùa khô

Các cấp ủy tổ chức thực hiện nghiêm các nội dung sau.

Nơi nhận:
- Các huyện ủy (t/h),
- Như Điều 3,
- Lưu Văn phòng Tỉnh ủy.

T/M BAN THƯỜNG VỤ
BÍ THƯ

Đỗ Văn Hùng
"""

CHAIRMAN_DECISION = """ỦY BAN NHÂN DÂN
TỈNH CAO BẰNG
-------

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

Số: 88/QĐ-UBND

Cao Bằng, ngày 10 tháng 4 năm 2026

QUYẾT ĐỊNH
Về việc thành lập Tổ công tác

CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH

Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;

QUYẾT ĐỊNH:

Điều 1. Thành lập Tổ công tác.
"""

NEWS_ON_BEHALF = """Ban hành Chỉ thị về phòng cháy

Ngày 02/3/2026, thay mặt Ban Thường vụ Tỉnh ủy, đồng chí Bí thư Tỉnh ủy đã ký ban hành Chỉ thị số 03-CT/TU về công tác phòng cháy trong mùa khô.
"""


@pytest.mark.parametrize(
    "text, issuer",
    [
        (PROVINCIAL_PARTY, "Ban Thường vụ Tỉnh ủy Ninh Bình"),  # T/M organ + committee + place of the Đảng bộ
        (CHAIRMAN_DECISION, "Chủ tịch Ủy ban nhân dân tỉnh Cao Bằng"),  # the speaker line, place completed
        (NEWS_ON_BEHALF, "Ban Thường vụ Tỉnh ủy"),  # "thay mặt X" in a news lead
    ],
)
def test_issuer_rules(text, issuer):
    assert parse(text).document.issuer == issuer


def test_nhu_dieu_is_not_a_recipient():
    names = [r.name for r in parse(PROVINCIAL_PARTY).document.recipients]
    assert names == ["Các huyện ủy"]


@pytest.mark.parametrize("place_line, issuer", [
    ("TỈNH BÀ RỊA - VŨNG TÀU", "Ủy ban nhân dân tỉnh Bà Rịa - Vũng Tàu"),
    ("THÀNH PHỐ HỒ CHÍ MINH", "Ủy ban nhân dân Thành phố Hồ Chí Minh"),
    ("HUYỆN MƯỜNG LA", "Ủy ban nhân dân huyện Mường La"),
])
def test_locality_is_a_proper_name_even_when_the_body_never_writes_it(place_line, issuer):
    text = f"ỦY BAN NHÂN DÂN\n{place_line}\n-------\n\nSố: 5/KH-UBND\n\nNơi A, ngày 01 tháng 02 năm 2026\n\nKẾ HOẠCH\nVỀ VIỆC X\n\nNội dung.\n"
    assert parse(text).document.issuer == issuer


def test_case_model_scan_agrees_with_word_list():
    """The case model finds a word's occurrences with str.find on the lower-cased text; it
    must see exactly the words that _WORD_RE.findall splits the text into."""
    from pipeline.parse.header import _CaseModel

    text = ("ỦY BAN NHÂN DÂN TỈNH BẮC NINH\nỦy ban nhân dân tỉnh Bắc Ninh giao Sở Y tế; ủy-ban "
            "a-b/c --b b-- /b/ QĐ-TTg 1899/QĐ-TTg, 1899/qđ-ttg tỉnh-thành UBND tỉnh, Ban Chỉ đạo "
            "ban chỉ đạo BAN CHỈ ĐẠO xã, phường; ×ban ban× _ban b_an")
    vocab = {"ủy", "ban", "nhân", "dân", "tỉnh", "bắc", "ninh", "b", "a-b/c", "qđ-ttg", "1899/qđ-ttg",
             "tỉnh-thành", "ubnd", "chỉ", "đạo", "xã", "ban×", "_ban", "an"}

    def state(m):
        for w in vocab:
            m._look(w)  # a word is looked for when first asked about
        return {w: m._context(w) for w in m.occ}, m.caps

    lazy = _CaseModel(text, vocab)
    listed = _CaseModel(text, set())
    listed._from_tokens(text, vocab)
    assert state(lazy) == state(listed)
    assert lazy.occ["ban"] and "ubnd" in lazy.caps
RESOLUTION_WITH_PROGRAMME = """CHÍNH PHỦ
-------

CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
---------------

Số: 41/NQ-CP

Hà Nội, ngày 03 tháng 02 năm 2026

NGHỊ QUYẾT
BAN HÀNH CHƯƠNG TRÌNH HÀNH ĐỘNG VỀ PHÁT TRIỂN THƯ VIỆN

CHÍNH PHỦ

QUYẾT NGHỊ:
Điều 1. Ban hành kèm theo Nghị quyết này Chương trình hành động.
Điều 2. Nghị quyết này có hiệu lực kể từ ngày ký./.

TM. CHÍNH PHỦ
KT. THỦ TƯỚNG
PHÓ THỦ TƯỚNG

Trần Văn Minh

CHÍNH PHỦ

CHƯƠNG TRÌNH HÀNH ĐỘNG
(Kèm theo Nghị quyết số 41/NQ-CP ngày 03 tháng 02 năm 2026 của Chính phủ)

I. MỤC TIÊU
""" + "\n".join(f"{i}. Bộ Văn hóa, Thể thao và Du lịch chủ trì nhiệm vụ thứ {i}." for i in range(1, 40)) + "\n"


def test_signer_without_noi_nhan_before_an_attached_programme():
    p = parse(RESOLUTION_WITH_PROGRAMME)
    assert p.document.signer == "Trần Văn Minh"
    assert RESOLUTION_WITH_PROGRAMME[p.body_end:].startswith("TM. CHÍNH PHỦ")


@pytest.mark.parametrize("title_line, title", [
    ("VỀ KIỂM TRA TÀI SẢN THUỘC PHẠM VI QUẢN LÝ CỦA TỈNH", "về kiểm tra tài sản thuộc phạm vi quản lý của tỉnh"),
    ("VỀ XỬ LÝ HÀNH VI VI PHẠM TRONG ĐẤU THẦU", "về xử lý hành vi vi phạm trong đấu thầu"),
    ("VỀ TỔ CHỨC ĐẠI HỘI ĐẢNG BỘ LẦN THỨ XI", "về tổ chức đại hội đảng bộ lần thứ XI"),
])
def test_title_roman_looking_words(title_line, title):
    text = (f"ỦY BAN NHÂN DÂN\nTỈNH CAO BẰNG\n-------\n\nSố: 9/KH-UBND\n\nCao Bằng, ngày 01 tháng 02 năm 2026\n\n"
            f"KẾ HOẠCH\n{title_line}\n\nCác sở thực hiện.\n")
    assert parse(text).document.title == title


@pytest.mark.parametrize("body, issuer", [
    ("UBND tỉnh Điện Biên yêu cầu các sở thực hiện nghiêm.", "Ủy ban nhân dân tỉnh Điện Biên"),
    ("Ủy ban nhân dân Thành phố đề nghị các đơn vị phối hợp.", "Ủy ban nhân dân Thành phố"),
    ("Các sở thực hiện nghiêm các nội dung trên.", None),  # nothing names the place: no bare issuer
])
def test_signed_for_local_body_without_header(body, issuer):
    text = ("Kính gửi:\n\n- Các sở, ban, ngành;\n- Ủy ban nhân dân các xã.\n\n"
            "Thực hiện chỉ đạo của cấp trên về công tác quản lý đầu tư công, nội dung như sau:\n\n"
            "1. Các đơn vị rà soát danh mục dự án trước ngày 15/3/2026.\n\n"
            "2. Sở Tài chính tổng hợp kết quả, báo cáo trước ngày 30/3/2026.\n\n" +
            "".join(f"{i}. Các chủ đầu tư thực hiện nhiệm vụ số {i} đúng tiến độ.\n\n" for i in range(3, 30)) + body +
            "\n\nNơi nhận:\n- Như trên;\n- Lưu: VT.\n\nTM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH\nLê Văn Tâm\n")
    doc = parse(text).document
    assert doc.issuer == issuer
    assert doc.signer == "Lê Văn Tâm"
