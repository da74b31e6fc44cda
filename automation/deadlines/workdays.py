"""Working days ("jours ouvrés"): Monday to Friday, minus French public holidays and the
office's closing days.

The counting convention, used by every deadline of the package:

* The day something happens (a complaint arrives, an absence is noted) is **day 0** and never
  counts, whatever the hour: a mail received on Friday at 18:45 and one received on Friday at
  08:00 have the same deadlines.
* "Within *n* working days" means **by the end of the n-th working day after day 0**.
  A complaint received on Friday 20 November 2026, to acknowledge within 2 working days:
  Monday 23 is the 1st working day, Tuesday 24 the 2nd, so it is due on Tuesday 24.
* When day 0 is not a working day (a Saturday, a public holiday, a closing day), counting
  starts with the next working day, which is the 1st: a complaint received on Saturday
  21 November is also due on Tuesday 24, like one received on Friday evening. A later
  arrival never gets an earlier deadline.
* Zero working days means "the same working day": day 0 itself if it is a working day,
  else the next working day.

Public holidays come from the ``holidays`` library (metropolitan France; Alsace-Moselle adds
Good Friday and 26 December). Importing it loads every country it knows (0.2–0.3 s, more than
the rest of ``automation status``), so the library's French holidays of the years
:data:`SHIPPED_YEARS` are shipped with the package as a table written from it
(``french_holidays.json``, by ``scripts/holidays_table.py --write``; a test checks it against
the installed library); other years are asked of the library. A :class:`WorkCalendar` is a
frozen value: the functions here depend on nothing else.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from typing import Final

from automation.clock import PARIS

# Department numbers of Alsace-Moselle, to the subdivision codes of the ``holidays`` library.
SUBDIVISIONS: Final[dict[str, str]] = {"57": "57", "67": "6AE", "68": "6AE"}
SHIPPED_YEARS: Final = range(2000, 2061)  # the years of french_holidays.json
HOLIDAYS_TABLE: Final = "french_holidays.json"
_WEEKEND: Final = 5  # date.weekday(): Saturday = 5, Sunday = 6


@lru_cache(maxsize=256)
def public_holidays(year: int, subdivision: str = "") -> frozenset[date]:
    """French public holidays of ``year`` ("" = metropolitan France, or "57", "67", "68")."""
    subdiv = SUBDIVISIONS.get(subdivision) if subdivision else None
    if subdivision and subdiv is None:
        raise ValueError(f"unknown holiday subdivision {subdivision!r}")
    if year in SHIPPED_YEARS:
        prefix = f"{year:04d}-"
        return frozenset(date.fromisoformat(day) for day in _shipped()[subdiv or ""]
                         if day.startswith(prefix))
    return library_holidays(year, subdiv)


def library_holidays(year: int, subdiv: str | None) -> frozenset[date]:
    """The ``holidays`` library's French holidays of ``year`` (``subdiv``: its own code)."""
    import holidays  # imported here: it loads every country it knows

    return frozenset(holidays.country_holidays("FR", subdiv=subdiv, years=year))


@lru_cache(maxsize=1)
def _shipped() -> dict[str, list[str]]:
    """The shipped table: subdivision code ("" for metropolitan France) → ISO days."""
    text = resources.files(__package__).joinpath(HOLIDAYS_TABLE).read_text(encoding="utf-8")
    table: dict[str, list[str]] = json.loads(text)["days"]
    return table


def as_day(moment: date | datetime) -> date:
    """The calendar day of ``moment``; an aware datetime is read in Europe/Paris time."""
    if isinstance(moment, datetime):
        if moment.tzinfo is not None:
            moment = moment.astimezone(PARIS)
        return moment.date()
    return moment


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked: weekdays that are neither public holidays nor closing days."""

    subdivision: str = ""  # "" (metropolitan France), or "57", "67", "68" (Alsace-Moselle)
    closing_days: frozenset[date] = frozenset()  # the office is closed (bridges, August…)

    def __post_init__(self) -> None:
        if self.subdivision and self.subdivision not in SUBDIVISIONS:
            raise ValueError(f"unknown holiday subdivision {self.subdivision!r}")

    def is_holiday(self, day: date) -> bool:
        return day in public_holidays(day.year, self.subdivision)

    def is_working_day(self, moment: date | datetime) -> bool:
        day = as_day(moment)
        return (day.weekday() < _WEEKEND and day not in self.closing_days
                and not self.is_holiday(day))

    def next_working_day(self, moment: date | datetime) -> date:
        """``moment``'s day if it is a working day, else the first working day after it."""
        day = as_day(moment)
        while not self.is_working_day(day):
            day += timedelta(days=1)
        return day

    def add_working_days(self, start: date | datetime, n: int) -> date:
        """The n-th working day after ``start`` (day 0): see the module's convention.

        ``n == 0`` gives :meth:`next_working_day` of ``start``. The result is always a working
        day, and never earlier for a larger ``n`` or a later ``start``.
        """
        if n < 0:
            raise ValueError(f"a delay counts forward: n = {n}")
        first = as_day(start)
        if n == 0:
            return self.next_working_day(first)
        # Jump whole weeks (at most n - 1 working days in them), then walk the rest.
        day = first + timedelta(weeks=(n - 1) // 5)
        left = n - self.working_days_between(first, day)
        while left:
            day += timedelta(days=1)
            if self.is_working_day(day):
                left -= 1
        return day

    def working_days_between(self, a: date | datetime, b: date | datetime) -> int:
        """How many working days lie after ``a`` up to and including ``b``.

        The inverse of :meth:`add_working_days`: ``working_days_between(d,
        add_working_days(d, n)) == n`` for ``n >= 1``. Negative when ``b`` is before ``a``.
        """
        first, last = as_day(a), as_day(b)
        if last < first:
            return -self.working_days_between(last, first)
        off = 0
        for year in range(first.year, last.year + 1):
            days_off = _weekdays_off(year, self.subdivision, self.closing_days)
            off += bisect_right(days_off, last) - bisect_right(days_off, first)
        return _weekdays_after(first, last) - off


@lru_cache(maxsize=1024)
def _weekdays_off(year: int, subdivision: str, closing_days: frozenset[date]) -> tuple[date, ...]:
    """The Mondays to Fridays of ``year`` that are not worked, sorted."""
    days = public_holidays(year, subdivision) | {d for d in closing_days if d.year == year}
    return tuple(sorted(d for d in days if d.weekday() < _WEEKEND))


def _weekdays_after(first: date, last: date) -> int:
    """Mondays to Fridays in the days after ``first`` up to and including ``last``."""
    days = (last - first).days
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    weekday = first.weekday()
    for _ in range(rest):
        weekday = (weekday + 1) % 7
        if weekday < _WEEKEND:
            count += 1
    return count
