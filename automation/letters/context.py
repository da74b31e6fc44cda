"""The variables a letter template receives, built from the configuration and a register row.

Every value is present (an empty cell is ``""``), so a template's ``StrictUndefined`` only
stops on a real typo. ``row`` holds the row as people read it (French dates, decimal commas,
French spacing, a subject without its « TR: »); ``raw`` holds the same values untouched
(``date`` objects, numbers). The recipient's civility and postal address are worked out here
(:mod:`.civility`, :mod:`.address`).

Some fields are the office's own: notes, analyses, comments, who is in charge
(:data:`INTERNAL_FIELDS`). They are in ``row`` so that a template may print one by name, but
no default letter does: what a letter says is meant for its recipient.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import fields
from datetime import date, datetime, time
from typing import Final

from automation.clock import PARIS
from automation.config import Organisation
from automation.letters.address import postal_lines
from automation.letters.civility import civility_of
from automation.letters.dates import french_datetime, french_long_date
from automation.letters.typography import clean_subject, french_spacing
from automation.records import StoredRow
from automation.registers.schema import REGISTERS_BY_KEY, Kind
from automation.text import clean_text

# Fields that may name the person a row is about, when the register is not a default one.
PERSON_KEYS: Final = ("name", "learner", "person")
# The office's own fields: never printed by a default letter.
INTERNAL_FIELDS: Final = frozenset({
    "notes", "source", "imported_at", "owner", "severity", "cause_analysis",
    "corrective_action", "resolution_check", "improvement_ref", "motive_detail", "analysis",
    "reason_detail", "follow_up"})


def letter_context(org: Organisation, row: StoredRow, *, today: date,
                   extra: Mapping[str, object] | None = None) -> dict[str, object]:
    """The template context for ``row``; ``extra`` values are added last and win.

    ``extra`` may give ``recipient`` (whom the letter is addressed to) and
    ``recipient_address`` (their postal address, as typed); the salutation, the envelope
    block and the agreements follow from them.
    """
    raw = _row_values(row)
    shown = {key: french_spacing(display(value)) for key, value in raw.items()}
    if shown.get("subject"):
        shown["subject"] = clean_subject(str(shown["subject"]))
    organisation = {f.name: clean_text(str(getattr(org, f.name))) for f in fields(org)}
    organisation["address_line"] = ", ".join(
        line.strip() for line in organisation["address"].split("\n") if line.strip())
    schema = REGISTERS_BY_KEY.get(row.register)
    keys = (schema.person_key,) if schema is not None else PERSON_KEYS
    person = next((str(shown[k]) for k in keys if shown.get(k)), "")
    context: dict[str, object] = {
        "ref": row.record_id,
        "today": french_long_date(today),
        "register": row.register,
        "org": organisation,
        "row": shown,
        "raw": {key: "" if value is None else value for key, value in raw.items()},
        "person": person,
        "recipient": person,
        "recipient_address": "",
        "training": shown.get("training", ""),
        "session": session_of(shown),
        "email": shown.get("email", ""),
        "city": organisation["city"],
        "signatory": organisation["signatory"],
        "signatory_title": organisation["signatory_title"],
        "cancellation": _cancellation(row.register, raw, shown),
    }
    for key, value in (extra or {}).items():
        context[key] = _extra_value(value)
    context.update(_addressing(str(context["recipient"]), str(context["recipient_address"]),
                               person))
    return context


def _addressing(recipient: str, address: str, person: str) -> dict[str, object]:
    """Salutation, envelope block and agreements, from the recipient's and person's names."""
    civility = civility_of(recipient)
    lines = postal_lines(address)
    block = [civility.addressed, *lines] if civility.addressed else lines
    return {"salutation": civility.salutation, "recipient_name": civility.name,
            "recipient_e": civility.e, "person_e": civility_of(person).e,
            "recipient_addressed": civility.addressed,
            "recipient_address": "\n".join(lines), "recipient_block": "\n".join(block)}


def _cancellation(register: str, raw: Mapping[str, object],
                  shown: Mapping[str, object]) -> dict[str, object]:
    """What a cancellation row says, under names every register has (empty elsewhere), so
    that one template serves a cancellation and a dropout: ``motive``, ``billable``,
    ``recoverable``, ``alternative``, and ``after_start`` (asked for once the session had
    begun: the learner left, or never came)."""
    keys = ("motive", "billable", "recoverable", "alternative")
    if register != "annulations":
        return {**dict.fromkeys(keys, ""), "after_start": False}
    asked, start = raw.get("requested_on"), raw.get("session_start")
    after = (isinstance(asked, datetime) and isinstance(start, datetime)
             and _naive(asked) >= _naive(start))
    return {**{key: shown.get(key, "") for key in keys}, "after_start": after}


def _naive(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        return moment.astimezone(PARIS).replace(tzinfo=None)
    return moment


def session_of(shown: Mapping[str, object]) -> dict[str, str]:
    """The session a row is about, whatever its register: ``ref``, ``start``, ``end`` and
    ``new_start`` (French text, ``""`` when the register has no such column or it is empty).
    One letter can then serve a cancellation and a dropout."""
    def text(*keys: str) -> str:
        return next((str(shown[k]) for k in keys if shown.get(k)), "")

    return {"ref": text("session_ref"), "start": text("session_start", "start"),
            "end": text("end"), "new_start": text("new_start")}


def display(value: object) -> str:
    """A cell value as a letter shows it: French dates, ``3,5`` for 3.5, ``""`` for nothing."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.tzinfo is None and value.time() == time(0, 0):
            return french_long_date(value.date())
        return french_datetime(value)
    if isinstance(value, date):
        return french_long_date(value)
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, float):
        return "" if math.isnan(value) else f"{value:g}".replace(".", ",")
    return clean_text(str(value))


def _row_values(row: StoredRow) -> dict[str, object]:
    """Every field of the row's register (empty ones as ``None``), then any other value."""
    schema = REGISTERS_BY_KEY.get(row.register)
    values: dict[str, object] = {}
    if schema is not None:
        for field in schema.fields:
            value: object = row.values.get(field.key)
            if isinstance(value, str) and field.kind in (Kind.DATE, Kind.DATETIME):
                value = _parse_iso(value, datetime_wanted=field.kind is Kind.DATETIME)
            values[field.key] = value
    values.update({k: v for k, v in row.values.items() if k not in values})
    values["id"] = row.record_id
    return values


def _parse_iso(text: str, *, datetime_wanted: bool) -> object:
    """An ISO date kept as text by a journal becomes a date again; other text stays text."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        return text
    if moment.tzinfo is not None:
        moment = moment.astimezone(PARIS).replace(tzinfo=None)
    if not datetime_wanted and moment.time() == time(0, 0):
        return moment.date()
    return moment


def _extra_value(value: object) -> object:
    if value is None or isinstance(value, date | float | bool):
        return display(value)
    if isinstance(value, str):
        return french_spacing(clean_text(value))
    if isinstance(value, Mapping):
        return {str(k): _extra_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_extra_value(v) for v in value]
    return value
