"""Periods the indicators are computed on: a year, a quarter, a month, or any span of days.

``2026`` (the year), ``2026-T3`` (the 3rd quarter; ``2026-Q3`` is accepted), ``2026-03`` (a
month), or ``--from 2026-01-05 --to 2026-03-31`` (both days included). Days are calendar days
in Paris: a complaint received on 31 March belongs to March and to the first quarter.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final

from automation.letters.dates import MONTHS

_YEAR: Final = re.compile(r"^(\d{4})$")
_QUARTER: Final = re.compile(r"^(\d{4})-[TQ]([1-4])$", re.IGNORECASE)
_MONTH: Final = re.compile(r"^(\d{4})-(\d{1,2})$")
_ORDINAL: Final = ("1er", "2e", "3e", "4e")


class PeriodError(ValueError):
    """A period the person typed cannot be read; the message is French."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # included
    key: str  # "2026", "2026-T3", "2026-03", "2026-01-05..2026-03-31"
    label: str  # French: "année 2026", "3e trimestre 2026", "mars 2026", "du 05/01/2026 au …"

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    def months(self) -> Iterator[Period]:
        """The calendar months the period touches, each cut to the period."""
        year, month = self.start.year, self.start.month
        while date(year, month, 1) <= self.end:
            first = max(date(year, month, 1), self.start)
            last = min(_month_end(year, month), self.end)
            yield Period(first, last, f"{year}-{month:02d}", f"{MONTHS[month - 1]} {year}")
            year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31), str(number), f"année {number}")


def parse_period(text: str) -> Period:
    """``2026``, ``2026-T3`` or ``2026-03`` as a :class:`Period`; :class:`PeriodError` else."""
    value = text.strip()
    if match := _YEAR.match(value):
        return year(int(match.group(1)))
    if match := _QUARTER.match(value):
        number, quarter = int(match.group(1)), int(match.group(2))
        first = date(number, 3 * quarter - 2, 1)
        return Period(first, _month_end(number, 3 * quarter), f"{number}-T{quarter}",
                      f"{_ORDINAL[quarter - 1]} trimestre {number}")
    if (match := _MONTH.match(value)) and 1 <= int(match.group(2)) <= 12:
        number, month = int(match.group(1)), int(match.group(2))
        return Period(date(number, month, 1), _month_end(number, month),
                      f"{number}-{month:02d}", f"{MONTHS[month - 1]} {number}")
    raise PeriodError(f"période « {text} » illisible : écrire une année (2026), un trimestre "
                      f"(2026-T3) ou un mois (2026-03), ou donner --from et --to")


def period_between(first: date, last: date) -> Period:
    """The days from ``first`` to ``last``, both included."""
    if last < first:
        raise PeriodError(f"la période se termine ({last:%d/%m/%Y}) avant de commencer "
                          f"({first:%d/%m/%Y})")
    return Period(first, last, f"{first.isoformat()}..{last.isoformat()}",
                  f"du {first:%d/%m/%Y} au {last:%d/%m/%Y}")


def parse_day(text: str) -> date:
    """``2026-01-05`` or ``05/01/2026``; :class:`PeriodError` else."""
    value = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(value, pattern).date()
        except ValueError:
            continue
    raise PeriodError(f"date « {text} » illisible : écrire 2026-01-05 ou 05/01/2026")


def _month_end(number: int, month: int) -> date:
    following = date(number + 1, 1, 1) if month == 12 else date(number, month + 1, 1)
    return following - timedelta(days=1)
