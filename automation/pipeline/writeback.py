"""Write back into a register what the tool owes it: letter dates, and the journal of changes.

For each register, one :meth:`~automation.registers.writer.RegisterWriter.update` fills the
cells queued in the journal (the date a letter was sent, and the status it moves the row
to) — only cells that are empty, or a status earlier in the procedure, never over what a
person typed — and adds to the workbook's ``Journal`` sheet one line per
change not yet listed there (a person's edits, the tool's own fills). A workbook open in
Excel raises :class:`~automation.errors.RegisterLocked`: everything waits in the journal and
the next call writes it. The cells written are then taken in as seen, so that the watcher
does not react to the tool's own write.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from automation.deadlines.rules import filled, is_value
from automation.errors import RegisterError, RegisterLocked
from automation.letters.catalog import LetterKind, replaceable_statuses
from automation.letters.context import display
from automation.pipeline.office import Office
from automation.pipeline.register_watch import EDITED, REMOVED, TYPED
from automation.pipeline.snapshots import remember_own_write
from automation.pipeline.store import open_writer
from automation.pipeline.typed_rows import COMPLETED
from automation.records import CellValue, ChangeNote
from automation.registers.binding import RegisterBinding
from automation.registers.journal import Change, ChangeEntry, WriteBack

log = logging.getLogger(__name__)

FILLED: Final = "Mise à jour"  # the tool filled an empty cell
TOOL_AUTHOR: Final = "automation"
SHOWN: Final = 120  # characters of a value quoted in the Journal sheet


@dataclass
class WriteBackResult:
    filled: dict[str, int] = field(default_factory=dict)  # register -> cells written
    noted: dict[str, int] = field(default_factory=dict)  # register -> changes listed
    waiting: dict[str, str] = field(default_factory=dict)  # register -> why (open in Excel)
    failed: dict[str, str] = field(default_factory=dict)  # register -> error


def write_back(office: Office, registers: Sequence[str] | None = None) -> WriteBackResult:
    """Fill the cells and list the changes the journal holds for ``registers`` (default: all)."""
    result = WriteBackResult()
    for key in registers if registers is not None else office.journal.registers_to_write():
        if not office.config.binding_exists(key):
            continue
        try:
            _write_register(office, office.config.binding(key), result)
        except RegisterError as exc:  # one register that cannot be written stops no other
            result.failed[key] = str(exc)
            log.error("%s: dates and changes not written: %s", key, exc)
    return result


def _write_register(office: Office, binding: RegisterBinding, result: WriteBackResult) -> None:
    journal, key = office.journal, binding.key
    if not binding.path.exists():
        return
    known = journal.snapshot(key)
    not_yet_written = {row.record_id for row in journal.pending(key)}
    cells: dict[str, dict[str, CellValue]] = defaultdict(dict)
    reasons: dict[tuple[str, str], str] = {}
    kept: list[tuple[str, str]] = []
    moves: dict[str, dict[str, tuple[str, ...]]] = defaultdict(dict)
    for item in journal.writebacks(key):
        if item.record_id in not_yet_written:
            continue  # the row itself waits for the workbook
        seen = known.get(item.record_id)
        replaceable = status_move(binding, item)
        if seen is not None and (item.field not in seen or (
                filled(seen.get(item.field))
                and not is_value(seen, item.field, *replaceable))):
            kept.append((item.record_id, item.field))  # a person's value stays; no such column
            continue
        cells[item.record_id][item.field] = item.value
        reasons[item.record_id, item.field] = item.reason
        if replaceable:
            moves[item.record_id][item.field] = replaceable
    changes = journal.changes(register=key, unnoted=True)
    if kept:
        journal.drop_writebacks(key, kept)
    if not cells and not changes:
        return
    now = office.clock.now()
    notes = [*_change_notes(binding, changes),
             *(_fill_note(binding, rid, name, value, reasons[rid, name], now)
               for rid, values in cells.items() for name, value in values.items())]
    try:
        outcome = open_writer(office, binding).update(cells, notes, overwrite=False,
                                                      replace=moves)
    except RegisterLocked as exc:
        journal.note_wait(key, str(exc), now=now)
        result.waiting[key] = str(exc)
        log.warning("%s: %d cell(s) and %d change(s) wait: %s", key,
                    sum(len(v) for v in cells.values()), len(changes), exc)
        return
    entries = [ChangeEntry(key, rid, FILLED, name, None, cells[rid][name], TOOL_AUTHOR)
               for rid, names in outcome.changed.items() for name in names]
    for rid in outcome.missing_ids:
        log.warning("%s: row %s is no longer in %s; its dates are not written", key, rid,
                    binding.path.name)
    with journal.transaction():
        journal.drop_writebacks(key, [(rid, name) for rid, values in cells.items()
                                      for name in values])
        journal.add_changes(entries, now=now, noted=True)
        journal.mark_noted([change.id for change in changes], now=now)
        if not journal.pending_counts().get(key):
            journal.clear_wait(key)
    result.filled[key] = len(entries)
    result.noted[key] = len(changes)
    log.info("%s: %d date(s) written back, %d change(s) listed in its Journal sheet", key,
             len(entries), len(changes))
    remember_own_write(office, binding, written=outcome.changed)


def status_move(binding: RegisterBinding, item: WriteBack) -> tuple[str, ...]:
    """The statuses a status queued by a sent letter may replace (those before it in the
    register's list); () for any other cell, which is filled only when empty."""
    if item.field != binding.schema.status_key or not isinstance(item.value, str):
        return ()
    try:
        LetterKind(item.reason)
    except ValueError:
        return ()
    return replaceable_statuses(binding.key, item.value)


def _change_notes(binding: RegisterBinding, changes: Sequence[Change]) -> list[ChangeNote]:
    """One Journal-sheet line per row and save: every field a person changed in it."""
    grouped: dict[tuple[str, str, str, str], list[Change]] = defaultdict(list)
    for change in changes:
        entry = change.entry
        grouped[change.at, entry.record_id, entry.action, entry.author].append(change)
    notes: list[ChangeNote] = []
    for (at, rid, action, author), group in grouped.items():
        if action == TYPED:
            detail = "ligne saisie dans le classeur"
        elif action == REMOVED:
            detail = "ligne retirée du classeur"
        elif action == EDITED:
            detail = " ; ".join(
                f"{_header(binding, c.entry.field)} : « {_shown(c.entry.old)} » → "
                f"« {_shown(c.entry.new)} »" for c in group)
        else:
            detail = " ; ".join(f"{_header(binding, c.entry.field)} : « {_shown(c.entry.new)} »"
                                if c.entry.field else _shown(c.entry.new) for c in group)
        source = author or "auteur inconnu"
        notes.append(ChangeNote(datetime.fromisoformat(at), action, source, rid, detail))
    return notes


def _fill_note(binding: RegisterBinding, record_id: str, name: str, value: CellValue,
               reason: str, now: datetime) -> ChangeNote:
    try:
        why = f" (courrier « {LetterKind(reason).label} » envoyé)"
    except ValueError:
        why = (" (complété d'après le planning et les règles)" if reason == COMPLETED
               else f" ({reason})" if reason else "")
    return ChangeNote(now, FILLED, TOOL_AUTHOR, record_id,
                      f"{_header(binding, name)} : « {_shown(value)} »{why}")


def _header(binding: RegisterBinding, name: str) -> str:
    try:
        return binding.header_of(name)
    except KeyError:
        return name


def _shown(value: CellValue) -> str:
    text = display(value)
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"
