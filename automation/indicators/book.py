"""The figures the dashboard shows: per year, the whole office, each training, each month."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from automation.indicators.compute import compute
from automation.indicators.period import Period, year
from automation.indicators.records import OfficeData
from automation.indicators.results import Report
from automation.indicators.selection import ResponseBase, Rules, Scope
from automation.text import fold

# The figures charted month by month.
MONTHLY_KEYS: tuple[str, ...] = (
    "satisfaction_rate", "nps", "complaints", "dropouts_by_reason", "cancellations",
    "median_days_to_acknowledge", "median_days_to_answer")


@dataclass(frozen=True)
class YearFigures:
    period: Period
    office: Report
    trainings: tuple[Report, ...]
    months: tuple[Report, ...]  # the whole office, month by month (MONTHLY_KEYS only)


@dataclass(frozen=True)
class IndicatorBook:
    """What the « Indicateurs » sheets of the dashboard are written from."""

    years: tuple[YearFigures, ...]
    generated_at: datetime
    rules: Rules


def year_figures(data: OfficeData, period: Period, rules: Rules, *, generated_at: datetime,
                 base: ResponseBase | None = None) -> YearFigures:
    office = compute(data, Scope(period), rules, generated_at=generated_at, base=base)
    names = sorted(trainings_in(data, period), key=str.casefold)
    trainings = tuple(compute(data, Scope(period, training=name), rules,
                              generated_at=generated_at, base=base) for name in names)
    months = tuple(compute(data, Scope(month), rules, generated_at=generated_at, base=base,
                           keys=MONTHLY_KEYS) for month in period.months())
    return YearFigures(period, office, trainings, months)


def dashboard_book(data: OfficeData, rules: Rules, *, generated_at: datetime,
                   years: Sequence[int] | None = None,
                   base: ResponseBase | None = None) -> IndicatorBook:
    """This year and the previous one (when it holds data), or the ``years`` asked for."""
    today = rules.today
    wanted = list(years) if years is not None else [
        y for y in (today.year - 1, today.year) if y == today.year or _has_data(data, year(y))]
    return IndicatorBook(tuple(year_figures(data, year(y), rules, generated_at=generated_at,
                                            base=base) for y in wanted),
                         generated_at, rules)


def trainings_in(data: OfficeData, period: Period) -> set[str]:
    keys = {row.training for rows in (data.answers, data.complaints, data.dropouts,
                                      data.cancellations)
            for row in rows if row.training and row.day in period}
    keys |= {data.session_training.get(fold(s.ref), "") for s in data.planning.sessions
             if s.start.date() in period}
    return {data.trainings.get(k, k) for k in keys if k}


def _has_data(data: OfficeData, period: Period) -> bool:
    return any(row.day in period for rows in (data.answers, data.complaints, data.dropouts,
                                              data.cancellations) for row in rows) \
        or any(s.start.date() in period for s in data.planning.sessions)
