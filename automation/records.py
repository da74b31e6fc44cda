"""The values that cross the pipeline's boundaries.

A source hands over a file or a mail (:class:`~automation.sources.mailbox.MailItem`);
intake turns it into :class:`Record` values for a register and :class:`Rejection` values for
a person; the journal gives each record its register id and makes it a :class:`StoredRow`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

CellValue = str | int | float | date | datetime | None

SHARED_TEXT = 200  # texts up to this length are kept once when many rows repeat them


def kept_once(value: CellValue, texts: dict[str, str]) -> CellValue:
    """``value``, or the equal text ``texts`` already holds: a parser or a JSON decoder makes
    one string per cell, and the answers, channels and statuses of 20,000 rows repeat."""
    if type(value) is str and len(value) <= SHARED_TEXT:
        return texts.setdefault(value, value)
    return value


@dataclass(frozen=True)
class Record:
    """A validated row for one register, before it has an id."""

    register: str
    values: Mapping[str, CellValue]
    fingerprint: str  # identifies the row across drops: same content, same fingerprint
    source: str  # "plaintes-mars.xlsx, ligne 7"
    missing: tuple[str, ...] = ()  # fields left for a person ("À compléter")
    note: str = ""  # which rule or route produced it, for the journal


@dataclass(frozen=True)
class Rejection:
    """A row that cannot be accepted, with what to fix, in French."""

    line: int  # the row number a person sees in the source file
    cells: tuple[CellValue, ...]  # the row as it was read, for the rejection copy
    reasons: tuple[str, ...]  # "Date de réception : « 31/02/2026 » n'est pas une date valide"


@dataclass(frozen=True)
class StoredRow:
    """A record with its register id, as the journal holds it until it is in the workbook."""

    register: str
    record_id: str
    values: Mapping[str, CellValue]
    source: str
    fingerprint: str = ""
    note: str = ""  # how intake completed the row (rule, computed motive…), for the Journal


@dataclass(frozen=True)
class ChangeNote:
    """One line of a register's ``Journal`` sheet: an automated change, as people read it."""

    when: datetime
    action: str  # "Ajout", "Mise à jour", "Courrier"
    source: str
    record_id: str
    detail: str = ""

