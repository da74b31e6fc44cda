"""Dates as mail clients print them above a forwarded or quoted message.

A forward header carries the original's date as the forwarding client chose to print it, not
as an RFC 5322 header: Outlook « lundi 23 novembre 2026 09:14 » / « Monday, November 23, 2026
9:14 AM », new Outlook « jeudi, 28 octobre 2021 à 12:06 », Gmail « lun. 23 nov. 2026 à 09:14 »
/ « Mon, Nov 23, 2026 at 9:14 AM », Apple Mail « 23 novembre 2026 à 09:14:08 UTC+1 »,
Thunderbird the raw header « Mon, 23 Nov 2026 09:14:00 +0100 », and reply lines
« Le 23/11/2026 à 09:14 ». :func:`loose_date` reads all of them; a date without a zone is the
forwarder's wall-clock time, taken as Europe/Paris (the office's). Numeric dates are read day
first, as in France.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Final

from automation.clock import PARIS, paris_naive
from automation.intake.html_text import header_date
from automation.text import fold

MONTHS: Final = {
    "janvier": 1, "janv": 1, "jan": 1, "january": 1,
    "fevrier": 2, "fevr": 2, "fev": 2, "february": 2, "feb": 2,
    "mars": 3, "mar": 3, "march": 3,
    "avril": 4, "avr": 4, "april": 4, "apr": 4,
    "mai": 5, "may": 5,
    "juin": 6, "june": 6, "jun": 6,
    "juillet": 7, "juil": 7, "july": 7, "jul": 7,
    "aout": 8, "august": 8, "aug": 8,
    "septembre": 9, "sept": 9, "sep": 9, "september": 9,
    "octobre": 10, "oct": 10, "october": 10,
    "novembre": 11, "nov": 11, "november": 11,
    "decembre": 12, "dec": 12, "december": 12,
}
_MONTH: Final = "|".join(sorted(MONTHS, key=len, reverse=True))
_TIME: Final = (r"(?:(?:a|at|um)\s+)?(?P<hour>\d{1,2})\s*[:h]\s*(?P<minute>\d{2})"
                r"(?:\s*:\s*(?P<second>\d{2}))?(?:\s*(?P<ampm>am|pm))?")
_ZONE: Final = r"(?:\s*(?:utc|gmt)?\s*(?P<zone>[+-]\s*\d{1,2}(?:\s*:?\s*\d{2})?))?"
# Folded text (accents, case and punctuation gone): "lun 23 nov 2026 a 09 14" keeps its digits
# apart, so times are matched on a lightly normalised form instead (see _normalise).
_DAY_MONTH_YEAR: Final = re.compile(
    rf"\b(?P<day>\d{{1,2}})(?:er)?\s+(?P<month>{_MONTH})\.?\s+(?P<year>\d{{4}})"
    rf"(?:\s*,?\s*{_TIME})?{_ZONE}")
_MONTH_DAY_YEAR: Final = re.compile(
    rf"\b(?P<month>{_MONTH})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(?P<year>\d{{4}})"
    rf"(?:\s*,?\s*{_TIME})?{_ZONE}")
_NUMERIC: Final = re.compile(
    rf"\b(?P<day>\d{{1,2}})[/.-](?P<month>\d{{1,2}})[/.-](?P<year>\d{{4}}|\d{{2}})\b"
    rf"(?:\s*,?\s*{_TIME})?{_ZONE}")
_RFC: Final = re.compile(r"^\s*(?:[A-Za-z]{3},\s*)?\d{1,2}\s+[A-Za-z]{3}\s+\d{4}\s+\d")
_RFC_ZONE: Final = re.compile(r"[+-]\d{4}\b|\b(?:GMT|UTC?|[ECMP][SD]T)\s*$")
_ISO: Final = re.compile(
    rf"\b(?P<year>\d{{4}})-(?P<month>\d{{2}})-(?P<day>\d{{2}})(?:[ t]+{_TIME})?{_ZONE}")


def _normalise(text: str) -> str:
    """Lower case, accents gone, commas and dots kept apart: ``lun. 23 nov. 2026 à 09:14``."""
    folded = " ".join(fold(word) if not re.search(r"[\d:+/.-]", word) else word.lower()
                      for word in text.replace("\u202f", " ").replace("\xa0", " ").split())
    return folded.replace(",", " , ")


def loose_date(text: str) -> datetime | None:
    """The date and time ``text`` prints, in Paris wall-clock time (naive); None if none."""
    text = text.strip()
    if not text:
        return None
    if _RFC.match(text) and _RFC_ZONE.search(text) and (rfc := header_date(text)) is not None:
        return rfc  # Thunderbird prints the original's Date header as it was
    normal = _normalise(text)
    for pattern in (_DAY_MONTH_YEAR, _MONTH_DAY_YEAR, _ISO, _NUMERIC):
        match = pattern.search(normal)
        if match is not None and (moment := _moment(match)) is not None:
            return moment
    return None


def _moment(match: re.Match[str]) -> datetime | None:
    parts = match.groupdict()
    month_text = parts["month"]
    month = int(month_text) if month_text.isdigit() else MONTHS[month_text]
    year = int(parts["year"])
    year += 2000 if year < 100 else 0
    hour = int(parts.get("hour") or 0)
    minute = int(parts.get("minute") or 0)
    second = int(parts.get("second") or 0)
    ampm = parts.get("ampm")
    if ampm == "pm" and hour < 12:
        hour += 12
    elif ampm == "am" and hour == 12:
        hour = 0
    try:
        moment = datetime(year, month, int(parts["day"]), hour, minute, second)
    except ValueError:
        return None
    if not 1980 <= year <= 2200:
        return None
    zone = _zone(parts.get("zone"))
    if zone is None:
        return moment  # the forwarder's wall clock: the office's, Europe/Paris
    return paris_naive(moment.replace(tzinfo=zone).astimezone(PARIS))


def _zone(text: str | None) -> timezone | None:
    if not text:
        return None
    digits = re.sub(r"\s", "", text)
    sign = -1 if digits.startswith("-") else 1
    body = digits[1:].replace(":", "")
    hours, minutes = (int(body[:-2] or 0), int(body[-2:])) if len(body) > 2 else (int(body), 0)
    if hours > 14 or minutes >= 60:
        return None
    return timezone(sign * timedelta(hours=hours, minutes=minutes))
