"""Build ``tests/data/reg-log-*``: complaint logs as offices really keep them by hand.

    .venv/bin/python tests/build_office_logs.py        # rewrites tests/data/reg-log-*

* ``reg-log-reclamations-excel.xlsx`` — written part by part as Excel writes it (cached
  values everywhere): a merged title, counters above the header (``=COUNTA(A5:A8)``,
  ``=COUNTIF(F5:F8,"Ouverte")``), the office's own headers (« N° récl. », « Date »,
  « Client / stagiaire », « Motif », « Traitement », « Statut », « Remarques »), its own
  numbering (R26-01…), a date typed as « le 3 mars », a ``TOTAL | =COUNTA(A5:A8)`` row under
  the data, its status list on the « Listes » sheet (Ouverte / En cours / Clôturée) with a
  conditional format colouring the open ones, a print area, and a « Synthèse » sheet whose
  formulas point at the log.
* ``reg-log-reclamations-table.xlsx`` — an Excel table with a totals row (``SUBTOTAL(103,…)``,
  a « Total » label), a calculated column, numbering ``2026-001``.
* ``reg-log-reclamations-openpyxl.xlsx`` — written by openpyxl, as web exports and scripts
  write files: formulas without cached values, rows with a gap between them, a date typed
  « 03/03 », a formula a person typed once in the last row, a ``TOTAL`` row with ``=COUNTA``
  and ``=SUM``, the list on another sheet (Ouvert / En traitement / Terminé), ids ``PL-1``.
* ``reg-log-reclamations-libreoffice.xlsx`` — the previous one opened and saved by
  LibreOffice Calc (its own styles, shared strings and ``<f aca="false">`` cells).
* ``reg-log-reclamations-annotated.xlsx`` — the openpyxl log as the quality manager marked
  it up: a note on the total's count (« Compté par la formule »), a note on a data cell, the
  office's logo beside the title, and under the totals her stamp « Visa RQ » (one-cell
  anchor) and a signature box drawn over three rows (two-cell anchor); written by openpyxl
  (comments with their VML shapes, a drawing part). The ``-libreoffice`` one is it saved
  again by LibreOffice Calc (its own VML and anchors).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import sys
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.drawing.image import Image
from openpyxl.drawing.spreadsheet_drawing import AnchorMarker, TwoCellAnchor
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

if __package__ in (None, ""):  # run as a script: the repository is the import root
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.build_office_workbooks import (
    DECL,
    EXCEL_DATE,
    MAIN,
    REL,
    Strings,
    col,
    png,
    rels,
    serial,
)

DATA = Path(__file__).resolve().parent / "data"
EXCEL_LOG = DATA / "reg-log-reclamations-excel.xlsx"
TABLE_LOG = DATA / "reg-log-reclamations-table.xlsx"
OPENPYXL_LOG = DATA / "reg-log-reclamations-openpyxl.xlsx"
LIBREOFFICE_LOG = DATA / "reg-log-reclamations-libreoffice.xlsx"
ANNOTATED_LOG = DATA / "reg-log-reclamations-annotated.xlsx"
ANNOTATED_LIBREOFFICE_LOG = DATA / "reg-log-reclamations-annotated-libreoffice.xlsx"

DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT = "application/vnd.openxmlformats-officedocument."

LOG_SHEET = "Réclamations 2026"
LOG_HEADERS = ("N° récl.", "Date", "Client / stagiaire", "Motif", "Traitement", "Statut",
               "Remarques")
LOG_HEADER_ROW = 4
OFFICE_STATUSES = ("Ouverte", "En cours", "Clôturée")
LOG_ROWS = (
    ("R26-01", date(2026, 1, 12), "Sophie Martin", "Salle trop froide",
     "Chauffage réparé le 14/01", "Clôturée", ""),
    ("R26-02", date(2026, 2, 3), "ACME (client)", "Facture erronée", "Avoir émis",
     "Clôturée", "Réglé par téléphone"),
    ("R26-03", "le 3 mars", "Paul Durand", "Formateur absent", "Séance reportée au 10/03",
     "En cours", ""),
    ("R26-04", date(2026, 3, 17), "Awa Diallo", "Support de cours manquant", "", "Ouverte", ""),
)
LOG_TOTAL_ROW = LOG_HEADER_ROW + len(LOG_ROWS) + 1  # 9
# cellXfs of the hand-written logs
S_TITLE, S_HEADER, S_TEXT, S_DATE, S_TOTAL, S_NOTE, S_NUMBER = 1, 2, 3, 4, 5, 6, 7

TABLE_SHEET = "Suivi"
TABLE_HEADERS = ("N°", "Reçue le", "Déclarant", "Objet", "Statut", "Jours ouverts")
TABLE_HEADER_ROW = 3
TABLE_ROWS = (
    ("2026-001", date(2026, 9, 1), "Marc Petit", "Retard de convocation", "Close"),
    ("2026-002", date(2026, 10, 6), "Lina Roux", "Salle inadaptée", "En cours"),
    ("2026-003", date(2026, 11, 2), "OPCO Atlas", "Attestation manquante", "Nouvelle"),
)
TABLE_TOTAL_ROW = TABLE_HEADER_ROW + len(TABLE_ROWS) + 1  # 7
CALCULATED = "IF(Suivi[[#This Row],[Reçue le]]=\"\",\"\",TODAY()-Suivi[[#This Row],[Reçue le]])"

OPENPYXL_SHEET = "Plaintes"
OPENPYXL_HEADERS = ("N°", "Date", "Nom", "Objet", "Statut", "Montant remboursé (€)",
                    "Remarques")
OPENPYXL_HEADER_ROW = 3
OPENPYXL_TOTAL_ROW = 9
TOTAL_NOTE = "Compté par la formule : ne pas saisir."
DATA_NOTE = "Client rappelé le 05/03."
STAMP_ROW = OPENPYXL_TOTAL_ROW + 2  # « Visa RQ », one-cell anchor at A11
SIGNATURE_ROWS = (OPENPYXL_TOTAL_ROW + 3, OPENPYXL_TOTAL_ROW + 6)  # rows 12 to 15, C to E


def text_cell(ref: str, text: str, style: int, strings: Strings) -> str:
    return f'<c r="{ref}" s="{style}" t="s"><v>{strings(text)}</v></c>'


def formula_cell(ref: str, formula: str, value: object, style: int) -> str:
    kind = ' t="str"' if isinstance(value, str) else ""
    return f'<c r="{ref}" s="{style}"{kind}><f>{escape(formula)}</f><v>{value}</v></c>'


STYLES = (
    f'{DECL}<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" '
    'formatCode="dd/mm/yyyy"/></numFmts>'
    '<fonts count="4"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="14"/><color rgb="FF1F4E79"/><name val="Calibri"/><family val="2"/>'
    '</font><font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family '
    'val="2"/></font><font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '</fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill>'
    '<patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid">'
    '<fgColor rgb="FF2F5597"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>'
    '<left style="thin"><color rgb="FFA6A6A6"/></left><right style="thin"><color '
    'rgb="FFA6A6A6"/></right><top style="thin"><color rgb="FFA6A6A6"/></top><bottom '
    'style="thin"><color rgb="FFA6A6A6"/></bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '</cellStyleXfs><cellXfs count="8"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" '
    'xfId="0"/><xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" '
    'applyFill="1" applyBorder="1" applyAlignment="1"><alignment vertical="center" '
    'wrapText="1"/></xf><xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" '
    'applyBorder="1"/><xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" '
    'applyNumberFormat="1" applyBorder="1"/><xf numFmtId="0" fontId="3" fillId="0" '
    'borderId="1" xfId="0" applyFont="1" applyBorder="1"/><xf numFmtId="0" fontId="0" '
    'fillId="0" borderId="0" xfId="0"/><xf numFmtId="1" fontId="3" fillId="0" borderId="1" '
    'xfId="0" applyNumberFormat="1" applyFont="1" applyBorder="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="1"><dxf><font><color rgb="FF9C0006"/></font><fill><patternFill><bgColor '
    'rgb="FFFFC7CE"/></patternFill></fill></dxf></dxfs><tableStyles count="0" '
    'defaultTableStyle="TableStyleMedium2" defaultPivotStyle="PivotStyleLight16"/>'
    '</styleSheet>')


def worksheet(body: str, *, dimension: str, cols: str = "", tail: str = "",
              pane: int | None = None) -> str:
    view = (f'<sheetView workbookViewId="0"><pane ySplit="{pane}" topLeftCell="A{pane + 1}" '
            'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" '
            f'activeCell="A{pane + 1}" sqref="A{pane + 1}"/></sheetView>'
            if pane else '<sheetView workbookViewId="0"/>')
    return (f'{DECL}<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="{dimension}"/>'
            f'<sheetViews>{view}</sheetViews><sheetFormatPr defaultRowHeight="15"/>{cols}'
            f'<sheetData>{body}</sheetData>{tail}</worksheet>')


def excel_log_sheet(strings: Strings) -> str:
    h, last = LOG_HEADER_ROW, LOG_HEADER_ROW + len(LOG_ROWS)
    rows = ['<row r="1" spans="1:7" ht="21" customHeight="1">'
            + text_cell("A1", "Registre des réclamations 2026", S_TITLE, strings)
            + "".join(f'<c r="{col(i)}1" s="{S_TITLE}"/>' for i in range(2, 8)) + "</row>",
            '<row r="2" spans="1:7">'
            + text_cell("A2", "Réclamations enregistrées :", S_NOTE, strings)
            + formula_cell("C2", f"COUNTA(A{h + 1}:A{last})", len(LOG_ROWS), S_NOTE)
            + text_cell("D2", "dont ouvertes :", S_NOTE, strings)
            + formula_cell("E2", f'COUNTIF(F{h + 1}:F{last},"Ouverte")', 1, S_NOTE) + "</row>",
            f'<row r="{h}" spans="1:7" ht="30" customHeight="1">'
            + "".join(text_cell(f"{col(i)}{h}", t, S_HEADER, strings)
                      for i, t in enumerate(LOG_HEADERS, 1)) + "</row>"]
    for n, values in enumerate(LOG_ROWS, start=h + 1):
        cells = []
        for i, value in enumerate(values, 1):
            ref = f"{col(i)}{n}"
            if isinstance(value, date):
                cells.append(f'<c r="{ref}" s="{S_DATE}"><v>{serial(value)}</v></c>')
            elif value:
                cells.append(text_cell(ref, value, S_TEXT, strings))
            else:
                cells.append(f'<c r="{ref}" s="{S_TEXT}"/>')
        rows.append(f'<row r="{n}" spans="1:7">{"".join(cells)}</row>')
    t = LOG_TOTAL_ROW
    rows.append(f'<row r="{t}" spans="1:7">' + text_cell(f"A{t}", "TOTAL", S_TOTAL, strings)
                + formula_cell(f"B{t}", f"COUNTA(A{h + 1}:A{last})", len(LOG_ROWS), S_NUMBER)
                + "".join(f'<c r="{col(i)}{t}" s="{S_TOTAL}"/>' for i in range(3, 8)) + "</row>")
    cols = ('<cols><col min="1" max="2" width="12.7109375" customWidth="1"/><col min="3" '
            'max="3" width="24.7109375" customWidth="1"/><col min="4" max="5" width="30.7109375" '
            'customWidth="1"/><col min="6" max="6" width="12.7109375" customWidth="1"/><col '
            'min="7" max="7" width="28.7109375" customWidth="1"/></cols>')
    tail = (f'<autoFilter ref="A{h}:G{last}"/><mergeCells count="1"><mergeCell ref="A1:G1"/>'
            f'</mergeCells><conditionalFormatting sqref="A{h + 1}:G{last}"><cfRule '
            f'type="expression" dxfId="0" priority="1"><formula>$F{h + 1}="Ouverte"</formula>'
            f'</cfRule></conditionalFormatting><dataValidations count="1"><dataValidation '
            f'type="list" allowBlank="1" showInputMessage="1" showErrorMessage="1" '
            f'sqref="F{h + 1}:F{last}"><formula1>Listes!$A$2:$A$4</formula1></dataValidation>'
            '</dataValidations><pageMargins left="0.25" right="0.25" top="0.75" bottom="0.75" '
            'header="0.3" footer="0.3"/><pageSetup paperSize="9" orientation="landscape"/>')
    return worksheet("".join(rows), dimension=f"A1:G{t}", cols=cols, tail=tail, pane=h)


def lists_sheet(strings: Strings, values: tuple[str, ...]) -> str:
    rows = [f'<row r="1">{text_cell("A1", "Statuts", S_HEADER, strings)}</row>']
    rows += [f'<row r="{n}">{text_cell(f"A{n}", v, 0, strings)}</row>'
             for n, v in enumerate(values, start=2)]
    return worksheet("".join(rows), dimension=f"A1:A{len(values) + 1}")


def synthesis_sheet(strings: Strings) -> str:
    quoted = f"'{LOG_SHEET}'"
    h, last = LOG_HEADER_ROW, LOG_HEADER_ROW + len(LOG_ROWS)
    rows = ['<row r="1">' + text_cell("A1", "Total des réclamations", 0, strings)
            + formula_cell("B1", f"{quoted}!B{LOG_TOTAL_ROW}", len(LOG_ROWS), 0) + "</row>",
            '<row r="2">' + text_cell("A2", "Ouvertes", 0, strings)
            + formula_cell("B2", f'COUNTIF({quoted}!F{h + 1}:F{last},"Ouverte")', 1, 0)
            + "</row>",
            '<row r="3">' + text_cell("A3", "Premier statut de la liste", 0, strings)
            + formula_cell("B3", "Listes!A2", "Ouverte", 0) + "</row>"]
    return worksheet("".join(rows), dimension="A1:B3")


def table_sheet(strings: Strings) -> str:
    h = TABLE_HEADER_ROW
    rows = [f'<row r="1" spans="1:6">{text_cell("A1", "Suivi des réclamations", S_TITLE, strings)}'
            "</row>",
            f'<row r="{h}" spans="1:6">' + "".join(
                text_cell(f"{col(i)}{h}", t, S_HEADER, strings)
                for i, t in enumerate(TABLE_HEADERS, 1)) + "</row>"]
    for n, (rid, day, name, subject, status) in enumerate(TABLE_ROWS, start=h + 1):
        rows.append(f'<row r="{n}" spans="1:6">' + text_cell(f"A{n}", rid, S_TEXT, strings)
                    + f'<c r="B{n}" s="{S_DATE}"><v>{serial(day)}</v></c>'
                    + text_cell(f"C{n}", name, S_TEXT, strings)
                    + text_cell(f"D{n}", subject, S_TEXT, strings)
                    + text_cell(f"E{n}", status, S_TEXT, strings)
                    + formula_cell(f"F{n}", CALCULATED, (date(2026, 11, 20) - day).days,
                                   S_TEXT) + "</row>")
    t = TABLE_TOTAL_ROW
    rows.append(f'<row r="{t}" spans="1:6">' + text_cell(f"A{t}", "Total", S_TOTAL, strings)
                + f'<c r="B{t}" s="{S_TOTAL}"/>'
                + formula_cell(f"C{t}", "SUBTOTAL(103,Suivi[Déclarant])", len(TABLE_ROWS),
                               S_NUMBER)
                + "".join(f'<c r="{col(i)}{t}" s="{S_TOTAL}"/>' for i in range(4, 7)) + "</row>")
    tail = (f'<dataValidations count="1"><dataValidation type="list" allowBlank="1" '
            f'showErrorMessage="1" sqref="E{h + 1}:E{t - 1}"><formula1>"Nouvelle,En cours,'
            'Résolue,Close"</formula1></dataValidation></dataValidations><pageMargins '
            'left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/>'
            '<tableParts count="1"><tablePart r:id="rId1"/></tableParts>')
    cols = ('<cols><col min="1" max="2" width="12.7109375" customWidth="1"/><col min="3" '
            'max="4" width="26.7109375" customWidth="1"/><col min="5" max="6" width="14.7109375" '
            'customWidth="1"/></cols>')
    return worksheet("".join(rows), dimension=f"A1:F{t}", cols=cols, tail=tail, pane=h)


def table_part() -> str:
    h, t = TABLE_HEADER_ROW, TABLE_TOTAL_ROW
    columns = []
    for i, header in enumerate(TABLE_HEADERS, 1):
        if i == 1:
            columns.append(f'<tableColumn id="{i}" name="{escape(header)}" '
                           'totalsRowLabel="Total"/>')
        elif header == "Déclarant":
            columns.append(f'<tableColumn id="{i}" name="{escape(header)}" '
                           'totalsRowFunction="count"/>')
        elif header == "Jours ouverts":
            columns.append(f'<tableColumn id="{i}" name="{escape(header)}">'
                           f"<calculatedColumnFormula>{escape(CALCULATED)}"
                           "</calculatedColumnFormula></tableColumn>")
        else:
            columns.append(f'<tableColumn id="{i}" name="{escape(header)}"/>')
    return (f'{DECL}<table xmlns="{MAIN}" id="1" name="Suivi" displayName="Suivi" '
            f'ref="A{h}:F{t}" totalsRowCount="1"><autoFilter ref="A{h}:F{t - 1}"/>'
            f'<tableColumns count="{len(TABLE_HEADERS)}">{"".join(columns)}</tableColumns>'
            '<tableStyleInfo name="TableStyleMedium2" showFirstColumn="0" showLastColumn="0" '
            'showRowStripes="1" showColumnStripes="0"/></table>')


def package(sheets: list[tuple[str, str]], strings: Strings, *, defined: str = "",
            tables: list[tuple[int, str]] | None = None) -> list[tuple[str, str]]:
    """The members of a workbook: ``sheets`` as (name, xml), ``tables`` as (sheet index, xml)."""
    tables = tables or []
    overrides = [("/xl/workbook.xml", CT + "spreadsheetml.sheet.main+xml"),
                 *((f"/xl/worksheets/sheet{i}.xml", CT + "spreadsheetml.worksheet+xml")
                   for i in range(1, len(sheets) + 1)),
                 *((f"/xl/tables/table{n}.xml", CT + "spreadsheetml.table+xml")
                   for n in range(1, len(tables) + 1)),
                 ("/xl/styles.xml", CT + "spreadsheetml.styles+xml"),
                 ("/xl/sharedStrings.xml", CT + "spreadsheetml.sharedStrings+xml"),
                 ("/docProps/core.xml",
                  "application/vnd.openxmlformats-package.core-properties+xml"),
                 ("/docProps/app.xml", CT + "extended-properties+xml")]
    content_types = (
        f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        + "</Types>")
    sheet_tags = "".join(f'<sheet name="{escape(name)}" sheetId="{i}" r:id="rId{i}"/>'
                         for i, (name, _) in enumerate(sheets, 1))
    workbook = (f'{DECL}<workbook xmlns="{MAIN}" xmlns:r="{REL}"><fileVersion appName="xl" '
                'lastEdited="7" lowestEdited="7" rupBuild="27425"/><workbookPr '
                'defaultThemeVersion="166925"/><bookViews><workbookView xWindow="-120" '
                'yWindow="-120" windowWidth="29040" windowHeight="15720"/></bookViews>'
                f"<sheets>{sheet_tags}</sheets>{defined}<calcPr calcId=\"191029\"/></workbook>")
    count = len(sheets)
    workbook_rels = [*((f"rId{i}", DOC + "worksheet", f"worksheets/sheet{i}.xml")
                       for i in range(1, count + 1)),
                     (f"rId{count + 1}", DOC + "styles", "styles.xml"),
                     (f"rId{count + 2}", DOC + "sharedStrings", "sharedStrings.xml")]
    core = (f'{DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:xsi="http://www.w3.org/2001/'
            'XMLSchema-instance"><dc:creator>Accueil</dc:creator><cp:lastModifiedBy>Accueil'
            '</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2026-01-05T08:00:00Z'
            '</dcterms:created><dcterms:modified xsi:type="dcterms:W3CDTF">2026-03-18T17:02:00Z'
            '</dcterms:modified></cp:coreProperties>')
    app = (f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'extended-properties"><Application>Microsoft Excel</Application><AppVersion>16.0300'
           '</AppVersion></Properties>')
    members = [("[Content_Types].xml", content_types),
               ("_rels/.rels", rels(("rId3", DOC + "extended-properties", "docProps/app.xml"),
                                    ("rId2", "http://schemas.openxmlformats.org/package/2006/"
                                     "relationships/metadata/core-properties",
                                     "docProps/core.xml"),
                                    ("rId1", DOC + "officeDocument", "xl/workbook.xml"))),
               ("xl/workbook.xml", workbook),
               ("xl/_rels/workbook.xml.rels", rels(*workbook_rels))]
    members += [(f"xl/worksheets/sheet{i}.xml", xml) for i, (_, xml) in enumerate(sheets, 1)]
    for n, (index, xml) in enumerate(tables, 1):
        members.append((f"xl/worksheets/_rels/sheet{index}.xml.rels",
                        rels(("rId1", DOC + "table", f"../tables/table{n}.xml"))))
        members.append((f"xl/tables/table{n}.xml", xml))
    members += [("xl/styles.xml", STYLES), ("xl/sharedStrings.xml", strings.xml()),
                ("docProps/core.xml", core), ("docProps/app.xml", app)]
    return members


def write_zip(path: Path, members: list[tuple[str, str]]) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, EXCEL_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data.encode("utf-8"))
    return path


def build_excel_log(path: Path) -> Path:
    strings = Strings()
    log = excel_log_sheet(strings)
    lists = lists_sheet(strings, OFFICE_STATUSES)
    synthesis = synthesis_sheet(strings)
    quoted = f"'{LOG_SHEET}'"
    defined = (f'<definedNames><definedName name="_xlnm._FilterDatabase" localSheetId="0" '
               f'hidden="1">{escape(quoted)}!$A${LOG_HEADER_ROW}:$G${LOG_TOTAL_ROW - 1}'
               f'</definedName><definedName name="_xlnm.Print_Area" localSheetId="0">'
               f"{escape(quoted)}!$A$1:$G${LOG_TOTAL_ROW}</definedName></definedNames>")
    return write_zip(path, package([(LOG_SHEET, log), ("Listes", lists),
                                    ("Synthèse", synthesis)], strings, defined=defined))


def build_table_log(path: Path) -> Path:
    strings = Strings()
    sheet = table_sheet(strings)
    return write_zip(path, package([(TABLE_SHEET, sheet)], strings, tables=[(1, table_part())]))


def build_openpyxl_log(path: Path) -> Path:
    openpyxl_log().save(path)
    return path


def build_annotated_log(path: Path) -> Path:
    """The openpyxl log with its notes and pictures (see the module docstring)."""
    workbook = openpyxl_log()
    sheet = workbook[OPENPYXL_SHEET]
    sheet.cell(OPENPYXL_TOTAL_ROW, 2).comment = Comment(TOTAL_NOTE, "Qualité")
    sheet["D6"].comment = Comment(DATA_NOTE, "Accueil")
    logo = Image(io.BytesIO(png()))
    sheet.add_image(logo, "F1")
    stamp = Image(io.BytesIO(png()))
    sheet.add_image(stamp, f"A{STAMP_ROW}")
    signature = Image(io.BytesIO(png()))
    top, bottom = SIGNATURE_ROWS
    signature.anchor = TwoCellAnchor(_from=AnchorMarker(col=2, row=top - 1),
                                     to=AnchorMarker(col=5, row=bottom - 1))
    sheet.add_image(signature)
    workbook.save(path)
    return path


def openpyxl_log() -> Workbook:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = OPENPYXL_SHEET
    sheet["A1"] = "Plaintes reçues — export du tableur partagé"
    sheet["A1"].font = Font(bold=True, size=13)
    h = OPENPYXL_HEADER_ROW
    for index, header in enumerate(OPENPYXL_HEADERS, 1):
        cell = sheet.cell(h, index, header)
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="548235")
    rows = {4: ("PL-1", datetime(2026, 2, 2), "Jeanne Roy", "Retard du formateur", "Terminé",
                0, None),
            6: ("PL-2", "03/03", "Hugo Blanc", "Support illisible", "En traitement", 45.5,
                "Rappelé le 04/03"),
            7: ("PL-3", datetime(2026, 3, 9), "Société Lumen", "Facture en double", "Ouvert",
                120, '=D7&" (voir)"')}
    for number, values in rows.items():  # row 5 left empty by the person: a gap
        for index, value in enumerate(values, 1):
            if value is not None:
                sheet.cell(number, index, value)
        sheet.cell(number, 2).number_format = "DD/MM/YYYY"
        sheet.cell(number, 6).number_format = "0.00"
    t = OPENPYXL_TOTAL_ROW
    sheet.cell(t, 1, "TOTAL").font = Font(bold=True)
    sheet.cell(t, 2, f"=COUNTA(A{h + 1}:A{t - 1})").font = Font(bold=True)
    sheet.cell(t, 6, f"=SUM(F{h + 1}:F{t - 1})").font = Font(bold=True)
    sheet.cell(t, 6).number_format = "0.00"
    lists = workbook.create_sheet("Listes")
    for value in ("Ouvert", "En traitement", "Terminé"):
        lists.append([value])
    validation = DataValidation(type="list", formula1="Listes!$A$1:$A$3", allow_blank=True)
    validation.add(f"E{h + 1}:E{t - 1}")
    sheet.add_data_validation(validation)
    sheet.conditional_formatting.add(
        f"A{h + 1}:G{t - 1}", FormulaRule(formula=[f'$E{h + 1}="Ouvert"'],
                                           fill=PatternFill("solid", bgColor="FFC7CE")))
    for letter, width in zip("ABCDEFG", (8, 12, 18, 26, 14, 12, 22), strict=True):
        sheet.column_dimensions[letter].width = width
    return workbook


def build_libreoffice_log(path: Path, source: Path) -> Path:
    """``source`` opened and saved again by LibreOffice Calc (needs ``soffice``)."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise SystemExit("LibreOffice (soffice) is needed to build " + path.name)
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        done = subprocess.run(
            [soffice, f"-env:UserInstallation=file://{folder / 'profile'}", "--headless",
             "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", str(folder / "out"),
             str(source)], capture_output=True, text=True, timeout=180, check=False)
        if done.returncode != 0:
            raise SystemExit(done.stderr)
        shutil.copyfile(folder / "out" / source.name, path)
    return path


def main() -> None:
    built = [build_excel_log(EXCEL_LOG), build_table_log(TABLE_LOG),
             build_openpyxl_log(OPENPYXL_LOG)]
    built.append(build_libreoffice_log(LIBREOFFICE_LOG, OPENPYXL_LOG))
    built.append(build_annotated_log(ANNOTATED_LOG))
    built.append(build_libreoffice_log(ANNOTATED_LIBREOFFICE_LOG, ANNOTATED_LOG))
    for path in built:
        sys.stdout.write(f"{path.relative_to(DATA.parent.parent)}\n")


if __name__ == "__main__":
    main()
