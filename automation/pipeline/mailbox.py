"""The office mailbox: the configured source, one polling cycle, and the worker that runs it.

A cycle fetches what is new, handles each mail through
:func:`~automation.pipeline.mail.ingest_mail`, marks a mail processed only once its row is safe
in the journal, writes the cycle's rows to the workbooks in one write per register, and commits
the sync state only when every mail of the cycle was handled (otherwise the next cycle fetches
them again, and the journal's fingerprints keep them from being recorded twice). An outage is
retried with backoff; the drop folder keeps working meanwhile, and ``automation status`` says
since when the mailbox is unreachable.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Final, Protocol, runtime_checkable

from automation.config import Config
from automation.errors import AutomationError, MailboxError
from automation.pipeline import store
from automation.pipeline.events import log_mail
from automation.pipeline.mail import MailReport, ingest_mail
from automation.pipeline.office import Office
from automation.sources.exchange import ExchangeSource
from automation.sources.graph import GraphSource
from automation.sources.imap import ImapSource
from automation.sources.mailbox import MailSource

log = logging.getLogger(__name__)

FIRST_BACKOFF: Final = 5.0
MAX_BACKOFF: Final = 300.0
FLUSH_EVERY: Final = 200  # mails recorded between two workbook writes in a long first sync
STATE_ERROR: Final = "mailbox_error"
STATE_SINCE: Final = "mailbox_since"
STATE_LAST_MAIL: Final = "last_mail"


@runtime_checkable
class WaitsForMail(Protocol):
    def wait_for_mail(self, timeout: float) -> bool: ...


def open_source(config: Config) -> MailSource | None:
    """The mailbox source the configuration names; None for ``folder`` (saved mails only)."""
    mail = config.mail.mail
    if mail.source == "imap":
        return ImapSource.from_config(config.mail, state_dir=config.registers_dir)
    if mail.source == "exchange":
        return ExchangeSource.from_settings(config.exchange, state_dir=config.registers_dir,
                                            processed_folder=mail.processed_folder, mark=mail.mark)
    if mail.source == "graph":
        return GraphSource.from_settings(config.graph, state_dir=config.registers_dir,
                                         processed_folder=mail.processed_folder, mark=mail.mark)
    return None


def poll_seconds(config: Config) -> float:
    """How long the worker waits between two looks (IMAP's IDLE ends the wait early)."""
    if config.mail.mail.source == "imap":
        return config.mail.imap.poll_seconds
    return config.watch.mail_poll_seconds


def poll_once(office: Office, source: MailSource, *,
              lock: threading.Lock | None = None) -> list[MailReport]:
    """Fetch and handle every new mail; raise :class:`MailboxError` on an outage."""
    lock = lock or threading.Lock()
    reports: list[MailReport] = []
    complete = True
    for item in source.fetch_new():
        place = f"{source.name} {item.folder}"
        with lock:
            try:
                report = ingest_mail(office, item, place=place, source=source, flush=False)
            except MailboxError:
                raise
            except Exception:  # one bad mail never stops the others; it is fetched again
                log.exception("%s: mail %s could not be handled", place, item.key)
                complete = False
                continue
            office.journal.set_state(STATE_LAST_MAIL,
                                     f"{office.clock.now().isoformat()} {report.subject}")
        if not report.left_for_a_person:
            source.mark_processed(item)
        log_mail(report)
        reports.append(report)
        if len(reports) % FLUSH_EVERY == 0:
            with lock:
                store.flush(office)
    with lock:
        store.flush(office)  # the rows of the cycle, one workbook write per register
        office.journal.clear_state(STATE_ERROR, STATE_SINCE)
    if complete:
        source.commit()
    return reports


class MailboxWorker:
    """Runs :func:`poll_once` in its own thread until stopped; IDLE where the source has it."""

    def __init__(self, office: Office, *, factory: Callable[[], MailSource],
                 lock: threading.Lock, stop: threading.Event, poll_seconds: float) -> None:
        self._office = office
        self._factory = factory
        self._lock = lock
        self._stop = stop
        self._poll = poll_seconds
        self._thread = threading.Thread(target=self._run, name="mailbox", daemon=True)

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
