"""Time as the package sees it: Europe/Paris, and a clock tests can set."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Protocol
from zoneinfo import ZoneInfo

PARIS: Final = ZoneInfo("Europe/Paris")


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware, in Europe/Paris."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(PARIS)


class FixedClock:
    """A clock that stays where a test puts it."""

    def __init__(self, when: datetime) -> None:
        self.when = when if when.tzinfo else when.replace(tzinfo=PARIS)

    def now(self) -> datetime:
        return self.when

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.when += timedelta(**delta)


def paris_naive(moment: datetime) -> datetime:
    """``moment`` in Europe/Paris wall-clock time without tzinfo, as a workbook stores it."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(PARIS).replace(tzinfo=None)
    return moment.replace(microsecond=0)
