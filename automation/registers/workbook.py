"""Create the default register workbooks: comfortable, controlled Qualiopi documents.

A title block carries the document reference, revision and date; the header row is frozen and
filtered; every enumerated column has a dropdown and every score a whole-number check; dates
have a French format; a ``Journal`` sheet lists every automated change. The tool creates these
files once and then only appends to them, like any register an office brings.
"""

from __future__ import annotations

import contextlib
import os
import shutil
from datetime import date
from pathlib import Path
from typing import Final

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from automation.registers.binding import RegisterBinding
from automation.registers.schema import Field, Kind, RegisterSchema

HEADER_ROW: Final = 4
FIRST_DATA_ROW: Final = HEADER_ROW + 1
LAST_ROW: Final = 1_048_576
JOURNAL_SHEET: Final = "Journal"
JOURNAL_HEADERS: Final = ("Horodatage", "Action", "Source", "N°", "Détail")
DATE_FORMAT: Final = "DD/MM/YYYY"
DATETIME_FORMAT: Final = "DD/MM/YYYY HH:MM"

_HEADER_FILL: Final = PatternFill("solid", fgColor="1F4E78")
_HEADER_FONT: Final = Font(bold=True, color="FFFFFF")
_THIN: Final = Side(style="thin", color="A6A6A6")
_BORDER: Final = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)


def create_register(binding: RegisterBinding, *, today: date) -> Path:
    """Write a new, empty register workbook at ``binding.path``; never overwrite a file."""
    path = binding.path
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    workbook = _build(binding.schema, today=today)
    temporary = path.with_name(f".{path.name}.tmp")
    workbook.save(temporary)
    try:
        # os.link fails if the target appeared meanwhile: a register is never overwritten.
        os.link(temporary, path)
    except FileExistsError:
        pass
    except OSError:  # no hard links on this drive (FAT, some shares): an exclusive copy
        with contextlib.suppress(FileExistsError), path.open("xb") as target, \
                temporary.open("rb") as source:
            shutil.copyfileobj(source, target)
    finally:
        temporary.unlink()
    return path


def _build(schema: RegisterSchema, *, today: date) -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = schema.sheet
    last_column = get_column_letter(len(schema.fields))

    sheet["A1"] = schema.title
    sheet["A1"].font = Font(bold=True, size=14, color="1F4E78")
    sheet["A2"] = (f"Document maîtrisé — Réf. {schema.reference} — Révision 1 — "
                   f"Date d'application {today:%d/%m/%Y}")
    sheet["A2"].font = Font(italic=True, size=9, color="595959")
    sheet.row_dimensions[HEADER_ROW].height = 32

    for index, field in enumerate(schema.fields, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=HEADER_ROW, column=index, value=field.header)
        cell.fill = _HEADER_FILL
        cell.font = _HEADER_FONT
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        dimension = sheet.column_dimensions[letter]
        dimension.width = field.width
        if field.kind is Kind.DATE:
            dimension.number_format = DATE_FORMAT
        elif field.kind is Kind.DATETIME:
            dimension.number_format = DATETIME_FORMAT
        elif field.kind is Kind.LONG_TEXT:
            dimension.alignment = Alignment(wrap_text=True, vertical="top")
        validation = _validation(field)
        if validation is not None:
            validation.add(f"{letter}{FIRST_DATA_ROW}:{letter}{LAST_ROW}")
            sheet.add_data_validation(validation)

    sheet.freeze_panes = f"B{FIRST_DATA_ROW}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{last_column}{HEADER_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.oddFooter.left.text = f"{schema.reference} — Révision 1"
    sheet.oddFooter.right.text = "Page &P / &N"

    journal = workbook.create_sheet(JOURNAL_SHEET)
    for index, header in enumerate(JOURNAL_HEADERS, start=1):
        cell = journal.cell(row=1, column=index, value=header)
        cell.fill = _HEADER_FILL
        cell.font = _HEADER_FONT
    for letter, width in zip("ABCDE", (18, 14, 34, 15, 60), strict=True):
        journal.column_dimensions[letter].width = width
    journal.column_dimensions["A"].number_format = "DD/MM/YYYY HH:MM:SS"
    journal.freeze_panes = "A2"
    return workbook


def _validation(field: Field) -> DataValidation | None:
    if field.kind is Kind.ENUM:
        choices = ",".join(field.choices)
        return DataValidation(
            type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True,
            errorTitle="Valeur non prévue",
            error=f"Choisissez une valeur de la liste : {', '.join(field.choices)}.")
    if field.kind is Kind.SCORE and field.bounds is not None:
        low, high = field.bounds
        return DataValidation(
            type="whole", operator="between", formula1=str(low), formula2=str(high),
            allow_blank=True, showErrorMessage=True, errorTitle="Note invalide",
            error=f"Saisissez un nombre entier de {low} à {high}.")
    return None
