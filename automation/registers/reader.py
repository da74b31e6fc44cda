"""Read a register's rows as people left them.

The sheet and its header are found as the writer finds them (:mod:`.xlsx.locate`: a renamed
header or sheet is matched again), the data ends above the totals row (:mod:`.xlsx.footer`),
and the values come from python-calamine (fast, values only). Values are read back as ours:
the office's list values (« Clôturée ») as our own (« Close »), dates typed as text
(« le 3 mars », « 03/03 ») as dates where they can be understood (:mod:`.dates`). A date that
cannot be read is kept as typed and listed in :attr:`RegisterRead.unreadable`, for a person;
nothing takes it for a late item. Rows a person typed without an id are in
:attr:`RegisterRead.without_id`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from python_calamine import CalamineError, CalamineWorkbook

from automation.errors import RegisterError
from automation.records import CellValue, kept_once
from automation.registers.binding import RegisterBinding
from automation.registers.dates import typed_date
from automation.registers.schema import Kind
from automation.registers.xlsx.footer import is_total_label
from automation.registers.xlsx.locate import RegisterSheet, locate
from automation.registers.xlsx.package import Package, PackageError
from automation.registers.xlsx.splice import data_end, read_tables

_DATES = (Kind.DATE, Kind.DATETIME)


@dataclass(frozen=True)
class RegisterRow:
    record_id: str  # "" for a row a person typed without one
    line: int  # the row number a person sees in Excel
    values: dict[str, CellValue]


@dataclass(frozen=True)
class UnreadableDate:
    """A date cell whose text could not be understood: shown to a person, never « late »."""

    register: str
    record_id: str
    line: int
    field: str
    text: str


@dataclass(frozen=True)
class RegisterRead:
    rows: tuple[RegisterRow, ...] = ()  # rows with an id
    without_id: tuple[RegisterRow, ...] = ()  # rows typed without one
    unreadable: tuple[UnreadableDate, ...] = ()
    columns: frozenset[str] = field(default_factory=frozenset)  # fields the sheet has

    def by_id(self) -> dict[str, dict[str, CellValue]]:
        """The rows' values by id (the first row of an id a person typed twice wins)."""
        found: dict[str, dict[str, CellValue]] = {}
        for row in self.rows:
            found.setdefault(row.record_id, row.values)
        return found


def read_register(binding: RegisterBinding) -> list[RegisterRow]:
    """Every row of the register that has an id, keyed by field; [] when there is no file."""
    return list(read_rows(binding).rows)


def read_rows(binding: RegisterBinding) -> RegisterRead:
    """The register's data rows (see the module docstring); empty when there is no file."""
    if not binding.path.exists():
        return RegisterRead()
    try:
        with Package(binding.path) as package:
            sheet = locate(package, binding)
            read_tables(package, sheet)
            end = data_end(package, sheet)
            shared = package.shared_strings()
        workbook = CalamineWorkbook.from_path(str(binding.path))
        cells = workbook.get_sheet_by_name(sheet.name).to_python(skip_empty_area=False)
    except (PackageError, CalamineError, OSError, ValueError) as exc:
        raise RegisterError(f"{binding.path.name} : illisible ({exc})", register=binding.key,
                            path=binding.path) from exc
    columns = {key: col - 1 for key, col in sheet.layout.columns.items()}
    maps = {key: found for key in columns if (found := binding.value_map(key)) is not None}
    dates = [key for key in columns if binding.schema.field(key).kind in _DATES]
    rows: list[RegisterRow] = []
    without: list[RegisterRow] = []
    unreadable: list[UnreadableDate] = []
    previous: dict[str, date] = {}
    # A text many rows hold (a channel, a status, a training) is kept once; each row of
    # calamine's cells is let go once read: the rows' values are all that stays.
    texts: dict[str, str] = {}
    for line in range(sheet.layout.header_row + 1, min(end.anchor, len(cells)) + 1):
        raw, cells[line - 1] = cells[line - 1], []
        record_id = _text(raw, columns["id"])
        if record_id[:1] in {"T", "t", "S", "s"} and is_total_label(record_id):
            continue
        if not record_id and not _typed(sheet, shared, line):
            continue
        values: dict[str, CellValue] = {
            key: kept_once(_value(raw[index]), texts) if index < len(raw) else None
            for key, index in columns.items()}
        for key, found in maps.items():
            value = values[key]
            if isinstance(value, str):
                values[key] = found.ours(value)
        _read_dates(binding, dates, record_id, line, values, previous, unreadable)
        (rows if record_id else without).append(RegisterRow(record_id, line, values))
    return RegisterRead(tuple(rows), tuple(without), tuple(unreadable), frozenset(columns))


def _typed(sheet: RegisterSheet, shared: Sequence[str], line: int) -> bool:
    """True when row ``line`` holds a value a person typed (not only formulas' results)."""
    row = sheet.xml.row(line)
    return row is not None and any(
        c.col in sheet.layout.headers and not c.has_formula and c.text(shared).strip()
        for c in sheet.xml.cells(row))


def _read_dates(binding: RegisterBinding, dates: Sequence[str], record_id: str, line: int,
                values: dict[str, CellValue], previous: dict[str, date],
                unreadable: list[UnreadableDate]) -> None:
    """Text in the date cells read as dates where it can be (see the module docstring)."""
    for key in dates:
        value = values[key]
        if isinstance(value, str) and value.strip():
            parsed = binding.id_scheme.parse(record_id) if record_id else None
            id_year = parsed[0] if parsed is not None else None
            understood = typed_date(value, after=previous.get(key), year=id_year)
            if understood is None:
                unreadable.append(UnreadableDate(binding.key, record_id, line, key, value))
                continue
            values[key] = understood
            value = understood
        if isinstance(value, date):
            previous[key] = value.date() if isinstance(value, datetime) else value


def _text(row: Sequence[object], index: int) -> str:
    if index >= len(row):
        return ""
    value = _value(row[index])
    return "" if value is None else str(value).strip()


def _value(cell: object) -> CellValue:
    if type(cell) is str:  # calamine's common cases first, by their exact type
        return cell or None
    if type(cell) is float:
        return int(cell) if cell.is_integer() else cell
    if cell == "" or cell is None:
        return None
    if isinstance(cell, datetime):
        return cell if cell.time() != time() else cell.date()
    if isinstance(cell, bool):
        return "Oui" if cell else "Non"
    if isinstance(cell, date | str | int):
        return cell
    if isinstance(cell, float):
        return int(cell) if cell.is_integer() else cell
    return str(cell)
