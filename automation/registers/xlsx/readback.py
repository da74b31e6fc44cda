"""The rows an append just wrote, read back as the register reader reads them, from the sketch.

After a write the tool remembers its own rows as :func:`~automation.registers.reader.read_rows`
reads them (python-calamine's values, the office's list values made ours, dates): the
register watcher compares every later save with that. Reading the whole workbook again for
a few rows costs what the write cost, so the new rows are read from the sketch instead: a
small package in the backup folder (out of the watcher's sight) holds every member of the new
workbook as it is stored, except the register's sheet, which holds only the header rows and
the new rows, moved up under the header (the cells, styles and strings are the same bytes;
only the row numbers change). :func:`read_rows` reads it as it reads the register.
"""

from __future__ import annotations

import contextlib
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Final

from automation.errors import RegisterError
from automation.records import CellValue
from automation.registers.binding import RegisterBinding
from automation.registers.reader import read_rows
from automation.registers.xlsx.formulas import format_range, parse_range
from automation.registers.xlsx.package import PackageError
from automation.registers.xlsx.sheet import SheetXml
from automation.registers.xlsx.zipio import PackageWriter, ZipStreamError

_REFERENCE: Final = re.compile(rb"(\sr=\")([A-Z]{0,3})([0-9]+)(\")")


def extract(sheet: SheetXml, *, header: int, first: int, last: int) -> bytes | None:
    """The sheet part holding rows up to ``header`` and rows ``first``–``last`` moved up to
    ``header + 1``…; None when the sheet has none of them."""
    shift = first - header - 1
    kept: list[bytes] = []
    bottom = 0
    for row in sheet.rows:
        segment = sheet.data[row.start:row.end]
        if row.number <= header:
            kept.append(segment)
        elif first <= row.number <= last:
            kept.append(_REFERENCE.sub(lambda m: m[1] + m[2] + str(int(m[3]) - shift).encode()
                                       + m[4], segment))
            bottom = row.number - shift
    if not bottom:
        return None
    data = sheet.data[:sheet.data_start] + b"".join(kept) + sheet.data[sheet.data_end:]
    dimension = SheetXml(data, sheet.part).dimension()
    if dimension is not None:
        ref, start, stop = dimension
        bounds = parse_range(ref)
        if bounds is not None:
            data = (data[:start] + format_range(bounds[0], bounds[1], bottom, bounds[3]).encode()
                    + data[stop:])
    return data


def read_back(binding: RegisterBinding, part: str, extracted: bytes, folder: Path,
              ) -> dict[str, dict[str, CellValue]] | None:
    """The rows of ``extracted`` (see :func:`extract`) by id, read from a small package
    made in ``folder`` of the register's other members; None when it cannot be read."""
    small = folder / f"relu-{binding.path.name}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(binding.path) as original, PackageWriter(small) as out:
            for info in original.infolist():
                if info.filename == part:
                    out.data(info, extracted)
                else:
                    out.copy(binding.path, original, info)
        found = read_rows(replace(binding, path=small))
    except (OSError, zipfile.BadZipFile, ZipStreamError, PackageError, RegisterError):
        return None
    finally:
        with contextlib.suppress(OSError):
            small.unlink(missing_ok=True)
    rows: dict[str, dict[str, CellValue]] = {}
    for row in found.rows:
        rows.setdefault(row.record_id, row.values)
    return rows
