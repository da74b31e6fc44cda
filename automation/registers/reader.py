"""Read a register's rows as people left them (python-calamine: fast, values only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Final

from python_calamine import CalamineError, CalamineWorkbook

from automation.errors import ColumnMissing, RegisterError
from automation.records import CellValue
from automation.registers.binding import RegisterBinding
from automation.text import fold

HEADER_SCAN_ROWS: Final = 30


@dataclass(frozen=True)
class RegisterRow:
    record_id: str
    line: int  # the row number a person sees in Excel
    values: dict[str, CellValue]


def read_register(binding: RegisterBinding) -> list[RegisterRow]:
    """Every row of the register that has an id, keyed by field; [] when there is no file."""
    if not binding.path.exists():
        return []
    try:
        workbook = CalamineWorkbook.from_path(str(binding.path))
        rows = workbook.get_sheet_by_name(binding.sheet_name).to_python(skip_empty_area=False)
    except (CalamineError, OSError, ValueError) as exc:
        raise RegisterError(f"{binding.path.name}: cannot be read: {exc}", register=binding.key,
                            path=binding.path) from exc
    header_index, columns = _header(binding, rows)
    result: list[RegisterRow] = []
    id_column = columns["id"]
    for offset, row in enumerate(rows[header_index + 1:], start=header_index + 2):
        record_id = str(row[id_column]).strip() if id_column < len(row) else ""
        if not record_id:
            continue
        values = {key: _value(row[index]) for key, index in columns.items() if index < len(row)}
        result.append(RegisterRow(record_id, offset, values))
    return result


def _header(binding: RegisterBinding,
            rows: Sequence[Sequence[object]]) -> tuple[int, dict[str, int]]:
    wanted = {fold(binding.header_of(f.key)): f.key for f in binding.schema.fields}
    for index, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        columns = {wanted[fold(str(cell))]: col for col, cell in enumerate(row)
                   if isinstance(cell, str) and fold(cell) in wanted}
        if "id" in columns and len(columns) >= 2:
            return index, columns
    raise ColumnMissing(
        f"{binding.path.name}, sheet {binding.sheet_name}: no header row with the column "
        f"« {binding.header_of('id')} » in the first {HEADER_SCAN_ROWS} rows",
        register=binding.key, path=binding.path)


def _value(cell: object) -> CellValue:
    if cell == "" or cell is None:
        return None
    if isinstance(cell, datetime):
        return cell if cell.time() != time() else cell.date()
    if isinstance(cell, date | str | int):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else cell
    if isinstance(cell, bool):
        return "Oui" if cell else "Non"
    return str(cell)
