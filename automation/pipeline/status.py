"""The office at a glance, read while the watcher runs: what it did last, what waits, what is late.

:func:`view_office` opens the journal without taking the office's process lock (the
journal is SQLite in WAL mode: reading beside the running watcher is safe), so that
``automation status`` answers while ``automation watch`` works.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from automation.clock import PARIS, SystemClock
from automation.config import load_config
from automation.errors import AutomationError
from automation.logs import LOG_FILE
from automation.pipeline import late
from automation.pipeline.housekeeping import OwnerNotice, owner_notices
from automation.pipeline.lock import OfficeLock
from automation.pipeline.office import Office
from automation.registers.journal import Journal, LetterJob, LetterStatus, Wait


@dataclass(frozen=True)
class OfficeStatus:
    busy: bool  # a watcher (or another command) holds the office now
    states: dict[str, str]  # journal state: watcher_started, last_file, last_mail, …
    rows: dict[str, int]  # register -> rows recorded by the tool
    pending_rows: dict[str, int]  # register -> rows waiting for the workbook
    waits: tuple[Wait, ...]
    cells_waiting: dict[str, int]  # register -> dates to write back
    failed_letters: tuple[LetterJob, ...]
    queued_letters: int
    late: int | None  # None when the registers could not be read
    late_error: str = ""
    owners: tuple[OwnerNotice, ...] = ()  # registers an owner file keeps open, who, since when
    log_file: Path | None = None  # where the watcher writes what it does
    prepared_letters: tuple[LetterJob, ...] = ()  # in outbox/, not sent yet


STATE_KEYS: tuple[str, ...] = (
    "watcher_started", "watcher_stopped", "last_file", "last_mail", "last_register",
    "register_error", "mailbox_error", "mailbox_since")


@contextmanager
def view_office(root: Path) -> Iterator[Office]:
    """The office for reading only: no process lock, the system clock."""
    config = load_config(root)
    with Journal(config.journal_path) as journal:
        yield Office(config=config, journal=journal, clock=SystemClock())


def is_busy(office: Office) -> bool:
    """True while another process (the watcher) holds the office folder."""
    return OfficeLock(office.config.registers_dir).held_elsewhere()


def office_status(office: Office, *, count_late: bool = True) -> OfficeStatus:
    journal = office.journal
    states = {key: value for key in STATE_KEYS if (value := journal.get_state(key) or "")}
    cells: dict[str, int] = {}
    for item in journal.writebacks():
        cells[item.register] = cells.get(item.register, 0) + 1
    late: int | None = None
    late_error = ""
    if count_late:
        try:
            late = late_count(office)
        except (AutomationError, OSError) as exc:  # an unreadable register hides nothing else
            late_error = str(exc)
    return OfficeStatus(
        busy=is_busy(office), states=states,
        rows={b.key: journal.count_rows(b.key) for b in office.config.bindings()},
        pending_rows=journal.pending_counts(), waits=tuple(journal.waits()),
        cells_waiting=cells,
        failed_letters=tuple(journal.letters(statuses=[LetterStatus.FAILED])),
        queued_letters=len(journal.letters(statuses=[LetterStatus.PENDING])),
        late=late, late_error=late_error,
        owners=tuple(owner_notices(office.config, now=office.clock.now())),
        log_file=office.config.logs_dir / LOG_FILE,
        prepared_letters=tuple(journal.letters(statuses=[LetterStatus.DONE])))


def late_count(office: Office) -> int:
    """How many items of the registers are late today (:mod:`.late`: counted again only
    when something it depends on changed since the last count)."""
    return late.late_count(office, now=office.clock.now().astimezone(PARIS))
