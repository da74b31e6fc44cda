"""Dates as French letters write them: « 1er janvier 2027 », « 12 mars 2026 à 14 h 30 »."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final

from automation.clock import PARIS

MONTHS: Final = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
                 "septembre", "octobre", "novembre", "décembre")


def french_long_date(day: date) -> str:
    """``date(2026, 11, 22)`` → ``"22 novembre 2026"``; the first of the month is « 1er »."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


def french_time(moment: datetime) -> str:
    """``14:30`` → ``"14 h 30"``, ``9:05`` → ``"9 h 05"``, ``14:00`` → ``"14 h"``."""
    if moment.minute == 0:
        return f"{moment.hour} h"
    return f"{moment.hour} h {moment.minute:02d}"


def french_datetime(moment: datetime) -> str:
    """``datetime(2026, 3, 12, 14, 30)`` → ``"12 mars 2026 à 14 h 30"`` (Europe/Paris time)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(PARIS)
    return f"{french_long_date(moment.date())} à {french_time(moment)}"
