"""What reading a dropped spreadsheet gives: its sheets' rows, then records for one register.

These values cross from the sandboxed reader to the pipeline, so they live apart from the
parsers (:mod:`.spreadsheet`): the pipeline holds them without loading what reads workbooks.
"""

from __future__ import annotations

from dataclasses import dataclass

from automation.records import CellValue, Record, Rejection


@dataclass(frozen=True)
class Row:
    number: int  # 1-based, as Excel shows it
    cells: tuple[CellValue, ...]

    def cell(self, column: int) -> CellValue:
        return self.cells[column] if column < len(self.cells) else None


@dataclass(frozen=True)
class Table:
    """One sheet: its non-blank rows, each with its row number."""

    sheet: str
    rows: tuple[Row, ...]

    @property
    def width(self) -> int:
        return max((len(r.cells) for r in self.rows), default=0)


@dataclass(frozen=True)
class SpreadsheetIntake:
    """What one dropped spreadsheet gives: records for one register, rejections for a person."""

    register: str
    records: list[Record]
    rejections: list[Rejection]
    header: tuple[str, ...]  # the header row's texts, for the rejection copy
    routed_by_headers: bool  # False when the inbox sub-folder named the register
    sheet: str
    unknown_columns: tuple[str, ...] = ()  # headers whose values went to the notes
    ignored_lines: tuple[int, ...] = ()  # rows with values only in unknown columns
