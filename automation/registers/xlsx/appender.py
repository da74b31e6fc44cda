"""Appending to an office's own workbook at the XML level, leaving the rest of it as it was.

openpyxl's load-and-save drops what it does not model (x14 cross-sheet dropdowns, shapes,
slicers, extension lists). :class:`XmlAppender` instead edits the package: the register's
sheet part (new rows spliced in, ranges grown), its table part (``ref`` grown), the
``Journal`` sheet when there is one, ``styles.xml`` only when a new cell needs a format
variant, and ``workbook.xml`` only to ask for a recalculation on open. Every other member
of the zip is copied unchanged. See :mod:`automation.registers.writer` for the contract.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from automation.clock import paris_naive
from automation.errors import ColumnMissing, RegisterError
from automation.records import CellValue, ChangeNote, StoredRow
from automation.registers.binding import RegisterBinding
from automation.registers.writer import AppendResult, UpdateResult
from automation.registers.xlsx.cells import CellWriter
from automation.registers.xlsx.formulas import column_letters, format_range, parse_range
from automation.registers.xlsx.package import Package, PackageError, local, parse_xml, write_package
from automation.registers.xlsx.replace import (
    FileStamp,
    check_not_locked,
    check_zip,
    file_stamp,
    replace_atomically,
)
from automation.registers.xlsx.rows import (
    Calculated,
    Layout,
    find_layout,
    merge_row,
    plan_append,
)
from automation.registers.xlsx.sheet import Edit, RowXml, SheetXml, grow_ranges, grow_table
from automation.registers.xlsx.styles import StyleBook
from automation.text import fold

JOURNAL_SHEET: Final = "Journal"
JOURNAL_HEADERS: Final = {"when": "Horodatage", "action": "Action", "source": "Source",
                          "record_id": "N°", "detail": "Détail"}
_CALC_PR: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?calcPr(?=[\s/>])[^>]*?(?=/?>)")
_AFTER_CALC_PR: Final = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:oleSize|customWorkbookViews|pivotCaches|smartTagPr|"
    rb"smartTagTypes|webPublishing|fileRecoveryPr|webPublishObjects|extLst)(?=[\s/>])|"
    rb"</(?:[A-Za-z_][\w.-]*:)?workbook\s*>")


@dataclass
class _Sheet:
    """One sheet being edited: its bytes, its header, the parts that change with it."""

    part: str
    xml: SheetXml
    layout: Layout
    tables: dict[str, bytes] = field(default_factory=dict)
    calculated: dict[int, Calculated] = field(default_factory=dict)


class XmlAppender:
    """A :class:`~automation.registers.writer.RegisterWriter` for an adopted workbook."""

    def __init__(self, binding: RegisterBinding, *, backup_dir: Path,
                 backups_kept: int = 30) -> None:
        self.binding = binding
        self.path = binding.path
        self.backup_dir = backup_dir
        self.backups_kept = backups_kept

    # -- the contract -------------------------------------------------------------------------

    def highest_id(self, prefix_year: str) -> int:
        pattern = re.compile(re.escape(prefix_year) + r"(\d+)$")
        with self._open() as package:
            sheet = self._register_sheet(package)
            numbers = [int(m[1]) for m in map(pattern.match, self._ids(package, sheet)) if m]
        return max(numbers, default=0)

    def append(self, rows: Sequence[StoredRow], notes: Sequence[ChangeNote]) -> AppendResult:
        check_not_locked(self.path)
        stamp = self._stamp()
        with self._open() as package:
            sheet = self._register_sheet(package)
            present_ids = self._ids(package, sheet)
            todo: dict[str, StoredRow] = {}
            present: list[str] = []
            for row in rows:
                if row.record_id in present_ids:
                    present.append(row.record_id)
                elif row.record_id not in todo:
                    todo[row.record_id] = row
            notes = [n for n in notes if n.record_id not in present]
            if not todo and not notes:
                return AppendResult((), tuple(present))
            styles = self._styles(package)
            writer = CellWriter(styles, prefix=sheet.xml.prefix, date1904=package.date1904())
            replaced: dict[str, bytes] = {}
            if todo:
                values = [self._cells(sheet.layout, row) for row in todo.values()]
                forced = frozenset({sheet.layout.columns["id"]})
                replaced.update(self._append_to(package, sheet, values, writer, forced))
            replaced.update(self._journal(package, notes, styles))
            if not replaced:
                return AppendResult((), tuple(present))
            if styles.changed and styles.part:
                replaced[styles.part] = styles.render()
            self._ask_recalculation(package, replaced)
        self._replace(replaced, stamp)
        return AppendResult(tuple(todo), tuple(present))

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
            sheet = self._register_sheet(package)
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
            replaced.update(self._journal(package, notes, styles))
            if not replaced:
                return UpdateResult(changed, kept, tuple(missing))
            if styles.changed and styles.part:
                replaced[styles.part] = styles.render()
            self._ask_recalculation(package, replaced)
        self._replace(replaced, stamp)
        return UpdateResult(changed, kept, tuple(missing))

    def _fill(self, sheet: _Sheet, row: RowXml, values: Mapping[str, CellValue],
              shared: Sequence[str], writer: CellWriter, *, overwrite: bool,
              replace: Mapping[str, Collection[str]],
              ) -> tuple[Edit | None, tuple[str, ...], tuple[str, ...]]:
        """The edit filling ``row`` with ``values``; the fields written; the fields kept.

        A filled cell is written only with ``overwrite``, or when ``replace`` lists its
        current text for that field (case and accents ignored).
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
            replaceable = key in replace and fold(text) in {fold(v) for v in replace[key]}
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
            new[col] = writer.value(f"{column_letters(col)}{row.number}", value, style)
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
    def _open(self) -> Iterator[Package]:
        try:
            with Package(self.path) as package:
                yield package
        except PackageError as exc:
            raise RegisterError(f"{self.path}: {exc}", register=self.binding.key,
                                path=self.path) from exc
        except PermissionError as exc:
            raise RegisterError(f"{self.path} cannot be read: {exc}", register=self.binding.key,
                                path=self.path) from exc

    def _register_sheet(self, package: Package) -> _Sheet:
        name = self.binding.sheet_name
        part = package.sheet_part(name)
        if part is None:
            found = ", ".join(e.name for e in package.sheets())
            raise RegisterError(f"{self.path}: no sheet named « {name} » (sheets: {found})",
                                register=self.binding.key, path=self.path)
        xml = SheetXml(package.read(part), part)
        wanted = {f.key: self.binding.header_of(f.key) for f in self.binding.schema.fields}
        layout = find_layout(xml, package.shared_strings(), wanted)
        if layout is None or "id" not in layout.columns:
            found = ", ".join(f"« {h} »" for h in (layout.headers.values() if layout else ()))
            raise ColumnMissing(
                f"{self.path}, sheet « {name} »: no column « {wanted['id']} » in the first rows"
                f" (headers found: {found or 'none'})", register=self.binding.key,
                path=self.path)
        return _Sheet(part, xml, layout)

    def _ids(self, package: Package, sheet: _Sheet) -> dict[str, int]:
        """Register id -> row number, for every id in the id column under the header."""
        shared = package.shared_strings()
        ids: dict[str, int] = {}
        for number, text in sheet.xml.column(sheet.layout.columns["id"], shared):
            if number > sheet.layout.header_row and text.strip():
                ids.setdefault(text.strip(), number)
        return ids

    def _styles(self, package: Package) -> StyleBook:
        parts = package.related(package.workbook_part, "styles")
        if not parts:
            return StyleBook(None, None)
        return StyleBook(package.read(parts[0]), parts[0])

    def _cells(self, layout: Layout, row: StoredRow) -> dict[int, CellValue]:
        cells = {layout.columns[key]: value for key, value in row.values.items()
                 if key in layout.columns}
        cells[layout.columns["id"]] = row.record_id
        return cells

    # -- writing ------------------------------------------------------------------------------

    def _append_to(self, package: Package, sheet: _Sheet, rows: Sequence[Mapping[int, CellValue]],
                   writer: CellWriter, forced: frozenset[int] = frozenset()) -> dict[str, bytes]:
        """The new sheet part (and grown table parts) with ``rows`` appended."""
        self._read_tables(package, sheet)
        plan = plan_append(sheet.xml, package.shared_strings(), sheet.layout, rows, writer,
                           calculated=sheet.calculated, forced=forced)
        edits = list(plan.edits)
        dimension = sheet.xml.dimension()
        if dimension is not None:
            ref, start, end = dimension
            bounds = parse_range(ref)
            if bounds is not None and bounds[2] < plan.last:
                last_col = max(bounds[3], *sheet.layout.headers)
                grown = format_range(bounds[0], bounds[1], plan.last, last_col)
                edits.append(Edit(start, end, grown.encode()))
        tail_start, tail_end = sheet.xml.tail()
        anchor = max(plan.anchor, sheet.layout.header_row + 1)
        tail = sheet.xml.data[tail_start:tail_end]
        grown_tail = grow_ranges(tail, anchor=anchor, last=plan.last)
        if grown_tail != tail:
            edits.append(Edit(tail_start, tail_end, grown_tail))
        sheet.xml.check(edits)
        replaced = {sheet.part: sheet.xml.apply(edits)}
        for part, data in sheet.tables.items():
            grown_table = grow_table(data, header_row=sheet.layout.header_row, last=plan.last)
            if grown_table != data:
                replaced[part] = grown_table
        return replaced

    def _read_tables(self, package: Package, sheet: _Sheet) -> None:
        """The sheet's tables that start on its header row, and their calculated columns."""
        for part in package.related(sheet.part, "table"):
            data = package.read(part)
            root = parse_xml(data, part)
            bounds = parse_range(root.get("ref", ""))
            if bounds is None or bounds[0] != sheet.layout.header_row:
                continue
            if int(root.get("totalsRowCount", "0") or 0) > 0:
                raise RegisterError(
                    f"{self.path}: the table « {root.get('displayName', '')} » has a totals row; "
                    "remove it (or move it above the table) so that rows can be appended",
                    register=self.binding.key, path=self.path)
            sheet.tables[part] = data
            columns = [c for c in root.iter() if local(c.tag) == "tableColumn"]
            for offset, column in enumerate(columns):
                for child in column:
                    if local(child.tag) == "calculatedColumnFormula" and child.text:
                        sheet.calculated[bounds[1] + offset] = Calculated(
                            child.text, sheet.layout.header_row + 1)

    def _journal(self, package: Package, notes: Sequence[ChangeNote],
                 styles: StyleBook) -> dict[str, bytes]:
        """The ``Journal`` sheet with ``notes`` appended; nothing when there is no such sheet."""
        if not notes:
            return {}
        part = package.sheet_part(JOURNAL_SHEET)
        if part is None:
            return {}
        xml = SheetXml(package.read(part), part)
        layout = find_layout(xml, package.shared_strings(), JOURNAL_HEADERS)
        if layout is None or not {"when", "action"} <= set(layout.columns):
            return {}
        rows: list[dict[int, CellValue]] = []
        for note in notes:
            values: dict[str, CellValue] = {
                "when": paris_naive(note.when), "action": note.action, "source": note.source,
                "record_id": note.record_id, "detail": note.detail}
            rows.append({layout.columns[k]: v for k, v in values.items() if k in layout.columns})
        writer = CellWriter(styles, prefix=xml.prefix, date1904=package.date1904())
        return self._append_to(package, _Sheet(part, xml, layout), rows, writer)

    def _ask_recalculation(self, package: Package, replaced: dict[str, bytes]) -> None:
        """Set ``fullCalcOnLoad`` so formulas over the new rows (totals, dashboards) update."""
        part = package.workbook_part
        data = package.read(part)
        found = _CALC_PR.search(data)
        if found is not None:
            tag = found[0]
            if b"fullCalcOnLoad=" in tag:
                tag = re.sub(rb'fullCalcOnLoad="[^"]*"', b'fullCalcOnLoad="1"', tag)
            else:
                tag = tag.rstrip() + b' fullCalcOnLoad="1"'
            new = data[:found.start()] + tag + data[found.end():]
        else:
            after = _AFTER_CALC_PR.search(data)
            if after is None:
                return
            prefix = re.match(rb"</?([A-Za-z_][\w.-]*:)?", after[0])
            ns = (prefix[1] or b"") if prefix else b""
            tag = b"<" + ns + b'calcPr fullCalcOnLoad="1"/>'
            new = data[:after.start()] + tag + data[after.start():]
        if new != data:
            replaced[part] = new

    def _replace(self, replaced: Mapping[str, bytes], stamp: FileStamp) -> None:
        def write(temporary: Path) -> None:
            try:
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

        replace_atomically(self.path, write, backup_dir=self.backup_dir, keep=self.backups_kept,
                           check=check, expected=stamp)
