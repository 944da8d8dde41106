"""Time expressions: dates, months, quarters, halves, years, periods,
recurrences, relative deadlines.  Example sentences are our own."""
from __future__ import annotations

import pytest

from pipeline.dates import DATE_RE, find_times, iso, parse_date_text

ANCHOR = "2025-11-20"


def _one(text, kind, anchor=ANCHOR):
    xs = [x for x in find_times(text, anchor=anchor) if x.kind == kind]
    assert len(xs) == 1, [(x.kind, x.text) for x in find_times(text, anchor=anchor)]
    x = xs[0]
    assert text[x.start:x.end] == x.text
    return x


# (sentence, kind, expression text, value, deadline, is_deadline_cue)
POINTS = [
    ("Các đơn vị gửi báo cáo trước ngày 15/12/2024.", "date", "ngày 15/12/2024", "2024-12-15", "2024-12-15", True),
    ("Văn bản ký ngày 12/4/2021 đã nêu rõ.", "date", "ngày 12/4/2021", "2021-04-12", "2021-04-12", False),
    ("Quyết định ban hành ngày 15-10-2007 vẫn còn hiệu lực.", "date", "ngày 15-10-2007", "2007-10-15", "2007-10-15", False),
    ("Hội nghị họp ngày 03.02.2019 tại hội trường.", "date", "ngày 03.02.2019", "2019-02-03", "2019-02-03", False),
    ("Hà Nội, ngày 13 tháng 01 năm 2012", "date", "ngày 13 tháng 01 năm 2012", "2012-01-13", "2012-01-13", False),
    ("Chậm nhất là ngày 05 tháng 3 năm 2026 phải nộp hồ sơ.", "date", "ngày 05 tháng 3 năm 2026", "2026-03-05", "2026-03-05", True),
    # no year: the anchor's year (a deadline before the anchor rolls to the next year)
    ("Gửi đăng ký trước 20h00 ngày 25/12 về Văn phòng.", "datetime", "20h00 ngày 25/12", "2025-12-25", "2025-12-25", True),
    ("Gửi đăng ký trước 20h00 ngày 25/5 về Văn phòng.", "datetime", "20h00 ngày 25/5", "2026-05-25", "2026-05-25", True),
    ("Nộp hồ sơ chậm nhất 15/12 tại bộ phận một cửa.", "date", "15/12", "2025-12-15", "2025-12-15", True),
    # months
    ("Đơn vị hoàn thành trong tháng 6 năm 2025.", "month", "tháng 6 năm 2025", "2025-06", "2025-06-30", True),
    ("Xây dựng kế hoạch xong trong tháng 12/2025.", "month", "tháng 12/2025", "2025-12", "2025-12-31", True),
    ("Thời gian thực hiện: Tháng 02/2024.", "month", "Tháng 02/2024", "2024-02", "2024-02-29", True),
    # quarters (roman and arabic, "/" and "năm")
    ("Hoàn thành trong Quý I/2026.", "quarter", "Quý I/2026", "2026-Q1", "2026-03-31", True),
    ("Tổ chức sơ kết vào quý 3 năm 2026.", "quarter", "quý 3 năm 2026", "2026-Q3", "2026-09-30", False),
    ("Trình đề án trước quý IV-2025.", "quarter", "quý IV-2025", "2025-Q4", "2025-12-31", True),
    # halves
    ("Báo cáo kết quả 6 tháng đầu năm 2026.", "half", "6 tháng đầu năm 2026", "2026-H1", "2026-06-30", False),
    ("Triển khai trong 6 tháng cuối năm 2025.", "half", "6 tháng cuối năm 2025", "2025-H2", "2025-12-31", True),
    # years
    # a list whose year is written once: the whole list, the last item's deadline
    ("Hoàn thành trong Quý I, II/2026.", "quarter", "Quý I, II/2026", "2026-Q2", "2026-06-30", True),
    ("Tổ chức trong tháng 11, 12/2025.", "month", "tháng 11, 12/2025", "2025-12", "2025-12-31", True),
    ("Thực hiện trong tháng 10 và tháng 11 năm 2024.", "month", "tháng 10 và tháng 11 năm 2024", "2024-11", "2024-11-30", True),
    ("Phấn đấu hoàn thành trong năm 2027.", "year", "năm 2027", "2027", "2027-12-31", True),
    ("Luật Đất đai năm 2024 quy định rõ.", "year", "năm 2024", "2024", "2024-12-31", False),
]


@pytest.mark.parametrize("text,kind,expr,value,deadline,cue", POINTS)
def test_points(text, kind, expr, value, deadline, cue):
    x = _one(text, kind)
    assert (x.text, x.value, x.deadline, x.is_deadline_cue) == (expr, value, deadline, cue)


def test_year_alone_in_a_table_cell_is_a_deadline():
    text = "Rà soát quy chế\n\nSở Tài chính\n\n2026\n\nQuyết định"
    x = _one(text, "year")
    assert (x.value, x.deadline, x.is_deadline_cue) == ("2026", "2026-12-31", True)


def test_no_year_without_anchor_stays_unresolved():
    x = _one("Gửi báo cáo trước ngày 25/5.", "date", anchor=None)
    assert x.value is None and x.deadline is None


def test_symbols_are_not_dates():
    text = "Nghị định số 30/2020/NĐ-CP và Luật số 22/2023/QH15 quy định."
    assert [x for x in find_times(text) if x.kind in ("date", "month", "period")] == []


@pytest.mark.parametrize("text,value", [
    ("ngày 15–10–2007", "2007-10-15"), ("ngày 15—10—2007", "2007-10-15"), ("quý II—2026", "2026-Q2"),
    ("tháng 12−2025", "2025-12"), ("Quý 2/2026", "2026-Q2"), ("QUÝ IV NĂM 2025", "2025-Q4"),
])
def test_dash_and_case_variants(text, value):
    assert [x.value for x in find_times(text)] == [value]


def test_fraction_is_no_date():
    assert find_times("Tỷ lệ 1/2 số xã đạt chuẩn.", anchor=ANCHOR) == []


def test_dates_are_day_month_year():
    assert find_times("ngày 02/03/2025")[0].value == "2025-03-02"
    assert find_times("ngày 31/02/2025") == []  # not a real date


# (sentence, expression text, period)
PERIODS = [
    ("Kế hoạch thực hiện giai đoạn 2021 – 2030.", "giai đoạn 2021 – 2030", {"start": "2021-01-01", "end": "2030-12-31"}),
    ("Trong giai đoạn 2026\n- 2030 phấn đấu đạt mục tiêu.", "giai đoạn 2026\n- 2030", {"start": "2026-01-01", "end": "2030-12-31"}),
    ("Thời gian: Giai đoạn 2026-2030 và những năm tiếp theo.", "Giai đoạn 2026-2030 và những năm tiếp theo", {"start": "2026-01-01", "end": None}),
    ("Từ năm 2012 trở đi, đưa nội dung này vào đánh giá.", "Từ năm 2012 trở đi", {"start": "2012-01-01", "end": None}),
    ("Thời gian thực hiện: Từ 01/7/2025.", "Từ 01/7/2025", {"start": "2025-07-01", "end": None}),
    ("Áp dụng từ ngày 01 tháng 10 năm 2025 đến hết ngày 31/12/2025.", "từ ngày 01 tháng 10 năm 2025 đến hết ngày 31/12/2025", {"start": "2025-10-01", "end": "2025-12-31"}),
    ("Thực hiện từ năm 2021 đến năm 2025.", "từ năm 2021 đến năm 2025", {"start": "2021-01-01", "end": "2025-12-31"}),
    ("Tập trung thực hiện từ nay đến năm 2030.", "từ nay đến năm 2030", {"start": ANCHOR, "end": "2030-12-31"}),
    ("Nhiệm kỳ 2020 - 2025 đã hoàn thành.", "Nhiệm kỳ 2020 - 2025", {"start": "2020-01-01", "end": "2025-12-31"}),
    ("- Thời gian thực hiện: Năm 2027 và các năm tiếp theo.", "Năm 2027 và các năm tiếp theo", {"start": "2027-01-01", "end": None}),
    ("Thời gian: từ tháng 3 đến tháng 5/2026.", "từ tháng 3 đến tháng 5/2026", {"start": "2026-03-01", "end": "2026-05-31"}),
    ("Thời gian: Từ tháng 12/2025 đến quý I/2026.", "Từ tháng 12/2025 đến quý I/2026", {"start": "2025-12-01", "end": "2026-03-31"}),
]


@pytest.mark.parametrize("text,expr,period", PERIODS)
def test_periods(text, expr, period):
    x = _one(text, "period")
    assert (x.text, x.period, x.deadline) == (expr, period, None)


# (sentence, expression text, recurrence)
RECURRENCES = [
    ("Hàng quý, 6 tháng, cuối năm và hàng năm, các đơn vị sơ kết.", "Hàng quý, 6 tháng, cuối năm và hàng năm", ["quarterly", "semiannual", "annual"]),
    ("Gắn với bình xét thi đua hằng tháng, quý, năm đối với công chức.", "hằng tháng, quý, năm", ["monthly", "quarterly", "annual"]),
    ("Các xã báo cáo định kỳ hằng tháng về Sở.", "định kỳ hằng tháng", "monthly"),
    ("Gửi số liệu trước ngày 20 hằng tháng.", "ngày 20 hằng tháng", "monthly"),
    ("Báo cáo trước ngày 10 tháng 01 hàng năm.", "ngày 10 tháng 01 hàng năm", "annual"),
    ("Tổng hợp báo cáo trước 30/11 hằng năm.", "30/11 hằng năm", "annual"),
    ("Giao ban hàng tuần vào sáng thứ Hai.", "hàng tuần", "weekly"),
    ("Định kỳ 6 tháng báo cáo Ủy ban nhân dân tỉnh.", "Định kỳ 6 tháng", "semiannual"),
    ("Kiểm tra mỗi quý một lần.", "mỗi quý", "quarterly"),
    ("Bố trí kinh phí trong dự toán ngân sách hằng năm.", "hằng năm", "annual"),
    ("Tổ chức giao ban 6 tháng một lần.", "6 tháng một lần", "semiannual"),
    ("Tài liệu đăng tải vào ngày 10 của tháng trước đó.", "ngày 10 của tháng", "monthly"),
    ("Số chuyên đề ra vào tuần cuối cùng của tháng thứ 3 trong quý.", "tuần cuối cùng của tháng thứ 3 trong quý", "quarterly"),
    ("Chi bộ sinh hoạt vào ngày mồng 5 hằng tháng.", "ngày mồng 5 hằng tháng", "monthly"),
    ("Tổ chức kiểm tra ít nhất 01 lần/năm.", "01 lần/năm", "annual"),
    ("Gửi báo cáo trước ngày 25 của tháng cuối quý.", "ngày 25 của tháng cuối quý", "quarterly"),
    ("Hội đồng họp 2 lần/năm.", "2 lần/năm", "semiannual"),
]


@pytest.mark.parametrize("text,expr,rec", RECURRENCES)
def test_recurrences(text, expr, rec):
    x = _one(text, "recurrence")
    assert (x.text, x.recurrence, x.deadline) == (expr, rec, None)


def test_hang_of_other_words_is_no_recurrence():
    assert find_times("Ngân hàng năm nay tăng trưởng; khách hàng tháng trước giảm.") == []


def test_annual_vs_year_2025():
    xs = find_times("Kế hoạch năm 2025 và kế hoạch hằng năm")
    assert [(x.kind, x.value, x.recurrence) for x in xs] == [("year", "2025", None), ("recurrence", None, "annual")]


def test_no_year_date_near_a_recurrence_is_not_a_deadline():
    xs = find_times("Báo cáo kết quả hằng năm (trước ngày 15 tháng 11) về Sở.", anchor=ANCHOR)
    d = [x for x in xs if x.kind == "date"][0]
    assert d.deadline is None
    assert [x.recurrence for x in xs if x.kind == "recurrence"] == ["annual"]


# (sentence, anchor, expression text, deadline, cue)
RELATIVES = [
    ("Các đơn vị báo cáo trong thời hạn 30 ngày kể từ ngày ký.", ANCHOR, "trong thời hạn 30 ngày kể từ ngày ký", "2025-12-20", True),
    ("Trong vòng 15 ngày kể từ ngày ban hành Quyết định này, các sở phải ...", "2025-01-10", "Trong vòng 15 ngày kể từ ngày ban hành Quyết định này", "2025-01-25", True),
    ("Chậm nhất 02 tháng kể từ ngày 01/7/2025 phải hoàn thành.", None, "Chậm nhất 02 tháng kể từ ngày 01/7/2025", "2025-09-01", True),
    # signing of another paper: not the document's date, stays unresolved
    ("Cấp giấy chứng nhận trong thời hạn 15 ngày kể từ ngày ký quyết định công nhận.", ANCHOR, "trong thời hạn 15 ngày kể từ ngày ký quyết định công nhận", None, True),
    # working days cannot be counted without a holiday calendar
    ("Trả lời trong thời hạn 10 ngày làm việc kể từ ngày ký.", ANCHOR, "trong thời hạn 10 ngày làm việc kể từ ngày ký", None, True),
    ("Trong thời hạn 30 ngày kể từ ngày ký.", None, "Trong thời hạn 30 ngày kể từ ngày ký", None, True),
    ("Các xã hoàn thành trong 45 ngày.", ANCHOR, "trong 45 ngày", None, True),
    ("Báo cáo trong thời hạn 10 ngày kể từ ngày Kế hoạch này được ban hành.", ANCHOR,
     "trong thời hạn 10 ngày kể từ ngày Kế hoạch này được ban hành", "2025-11-30", True),
]


@pytest.mark.parametrize("text,anchor,expr,deadline,cue", RELATIVES)
def test_relative(text, anchor, expr, deadline, cue):
    x = _one(text, "relative", anchor=anchor)
    assert (x.text, x.deadline, x.is_deadline_cue) == (expr, deadline, cue)


def test_ongoing_and_spelling_variants():
    xs = find_times("Thường xuyên, liên tục theo dõi; kinh phí chi thường xuyên; HẰNG NĂM rà soát.")
    assert [(x.kind, x.text) for x in xs] == [("ongoing", "Thường xuyên, liên tục"), ("recurrence", "HẰNG NĂM")]


def test_range_offsets_and_order():
    text = "Mở đầu. Trước ngày 15/12/2024 nộp; giai đoạn 2021-2025; hằng quý báo cáo."
    xs = find_times(text, 8, len(text))
    assert [x.kind for x in xs] == ["date", "period", "recurrence"]
    assert all(text[x.start:x.end] == x.text for x in xs)
    assert find_times(text, 0, 7) == []


def test_school_year_is_no_calendar_period():
    assert [x for x in find_times("Áp dụng từ năm học 2026-2027.") if x.kind == "period"] == []


def test_as_of_is_not_a_deadline():
    x = _one("Tính đến hết ngày 17/11/2025, hệ thống đã cập nhật 90% hồ sơ.", "date")
    assert x.deadline == "2025-11-17" and x.is_deadline_cue is False


def test_old_helpers_still_work():
    assert parse_date_text("ngày 13 tháng 01 năm 2012") == "2012-01-13"
    assert parse_date_text("ban hành 15-11-2017") == "2017-11-15"
    assert parse_date_text("số 30/2020/NĐ-CP") is None
    assert iso(2025, 2, 30) is None
    assert DATE_RE.search("ngày 1/2/2020").group("d") == "1"


def test_find_times_with_the_callers_lower_case_copy():
    """Passing the text's lower-case copy changes nothing but the work."""
    from pipeline.dates import find_times

    text = "Hằng NĂM, trước ngày 15/12/2025 và Quý I/2026; THƯỜNG XUYÊN báo cáo. İ"
    low = "".join(c.lower()[:1] or c for c in text)
    plain = [x.to_dict() for x in find_times(text, 0, None, "2025-03-01")]
    with_low = [x.to_dict() for x in find_times(text, 0, None, "2025-03-01", lower=low)]
    assert plain == with_low and plain
