"""A letter sent: only then does its register row get the date, and its status move on.

A letter written to ``outbox/`` is *prepared*; it is *sent* when

- the tool sent it (a reply through SMTP, Graph or EWS; the prescriber's mail through SMTP):
  the pipeline calls :func:`mark_sent` with the day it left;
- a person sent the draft from the mailbox: :mod:`automation.pipeline.sent_mail` finds the
  message in the Sent folder and calls :func:`mark_sent` with the message's date;
- a person files the letter (the .docx, its PDF, the draft .eml, a scan named after it) in
  ``outbox/envoyés/`` after printing or mailing it: :func:`sent_folder_watcher`;
- a person says so: ``automation letters sent ID… [--on DATE]`` (:func:`declare_sent`).

Marking a letter sent records it in the journal with how it left and queues, for the
register, its date (into an empty cell only) and the status it calls for
(:func:`~automation.letters.catalog.status_when_sent`, never over a status later in the
flow). The periodic write-back, or the caller, writes them into the workbook.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from automation.clock import paris_naive
from automation.docprops import DC_IDENTIFIER, core_property
from automation.letters.catalog import LetterKind, SentHow, status_when_sent
from automation.pipeline.office import Office
from automation.records import CellValue
from automation.registers.journal import LetterJob, LetterStatus
from automation.registers.schema import REGISTERS_BY_KEY

if TYPE_CHECKING:
    from automation.sources.folder import FolderWatcher

log = logging.getLogger(__name__)

SENT_FOLDER: Final = "envoyés"  # under outbox/
RECORD_ID: Final = re.compile(r"\b([A-Z]{3}-\d{4}-\d{4,})\b")
_COPY_MARK: Final = re.compile(r"\s*(?:\(\d+\)|- copie(?: \(\d+\))?|- copy)$", re.IGNORECASE)
MAX_EML_BYTES: Final = 30 * 1024 * 1024


def today(office: Office) -> date:
    """The office's day (Europe/Paris)."""
    return paris_naive(office.clock.now()).date()


def mark_sent(office: Office, register: str, record_id: str, kind: str | LetterKind, *,
              on: date, how: SentHow, ref: str = "") -> bool:
    """Record that the letter ``kind`` of ``record_id`` was sent on ``on``; queue its date and
    status for the register. False when there is no such prepared letter (not produced yet,
    or already sent: the first sending counts)."""
    job = office.journal.letter(register, record_id, str(kind))
    if job is None or job.status is not LetterStatus.DONE:
        return False
    return mark_job_sent(office, job, on=on, how=how, ref=ref)


def mark_job_sent(office: Office, job: LetterJob, *, on: date, how: SentHow,
                  ref: str = "") -> bool:
    """:func:`mark_sent` for a letter already looked up."""
    cells = sent_cells(office, job, on)
    done = office.journal.letter_sent(job, on=on, how=how.value, ref=ref, cells=cells,
                                      now=office.clock.now())
    if done:
        log.info("%s %s: sent on %s (%s)", job.record_id, job.kind, on.isoformat(), how.value)
    return done


def sent_cells(office: Office, job: LetterJob, on: date) -> dict[str, CellValue]:
    """The register cells a sent letter fills: its date, and the status it calls for."""
    cells: dict[str, CellValue] = {}
    if job.date_field:
        cells[job.date_field] = on
    try:
        kind = LetterKind(job.kind)
    except ValueError:
        return cells
    row = office.journal.row(job.register, job.record_id)
    status = status_when_sent(job.register, kind, row.values if row is not None else {})
    schema = REGISTERS_BY_KEY.get(job.register)
    if status and schema is not None:
        cells[schema.status_key] = status
    return cells


def prepared_letters(office: Office) -> list[LetterJob]:
    """Letters written to the outbox and not sent yet."""
    return office.journal.letters(statuses=[LetterStatus.DONE])


# The deadline step (automation.deadlines.rules) each letter's sending completes.
STEP_OF_LETTER: Final[dict[tuple[str, LetterKind], str]] = {
    ("reclamations", LetterKind.ACKNOWLEDGMENT): "acknowledge",
    ("reclamations", LetterKind.COMPLAINT_RESPONSE): "answer",
    ("annulations", LetterKind.CANCELLATION_NOTICE): "inform_participants",
    ("annulations", LetterKind.POSTPONEMENT_NOTICE): "inform_participants",
    ("annulations", LetterKind.ALTERNATIVE_PROPOSAL): "inform_participants",
    ("abandons", LetterKind.PRESCRIBER_ABSENCE): "inform_prescriber",
    ("abandons", LetterKind.DROPOUT_ATTESTATION): "send_attestation",
}


def unsent_steps(office: Office) -> dict[tuple[str, str], frozenset[str]]:
    """(register, id) → the deadline steps whose letter is prepared but not sent: ``due``
    keeps them open until the letter leaves."""
    found: dict[tuple[str, str], set[str]] = {}
    for job in prepared_letters(office):
        try:
            step = STEP_OF_LETTER.get((job.register, LetterKind(job.kind)))
        except ValueError:
            continue
        if step:
            found.setdefault((job.register, job.record_id), set()).add(step)
    return {key: frozenset(steps) for key, steps in found.items()}


# --- a person says so ------------------------------------------------------------------------

@dataclass
class Declared:
    """What ``automation letters sent`` did, per id."""

    marked: list[LetterJob] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # French, one per id not marked


def declare_sent(office: Office, record_ids: Sequence[str], *, on: date,
                 kinds: Sequence[str] = ()) -> Declared:
    """Mark the prepared letters of ``record_ids`` (``kinds``: only those) sent on ``on``."""
    result = Declared()
    for raw in record_ids:
        record_id = raw.strip().upper()
        jobs = [j for j in office.journal.letters_of(record_id)
                if not kinds or j.kind in kinds]
        prepared = [j for j in jobs if j.status is LetterStatus.DONE]
        if not prepared:
            result.problems.append(_why_not(record_id, jobs))
            continue
        for job in prepared:
            written = prepared_day(job)
            if written is not None and on < written:
                result.problems.append(
                    f"{record_id} : le courrier n'a été préparé que le {written:%d/%m/%Y}, il "
                    f"n'a pas pu partir le {on:%d/%m/%Y}")
            elif mark_job_sent(office, job, on=on, how=SentHow.DECLARED):
                result.marked.append(job)
    return result


def prepared_day(job: LetterJob) -> date | None:
    """The day (Europe/Paris) the letter was written to the outbox; None when unknown."""
    try:
        moment = datetime.fromisoformat(job.prepared_at) if job.prepared_at else None
    except ValueError:
        return None
    if moment is None:
        return None
    return paris_naive(moment).date() if moment.tzinfo is not None else moment.date()


def _why_not(record_id: str, jobs: Sequence[LetterJob]) -> str:
    if not jobs:
        return f"{record_id} : aucun courrier n'est prévu pour ce numéro"
    sent = [j for j in jobs if j.status is LetterStatus.SENT]
    if sent and len(sent) == len(jobs):
        days = ", ".join(sorted({j.sent_on for j in sent}))
        return f"{record_id} : courrier déjà envoyé (le {_french_day(days)})"
    return f"{record_id} : le courrier n'est pas encore produit (automation letters)"


def _french_day(iso: str) -> str:
    try:
        return f"{date.fromisoformat(iso):%d/%m/%Y}"
    except ValueError:
        return iso


# --- a person files the letter in outbox/envoyés/ -------------------------------------------

def sent_folder(office: Office) -> Path:
    return office.config.outbox_dir / SENT_FOLDER


def letter_of_file(office: Office, path: Path,
                   prepared: Sequence[LetterJob] | None = None) -> LetterJob | None:
    """The prepared letter ``path`` is (a copy of): by the identity stored in a .docx, by the
    letter's file name (any extension, « (2) » or « - Copie » added), by the letter attached
    to a draft .eml, else by the register id its name starts with when that id has exactly
    one prepared letter."""
    jobs = list(prepared) if prepared is not None else prepared_letters(office)
    if not jobs:
        return None
    suffix = path.suffix.lower()
    if suffix == ".docx":
        identity = core_property(path, DC_IDENTIFIER)
        record_id, _, rest = identity.partition("|")
        kind = rest.partition("|")[0]
        found = next((j for j in jobs if (j.record_id, j.kind) == (record_id, kind)), None)
        if found is not None:
            return found
    names = [path.name]
    if suffix == ".eml":
        names = _attachment_names(path) or names
    for name in names:
        found = letter_named(jobs, name)
        if found is not None:
            return found
    return _only_letter_of_id(jobs, path.name)


def letter_named(jobs: Sequence[LetterJob], name: str) -> LetterJob | None:
    """The letter whose file stem is ``name``'s (a PDF of it, a copy of it)."""
    stem = _COPY_MARK.sub("", Path(name).stem).casefold()
    for job in jobs:
        if job.path and Path(job.path).stem.casefold() == stem:
            return job
    return None


def _only_letter_of_id(jobs: Sequence[LetterJob], name: str) -> LetterJob | None:
    found = RECORD_ID.search(name)
    if found is None:
        return None
    of_id = [j for j in jobs if j.record_id == found.group(1)]
    return of_id[0] if len(of_id) == 1 else None


def _attachment_names(path: Path) -> list[str]:
    from email import policy
    from email.parser import BytesParser

    try:
        if path.stat().st_size > MAX_EML_BYTES:
            return []
        with path.open("rb") as handle:
            message = BytesParser(policy=policy.default).parse(handle)
    except (OSError, ValueError):
        return []
    return [str(part.get_filename()) for part in message.walk() if part.get_filename()]


@dataclass
class SentFolder:
    """Letters a person files in ``outbox/envoyés/``; each file is looked at once per process
    (the folder is the office's archive: it keeps growing)."""

    office: Office
    _looked: set[tuple[str, int, int]] = field(default_factory=set)

    def handle(self, path: Path) -> None:
        try:
            status = path.stat()
        except FileNotFoundError:
            return
        stamp = (str(path), status.st_size, status.st_mtime_ns)
        if stamp in self._looked:
            return
        prepared = prepared_letters(self.office)
        job = letter_of_file(self.office, path, prepared) if prepared else None
        self._looked.add(stamp)
        if job is None:
            log.info("%s: filed in %s, no letter waiting to be sent matches it", path.name,
                     SENT_FOLDER)
            return
        if mark_job_sent(self.office, job, on=today(self.office), how=SentHow.FILED,
                         ref=path.name):
            from automation.pipeline.writeback import write_back  # the workbook writer

            write_back(self.office, [job.register])

    def give_up(self, path: Path, error: BaseException) -> None:
        log.error("%s: not recognised as a sent letter: %s", path.name, error)


def sent_folder_watcher(office: Office, *, poll: float) -> FolderWatcher:
    """The watcher of ``outbox/envoyés/`` (created if missing)."""
    from automation.sources.folder import FolderWatcher

    folder = sent_folder(office)
    folder.mkdir(parents=True, exist_ok=True)
    watch = office.config.watch
    filed = SentFolder(office)
    return FolderWatcher(folder, handle=filed.handle, give_up=filed.give_up,
                         settle=watch.settle_seconds, rescan=watch.rescan_seconds,
                         retry=watch.retry_seconds, poll=poll)
