"""Produce the letters the journal asks for: each is then *prepared*, not sent.

A broken template leaves its letters failed until the template is fixed
(:mod:`.followup`); a letter that could not be written for a reason that may go away (an
``outbox/`` that cannot be written, a letter open in Word) stays pending with its error and
is tried again at every turn, so it comes as soon as the cause is gone. A letter that also
goes by mail and was sent through SMTP is marked sent that day (:mod:`.sent`).

The recipient's postal address comes from the row (« Adresse postale », « Adresse du
prescripteur »), else from the sessions planning when it lists that person with an address.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Final

from automation.errors import LetterError, TemplateError
from automation.letters.catalog import LetterKind, SentHow
from automation.pipeline.letter_mail import mail_letter
from automation.pipeline.office import Office
from automation.pipeline.sent import mark_job_sent, today
from automation.procedures.planning import (
    Participant,
    Planning,
    learner_sessions,
    load_planning,
    match_session,
)
from automation.records import CellValue, StoredRow
from automation.registers.journal import LetterJob, LetterStatus
from automation.registers.schema import REGISTERS_BY_KEY

log = logging.getLogger(__name__)

# The row's field naming the recipient → the field holding their postal address.
ADDRESS_OF: Final = {"prescriber": "prescriber_address"}
DEFAULT_ADDRESS: Final = "address"
PER_TRANSACTION: Final = 50  # letters recorded together (the journal stays free for others)


@dataclass(frozen=True)
class LetterOutcome:
    job: LetterJob
    path: Path | None
    error: str = ""
    waiting: bool = False  # the error may go away by itself: the letter is tried again
    row: StoredRow | None = None  # the row it was written for


def produce_pending(office: Office, *, retry_failed: bool = False) -> list[LetterOutcome]:
    """Render every pending letter (and, with ``retry_failed``, those that failed before).

    The letters are written and recorded as prepared, :data:`PER_TRANSACTION` to a journal
    transaction (one sync of the journal, not one a letter); then those that also go by mail
    are mailed, each recorded as sent as soon as it left.
    """
    statuses = [LetterStatus.PENDING, *([LetterStatus.FAILED] if retry_failed else [])]
    outcomes: list[LetterOutcome] = []
    addresses = _Addresses(office)
    jobs = office.journal.letters(statuses=statuses)
    for start in range(0, len(jobs), PER_TRANSACTION):
        with office.journal.transaction():
            for job in jobs[start:start + PER_TRANSACTION]:
                outcome = _produce(office, job, addresses)
                if outcome is not None:
                    outcomes.append(outcome)
    for outcome in outcomes:
        if outcome.path is not None and outcome.row is not None and mail_letter(
                office, LetterKind(outcome.job.kind), outcome.row, outcome.path) == "sent":
            mark_job_sent(office, outcome.job, on=today(office), how=SentHow.SMTP)
    return outcomes


def _produce(office: Office, job: LetterJob, addresses: _Addresses) -> LetterOutcome | None:
    """One letter written to the outbox, and the journal told (prepared, failed, waiting)."""
    row = office.journal.row(job.register, job.record_id)
    if row is None:  # cannot happen: letters are queued with their row
        return None
    now = office.clock.now()
    key = job.recipient_key or REGISTERS_BY_KEY[job.register].person_key
    from automation.letters.produce import produce_letter  # docxtpl, once a letter is due

    try:
        path = produce_letter(
            kind=LetterKind(job.kind), org=office.config.organisation,
            templates_dir=office.config.templates_dir, outbox_dir=office.config.outbox_dir,
            row=row, today=now.date(), person=str(row.values.get(key) or ""),
            extra={"recipient_address": addresses.of(row, key)})
    except TemplateError as exc:
        office.journal.letter_failed(job, str(exc), now=now)
        log.error("%s %s: letter not produced: %s", job.record_id, job.kind, exc)
        return LetterOutcome(job, None, str(exc))
    except LetterError as exc:
        if str(exc) != job.error:
            log.error("%s %s: letter not written, tried again until it can be: %s",
                      job.record_id, job.kind, exc)
        office.journal.letter_waits(job, str(exc), now=now)
        return LetterOutcome(job, None, str(exc), waiting=True)
    office.journal.letter_done(job, path, now=now)
    return LetterOutcome(job, path, row=row)


class _Addresses:
    """Postal addresses of recipients: the row's, else the planning's (read once, if needed)."""

    def __init__(self, office: Office) -> None:
        self.office = office

    @cached_property
    def planning(self) -> Planning:
        return load_planning(self.office.config)

    def of(self, row: StoredRow, recipient_key: str) -> str:
        field = ADDRESS_OF.get(recipient_key, DEFAULT_ADDRESS)
        typed = _text(row.values, field)
        if typed:
            return typed
        person = self._participant(row)
        if person is None:
            return ""
        return person.prescriber_address if field == "prescriber_address" else person.address

    def _participant(self, row: StoredRow) -> Participant | None:
        """The person of ``row`` as the planning lists them, when exactly one entry fits."""
        values = row.values
        if row.register == "annulations":
            match = match_session(self.planning, values)
            return match.participant if match is not None else None
        if row.register == "abandons":
            pairs = learner_sessions(self.planning, values)
            people = {p for _, p in pairs}
            return next(iter(people)) if len(people) == 1 else None
        name, email = _text(values, "name"), _text(values, "email")
        found = {p for s in self.planning.sessions if (p := s.participant(name, email))}
        return next(iter(found)) if len(found) == 1 else None


def _text(values: Mapping[str, CellValue], key: str) -> str:
    value = values.get(key)
    return value.strip() if isinstance(value, str) else ""
