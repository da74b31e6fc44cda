"""An open office folder: its configuration, its journal, its clock, and the process lock."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from filelock import FileLock, Timeout

from automation.clock import Clock, SystemClock
from automation.config import Config, load_config
from automation.errors import OfficeBusy
from automation.procedures.planning import REGISTER as PLANNING
from automation.procedures.planning import Planning, load_planning
from automation.registers.journal import Journal

LOCK_NAME: Final = ".automation.lock"
log = logging.getLogger(__name__)


@dataclass
class Office:
    config: Config
    journal: Journal
    clock: Clock
    _planning: tuple[tuple[int, int] | None, Planning] | None = field(
        default=None, init=False, repr=False)

    @property
    def backup_dir(self) -> Path:
        return self.config.registers_dir / ".backup"

    def planning(self) -> Planning:
        """The office's planning, read again only when its workbook changed."""
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
    lock = FileLock(config.registers_dir / LOCK_NAME)
    try:
        lock.acquire(timeout=wait_seconds)
    except Timeout as exc:
        raise OfficeBusy(
            f"another automation process is already working on {config.root} "
            f"(lock file {lock.lock_file}); stop it first") from exc
    try:
        with Journal(config.journal_path) as journal:
            yield Office(config=config, journal=journal, clock=clock or SystemClock())
    finally:
        lock.release()
