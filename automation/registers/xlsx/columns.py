"""Adding the columns an adopted register lacks, at the right end of the office's table.

``automation adopt --add-columns`` calls :func:`add_columns`: each new column gets its header
in the header row, styled like the office's last header cell, the width of its last column,
and a dropdown of our values when the field has a list. The office's table (with its
filter), the sheet's filter, the print area and the formats and validations that span the
whole width of the table are widened to include them. Nothing else changes: the rows below
keep their cells, and every other part of the workbook is copied byte for byte. The file is
backed up and replaced atomically, like any write.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from automation.errors import RegisterError
from automation.registers.xlsx.cells import CellWriter, escape_attr, escape_text
from automation.registers.xlsx.formulas import column_index, column_letters, parse_range
from automation.registers.xlsx.package import Package, PackageError, local, parse_xml, write_package
from automation.registers.xlsx.replace import check_zip, file_stamp, replace_atomically
from automation.registers.xlsx.rows import merge_row
from automation.registers.xlsx.sheet import Edit, SheetXml, parse_attrs
from automation.registers.xlsx.styles import StyleBook

_COLS: Final = re.compile(rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)cols\s*>(?P<b>.*?)</(?P=p)cols\s*>",
                          re.DOTALL)
_COL: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?col(?=\s)([^>]*?)/?>")
_RANGE_ATTR: Final = re.compile(
    rb"(<(?:[A-Za-z_][\w.-]*:)?(?:conditionalFormatting|dataValidation|autoFilter)(?=[\s/>])"
    rb"[^>]*?\b(?:sqref|ref)=\")([^\"]*)(\")")
_XM_SQREF: Final = re.compile(
    rb"(<(?P<p>(?:[A-Za-z_][\w.-]*:)?)sqref\s*>)([^<]*)(</(?P=p)sqref\s*>)")
_VALIDATIONS: Final = re.compile(
    rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)dataValidations(?=[\s>])(?P<a>[^>]*)>(?P<b>.*?)"
    rb"</(?P=p)dataValidations\s*>", re.DOTALL)
_AFTER_VALIDATIONS: Final = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?(?:hyperlinks|printOptions|pageMargins|pageSetup|headerFooter|"
    rb"rowBreaks|colBreaks|customProperties|cellWatches|ignoredErrors|smartTags|drawing|"
    rb"legacyDrawing|legacyDrawingHF|picture|oleObjects|controls|webPublishItems|tableParts|"
    rb"extLst)(?=[\s/>])|</(?:[A-Za-z_][\w.-]*:)?worksheet\s*>")
_COUNT: Final = re.compile(rb'\bcount="\d+"')
_DEFINED: Final = re.compile(
    rb"(<(?:[A-Za-z_][\w.-]*:)?definedName(?=[\s>])[^>]*>)([^<]*)(</(?:[A-Za-z_][\w.-]*:)?"
    rb"definedName\s*>)")
_AREA: Final = re.compile(r"(\$?)([A-Za-z]{1,3})(\$?)(\d+):(\$?)([A-Za-z]{1,3})(\$?)(\d+)")


@dataclass(frozen=True)
class NewColumn:
    header: str
    choices: tuple[str, ...] = ()  # a dropdown of these values, when given


def add_columns(path: Path, sheet_name: str, header_row: int, columns: Sequence[NewColumn], *,
                data_last: int, backup_dir: Path, keep: int = 30) -> tuple[str, ...]:
    """Append ``columns`` to the header row of sheet ``sheet_name``; return their letters.

    ``data_last`` is the last data row (validations of the new columns reach it).
    """
    if not columns:
        return ()
    stamp = file_stamp(path)
    try:
        with Package(path) as package:
            replaced, letters = _plan(package, sheet_name, header_row, columns, data_last)
    except PackageError as exc:
        raise RegisterError(f"{path.name} : {exc}", path=path) from exc

    def write(temporary: Path) -> None:
        try:
            write_package(path, temporary, replaced)
        except (PackageError, zipfile.BadZipFile) as exc:
            raise RegisterError(f"{path.name} : {exc}", path=path) from exc

    def check(temporary: Path) -> None:
        check_zip(temporary)
        for part, data in replaced.items():
            try:
                parse_xml(data, part)
            except PackageError as exc:
                raise RegisterError(f"{path.name} : {exc}", path=path) from exc

    replace_atomically(path, write, backup_dir=backup_dir, keep=keep, check=check,
                       expected=stamp)
    return letters


def _plan(package: Package, sheet_name: str, header_row: int, columns: Sequence[NewColumn],
          data_last: int) -> tuple[dict[str, bytes], tuple[str, ...]]:
    part = package.sheet_part(sheet_name)
    if part is None:
        raise PackageError(f"pas de feuille « {sheet_name} »")
    xml = SheetXml(package.read(part), part)
    row = xml.row(header_row)
    if row is None:
        raise PackageError(f"pas de ligne d'en-têtes {header_row}")
    shared = package.shared_strings()
    headed = [c for c in xml.cells(row) if c.text(shared).strip()]
    last = max(c.col for c in headed)
    first = min(c.col for c in headed)
    style = next(c.style for c in headed if c.col == last)
    styles_parts = package.related(package.workbook_part, "styles")
    styles = StyleBook(package.read(styles_parts[0]) if styles_parts else None,
                       styles_parts[0] if styles_parts else None)
    writer = CellWriter(styles, prefix=xml.prefix, date1904=package.date1904())
    new_cols = list(range(last + 1, last + 1 + len(columns)))
    cells = {col: writer.text(f"{column_letters(col)}{header_row}", column.header, style)
             for col, column in zip(new_cols, columns, strict=True)}
    edits = [Edit(row.start, row.end, merge_row(xml, row, cells, writer))]
    edits.extend(_widths(xml, last, new_cols))
    dimension = xml.dimension()
    if dimension is not None:
        bounds = parse_range(dimension[0])
        if bounds is not None and bounds[3] < new_cols[-1]:
            ref = f"{column_letters(bounds[1])}{bounds[0]}:{column_letters(new_cols[-1])}" \
                  f"{max(bounds[2], header_row)}"
            edits.append(Edit(dimension[1], dimension[2], ref.encode()))
    tail_start, tail_end = xml.tail()
    tail = xml.data[tail_start:tail_end]
    new_tail = _widen_tail(tail, first, last, new_cols[-1], header_row)
    lists = [(col, column.choices) for col, column in zip(new_cols, columns, strict=True)
             if column.choices]
    if lists:
        new_tail = _with_validations(new_tail, lists, header_row + 1,
                                     max(data_last, header_row + 1), xml.prefix)
    if new_tail != tail:
        edits.append(Edit(tail_start, tail_end, new_tail))
    xml.check(edits)
    replaced = {part: xml.apply(edits)}
    for table_part in package.related(part, "table"):
        data = package.read(table_part)
        grown = _widen_table(data, header_row, last, columns)
        if grown != data:
            replaced[table_part] = grown
    workbook = package.read(package.workbook_part)
    names = _widen_names(workbook, sheet_name, last, new_cols[-1])
    if names != workbook:
        replaced[package.workbook_part] = names
    if styles.changed and styles.part:
        replaced[styles.part] = styles.render()
    return replaced, tuple(column_letters(c) for c in new_cols)


def _widths(xml: SheetXml, last: int, new_cols: Sequence[int]) -> list[Edit]:
    """A ``<col>`` for the new columns, as wide as the office's last one (when it has one)."""
    found = _COLS.search(xml.data, 0, xml.data_open)
    if found is None:
        return []
    width, covered = None, False
    for match in _COL.finditer(found["b"]):
        attrs = parse_attrs(match[1])
        low, high = int(attrs.get("min", "0") or 0), int(attrs.get("max", "0") or 0)
        if low <= last <= high:
            width = attrs.get("width")
        if low <= new_cols[0] <= high:
            covered = True
    if covered or width is None:
        return []
    prefix = found["p"].decode()
    entry = (f'<{prefix}col min="{new_cols[0]}" max="{new_cols[-1]}" '
             f'width="{escape_attr(width)}" customWidth="1"/>').encode()
    end = found.end("b")
    return [Edit(end, end, entry)]


def _widen_tail(tail: bytes, first: int, last: int, new_last: int, header_row: int) -> bytes:
    """Filters, formats and validations spanning the table's full width take the new columns."""

    def widen(text: str) -> str:
        parts = []
        for area in text.split():
            bounds = parse_range(area)
            if (bounds is not None and bounds[1] <= first and bounds[3] == last
                    and bounds[3] > bounds[1]):
                area = f"{column_letters(bounds[1])}{bounds[0]}:{column_letters(new_last)}" \
                       f"{bounds[2]}"
            parts.append(area)
        return " ".join(parts)

    def attr(match: re.Match[bytes]) -> bytes:
        return match[1] + widen(match[2].decode()).encode() + match[3]

    def child(match: re.Match[bytes]) -> bytes:
        return match[1] + widen(match[3].decode()).encode() + match[4]

    return _XM_SQREF.sub(child, _RANGE_ATTR.sub(attr, tail))


def _with_validations(tail: bytes, lists: Sequence[tuple[int, tuple[str, ...]]], top: int,
                      bottom: int, prefix: str) -> bytes:
    rules = b"".join(
        (f'<{prefix}dataValidation type="list" allowBlank="1" showErrorMessage="1" '
         f'sqref="{column_letters(col)}{top}:{column_letters(col)}{bottom}"><{prefix}formula1>'
         f'"{escape_text(",".join(choices))}"</{prefix}formula1></{prefix}dataValidation>')
        .encode() for col, choices in lists)
    found = _VALIDATIONS.search(tail)
    if found is not None:
        count = len(re.findall(rb"<(?:[A-Za-z_][\w.-]*:)?dataValidation(?=\s)", found["b"]))
        attrs = _COUNT.sub(f'count="{count + len(lists)}"'.encode(), found["a"])
        block = (b"<" + found["p"] + b"dataValidations" + attrs + b">" + found["b"] + rules
                 + b"</" + found["p"] + b"dataValidations>")
        return tail[:found.start()] + block + tail[found.end():]
    after = _AFTER_VALIDATIONS.search(tail)
    position = after.start() if after is not None else len(tail)
    block = (f'<{prefix}dataValidations count="{len(lists)}">'.encode() + rules
             + f"</{prefix}dataValidations>".encode())
    return tail[:position] + block + tail[position:]


def _widen_table(table: bytes, header_row: int, last: int, columns: Sequence[NewColumn]) -> bytes:
    root = parse_xml(table, "table")
    bounds = parse_range(root.get("ref", ""))
    if bounds is None or bounds[0] != header_row or bounds[3] != last:
        return table
    new_last = column_letters(last + len(columns))
    ids = [int(c.get("id", "0") or 0) for c in root.iter() if local(c.tag) == "tableColumn"]

    def ref(match: re.Match[bytes]) -> bytes:
        found = _AREA.fullmatch(match[2].decode())
        if found is None or column_index(found[6]) != last:
            return match[0]
        area = f"{found[1]}{found[2]}{found[3]}{found[4]}:{found[5]}{new_last}{found[7]}{found[8]}"
        return match[1] + area.encode() + match[3]

    table = re.sub(rb"(<(?:[A-Za-z_][\w.-]*:)?(?:table|autoFilter)(?=\s)[^>]*?\sref=\")"
                   rb"([^\"]*)(\")", ref, table)
    opening = re.search(rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)tableColumns(?=[\s>])(?P<a>[^>]*)>",
                        table)
    closing = re.search(rb"</(?:[A-Za-z_][\w.-]*:)?tableColumns\s*>", table)
    if opening is None or closing is None:
        return table
    prefix = opening["p"].decode()
    added = "".join(f'<{prefix}tableColumn id="{max(ids, default=0) + n}" '
                    f'name="{escape_attr(column.header)}"/>'
                    for n, column in enumerate(columns, start=1)).encode()
    attrs = _COUNT.sub(f'count="{len(ids) + len(columns)}"'.encode(), opening["a"])
    return (table[:opening.start()] + b"<" + opening["p"] + b"tableColumns" + attrs + b">"
            + table[opening.end():closing.start()] + added + table[closing.start():])


def _widen_names(workbook: bytes, sheet: str, last: int, new_last: int) -> bytes:
    """The print area (and other names) on ``sheet`` ending at the last column, widened."""
    qualified = {sheet.casefold(), "'" + sheet.replace("'", "''").casefold() + "'"}

    def name(match: re.Match[bytes]) -> bytes:
        text = match[2].decode()
        pieces = []
        for piece in text.split(","):
            where, bang, area = piece.rpartition("!")
            found = _AREA.fullmatch(area.strip())
            if bang and where.strip().casefold() in qualified and found is not None \
                    and column_index(found[6]) == last:
                area = (f"{found[1]}{found[2]}{found[3]}{found[4]}:{found[5]}"
                        f"{column_letters(new_last)}{found[7]}{found[8]}")
            pieces.append(f"{where}{bang}{area}")
        return match[1] + ",".join(pieces).encode() + match[3]

    return _DEFINED.sub(name, workbook)
