"""Working-day arithmetic: French public holidays, weekends, closing days."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from automation.deadlines import workdays
from automation.deadlines.workdays import (
    HOLIDAYS_TABLE,
    SHIPPED_YEARS,
    SUBDIVISIONS,
    WorkCalendar,
    library_holidays,
    public_holidays,
)

FRANCE = WorkCalendar()
ALSACE = WorkCalendar(subdivision="67")


@pytest.mark.parametrize(
    ("received", "n", "due"),
    [
        pytest.param(datetime(2026, 11, 20, 18, 45), 2, date(2026, 11, 24),
                     id="friday-evening-receipt-acknowledged-by-tuesday"),
        pytest.param(datetime(2026, 11, 20, 8, 0), 2, date(2026, 11, 24),
                     id="friday-morning-receipt-same-deadline-as-evening"),
        pytest.param(date(2026, 11, 21), 2, date(2026, 11, 24),
                     id="saturday-receipt-counts-monday-as-first-day"),
        pytest.param(date(2026, 11, 22), 2, date(2026, 11, 24),
                     id="sunday-receipt-counts-monday-as-first-day"),
        pytest.param(date(2026, 5, 13), 2, date(2026, 5, 18),
                     id="eve-of-ascension-thursday-skips-the-holiday-not-the-friday"),
        pytest.param(date(2026, 12, 24), 2, date(2026, 12, 29),
                     id="christmas-eve-receipt-skips-christmas-and-weekend"),
        pytest.param(date(2026, 4, 30), 2, date(2026, 5, 5),
                     id="thursday-before-labour-day-friday"),
        pytest.param(date(2026, 5, 7), 2, date(2026, 5, 12),
                     id="thursday-before-victory-day-friday"),
        pytest.param(date(2026, 5, 1), 2, date(2026, 5, 5),
                     id="receipt-on-a-public-holiday-counts-from-next-working-day"),
        pytest.param(date(2026, 4, 30), 15, date(2026, 5, 27),
                     id="fifteen-days-across-may-holidays-ascension-and-pentecost-monday"),
        pytest.param(date(2026, 11, 10), 1, date(2026, 11, 12),
                     id="one-day-across-armistice-day"),
        pytest.param(date(2026, 11, 23), 0, date(2026, 11, 23),
                     id="zero-days-on-a-working-day-is-that-day"),
        pytest.param(date(2026, 11, 21), 0, date(2026, 11, 23),
                     id="zero-days-on-saturday-is-monday"),
    ],
)
def test_add_working_days_in_metropolitan_france(received: date | datetime, n: int,
                                                 due: date) -> None:
    assert FRANCE.add_working_days(received, n) == due
    if n:
        assert FRANCE.working_days_between(received, due) == n


def test_friday_after_ascension_2026_is_a_working_day() -> None:
    assert FRANCE.is_holiday(date(2026, 5, 14))
    assert not FRANCE.is_holiday(date(2026, 5, 15))
    assert FRANCE.is_working_day(date(2026, 5, 15))


def test_french_public_holidays_of_2026() -> None:
    assert sorted(public_holidays(2026)) == [
        date(2026, 1, 1), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 8),
        date(2026, 5, 14), date(2026, 5, 25), date(2026, 7, 14), date(2026, 8, 15),
        date(2026, 11, 1), date(2026, 11, 11), date(2026, 12, 25)]


def test_alsace_moselle_adds_good_friday_and_saint_stephen() -> None:
    assert ALSACE.is_holiday(date(2026, 4, 3)) and not FRANCE.is_holiday(date(2026, 4, 3))
    assert WorkCalendar(subdivision="57").is_holiday(date(2026, 12, 26))
    # Thursday 2 April 2026 + 1: Good Friday is off in Alsace, Monday 6 is Easter Monday.
    assert ALSACE.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 7)
    assert FRANCE.add_working_days(date(2026, 4, 2), 1) == date(2026, 4, 3)


def test_the_shipped_holidays_are_the_librarys_for_every_year_and_subdivision() -> None:
    """The table counting uses without importing ``holidays`` says what the library says
    (after upgrading it: ``python scripts/holidays_table.py --write``)."""
    table = json.loads((Path(workdays.__file__).parent / HOLIDAYS_TABLE).read_text("utf-8"))
    assert table["years"] == [SHIPPED_YEARS.start, SHIPPED_YEARS.stop - 1]
    for department in ("", *SUBDIVISIONS):
        code = SUBDIVISIONS.get(department)
        for year in SHIPPED_YEARS:
            assert public_holidays(year, department) == library_holidays(year, code), (
                department, year)


def test_a_year_beyond_the_shipped_table_comes_from_the_library() -> None:
    beyond = SHIPPED_YEARS.stop
    assert public_holidays(beyond) == library_holidays(beyond, None)
    assert date(beyond, 7, 14) in public_holidays(beyond)
    assert date(beyond, 12, 26) in public_holidays(beyond, "68")


def test_unknown_subdivision_is_refused() -> None:
    with pytest.raises(ValueError, match="subdivision"):
        WorkCalendar(subdivision="75")


def test_closing_day_is_not_a_working_day() -> None:
    bridge = WorkCalendar(closing_days=frozenset({date(2026, 5, 15)}))  # Ascension bridge
    assert not bridge.is_working_day(date(2026, 5, 15))
    assert bridge.add_working_days(date(2026, 5, 13), 2) == date(2026, 5, 19)
    assert bridge.working_days_between(date(2026, 5, 13), date(2026, 5, 19)) == 2


def test_aware_datetime_is_read_in_paris_time() -> None:
    # 23:30 UTC on Friday is already 00:30 on Saturday in Paris (winter time).
    late_friday_utc = datetime(2026, 11, 20, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert FRANCE.add_working_days(late_friday_utc, 2) == date(2026, 11, 24)
    assert not FRANCE.is_working_day(late_friday_utc)


def test_working_days_between_counts_backwards_as_negative() -> None:
    assert FRANCE.working_days_between(date(2026, 11, 24), date(2026, 11, 20)) == -2
    assert FRANCE.working_days_between(date(2026, 11, 20), date(2026, 11, 20)) == 0


def test_negative_delay_is_refused() -> None:
    with pytest.raises(ValueError, match="forward"):
        FRANCE.add_working_days(date(2026, 1, 5), -1)


days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31))
closings = st.frozensets(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 12, 31)),
                         max_size=20)
calendars = st.builds(WorkCalendar, subdivision=st.sampled_from(["", "57", "67", "68"]),
                      closing_days=closings)


@settings(max_examples=300, deadline=None)
@given(calendar=calendars, start=days, n=st.integers(min_value=0, max_value=400))
def test_result_is_always_a_working_day(calendar: WorkCalendar, start: date, n: int) -> None:
    due = calendar.add_working_days(start, n)
    assert due.weekday() < 5
    assert not calendar.is_holiday(due)
    assert due not in calendar.closing_days
    assert due >= start


@settings(max_examples=300, deadline=None)
@given(calendar=calendars, start=days, n=st.integers(min_value=0, max_value=200))
def test_result_grows_with_the_delay(calendar: WorkCalendar, start: date, n: int) -> None:
    # Non-decreasing from 0 (0 days from a Saturday is Monday, like 1 day), strictly from 1.
    assert calendar.add_working_days(start, n + 1) >= calendar.add_working_days(start, n)
    if n >= 1:
        assert calendar.add_working_days(start, n + 1) > calendar.add_working_days(start, n)


@settings(max_examples=300, deadline=None)
@given(calendar=calendars, start=days, later=st.integers(min_value=0, max_value=10),
       n=st.integers(min_value=0, max_value=60))
def test_later_arrival_never_has_an_earlier_deadline(calendar: WorkCalendar, start: date,
                                                     later: int, n: int) -> None:
    assert (calendar.add_working_days(start + timedelta(days=later), n)
            >= calendar.add_working_days(start, n))


@settings(max_examples=300, deadline=None)
@given(calendar=calendars, a=days, span=st.integers(min_value=0, max_value=800))
def test_between_matches_a_day_by_day_count(calendar: WorkCalendar, a: date, span: int) -> None:
    b = a + timedelta(days=span)
    expected = sum(1 for i in range(1, span + 1)
                   if calendar.is_working_day(a + timedelta(days=i)))
    assert calendar.working_days_between(a, b) == expected
    assert calendar.working_days_between(b, a) == -expected


@settings(max_examples=200, deadline=None)
@given(calendar=calendars, start=days, n=st.integers(min_value=1, max_value=300))
def test_between_is_the_inverse_of_add(calendar: WorkCalendar, start: date, n: int) -> None:
    assert calendar.working_days_between(start, calendar.add_working_days(start, n)) == n
