"""The physical floor of an append: what any tool must do to add rows to an .xlsx, and no more.

Every zip entry is copied (inflated and deflated again, as ``zipfile`` does), and the sheet
part is rewritten once, streaming: read in chunks, the new rows spliced in before
``</sheetData>``, written out as it goes. The rows come from a CSV file, written as inline
strings; nothing is checked, nothing styled, no id, no backup, no journal. The benchmarks run
it as its own process, beside ``automation ingest``, so that start-up counts on both sides:

    python bench/floor.py REGISTER.xlsx ROWS.csv OUT.xlsx [--sheet xl/worksheets/sheet1.xml]
"""

from __future__ import annotations

import argparse
import csv
import shutil
import sys
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO
from xml.sax.saxutils import escape

CHUNK = 1 << 20
END = b"</sheetData>"


def _columns(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def new_rows(rows: list[list[str]], first: int) -> bytes:
    out = []
    for offset, values in enumerate(rows):
        number = first + offset
        cells = "".join(f'<c r="{_columns(i)}{number}" t="inlineStr"><is><t>{escape(v)}</t>'
                        "</is></c>" for i, v in enumerate(values, 1) if v)
        out.append(f'<row r="{number}">{cells}</row>')
    return "".join(out).encode()


def _spliced(source: IO[bytes], rows: list[list[str]], last_row: int) -> Iterator[bytes]:
    """The sheet part in chunks, ``rows`` inserted before ``</sheetData>``."""
    held = b""
    while chunk := source.read(CHUNK):
        data = held + chunk
        at = data.find(END)
        if at >= 0:
            yield data[:at] + new_rows(rows, last_row + 1) + data[at:]
            yield from iter(lambda: source.read(CHUNK), b"")
            return
        held = data[-len(END):]
        yield data[:-len(END)]
    yield held


def _last_row(source: IO[bytes]) -> int:
    """The number of the sheet's last row, from its ``<dimension>`` (read in the first chunk)."""
    head = source.read(4096)
    at = head.find(b"<dimension ref=\"")
    ref = head[at + 16:head.index(b'"', at + 16)].decode() if at >= 0 else "A1"
    return int("".join(c for c in ref.rpartition(":")[2] if c.isdigit()) or 1)


def floor_append(register: Path, rows_csv: Path, out: Path, *,
                 sheet: str = "xl/worksheets/sheet1.xml") -> None:
    with rows_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter=";"))[1:]
    write_rows(register, rows, out, sheet=sheet)


def write_rows(register: Path, rows: list[list[str]], out: Path, *,
               sheet: str = "xl/worksheets/sheet1.xml") -> None:
    """``register`` copied to ``out``, every entry inflated and deflated again, with ``rows``
    spliced into ``sheet`` as it streams through."""
    with zipfile.ZipFile(register) as original, zipfile.ZipFile(out, "w") as copy:
        with original.open(sheet) as part:
            last = _last_row(part)
        for info in original.infolist():
            member = zipfile.ZipInfo(info.filename, info.date_time)
            member.compress_type = info.compress_type
            with original.open(info) as source, copy.open(member, "w", force_zip64=True) as sink:
                if info.filename == sheet:
                    for piece in _spliced(source, rows, last):
                        sink.write(piece)
                else:
                    shutil.copyfileobj(source, sink, CHUNK)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("register", type=Path)
    parser.add_argument("rows", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--sheet", default="xl/worksheets/sheet1.xml")
    args = parser.parse_args()
    floor_append(args.register, args.rows, args.out, sheet=args.sheet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
