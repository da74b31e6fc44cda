"""Records → journal → workbooks: the durable path every accepted row takes.

1. :func:`record` gives each new record its id and keeps it in the journal, together with the
   letters it calls for, in one transaction (a duplicate fingerprint is recognised here). The
   records come completed (planning, seed 004) by the runner's enrich stage.
2. :func:`flush` writes each register's pending rows in one workbook write; a workbook open in
   Excel leaves them pending, and the next flush writes them. The writer skips ids already in
   the sheet, so a crash between the write and the journal update writes nothing twice.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from automation.clock import paris_naive
from automation.errors import RegisterLocked
from automation.pipeline.office import Office
from automation.pipeline.reactions import letters_called_for
from automation.pipeline.snapshots import remember_own_write
from automation.procedures.steps import StepLetter
from automation.records import CellValue, ChangeNote, Record, StoredRow
from automation.registers.binding import RegisterBinding
from automation.registers.schema import REGISTERS_BY_KEY
from automation.registers.workbook import create_register
from automation.registers.writer import RegisterWriter
from automation.registers.xlsx.appender import XmlAppender
from automation.surveys.followup import open_difficulties

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RecordResult:
    stored: tuple[StoredRow, ...]
    duplicates: tuple[Record, ...]
    followups: tuple[StoredRow, ...] = ()  # rows the new ones opened in other registers


@dataclass
class FlushResult:
    written: dict[str, int] = field(default_factory=dict)
    waiting: dict[str, str] = field(default_factory=dict)  # register -> why


def open_writer(office: Office, binding: RegisterBinding) -> RegisterWriter:
    """The writer of a register, creating the default workbook on first use."""
    if not binding.path.exists():
        create_register(binding, today=office.clock.now().date())
    return XmlAppender(binding, backup_dir=office.backup_dir,
                       backups_kept=office.config.registers.backups_kept)


def record(office: Office, records: Sequence[Record], *, origin: str,
           also: Callable[[RecordResult], None] | None = None) -> RecordResult:
    """Keep ``records`` in the journal with their ids and letters, in one transaction.

    ``also`` runs inside the same transaction with what was stored (the caller notes its
    source, its mail), so that a crash leaves either everything or nothing.
    """
    now = office.clock.now()
    year = now.year
    by_register: dict[str, list[Record]] = defaultdict(list)
    for item in records:
        by_register[item.register].append(_stamped(item, now_naive=paris_naive(now)))
    floors = {key: _floor(office, key, year) for key in by_register}
    stored: list[StoredRow] = []
    duplicates: list[Record] = []
    with office.journal.transaction():
        for key, items in by_register.items():
            schema = REGISTERS_BY_KEY[key]
            outcome = office.journal.record(items, prefix=schema.prefix, year=year,
                                            floor=floors[key], now=now, origin=origin)
            stored.extend(outcome.stored)
            duplicates.extend(outcome.duplicates)
            for row in outcome.stored:
                for letter in letters_for(row, office):
                    office.journal.queue_letter(
                        key, row.record_id, letter.kind.value, now=now,
                        date_field=letter.date_field, recipient_key=letter.recipient_key)
        # Low survey scores open a linked « Difficulté » (automation.surveys.followup).
        followups = open_difficulties(office, stored, now=now,
                                      floor=lambda: _floor(office, "reclamations", year))
        result = RecordResult(tuple(stored), tuple(duplicates), followups)
        if also is not None:
            also(result)
    return result


def letters_for(row: StoredRow, office: Office) -> list[StepLetter]:
    """The letters a newly recorded row calls for: the same rules as for a person's edit."""
    return letters_called_for(row.register, row.values,
                              acknowledge=office.config.letters.acknowledgment)


def flush(office: Office, registers: Sequence[str] | None = None) -> FlushResult:
    """Write every pending row to its workbook, one write per register."""
    result = FlushResult()
    pending = office.journal.pending_counts()
    for key in registers if registers is not None else sorted(pending):
        if not pending.get(key):
            continue
        rows = office.journal.pending(key)
        now = office.clock.now()
        notes = [ChangeNote(paris_naive(now), "Ajout", row.source, row.record_id, row.note)
                 for row in rows]
        binding = office.config.binding(key)
        try:
            outcome = open_writer(office, binding).append(rows, notes)
        except RegisterLocked as exc:
            reason = str(exc)
            office.journal.note_wait(key, reason, now=now)
            result.waiting[key] = reason
            log.warning("%s: %d row(s) wait: %s", key, len(rows), reason)
            continue
        landed = [*outcome.written, *outcome.already_present]
        office.journal.mark_written(key, landed, now=now)
        remember_own_write(office, binding, appended=landed)
        result.written[key] = len(outcome.written)
        log.info("%s: %d row(s) written to %s", key, len(outcome.written), binding.path.name)
    return result


def _stamped(item: Record, *, now_naive: datetime) -> Record:
    values: dict[str, CellValue] = dict(item.values)
    values["imported_at"] = now_naive
    values.setdefault("source", item.source)
    schema = REGISTERS_BY_KEY[item.register]
    if item.missing and schema.status_key == "status":
        values["status"] = "À compléter"
    return Record(item.register, values, item.fingerprint, item.source, item.missing, item.note)


def _floor(office: Office, key: str, year: int) -> int:
    """Highest id number already in the workbook, read once per register and year."""
    if office.journal.has_sequence(key, year):
        return 0
    binding = office.config.binding(key)
    if not binding.path.exists():
        return 0
    return open_writer(office, binding).highest_id(f"{binding.schema.prefix}-{year}-")
