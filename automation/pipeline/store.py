"""Records → journal → workbooks: the durable path every accepted row takes.

1. :func:`record` gives each new record its id and keeps it in the journal, together with the
   letters it calls for, in one transaction (a duplicate fingerprint is recognised here). The
   records come completed (planning, cancellation motives) by the runner's enrich stage.
2. :func:`flush` writes each register's pending rows in one workbook write; a workbook open in
   Excel (or a column whose header a person renamed beyond recognition) leaves them pending,
   with the reason, and the next flush writes them. The writer recognises rows already in the
   sheet by their content, so a crash between the write and the journal update writes nothing
   twice; a row whose id a person typed meanwhile for another row is written under the next
   free id, and the journal follows it (:mod:`automation.registers.ids`).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Final

from automation.clock import paris_naive
from automation.errors import RegisterError
from automation.heap import give_back
from automation.improvement.opening import open_actions
from automation.pipeline.office import Office
from automation.pipeline.reactions import letters_called_for
from automation.pipeline.snapshots import remember_own_write
from automation.procedures.steps import StepLetter
from automation.records import CellValue, ChangeNote, Record, StoredRow
from automation.registers.binding import RegisterBinding
from automation.registers.schema import REGISTERS_BY_KEY
from automation.registers.writer import AppendResult, RegisterWriter
from automation.registers.xlsx.appender import XmlAppender
from automation.surveys.followup import open_difficulties

log = logging.getLogger(__name__)

MEMO_STATE: Final = "scan-memo:"  # + register key: the memo of its last streamed append


@dataclass(frozen=True)
class RecordResult:
    stored: tuple[StoredRow, ...]
    duplicates: tuple[Record, ...]
    followups: tuple[StoredRow, ...] = ()  # rows the new ones opened in other registers


@dataclass
class FlushResult:
    written: dict[str, int] = field(default_factory=dict)
    waiting: dict[str, str] = field(default_factory=dict)  # register -> why
    renamed: dict[str, str] = field(default_factory=dict)  # journal id -> id in the workbook


def open_writer(office: Office, binding: RegisterBinding) -> RegisterWriter:
    """The writer of a register, creating the default workbook on first use."""
    if not binding.path.exists():
        from automation.registers.workbook import create_register  # openpyxl, for a new file

        create_register(binding, today=office.clock.now().date())
    return XmlAppender(binding, backup_dir=office.backup_dir,
                       backups_kept=office.config.registers.backups_kept,
                       memos=JournalMemos(office))


@dataclass(frozen=True)
class JournalMemos:
    """The registers' scan memos (:mod:`automation.registers.xlsx.memo`), in the journal."""

    office: Office

    def recall(self, register: str) -> str | None:
        return self.office.journal.get_state(f"{MEMO_STATE}{register}")

    def remember(self, register: str, memo: str | None) -> None:
        if memo is None:
            self.office.journal.clear_state(f"{MEMO_STATE}{register}")
        else:
            self.office.journal.set_state(f"{MEMO_STATE}{register}", memo)


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
        by_register[item.register].append(item)
    stamped = partial(_stamped_values, now_naive=paris_naive(now))
    floors = {key: _floor(office, key, year) for key in by_register}
    stored: list[StoredRow] = []
    duplicates: list[Record] = []
    with office.journal.transaction():
        for key, items in by_register.items():
            binding = office.config.binding(key)
            outcome = office.journal.record(items, scheme=binding.id_scheme, year=year,
                                            floor=floors[key], now=now, origin=origin,
                                            sequence=binding.sequence, values_of=stamped)
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
        # Corrective actions and validated dropouts open an action (automation.improvement).
        followups += open_actions(office, [*stored, *followups], now=now,
                                  floor=lambda: _floor(office, "actions", year))
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
        now = office.clock.now()
        binding = office.config.binding(key)
        give_back()  # what the stages before let go of: the write starts from what is held
        try:
            outcome = _append_pending(office, binding, now)
        except RegisterError as exc:  # open in Excel, a header lost: the rows wait
            reason = str(exc)
            office.journal.note_wait(key, reason, now=now)
            result.waiting[key] = reason
            log.warning("%s: %d row(s) wait: %s", key, pending[key], reason)
            continue
        for old, new in outcome.renamed.items():
            office.journal.rename_row(key, old, new)
            log.warning("%s: %s was taken by another row of %s; the row is %s there", key, old,
                        binding.path.name, new)
        result.renamed.update(outcome.renamed)
        landed = [*outcome.written, *outcome.already_present]
        office.journal.mark_written(key, landed, now=now)
        give_back()  # the rows given to the writer and its pieces, before the read-back
        remember_own_write(office, binding, appended=landed, result=outcome)
        result.written[key] = len(outcome.written)
        log.info("%s: %d row(s) written to %s", key, len(outcome.written), binding.path.name)
    return result


def _append_pending(office: Office, binding: RegisterBinding, now: datetime) -> AppendResult:
    """The register's pending rows appended; they are let go when this returns, before the
    caller reads back what was written."""
    rows = office.journal.pending(binding.key)
    notes = [ChangeNote(paris_naive(now), "Ajout", row.source, row.record_id, row.note)
             for row in rows]
    return open_writer(office, binding).append(rows, notes,
                                               renumber=renumbering(office, binding))


def _stamped_values(item: Record, *, now_naive: datetime) -> dict[str, CellValue]:
    """The values ``item`` is kept with: when it came in, from where, and « À compléter »
    when intake found it incomplete (made as the journal stores it: one copy a row)."""
    values: dict[str, CellValue] = dict(item.values)
    values["imported_at"] = now_naive
    values.setdefault("source", item.source)
    schema = REGISTERS_BY_KEY[item.register]
    if item.missing and schema.status_key == "status":
        values["status"] = "À compléter"
    return values


def renumbering(office: Office, binding: RegisterBinding) -> Callable[[StoredRow, int], str]:
    """The writer's way to a free id: the journal's next number above the sheet's highest."""
    scheme = binding.id_scheme

    def renumber(row: StoredRow, highest: int) -> str:
        parsed = scheme.parse(row.record_id)
        year = parsed[0] if parsed and parsed[0] is not None else office.clock.now().year
        return office.journal.next_id(binding.sequence, scheme, year, highest)

    return renumber


def _floor(office: Office, key: str, year: int) -> int:
    """Highest id number already taken: in the workbook (read once per register and year),
    and among the ids the register watcher saw there since."""
    binding = office.config.binding(key)
    scheme = binding.id_scheme
    seen = scheme.highest(office.journal.taken_ids(key), year)
    if office.journal.has_sequence(binding.sequence, scheme.period(year)):
        return seen
    if not binding.path.exists():
        return seen
    return max(seen, open_writer(office, binding).highest_id(year))
