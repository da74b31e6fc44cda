"""The watcher: the drop folder, the registers people edit, and the periodic work.

One :class:`WatchLoop` drives two folder watchers — ``inbox/`` (files dropped) and
``registers/`` (a person saved a register: :mod:`automation.pipeline.register_watch`) — and
the periodic tasks: write what waits for a closed workbook, produce the letters still to
produce, refresh the dashboard and send the daily digests (:mod:`.reminders`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from automation.arrival import Source
from automation.errors import AutomationError, FileNotReady, RegisterError, ToolUpdated
from automation.heap import give_back
from automation.pipeline.events import log_file
from automation.pipeline.files import ingest_file
from automation.pipeline.filing import FILED_FOLDERS, give_up_file
from automation.pipeline.followup import TemplateFixes, catch_up, follow_up
from automation.pipeline.inbox import prepare_inbox
from automation.pipeline.mailbox import MailboxWorker, mailbox_kind, open_source, poll_seconds
from automation.pipeline.office import Office
from automation.pipeline.register_watch import binding_at, look_at_register
from automation.pipeline.reminders import Reminders, Send
from automation.pipeline.report import Report
from automation.pipeline.sent import sent_folder_watcher
from automation.pipeline.sent_mail import check_sent_mail, watches_sent_mail
from automation.sources.folder import FolderWatcher
from automation.sources.mailbox import MailSource
from automation.surveys.tick import tick as survey_tick

log = logging.getLogger(__name__)

DASHBOARD_EVERY: Final = 600.0  # seconds between two refreshes of the dashboard
REGISTER_SKIP: Final = frozenset({".backup"})


@dataclass
class _Periodic:
    every: float
    task: Callable[[], None]
    last: float = 0.0


@dataclass
class WatchLoop:
    """One thread drives every folder watcher and periodic task, so work never overlaps.

    A periodic task that fails is logged and tried at its next turn; it never stops the loop.
    """

    stop: threading.Event
    tick: float = 0.25
    folders: list[FolderWatcher] = field(default_factory=list)
    periodic: list[_Periodic] = field(default_factory=list)
    # Held during each turn of work: another thread sharing the office (the mailbox worker)
    # takes it too, so that the journal and the workbooks are used by one thread at a time.
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add_folder(self, watcher: FolderWatcher) -> None:
        self.folders.append(watcher)

    def every(self, seconds: float, task: Callable[[], None]) -> None:
        self.periodic.append(_Periodic(seconds, task, time.monotonic()))

    def run(self) -> None:
        for watcher in self.folders:
            watcher.start()
        try:
            while not self.stop.is_set():
                for watcher in self.folders:
                    with self.lock:
                        watcher.step()
                now = time.monotonic()
                for job in self.periodic:
                    if now - job.last >= job.every:
                        job.last = now
                        try:
                            with self.lock:
                                job.task()
                        except Exception:  # a failing task is retried at its next turn
                            log.exception("periodic task failed")
                self.stop.wait(self.tick)
        finally:
            for watcher in self.folders:
                watcher.stop()


def register_watcher(office: Office, *, poll: float, fixes: TemplateFixes | None = None,
                     reminders: Reminders | None = None) -> FolderWatcher:
    """The watcher of ``registers/``: a saved register is compared and acted on."""
    watch = office.config.watch

    def handle(path: Path) -> None:
        binding = binding_at(office, path)
        if binding is None:
            return  # the dashboard, or another file that is not a register
        try:
            report = look_at_register(office, binding)
        except RegisterError as exc:  # half copied, or not readable now: try again later
            office.journal.set_state("register_error", f"{path.name}: {exc}")
            raise FileNotReady(str(exc)) from exc
        finally:
            give_back()  # the rows it compared
        office.journal.clear_state("register_error")
        if report is None or not report.anything:
            return
        office.journal.set_state("last_register", f"{office.clock.now().isoformat()} "
                                                  f"{path.name}")
        _safely(lambda: follow_up(office, fixes=fixes), "letters after a register change")
        if reminders is not None:
            reminders.want()

    def give_up(path: Path, error: BaseException) -> None:
        office.journal.set_state("register_error", f"{path.name}: {error}")
        log.error("%s: given up for now, looked at again at the next rescan: %s", path.name,
                  error)

    return FolderWatcher(
        office.config.registers_dir, handle=handle, give_up=give_up, skip=REGISTER_SKIP,
        settle=watch.settle_seconds, rescan=watch.rescan_seconds, retry=watch.retry_seconds,
        poll=poll)


def _safely(task: Callable[[], object], what: str) -> None:
    """Run ``task``; a failure is logged and the periodic turn tries again."""
    try:
        task()
    except AutomationError as exc:
        log.warning("%s: %s (tried again later)", what, exc)
    except Exception:  # never let one failure stop the watcher
        log.exception("%s failed (tried again later)", what)


def _source(office: Office) -> MailSource:
    source = open_source(office.config)
    assert source is not None  # only called when a mailbox is configured
    return source


def run_watcher(office: Office, *, stop: threading.Event, once: bool = False,
                poll: float | None = None,
                on_report: Callable[[Report], None] | None = None,
                send_digest: Send | None = None,
                dashboard_every: float = DASHBOARD_EVERY,
                lock: threading.Lock | None = None) -> list[Report]:
    """Watch the inbox and the registers until ``stop`` is set (``once``: handle what is there).

    ``send_digest`` sends a mail (the SMTP sender); without it no digest leaves, the
    dashboard is still refreshed. ``lock`` is shared with any other thread working on the
    office (the mailbox worker): each turn of the watcher's work holds it.
    Raises :class:`~automation.errors.ToolUpdated` once stopped when the tool was updated
    under it: the files and mails left wait for the next start.
    """
    lock = lock or threading.Lock()
    prepare_inbox(office)
    fixes = TemplateFixes()
    reminders = Reminders(office, send=send_digest)
    with lock:
        _safely(lambda: catch_up(office, retry_failed=True, fixes=fixes), "catching up")
    reports: list[Report] = []
    watch = office.config.watch
    poll = watch.poll_seconds if poll is None else poll
    office.journal.set_state("watcher_started", office.clock.now().isoformat())

    updated: list[ToolUpdated] = []

    def handle(path: Path) -> None:
        try:
            report = ingest_file(office, path)
        except ToolUpdated as exc:  # the file waits; the watcher stops to be started again
            updated.append(exc)
            stop.set()
            raise FileNotReady(str(exc), path=path) from exc
        log_file(report)
        reports.append(report)
        office.journal.set_state("last_file", f"{office.clock.now().isoformat()} {report.name}")
        if on_report is not None:
            on_report(report)
        _safely(lambda: follow_up(office, fixes=fixes), "dates of the letters produced")
        reminders.want()
        give_back()  # what the file's stages let go of goes back to the system

    def give_up(path: Path, error: BaseException) -> None:
        if not path.exists() and not path.is_symlink():
            return
        log.error("%s: given up after repeated failures: %s", path.name, error)
        give_up_file(office, path, error)

    watcher = FolderWatcher(
        office.config.inbox_dir, handle=handle, give_up=give_up, skip=FILED_FOLDERS,
        settle=watch.settle_seconds, rescan=watch.rescan_seconds, retry=watch.retry_seconds,
        poll=poll, incomplete=watch.incomplete_seconds)
    registers = register_watcher(office, poll=poll, fixes=fixes, reminders=reminders)
    # Letters sent: filed in outbox/envoyés/, or drafts a person sent (pipeline.sent*).
    filed = sent_folder_watcher(office, poll=poll)
    mailbox = mailbox_kind(office.config) is not Source.FOLDER
    if once:
        with lock:
            watcher.run_once()
            registers.run_once()
            filed.run_once()
            _safely(lambda: check_sent_mail(office), "letters sent from the mailbox")
        worker = None
        if mailbox:
            worker = MailboxWorker(office, factory=lambda: _source(office), lock=lock,
                                   stop=stop, poll_seconds=0)
            worker.run_once()
        with lock:
            _safely(lambda: survey_tick(office), "surveys")
            _safely(reminders.tick, "dashboard")
    else:
        def busy() -> bool:  # files or register saves noticed, not yet handled
            return bool(watcher.waiting() or registers.waiting())

        def refresh() -> None:  # gives way to the stop and to arriving files, made again later
            if reminders.tick(interrupted=lambda: stop.is_set() or busy()) is None:
                reminders.want()
            give_back()  # what reading the registers took goes back to the system

        def refresh_after_files() -> None:
            if reminders.refresh_if_wanted(busy=busy, stopping=stop.is_set):
                give_back()

        loop = WatchLoop(stop=stop, tick=0.25, lock=lock)
        loop.add_folder(watcher)
        loop.add_folder(registers)
        loop.add_folder(filed)
        if watches_sent_mail(office):
            loop.every(office.config.mail.imap.poll_seconds,
                       lambda: _safely(lambda: check_sent_mail(office),
                                       "letters sent from the mailbox"))
        loop.every(watch.retry_seconds, lambda: catch_up(office, fixes=fixes))
        loop.every(dashboard_every, lambda: _safely(refresh, "dashboard"))
        # After files or register changes: once the inbox has nothing more waiting.
        loop.every(0.0, lambda: _safely(refresh_after_files, "dashboard after a file"))
        # Survey invitations and reminders due (automation.surveys.tick).
        loop.every(dashboard_every, lambda: _safely(lambda: survey_tick(office), "surveys"))
        with lock:
            _safely(refresh, "dashboard")
        worker = None
        if mailbox:  # its own thread: an IDLE wait or an outage never holds up the folders
            worker = MailboxWorker(office, factory=lambda: _source(office), lock=lock, stop=stop,
                                   poll_seconds=poll_seconds(office.config))
            worker.start()
        loop.run()
        if worker is not None:
            worker.join(timeout=10)
    office.journal.set_state("watcher_stopped", office.clock.now().isoformat())
    if worker is not None and worker.updated is not None:
        updated.append(worker.updated)
    if updated:
        raise updated[0]
    return reports
