"""What an erasure changes: in a register row, in a free text, in a journal entry.

Two kinds of erasure share this shape (:class:`Target`):

* :class:`PersonTarget` — one person, on request (``automation rgpd anonymise NAME``): the
  rows *about* them (their name or address in a person's field) get their pseudonym in those
  fields and lose their contact lines; any text anywhere that *mentions* them gets the
  pseudonym in place of the mention;
* :class:`RetentionTarget` — the rows whose retention period is over (``purge``): each
  such row gets a pseudonym for every person it names, and nothing else is touched.

Values written are stable pseudonyms, so counts and indicators stay what they were.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from automation.records import CellValue
from automation.registers.journal.values import Values
from automation.registers.schema import REGISTERS_BY_KEY
from automation.rgpd.fields import (
    NOTES_FIELD,
    PEOPLE,
    REMOVED,
    Who,
    postal_of,
    strip_contact_lines,
    text_fields,
)
from automation.rgpd.person import Mentions, Person, Scrubber, is_pseudonym

RowKey = tuple[str, str]  # (register, record id)


class Target(Protocol):
    def about(self, register: str, record_id: str, values: Mapping[str, CellValue]) -> bool:
        """True for a row whose letters, mails and attachments go with the person."""
        ...

    def row_changes(self, register: str, record_id: str,
                    values: Mapping[str, CellValue]) -> dict[str, CellValue]:
        """The fields of the row to rewrite, with their new values (empty: nothing to do)."""
        ...

    def text(self, text: str, *, register: str = "", record_id: str = "") -> str:
        """A free text (a Journal-sheet line, a file name, a journal entry) rewritten."""
        ...

    def value(self, value: CellValue, *, register: str, record_id: str,
              field: str) -> CellValue:
        """One field's value, as the journal keeps it for a change, rewritten."""
        ...


def rewrite_values(target: Target, register: str, record_id: str, values: Values) -> Values:
    """``values`` (a whole row) with the target's changes applied."""
    return {**values, **target.row_changes(register, record_id, values)}


def _identity_changes(register: str, values: Mapping[str, CellValue], scrubber: Scrubber,
                      who: Who) -> dict[str, CellValue]:
    changes: dict[str, CellValue] = {}
    name, email = values.get(who.name), values.get(who.email) if who.email else None
    if isinstance(name, str) and name.strip() and not is_pseudonym(name):
        changes[who.name] = scrubber.name
    if isinstance(email, str) and email.strip() and not is_pseudonym(email):
        changes[who.email] = scrubber.email
    if postal_of(who, values):
        changes[who.postal] = REMOVED
    return changes


def _scrub_texts(register: str, values: Mapping[str, CellValue],
                 scrubbers: Sequence[Scrubber | Mentions],
                 changes: dict[str, CellValue], *, contact: bool) -> dict[str, CellValue]:
    schema = REGISTERS_BY_KEY.get(register)
    keys = text_fields(schema) if schema is not None else tuple(values)
    for key in keys:
        if key in changes or key == "id":
            continue
        value = values.get(key)
        if not isinstance(value, str) or not value:
            continue
        new = value
        for scrubber in scrubbers:
            new = scrubber.scrub(new)
        if contact and key == NOTES_FIELD:
            new = strip_contact_lines(new)
        if new != value:
            changes[key] = new
    return changes


@dataclass(frozen=True)
class PersonTarget:
    """One person, by name and address."""

    scrubber: Scrubber
    about_rows: frozenset[RowKey] = frozenset()

    @property
    def person(self) -> Person:
        return self.scrubber.person

    def matched(self, register: str, values: Mapping[str, CellValue]) -> list[Who]:
        """The person fields of the row that name this person (by name or address)."""
        return [who for who in PEOPLE.get(register, ())
                if self.person.is_name(values.get(who.name))
                or (who.email and self.person.is_email(values.get(who.email)))]

    def about(self, register: str, record_id: str, values: Mapping[str, CellValue]) -> bool:
        return (register, record_id) in self.about_rows or bool(self.matched(register, values))

    def row_changes(self, register: str, record_id: str,
                    values: Mapping[str, CellValue]) -> dict[str, CellValue]:
        changes: dict[str, CellValue] = {}
        for who in self.matched(register, values):
            changes.update(_identity_changes(register, values, self.scrubber, who))
        about = self.about(register, record_id, values)
        return _scrub_texts(register, values, [self.own if about else self.scrubber], changes,
                            contact=about)

    def text(self, text: str, *, register: str = "", record_id: str = "") -> str:
        if (register, record_id) in self.about_rows:
            return self.own.scrub(text)
        return self.scrubber.scrub(text)

    @property
    def own(self) -> Scrubber:
        return self.scrubber.own()

    def value(self, value: CellValue, *, register: str, record_id: str,
              field: str) -> CellValue:
        if not isinstance(value, str):
            return value
        if (register, record_id) in self.about_rows:
            for who in PEOPLE.get(register, ()):
                if field == who.name and self.person.is_name(value):
                    return self.scrubber.name
        new = self.text(value, register=register, record_id=record_id)
        if field == NOTES_FIELD and (register, record_id) in self.about_rows:
            new = strip_contact_lines(new)
        return new


@dataclass(frozen=True)
class ExpiredRow:
    """A row past its retention period, with a scrubber for each person it names."""

    register: str
    record_id: str
    year: int
    scrubbers: tuple[tuple[Who, Scrubber], ...]


@dataclass(frozen=True)
class RetentionTarget:
    """Every row whose retention period is over.

    ``gone`` finds the people named only in such rows: their mentions go from every text
    (another row's description, a Journal-sheet line, a copy). A person who still has a
    row kept keeps their name outside the expired rows.
    """

    rows: Mapping[RowKey, ExpiredRow] = field(default_factory=dict)
    gone: Mentions = field(default_factory=lambda: Mentions(()))

    def about(self, register: str, record_id: str, values: Mapping[str, CellValue]) -> bool:
        return (register, record_id) in self.rows

    def row_changes(self, register: str, record_id: str,
                    values: Mapping[str, CellValue]) -> dict[str, CellValue]:
        expired = self.rows.get((register, record_id))
        if expired is None:
            return _scrub_texts(register, values, [self.gone], {}, contact=False)
        changes: dict[str, CellValue] = {}
        for who, scrubber in expired.scrubbers:
            changes.update(_identity_changes(register, values, scrubber, who))
        return _scrub_texts(register, values, [*(s for _, s in expired.scrubbers), self.gone],
                            changes, contact=True)

    def text(self, text: str, *, register: str = "", record_id: str = "") -> str:
        expired = self.rows.get((register, record_id))
        if expired is not None:
            for _, scrubber in expired.scrubbers:
                text = scrubber.scrub(text)
        return self.gone.scrub(text)

    def value(self, value: CellValue, *, register: str, record_id: str,
              field: str) -> CellValue:
        if not isinstance(value, str) or not value:
            return value
        expired = self.rows.get((register, record_id))
        if expired is not None:
            for who, scrubber in expired.scrubbers:
                if field == who.name and not is_pseudonym(value):
                    return scrubber.name
                if field == who.email and not is_pseudonym(value):
                    return scrubber.email
                if field == who.postal and value != REMOVED:
                    return REMOVED
        new = self.text(value, register=register, record_id=record_id)
        return strip_contact_lines(new) if field == NOTES_FIELD and expired else new

    def mentions(self, text: str) -> bool:
        """True when ``text`` names a person of an expired row (for strings left unused)."""
        return self.gone.mentions(text) or any(
            s.mentions(text) for row in self.rows.values() for _, s in row.scrubbers)

