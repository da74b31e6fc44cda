"""Reading one cell's value for one field, the way French office staff type it.

:func:`parse_value` returns the normalised value (``None`` for a blank cell) or raises
:class:`InvalidValue`, whose message is the French reason shown to a person. Dates are read
day first (``12/03/2026``, ``12 mars 2026``, ``1er mars 26``), or ISO, or as Excel serial
numbers; two-digit years follow Excel (00–29 → 2000s). Times may carry ``AM``/``PM`` and a
zone as Google Forms writes them (``2026/03/12 10:15:32 UTC+1``, ``2020/10/30 3:08:44 PM
GMT+1``): such a moment is converted to Paris time. Enumerated values match their choices
with case, accents and spacing ignored, through a few common aliases, or by a unique prefix.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone
from functools import lru_cache
from typing import Final

from automation.clock import paris_naive
from automation.intake import messages
from automation.records import CellValue
from automation.registers.schema import Field, Kind
from automation.text import clean_text, fold, one_line

_EMAIL: Final = re.compile(
    r"^(?P<local>[^\s@<>()\[\],;:\"]+)@(?P<domain>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
    r"(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*\.[a-z]{2,63})$", re.IGNORECASE)
_ANGLED: Final = re.compile(r"<([^<>]+)>\s*$")
_NUMBER: Final = re.compile(r"^[+-]?(\d+(?:[.,]\d*)?|[.,]\d+)$")
_HOURS: Final = re.compile(r"^(\d{1,3})\s*(?:h|:)\s*(\d{2})$")
_SCORE_OF: Final = re.compile(r"^(.+?)\s*/\s*(\d+)$")
_SPACES: Final = re.compile(r"[\s\u00a0\u202f']")
_MIN_PREFIX: Final = 4

# Words people type for an enumerated value, by the value they mean (folded when used).
_ALIASES: Final[dict[str, tuple[str, ...]]] = {
    "Oui": ("o", "yes", "y", "x", "1", "vrai", "true", "ok"),
    "Non": ("n", "no", "0", "faux", "false"),
    "Partiellement": ("partiel", "en partie", "un peu"),
    "Email": ("mail", "courriel", "messagerie", "mel"),
    "Téléphone": ("tel", "telephonique", "appel", "appel telephonique", "phone"),
    "Courrier": ("lettre", "courrier postal", "postal", "lrar", "recommande"),
    "Formulaire": ("formulaire en ligne", "site", "site web", "site internet", "web"),
    "Oral": ("orale", "oralement", "en personne", "sur place", "face a face"),
    "Enquête de satisfaction": ("enquete", "questionnaire", "questionnaire de satisfaction"),
    "Apprenant": ("stagiaire", "participant", "beneficiaire", "eleve", "alternant", "apprenti"),
    "Entreprise": ("employeur", "client", "entreprise cliente"),
    "Financeur": ("opco", "france travail", "pole emploi", "cpf"),
    "Entreprise / financeur": ("entreprise", "financeur", "employeur", "opco", "client"),
    "Organisme": ("of", "organisme de formation", "centre de formation"),
    "Réclamation": ("plainte", "reclamations"),
    "Demande d'information": ("information", "demande d info", "question"),
    "Annulation": ("annule", "annulee"),
    "Report": ("reporte", "reportee", "decale", "decalee"),
    "Absence": ("absent", "absente"),
    "À chaud": ("chaud", "fin de formation"),
    "À froid": ("froid",),
    "Mineure": ("mineur",),
    "Majeure": ("majeur",),
    "Résolue": ("resolu", "traite", "traitee"),
    "Close": ("clos", "cloture", "cloturee", "fermee", "ferme"),
    "Manque de temps": ("temps", "pas le temps"),
    "Manque de motivation pour la thématique": ("motivation", "manque de motivation"),
    "Caractère obligatoire de la formation": ("obligatoire", "formation obligatoire"),
    "Abandon validé": ("valide",),
    "Abandon invalidé": ("invalide", "refuse"),
}


_MONTHS: Final = {
    "janvier": 1, "janv": 1, "jan": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4,
    "avr": 4, "mai": 5, "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "sept": 9,
    "sep": 9, "octobre": 10, "oct": 10, "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
}
_WEEKDAY: Final = r"(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\.?,?\s+"
_TIME: Final = (r"(?:\s*(?:,|a|t|\s)\s*(?P<h>\d{1,2})\s*"
                r"(?:h\s*(?P<hm>\d{2})?|:(?P<m>\d{2})(?::(?P<s>\d{2})(?:\.\d+)?)?)"
                r"(?:\s*(?P<ap>am|pm))?"
                r"(?:\s*(?P<zone>utc|gmt|z)(?P<off>[+-]\d{1,2}(?::?\d{2})?)?)?)?")
_YEAR: Final = r"(?P<y>\d{4}|\d{2})"
_DAY_FIRST: Final = re.compile(
    rf"^(?:{_WEEKDAY})?(?P<d>\d{{1,2}})[/.-](?P<mo>\d{{1,2}})(?:[/.-]{_YEAR})?{_TIME}$")
_YEAR_FIRST: Final = re.compile(
    rf"^(?P<y>\d{{4}})[/.-](?P<mo>\d{{1,2}})[/.-](?P<d>\d{{1,2}}){_TIME}$")
_IN_WORDS: Final = re.compile(
    rf"^(?:{_WEEKDAY})?(?P<d>\d{{1,2}})(?:er)?\s*(?P<mo>[a-z]+)\.?(?:\s+{_YEAR})?{_TIME}$")
_SERIAL: Final = re.compile(r"^\d{5}(?:[.,]\d+)?$")
_SERIAL_RANGE: Final = (18_264.0, 73_051.0)  # 1950-01-01 to 2100-01-01
_EXCEL_EPOCH: Final = datetime(1899, 12, 30)


class InvalidValue(ValueError):
    """A cell's value cannot be read for its field; ``str()`` is the French reason."""


class MissingYear(ValueError):
    """A day and a month without a year."""


class NoSuchDate(ValueError):
    """Numbers in a date's place that make no date (31/02/2026)."""


class NoSuchTime(ValueError):
    """Numbers in a time's place that make no time (25:00)."""


_DATE_REASONS: Final = {MissingYear: messages.date_without_year,
                        NoSuchDate: messages.date_nonexistent, NoSuchTime: messages.time_invalid}


def parse_value(field: Field, raw: CellValue) -> CellValue:
    """The value of ``raw`` for ``field``: normalised, or ``None`` when the cell is blank."""
    if raw is None or (isinstance(raw, str) and not clean_text(raw).strip()):
        return None
    kind = field.kind
    if kind in (Kind.TEXT, Kind.ID):
        return one_line(clean_text(as_text(raw))) or None
    if kind is Kind.LONG_TEXT:
        return clean_text(as_text(raw)).strip() or None
    if kind is Kind.DATE:
        return _moment(field, raw, with_time=False)
    if kind is Kind.DATETIME:
        return _moment(field, raw, with_time=True)
    if kind is Kind.ENUM:
        return _choice(field, raw)
    if kind is Kind.EMAIL:
        return _email(field, raw)
    if kind is Kind.SCORE:
        return _score(field, raw)
    return _number(field, raw)


def as_text(value: CellValue) -> str:
    """A cell as a person reads it: whole numbers without ``.0``, French dates and decimals."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, datetime) and value.time() != time(0, 0):
        return value.strftime("%d/%m/%Y %H:%M:%S" if value.second else "%d/%m/%Y %H:%M")
    if isinstance(value, date):  # and a datetime at midnight
        return value.strftime("%d/%m/%Y")
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value).replace(".", ",")
    return str(value)


def parse_when(field: Field, raw: CellValue, *, month_first: bool = False,
               utc: bool = False) -> date | datetime | None:
    """:func:`parse_value` for a date or datetime field, told how an export writes its times:
    ``month_first`` (an American export), ``utc`` (times without zone that are UTC)."""
    if raw is None or (isinstance(raw, str) and not clean_text(raw).strip()):
        return None
    return _moment(field, raw, with_time=field.kind is Kind.DATETIME, month_first=month_first,
                   utc=utc)


def _moment(field: Field, raw: CellValue, *, with_time: bool, month_first: bool = False,
            utc: bool = False) -> date | datetime:
    """A date, or a Europe/Paris wall-clock datetime (midnight when only a date is given)."""
    try:
        moment = parse_moment(raw, month_first=month_first)
    except ValueError as exc:
        unknown = messages.datetime_missing if with_time else messages.date_missing
        reason = _DATE_REASONS.get(type(exc), unknown)
        raise InvalidValue(reason(field.header, one_line(as_text(raw)))) from None
    if isinstance(moment, datetime):
        if utc and moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        moment = paris_naive(moment)
        return moment if with_time else moment.date()
    return datetime.combine(moment, time(0, 0)) if with_time else moment


def _compact(text: str) -> str:
    return fold(text).replace(" ", "")


@lru_cache(maxsize=4096)
def match_choice(text: str, choices: tuple[str, ...]) -> str | None:
    """The choice ``text`` designates: same folded words, a known alias, or a unique prefix."""
    wanted = _compact(text)
    if not wanted:
        return None
    for choice in choices:
        if _compact(choice) == wanted:
            return choice
    for choice in choices:
        if any(_compact(alias) == wanted for alias in _ALIASES.get(choice, ())):
            return choice
    if len(wanted) >= _MIN_PREFIX:
        starting = [c for c in choices if _compact(c).startswith(wanted)]
        if len(starting) == 1:
            return starting[0]
    return None


def _choice(field: Field, raw: CellValue) -> str:
    text = one_line(clean_text(as_text(raw)))
    choice = match_choice(text, field.choices)
    if choice is None:
        raise InvalidValue(messages.choice_unknown(field.header, text, field.choices))
    return choice


def _email(field: Field, raw: CellValue) -> str:
    text = one_line(clean_text(as_text(raw)))
    angled = _ANGLED.search(text)
    candidate = (angled.group(1).strip() if angled else text).removeprefix("mailto:")
    found = _EMAIL.match(candidate)
    local = found.group("local") if found else ""
    if not found or local.startswith(".") or local.endswith(".") or ".." in local:
        raise InvalidValue(messages.email_invalid(field.header, text))
    return f"{local}@{found.group('domain').lower()}"


def _decimal(text: str) -> float | None:
    text = _SPACES.sub("", text)
    hours = _HOURS.match(text)
    if hours:
        minutes = int(hours.group(2))
        return int(hours.group(1)) + minutes / 60 if minutes < 60 else None
    text = text.removesuffix("h").removesuffix("H")
    if not _NUMBER.match(text):
        return None
    return float(text.replace(",", "."))


def _number(field: Field, raw: CellValue) -> int | float:
    text = one_line(as_text(raw))
    number = float(raw) if isinstance(raw, int | float) else _decimal(text)
    if number is None or not math.isfinite(number):
        raise InvalidValue(messages.number_invalid(field.header, text))
    return int(number) if number.is_integer() else number


def _score(field: Field, raw: CellValue) -> int:
    low, high = field.bounds or (0, 10)
    text = one_line(as_text(raw))
    number: float | None
    if isinstance(raw, int | float):
        number = float(raw)
    else:
        out_of = _SCORE_OF.match(text)
        number = _decimal(out_of.group(1)) if out_of else _decimal(text)
        if out_of and int(out_of.group(2)) != high:
            number = None
    if number is None or not number.is_integer() or not low <= number <= high:
        raise InvalidValue(messages.score_invalid(field.header, text, low, high))
    return int(number)


def _ascii(text: str) -> str:
    if text.isascii():  # nothing to decompose (most dates and numbers)
        return " ".join(text.casefold().split())
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
                    .split())


def _serial(number: float) -> date | datetime:
    if not _SERIAL_RANGE[0] <= number < _SERIAL_RANGE[1]:
        raise ValueError(number)
    moment = _EXCEL_EPOCH + timedelta(seconds=round(number * 86_400))
    return moment.date() if number.is_integer() else moment


def parse_moment(raw: CellValue, *, month_first: bool = False) -> date | datetime:
    """A date (no time given) or a naive or aware datetime, from a cell.

    ``month_first`` reads ``3/12/2026`` as 12 March (an American export); a zone
    (``UTC+1``, ``GMT``) gives an aware datetime. Raises :class:`MissingYear`,
    :class:`NoSuchDate`, :class:`NoSuchTime`, or :class:`ValueError` when the text is not a
    date at all.
    """
    if isinstance(raw, datetime | date):
        return raw
    if isinstance(raw, int | float):
        return _serial(float(raw))
    text = _ascii(str(raw))
    if _SERIAL.match(text):
        return _serial(float(text.replace(",", ".")))
    if re.match(r"^\d{4}-\d{2}-\d{2}", text):
        try:
            moment = datetime.fromisoformat(str(raw).strip().replace("z", "Z"))
        except ValueError:
            pass
        else:
            return moment.date() if len(text) == 10 else moment
    found = _DAY_FIRST.match(text) or _YEAR_FIRST.match(text) or _IN_WORDS.match(text)
    if not found:
        raise ValueError(text)
    parts = found.groupdict()
    if month_first and found.re is _DAY_FIRST:
        parts["d"], parts["mo"] = parts["mo"], parts["d"]
    month = int(parts["mo"]) if parts["mo"].isdigit() else _MONTHS.get(parts["mo"], 0)
    if not month and not parts["mo"].isdigit():
        raise ValueError(text)
    if parts["y"] is None:
        raise MissingYear(text)
    year = int(parts["y"])
    if len(parts["y"]) == 2:
        year += 2000 if year < 30 else 1900
    try:
        day = date(year, month, int(parts["d"]))
    except ValueError:
        raise NoSuchDate(text) from None
    if parts["h"] is None:
        return day
    hour = int(parts["h"])
    if parts["ap"]:
        if not 1 <= hour <= 12:
            raise NoSuchTime(text)
        hour = hour % 12 + (12 if parts["ap"] == "pm" else 0)
    try:
        clock = time(hour, int(parts["hm"] or parts["m"] or 0), int(parts["s"] or 0))
    except ValueError:
        raise NoSuchTime(text) from None
    moment = datetime.combine(day, clock)
    if parts["zone"]:
        moment = moment.replace(tzinfo=_zone(parts["off"] or ""))
    return moment


def _zone(offset: str) -> timezone:
    """``+1``, ``-05:30``, ``+0100`` or ``""`` (UTC itself) as a fixed zone."""
    if not offset:
        return UTC
    sign = -1 if offset.startswith("-") else 1
    digits = offset[1:].replace(":", "")
    hours, minutes = (digits, "0") if len(digits) <= 2 else (digits[:-2], digits[-2:])
    if int(hours) > 14 or int(minutes) >= 60:
        raise NoSuchTime(offset)
    return timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
