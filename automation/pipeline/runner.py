"""The one staged path every arrival takes, read top to bottom in :func:`run`.

    guard → read → classify → enrich → record → write → letters → settle

* **guard**: seen before (the same file already recorded)? too large, or a format the tool
  does not read? — before anything is parsed;
* **read**: a spreadsheet's rows, routed to a register and validated; a mail, parsed — both
  by the office's :class:`~automation.intake.reader.Reader`, which reads in a child process
  that a native abort, a MemoryError or an endless file cannot take the watcher down with;
* **classify**: a mail's register by the office's rules, its row, and its attached files as
  child arrivals (each guarded and read in turn, the mail's register as their hint);
* **enrich**: rows completed from the planning and the seed-004 rules;
* **record**: one journal transaction — ids, rows, letters asked for, the mail or file
  ledger, and a mail's attachments' rows with it, so that a crash anywhere resumes whole;
* **write**: the rows into their workbooks (a mailbox cycle writes once for all its mails);
* **letters**: the letters the new rows call for;
* **settle**: the file filed away (moved, or copied for ``ingest``), refused rows sent back,
  a mail's attachments kept beside its letters and its acknowledgment answered.

A stage that decides the end (refused, duplicate, left for a person) stops the run; *settle*
always runs. :class:`~automation.errors.FileNotReady` from any stage means "try again
later" and leaves nothing recorded and nothing moved. A new source only has to build an
:class:`~automation.arrival.Arrival`. A mail's own steps (:mod:`.mail_steps`, and the mail
parsers behind them) load with the first mail: an ``ingest`` of spreadsheets never loads them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Final

from automation import crashpoints
from automation.arrival import Arrival, Form, Source
from automation.errors import FileNotReady, IntakeError, RegisterError
from automation.intake import messages
from automation.intake.reader import MailRead, SheetRequest
from automation.intake.tables import SpreadsheetIntake
from automation.pipeline import letters as letter_queue
from automation.pipeline import store
from automation.pipeline.filing import file_arrival, rejection_copy
from automation.pipeline.office import Office
from automation.pipeline.report import Report, Verdict
from automation.procedures.enrich import enrich as complete_from_planning
from automation.records import Record, StoredRow
from automation.registers.journal import MailEntry, MailStatus, SourceStatus
from automation.sources.files import readable_path, stamp_of
from automation.sources.mailbox import MailItem, MailSource

if TYPE_CHECKING:
    from automation.intake.attachment_use import AttachmentUse
    from automation.intake.classify import Classification
    from automation.intake.mail import ParsedMail
    from automation.pipeline import mail_steps

log = logging.getLogger(__name__)

ALREADY_HANDLED = ("Ce fichier a déjà été traité à l'identique : aucune ligne n'a été ajoutée "
                   "une seconde fois.")


@dataclass
class Job:
    """One arrival on its way, and what each stage found."""

    arrival: Arrival
    report: Report
    mailbox: tuple[MailSource, MailItem] | None = None
    intake: SpreadsheetIntake | None = None
    mail: ParsedMail | None = None
    classification: Classification | None = None
    records: list[Record] = field(default_factory=list)
    children: list[Job] = field(default_factory=list)  # a mail's attached files
    use: AttachmentUse | None = None  # an attached spreadsheet: rows, or evidence
    opened: list[str] = field(default_factory=list)  # registers the new rows opened rows in
    entry: MailEntry | None = None  # a mail, once recorded
    stored: list[StoredRow] = field(default_factory=list)  # its rows the journal took
    parsed: MailRead | None = None  # a mail read beforehand with others
    pdfs: mail_steps.Pdfs = None  # the pass's letters as PDF (None: made by settle)
    note_answer: bool = True  # False: the caller notes the answer as given, once it is saved
    note: str = ""  # French, beside a file refused whole

    def end(self, verdict: Verdict, message: str = "") -> bool:
        """Stop the run here with ``verdict``; a refused file gets ``message`` as its note."""
        self.report.verdict = verdict
        self.report.message = message
        self.note = message if verdict is Verdict.REFUSED else ""
        return False


Stage = Callable[[Office, Job], bool]
MailboxMail = tuple[MailSource, MailItem]


def run(office: Office, arrival: Arrival, *, mailbox: MailboxMail | None = None,
        batch: bool = False) -> Report:
    """Take ``arrival`` through every stage; ``batch`` leaves the workbook write to the
    caller (a mailbox cycle writes its mails' rows once)."""
    job = Job(arrival, report_of(arrival), mailbox)
    for stage in (*BEFORE_RECORD, record, *(() if batch else (write,)), letters):
        if not stage(office, job):
            break
    settle(office, job)
    return job.report


def report_of(arrival: Arrival) -> Report:
    return Report(name=arrival.name, place=arrival.place, source=arrival.source,
                  path=arrival.path)


# -- the stages ---------------------------------------------------------------------------------

def guard(office: Office, job: Job) -> bool:
    arrival = job.arrival
    attachment = arrival.source is Source.ATTACHMENT
    if arrival.refusal:
        return job.end(Verdict.KEPT if attachment else Verdict.REFUSED, arrival.refusal)
    if (arrival.path is not None and arrival.fingerprint
            and office.journal.source_status(arrival.fingerprint) is SourceStatus.FILED):
        return job.end(Verdict.DUPLICATE, ALREADY_HANDLED)
    if arrival.form is Form.OTHER:
        if attachment:
            return job.end(Verdict.KEPT)
        return job.end(Verdict.REFUSED, messages.unreadable(
            arrival.name, messages.unsupported(arrival.suffix)))
    if arrival.data is None:
        limit = (office.config.mail.mail.max_mail_mb if arrival.form is Form.MAIL
                 else office.config.intake.max_file_mb)
        why = messages.unreadable(arrival.name, messages.too_large(arrival.size / 2**20, limit))
        return job.end(Verdict.KEPT if attachment else Verdict.REFUSED, why)
    return True


def read(office: Office, job: Job) -> bool:
    arrival = job.arrival
    if arrival.form is Form.MAIL:
        if arrival.source is Source.ATTACHMENT:
            return job.end(Verdict.KEPT)  # a forwarded mail stays with the mail it came in
        from automation.pipeline import mail_steps

        try:
            job.mail = mail_steps.read_mail(office, arrival, parsed=job.parsed)
        except IntakeError as exc:
            office.journal.note_mail(MailEntry(arrival.fingerprint, MailStatus.UNREADABLE,
                                               place=arrival.place, reason=str(exc)),
                                     now=office.clock.now())
            job.report.unreadable = True
            return job.end(Verdict.REFUSED, f"Courriel non enregistré : {exc}")
        job.report.subject = job.mail.subject
        return True
    source_name = arrival.name
    if arrival.parent is not None:
        source_name = f"{arrival.name} (pièce jointe du {arrival.parent.label})"
    try:
        job.intake = office.reader.spreadsheet(SheetRequest(
            arrival.name, arrival.data or b"", hint=arrival.hint, limits=office.config.intake,
            source_name=source_name, forms=office.config.survey_forms))
    except IntakeError as exc:
        if arrival.source is Source.ATTACHMENT:
            return job.end(Verdict.KEPT, str(exc))
        return job.end(Verdict.REFUSED, str(exc))
    job.report.register = job.intake.register
    job.report.routed_by_headers = job.intake.routed_by_headers
    job.report.rejected = len(job.intake.rejections)
    return True


def classify(office: Office, job: Job) -> bool:
    if job.intake is not None:
        job.records = list(job.intake.records)
        # The job carries the records on; the intake keeps what settle needs (rejections).
        job.intake = replace(job.intake, records=[])
        return True
    from automation.pipeline import mail_steps

    mail, arrival = job.mail, job.arrival
    assert mail is not None
    classification = job.classification = mail_steps.classify(office, mail, arrival)
    job.report.rule = classification.rule
    if classification.register is None:
        reason = f"aucune règle ne classe ce courriel ({classification.rule})"
        office.journal.note_mail(mail_steps.mail_entry(
            mail, arrival, status=MailStatus.UNCLASSIFIED, reason=reason),
            now=office.clock.now())
        return job.end(Verdict.LEFT, f"Courriel non enregistré : {reason}.")
    job.report.register = classification.register
    for child in mail_steps.attachment_arrivals(mail, arrival, classification.register):
        job.children.append(_attachment(office, child, classification))
    row = mail_steps.mail_row(office, mail, arrival, classification, uses=_uses(job))
    job.records = [_with_attachment_notes(row, job.children)]
    return True


def _with_attachment_notes(row: Record, children: list[Job]) -> Record:
    """The mail's row, saying which attached spreadsheets could not be read, and why."""
    unread = [child.report.message for child in children
              if child.report.verdict is Verdict.KEPT and child.report.message
              and child.arrival.form is Form.SPREADSHEET and child.use is None]
    if not unread:
        return row
    values = dict(row.values)
    notes = str(values.get("notes") or "")
    lines = [f"Pièce jointe non lue, conservée avec le courriel : {why}" for why in unread]
    values["notes"] = "\n".join([notes, *lines] if notes else lines)
    return replace(row, values=values)


def _attachment(office: Office, arrival: Arrival, mail: Classification) -> Job:
    """An attached file: evidence kept with the mail, or — a spreadsheet that clearly is a
    list for a register — read, its rows waiting for the mail's record stage."""
    from automation.intake.attachment_use import RegisterRows
    from automation.pipeline import mail_steps

    job = Job(arrival, report_of(arrival))
    try:
        if not guard(office, job):
            return job
        if arrival.form is not Form.SPREADSHEET:
            job.end(Verdict.KEPT)
            return job
        use = job.use = mail_steps.attachment_use_of(
            office, arrival, mail_register=mail.register, office_rule=mail.attachments)
        if not isinstance(use, RegisterRows):
            job.end(Verdict.KEPT, use.reason)
            return job
        job.arrival = replace(arrival, hint=use.register)
        if read(office, job):
            classify(office, job)
    except IntakeError as exc:
        job.end(Verdict.KEPT, str(exc))
    except Exception:  # an attachment no reader copes with stays evidence
        log.exception("%s: attachment not read", arrival.place)
        job.end(Verdict.KEPT, messages.unreadable(arrival.name, messages.READER_BUG))
    return job


def _uses(job: Job) -> dict[str, AttachmentUse]:
    return {child.arrival.name: child.use for child in job.children if child.use is not None}


def enrich(office: Office, job: Job) -> bool:
    planning = office.planning()
    for each in (job, *job.children):
        each.records = complete_from_planning(office.config, each.records, planning=planning)
    return True


def record(office: Office, job: Job) -> bool:
    record_all(office, [job])
    return True


def record_all(office: Office, jobs: Sequence[Job]) -> None:
    """One journal transaction for the rows of every job (and of their attachments), their
    letters, their ledger lines and mail entries: a crash anywhere resumes whole."""
    for job in jobs:
        _check_unchanged(job.arrival)
    now = office.clock.now()
    # Recorded before but not filed: a crash came in between, and this run finishes the job.
    resumed = [bool(job.arrival.path is not None and job.arrival.fingerprint and office.journal.
                    source_status(job.arrival.fingerprint) is SourceStatus.RECORDED)
               for job in jobs]

    def ledger(result: store.RecordResult) -> None:
        crashpoints.reached("in-journal-transaction")
        for job in jobs:
            arrival = job.arrival
            if arrival.path is not None and arrival.fingerprint:
                office.journal.mark_source(arrival.fingerprint, name=arrival.name,
                                           status=SourceStatus.RECORDED, now=now)
            if job.mail is not None:
                job.entry = _mail_entry(office, job, result)
                office.journal.note_mail(job.entry, now=now)
                _say_where_attachments_are(office, job, result)

    every = [r for job in jobs for each in (job, *job.children) for r in each.records]
    (origin,) = {origin_of(job) for job in jobs}  # one origin: the rows say where they came from
    result = store.record(office, every, origin=origin, also=ledger)
    crashpoints.reached("after-journal-commit")
    opened = sorted({row.register for row in result.followups})
    credited: set[str] = set()  # a row stored once counts for the first job that brought it
    for job, was_resumed in zip(jobs, resumed, strict=True):
        job.opened = opened
        for each in (job, *job.children):
            mine = {r.fingerprint for r in each.records}
            accepted = {row.fingerprint for row in result.stored} & mine - credited
            credited |= accepted
            each.report.accepted = len(accepted)
            each.report.duplicates = len(mine) - len(accepted)
            each.stored = [row for row in result.stored if row.fingerprint in accepted]
            if each.report.verdict is None:
                each.report.verdict = Verdict.RECORDED
        if job.mail is not None:
            assert job.entry is not None
            job.report.record_id = job.entry.record_id
            if not job.report.accepted and not was_resumed:
                job.report.verdict = Verdict.DUPLICATE


def origin_of(job: Job) -> str:
    """What the journal's rows say they came from: ``imap:imap INBOX``, ``folder:…``."""
    return f"{job.arrival.source.value}:{job.arrival.place}"


def _mail_entry(office: Office, job: Job, result: store.RecordResult) -> MailEntry:
    from automation.pipeline import mail_steps

    mail = job.mail
    assert mail is not None and job.classification is not None
    register = job.classification.register or ""
    record_id = next((row.record_id for row in result.stored
                      if row.fingerprint == mail.fingerprint), "")
    known = office.journal.mail(mail.fingerprint)
    if not record_id:
        row = office.journal.row_by_fingerprint(mail.fingerprint)
        record_id = row.record_id if row else (known.record_id if known else "")
    entry = mail_steps.mail_entry(mail, job.arrival, status=MailStatus.RECORDED,
                                  register=register, record_id=record_id)
    return entry if known is None else MailEntry(
        entry.fingerprint, entry.status, entry.register, entry.record_id, known.replied,
        entry.place, entry.sender, entry.subject, entry.received)


def _say_where_attachments_are(office: Office, job: Job, result: store.RecordResult) -> None:
    """The mail's row, now that its id is known, names the folder its attachments are in."""
    from automation.pipeline import mail_steps

    assert job.mail is not None and job.classification is not None
    fingerprint = job.mail.fingerprint
    stored = next((row for row in result.stored if row.fingerprint == fingerprint), None)
    if stored is None or not job.children:
        return
    row = _with_attachment_notes(
        mail_steps.mail_row(office, job.mail, job.arrival, job.classification,
                            uses=_uses(job), record_id=stored.record_id), job.children)
    office.journal.amend_pending(stored.register, stored.record_id,
                                 {"notes": row.values.get("notes")})


def write(office: Office, job: Job) -> bool:
    registers = sorted({r.register for each in (job, *job.children) for r in each.records}
                       | set(job.opened))
    for each in (job, *job.children):  # in the journal now: the flush reads them from there
        each.records, each.stored = [], []
    try:
        flushed = store.flush(office, registers)
    except RegisterError as exc:  # the rows are safe in the journal: written once it is fixed
        log.error("%s: rows recorded, not written yet: %s", job.arrival.place, exc)
        reason = messages.register_unwritable(exc.register or ", ".join(registers), str(exc))
        office.journal.note_wait(exc.register or registers[0], reason, now=office.clock.now())
        job.report.waiting = reason
        return True
    job.report.waiting = "; ".join(flushed.waiting.values())
    return True


def letters(office: Office, job: Job) -> bool:
    outcomes = letter_queue.produce_pending(office)
    job.report.letters = [o.path for o in outcomes if o.path is not None]
    return True


BEFORE_RECORD: Final[tuple[Stage, ...]] = (guard, read, classify, enrich)
AFTER_GUARD: Final[tuple[Stage, ...]] = BEFORE_RECORD[1:]


def settle(office: Office, job: Job) -> None:
    """File the arrival away, send refused rows back, keep a mail's attachments, answer."""
    arrival, report = job.arrival, job.report
    inbox = office.config.inbox_dir
    if arrival.path is not None:
        _check_unchanged(arrival)  # changed since it was read: it is read again, whole
    for each in (job, *job.children):
        if each.intake is not None and each.intake.rejections:
            each.report.rejection_copy = rejection_copy(inbox, each.arrival.name, each.intake)
    if report.verdict is None:
        report.verdict = Verdict.RECORDED
    if job.entry is not None:
        from automation.pipeline import mail_steps

        if job.children:
            crashpoints.reached("before-attachments-kept")
        report.kept = mail_steps.keep_attachments(office, job.entry.record_id,
                                                  [child.arrival for child in job.children])
        if not job.entry.replied:
            report.answered = mail_steps.answer(
                office, job.mail, job.entry, mailbox=job.mailbox, pdfs=job.pdfs,
                again=report.verdict is Verdict.DUPLICATE, note=job.note_answer) \
                if job.mail else ""
    report.attachments = [child.report for child in job.children]
    if arrival.path is not None:
        crashpoints.reached("before-file-move")
    report.filed_to = file_arrival(inbox, arrival, report.verdict, note=job.note)
    if arrival.path is not None and arrival.fingerprint and report.verdict is Verdict.RECORDED:
        office.journal.mark_source(arrival.fingerprint, name=arrival.name,
                                   status=SourceStatus.FILED, now=office.clock.now(),
                                   detail=readable_path(report.filed_to or arrival.path))


def _check_unchanged(arrival: Arrival) -> None:
    path, stamp = arrival.path, arrival.stamp
    if path is None or stamp is None:
        return
    try:
        current = stamp_of(path)
    except OSError as exc:
        raise FileNotReady(f"{arrival.name}: no longer readable", path=path) from exc
    if current != stamp:
        raise FileNotReady(f"{arrival.name}: changed after it was read; read again",
                           path=path)

