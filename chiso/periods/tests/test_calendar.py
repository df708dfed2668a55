from datetime import date

import pytest

from chiso.periods.calendar import periods_of_year, resolve
from chiso.periods.codes import Kind, PeriodError, parse_period
from chiso.periods.models import AdHocPeriod, ReportingRule


@pytest.mark.parametrize("text,kind,code", [
    ("2025-Q3", Kind.Q3, "2025-Q3"), ("2025-q1", Kind.Q1, "2025-Q1"), ("2025-H1", Kind.H1, "2025-H1"),
    ("2025-Y", Kind.YEAR, "2025-Y"), ("2025-11", Kind.MONTH, "2025-11"), (" 2025-3 ", Kind.MONTH, "2025-03"),
    ("2025-DX2", Kind.ADHOC, "2025-DX2"),
])
def test_it_parses_period_codes(text, kind, code):
    pc = parse_period(text)
    assert pc.kind == kind and pc.code == code


@pytest.mark.parametrize("text,words", [
    ("2025-Q5", "không hợp lệ"), ("2025-13", "từ 1 đến 12"), ("2025-Q2", "6 tháng (H1)"), ("", "không hợp lệ"),
    ("Q3-2025", "2025-Q1"), ("1999-Y", "2000–2100"), ("2025-H2", "báo cáo năm"), ("2025-DX0", "từ 1"),
])
def test_it_refuses_bad_codes_in_vietnamese(text, words):
    with pytest.raises(PeriodError) as err:
        parse_period(text)
    assert words in str(err.value)


def test_default_windows_and_deadlines(world):
    q1 = resolve(world.home, "2025-Q1")
    assert (q1.start, q1.end) == (date(2024, 12, 15), date(2025, 3, 14))
    assert q1.unit_due < q1.office_due < q1.agency_due < q1.province_due == date(2025, 3, 20)
    assert resolve(world.home, "2025-H1").start == date(2024, 12, 15)
    q3 = resolve(world.home, "2025-Q3")
    assert (q3.start, q3.end) == (date(2025, 6, 15), date(2025, 9, 14))
    y = resolve(world.home, "2025-Y")
    assert (y.start, y.end, y.label) == (date(2024, 12, 15), date(2025, 12, 14), "năm 2025")
    m = resolve(world.home, "2025-01")
    assert (m.start, m.end) == (date(2024, 12, 15), date(2025, 1, 14))


def test_an_agency_row_replaces_the_default(world):
    ReportingRule.objects.create(agency=world.home, kind=Kind.Q3, start_months_before=3, start_day=15, end_day=10,
                                 unit_day=11, office_day=12, agency_day=13, province_day=20)
    assert resolve(world.home, "2025-Q3").agency_due == date(2025, 9, 13)
    assert resolve(world.other, "2025-Q3").agency_due == date(2025, 9, 18)


def test_ad_hoc_periods(world):
    with pytest.raises(PeriodError):
        resolve(world.home, "2026-DX1")
    AdHocPeriod.objects.create(agency=world.home, year=2026, number=1, title="về công tác một cửa",
                               start=date(2026, 1, 1), end=date(2026, 4, 30), unit_due=date(2026, 5, 3),
                               agency_due=date(2026, 5, 5))
    p = resolve(world.home, "2026-DX1")
    assert p.agency_due == date(2026, 5, 5) and p.label == "về công tác một cửa"
    codes = [x.code for x in periods_of_year(world.home, 2026)]
    assert codes == ["2026-Q1", "2026-DX1", "2026-H1", "2026-Q3", "2026-Y"]
