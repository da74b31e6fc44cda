"""Dates as people type them in a register: « le 3 mars », « 03/03 », « 3/3/26 », « 2026-03-03 ».

A date cell Excel did not recognise holds text. :func:`typed_date` reads the usual French
forms; a day and month without a year take the year of the row's neighbours (the date typed
above it, or its id's year), moved to the next year when that would put it more than two
months before the row above (a log kept in order crosses New Year). What cannot be read is
left for a person: the reader lists it, nothing treats it as late.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Final

_MONTHS: Final = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9,
    "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12}
_WEEKDAY: Final = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_LEAD: Final = rf"^(?:(?:le|du|au)\s+)?(?:{_WEEKDAY}\s+)?"
_HOUR: Final = r"(?:\s*(?:a|,)?\s*(?P<h>\d{1,2})\s*[h:]\s*(?P<m>\d{2})?)?\s*$"
_NUMERIC: Final = re.compile(
    _LEAD + r"(?P<d>\d{1,2})\s*[/.-]\s*(?P<mo>\d{1,2})(?:\s*[/.-]\s*(?P<y>\d{4}|\d{2}))?" + _HOUR)
_WORDS: Final = re.compile(
    _LEAD + r"(?P<d>\d{1,2})(?:er)?\s+(?P<mo>[a-z]+)\.?(?:\s+(?P<y>\d{4}|\d{2}))?" + _HOUR)
_ISO: Final = re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ t]\d{2}:\d{2}(?::\d{2})?)?$")
NEW_YEAR_GAP: Final = timedelta(days=60)


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("\u00a0", " "))
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c))
                    .casefold().split())


def typed_date(text: str, *, after: date | None = None,
               year: int | None = None) -> date | datetime | None:
    """The date ``text`` means, or None.

    ``after`` is the date of the row above (its year completes a date typed without one);
    ``year`` is used when there is no row above (the id's year).
    """
    plain = _plain(text)
    if not plain:
        return None
    if _ISO.match(plain):
        try:
            moment = datetime.fromisoformat(plain.replace(" ", "T"))
        except ValueError:
            return None
        return moment.date() if len(plain) == 10 else moment
    found = _NUMERIC.match(plain) or _WORDS.match(plain)
    if found is None:
        return None
    month_text = found["mo"]
    month = int(month_text) if month_text.isdigit() else _MONTHS.get(month_text, 0)
    if not 1 <= month <= 12:
        return None
    day_number = int(found["d"])
    if found["y"] is not None:
        chosen = int(found["y"]) + (2000 if len(found["y"]) == 2 else 0)
    elif after is not None:
        chosen = after.year
    elif year is not None:
        chosen = year
    else:
        return None
    try:
        day = date(chosen, month, day_number)
        if found["y"] is None and after is not None and day < _day(after) - NEW_YEAR_GAP:
            day = date(chosen + 1, month, day_number)
    except ValueError:
        return None
    if found["h"] is None:
        return day
    try:
        return datetime.combine(day, time(int(found["h"]), int(found["m"] or 0)))
    except ValueError:
        return None


def _day(value: date) -> date:
    return value.date() if isinstance(value, datetime) else value
