"""Several arrivals taken through the runner's stages together: a mailbox's mails, by group.

Each arrival goes through the same stages as in :func:`~automation.pipeline.runner.run`,
and what each stage costs once per *group* instead of once per mail is shared:

* guard → read → classify → enrich, one arrival after another (a mail left for a person is
  noted in the journal, all of them in one transaction), the mails parsed in one exchange
  with the reader (:func:`read_group`, which the caller may run ahead, in another thread);
* **record**: one journal transaction for every row of the group, its letters and its mail
  entries — the journal is synced once, and every row is safe before anything else happens;
* **letters**: the pass's letters written, recorded as prepared together;
* the answers' PDF copies made in one LibreOffice call (:func:`.mail_steps.pdf_copies`);
* **settle**: each arrival settled. Draft answers handed to a mailbox that finds its own
  drafts again (``finds_own_drafts``) are noted as given in one transaction once all are
  saved (:func:`note_answers`, which the caller runs when it likes: a mailbox cycle, once
  the next group went through): after a crash in between, the mails come again and the
  mailbox skips the drafts it already holds. A sent answer is noted as soon as it left, as
  :func:`run` does.

The rows are written to the workbooks by the caller (the mailbox cycle). An arrival that
raises is :class:`Failed`, and the others go on; a mailbox that fails (:class:`MailboxError`)
stops the group, as it stops a cycle.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, replace

from automation import crashpoints
from automation.arrival import Arrival, Form, Source
from automation.errors import MailboxError
from automation.intake.reader import MailRead
from automation.pipeline import letters as letter_queue
from automation.pipeline import mail_steps
from automation.pipeline.office import Office
from automation.pipeline.report import Report
from automation.pipeline.runner import (
    AFTER_GUARD,
    Job,
    MailboxMail,
    Stage,
    guard,
    origin_of,
    record_all,
    report_of,
    settle,
)
from automation.registers.journal import MailEntry
from automation.sources.mailbox import MailSource

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Failed:
    """An arrival of a group that raised: nothing after the failing stage ran for it."""

    report: Report
    error: Exception


@dataclass(frozen=True)
class Answers:
    """A group's draft answers, handed over to the mailbox: noted as given once it saved
    them (:func:`note_answers`)."""

    marks: tuple[tuple[MailSource, int], ...]  # each mailbox's hand-over mark after them
    entries: tuple[MailEntry, ...]  # the mails, replied by draft


@dataclass(frozen=True)
class GroupResult:
    outcomes: list[Report | Failed]  # one per arrival, in their order
    answers: Answers | None = None  # drafts to note as given; None: noted already


def run_group(office: Office, arrivals: Sequence[tuple[Arrival, MailboxMail | None]], *,
              parsed: Mapping[int, MailRead] | None = None) -> GroupResult:
    """Take ``arrivals`` through the stages together; one outcome each, in their order.
    ``parsed`` is :func:`read_group`'s answer when the caller read the mails beforehand.
    Draft answers a mailbox finds again are handed over and left to the caller to note
    (:attr:`GroupResult.answers`, :func:`note_answers`)."""
    jobs = [Job(arrival, report_of(arrival), mailbox) for arrival, mailbox in arrivals]
    failed: dict[int, Exception] = {}
    ended: set[int] = set()
    with office.journal.transaction():  # mails left for a person, noted together
        _each(office, jobs, (guard,), failed, ended)
        if parsed is None:
            parsed = read_group(office, [arrival for arrival, _ in arrivals])
        for index, mail in parsed.items():
            if index not in failed and index not in ended:
                jobs[index].parsed = mail
        _each(office, jobs, AFTER_GUARD, failed, ended)
    live = [i for i in range(len(jobs)) if i not in failed and i not in ended]
    failed.update(_record_together(office, [jobs[i] for i in live], live))
    recorded = [jobs[i] for i in live if i not in failed]
    try:
        outcomes = letter_queue.produce_pending(office) if recorded else []
    except Exception as exc:  # the letters stay pending in the journal: the next pass
        log.exception("letters of the pass not produced")
        failed.update((i, exc) for i in live if i not in failed)
        outcomes, recorded = [], []
    _give_letters(recorded, outcomes)
    to_settle = [(i, job) for i, job in enumerate(jobs) if i not in failed]
    pdfs = mail_steps.pdf_copies(office, [(job.mail, job.entry, job.mailbox)
                                          for _, job in to_settle
                                          if job.mail is not None and job.entry is not None])
    answers = None
    if _answers_noted_together(office, [job for _, job in to_settle]):
        for _, job in to_settle:
            job.note_answer = False
        with office.journal.transaction():
            _settle_each(office, to_settle, pdfs, failed)
        sources = {id(job.mailbox[0]): job.mailbox[0] for _, job in to_settle
                   if job.mailbox is not None}.values()
        answers = Answers(tuple((source, handed_over(source)) for source in sources), tuple(
            replace(job.entry, replied=job.report.answered) for _, job in to_settle
            if job.entry is not None and job.report.answered))
    else:
        _settle_each(office, to_settle, pdfs, failed)
    return GroupResult([Failed(job.report, failed[i]) if i in failed else job.report
                        for i, job in enumerate(jobs)], answers)


def wait_for_answers(answers: Answers) -> None:
    """Block until the mailbox saved the group's drafts; :class:`MailboxError` if it could
    not (or could not do something handed over before them)."""
    for source, mark in answers.marks:
        flush(source, mark)


def note_answers(office: Office, answers: Answers) -> None:
    """Once the mailbox saved a group's drafts (:func:`wait_for_answers`), note them as
    given, in one transaction. After a crash in between, the mails come again and the
    mailbox skips the drafts it already holds."""
    wait_for_answers(answers)  # the drafts are saved before they are noted as given
    with office.journal.transaction():
        now = office.clock.now()
        for entry in answers.entries:
            office.journal.note_mail(entry, now=now)
        crashpoints.reached("after-answers-saved")


def _each(office: Office, jobs: list[Job], stages: tuple[Stage, ...],
          failed: dict[int, Exception], ended: set[int]) -> None:
    """``stages`` for every job still going; a job that ends or raises goes no further."""
    for index, job in enumerate(jobs):
        if index in failed or index in ended:
            continue
        try:
            if not all(stage(office, job) for stage in stages):
                ended.add(index)
        except Exception as exc:  # noqa: BLE001 - one arrival's failure never stops the others
            failed[index] = exc


def read_group(office: Office, arrivals: Sequence[Arrival]) -> dict[int, MailRead]:
    """The group's mails parsed in one exchange with the reader, by index in ``arrivals``,
    for the read stage: those the guard lets through (a mailbox's mail is never filed
    before). A lone mail is left to the read stage. Safe in another thread than the
    pipeline's (the reader takes one read at a time): a mailbox cycle reads the next group
    while this one goes through the stages."""
    indexes = [index for index, arrival in enumerate(arrivals)
               if arrival.form is Form.MAIL and arrival.source is not Source.ATTACHMENT
               and arrival.data is not None and not arrival.refusal]
    if len(indexes) < 2:
        return {}
    mails = mail_steps.read_mails(office, [arrivals[index] for index in indexes])
    return dict(zip(indexes, mails, strict=True))


def _settle_each(office: Office, jobs: list[tuple[int, Job]], pdfs: mail_steps.Pdfs,
                 failed: dict[int, Exception]) -> None:
    for index, job in jobs:
        job.pdfs = pdfs
        try:
            settle(office, job)
        except MailboxError:
            raise
        except Exception as exc:  # noqa: BLE001 - said by the caller, the others go on
            failed[index] = exc


def flush(source: MailSource, mark: int | None = None) -> None:
    """Wait for what the mailbox was handed over (drafts, moves) — before ``mark`` (from
    :func:`handed_over`) when given — if it hands over."""
    wait = getattr(source, "flush", None)
    if callable(wait):
        wait() if mark is None else wait(mark)


def handed_over(source: MailSource) -> int:
    """The mailbox's mark after what it was handed over so far (0 if it hands nothing)."""
    mark = getattr(source, "handed_over", None)
    return int(mark()) if callable(mark) else 0


def handing_over(source: MailSource) -> AbstractContextManager[None]:
    """The mailbox's :meth:`~automation.sources.imap.ImapSource.handing_over`, if it has one."""
    over = getattr(source, "handing_over", None)
    return over() if callable(over) else nullcontext()


def _answers_noted_together(office: Office, jobs: list[Job]) -> bool:
    """Whether the group's answers are drafts saved where they are found again."""
    mailboxes = [job.mailbox for job in jobs if job.mail is not None]
    return bool(mailboxes) and all(
        mailbox is not None and getattr(mailbox[0], "finds_own_drafts", False)
        and office.config.letters.send_mode(mailbox=True) == "draft" for mailbox in mailboxes)


def _record_together(office: Office, jobs: list[Job],
                     indexes: list[int]) -> dict[int, Exception]:
    """Record ``jobs`` in one transaction per origin; when one fails, each of its jobs alone.
    The failures, by index."""
    failures: dict[int, Exception] = {}
    start = 0
    while start < len(jobs):
        end = start + 1
        while end < len(jobs) and origin_of(jobs[end]) == origin_of(jobs[start]):
            end += 1
        try:
            record_all(office, jobs[start:end])
        except Exception as exc:  # noqa: BLE001 - then each alone, to find which one fails
            if end - start == 1:
                failures[indexes[start]] = exc
            else:
                log.warning("%d mails could not be recorded together; each is recorded alone",
                            end - start)
                for index, job in zip(indexes[start:end], jobs[start:end], strict=True):
                    try:
                        record_all(office, [job])
                    except Exception as alone:  # noqa: BLE001 - said by the caller
                        failures[index] = alone
        start = end
    return failures


def _give_letters(jobs: list[Job], outcomes: list[letter_queue.LetterOutcome]) -> None:
    """Each job's report lists the letters of its rows; letters left from before go to the
    first."""
    owner = {(row.register, row.record_id): job for job in jobs for row in job.stored}
    for outcome in outcomes:
        if outcome.path is None:
            continue
        job = owner.get((outcome.job.register, outcome.job.record_id), jobs[0] if jobs else None)
        if job is not None:
            job.report.letters.append(outcome.path)
