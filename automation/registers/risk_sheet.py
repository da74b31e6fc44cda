"""The « Analyse des risques » sheet written into a new actions register: the default risks,
their 1-to-4 scale checked, the score coloured, printed A4 landscape with the document's
reference (what the sheet holds: :mod:`automation.registers.risks`)."""

from __future__ import annotations

from typing import Any, Final

from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from automation.registers.print_setup import controlled_page
from automation.registers.risks import COLUMNS, DEFAULT_RISKS, HEADER_ROW, SCALE, SHEET

_FILL: Final = PatternFill("solid", fgColor="1F4E78")
_SIDE: Final = Side(style="thin", color="A6A6A6")
_BORDER: Final = Border(left=_SIDE, right=_SIDE, top=_SIDE, bottom=_SIDE)
_HIGH: Final = PatternFill("solid", fgColor="F4B183")
_MEDIUM: Final = PatternFill("solid", fgColor="FFE699")



def add_risk_sheet(workbook: Any, *, font: str, index: int, reference: str) -> None:
    """Add the « Analyse des risques » sheet, with the default risks, at ``index``; printed,
    it carries the controlled document's ``reference`` in its footer."""
    sheet = workbook.create_sheet(SHEET, index)
    sheet["A1"] = "Analyse des risques sur la qualité des formations délivrées"
    sheet["A1"].font = Font(name=font, bold=True, size=14, color="1F4E78")
    sheet["A2"] = ("Probabilité et impact de 1 (faible) à 4 (très élevé), à évaluer par "
                   "l'organisme ; score = probabilité × impact ; revue au moins une fois par "
                   "an (« Revue le »).")
    sheet["A2"].font = Font(name=font, italic=True, size=9, color="595959")
    sheet.row_dimensions[HEADER_ROW].height = 32
    for index_, column in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, index_, column.header)
        cell.fill = _FILL
        cell.font = Font(name=font, bold=True, color="FFFFFF")
        cell.border = _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index_)].width = column.width
    first = HEADER_ROW + 1
    for offset, (risk, measures) in enumerate(DEFAULT_RISKS):
        row = first + offset
        sheet.cell(row, 1, f"R-{offset + 1:02d}")
        sheet.cell(row, 2, risk)
        sheet.cell(row, 5, f'=IF(AND(ISNUMBER(C{row}),ISNUMBER(D{row})),C{row}*D{row},"")')
        sheet.cell(row, 6, measures)
        sheet.cell(row, 8).number_format = "DD/MM/YYYY"
        for col in range(1, len(COLUMNS) + 1):
            sheet.cell(row, col).alignment = Alignment(wrap_text=True, vertical="top")
            sheet.cell(row, col).border = _BORDER
    last = first + len(DEFAULT_RISKS) + 50  # room for the office's own risks
    scale = DataValidation(type="whole", operator="between", formula1=str(SCALE[0]),
                           formula2=str(SCALE[1]), allow_blank=True, showErrorMessage=True,
                           errorTitle="Cotation invalide",
                           error="Saisissez un nombre entier de 1 à 4.")
    scale.add(f"C{first}:D{last}")
    sheet.add_data_validation(scale)
    sheet.conditional_formatting.add(
        f"E{first}:E{last}", CellIsRule(operator="greaterThanOrEqual", formula=["9"],
                                        fill=_HIGH))
    sheet.conditional_formatting.add(
        f"E{first}:E{last}", CellIsRule(operator="between", formula=["4", "8"], fill=_MEDIUM))
    sheet.freeze_panes = f"C{first}"
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{HEADER_ROW}"
    controlled_page(sheet, title=SHEET, reference=reference, font=font)
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
