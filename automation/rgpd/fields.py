"""Where personal data sits in each register, and which date starts its retention period.

Declared once here for every register of :mod:`automation.registers.schema`:

* :data:`PEOPLE` — the fields naming a person, each with the fields of that person's e-mail
  and postal addresses (a complaint's « Nom du déclarant », « Email », « Adresse postale »; a
  dropout's learner and, apart, their prescriber);
* :data:`RETENTION_DATES` — the date that decides when a row's retention period ends (the
  first one filled): the year of the training, or the nearest date a register has of it;
* :func:`strip_contact_lines` — contact lines kept in « Autres informations » (``Adresse :``,
  ``Téléphone :``…, from columns the register has no place for).

Every other text cell (subject, description, answer, source…) is searched for mentions of
the person (:class:`~automation.rgpd.person.Scrubber`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from automation.records import CellValue
from automation.registers.schema import Kind, RegisterSchema
from automation.text import fold


@dataclass(frozen=True)
class Who:
    """A field naming a person, the field of that person's e-mail address and the field of
    their postal address (``""`` when the register has none)."""

    name: str
    email: str = ""
    postal: str = ""


PEOPLE: Final[dict[str, tuple[Who, ...]]] = {
    "reclamations": (Who("name", "email", "address"),),
    "annulations": (Who("person", "email", "address"),),
    "abandons": (Who("learner", "email", "address"),
                 Who("prescriber", "prescriber_email", "prescriber_address")),
    "satisfaction": (Who("name", "email"),),
    "sessions": (Who("learner", "email"), Who("prescriber", "prescriber_email"),
                 Who("trainer")),
}

# The first filled date of these decides the row's year (PRODUCT.md: the training year).
RETENTION_DATES: Final[dict[str, tuple[str, ...]]] = {
    "reclamations": ("received_on",),
    "annulations": ("session_start", "requested_on"),
    "abandons": ("end", "start", "absence_noted_on"),
    "satisfaction": ("answered_on",),
}

NOTES_FIELD: Final = "notes"
REMOVED: Final = "[supprimé]"
_CONTACT_HEADERS: Final = re.compile(
    r"^(adresse|adresse postale|domicile|code postal|cp|ville|commune|localite|telephone|tel|"
    r"portable|mobile|numero de telephone|date de naissance|ne le|nee le|lieu de naissance|"
    r"numero de securite sociale|n de securite sociale|nir)( .*)?$")
_EMAIL_HEADERS: Final = re.compile(r"\b(e ?mail|mail|courriel|electronique)\b")


def text_fields(schema: RegisterSchema) -> tuple[str, ...]:
    """The fields whose text may mention a person (not dates, numbers, ids or dropdowns)."""
    return tuple(f.key for f in schema.fields
                 if f.kind in (Kind.TEXT, Kind.LONG_TEXT, Kind.EMAIL))


def personal_fields(register: str) -> tuple[str, ...]:
    """Every field of ``register`` that names a person or holds their address."""
    return tuple(key for who in PEOPLE.get(register, ())
                 for key in (who.name, who.email, who.postal) if key)


def postal_of(who: Who, values: Mapping[str, CellValue]) -> list[str]:
    """The person's postal address, when the row has one: a contact to remove from texts."""
    value = values.get(who.postal) if who.postal else None
    return [value] if isinstance(value, str) and value.strip() and value != REMOVED else []


def strip_contact_lines(notes: str) -> str:
    """``notes`` with the value of each contact line (« Adresse : … ») replaced."""
    lines = []
    for line in notes.split("\n"):
        header, colon, _value = line.partition(":")
        if colon and contact_values(line):
            line = f"{header.rstrip()} : {REMOVED}"
        lines.append(line)
    return "\n".join(lines)


def contact_values(notes: object) -> list[str]:
    """The values of the contact lines of « Autres informations » (« 12 rue des Lilas »)."""
    if not isinstance(notes, str):
        return []
    found = []
    for line in notes.split("\n"):
        header, colon, value = line.partition(":")
        folded = fold(header)
        if colon and _CONTACT_HEADERS.match(folded) and not _EMAIL_HEADERS.search(folded) \
                and value.strip() and value.strip() != REMOVED:
            found.append(value.strip())
    return found


def retention_date(register: str, values: dict[str, CellValue]) -> CellValue:
    """The date deciding when the row's personal data is due for anonymisation."""
    for key in RETENTION_DATES.get(register, ()):
        value = values.get(key)
        if value is not None and value != "":
            return value
    return None
