"""Create the default register workbooks: comfortable, controlled Qualiopi documents.

A title block carries the document reference, revision and date; the header row is frozen and
filtered; every enumerated column has a dropdown and every score a whole-number check; dates
have a French format; a ``Journal`` sheet lists every automated change. Printed, a register
is A4 landscape at a readable scale, a few columns a page with the id repeated, the header
row on every page and the document reference in the footer (:func:`print_layout`). The tool
creates these files once and then only appends to them, like any register an office brings.
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
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet

from automation.registers.binding import RegisterBinding
from automation.registers.print_setup import controlled_page
from automation.registers.risk_sheet import add_risk_sheet
from automation.registers.schema import Field, Kind, RegisterSchema

HEADER_ROW: Final = 4
FIRST_DATA_ROW: Final = HEADER_ROW + 1
LAST_ROW: Final = 1_048_576
JOURNAL_SHEET: Final = "Journal"
JOURNAL_HEADERS: Final = ("Horodatage", "Action", "Source", "N°", "Détail")
DATE_FORMAT: Final = "DD/MM/YYYY"
DATETIME_FORMAT: Final = "DD/MM/YYYY HH:MM"

# Printing: A4 landscape (29.7 cm = 842 pt) less the side margins (inches).
MARGIN: Final = 0.4
PRINTABLE_WIDTH: Final = 842.0 - 2 * MARGIN * 72
FILL: Final = 0.98  # of the page's width
DIGIT_PX: Final = 7.5  # a column's character, in pixels, at its widest (see _points)
MIN_SCALE: Final = 70  # percent: below, 11 pt text gets too small to read
NOT_PRINTED: Final = frozenset({"address", "prescriber_address", "source", "imported_at"})

_HEADER_FILL: Final = PatternFill("solid", fgColor="1F4E78")
FONT: Final = "Calibri"
_HEADER_FONT: Final = Font(name=FONT, bold=True, color="FFFFFF")
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
    sheet["A1"].font = Font(name=FONT, bold=True, size=14, color="1F4E78")
    sheet["A2"] = (f"Document maîtrisé — Réf. {schema.reference} — Révision 1 — "
                   f"Date d'application {today:%d/%m/%Y}")
    sheet["A2"].font = Font(name=FONT, italic=True, size=9, color="595959")
    sheet.row_dimensions[HEADER_ROW].height = 46  # three lines of a wrapped header

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
    _print_settings(sheet, schema)

    if schema.key == "actions":  # indicator 32 (2026): the risk analysis beside the actions
        add_risk_sheet(workbook, font=FONT, index=1, reference=schema.reference)
    journal = workbook.create_sheet(JOURNAL_SHEET)
    for index, header in enumerate(JOURNAL_HEADERS, start=1):
        cell = journal.cell(row=1, column=index, value=header)
        cell.fill = _HEADER_FILL
        cell.font = _HEADER_FONT
    for letter, width in zip("ABCDE", (18, 14, 34, 15, 60), strict=True):
        journal.column_dimensions[letter].width = width
    journal.column_dimensions["A"].number_format = "DD/MM/YYYY HH:MM:SS"
    journal.freeze_panes = "A2"
    _page(journal, schema)
    journal.print_title_rows = "1:1"
    journal.page_setup.fitToWidth = 1
    journal.page_setup.fitToHeight = 0
    journal.sheet_properties.pageSetUpPr.fitToPage = True
    return workbook


def print_layout(schema: RegisterSchema) -> tuple[int, list[list[Field]]]:
    """How the register prints: the scale (percent) and its columns page by page across.

    Each page is as wide as A4 landscape holds, the id column repeated on each; the scale is
    the largest from :data:`MIN_SCALE` that gives the fewest pages. The trailing columns kept
    for letters and for the tool (postal addresses, « Source », « Importé le ») are left out
    of the print area.
    """
    keys = [f.key for f in schema.fields]
    end = next((i for i, key in enumerate(keys) if set(keys[i:]) <= NOT_PRINTED), len(keys))
    printed = list(schema.fields[:end])
    fewest = len(_pages(printed, MIN_SCALE))
    scale = next(s for s in range(100, MIN_SCALE - 1, -1) if len(_pages(printed, s)) == fewest)
    return scale, _pages(printed, scale)


def _pages(printed: list[Field], scale: int) -> list[list[Field]]:
    room = PRINTABLE_WIDTH * FILL / (scale / 100) - _points(printed[0].width)
    pages: list[list[Field]] = [[printed[0]]]
    used = 0.0
    for field in printed[1:]:
        width = _points(field.width)
        if used + width > room and len(pages[-1]) > 1:
            pages.append([])
            used = 0.0
        pages[-1].append(field)
        used += width
    return pages


def _print_settings(sheet: Worksheet, schema: RegisterSchema) -> None:
    """A4 landscape, each page across as wide as the paper at a readable scale (a manual
    break between pages), the header row and the id column repeated, the controlled
    document's reference and the page number in the footer."""
    _page(sheet, schema)
    scale, pages = print_layout(schema)
    last = sum(len(page) for page in pages)
    # From the header row: the title block is in each page's header and footer instead.
    sheet.print_area = f"A{HEADER_ROW}:{get_column_letter(last)}{LAST_ROW}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.print_title_cols = "A:A"
    sheet.page_setup.scale = scale
    sheet.page_setup.pageOrder = "overThenDown"  # a row's pages come one after the other
    column = 0
    for page in pages[:-1]:
        column += len(page)
        sheet.col_breaks.append(Break(id=column))


def _page(sheet: Worksheet, schema: RegisterSchema) -> None:
    controlled_page(sheet, title=schema.title, reference=schema.reference, font=FONT)
    sheet.page_margins = PageMargins(left=MARGIN, right=MARGIN, top=0.6, bottom=0.6,
                                     header=0.3, footer=0.3)
    sheet.print_options.horizontalCentered = False


def _points(width: float) -> float:
    """A column's width in points, at its widest: Excel draws a character of the default
    font's digit in 7 px at 96 px per inch, LibreOffice in about 7.4 px."""
    return width * DIGIT_PX * 0.75


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
