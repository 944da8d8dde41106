"""Plain-text reading: encodings (UTF-8/16, cp1258, TCVN3, VNI), legacy
conversion both ways, and every bad input giving a one-line ReadError."""
from __future__ import annotations

import sys
import unicodedata
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _render as R  # noqa: E402

from pipeline.errors import ReadError  # noqa: E402
from pipeline.read import legacy, read_bytes, read_path, sniff  # noqa: E402

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

SENTENCES = [
    "Ủy ban nhân dân huyện giao Phòng Tài chính - Kế hoạch chủ trì thẩm định dự toán.",
    "Các trường học phải hoàn thành việc sửa chữa phòng học trước ngày khai giảng năm học mới.",
    "Người đứng đầu cơ quan chịu trách nhiệm trước Chủ tịch tỉnh về kết quả thực hiện.",
    "Đẩy mạnh ứng dụng công nghệ thông tin, chuyển đổi số trong giải quyết thủ tục hành chính.",
]
TEXT = "\n".join(SENTENCES) + "\n"


@pytest.mark.parametrize("encoding,expect", [
    ("utf-8", "utf-8"),
    ("utf-8-sig", "utf-8-sig"),
    ("utf-16", "utf-16"),
    ("utf-16-le", "utf-16-le"),
    ("cp1258", "cp1258"),
    ("tcvn3", "tcvn3"),
    ("vni", "vni"),
])
def test_encodings_decode_to_the_same_text(tmp_path, encoding, expect):
    f = tmp_path / f"doc_{encoding}.txt"
    f.write_bytes(R.to_bytes(TEXT, encoding))
    src = read_path(f)
    assert src.format == "txt"
    assert src.encoding == expect
    assert unicodedata.is_normalized("NFC", src.text)
    if encoding == "tcvn3":
        # TCVN3 has no codes for upper-case toned vowels inside mixed-case text ("Ủy")
        assert src.text.lower() == TEXT.lower()
        assert src.text.split("\n")[1:] == TEXT.split("\n")[1:]
    else:
        assert src.text == TEXT


def test_cp1258_combining_tones_are_composed(tmp_path):
    raw = R.to_bytes("Quyết định về việc phê duyệt kế hoạch", "cp1258")
    assert b"\xec" in raw or b"\xd2" in raw or b"\xf2" in raw or b"\xde" in raw  # cp1258 tone bytes
    (tmp_path / "a.txt").write_bytes(raw * 5)
    src = read_path(tmp_path / "a.txt")
    assert src.text.startswith("Quyết định về việc phê duyệt kế hoạch")
    assert unicodedata.is_normalized("NFC", src.text)


@pytest.mark.parametrize("scheme", ["tcvn3", "vni"])
def test_legacy_text_saved_as_utf8_is_converted(tmp_path, scheme):
    """A TCVN3/VNI document copied into a UTF-8 file: the mojibake is detected."""
    moji = legacy.encode(TEXT, scheme).decode("cp1252")
    (tmp_path / "m.txt").write_text(moji, encoding="utf-8")
    src = read_path(tmp_path / "m.txt")
    assert src.encoding == f"utf-8+{scheme}"
    assert src.text.lower() == TEXT.lower()


@pytest.mark.parametrize("scheme,unicode_text,legacy_text", [
    ("tcvn3", "Cộng hòa", "Céng hßa"),
    ("tcvn3", "Bảo Thắng", "B¶o Th¾ng"),
    ("vni", "Xin chào các bạn", "Xin chaøo caùc baïn"),
    ("vni", "Đường", "Ñöôøng"),
    ("vni", "ĐƯỜNG", "ÑÖÔØNG"),
])
def test_legacy_table_facts(scheme, unicode_text, legacy_text):
    assert legacy.encode(unicode_text, scheme) == legacy_text.encode("cp1252")
    assert legacy.decode(legacy_text.encode("cp1252"), scheme) == unicode_text


@pytest.mark.parametrize("line", [
    "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
    "Độc lập - Tự do - Hạnh phúc",
    "ỦY BAN NHÂN DÂN TỈNH",
    "ĐẢNG ỦY KHỐI CÁC CƠ QUAN",
    "Số: 15/KH-UBND",
    "ĐÀ NẴNG, ngày 2 tháng 9 năm 2025",
    "Hà Nội, ngày 03 tháng 02 năm 2025",
    "CÔNG BÁO/Số 41/Ngày 15-03-2025",
    "Ban Thường vụ Tỉnh ủy ban hành kế hoạch; giao Ủy ban nhân dân tỉnh chủ trì.",
    "Phân công đồng chí Ủy viên Ban Thường vụ theo dõi; các ủy viên khác phối hợp.",
    "c) Áp dụng từ ngày ký.",
    "- Ý kiến của các sở.",
    "đ) Các nhiệm vụ khác.",
])
def test_tcvn3_upper_case_restored_from_context(line):
    assert legacy.decode(legacy.encode(line, "tcvn3"), "tcvn3") == line


def test_vni_round_trip_every_letter():
    letters = "".join(sorted(legacy._vni()[0]))  # all 134 letters of the table
    assert legacy.decode(legacy.encode(letters, "vni"), "vni") == letters


def test_tcvn3_round_trip_every_lower_case_letter():
    lowers = "và " + "".join(sorted(k for k in legacy._vni()[0] if k.islower()))
    assert legacy.decode(legacy.encode(lowers, "tcvn3"), "tcvn3") == lowers


def test_legacy_lines_inside_a_unicode_text(tmp_path):
    header = ["ỦY BAN NHÂN DÂN TỈNH", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"]
    lines = [legacy.encode(h, "tcvn3").decode("cp1252") for h in header] + SENTENCES
    (tmp_path / "mixed.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
    src = read_path(tmp_path / "mixed.txt")
    assert src.encoding == "utf-8+legacy-lines"
    assert src.text == "\n".join(header + SENTENCES) + "\n"


def test_unicode_vietnamese_is_not_mistaken_for_legacy():
    assert legacy.detect(R.SAMPLE) is None
    assert legacy.detect("Café crème brûlée à la carte, naïve façade.") is None


def test_double_encoded_utf8_is_repaired(tmp_path):
    # as a browser does it: windows-1252, its undefined bytes kept as C1 characters
    moji = "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in TEXT.encode("utf-8"))
    assert "á»" in moji
    (tmp_path / "d.txt").write_text(moji, encoding="utf-8")
    src = read_path(tmp_path / "d.txt")
    assert src.encoding == "utf-8+double-utf-8"
    assert src.text == TEXT


def test_utf8_with_a_few_broken_bytes(tmp_path):
    raw = TEXT.encode("utf-8") * 3
    raw = raw[:50] + b"\xff" + raw[50:]
    (tmp_path / "b.txt").write_bytes(raw)
    src = read_path(tmp_path / "b.txt")
    assert src.encoding == "utf-8 (1 bad bytes replaced)"
    assert src.text.replace("\ufffd", "") == (TEXT * 3)


# ------------------------------------------------------------------ bad inputs
def _err(path) -> str:
    with pytest.raises(ReadError) as ei:
        read_path(path)
    msg = str(ei.value)
    assert "\n" not in msg and "Traceback" not in msg
    return msg


def test_empty_file(tmp_path):
    (tmp_path / "e.txt").write_bytes(b"")
    assert "empty file" in _err(tmp_path / "e.txt")
    (tmp_path / "w.txt").write_bytes(b"  \n\r\n ")
    assert "empty file" in _err(tmp_path / "w.txt")


def test_binary_file(tmp_path):
    (tmp_path / "b.txt").write_bytes(bytes(range(256)) * 40)
    assert "binary file" in _err(tmp_path / "b.txt")
    (tmp_path / "img.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 100)
    assert "binary file" in _err(tmp_path / "img.txt")


def test_unknown_encoding(tmp_path):
    # Chinese in GBK: not UTF-8, and no Vietnamese 8-bit decoding makes sense of it
    (tmp_path / "u.txt").write_bytes(("关于加强农村饮用水源保护工作的通知。" * 20).encode("gbk"))
    assert "unknown text encoding" in _err(tmp_path / "u.txt")


def test_too_large(tmp_path, monkeypatch):
    f = tmp_path / "big.txt"
    f.write_bytes(TEXT.encode() * 200)
    monkeypatch.setenv("VANBAN_MAX_BYTES", "1000")
    msg = _err(f)
    assert "file too large" in msg and "VANBAN_MAX_BYTES" in msg
    monkeypatch.setenv("VANBAN_MAX_BYTES", str(10 ** 7))
    assert read_path(f).text.startswith(SENTENCES[0])


def test_missing_file(tmp_path):
    assert "No such file" in _err(tmp_path / "nope.txt")


def test_directory(tmp_path):
    assert _err(tmp_path)


def test_sha256_and_sniff(tmp_path):
    import hashlib

    data = TEXT.encode()
    (tmp_path / "x.txt").write_bytes(data)
    assert read_path(tmp_path / "x.txt").sha256 == hashlib.sha256(data).hexdigest()
    assert sniff(b"%PDF-1.7\n...", "a.txt") == "pdf"
    assert sniff(b"PK\x03\x04...", "a.bin") == "docx"
    assert sniff(b"<!DOCTYPE html><html>", "a.txt") == "html"
    assert sniff(b"plain", "a.txt") == "txt"
    assert read_bytes(data, "mem.txt").text == TEXT


# ------------------------------------------------------------------ shared corpus
def _shared_files():
    if not SHARED.is_dir():
        return []
    files = []
    for sub in ("seeds", "external-corpus"):
        files += sorted((SHARED / sub).glob("*.txt"))
    return files


def test_every_shared_text_reads():
    files = _shared_files()
    if not files:
        pytest.skip("../shared is absent")
    for f in files:
        src = read_path(f)
        assert src.format == "txt" and src.encoding in ("utf-8", "utf-8-sig"), (f.name, src.encoding)
        assert src.text == unicodedata.normalize("NFC", f.read_text(encoding="utf-8-sig")), f.name


@pytest.mark.parametrize("encoding", ["tcvn3", "vni", "cp1258", "utf-16"])
def test_shared_texts_round_trip_through_every_encoding(encoding):
    """Each real text, written in a legacy encoding, is detected and converted
    back (TCVN3: the letters, and nearly all of the case)."""
    files = _shared_files()[::4]  # a quarter of them keeps the suite fast; all pass
    if not files:
        pytest.skip("../shared is absent")
    case_errors = total = 0
    for f in files:
        text = f.read_text(encoding="utf-8")
        want = R.encodable(text, encoding)
        src = read_bytes(R.to_bytes(text, encoding), f.name)
        assert src.encoding == encoding, f.name
        if encoding == "tcvn3":
            assert src.text.lower() == want.lower(), f.name
            case_errors += sum(a != b for a, b in zip(src.text, want))
            total += len(want)
        else:
            assert src.text == want, f.name
    assert case_errors <= total * 0.0005
