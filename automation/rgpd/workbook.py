"""Rewriting the text of a workbook wherever it is kept, at the XML level.

After the register's rows are rewritten through the writer's ``update``, a name can still
sit elsewhere in the file: in the ``Journal`` sheet's old lines, in other sheets, in
comments, text boxes and pivot caches, and in the shared string table, where Excel keeps
every text it ever stored even once no cell uses it. :func:`scrub_workbook` passes every
cell's text through ``cell_text`` (a cell whose text changes becomes an inline string;
formulas keep their formula) and every other text through ``free_text``, and blanks the
shared strings that no cell uses any more and that ``orphan`` says are personal. Every
part it does not change is copied byte for byte.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from automation.errors import RegisterError
from automation.registers.xlsx.cells import CellWriter, escape_attr, escape_text
from automation.registers.xlsx.formulas import column_letters
from automation.registers.xlsx.package import (
    Package,
    PackageError,
    decode_escapes,
    write_package,
    xml_unescape,
)
from automation.registers.xlsx.replace import check_workbook, check_zip, replace_atomically
from automation.registers.xlsx.rows import merge_row
from automation.registers.xlsx.sheet import Edit, SheetXml
from automation.registers.xlsx.styles import StyleBook

# cell_text(sheet name, texts of the row by column, column, text) -> new text
CellText = Callable[[str, Mapping[int, str], int, str], str]
FreeText = Callable[[str], str]
Orphan = Callable[[str], bool]

_TEXT_KINDS: Final = frozenset({"s", "inlineStr", "str"})
_SI: Final = re.compile(rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)si(?=[\s/>])")
_SST_END: Final = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sst\s*>")
_V: Final = re.compile(rb"(<(?:[A-Za-z_][\w.-]*:)?v\s*>)(.*?)(</(?:[A-Za-z_][\w.-]*:)?v\s*>)",
                       re.DOTALL)
_T_NODE: Final = re.compile(
    rb"(<(?P<p>(?:[A-Za-z_][\w.-]*:)?)t(?=[\s>])[^>]*>)(?P<t>.*?)(</(?P=p)t\s*>)", re.DOTALL)
_PIVOT_ITEM: Final = re.compile(rb'(<(?:[A-Za-z_][\w.-]*:)?s(?=\s)[^>]*?\sv=")([^"]*)(")')
_OTHER_TEXT_PARTS: Final = re.compile(
    r"^xl/(comments[^/]*\.xml|threadedComments/[^/]+\.xml|drawings/[^/]+\.xml|"
    r"pivotCache/[^/]+\.xml)$")


@dataclass(frozen=True)
class Scrubbed:
    cells: int = 0  # cells whose text changed
    orphans: int = 0  # unused shared strings blanked
    other: int = 0  # texts changed in comments, drawings, pivot caches

    @property
    def changed(self) -> bool:
        return bool(self.cells or self.orphans or self.other)


def scrub_workbook(path: Path, *, cell_text: CellText, free_text: FreeText, orphan: Orphan,
                   backup_dir: Path | None, keep: int = 30, dry_run: bool = False) -> Scrubbed:
    """Rewrite the texts of ``path``; with ``backup_dir``, a copy is kept there first.

    Without ``backup_dir`` (a backup itself, a copy in ``inbox/processed/``) the file is
    replaced in place through a checked temporary file. ``dry_run`` only counts.
    """
    try:
        with Package(path) as package:
            replaced, result = _plan(package, cell_text, free_text, orphan)
    except PackageError as exc:
        raise RegisterError(f"{path.name}: {exc}", path=path) from exc
    if dry_run or not replaced:
        return result

    def write(temporary: Path) -> None:
        try:
            write_package(path, temporary, replaced)
        except (PackageError, zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
            raise RegisterError(f"{path.name}: {exc}", path=path) from exc

    if backup_dir is not None:
        replace_atomically(path, write, backup_dir=backup_dir, keep=keep)
    else:
        replace_in_place(path, write, _check)
    return result


def _plan(package: Package, cell_text: CellText, free_text: FreeText,
          orphan: Orphan) -> tuple[dict[str, bytes], Scrubbed]:
    shared = package.shared_strings()
    styles_parts = package.related(package.workbook_part, "styles")
    styles = StyleBook(package.read(styles_parts[0]) if styles_parts else None,
                       styles_parts[0] if styles_parts else None)
    date1904 = package.date1904()
    replaced: dict[str, bytes] = {}
    used: set[int] = set()
    cells = 0
    for entry in package.sheets():
        if not package.has(entry.part):
            continue
        try:
            xml = SheetXml(package.read(entry.part), entry.part)
        except PackageError:
            continue  # a chartsheet or dialog sheet: no cells
        writer = CellWriter(styles, prefix=xml.prefix, date1904=date1904)
        edits: list[Edit] = []
        for row in xml.rows:
            row_cells = [c for c in xml.cells(row) if c.kind in _TEXT_KINDS]
            texts = {c.col: c.text(shared) for c in row_cells}
            new: dict[int, bytes] = {}
            for cell in row_cells:
                text = texts[cell.col]
                rewritten = cell_text(entry.name, texts, cell.col, text) if text else text
                if rewritten == text:
                    if cell.kind == "s" and cell.value is not None and cell.value.isdigit():
                        used.add(int(cell.value))
                    continue
                ref = cell.attrs.get("r") or f"{column_letters(cell.col)}{row.number}"
                original = xml.data[cell.start:cell.end]
                if cell.has_formula:
                    new[cell.col] = _cached_text(original, rewritten)
                else:
                    new[cell.col] = writer.text(ref, rewritten, cell.style)
            if new:
                cells += len(new)
                edits.append(Edit(row.start, row.end, merge_row(xml, row, new, writer)))
        if edits:
            xml.check(edits)
            replaced[entry.part] = xml.apply(edits)
    orphans = 0
    sst_parts = package.related(package.workbook_part, "sharedStrings")[:1]
    if sst_parts and len(shared):
        blanked = [i for i in range(len(shared)) if i not in used and shared[i]
                   and orphan(shared[i])]
        if blanked:
            replaced[sst_parts[0]] = _blank_items(shared.data, set(blanked))
        orphans = len(blanked)
    other = 0
    for name in package.names:
        if _OTHER_TEXT_PARTS.match(name):
            data = package.read(name)
            new_data, count = _free_texts(data, free_text)
            if count:
                replaced[name] = new_data
                other += count
    if styles.changed and styles.part:
        replaced[styles.part] = styles.render()
    return replaced, Scrubbed(cells, orphans, other)


def _cached_text(cell: bytes, text: str) -> bytes:
    """A formula cell with ``text`` as its cached result (its formula unchanged)."""
    cached = escape_text(text).encode()
    return _V.sub(lambda m: m[1] + cached + m[3], cell, count=1)


def _blank_items(data: bytes, blanked: set[int]) -> bytes:
    """The shared string table with the items ``blanked`` emptied (indexes kept)."""
    starts = list(_SI.finditer(data))
    if not starts:
        return data
    end_match = _SST_END.search(data, starts[-1].start())
    end = end_match.start() if end_match else len(data)
    pieces = [data[:starts[0].start()]]
    for index, match in enumerate(starts):
        stop = starts[index + 1].start() if index + 1 < len(starts) else end
        if index in blanked:
            prefix = match["p"]
            pieces.append(b"<" + prefix + b"si><" + prefix + b"t></" + prefix + b"t></"
                          + prefix + b"si>")
        else:
            pieces.append(data[match.start():stop])
    pieces.append(data[end:])
    return b"".join(pieces)


def _free_texts(data: bytes, free_text: FreeText) -> tuple[bytes, int]:
    count = 0

    def node(match: re.Match[bytes]) -> bytes:
        nonlocal count
        text = decode_escapes(xml_unescape(match["t"].decode("utf-8")))
        new = free_text(text)
        if new == text:
            return match[0]
        count += 1
        return match[1] + escape_text(new).encode() + match[4]

    def item(match: re.Match[bytes]) -> bytes:
        nonlocal count
        text = xml_unescape(match[2].decode("utf-8"))
        new = free_text(text)
        if new == text:
            return match[0]
        count += 1
        return match[1] + escape_attr(new).encode() + match[3]

    data = _T_NODE.sub(node, data)
    data = _PIVOT_ITEM.sub(item, data)
    return data, count


def replace_in_place(path: Path, write: Callable[[Path], None],
                     check: Callable[[Path], None] | None = None) -> None:
    """Write ``path`` anew through a temporary file beside it, checked, then moved over it;
    no backup is kept (for a backup itself, or a copy the inbox keeps)."""
    handle, name = tempfile.mkstemp(prefix=f".~{path.stem}.", suffix=".tmp", dir=path.parent)
    os.close(handle)
    temporary = Path(name)
    try:
        write(temporary)
        if check is not None:
            check(temporary)
        shutil.copymode(path, temporary)
        temporary.replace(path)
    except OSError as exc:
        raise RegisterError(f"{path.name} cannot be rewritten: {exc}", path=path) from exc
    finally:
        temporary.unlink(missing_ok=True)


def _check(temporary: Path) -> None:
    try:
        check_workbook(temporary)
    except RegisterError:
        check_zip(temporary)  # a workbook openpyxl cannot read whole: intact as a zip
