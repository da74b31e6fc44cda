"""Appending to an office's own workbook at the XML level, leaving the rest of it as it was.

openpyxl's load-and-save drops what it does not model (x14 cross-sheet dropdowns, shapes,
slicers, extension lists). :class:`XmlAppender` instead edits the package: the register's
sheet part (new rows spliced in above any totals row, ranges grown: :mod:`.splice`), its
table parts, the ``Journal`` sheet when there is one, ``styles.xml`` only when a new cell
needs a format variant, ``workbook.xml`` to ask for a recalculation on open and to grow a
print area, and another sheet only when one of its formulas points at the moved rows. Every
other member of the zip is copied unchanged. See :mod:`automation.registers.writer` for the
contract.

Every write reads the sheet afresh: its header (a renamed header is matched again), its ids
(the highest one continues the office's numbering; an id a person typed meanwhile is never
reused), its last data row and its totals row — the middle rows of a sheet unchanged since
the tool's own append passed over with the memo kept then (:mod:`.memo`, in ``memos``), and
so are the middle lines of its ``Journal`` sheet.
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from functools import partial
from pathlib import Path

from automation.errors import RegisterError, RegisterLocked
from automation.records import CellValue, ChangeNote, StoredRow
from automation.registers.binding import RegisterBinding
from automation.registers.writer import AppendResult, UpdateResult
from automation.registers.xlsx.cells import CellWriter
from automation.registers.xlsx.formulas import column_letters
from automation.registers.xlsx.identity import (
    Renumber,
    filled,
    joined,
    renamed_notes,
    row_cells,
    sort_out,
)
from automation.registers.xlsx.journal_scan import JOURNAL_HEADERS
from automation.registers.xlsx.locate import (
    JOURNAL_SHEET,
    RegisterSheet,
    locate,
    missing_columns_error,
)
from automation.registers.xlsx.memo import JOURNAL_MEMO, MemoStore, ScanMemo
from automation.registers.xlsx.package import Package, PackageError, parse_xml, write_package
from automation.registers.xlsx.readback import read_back, read_written
from automation.registers.xlsx.recalc import ask_recalculation
from automation.registers.xlsx.replace import (
    FileStamp,
    check_not_locked,
    check_zip,
    file_stamp,
    replace_atomically,
)
from automation.registers.xlsx.rows import find_layout, merge_row
from automation.registers.xlsx.scan import SketchTooShort, scan_register
from automation.registers.xlsx.sheet import Edit, RowXml, SheetXml
from automation.registers.xlsx.splice import data_end, read_tables, splice_rows
from automation.registers.xlsx.streamed import (
    StreamedAppend,
    StreamedPart,
    Unstreamable,
    journal_rows,
    plan_streamed,
    write_streamed,
)
from automation.registers.xlsx.styles import StyleBook
from automation.text import fold

log = logging.getLogger(__name__)


class XmlAppender:
    """The :class:`~automation.registers.writer.RegisterWriter` of every register workbook."""

    def __init__(self, binding: RegisterBinding, *, backup_dir: Path,
                 backups_kept: int = 30, streaming: bool = True,
                 memos: MemoStore | None = None) -> None:
        self.binding = binding
        self.memos = memos
        # False: every append reads the sheet part whole (the path a sketch falls back on).
        self.streaming = streaming
        self.path = binding.path
        self.backup_dir = backup_dir
        self.backups_kept = backups_kept

    # -- the contract -------------------------------------------------------------------------

    def highest_id(self, year: int) -> int:
        with self._open() as package:
            try:
                return scan_register(package, package.archive, self.binding).ids.highest(year)
            except SketchTooShort:
                sheet = self._sheet(package, [])
                return self.binding.id_scheme.highest(self._ids(package, sheet), year)

    def append(self, rows: Sequence[StoredRow], notes: Sequence[ChangeNote], *,
               renumber: Renumber | None = None) -> AppendResult:
        check_not_locked(self.path)
        stamp = self._stamp()
        if not self.streaming:
            return self._append_whole(rows, notes, renumber, stamp)
        try:
            with self._open(spool_strings=True) as package:
                styles = self._styles(package)
                memo, journal_memo = self._memos()
                planned = plan_streamed(self.binding, package, styles, rows, notes, renumber,
                                        memo=memo, journal_memo=journal_memo)
                if planned.streamed or planned.replaced:
                    if styles.changed and styles.part:
                        planned.replaced[styles.part] = styles.render()
                    ask_recalculation(package, planned.replaced)
        except Unstreamable as exc:
            log.debug("%s: appended reading the whole sheet: %s", self.path.name, exc)
            return self._append_whole(rows, notes, renumber, stamp)
        if not planned.streamed and not planned.replaced:
            return AppendResult(planned.written, planned.present, planned.renamed)
        written_as = self._replace(planned.replaced, stamp, streamed=planned.streamed,
                                   planned=planned)
        planned.streamed.clear()  # written: the new rows' pieces are let go before the read-back
        planned.replaced.clear()
        return AppendResult(planned.written, planned.present, planned.renamed,
                            read_from=stamp, written_as=written_as,
                            read_back=partial(self._read_back, planned), only=planned.only)

    def _memos(self) -> tuple[ScanMemo | None, ScanMemo | None]:
        """The memos of the tool's last write: of the register's sheet, of its Journal's."""
        if self.memos is None:
            return None, None
        key = self.binding.key
        return (ScanMemo.load(self.memos.recall(key)),
                ScanMemo.load(self.memos.recall(key + JOURNAL_MEMO)))

    def _read_back(self, planned: StreamedAppend) -> dict[str, dict[str, CellValue]] | None:
        if planned.only:  # the sheet holds its header and the new rows alone
            return read_written(self.binding)
        if planned.extracted is None:
            return None
        # Handed over, not kept: read_back lets the bytes go before it reads the rows.
        return read_back(self.binding, planned.part, planned.take_extracted(),
                         self.backup_dir, strings=planned.strings_part)

    def _append_whole(self, rows: Sequence[StoredRow], notes: Sequence[ChangeNote],
                      renumber: Renumber | None, stamp: FileStamp) -> AppendResult:
        """The append reading the sheet part whole, for what a sketch cannot decide."""
        with self._open() as package:
            sheet = self._sheet(package, [row.values for row in rows])
            ids = self._ids(package, sheet)
            todo, present, renamed = sort_out(self.binding, package, sheet, ids, rows, renumber)
            notes = renamed_notes(notes, present, renamed)
            if not todo and not notes:
                return AppendResult((), tuple(present), renamed)
            styles = self._styles(package)
            writer = CellWriter(styles, prefix=sheet.xml.prefix, date1904=package.date1904())
            replaced: dict[str, bytes] = {}
            if todo:
                values: list[dict[int, CellValue]] = []
                for row in todo:
                    cells, unplaced = row_cells(self.binding, sheet, row)
                    values.append(cells)
                    if unplaced:
                        notes = [replace(n, detail=joined(n.detail, unplaced))
                                 if n.record_id == row.record_id else n for n in notes]
                forced = frozenset({sheet.layout.columns["id"]})
                replaced.update(splice_rows(package, sheet, values, writer,
                                            forced=forced).parts)
            self._journal(package, notes, styles, replaced)
            if not replaced:
                return AppendResult((), tuple(present), renamed)
            if styles.changed and styles.part:
                replaced[styles.part] = styles.render()
            ask_recalculation(package, replaced)
        self._replace(replaced, stamp)
        return AppendResult(tuple(r.record_id for r in todo), tuple(present), renamed)

    def update(
        self,
        values_by_id: Mapping[str, Mapping[str, CellValue]],
        notes: Sequence[ChangeNote],
        *,
        overwrite: bool = False,
        replace: Mapping[str, Mapping[str, Collection[str]]] | None = None,
    ) -> UpdateResult:
        check_not_locked(self.path)
        stamp = self._stamp()
        changed: dict[str, tuple[str, ...]] = {}
        kept: dict[str, tuple[str, ...]] = {}
        missing: list[str] = []
        with self._open() as package:
            sheet = self._sheet(package, list(values_by_id.values()))
            rows_by_id = self._ids(package, sheet)
            shared = package.shared_strings()
            styles = self._styles(package)
            writer = CellWriter(styles, prefix=sheet.xml.prefix, date1904=package.date1904())
            edits: list[Edit] = []
            for record_id, values in values_by_id.items():
                row = sheet.xml.row(rows_by_id.get(record_id, 0))
                if row is None:
                    missing.append(record_id)
                    continue
                edit, done, left = self._fill(sheet, row, values, shared, writer,
                                              overwrite=overwrite,
                                              replace=(replace or {}).get(record_id, {}))
                if edit is not None:
                    edits.append(edit)
                if done:
                    changed[record_id] = done
                if left:
                    kept[record_id] = left
            if not edits and not notes:
                return UpdateResult(changed, kept, tuple(missing))
            replaced: dict[str, bytes] = {}
            if edits:
                sheet.xml.check(edits)
                replaced[sheet.part] = sheet.xml.apply(edits)
            self._journal(package, notes, styles, replaced)
            if not replaced:
                return UpdateResult(changed, kept, tuple(missing))
            if styles.changed and styles.part:
                replaced[styles.part] = styles.render()
            ask_recalculation(package, replaced)
        self._replace(replaced, stamp)
        return UpdateResult(changed, kept, tuple(missing))

    def number_rows(self, lines: Sequence[int], allocate: Callable[[int], str], *, year: int,
                    notes: Callable[[str, int], ChangeNote] | None = None,
                    expected: FileStamp | None = None) -> dict[int, str]:
        """Give the rows at ``lines`` that have no id one, in their empty id cell.

        ``allocate(highest)`` returns the next id given the highest number in the sheet for
        ``year``; ``notes(id, line)`` the Journal-sheet line of each. ``expected`` is the file
        as it was read (a person's later save means the lines may be others: nothing is
        written, :class:`~automation.errors.RegisterLocked` is raised). Returns line -> id.
        """
        check_not_locked(self.path)
        stamp = self._stamp()
        if expected is not None and stamp != expected:
            raise RegisterLocked(f"{self.path.name} a changé depuis sa lecture ; les numéros "
                                 "seront donnés au prochain passage", register=self.binding.key,
                                 path=self.path)
        with self._open() as package:
            sheet = self._sheet(package, [])
            shared = package.shared_strings()
            ids = self._ids(package, sheet)
            highest = self.binding.id_scheme.highest(ids, year)
            styles = self._styles(package)
            writer = CellWriter(styles, prefix=sheet.xml.prefix, date1904=package.date1904())
            id_col = sheet.layout.columns["id"]
            edits: list[Edit] = []
            given: dict[int, str] = {}
            for line in sorted(set(lines)):
                row = sheet.xml.row(line)
                if row is None or line <= sheet.layout.header_row:
                    continue
                current = {c.col: c for c in sheet.xml.cells(row)}
                here = current.get(id_col)
                if here is not None and (here.has_formula or here.text(shared).strip()):
                    continue  # someone gave it one meanwhile
                record_id = allocate(highest)
                highest = max(highest, self.binding.id_scheme.highest([record_id], year))
                style = here.style if here is not None else sheet.xml.column_style(id_col)
                cell = writer.value(f"{column_letters(id_col)}{line}", record_id, style)
                edits.append(Edit(row.start, row.end,
                                  merge_row(sheet.xml, row, {id_col: cell}, writer)))
                given[line] = record_id
            if not edits:
                return {}
            sheet.xml.check(edits)
            replaced = {sheet.part: sheet.xml.apply(edits)}
            lines_notes = [notes(rid, line) for line, rid in given.items()] if notes else []
            self._journal(package, lines_notes, styles, replaced)
            if styles.changed and styles.part:
                replaced[styles.part] = styles.render()
        self._replace(replaced, stamp)
        return given

    # -- deciding what to write --------------------------------------------------------------

    def _sheet(self, package: Package, values: Sequence[Mapping[str, CellValue]]) -> RegisterSheet:
        """The register's sheet; rows wait when a column they have a value for is lost."""
        sheet = locate(package, self.binding)
        read_tables(package, sheet)
        needed = [k for k in sheet.missing if any(filled(v.get(k)) for v in values)]
        if needed:
            raise missing_columns_error(self.binding, sheet, needed)
        return sheet

    def _fill(self, sheet: RegisterSheet, row: RowXml, values: Mapping[str, CellValue],
              shared: Sequence[str], writer: CellWriter, *, overwrite: bool,
              replace: Mapping[str, Collection[str]],
              ) -> tuple[Edit | None, tuple[str, ...], tuple[str, ...]]:
        """The edit filling ``row`` with ``values``; the fields written; the fields kept.

        A filled cell is written only with ``overwrite``, or when ``replace`` lists its
        current text for that field (case and accents ignored; in the office's own list
        values as well as ours).
        """
        current = {c.col: c for c in sheet.xml.cells(row)}
        new: dict[int, bytes] = {}
        done: list[str] = []
        left: list[str] = []
        for key, value in values.items():
            col = sheet.layout.columns.get(key)
            if col is None or key == "id" or value is None:
                continue  # not in their workbook, or nothing to write
            here = current.get(col)
            text = here.text(shared).strip() if here is not None else ""
            replaceable = key in replace and fold(text) in {
                fold(str(v)) for each in replace[key]
                for v in (each, self.binding.office_value(key, each))}
            if here is not None and (here.has_formula
                                     or (text and not overwrite and not replaceable)):
                left.append(key)
                continue
            if here is not None:
                style = here.style
            elif row.attrs.get("customFormat") in {"1", "true"}:
                style = row.attrs.get("s")
            else:
                style = sheet.xml.column_style(col)
            new[col] = writer.value(f"{column_letters(col)}{row.number}",
                                    self.binding.office_value(key, value), style)
            done.append(key)
        edit = Edit(row.start, row.end, merge_row(sheet.xml, row, new, writer)) if new else None
        return edit, tuple(done), tuple(left)

    # -- reading ------------------------------------------------------------------------------

    def _stamp(self) -> FileStamp:
        try:
            return file_stamp(self.path)
        except OSError as exc:
            raise RegisterError(f"{self.path} cannot be read: {exc}", register=self.binding.key,
                                path=self.path) from exc

    @contextmanager
    def _open(self, *, spool_strings: bool = False) -> Iterator[Package]:
        try:
            with Package(self.path, spool_strings=spool_strings) as package:
                yield package
        except PackageError as exc:
            raise RegisterError(f"{self.path}: {exc}", register=self.binding.key,
                                path=self.path) from exc
        except PermissionError as exc:
            raise RegisterError(f"{self.path} cannot be read: {exc}", register=self.binding.key,
                                path=self.path) from exc

    def _ids(self, package: Package, sheet: RegisterSheet) -> dict[str, int]:
        """Register id -> row number, for every id in the id column between header and totals."""
        shared = package.shared_strings()
        footer = data_end(package, sheet).footer
        ids: dict[str, int] = {}
        for number, text in sheet.xml.column(sheet.layout.columns["id"], shared):
            if number <= sheet.layout.header_row or (footer is not None and number >= footer):
                continue
            if text.strip():
                ids.setdefault(text.strip(), number)
        return ids

    def _styles(self, package: Package) -> StyleBook:
        parts = package.related(package.workbook_part, "styles")
        if not parts:
            return StyleBook(None, None)
        return StyleBook(package.read(parts[0]), parts[0])

    # -- writing ------------------------------------------------------------------------------

    def _journal(self, package: Package, notes: Sequence[ChangeNote], styles: StyleBook,
                 replaced: dict[str, bytes]) -> None:
        """Add ``notes`` to the ``Journal`` sheet, when the workbook has one."""
        if not notes:
            return
        part = package.sheet_part(JOURNAL_SHEET)
        if part is None:
            return
        xml = SheetXml(package.read(part), part)
        layout = find_layout(xml, package.shared_strings(), JOURNAL_HEADERS)
        if layout is None or not {"when", "action"} <= set(layout.columns):
            return
        rows = journal_rows(notes, layout)
        writer = CellWriter(styles, prefix=xml.prefix, date1904=package.date1904())
        journal = RegisterSheet(part, JOURNAL_SHEET, xml, layout)
        replaced.update(splice_rows(package, journal, rows, writer, register=False).parts)

    def _replace(self, replaced: Mapping[str, bytes], stamp: FileStamp, *,
                 streamed: Mapping[str, StreamedPart] | None = None,
                 planned: StreamedAppend | None = None) -> FileStamp | None:
        """Replace the workbook; the new file's size and time (None if it changed since).
        ``planned``: the streamed append whose memo is kept once the file is in place."""
        written: list[FileStamp] = []
        memos: list[dict[str, ScanMemo | None]] = []
        def write(temporary: Path) -> None:
            try:
                if streamed:
                    write_streamed(self.path, temporary, replaced, streamed)
                else:
                    write_package(self.path, temporary, replaced)
            except (PackageError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
                raise RegisterError(f"{self.path}: {exc}", register=self.binding.key,
                                    path=self.path) from exc

        def check(temporary: Path) -> None:
            names = check_zip(temporary)
            with self._open() as original:
                if names != original.names:
                    raise RegisterError(f"{self.path}: the new version lost or added parts",
                                        register=self.binding.key, path=self.path)
            for part, data in replaced.items():
                if not part.startswith("xl/worksheets/"):  # sheets: edits checked when planned
                    try:
                        parse_xml(data, part)
                    except PackageError as exc:
                        raise RegisterError(f"{self.path}: {exc}", register=self.binding.key,
                                            path=self.path) from exc

        def checked(temporary: Path) -> None:
            check(temporary)
            written.append(file_stamp(temporary))  # os.replace keeps its size and time
            if planned is not None and self.memos is not None:
                with zipfile.ZipFile(temporary) as done:
                    memos.append(planned.memos(done))

        replace_atomically(self.path, write, backup_dir=self.backup_dir, keep=self.backups_kept,
                           check=checked, expected=stamp)
        if memos and self.memos is not None:
            for role, memo in memos[-1].items():
                key = self.binding.key + (JOURNAL_MEMO if role == "journal" else "")
                self.memos.remember(key, memo.dump() if memo is not None else None)
        try:
            now = file_stamp(self.path)
        except OSError:
            return None
        return now if written and now == written[-1] else None
