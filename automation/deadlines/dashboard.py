"""The dashboard workbook ``registers/tableau-de-bord.xlsx``, sheet "À traiter".

The tool alone writes this workbook: the sheet is rebuilt on every run (one row per item, late
rows red, due-soon rows orange), and every other sheet of the workbook (indicators…) is kept.
The file is written to a temporary file in the same folder, checked, then moved into place,
so a failed write never leaves a broken dashboard behind.
"""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Callable, Sequence
from copy import copy
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.styles.fonts import DEFAULT_FONT
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError, InvalidFileException

from automation.clock import paris_naive
from automation.deadlines.due import DueItem, DueStatus
from automation.errors import Interrupted, RegisterError, RegisterLocked
from automation.files import replace_file, temporary_beside
from automation.indicators.dashboard import OURS, IndicatorBook, write_indicator_sheets
from automation.registers.xlsx.package import Package, PackageError
from automation.text import clean_text, looks_like_formula

DASHBOARD_FILE: Final = "tableau-de-bord.xlsx"
SHEET: Final = "À traiter"
REGISTER_NAME: Final = "tableau-de-bord"  # how errors name this workbook
LATE_FILL: Final = "FFC7CE"  # light red
SOON_FILL: Final = "FFD8A8"  # light orange
CHECK_FILL: Final = "FFF2CC"  # light yellow: a date to correct
HEADER_FILL: Final = "D9D9D9"
DATE_FORMAT: Final = "dd/mm/yyyy"
HEADER_ROW: Final = 3
DUE_COLUMN: Final = 5  # « Échéance »
ASK_EVERY: Final = 500  # rows written between two looks at whether to stop
COLUMNS: Final = (("Responsable", 22), ("Registre", 15), ("N°", 16), ("À faire", 32),
                  ("Échéance", 12), ("Retard (jours ouvrés)", 12), ("Statut", 17),
                  ("Concerne", 40))
_READ_ERRORS: Final = (OSError, KeyError, ValueError, zipfile.BadZipFile, InvalidFileException)
# The rows' looks as named styles of the workbook: a cell takes one by name, where a fill or
# a format given cell by cell is looked up again among the workbook's styles each time (the
# sheet of an office with thousands of items late took tens of seconds).
_ROW_FILLS: Final = {DueStatus.LATE: ("en retard", LATE_FILL),
                     DueStatus.SOON: ("échéance proche", SOON_FILL),
                     DueStatus.CHECK: ("date à vérifier", CHECK_FILL)}


def write_dashboard(path: Path, items: Sequence[DueItem], *, generated_at: datetime,
                    indicators: IndicatorBook | None = None,
                    interrupted: Callable[[], bool] = lambda: False) -> Path:
    """Rebuild the "À traiter" sheet of the workbook at ``path`` (created if missing).

    Raises :class:`~automation.errors.RegisterLocked` when the file cannot be replaced (open
    in Excel on Windows) and :class:`~automation.errors.RegisterError` when it cannot be read
    or written; the previous file is then left as it was. When ``interrupted()`` turns true
    (it is asked every few hundred rows and before the save),
    :class:`~automation.errors.Interrupted` is raised and the file is left as it was.
    """
    workbook = _open(path, rebuilt=indicators is not None)
    if SHEET in workbook.sheetnames:
        index = workbook.sheetnames.index(SHEET)
        workbook.remove(workbook[SHEET])
        sheet = workbook.create_sheet(SHEET, index)
    else:
        sheet = workbook.create_sheet(SHEET, 0)
    _fill(sheet, items, paris_naive(generated_at), interrupted)
    write_indicator_sheets(workbook, indicators)
    workbook.active = workbook.sheetnames.index(SHEET)
    if interrupted():
        raise Interrupted(f"{path.name}: refresh interrupted")
    _save_atomically(workbook, path)
    return path


def _open(path: Path, *, rebuilt: bool) -> Any:
    """The workbook to write: the file as it is, for the sheets a person added to it; a new
    one when every sheet it holds is rebuilt anyway (``rebuilt``: the indicators' too), as
    loading thousands of rows only to remove them costs seconds."""
    if not path.exists() or (rebuilt and _only_ours(path)):
        workbook = Workbook()
        workbook.remove(workbook.active)
        return workbook
    try:
        return load_workbook(path)
    except _READ_ERRORS as exc:
        raise RegisterError(f"{path}: the dashboard workbook cannot be read ({exc}); "
                            f"move it away and run again", register=REGISTER_NAME,
                            path=path) from exc


def _only_ours(path: Path) -> bool:
    """Whether the workbook at ``path`` holds only the sheets the tool writes."""
    try:
        with Package(path) as package:
            names = [entry.name for entry in package.sheets()]
    except PackageError:
        return False  # openpyxl then says what is wrong with it
    return all(name == SHEET or OURS.match(name) for name in names)


def _fill(sheet: Any, items: Sequence[DueItem], generated: datetime,
          interrupted: Callable[[], bool]) -> None:
    late = sum(1 for item in items if item.status is DueStatus.LATE)
    soon = sum(1 for item in items if item.status is DueStatus.SOON)
    checks = sum(1 for item in items if item.status is DueStatus.CHECK)
    sheet["A1"] = f"Points à traiter — généré le {generated:%d/%m/%Y à %H:%M}"
    sheet["A1"].font = Font(name=DEFAULT_FONT.name, bold=True, size=14)
    sheet["A2"] = ((f"{late} en retard · {soon} à échéance proche"
                    + (f" · {checks} date(s) à vérifier" if checks else ""))
                   if items else "Rien en retard ni à échéance proche.")
    for col, (title, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, col, title)
        cell.font = Font(name=DEFAULT_FONT.name, bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        sheet.column_dimensions[get_column_letter(col)].width = width
    styles = _row_styles(sheet.parent)
    for offset, item in enumerate(items, start=1):
        if offset % ASK_EVERY == 0 and interrupted():
            raise Interrupted("dashboard refresh interrupted")
        row = HEADER_ROW + offset
        values = (item.owner, item.register_title, item.record_id, item.task, item.due,
                  item.days_late if item.status is DueStatus.LATE else None, str(item.status),
                  item.about)
        look = item.status if item.status in _ROW_FILLS else None
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row, col)
            style = styles.get((look, col == DUE_COLUMN))
            if style is not None:
                cell.style = style
            _put(cell, value)
    last = HEADER_ROW + max(len(items), 1)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 1).coordinate
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{last}"


def _row_styles(workbook: Any) -> dict[tuple[DueStatus | None, bool], str]:
    """The named style of a cell by its row's status and whether it holds the due date
    (added to the workbook the first time)."""
    looks: dict[tuple[DueStatus | None, bool], tuple[str, str | None, str]] = {
        (None, True): ("À traiter : date", None, DATE_FORMAT)}
    for status, (label, colour) in _ROW_FILLS.items():
        looks[(status, False)] = (f"À traiter : {label}", colour, "General")
        looks[(status, True)] = (f"À traiter : {label}, date", colour, DATE_FORMAT)
    known = set(workbook.named_styles)
    for name, fill, number_format in looks.values():
        if name not in known:
            style = NamedStyle(name=name, font=copy(DEFAULT_FONT), number_format=number_format)
            if fill is not None:
                style.fill = PatternFill("solid", fgColor=fill)
            workbook.add_named_style(style)
    return {key: name for key, (name, _, _) in looks.items()}


def _put(cell: Any, value: object) -> None:
    if isinstance(value, str):
        text = clean_text(value)
        cell.value = text
        if looks_like_formula(text):  # text from a register is never a formula here
            cell.data_type = "s"
            cell.quotePrefix = True
    else:
        cell.value = value


def _save_atomically(workbook: Any, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = temporary_beside(path)  # the folder's usual permissions, not mkstemp's 0600
    try:
        workbook.save(temp)
        _check(temp)
        replace_file(temp, path)
    except PermissionError as exc:
        raise RegisterLocked(f"{path}: cannot be replaced (open in Excel?): {exc}",
                             register=REGISTER_NAME, path=path) from exc
    except (*_READ_ERRORS, IllegalCharacterError) as exc:
        raise RegisterError(f"{path}: the dashboard could not be written: {exc}",
                            register=REGISTER_NAME, path=path) from exc
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()


def _check(temp: Path) -> None:
    """Reopen what was written: a half-written workbook must never replace the old one."""
    if not zipfile.is_zipfile(temp):
        raise ValueError("the written file is not a workbook")
    with temp.open("rb") as handle:  # a handle: openpyxl refuses a path ending in .tmp
        load_workbook(handle, read_only=True).close()
