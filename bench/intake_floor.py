"""The floor of an intake: the stages the tool's durability rules require, and nothing else.

What any tool must do with a dropped file when, as the speed goals ask, the journal commits
the rows before the workbook is written and the tool remembers what it wrote by reading it
back:

1. read the file: the bare read of ``bench_intake.py`` (Python's ``csv`` on the decoded text,
   or python-calamine for a workbook);
2. journal: one SQLite transaction (WAL, ``synchronous=FULL``, as the tool's journal), one
   row per record with its values as JSON, committed;
3. write: the register copied with the rows spliced into its sheet, streaming (``floor.py``);
4. read back: the written sheet read with python-calamine;
5. snapshot: one transaction keeping each row read back as JSON, committed.

Nothing is checked (no dates parsed, no columns matched, no duplicates, no ids but a counter),
nothing styled; no backup, no letter, no « Journal » sheet, no filing. The benchmark runs it
as its own process, start-up included, beside ``automation ingest`` of the same file::

    python bench/intake_floor.py FILE REGISTER.xlsx OUT.xlsx JOURNAL.sqlite3 \\
        [--encoding cp1252] [--delimiter ';'] [--sheet xl/worksheets/sheet1.xml]

It prints the seconds each stage took, as JSON.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3
import sys
import time
from pathlib import Path

from floor import write_rows


def read_file(path: Path, *, encoding: str, delimiter: str) -> list[list[str]]:
    """Every row of ``path``, the header first, each value as text."""
    if path.suffix.lower() == ".csv":
        text = path.read_bytes().decode(encoding)
        return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return [["" if value is None else str(value) for value in row] for row in rows]


def keep(journal: sqlite3.Connection, table: str, rows: list[tuple[str, str]]) -> None:
    with journal:
        journal.executemany(f"INSERT INTO {table} VALUES (?, ?)", rows)


def intake(path: Path, register: Path, out: Path, journal_path: Path, *, encoding: str,
           delimiter: str, sheet: str) -> dict[str, float]:
    stages: dict[str, float] = {}
    started = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal started
        now = time.perf_counter()
        stages[name] = now - started
        started = now

    header, *rows = read_file(path, encoding=encoding, delimiter=delimiter)
    stage("read")
    journal = sqlite3.connect(journal_path)
    journal.execute("PRAGMA journal_mode=WAL")
    journal.execute("PRAGMA synchronous=FULL")
    journal.execute("CREATE TABLE rows (record_id TEXT PRIMARY KEY, values_json TEXT)")
    journal.execute("CREATE TABLE snapshots (record_id TEXT PRIMARY KEY, values_json TEXT)")
    numbered = [[f"N-{n:06d}", *row] for n, row in enumerate(rows, 1)]
    keep(journal, "rows", [(row[0], json.dumps(dict(zip(["id", *header], row, strict=False)),
                                               ensure_ascii=False)) for row in numbered])
    stage("journal")
    write_rows(register, numbered, out, sheet=sheet)
    del numbered
    stage("write")
    from python_calamine import CalamineWorkbook

    back = CalamineWorkbook.from_path(str(out)).get_sheet_by_index(0).to_python()
    stage("read back")
    snapshots = [(str(row[0]), json.dumps(row, ensure_ascii=False, default=str))
                 for row in back if str(row[0]).startswith("N-")]
    if len(snapshots) != len(rows):
        raise SystemExit(f"{len(snapshots)} rows read back, not {len(rows)}")
    keep(journal, "snapshots", snapshots)
    journal.close()
    stage("snapshot")
    return stages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("file", type=Path)
    parser.add_argument("register", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("journal", type=Path)
    parser.add_argument("--encoding", default="utf-8-sig")
    parser.add_argument("--delimiter", default=",")
    parser.add_argument("--sheet", default="xl/worksheets/sheet1.xml")
    args = parser.parse_args()
    stages = intake(args.file, args.register, args.out, args.journal, encoding=args.encoding,
                    delimiter=args.delimiter, sheet=args.sheet)
    print(json.dumps(stages))
    return 0


if __name__ == "__main__":
    sys.exit(main())
