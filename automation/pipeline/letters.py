"""Produce the letters the journal asks for; a broken template keeps them pending."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from automation.errors import LetterError
from automation.letters.catalog import LetterKind
from automation.letters.produce import produce_letter
from automation.pipeline.letter_mail import mail_letter
from automation.pipeline.office import Office
from automation.registers.journal import LetterJob, LetterStatus
from automation.registers.schema import REGISTERS_BY_KEY

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class LetterOutcome:
    job: LetterJob
    path: Path | None
    error: str = ""


def produce_pending(office: Office, *, retry_failed: bool = False) -> list[LetterOutcome]:
    """Render every pending letter (and, with ``retry_failed``, those that failed before)."""
    statuses = [LetterStatus.PENDING, *([LetterStatus.FAILED] if retry_failed else [])]
    outcomes: list[LetterOutcome] = []
    for job in office.journal.letters(statuses=statuses):
        row = office.journal.row(job.register, job.record_id)
        if row is None:  # cannot happen: letters are queued with their row
            continue
        now = office.clock.now()
        schema = REGISTERS_BY_KEY[job.register]
        try:
            path = produce_letter(
                kind=LetterKind(job.kind), org=office.config.organisation,
                templates_dir=office.config.templates_dir, outbox_dir=office.config.outbox_dir,
                row=row, today=now.date(),
                person=str(row.values.get(job.recipient_key or schema.person_key) or ""))
        except LetterError as exc:
            office.journal.letter_failed(job, str(exc), now=now)
            log.error("%s %s: letter not produced: %s", job.record_id, job.kind, exc)
            outcomes.append(LetterOutcome(job, None, str(exc)))
            continue
        office.journal.letter_done(job, path, now=now)
        mail_letter(office, LetterKind(job.kind), row, path)
        outcomes.append(LetterOutcome(job, path))
    return outcomes
