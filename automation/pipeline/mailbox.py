"""The office mailbox: the configured source, one polling cycle, and the worker that runs it.

A cycle fetches what is new, turns each mail into an :class:`~automation.arrival.Arrival`
taken through the runner (:func:`ingest_mail_item`), marks a mail processed only once its row
is safe in the journal, writes the cycle's rows to the workbooks in one write per register,
and commits
the sync state only when every mail of the cycle was handled (otherwise the next cycle fetches
them again, and the journal's fingerprints keep them from being recorded twice). An outage is
retried with backoff; the drop folder keeps working meanwhile, and ``automation status`` says
since when the mailbox is unreachable.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final, Protocol, runtime_checkable

from automation.arrival import Arrival, Source
from automation.config import Config
from automation.errors import AutomationError, MailboxError, ToolUpdated
from automation.intake.mail import mail_fingerprint
from automation.intake.reader import MailRead
from automation.pipeline import store
from automation.pipeline.events import log_mail
from automation.pipeline.group import (
    Failed,
    GroupResult,
    handing_over,
    note_answers,
    read_group,
    run_group,
    wait_for_answers,
)
from automation.pipeline.office import Office
from automation.pipeline.report import Report
from automation.pipeline.runner import run
from automation.sources.mailbox import MailItem, MailSource

log = logging.getLogger(__name__)

FIRST_BACKOFF: Final = 5.0
MAX_BACKOFF: Final = 300.0
FLUSH_EVERY: Final = 200  # mails recorded between two workbook writes in a long first sync
GROUP: Final = 20  # mails taken through the runner together
STATE_ERROR: Final = "mailbox_error"
STATE_SINCE: Final = "mailbox_since"
STATE_LAST_MAIL: Final = "last_mail"


@runtime_checkable
class WaitsForMail(Protocol):
    def wait_for_mail(self, timeout: float) -> bool: ...


def mailbox_kind(config: Config) -> Source:
    """Where mail comes from: a mailbox kind, or :attr:`Source.FOLDER` (saved mails only)."""
    return Source(config.mail.mail.source)


def open_source(config: Config) -> MailSource | None:
    """The mailbox source the configuration names; None for ``folder`` (saved mails only).

    Each backend's client library (imapclient, exchangelib, msal) is imported here, by the
    office that uses it: a run without a mailbox never loads them.
    """
    mail = config.mail.mail
    kind = mailbox_kind(config)
    if kind is Source.IMAP:
        from automation.sources.imap import ImapSource

        return ImapSource.from_config(config.mail, state_dir=config.registers_dir)
    if kind is Source.EXCHANGE:
        from automation.sources.exchange import ExchangeSource

        return ExchangeSource.from_settings(config.exchange, state_dir=config.registers_dir,
                                            processed_folder=mail.processed_folder, mark=mail.mark)
    if kind is Source.GRAPH:
        from automation.sources.graph import GraphSource

        return GraphSource.from_settings(config.graph, state_dir=config.registers_dir,
                                         processed_folder=mail.processed_folder, mark=mail.mark)
    return None


def poll_seconds(config: Config) -> float:
    """How long the worker waits between two looks (IMAP's IDLE ends the wait early)."""
    if mailbox_kind(config) is Source.IMAP:
        return config.mail.imap.poll_seconds
    return config.watch.mail_poll_seconds


def mail_arrival(source: MailSource, item: MailItem) -> Arrival:
    """A mailbox's mail as an arrival: its bytes, known by its Message-ID."""
    return Arrival(source=Source(source.name), name=f"{item.key}.eml", data=item.raw,
                   size=len(item.raw), fingerprint=mail_fingerprint(item.message_id, item.raw),
                   place=f"{source.name} {item.folder}", folder=item.folder)


def ingest_mail_item(office: Office, source: MailSource, item: MailItem, *,
                     batch: bool = True) -> Report:
    """One mailbox mail through the runner (``batch``: its rows written by the cycle)."""
    return run(office, mail_arrival(source, item), mailbox=(source, item), batch=batch)


def poll_once(office: Office, source: MailSource, *,
              lock: threading.Lock | None = None) -> list[Report]:
    """Fetch and handle every new mail; raise :class:`MailboxError` on an outage.

    Mails go through the runner a group at a time (:func:`~.group.run_group`: one journal
    transaction for the group's rows, its letters in one pass, their PDF copies in one
    LibreOffice call); each is marked processed once its row is safe and its answer given.
    The next group is fetched and parsed while one goes through the runner, and a group's
    draft answers are saved while the next one goes through: they are noted as given, and
    the group's mails marked processed, once that one went through.
    """
    lock = lock or threading.Lock()
    reports: list[Report] = []
    complete = True
    written = 0
    with handing_over(source):  # drafts and moves done on the side while the next group goes
        done: _Done | None = None  # a group through the runner, its drafts being saved
        for group in _read_ahead(office, source, _groups(source.fetch_new())):
            if done is not None and _repeats(group, done):  # its answer noted first
                complete = _finish(office, source, done, lock, reports) and complete
                done = None
            ran = _run(office, source, group, lock)
            if done is not None:
                complete = _finish(office, source, done, lock, reports) and complete
            done = ran
            if len(reports) - written >= FLUSH_EVERY:
                written = len(reports)
                with lock:
                    store.flush(office)
        if done is not None:
            complete = _finish(office, source, done, lock, reports) and complete
        with lock:
            store.flush(office)  # the cycle's rows, one write per register, as the last move
    with lock:
        office.journal.clear_state(STATE_ERROR, STATE_SINCE)
    if complete:
        source.commit()
    return reports


@dataclass(frozen=True)
class _Group:
    """Mails of a cycle taken through the runner together, and their parsing under way."""

    items: list[MailItem]
    arrivals: list[Arrival]
    parsed: Future[dict[int, MailRead]]


@dataclass(frozen=True)
class _Done:
    """A group through the runner: its outcomes, and its draft answers being saved."""

    items: list[MailItem]
    fingerprints: frozenset[str]
    result: GroupResult


def _read_ahead(office: Office, source: MailSource,
                groups: Iterator[list[MailItem]]) -> Iterator[_Group]:
    """Each group, its mails already being parsed: the next group is fetched and handed to
    the reader (in a thread of its own) before this one is given out, so that the sandbox
    parses while the pipeline records, writes letters and answers."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="mail-reading") as reading:
        ahead: _Group | None = None
        for items in groups:
            arrivals = [mail_arrival(source, item) for item in items]
            group = _Group(items, arrivals, reading.submit(read_group, office, arrivals))
            if ahead is not None:
                yield ahead
            ahead = group
        if ahead is not None:
            yield ahead


def _run(office: Office, source: MailSource, group: _Group, lock: threading.Lock) -> _Done:
    """One group through the runner (its rows safe, its answers handed over)."""
    parsed = group.parsed.result()
    with lock:
        result = run_group(office, [(arrival, (source, item)) for arrival, item
                                    in zip(group.arrivals, group.items, strict=True)],
                           parsed=parsed)
    return _Done(group.items, frozenset(a.fingerprint for a in group.arrivals), result)


def _finish(office: Office, source: MailSource, done: _Done, lock: threading.Lock,
            reports: list[Report]) -> bool:
    """A group's answers noted as given once saved, then each mail marked processed; False
    when a mail could not be handled (it is fetched again next time)."""
    outcomes = done.result.outcomes
    answers = done.result.answers
    with lock:
        if answers is not None:
            wait_for_answers(answers)  # no journal transaction open while the mailbox works
        with office.journal.transaction():  # the answers and the last mail: one commit
            if answers is not None:
                note_answers(office, answers)
            handled = [o for o in outcomes if isinstance(o, Report)]
            if handled:
                office.journal.set_state(STATE_LAST_MAIL, f"{office.clock.now().isoformat()} "
                                                          f"{handled[-1].subject}")
    complete = True
    for item, outcome in zip(done.items, outcomes, strict=True):
        if isinstance(outcome, Failed):
            if isinstance(outcome.error, MailboxError | ToolUpdated):  # the cycle stops
                raise outcome.error
            log.error("%s: mail %s could not be handled", outcome.report.place, item.key,
                      exc_info=outcome.error)
            complete = False  # one bad mail never stops the others; it is fetched again
            continue
        if not outcome.left_for_a_person:
            source.mark_processed(item)
        log_mail(outcome)
        reports.append(outcome)
    return complete


def _repeats(group: _Group, done: _Done) -> bool:
    """Whether ``group`` holds a mail of ``done`` again (its Message-ID, else its bytes)."""
    return any(arrival.fingerprint in done.fingerprints for arrival in group.arrivals)


def _groups(items: Iterator[MailItem]) -> Iterator[list[MailItem]]:
    """Mails in groups of :data:`GROUP`, in the order fetched; a mail whose Message-ID is
    already in the group starts the next one (the second is then seen as a duplicate)."""
    group: list[MailItem] = []
    for item in items:
        if len(group) >= GROUP or (item.message_id and any(
                item.message_id == other.message_id for other in group)):
            yield group
            group = []
        group.append(item)
    if group:
        yield group


class MailboxWorker:
    """Runs :func:`poll_once` in its own thread until stopped; IDLE where the source has it.

    A tool updated under it (:class:`~automation.errors.ToolUpdated`) stops the watcher:
    :attr:`updated` says so, and the mails stay in the mailbox.
    """

    def __init__(self, office: Office, *, factory: Callable[[], MailSource],
                 lock: threading.Lock, stop: threading.Event, poll_seconds: float) -> None:
        self._office = office
        self._factory = factory
        self._lock = lock
        self._stop = stop
        self._poll = poll_seconds
        self._thread = threading.Thread(target=self._run, name="mailbox", daemon=True)
        self.updated: ToolUpdated | None = None

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float) -> None:
        self._thread.join(timeout)

    def run_once(self) -> None:
        """One cycle in the calling thread (``watch --once``); an outage is only recorded."""
        try:
            source = self._factory()
            try:
                poll_once(self._office, source, lock=self._lock)
            finally:
                _close(source)
        except ToolUpdated as exc:
            self.updated = exc
        except AutomationError as exc:
            self._outage(exc)

    def _run(self) -> None:
        source: MailSource | None = None
        backoff = FIRST_BACKOFF
        while not self._stop.is_set():
            try:
                source = source or self._factory()
                poll_once(self._office, source, lock=self._lock)
                backoff = FIRST_BACKOFF
                self._wait(source)
            except ToolUpdated as exc:  # nothing can be read until the watcher is restarted
                self.updated = exc
                self._stop.set()
            except AutomationError as exc:  # an outage, or a setting (password) to fix
                self._outage(exc)
                if source is not None:
                    _close(source)
                    source = None
                self._stop.wait(backoff)
                backoff = min(backoff * 2, MAX_BACKOFF)
        if source is not None:
            _close(source)

    def _wait(self, source: MailSource) -> None:
        if isinstance(source, WaitsForMail):
            source.wait_for_mail(timeout=self._poll)  # IDLE: returns as soon as mail arrives
        else:
            self._stop.wait(self._poll)

    def _outage(self, error: AutomationError) -> None:
        log.error("mailbox unreachable: %s (retrying with backoff)", error)
        with self._lock:
            journal = self._office.journal
            if journal.get_state(STATE_SINCE) is None:
                journal.set_state(STATE_SINCE, self._office.clock.now().isoformat())
            journal.set_state(STATE_ERROR, str(error))


def _close(source: MailSource) -> None:
    try:
        source.close()
    except MailboxError as exc:
        log.warning("closing the mailbox connection failed: %s", exc)
