"""The « Indicateurs » sheets of the dashboard workbook, with native Excel charts.

:func:`write_indicator_sheets` is called by the dashboard writer
(:mod:`automation.deadlines.dashboard`) on the workbook it is about to save. Given an
:class:`~automation.indicators.book.IndicatorBook`, it replaces every « Indicateurs AAAA »
sheet: one per year, the figures of the whole office and of each training side by side with
their methods, then month-by-month and by-category tables, each charted (satisfaction and NPS
by month, complaints by month and by category, delays against their targets, dropouts and
cancellations by motive). Without a book the sheets are left as they are: openpyxl reads
charts back when it loads the workbook, so the « À traiter » refresh keeps them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any, Final

from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from automation.clock import paris_naive
from automation.indicators.book import IndicatorBook, YearFigures

__all__ = ["IndicatorBook", "write_indicator_sheets"]
from automation.indicators.results import IndicatorResult, Unit
from automation.text import clean_text, looks_like_formula

SHEET_PREFIX: Final = "Indicateurs"
CHARTS_SUFFIX: Final = " par mois"
# Only the sheets this module names are replaced: a sheet a person named otherwise stays.
OURS: Final = re.compile(rf"^{SHEET_PREFIX} \d{{4}}({CHARTS_SUFFIX})?$")
METHOD_CHARS_PER_LINE: Final = 80
HEADER_FILL: Final = "D9D9D9"
CHART_ROWS: Final = 17  # rows a chart (7.5 cm high) takes, with a gap
NO_DATA: Final = "pas de données"
FORMATS: Final = {Unit.PERCENT: '0.0" %"', Unit.SCORE: "0.00", Unit.POINTS: "+0;-0;0",
                  Unit.PER_100: "0.00", Unit.WORKING_DAYS: "0.0"}


@dataclass(frozen=True)
class ChartSpec:
    """One chart of a sheet: the columns of its series, the rows of its table, where it goes."""

    sheet: str
    kind: str  # "line" or "bar"
    title: str
    y_title: str
    first_col: int  # the series' columns, their header in header_row
    last_col: int
    header_row: int  # categories are in column A below it
    last_row: int
    anchor: str


def write_indicator_sheets(workbook: Any, book: IndicatorBook | None) -> None:
    """Replace the « Indicateurs » sheets with those of ``book``; without one, leave them."""
    if book is None:
        return
    for name in list(workbook.sheetnames):
        if OURS.match(name):
            workbook.remove(workbook[name])
    for figures in book.years:
        for spec in _year_sheet(workbook, figures, book):
            _draw(workbook[spec.sheet], spec)


def _year_sheet(workbook: Any, figures: YearFigures, book: IndicatorBook) -> list[ChartSpec]:
    name = f"{SHEET_PREFIX} {figures.period.key}"
    sheet = workbook.create_sheet(name)
    generated = paris_naive(book.generated_at)
    sheet["A1"] = f"Indicateurs — {figures.period.label}"
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = (f"Mis à jour le {generated:%d/%m/%Y à %H:%M} · référentiel "
                   f"{figures.office.referential_version} · une case « {NO_DATA} » porte en "
                   f"commentaire ce qui manque")
    reports = (figures.office, *figures.trainings)
    headers = ["Indicateur", "Unité", "Ensemble", *(r.training for r in figures.trainings),
               "Méthode"]
    _header(sheet, 4, headers)
    for row, result in enumerate(figures.office.results, start=5):
        _put(sheet.cell(row, 1), result.label)
        _put(sheet.cell(row, 2), str(result.unit))
        for col in range(1, len(headers) + 1):
            sheet.cell(row, col).alignment = Alignment(vertical="top")
        for col, report in enumerate(reports, start=3):
            _value(sheet.cell(row, col), report.result(result.key))
        _put(sheet.cell(row, len(headers)), result.method)
        sheet.cell(row, len(headers)).alignment = Alignment(wrap_text=True, vertical="top")
        lines = -(-len(result.method) // METHOD_CHARS_PER_LINE)
        sheet.row_dimensions[row].height = 13 * max(lines, 1)
    sheet.column_dimensions["A"].width = 38
    sheet.column_dimensions["B"].width = 18
    for col in range(3, len(headers)):
        sheet.column_dimensions[get_column_letter(col)].width = 14
    sheet.column_dimensions[get_column_letter(len(headers))].width = 70
    sheet.freeze_panes = "C5"
    sheet.row_dimensions[4].height = 30
    _print_on_one_width(sheet)
    monthly = workbook.create_sheet(f"{name}{CHARTS_SUFFIX}")
    monthly["A1"] = f"Indicateurs par mois et par catégorie — {figures.period.label}"
    monthly["A1"].font = Font(bold=True, size=14)
    monthly["A2"] = f"Mis à jour le {generated:%d/%m/%Y à %H:%M} · ensemble de l'organisme"
    monthly.column_dimensions["A"].width = 30
    for col in range(2, 11):
        monthly.column_dimensions[get_column_letter(col)].width = 13
    _print_on_one_width(monthly)
    specs, last = _tables(monthly, figures, 4, book)
    # Two charts a row below the tables, so that the sheet prints on the width of one page.
    return [replace(spec, anchor=f"{'AF'[i % 2]}{last + 2 + CHART_ROWS * (i // 2)}")
            for i, spec in enumerate(specs)]


def _print_on_one_width(sheet: Any) -> None:
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0


def _tables(sheet: Any, figures: YearFigures, top: int,
            book: IndicatorBook) -> tuple[list[ChartSpec], int]:
    rules = book.rules
    columns = (("Taux de satisfaction (%)", "satisfaction_rate"), ("NPS (points)", "nps"),
               ("Réclamations", "complaints"), ("Abandons validés", "dropouts_by_reason"),
               ("Annulations", "cancellations"),
               ("Délai médian d'accusé (j ouvrés)", "median_days_to_acknowledge"),
               ("Objectif d'accusé", ""),
               ("Délai médian de réponse (j ouvrés)", "median_days_to_answer"),
               ("Objectif de réponse", ""))
    sheet.cell(top, 1, "Par mois — ensemble de l'organisme").font = Font(bold=True)
    _header(sheet, top + 1, ["Mois", *(title for title, _ in columns)])
    sheet.row_dimensions[top + 1].height = 45
    for row, month in enumerate(figures.months, start=top + 2):
        _put(sheet.cell(row, 1), month.period.label)
        for col, (title, key) in enumerate(columns, start=2):
            if key:
                value = month.result(key).value
                sheet.cell(row, col, round(value, 2) if value is not None else None)
            else:
                sheet.cell(row, col, rules.acknowledge_days if "accusé" in title
                           else rules.answer_days)
    last = top + 1 + len(figures.months)
    name = sheet.title
    specs = [
        ChartSpec(name, "line", "Satisfaction (%) et NPS par mois", "% / points", 2, 3,
                  top + 1, last, ""),
        ChartSpec(name, "bar", "Réclamations, abandons et annulations par mois", "nombre", 4, 6,
                  top + 1, last, ""),
        ChartSpec(name, "line", "Délais médians et objectifs (jours ouvrés)", "jours ouvrés",
                  7, 10, top + 1, last, ""),
    ]
    row = last + 2
    for title, key in (
            ("Réclamations par catégorie", "complaints_by_category"),
            ("Abandons validés par motif", "dropouts_by_reason"),
            ("Annulations et reports par motif", "cancellations_by_motive")):
        parts = figures.office.result(key).parts
        sheet.cell(row, 1, f"{title} — {figures.period.label}").font = Font(bold=True)
        _header(sheet, row + 1, ["Catégorie", "Nombre"])
        for offset, part in enumerate(parts, start=row + 2):
            _put(sheet.cell(offset, 1), part.label)
            sheet.cell(offset, 2, part.count)
        if not parts:
            sheet.cell(row + 2, 1, "aucune sur la période")
        else:
            specs.append(ChartSpec(name, "bar", title, "nombre", 2, 2, row + 1,
                                   row + 1 + len(parts), ""))
        row += 4 + max(len(parts), 1)
    return specs, row


def _header(sheet: Any, row: int, titles: Sequence[str]) -> None:
    for col, title in enumerate(titles, start=1):
        cell = sheet.cell(row, col)
        _put(cell, title)
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER_FILL)
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _value(cell: Any, result: IndicatorResult) -> None:
    if result.value is None:
        cell.value = NO_DATA
        cell.font = Font(italic=True, color="808080")
        if result.missing:
            cell.comment = Comment(result.missing, "automation")
        return
    cell.value = round(result.value, 2)
    cell.number_format = FORMATS.get(result.unit, "0")


def _put(cell: Any, text: str) -> None:
    value = clean_text(text)
    cell.value = value
    if looks_like_formula(value):  # a training's name from a register is never a formula
        cell.data_type = "s"
        cell.quotePrefix = True


def _draw(sheet: Any, spec: ChartSpec) -> None:
    chart: Any = LineChart() if spec.kind == "line" else BarChart()
    chart.title = spec.title
    chart.y_axis.title = spec.y_title
    chart.height, chart.width = 7.5, 16
    data = Reference(sheet, min_col=spec.first_col, max_col=spec.last_col,
                     min_row=spec.header_row, max_row=spec.last_row)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(sheet, min_col=1, min_row=spec.header_row + 1,
                                   max_row=spec.last_row))
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.x_axis.tickLblPos = "low"  # month names below the plot, even under negative NPS
    if spec.kind == "line":
        chart.display_blanks = "span"  # a month without data does not break the line
        for series in chart.series:
            series.marker.symbol = "circle"
            series.smooth = False
    sheet.add_chart(chart, spec.anchor)
