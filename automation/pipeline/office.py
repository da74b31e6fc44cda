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
from automation.intake.reader import Reader
from automation.intake.sandbox import shared_reader
from automation.registers.journal import Journal

LOCK_NAME: Final = ".automation.lock"
log = logging.getLogger(__name__)


@dataclass
class Office:
    config: Config
    journal: Journal
    clock: Clock
    reader: Reader = field(default_factory=shared_reader)  # reads files where a crash is harmless

    @property
    def backup_dir(self) -> Path:
        return self.config.registers_dir / ".backup"


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
