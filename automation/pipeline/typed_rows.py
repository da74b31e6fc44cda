"""Rows a person typed straight into a register: numbered, then completed like intake's rows.

A row typed without an id gets one on the register watcher's next look, written into its
empty id cell in the office's own numbering (the journal's next number above the highest id
of the sheet and every id handed out). From then on it is a row like any other: compared,
acted on, counted in the deadlines. A cancellation or a dropout typed (or changed) by a person
is completed as intake completes one — the session from the planning, the cancellation's motive,
recoverable and billable cells, a dropout's training dates — in its empty cells only; a whole
session cancelled by the trainer or the organisation gets one row per participant.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from automation.clock import paris_naive
from automation.pipeline.office import Office
from automation.pipeline.store import open_writer, record
from automation.procedures.enrich import complete_row
from automation.procedures.planning import Planning, load_planning
from automation.records import CellValue, ChangeNote, Record
from automation.registers.binding import RegisterBinding
from automation.registers.journal import SeenFile
from automation.registers.reader import RegisterRead
from automation.registers.xlsx.replace import FileStamp

log = logging.getLogger(__name__)

NUMBERED: Final = "Numérotation"  # the Journal-sheet action of an id given to a typed row
COMPLETED: Final = "procédure"  # why a cell is filled back (not a letter)
COMPLETING: Final = frozenset({"annulations", "abandons"})


def number_typed_rows(office: Office, binding: RegisterBinding, read: RegisterRead,
                      seen: SeenFile) -> dict[int, str]:
    """Write an id into the empty id cell of every row typed without one; line -> id.

    Raises :class:`~automation.errors.RegisterLocked` when the workbook is open in Excel or
    was saved again since it was read: the ids are given at the next look.
    """
    if not read.without_id:
        return {}
    journal, scheme = office.journal, binding.id_scheme
    now = office.clock.now()
    year = paris_naive(now).year
    taken = scheme.highest(journal.taken_ids(binding.key), year)

    def allocate(highest: int) -> str:
        return journal.next_id(binding.sequence, scheme, year, max(highest, taken))

    def note(record_id: str, line: int) -> ChangeNote:
        return ChangeNote(paris_naive(now), NUMBERED, "automation", record_id,
                          f"ligne {line} saisie sans numéro : le n° {record_id} lui est donné")

    given = open_writer(office, binding).number_rows(
        [row.line for row in read.without_id], allocate, year=year, notes=note,
        expected=FileStamp(seen.size, seen.mtime_ns))
    if given:
        log.info("%s: %d typed row(s) numbered: %s", binding.path.name, len(given),
                 ", ".join(given.values()))
    return given


@dataclass
class Completions:
    """What the procedures add to typed or changed rows: cells to fill, rows to add."""

    fills: dict[str, dict[str, CellValue]] = field(default_factory=dict)  # id -> field -> value
    participants: list[Record] = field(default_factory=list)
    expanded: set[str] = field(default_factory=set)  # typed rows replaced by participants' rows


def complete_rows(office: Office, binding: RegisterBinding,
                  rows: Mapping[str, Mapping[str, CellValue]], *, typed: Sequence[str],
                  planning: Planning | None = None) -> Completions:
    """The completion of ``rows`` (id -> values) from the planning, the cancellation motives and
    the dropout procedure; ``typed`` are new rows."""
    done = Completions()
    if binding.key not in COMPLETING or not rows:
        return done
    planning = planning if planning is not None else load_planning(office.config)
    policy = office.config.cancellations
    columns = set(binding.expected_fields)
    for rid, values in rows.items():
        completion = complete_row(binding.key, values, planning, policy)
        fills = {k: v for k, v in completion.fills.items() if k in columns and k in values}
        if fills:
            done.fills[rid] = fills
            log.info("%s %s: %s", binding.key, rid, completion.note or "completed")
        if rid in typed and completion.participants:
            done.expanded.add(rid)
            done.participants.extend(
                Record(binding.key, participant, _fingerprint(binding.key, rid, participant),
                       f"{binding.path.name}, ligne saisie {rid}",
                       note=f"participant de la session annulée saisie en {rid}")
                for participant in completion.participants)
    return done


def keep_completions(office: Office, binding: RegisterBinding, done: Completions) -> None:
    """Queue the fills (empty cells only, at the next write-back) and record the new rows."""
    now = office.clock.now()
    if done.fills:
        with office.journal.transaction():
            for rid, fills in done.fills.items():
                for name, value in fills.items():
                    office.journal.queue_writeback(binding.key, rid, name, value,
                                                   reason=COMPLETED, now=now)
    if done.participants:
        record(office, done.participants, origin=f"register:{binding.path.name}")


def _fingerprint(register: str, record_id: str, values: Mapping[str, CellValue]) -> str:
    who = str(values.get("email") or values.get("person") or "").casefold()
    return hashlib.sha256(f"typed|{register}|{record_id}|{who}".encode()).hexdigest()
