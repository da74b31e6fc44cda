"""Reading a dropped spreadsheet: the pipeline's one call is :func:`read_spreadsheet`.

Workbooks (.xlsx, .xlsm, .xls, .ods) are read by calamine, values only: nothing in them is
executed and formulas give their cached result; a formula with no cached result (written by a
web app or a script) gives its own text, as text (:mod:`.formulas`). CSV files are decoded
(UTF-8 with or without BOM, UTF-16 with BOM, else Windows-1252, checked line by line:
:mod:`.encoding`) and their delimiter (``;``, ``,`` or tab) is sniffed. Before calamine opens
an .xlsx, the reach of its sheets is measured (:mod:`.extent`). The bytes come from the
arrival, read once and size-checked there.
Every row keeps the number a person sees in Excel, so rejection notes point at the right line.
In a workbook of several sheets, the sheet whose header row best fits a register is read.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import PurePath
from typing import TYPE_CHECKING, Final

from automation.arrival import CSV_SUFFIXES, SPREADSHEET_SUFFIXES
from automation.errors import IntakeError
from automation.intake import messages
from automation.intake.encoding import decode_csv
from automation.intake.forms import FormEntry
from automation.intake.headers import HEADER_SCAN_ROWS, route_tables
from automation.intake.safety import OLE_MAGIC, ZIP_MAGIC
from automation.intake.tables import Row, SpreadsheetIntake, Table
from automation.intake.validate import HandOver, is_blank, validate
from automation.records import CellValue, kept_once

if TYPE_CHECKING:
    from python_calamine import CalamineWorkbook

    from automation.intake.config import Intake

__all__ = ["Spreadsheet", "first_rows", "read_spreadsheet"]

_XLSX_SUFFIXES: Final = frozenset({".xlsx", ".xlsm"})
_DELIMITERS: Final = (";", ",", "\t")
_SNIFF_ROWS: Final = 50

RawCell = object  # what a parser hands over, before :func:`to_cell`


def to_cell(value: RawCell) -> CellValue:
    """A parser's value as a :data:`CellValue`: ``""`` → None, booleans as Excel shows them."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, str | int | float | datetime | date):
        return value
    if isinstance(value, time):
        return value.isoformat(timespec="minutes" if not value.second else "seconds")
    if isinstance(value, timedelta):
        minutes = round(value.total_seconds() / 60)
        return f"{minutes // 60}:{minutes % 60:02d}"
    return str(value)


def make_table(sheet: str, rows: Iterable[Sequence[RawCell]], *, first: int = 1) -> Table:
    """Keep the rows holding something, numbered from ``first``, trailing blanks cut.

    A text many rows repeat (a survey's answers, a session, a channel) is kept once: a parser
    makes one string per cell, and 20,000 answers of fifteen cells would hold 300,000."""
    kept: list[Row] = []
    texts: dict[str, str] = {}
    for number, raw in enumerate(rows, start=first):
        cells = [kept_once(to_cell(v), texts) for v in raw]
        while cells and is_blank(cells[-1]):
            cells.pop()
        if cells:
            kept.append(Row(number, tuple(cells)))
    return Table(sheet, tuple(kept))


def _taken(rows: list[Sequence[RawCell]]) -> Iterator[Sequence[RawCell]]:
    """The parser's rows one by one, each let go of in ``rows`` once given: its copy is not
    held beside the table made of it."""
    for index, row in enumerate(rows):
        rows[index] = ()
        yield row


class Spreadsheet:
    """An opened spreadsheet: the names of its sheets, and their rows read on demand."""

    def __init__(self, name: str, data: bytes, limits: Intake) -> None:
        self.name = name
        self.data = data
        self.limits = limits
        self._workbook: CalamineWorkbook | None = None
        self._csv: Table | None = None
        self._formulas: dict[str, dict[tuple[int, int], str]] = {}  # sheet -> its formula texts
        suffix = PurePath(name).suffix.lower()
        self._xlsx = suffix in _XLSX_SUFFIXES
        if suffix not in SPREADSHEET_SUFFIXES:
            raise IntakeError(messages.unreadable(name, messages.unsupported(suffix)))
        if not data:
            raise IntakeError(messages.unreadable(name, messages.NO_DATA))
        if data.startswith(ZIP_MAGIC):
            from automation.intake.extent import check_extent
            from automation.intake.safety import check_zip

            check_zip(data, limits, name=name)
            if self._xlsx:
                check_extent(data, limits, name=name)
            self._workbook = self._open(data)
        elif data.startswith(OLE_MAGIC):
            from automation.intake.safety import ole_encrypted

            # Office saves a password-protected .xlsx as OLE; a .xls says so in its globals.
            if self._xlsx or ole_encrypted(data):
                raise IntakeError(messages.unreadable(name, messages.ENCRYPTED))
            self._workbook = self._open(data)
        elif suffix in CSV_SUFFIXES:
            self._csv = read_csv(data, sheet=PurePath(name).stem, limits=limits, name=name)
        else:
            raise IntakeError(messages.unreadable(name, messages.NOT_A_WORKBOOK))

    def _open(self, data: bytes) -> CalamineWorkbook:
        from python_calamine import CalamineError, CalamineWorkbook, PasswordError

        try:
            return CalamineWorkbook.from_filelike(io.BytesIO(data))
        except (CalamineError, ValueError, OSError) as exc:
            encrypted = isinstance(exc, PasswordError) or "password" in str(exc).lower()
            why = messages.ENCRYPTED if encrypted else messages.CORRUPT
            raise IntakeError(messages.unreadable(self.name, why)) from exc

    @property
    def sheets(self) -> tuple[str, ...]:
        """Worksheets a person can see (all worksheets if every one is hidden)."""
        if self._workbook is None:
            return (self._csv.sheet,) if self._csv else ()
        from python_calamine import SheetTypeEnum, SheetVisibleEnum

        meta = [m for m in self._workbook.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
        visible = [m.name for m in meta if m.visible == SheetVisibleEnum.Visible]
        return tuple(visible or [m.name for m in meta])

    def table(self, sheet: str, *, head: int | None = None) -> Table:
        """The rows of ``sheet`` (only its first ``head`` rows when given)."""
        if self._workbook is None:
            assert self._csv is not None
            if head is None:
                return self._csv
            return Table(self._csv.sheet, tuple(r for r in self._csv.rows if r.number <= head))
        from python_calamine import CalamineError

        try:
            worksheet = self._workbook.get_sheet_by_name(sheet)
            end = worksheet.end
            if end is not None and end[0] + 1 > self.limits.max_rows and head is None:
                raise IntakeError(messages.unreadable(
                    self.name, messages.too_many_rows(sheet, self.limits.max_rows)))
            rows: Sequence[Sequence[RawCell]] = worksheet.to_python(skip_empty_area=False,
                                                                    nrows=head)
            del worksheet  # its cells are Python's now
        except IntakeError:
            raise
        except (CalamineError, ValueError, OverflowError) as exc:
            raise IntakeError(messages.unreadable(self.name, messages.CORRUPT)) from exc
        if self._xlsx:
            from automation.intake.formulas import uncached_formulas

            if sheet not in self._formulas:  # the same sheet is read for its head, then whole
                self._formulas[sheet] = uncached_formulas(self.data, sheet)
            rows = _with_formula_texts(rows, self._formulas[sheet], head=head)
        if head is not None:
            return make_table(sheet, rows)
        return make_table(sheet, _taken(rows if isinstance(rows, list) else list(rows)))

    def close(self) -> None:
        if self._workbook is not None:
            self._workbook.close()
            self._workbook = None

    def __enter__(self) -> Spreadsheet:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def first_rows(name: str, data: bytes, *, limits: Intake) -> list[Table]:
    """The first rows of every sheet a person can see (where the headers and titles are)."""
    with Spreadsheet(name, data, limits) as spreadsheet:
        heads = [spreadsheet.table(sheet, head=HEADER_SCAN_ROWS) for sheet in spreadsheet.sheets]
    return [t for t in heads if t.rows]


def read_spreadsheet(name: str, data: bytes, *, hint: str | None, limits: Intake,
                     source_name: str, forms: Sequence[FormEntry] = (),
                     hand_over: HandOver | None = None) -> SpreadsheetIntake:
    """Check, read, route and validate the spreadsheet ``name`` whose content is ``data``.

    ``hint`` is the register key named by the inbox sub-folder (``None`` at the top of the
    inbox: the headers decide). ``source_name`` is how rows are credited in the register's
    Source column (``"plaintes-mars.xlsx"`` gives ``"plaintes-mars.xlsx, ligne 7"``).
    ``forms`` are the office's ``[[surveys.forms]]`` entries (how its survey exports are read).
    ``hand_over`` takes the records as they are read (see :func:`validate`); the intake
    returned holds the rest.

    Raises :class:`HeaderMismatch` (an :class:`~automation.errors.UnroutableFile`: required
    columns missing), or :class:`~automation.errors.IntakeError` (unreadable, too big, not a
    spreadsheet).
    """
    with Spreadsheet(name, data, limits) as spreadsheet:
        heads = [spreadsheet.table(sheet, head=HEADER_SCAN_ROWS) for sheet in spreadsheet.sheets]
        heads = [t for t in heads if t.rows]
        if not heads:
            raise IntakeError(messages.unreadable(name, messages.NO_DATA))
        match = route_tables(heads, hint, forms=forms)
        table = spreadsheet.table(match.sheet)
    result = validate(table, match, source_name=source_name, hand_over=hand_over)
    return SpreadsheetIntake(
        register=result.register, records=result.records, rejections=result.rejections,
        header=result.header, routed_by_headers=match.routed_by_headers, sheet=match.sheet,
        unknown_columns=tuple(match.unknown.values()), ignored_lines=result.ignored_lines)


def _with_formula_texts(rows: Sequence[Sequence[RawCell]],
                        formulas: dict[tuple[int, int], str], *,
                        head: int | None) -> Sequence[Sequence[RawCell]]:
    """``rows`` with each formula that had no cached result given as its own text."""
    if not formulas:
        return rows
    patched: list[Sequence[RawCell]] = list(rows)
    for (number, column), text in sorted(formulas.items()):
        if head is not None and number > head:
            continue
        while len(patched) < number:
            patched.append([])
        row = list(patched[number - 1])
        while len(row) < column:
            row.append("")
        if row[column - 1] in ("", None):
            row[column - 1] = text
        patched[number - 1] = row
    return patched


def read_csv(data: bytes, *, sheet: str, limits: Intake, name: str) -> Table:
    text = decode_csv(data, name=name).replace("\x00", "")
    # A cell may be as long as the file (a pasted mail); the register cuts it visibly. The
    # limit is the csv module's, process-wide; raising it harms no other reader.
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    head, _, rest = text.partition("\n")
    head = head.rstrip("\r")
    delimiter: str | None = None
    if head.lower().startswith("sep=") and len(head) == 5:
        delimiter, text = head[4], rest  # Excel reads this line as a setting, not a row
    delimiter = delimiter or sniff_delimiter(text)
    rows: list[Sequence[RawCell]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            rows.append(row)
            if len(rows) > limits.max_rows:
                raise IntakeError(messages.unreadable(
                    name, messages.too_many_rows(sheet, limits.max_rows)))
    except csv.Error as exc:
        raise IntakeError(messages.unreadable(name, messages.CORRUPT)) from exc
    return make_table(sheet, _taken(rows))


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits most of the first rows into the same number (≥ 2) of fields.

    Ties go to ``;``, which French Excel writes (its decimal comma makes ``,`` ambiguous).
    """
    sample = io.StringIO(text[:64_000], newline="")
    lines = [line for _, line in zip(range(_SNIFF_ROWS), sample, strict=False)]
    best, best_score = ";", 0
    for delimiter in _DELIMITERS:
        try:
            counts = [len(r) for r in csv.reader(lines, delimiter=delimiter) if any(r)]
        except csv.Error:
            continue
        if not counts:
            continue
        width, rows = Counter(counts).most_common(1)[0]
        score = rows if width >= 2 else 0
        if score > best_score:
            best, best_score = delimiter, score
    return best
