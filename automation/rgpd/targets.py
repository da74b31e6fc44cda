"""Building the erasure targets: one person by name or address, or the rows past retention.

A person asked for by name is also known by the addresses of the rows that name them (and
the other way round), once: the rows found are shown before anything is done. A pseudonym
code is given only when the erasure is carried out (``--dry-run`` shows a placeholder).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Final

from automation.pipeline.office import Office
from automation.records import CellValue
from automation.rgpd.fields import (
    NOTES_FIELD,
    PEOPLE,
    contact_values,
    postal_of,
    retention_date,
)
from automation.rgpd.person import Mentions, Person, Scrubber
from automation.rgpd.plan import ExpiredRow, PersonTarget, RetentionTarget, RowKey
from automation.rgpd.scope import register_rows

PREVIEW_CODE: Final = "····"  # shown by --dry-run: the code is given when it is done


def all_rows(office: Office) -> Iterator[tuple[str, str, dict[str, CellValue]]]:
    """Every row of the registers, then every row only the journal still knows."""
    seen: set[RowKey] = set()
    for binding in office.config.bindings():
        for record_id, (_line, values) in register_rows(binding).items():
            seen.add((binding.key, record_id))
            yield binding.key, record_id, values
    for register, record_id, values in office.journal.known_rows():
        if (register, record_id) not in seen:
            seen.add((register, record_id))
            yield register, record_id, dict(values)


def _code(office: Office, person: Person, *, preview: bool) -> str:
    if preview:
        return office.journal.known_pseudonym(person.identity) or PREVIEW_CODE
    with office.journal.transaction():
        return office.journal.pseudonym_code(person.identity, now=office.clock.now())


def person_target(office: Office, person: Person, *, preview: bool) -> PersonTarget:
    """The target for ``person``, known also by the names and addresses of their rows."""
    probe = PersonTarget(Scrubber(person, PREVIEW_CODE))
    found = Person.of()
    rows = list(all_rows(office))
    for register, _rid, values in rows:
        matched = probe.matched(register, values)
        for who in matched:
            name = values.get(who.name)
            email = values.get(who.email) if who.email else None
            found = found.merged(Person.of([name] if isinstance(name, str) else [],
                                           [email] if isinstance(email, str) else [],
                                           postal_of(who, values)))
        if matched:
            found = found.merged(Person.of(contacts=contact_values(values.get(NOTES_FIELD))))
    whole = found.merged(person)  # as the registers spell it first, then as asked for
    scrubber = Scrubber(whole, _code(office, whole, preview=preview))
    target = PersonTarget(scrubber)
    about = frozenset((register, rid) for register, rid, values in rows
                      if target.matched(register, values))
    return PersonTarget(scrubber, about)


def expired_target(office: Office, *, years: int, today: date,
                   preview: bool) -> RetentionTarget:
    """Every row whose year (its retention date) plus ``years`` is before this year."""
    expired: dict[RowKey, ExpiredRow] = {}
    codes: dict[str, str] = {}
    people: dict[str, Person] = {}
    kept: set[str] = set()  # identities still named by a row that is kept
    for register, record_id, values in all_rows(office):
        when = retention_date(register, values)
        over = isinstance(when, date) and when.year + years < today.year
        scrubbers = []
        first = PEOPLE.get(register, (None,))[0]  # the row's own person: its contact lines
        for who in PEOPLE.get(register, ()):
            name, email = values.get(who.name), values.get(who.email) if who.email else None
            person = Person.of([name] if isinstance(name, str) else [],
                               [email] if isinstance(email, str) else [],
                               [*postal_of(who, values),
                                *(contact_values(values.get(NOTES_FIELD)) if who is first
                                  else [])])
            if not person.names and not person.emails:
                continue  # nobody named, or already a pseudonym
            identity = person.identity
            if not over:
                kept.add(identity)
                continue
            people[identity] = people[identity].merged(person) if identity in people \
                else person
            if identity not in codes:
                codes[identity] = _code(office, person, preview=preview)
            scrubbers.append((who, Scrubber(person, codes[identity], alone=True)))
        if over and isinstance(when, date):
            expired[register, record_id] = ExpiredRow(register, record_id, when.year,
                                                      tuple(scrubbers))
    gone = Mentions((person, codes[identity]) for identity, person in people.items()
                    if identity not in kept)
    return RetentionTarget(expired, gone)
