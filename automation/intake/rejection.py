"""What goes back to a person when rows or a whole file cannot be accepted.

The rejection copy is a small workbook: the original header row preceded by two columns,
« Erreurs à corriger » (one reason per line) and « Ligne d'origine », then the rejected rows as
they were read. A person fixes the cells and drops the copy again; intake ignores those two
columns. Text that looks like a formula stays text. A whole-file rejection is a
``<file>.LISEZ-MOI.txt`` note, in UTF-8 with a BOM so Windows Notepad shows the accents.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

from automation.files import replace_file, temporary_beside
from automation.intake import messages
from automation.records import CellValue, Rejection
from automation.text import clean_text, looks_like_formula

if TYPE_CHECKING:
    from openpyxl import Workbook

NOTE_SUFFIX: Final = ".LISEZ-MOI.txt"
_ERRORS_WIDTH: Final = 60
_LINE_WIDTH: Final = 10
_MIN_WIDTH: Final = 12
_MAX_WIDTH: Final = 40
_LEAD: Final = 2  # the errors and line columns come first


class Rejected(Protocol):
    """What a rejection copy is made of (a ``SpreadsheetIntake`` or a ``ValidationResult``)."""

    @property
    def header(self) -> tuple[str, ...]: ...

    @property
    def rejections(self) -> Sequence[Rejection]: ...


def write_rejection_copy(result: Rejected, out: Path) -> Path:
    """Write ``result``'s rejected rows and their reasons to the workbook ``out``."""
    from openpyxl import Workbook  # imported here: most files have no row to refuse
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    header, rejections = result.header, result.rejections
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = messages.REJECTION_SHEET
    width = max([len(header), *(len(r.cells) for r in rejections)])
    titles = [messages.ERRORS_HEADER, messages.LINE_HEADER,
              *[clean_text(h) for h in header], *[""] * (width - len(header))]
    bold = Font(bold=True)
    for column, title in enumerate(titles, start=1):
        _put(sheet.cell(row=1, column=column), title).font = bold
    wrap = Alignment(wrap_text=True, vertical="top")
    for row, rejection in enumerate(rejections, start=2):
        errors = sheet.cell(row=row, column=1, value="\n".join(rejection.reasons))
        errors.alignment = wrap
        sheet.cell(row=row, column=2, value=rejection.line)
        for column, value in enumerate(rejection.cells, start=_LEAD + 1):
            _put(sheet.cell(row=row, column=column), value)
    sheet.freeze_panes = sheet.cell(row=2, column=_LEAD + 1)
    sheet.column_dimensions["A"].width = _ERRORS_WIDTH
    sheet.column_dimensions["B"].width = _LINE_WIDTH
    for index, title in enumerate(titles[_LEAD:], start=_LEAD + 1):
        sheet.column_dimensions[get_column_letter(index)].width = min(
            _MAX_WIDTH, max(_MIN_WIDTH, len(title) + 2))
    _save_replacing(workbook, out)
    return out


def _put(cell: Any, value: CellValue) -> Any:
    """Set a cell so nothing from outside becomes a formula; dates keep a French format."""
    if isinstance(value, str):
        value = clean_text(value)
        cell.value = value
        if looks_like_formula(value):
            cell.data_type = "s"  # openpyxl would otherwise write "=…" as a formula
            cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
    else:
        cell.value = value
        if isinstance(value, datetime):
            cell.number_format = "DD/MM/YYYY HH:MM"
        elif isinstance(value, date):
            cell.number_format = "DD/MM/YYYY"
    return cell


def _save_replacing(workbook: Workbook, out: Path) -> None:
    """Save next to ``out`` then move into place, so a failed save leaves no broken file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    temp = temporary_beside(out, stem="rejet")  # the folder's usual permissions, never 0600
    try:
        workbook.save(temp)
        replace_file(temp, out)
    finally:
        temp.unlink(missing_ok=True)


def note_path(path: Path) -> Path:
    """``plaintes.xlsx`` → ``plaintes.xlsx.LISEZ-MOI.txt`` (a note path is kept as it is)."""
    return path if path.name.endswith(NOTE_SUFFIX) else path.with_name(path.name + NOTE_SUFFIX)


def write_rejection_note(path: Path, message: str, *, name: str = "") -> Path:
    """Explain why a file was not imported, in ``<file>.LISEZ-MOI.txt``; returns that path.

    ``path`` is the rejected file (the note goes beside it) or the note's own path; ``name``
    is the file's name as the note quotes it (default: from the note's name).
    """
    note = note_path(path)
    note.parent.mkdir(parents=True, exist_ok=True)
    name = name or note.name.removesuffix(NOTE_SUFFIX)
    text = messages.rejection_note(name, clean_text(message)).replace("\n", "\r\n")
    note.write_text(text, encoding="utf-8-sig", newline="")
    return note
