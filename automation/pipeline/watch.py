"""The watcher: the drop folder, plus the periodic work that finishes what waits."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from automation.intake.rejection import write_rejection_note
from automation.pipeline import letters, store
from automation.pipeline.files import FILED_FOLDERS, REJECTED, FileReport, file_away, ingest_file
from automation.pipeline.office import Office
from automation.registers.schema import DEFAULT_REGISTERS
from automation.sources.folder import MAIL_FOLDER, FolderWatcher

log = logging.getLogger(__name__)


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
                    watcher.step()
                now = time.monotonic()
                for job in self.periodic:
                    if now - job.last >= job.every:
                        job.last = now
                        try:
                            job.task()
                        except Exception:  # a failing task is retried at its next turn
                            log.exception("periodic task failed")
                self.stop.wait(self.tick)
        finally:
            for watcher in self.folders:
                watcher.stop()


def prepare_inbox(office: Office) -> None:
    """The inbox and its sub-folders: one per register, one for saved mails."""
    inbox = office.config.inbox_dir
    for name in (*(schema.key for schema in DEFAULT_REGISTERS), MAIL_FOLDER):
        (inbox / name).mkdir(parents=True, exist_ok=True)


def catch_up(office: Office) -> None:
    """Write rows that wait (a workbook was open, a crash) and letters still to produce."""
    store.flush(office)
    letters.produce_pending(office)


def run_watcher(office: Office, *, stop: threading.Event, once: bool = False,
                poll: float | None = None,
                on_report: Callable[[FileReport], None] | None = None) -> list[FileReport]:
    """Watch the inbox until ``stop`` is set (or, with ``once``, handle what is there)."""
    prepare_inbox(office)
    catch_up(office)
    reports: list[FileReport] = []
    watch = office.config.watch
    office.journal.set_state("watcher_started", office.clock.now().isoformat())

    def handle(path: Path) -> None:
        report = ingest_file(office, path)
        reports.append(report)
        office.journal.set_state("last_file", f"{office.clock.now().isoformat()} {path.name}")
        if on_report is not None:
            on_report(report)

    def give_up(path: Path, error: BaseException) -> None:
        if not path.exists():
            return
        target = file_away(office, path, REJECTED)
        write_rejection_note(
            target.with_name(target.name + ".LISEZ-MOI.txt"),
            "Ce fichier n'a pas pu être traité à la suite d'une erreur interne "
            f"({type(error).__name__}). Il a été mis de côté ici pour ne pas être perdu ; "
            "transmettez-le à la personne qui administre l'outil.")

    watcher = FolderWatcher(
        office.config.inbox_dir, handle=handle, give_up=give_up, skip=FILED_FOLDERS,
        settle=watch.settle_seconds, rescan=watch.rescan_seconds, retry=watch.retry_seconds,
        poll=watch.poll_seconds if poll is None else poll)
    if once:
        watcher.run_once()
    else:
        loop = WatchLoop(stop=stop, tick=0.25)
        loop.add_folder(watcher)
        loop.every(watch.retry_seconds, lambda: catch_up(office))
        loop.run()
    office.journal.set_state("watcher_stopped", office.clock.now().isoformat())
    return reports
