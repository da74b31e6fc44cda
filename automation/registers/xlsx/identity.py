"""Which rows an append writes, under which id, and with which cells.

A row is already in the sheet when its id is there *and* the row holds what the tool would
write (:mod:`.present`): never guessed from an id alone. A row whose id a person gave another
row, or that lies at or under the sheet's highest id (a person numbered rows meanwhile), is
written under the next id above the highest, unless it is already there under such an id
(written so just before a crash). The row's values become cells in the office's list values;
a value with no column goes into the notes column, or into the row's Journal-sheet line.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Final

from automation.clock import paris_naive
from automation.records import CellValue, ChangeNote, StoredRow
from automation.registers.binding import RegisterBinding
from automation.registers.xlsx.locate import RegisterSheet
from automation.registers.xlsx.package import Package
from automation.registers.xlsx.present import holds

# Recorded in the Journal sheet line itself: never worth a « sans colonne » remark.
TRACE_FIELDS: Final = frozenset({"id", "source", "imported_at"})

Renumber = Callable[[StoredRow, int], str]  # (row, highest number in the sheet) -> new id


def sort_out(binding: RegisterBinding, package: Package, sheet: RegisterSheet,
             ids: Mapping[str, int], rows: Sequence[StoredRow], renumber: Renumber | None,
             *, highest_of: Callable[[int], int] | None = None,
             ) -> tuple[list[StoredRow], list[str], dict[str, str]]:
    """Rows to write (under their final id), ids already present, ids changed.

    A row whose id is in the sheet with the same content is present. One whose id a
    person gave another row, or lies at or under the highest id of the sheet (a person
    numbered rows meanwhile), is written under the next id above the highest — unless it
    is already there under such an id (written so before a crash).

    ``highest_of(year)`` gives the sheet's highest number when ``ids`` holds only some of
    its ids (those of ``rows`` and the ones above them, found by a streaming scan).
    """
    shared = package.shared_strings()
    skip = frozenset(sheet.calculated) | {sheet.layout.columns["id"]}
    date1904 = package.date1904()
    scheme = binding.id_scheme
    todo: dict[str, StoredRow] = {}
    present: list[str] = []
    moved: list[StoredRow] = []
    highest: dict[int | None, int] = {}  # per year: the highest number in the sheet
    for row in rows:
        if row.record_id in todo or row.record_id in present:
            continue
        line = ids.get(row.record_id)
        found = sheet.xml.row(line) if line is not None else None
        if found is not None and holds(sheet.xml, found, shared,
                                       row_cells(binding, sheet, row)[0], skip=skip,
                                       date1904=date1904):
            present.append(row.record_id)
            continue
        parsed = scheme.parse(row.record_id)
        if parsed is not None and parsed[0] not in highest:
            year = parsed[0] or 0
            highest[parsed[0]] = max(scheme.highest(ids, year),
                                     highest_of(year) if highest_of is not None else 0)
        overtaken = parsed is not None and parsed[1] <= highest[parsed[0]]
        if line is None and not overtaken:
            todo[row.record_id] = row
        else:
            moved.append(row)
    renamed: dict[str, str] = {}
    known = set(ids) | set(todo)
    for row in moved:
        earlier = _written_before(binding, sheet, row, ids, shared, skip, date1904)
        if earlier is not None:
            renamed[row.record_id] = earlier
            present.append(earlier)
            continue
        new_id = _free_id(binding, row, known, renumber, highest_of)
        known.add(new_id)
        renamed[row.record_id] = new_id
        todo[new_id] = replace(row, record_id=new_id,
                               values={**row.values, "id": new_id})
    return list(todo.values()), present, renamed


def _written_before(binding: RegisterBinding, sheet: RegisterSheet, row: StoredRow,
                    ids: Mapping[str, int], shared: Sequence[str], skip: frozenset[int],
                    date1904: bool) -> str | None:
    """The id above ``row``'s under which it was written already (then a crash)."""
    scheme = binding.id_scheme
    mine = scheme.parse(row.record_id)
    if mine is None:
        return None
    cells, _ = row_cells(binding, sheet, row)
    for other_id, line in ids.items():
        other = scheme.parse(other_id)
        if other is None or other[0] != mine[0] or other[1] <= mine[1]:
            continue
        found = sheet.xml.row(line)
        if found is not None and holds(sheet.xml, found, shared, cells, skip=skip,
                                       date1904=date1904):
            return other_id
    return None


def _free_id(binding: RegisterBinding, row: StoredRow, known: set[str],
             renumber: Renumber | None, highest_of: Callable[[int], int] | None) -> str:
    """The next id above every one ``known``: the caller's (the journal's) when it gives it."""
    scheme = binding.id_scheme
    parsed = scheme.parse(row.record_id)
    stamped = row.values.get("imported_at")
    year = (parsed[0] if parsed is not None and parsed[0] is not None
            else stamped.year if isinstance(stamped, date) else date.today().year)
    highest = max(scheme.highest(known, year),
                  highest_of(year) if highest_of is not None else 0)
    while True:
        new_id = renumber(row, highest) if renumber is not None else scheme.format(
            year, highest + 1)
        if new_id not in known:
            return new_id
        highest += 1


def renamed_notes(notes: Sequence[ChangeNote], present: Sequence[str],
                  renamed: Mapping[str, str]) -> list[ChangeNote]:
    """The Journal-sheet lines of the rows written: under their final id, saying why."""
    kept: list[ChangeNote] = []
    for note in notes:
        new_id = renamed.get(note.record_id)
        if new_id is not None and new_id not in present:
            kept.append(replace(note, record_id=new_id, detail=joined(
                note.detail, f"le N° {note.record_id} était déjà pris par une autre ligne "
                             f"du registre : enregistrée sous {new_id}")))
        elif new_id is None and note.record_id not in present:
            kept.append(note)
    return kept


def row_cells(binding: RegisterBinding, sheet: RegisterSheet,
              row: StoredRow) -> tuple[dict[int, CellValue], str]:
    """Column -> value for ``row`` (the office's list values), and what has no column."""
    columns = sheet.layout.columns
    cells: dict[int, CellValue] = {}
    unplaced: list[str] = []
    for key, value in row.values.items():
        if key in columns:
            cells[columns[key]] = binding.office_value(key, value)
        elif filled(value) and key not in TRACE_FIELDS and binding.schema.has(key):
            unplaced.append(f"{binding.header_of(key)} : {_shown(value)}")
    cells[columns["id"]] = row.record_id
    if not unplaced:
        return cells, ""
    if "notes" in columns:
        before = cells.get(columns["notes"])
        lines = [str(before)] if filled(before) else []
        cells[columns["notes"]] = "\n".join([*lines, *unplaced])
        return cells, ""
    return cells, "sans colonne dans ce registre : " + " ; ".join(unplaced)


def filled(value: CellValue) -> bool:
    return value is not None and str(value).strip() != ""


def _shown(value: CellValue) -> str:
    if isinstance(value, datetime):
        return f"{paris_naive(value):%d/%m/%Y %H:%M}"
    if isinstance(value, date):
        return f"{value:%d/%m/%Y}"
    return " ".join(str(value).split())


def joined(detail: str, more: str) -> str:
    return f"{detail} — {more}" if detail else more
