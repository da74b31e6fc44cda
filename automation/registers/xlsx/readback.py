"""The rows an append just wrote, read back as the register reader reads them, from the sketch.

After a write the tool remembers its own rows as :func:`~automation.registers.reader.read_rows`
reads them (python-calamine's values, the office's list values made ours, dates): the
register watcher compares every later save with that. Reading the whole workbook again for
a few rows costs what the write cost, so the new rows are read from the sketch instead: a
small package in the backup folder (out of the watcher's sight) holds every member of the new
workbook as it is stored, except the register's sheet, which holds only the header rows and
the new rows, moved up under the header (the cells and styles are the same bytes, only the
row numbers change, and the few shared strings they use are written in their cells, so that
the workbook's string table is left out). :func:`read_rows` reads it as it reads the
register. A sheet that held no row under its header holds nothing else than the new rows
once written: :func:`read_written` reads the register itself (a 20,000-row survey dropped
into an empty register is not copied into a second package to be read).
"""

from __future__ import annotations

import contextlib
import copy
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Final

from automation.errors import RegisterError
from automation.records import CellValue
from automation.registers.binding import RegisterBinding
from automation.registers.reader import read_rows
from automation.registers.xlsx.cells import escape_text
from automation.registers.xlsx.formulas import format_range, parse_range
from automation.registers.xlsx.package import PackageError
from automation.registers.xlsx.sheet import SheetXml
from automation.registers.xlsx.zipio import PackageWriter, ZipStreamError

_REFERENCE: Final = re.compile(rb"(\sr=\")([A-Z]{0,3})([0-9]+)(\")")
_REFERENCE_ROW: Final = re.compile(rb"\sr=\"[A-Z]{0,3}([0-9]+)\"")
_SHARED_CELL: Final = re.compile(
    rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)c(?P<a>\s[^>]*?)\bt=\"s\"(?P<b>[^>]*)>\s*"
    rb"<(?P=p)v\s*>\s*(?P<n>[0-9]+)\s*</(?P=p)v\s*>\s*</(?P=p)c\s*>")
EMPTY_STRINGS: Final = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
                        b' count="0" uniqueCount="0"/>')


def inline_strings(data: bytes, shared: Sequence[str]) -> bytes:
    """``data`` (rows) with each shared-string cell holding its text itself."""
    if b't="s"' not in data:
        return data

    def inline(match: re.Match[bytes]) -> bytes:
        p = match["p"]
        text = escape_text(shared[int(match["n"])]).encode("utf-8")
        return (b"<" + p + b"c" + match["a"] + b't="inlineStr"' + match["b"] + b"><" + p
                + b"is><" + p + b't xml:space="preserve">' + text + b"</" + p + b"t></" + p
                + b"is></" + p + b"c>")

    return _SHARED_CELL.sub(inline, data)


def extract(sheet: SheetXml, shared: Sequence[str], *, header: int, first: int,
            last: int) -> bytes | None:
    """The sheet part holding rows up to ``header`` and rows ``first``–``last`` moved up to
    ``header + 1``…, their texts inline (``shared``: the workbook's string table); None when
    the sheet has none of them."""
    shift = first - header - 1
    bottom = max((row.number - shift for row in sheet.rows if first <= row.number <= last),
                 default=0)
    if not bottom:
        return None
    head = sheet.data[:sheet.data_start]
    dimension = sheet.dimension()  # in the head, which is kept as it is
    if dimension is not None:
        ref, start, stop = dimension
        bounds = parse_range(ref)
        if bounds is not None:
            head = (head[:start] + format_range(bounds[0], bounds[1], bottom, bounds[3]).encode()
                    + head[stop:])
    out = io.BytesIO()  # written as it is made: one copy of the new rows, never two
    out.write(head)
    for row in sheet.rows:
        if row.number <= header:
            out.write(inline_strings(sheet.data[row.start:row.end], shared))
        elif first <= row.number <= last:
            out.write(_moved_up(inline_strings(sheet.data[row.start:row.end], shared),
                                row.number, row.number - shift))
    out.write(sheet.data[sheet.data_end:])
    return out.getvalue()


def _moved_up(segment: bytes, number: int, new: int) -> bytes:
    """Row ``number``'s XML with its references (its own and its cells') on row ``new``."""
    digits = str(number).encode()
    tail = digits + b'"'
    found = _REFERENCE_ROW.findall(segment)
    if found.count(digits) == len(found) == segment.count(tail):
        # Every ``N"`` of the row is the end of one of its references: each one is replaced.
        return (str(new).encode() + b'"').join(segment.split(tail))
    shift = number - new  # a cell that names another row than its own: each moved alike
    return _REFERENCE.sub(lambda m: m[1] + m[2] + str(int(m[3]) - shift).encode() + m[4],
                          segment)


def _stored(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    member = copy.copy(info)
    member.compress_type = zipfile.ZIP_STORED
    return member


def read_back(binding: RegisterBinding, part: str, extracted: bytes, folder: Path, *,
              strings: str | None) -> dict[str, dict[str, CellValue]] | None:
    """The rows of ``extracted`` (see :func:`extract`) by id, read from a small package
    made in ``folder`` of the register's other members, its string table (part ``strings``)
    emptied; None when it cannot be read."""
    small = folder / f"relu-{binding.path.name}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(binding.path) as original, PackageWriter(small) as out:
            for info in original.infolist():
                if info.filename == part:  # stored as it is: read once, straight away
                    out.data(_stored(info), extracted)
                elif info.filename == strings:
                    out.data(info, EMPTY_STRINGS)
                else:
                    out.copy(binding.path, original, info)
        del extracted  # in the small package now: not held while its rows are read
        found = read_rows(replace(binding, path=small))
    except (OSError, zipfile.BadZipFile, ZipStreamError, PackageError, RegisterError,
            IndexError):  # a string of another sheet looked up: read the workbook instead
        return None
    finally:
        with contextlib.suppress(OSError):
            small.unlink(missing_ok=True)
    return found.by_id()


def read_written(binding: RegisterBinding) -> dict[str, dict[str, CellValue]] | None:
    """The rows of a register just written whose sheet holds only its header rows and the
    new rows, read from the register itself (no smaller package would be smaller); None when
    it cannot be read."""
    try:
        return read_rows(binding).by_id()
    except RegisterError:
        return None


