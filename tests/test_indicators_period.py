"""Periods as people type them: a year, a quarter, a month, or two days."""

from __future__ import annotations

from datetime import date

import pytest

from automation.indicators.period import PeriodError, parse_day, parse_period, period_between


@pytest.mark.parametrize(("text", "start", "end", "label"), [
    ("2026", date(2026, 1, 1), date(2026, 12, 31), "année 2026"),
    ("2026-T3", date(2026, 7, 1), date(2026, 9, 30), "3e trimestre 2026"),
    ("2026-q1", date(2026, 1, 1), date(2026, 3, 31), "1er trimestre 2026"),
    ("2026-03", date(2026, 3, 1), date(2026, 3, 31), "mars 2026"),
    ("2028-2", date(2028, 2, 1), date(2028, 2, 29), "février 2028"),
    (" 2026-12 ", date(2026, 12, 1), date(2026, 12, 31), "décembre 2026"),
])
def test_period_texts(text: str, start: date, end: date, label: str) -> None:
    period = parse_period(text)
    assert (period.start, period.end, period.label) == (start, end, label)


@pytest.mark.parametrize("text", ["26", "2026-13", "2026-T5", "mars", "2026/03", ""])
def test_unreadable_period_says_what_to_write(text: str) -> None:
    with pytest.raises(PeriodError, match="2026-T3"):
        parse_period(text)


def test_span_of_days_includes_both_ends_and_cuts_its_months() -> None:
    span = period_between(parse_day("2026-01-15"), parse_day("31/03/2026"))
    assert date(2026, 1, 15) in span and date(2026, 3, 31) in span
    assert date(2026, 1, 14) not in span and date(2026, 4, 1) not in span
    assert span.key == "2026-01-15..2026-03-31"
    assert [(m.key, m.start, m.end) for m in span.months()] == [
        ("2026-01", date(2026, 1, 15), date(2026, 1, 31)),
        ("2026-02", date(2026, 2, 1), date(2026, 2, 28)),
        ("2026-03", date(2026, 3, 1), date(2026, 3, 31))]
    with pytest.raises(PeriodError, match="avant de commencer"):
        period_between(date(2026, 3, 1), date(2026, 2, 1))
    with pytest.raises(PeriodError):
        parse_day("1er mars")
