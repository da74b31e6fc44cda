"""An open office folder: its configuration, its journal, its clock, and the process lock.

Once the lock is held (:mod:`automation.pipeline.lock`), the temporary files a crash left are
removed (:func:`automation.pipeline.housekeeping.remove_leftovers`): no other process of the
tool can be writing them then.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

from automation.clock import Clock, SystemClock
from automation.config import Config, load_config
from automation.errors import OfficeBusy
from automation.pipeline.housekeeping import remove_leftovers
from automation.pipeline.lock import LOCK_NAME, OfficeLock
from automation.registers.journal import Journal

if TYPE_CHECKING:
    from automation.intake.classify import Classifier
    from automation.intake.mail import ParsedMail
    from automation.intake.reader import (
        HeadRequest,
        MailBatch,
        MailRead,
        MailRequest,
        Reader,
        SheetRequest,
    )
    from automation.intake.tables import SpreadsheetIntake, Table
    from automation.procedures.planning import Planning

__all__ = ["LOCK_NAME", "Office", "open_office"]
LOCK_POLL: Final = 0.1  # seconds between two tries while waiting for the lock
log = logging.getLogger(__name__)


class SharedReader:
    """The process's sandbox reader (:func:`automation.intake.sandbox.shared_reader`), loaded
    on the first read: an office opened to look at it (``automation status``) reads no
    arrival, and need not import the spreadsheet and mail readers."""

    def _reader(self) -> Reader:
        from automation.intake.sandbox import shared_reader

        return shared_reader()

    def spreadsheet(self, request: SheetRequest) -> SpreadsheetIntake:
        return self._reader().spreadsheet(request)

    def first_rows(self, request: HeadRequest) -> list[Table]:
        return self._reader().first_rows(request)

    def mail(self, request: MailRequest) -> ParsedMail:
        return self._reader().mail(request)

    def mails(self, batch: MailBatch) -> list[MailRead]:
        return self._reader().mails(batch)


@dataclass
class Office:
    config: Config
    journal: Journal
    clock: Clock
    reader: Reader = field(default_factory=SharedReader)  # reads files where a crash is harmless
    _planning: tuple[tuple[int, int] | None, Planning] | None = field(
        default=None, init=False, repr=False)
    _classifier: Classifier | None = field(default=None, init=False, repr=False)

    def classifier(self) -> Classifier:
        """The configuration's mail rules, compiled once."""
        from automation.intake.classify import Classifier

        if self._classifier is None:
            self._classifier = Classifier.from_config(self.config.mail)
        return self._classifier

    @property
    def backup_dir(self) -> Path:
        return self.config.registers_dir / ".backup"

    def planning(self) -> Planning:
        """The office's planning, read again only when its workbook changed."""
        from automation.procedures.planning import REGISTER as PLANNING
        from automation.procedures.planning import load_planning

        path = self.config.binding(PLANNING).path
        try:
            status = path.stat()
            stamp: tuple[int, int] | None = (status.st_size, status.st_mtime_ns)
        except OSError:
            stamp = None
        if self._planning is None or self._planning[0] != stamp:
            self._planning = (stamp, load_planning(self.config))
        return self._planning[1]


@contextmanager
def open_office(root: Path, *, clock: Clock | None = None, wait_seconds: float = 0.0,
                config: Config | None = None) -> Iterator[Office]:
    """Open ``root`` for work; only one process at a time may hold it.

    Two watchers started by mistake on one folder would both import the same files; the
    second one stops here with :class:`OfficeBusy`.
    """
    config = config or load_config(root)
    config.registers_dir.mkdir(parents=True, exist_ok=True)
    lock = OfficeLock(config.registers_dir)
    deadline = time.monotonic() + wait_seconds
    while not lock.acquire():
        if time.monotonic() >= deadline:
            raise OfficeBusy(
                f"un autre processus d'automation travaille déjà sur {config.root} (la "
                "surveillance, ou une autre commande) : arrêtez-le d'abord, ou attendez qu'il "
                "ait fini (automation status dit s'il est en marche)")
        time.sleep(LOCK_POLL)
    try:
        remove_leftovers(config)
        with Journal(config.journal_path) as journal:
            yield Office(config=config, journal=journal, clock=clock or SystemClock())
    finally:
        lock.release()
