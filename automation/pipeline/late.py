"""How many items of the registers are late today, counted once per state of the office.

Counting reads every register; ``automation status``, which offices run from a scheduler,
asks for it each time, and the watcher's dashboard refresh counts it anyway
(:func:`~automation.pipeline.deadlines.due_now`). The count is kept in the journal beside
what it depends on — the day, the deadlines, surveys and improvement settings, each
register's file (where, how it is read, its size and time), the letters prepared but not sent
and the survey mails — and given again only while all of that is the same. Anything else,
and the registers are read and counted again, the same list as ``automation due``'s
(:mod:`.due_list`).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Final

from automation.deadlines.due import DueItem, DueStatus
from automation.pipeline.due_list import Unsent, due_list, read_registers, rows_of
from automation.pipeline.office import Office
from automation.pipeline.sent import unsent_steps

STATE: Final = "late_count"  # journal state: "<what it was counted from> <count>"


def late_count(office: Office, *, now: datetime) -> int:
    """The late items of ``automation due`` at ``now`` (the dashboard is not rewritten)."""
    unsent = unsent_steps(office)
    basis = counted_from(office, now=now, unsent=unsent)
    kept, _, count = (office.journal.get_state(STATE) or "").partition(" ")
    if kept == basis and count.isdigit():
        return int(count)
    reads = read_registers(office)
    return late_among(due_list(office, reads, rows_of(reads), now=now, unsent=unsent))


def late_among(items: Sequence[DueItem]) -> int:
    return sum(1 for item in items if item.status is DueStatus.LATE)


def counted_from(office: Office, *, now: datetime, unsent: Unsent) -> str:
    """A digest of what the count depends on; taken before the registers are read, so that
    a register saved during the count makes it stale."""
    config = office.config
    files = []
    for binding in config.bindings():
        try:
            status = binding.path.stat()
            stamp: tuple[int, int] | None = (status.st_size, status.st_mtime_ns)
        except OSError:
            stamp = None
        files.append((binding.key, str(binding.path.absolute()), binding.sheet,
                      sorted(binding.columns.items()), binding.adopted, stamp))
    basis = repr((now.date().isoformat(), config.deadlines, config.surveys, config.improvement,
                  files, sorted((key, sorted(steps)) for key, steps in unsent.items()),
                  office.journal.survey_mails()))
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()


def remember_late(office: Office, basis: str, count: int) -> None:
    """Keep ``count``, counted from ``basis`` (:func:`counted_from`)."""
    office.journal.set_state(STATE, f"{basis} {count}")
