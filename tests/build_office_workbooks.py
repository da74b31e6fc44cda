"""Build the office workbooks of ``tests/data/reg-office-*``, part by part, as Excel writes them.

An office's register, built over years in Excel: a title block with merged cells and a logo,
the header on row 5, frozen panes, an Excel table with filters, a cross-sheet dropdown stored
as an x14 extension (fed by the "Listes" sheet), a standard dropdown, a conditional format
flagging late answers and an x14 data bar, a filled-down (shared) formula counting the days
to answer, a table calculated column, a comment, print settings, defined names, custom XML,
a "Journal" sheet, and, for the .xlsm, a VBA project. openpyxl cannot write half of this, so
the XML is written by hand, with Excel's namespaces, attribute order and zip layout.

    .venv/bin/python tests/build_office_workbooks.py        # rewrites tests/data/reg-office-*

``build_office_workbook(path, rows=N)`` is also used by the tests and the benchmark.
"""

from __future__ import annotations

import struct
import sys
import zipfile
import zlib
from datetime import date, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

DATA = Path(__file__).resolve().parent / "data"

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
XR = "http://schemas.microsoft.com/office/spreadsheetml/2014/revision"
X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
XM = "http://schemas.microsoft.com/office/excel/2006/main"
DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
EXCEL_DATE = (1980, 1, 1, 0, 0, 0)

SHEET_NAME = "Registre"
HEADER_ROW = 5
# Column headers as this office wrote them (synonyms and accents on purpose).
HEADERS = ("N°", "Reçu le", "Canal", "Type de déclarant", "Nom", "E-mail", "Formation",
           "Nature", "Objet", "Description", "Statut", "Date de réponse", "Délai (jours)",
           "Retard", "Suivi qualité", "Source")
CHANNELS = ("Email", "Courrier", "Téléphone", "Formulaire", "Enquête de satisfaction", "Oral",
            "Autre")
STATUSES = ("Nouvelle", "En cours", "Résolue", "Close")
FORMULA_M = 'IF(L{r}="","",L{r}-B{r})'
FORMULA_N = ('IF(Reclamations[[#This Row],[Délai (jours)]]="","",'
             'IF(Reclamations[[#This Row],[Délai (jours)]]>15,"Oui","Non"))')
# cellXfs indexes of styles.xml below
S_TITLE, S_HEADER, S_TEXT, S_DATE, S_NUMBER, S_SUBTITLE = 1, 2, 3, 4, 5, 6
PREFORMATTED_ROWS = 3
START = date(2026, 1, 5)


def serial(day: date) -> int:
    return (day - date(1899, 12, 30)).days


def col(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


class Strings:
    """The shared string table, filled as cells are written."""

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.count = 0

    def __call__(self, text: str) -> int:
        self.count += 1
        return self.index.setdefault(text, len(self.index))

    def xml(self) -> str:
        preserve = ' xml:space="preserve"'
        items = "".join(f'<si><t{preserve if t != t.strip() else ""}>{escape(t)}</t></si>'
                        for t in self.index)
        return (f'{DECL}<sst xmlns="{MAIN}" count="{self.count}" '
                f'uniqueCount="{len(self.index)}">{items}</sst>')


def record(n: int) -> dict[str, object]:
    """The n-th complaint of the register (deterministic)."""
    received = START + timedelta(days=n % 300)
    answered = received + timedelta(days=3 + n % 20) if n % 3 else None
    return {
        "A": f"REC-2026-{n:04d}" if n < 10_000 else f"REC-2026-{n}",
        "B": received, "C": CHANNELS[n % len(CHANNELS)],
        "D": ("Apprenant", "Entreprise", "Financeur")[n % 3],
        "E": f"Déclarant {n}", "F": f"declarant{n}@exemple.fr",
        "G": ("Bureautique Excel", "Anglais B1", "Sauveteur secouriste")[n % 3],
        "H": ("Réclamation", "Difficulté", "Aléa")[n % 3],
        "I": f"Objet de la réclamation {n}",
        "J": f"Description détaillée n° {n} : salle & horaires",
        "K": STATUSES[n % 4], "L": answered, "O": "", "P": "Saisie manuelle",
    }


def sheet_xml(rows: int, strings: Strings) -> str:
    last = HEADER_ROW + rows
    out: list[str] = []
    spans = f'spans="1:{len(HEADERS)}"'

    def s(text: str) -> str:
        return str(strings(text))

    title = s("Registre des réclamations, difficultés et aléas")
    out.append(f'<row r="1" {spans} ht="21" customHeight="1" x14ac:dyDescent="0.35">'
               f'<c r="A1" s="{S_TITLE}" t="s"><v>{title}</v></c>'
               + "".join(f'<c r="{col(i)}1" s="{S_TITLE}"/>' for i in range(2, 9)) + "</row>")
    out.append(f'<row r="2" {spans} x14ac:dyDescent="0.25"><c r="A2" s="{S_SUBTITLE}" t="s">'
               f'<v>{s("ENR-QUA-31 — révision 3 — document maîtrisé")}</v></c>'
               + "".join(f'<c r="{col(i)}2" s="{S_SUBTITLE}"/>' for i in range(2, 9)) + "</row>")
    out.append(f'<row r="3" {spans} x14ac:dyDescent="0.25"><c r="A3" t="s">'
               f'<v>{s("Indicateur Qualiopi 31")}</v></c></row>')
    header = "".join(f'<c r="{col(i)}{HEADER_ROW}" s="{S_HEADER}" t="s"><v>{s(h)}</v></c>'
                     for i, h in enumerate(HEADERS, 1))
    out.append(f'<row r="{HEADER_ROW}" {spans} ht="30" customHeight="1" '
               f'x14ac:dyDescent="0.25">{header}</row>')
    for n in range(1, rows + 1):
        r = HEADER_ROW + n
        values = record(n)
        cells: list[str] = []
        for i in range(1, len(HEADERS) + 1):
            letter = col(i)
            ref = f"{letter}{r}"
            if letter == "M":
                answered = values["L"]
                delay = (answered - values["B"]).days if isinstance(answered, date) else None
                f = (f'<f t="shared" ref="M{HEADER_ROW + 1}:M{last}" si="0">'
                     f'{escape(FORMULA_M.format(r=r))}</f>' if n == 1 else '<f t="shared" si="0"/>')
                v = f"<v>{delay}</v>" if delay is not None else "<v></v>"
                kind = "" if delay is not None else ' t="str"'
                cells.append(f'<c r="{ref}" s="{S_NUMBER}"{kind}>{f}{v}</c>')
            elif letter == "N":
                answered = values["L"]
                late = ((answered - values["B"]).days > 15) if isinstance(answered, date) else None
                shown = "" if late is None else ("Oui" if late else "Non")
                cells.append(f'<c r="{ref}" s="{S_TEXT}" t="str"><f>{escape(FORMULA_N)}</f>'
                             f'<v>{shown}</v></c>')
            else:
                value = values[letter]
                if isinstance(value, date):
                    cells.append(f'<c r="{ref}" s="{S_DATE}"><v>{serial(value)}</v></c>')
                elif value:
                    cells.append(f'<c r="{ref}" s="{S_TEXT}" t="s"><v>{s(str(value))}</v></c>')
                else:
                    style = S_DATE if letter == "L" else S_TEXT
                    cells.append(f'<c r="{ref}" s="{style}"/>')
        out.append(f'<row r="{r}" {spans} x14ac:dyDescent="0.25">{"".join(cells)}</row>')
    for r in range(last + 1, last + 1 + PREFORMATTED_ROWS):  # formatted ahead, still empty
        styles = {"B": S_DATE, "L": S_DATE, "M": S_NUMBER}
        cells = [f'<c r="{col(i)}{r}" s="{styles.get(col(i), S_TEXT)}"/>'
                 for i in range(1, len(HEADERS) + 1)]
        out.append(f'<row r="{r}" {spans} x14ac:dyDescent="0.25">{"".join(cells)}</row>')
    end = last + PREFORMATTED_ROWS
    width = col(len(HEADERS))
    return (
        f'{DECL}<worksheet xmlns="{MAIN}" xmlns:r="{REL}" xmlns:mc="{MC}" '
        f'mc:Ignorable="x14ac xr xr2 xr3" xmlns:x14ac="{X14AC}" xmlns:xr="{XR}" '
        'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2" '
        'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" '
        'xr:uid="{7E1F1A11-0000-4000-8000-000000000001}">'
        f'<sheetPr><pageSetUpPr fitToPage="1"/></sheetPr><dimension ref="A1:{width}{end}"/>'
        '<sheetViews><sheetView tabSelected="1" zoomScale="90" zoomScaleNormal="90" '
        f'workbookViewId="0"><pane ySplit="{HEADER_ROW}" topLeftCell="A{HEADER_ROW + 1}" '
        'activePane="bottomLeft" state="frozen"/><selection pane="bottomLeft" activeCell="B7" '
        'sqref="B7"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultRowHeight="15" x14ac:dyDescent="0.25"/>'
        '<cols><col min="1" max="1" width="15.7109375" customWidth="1"/>'
        '<col min="2" max="2" width="12.7109375" customWidth="1"/>'
        '<col min="3" max="16" width="18.7109375" customWidth="1"/></cols>'
        f'<sheetData>{"".join(out)}</sheetData>'
        '<mergeCells count="2"><mergeCell ref="A1:H1"/><mergeCell ref="A2:H2"/></mergeCells>'
        f'<conditionalFormatting sqref="A{HEADER_ROW + 1}:{width}{last}">'
        f'<cfRule type="expression" dxfId="0" priority="1"><formula>AND($L{HEADER_ROW + 1}="",'
        f'TODAY()-$B{HEADER_ROW + 1}&gt;15)</formula></cfRule></conditionalFormatting>'
        f'<dataValidations count="1"><dataValidation type="list" allowBlank="1" '
        f'showInputMessage="1" showErrorMessage="1" sqref="K{HEADER_ROW + 1}:K{last}">'
        f'<formula1>"{",".join(STATUSES)}"</formula1></dataValidation></dataValidations>'
        '<pageMargins left="0.25" right="0.25" top="0.75" bottom="0.75" header="0.3" '
        'footer="0.3"/><pageSetup paperSize="9" scale="55" fitToHeight="0" orientation='
        '"landscape" r:id="rId1"/><headerFooter><oddFooter>&amp;L&amp;F&amp;RPage &amp;P / '
        '&amp;N</oddFooter></headerFooter>'
        '<drawing r:id="rId2"/><legacyDrawing r:id="rId4"/>'
        '<tableParts count="1"><tablePart r:id="rId3"/></tableParts>'
        '<extLst>'
        f'<ext uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}" xmlns:x14="{X14}">'
        f'<x14:conditionalFormattings><x14:conditionalFormatting xmlns:xm="{XM}">'
        '<x14:cfRule type="dataBar" id="{00000000-000E-0000-0000-000001000000}">'
        '<x14:dataBar minLength="0" maxLength="100" gradient="0"><x14:cfvo type="autoMin"/>'
        '<x14:cfvo type="autoMax"/><x14:negativeFillColor rgb="FFFF0000"/>'
        '<x14:axisColor rgb="FF000000"/></x14:dataBar></x14:cfRule>'
        f'<xm:sqref>M{HEADER_ROW + 1}:M{last}</xm:sqref></x14:conditionalFormatting>'
        '</x14:conditionalFormattings></ext>'
        f'<ext uri="{{CCE6A557-97BC-4b89-ADB6-D9C93CAAB3DF}}" xmlns:x14="{X14}">'
        f'<x14:dataValidations count="1" xmlns:xm="{XM}"><x14:dataValidation type="list" '
        'allowBlank="1" showInputMessage="1" showErrorMessage="1"><x14:formula1>'
        '<xm:f>Listes!$A$2:$A$8</xm:f></x14:formula1>'
        f'<xm:sqref>C{HEADER_ROW + 1}:C{last}</xm:sqref></x14:dataValidation>'
        '</x14:dataValidations></ext></extLst></worksheet>')


def table_xml(rows: int) -> str:
    last = HEADER_ROW + rows
    ref = f"A{HEADER_ROW}:{col(len(HEADERS))}{last}"
    columns = []
    for i, header in enumerate(HEADERS, 1):
        uid = f'xr3:uid="{{5A0C0C0C-0000-4000-8000-{i:012d}}}"'
        if header == "Retard":
            columns.append(f'<tableColumn id="{i}" {uid} name="{escape(header)}" dataDxfId="1">'
                           f'<calculatedColumnFormula>{escape(FORMULA_N)}'
                           '</calculatedColumnFormula></tableColumn>')
        else:
            columns.append(f'<tableColumn id="{i}" {uid} name="{escape(header)}"/>')
    return (f'{DECL}<table xmlns="{MAIN}" xmlns:mc="{MC}" mc:Ignorable="xr xr3" xmlns:xr="{XR}" '
            'xmlns:xr3="http://schemas.microsoft.com/office/spreadsheetml/2016/revision3" '
            'id="1" xr:uid="{3B7E2C11-0000-4000-8000-000000000001}" name="Reclamations" '
            f'displayName="Reclamations" ref="{ref}" totalsRowShown="0" headerRowDxfId="2">'
            f'<autoFilter ref="{ref}" xr:uid="{{3B7E2C11-0000-4000-8000-000000000002}}"/>'
            f'<tableColumns count="{len(HEADERS)}">{"".join(columns)}</tableColumns>'
            '<tableStyleInfo name="TableStyleLight9" showFirstColumn="0" showLastColumn="0" '
            'showRowStripes="1" showColumnStripes="0"/></table>')


def lists_xml(strings: Strings) -> str:
    rows = [f'<row r="1" spans="1:2"><c r="A1" s="{S_HEADER}" t="s"><v>{strings("Canaux")}</v>'
            f'</c><c r="B1" s="{S_HEADER}" t="s"><v>{strings("Statuts")}</v></c></row>']
    for i in range(len(CHANNELS)):
        cells = f'<c r="A{i + 2}" t="s"><v>{strings(CHANNELS[i])}</v></c>'
        if i < len(STATUSES):
            cells += f'<c r="B{i + 2}" t="s"><v>{strings(STATUSES[i])}</v></c>'
        rows.append(f'<row r="{i + 2}" spans="1:2">{cells}</row>')
    return (f'{DECL}<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="A1:B8"/>'
            '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><sheetData>{"".join(rows)}</sheetData>'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" '
            'footer="0.3"/></worksheet>')


def journal_xml(strings: Strings) -> str:
    heads = ("Horodatage", "Action", "Source", "N°", "Détail")
    header = "".join(f'<c r="{col(i)}1" s="{S_HEADER}" t="s"><v>{strings(h)}</v></c>'
                     for i, h in enumerate(heads, 1))
    first = (f'<c r="A2" s="{S_DATE}"><v>{serial(START)}</v></c>'
             f'<c r="B2" s="{S_TEXT}" t="s"><v>{strings("Création")}</v></c>'
             f'<c r="C2" s="{S_TEXT}" t="s"><v>{strings("Responsable qualité")}</v></c>'
             f'<c r="D2" s="{S_TEXT}"/><c r="E2" s="{S_TEXT}" t="s">'
             f'<v>{strings("Registre ouvert")}</v></c>')
    return (f'{DECL}<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><dimension ref="A1:E2"/>'
            '<sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            '<sheetFormatPr defaultRowHeight="15"/><cols><col min="1" max="1" width="18" '
            'customWidth="1"/><col min="2" max="5" width="22" customWidth="1"/></cols>'
            f'<sheetData><row r="1" spans="1:5">{header}</row><row r="2" spans="1:5">{first}'
            '</row></sheetData><pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" '
            'header="0.3" footer="0.3"/></worksheet>')


STYLES = (
    f'{DECL}<styleSheet xmlns="{MAIN}" xmlns:mc="{MC}" mc:Ignorable="x14ac x16r2 xr" '
    f'xmlns:x14ac="{X14AC}" '
    'xmlns:x16r2="http://schemas.microsoft.com/office/spreadsheetml/2015/02/main" '
    f'xmlns:xr="{XR}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy;@"/>'
    '</numFmts><fonts count="4" x14ac:knownFonts="1"><font><sz val="11"/><color theme="1"/>'
    '<name val="Calibri"/><family val="2"/><scheme val="minor"/></font><font><b/><sz val="16"/>'
    '<color rgb="FF1F4E79"/><name val="Calibri"/><family val="2"/><scheme val="minor"/></font>'
    '<font><b/><sz val="11"/><color rgb="FFFFFFFF"/><name val="Calibri"/><family val="2"/>'
    '<scheme val="minor"/></font><font><i/><sz val="9"/><color rgb="FF595959"/>'
    '<name val="Calibri"/><family val="2"/><scheme val="minor"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill '
    'patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor '
    'rgb="FF1F4E79"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="2"><border><left/><right/><top/><bottom/><diagonal/></border><border>'
    '<left style="thin"><color indexed="64"/></left><right style="thin"><color indexed="64"/>'
    '</right><top style="thin"><color indexed="64"/></top><bottom style="thin"><color '
    'indexed="64"/></bottom><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="7"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>'
    '<xf numFmtId="0" fontId="2" fillId="2" borderId="1" xfId="0" applyFont="1" applyFill="1" '
    'applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="center" '
    'wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="1" xfId="0" applyBorder="1" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" '
    'applyBorder="1" applyAlignment="1"><alignment horizontal="center" vertical="top"/></xf>'
    '<xf numFmtId="1" fontId="0" fillId="0" borderId="1" xfId="0" applyNumberFormat="1" '
    'applyBorder="1"/>'
    '<xf numFmtId="0" fontId="3" fillId="0" borderId="0" xfId="0" applyFont="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    '<dxfs count="3"><dxf><font><color rgb="FF9C0006"/></font><fill><patternFill><bgColor '
    'rgb="FFFFC7CE"/></patternFill></fill></dxf><dxf><font><b/><color rgb="FFC00000"/></font>'
    '</dxf><dxf><font><b/></font></dxf></dxfs>'
    '<tableStyles count="0" defaultTableStyle="TableStyleMedium2" '
    'defaultPivotStyle="PivotStyleLight16"/></styleSheet>')


def workbook_xml(rows: int, *, macro: bool) -> str:
    end = HEADER_ROW + rows + PREFORMATTED_ROWS
    code_name = ' codeName="ThisWorkbook"' if macro else ""
    return (
        f'{DECL}<workbook xmlns="{MAIN}" xmlns:r="{REL}" xmlns:mc="{MC}" '
        'mc:Ignorable="x15 xr xr6 xr10 xr2" '
        'xmlns:x15="http://schemas.microsoft.com/office/spreadsheetml/2010/11/main" '
        f'xmlns:xr="{XR}" '
        'xmlns:xr6="http://schemas.microsoft.com/office/spreadsheetml/2016/revision6" '
        'xmlns:xr10="http://schemas.microsoft.com/office/spreadsheetml/2016/revision10" '
        'xmlns:xr2="http://schemas.microsoft.com/office/spreadsheetml/2015/revision2">'
        '<fileVersion appName="xl" lastEdited="7" lowestEdited="7" rupBuild="27425"/>'
        f'<workbookPr{code_name} defaultThemeVersion="166925"/>'
        '<bookViews><workbookView xWindow="-120" yWindow="-120" windowWidth="29040" '
        'windowHeight="15720" xr2:uid="{00000000-000D-0000-FFFF-FFFF00000000}"/></bookViews>'
        f'<sheets><sheet name="{SHEET_NAME}" sheetId="1" r:id="rId1"/>'
        '<sheet name="Listes" sheetId="2" r:id="rId2"/>'
        '<sheet name="Journal" sheetId="3" r:id="rId3"/></sheets>'
        '<definedNames><definedName name="Canaux">Listes!$A$2:$A$8</definedName>'
        f'<definedName name="_xlnm.Print_Area" localSheetId="0">{SHEET_NAME}!$A$1:$P${end}'
        f'</definedName><definedName name="_xlnm.Print_Titles" localSheetId="0">'
        f'{SHEET_NAME}!${HEADER_ROW}:${HEADER_ROW}</definedName></definedNames>'
        '<calcPr calcId="191029"/></workbook>')


def png() -> bytes:
    """A 24×24 logo: a blue square, as a real PNG."""
    width = height = 24
    raw = b"".join(b"\x00" + b"\x1f\x4e\x79" * width for _ in range(height))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2,
                                                             0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


DRAWING = (
    f'{DECL}<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
    'spreadsheetDrawing" xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main">'
    '<xdr:oneCellAnchor><xdr:from><xdr:col>9</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>0'
    '</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="685800" cy="685800"/>'
    '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="Logo" descr="Logo de l\'organisme"/>'
    '<xdr:cNvPicPr><a:picLocks noChangeAspect="1"/></xdr:cNvPicPr></xdr:nvPicPr><xdr:blipFill>'
    f'<a:blip xmlns:r="{REL}" r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch>'
    '</xdr:blipFill><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="685800" cy="685800"/>'
    '</a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic>'
    '<xdr:clientData/></xdr:oneCellAnchor>'
    '<xdr:twoCellAnchor editAs="oneCell"><xdr:from><xdr:col>10</xdr:col><xdr:colOff>0'
    '</xdr:colOff><xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>13'
    '</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>3</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>'
    '<xdr:sp macro="" textlink=""><xdr:nvSpPr><xdr:cNvPr id="3" name="Note"/><xdr:cNvSpPr '
    'txBox="1"/></xdr:nvSpPr><xdr:spPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="1800000" '
    'cy="360000"/></a:xfrm><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr>'
    '<xdr:txBody><a:bodyPr/><a:lstStyle/><a:p><a:r><a:rPr lang="fr-FR"/><a:t>Ne pas modifier '
    'les listes</a:t></a:r></a:p></xdr:txBody></xdr:sp><xdr:clientData/></xdr:twoCellAnchor>'
    '</xdr:wsDr>')

COMMENTS = (
    f'{DECL}<comments xmlns="{MAIN}"><authors><author>Qualité</author></authors><commentList>'
    f'<comment ref="A{HEADER_ROW}" authorId="0"><text><r><rPr><b/><sz val="9"/><color '
    'indexed="81"/><rFont val="Tahoma"/><family val="2"/></rPr><t>Qualité:</t></r><r><rPr>'
    '<sz val="9"/><color indexed="81"/><rFont val="Tahoma"/><family val="2"/></rPr>'
    '<t xml:space="preserve">\nNuméro attribué à la réception.</t></r></text></comment>'
    '</commentList></comments>')

VML = (
    '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:'
    'office" xmlns:x="urn:schemas-microsoft-com:office:excel">\r\n <o:shapelayout v:ext="edit">'
    '\r\n  <o:idmap v:ext="edit" data="1"/>\r\n </o:shapelayout><v:shapetype id="_x0000_t202" '
    'coordsize="21600,21600" o:spt="202" path="m,l,21600r21600,l21600,xe">\r\n  <v:stroke '
    'joinstyle="miter"/>\r\n  <v:path gradientshapeok="t" o:connecttype="rect"/>\r\n '
    '</v:shapetype><v:shape id="_x0000_s1025" type="#_x0000_t202" style=\'position:absolute;'
    'margin-left:59.25pt;margin-top:1.5pt;width:108pt;height:59.25pt;z-index:1;'
    'visibility:hidden\' fillcolor="#ffffe1" o:insetmode="auto">\r\n  <v:fill '
    'color2="#ffffe1"/>\r\n  <v:shadow on="t" color="black" obscured="t"/>\r\n  <v:path '
    'o:connecttype="none"/>\r\n  <v:textbox style=\'mso-direction-alt:auto\'>\r\n   <div '
    'style=\'text-align:left\'></div>\r\n  </v:textbox>\r\n  <x:ClientData ObjectType="Note">'
    '\r\n   <x:MoveWithCells/>\r\n   <x:SizeWithCells/>\r\n   <x:AutoFill>False</x:AutoFill>'
    f'\r\n   <x:Row>{HEADER_ROW - 1}</x:Row>\r\n   <x:Column>0</x:Column>\r\n  </x:ClientData>'
    '\r\n </v:shape></xml>')

CUSTOM_XML = ('<?xml version="1.0" encoding="UTF-8" standalone="no"?><b:Sources '
              'xmlns:b="http://schemas.openxmlformats.org/officeDocument/2006/bibliography" '
              'SelectedStyle="\\APASixthEditionOfficeOnline.xsl" StyleName="APA" Version="6"/>')
CUSTOM_XML_PROPS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="no"?><ds:datastoreItem '
    'ds:itemID="{5B3E1F0A-0000-4000-8000-000000000001}" '
    'xmlns:ds="http://schemas.openxmlformats.org/officeDocument/2006/customXml"><ds:schemaRefs>'
    '<ds:schemaRef ds:uri="http://schemas.openxmlformats.org/officeDocument/2006/bibliography"/>'
    '</ds:schemaRefs></ds:datastoreItem>')

PRINTER_SETTINGS = b"\x00\x00" + "Microsoft Print to PDF".encode("utf-16-le").ljust(64, b"\x00") + \
    bytes(range(256)) * 4
# Not a working macro: the bytes of an OLE compound file header followed by filler. Only
# their survival, byte for byte, is tested.
VBA_PROJECT = bytes.fromhex("d0cf11e0a1b11ae1") + bytes(range(256)) * 8


def rels(*items: tuple[str, str, str]) -> str:
    body = "".join(f'<Relationship Id="{i}" Type="{t}" Target="{escape(target)}"/>'
                   for i, t, target in items)
    return f'{DECL}<Relationships xmlns="{PKG}">{body}</Relationships>'


def office_parts(rows: int, *, macro: bool) -> list[tuple[str, bytes]]:
    """The members of the workbook, in the order Excel writes them."""
    doc = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
    strings = Strings()
    register = sheet_xml(rows, strings)
    lists = lists_xml(strings)
    journal = journal_xml(strings)
    main_type = ("application/vnd.ms-excel.sheet.macroEnabled.main+xml" if macro else
                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")
    ct = "application/vnd.openxmlformats-officedocument."
    overrides = [
        ("/xl/workbook.xml", main_type),
        ("/xl/worksheets/sheet1.xml", ct + "spreadsheetml.worksheet+xml"),
        ("/xl/worksheets/sheet2.xml", ct + "spreadsheetml.worksheet+xml"),
        ("/xl/worksheets/sheet3.xml", ct + "spreadsheetml.worksheet+xml"),
        ("/xl/styles.xml", ct + "spreadsheetml.styles+xml"),
        ("/xl/sharedStrings.xml", ct + "spreadsheetml.sharedStrings+xml"),
        ("/xl/drawings/drawing1.xml", ct + "drawing+xml"),
        ("/xl/tables/table1.xml", ct + "spreadsheetml.table+xml"),
        ("/xl/comments1.xml", ct + "spreadsheetml.comments+xml"),
        ("/customXml/itemProps1.xml", ct + "customXmlProperties+xml"),
        ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
        ("/docProps/app.xml", ct + "extended-properties+xml"),
    ]
    defaults = [("png", "image/png"), ("rels",
                "application/vnd.openxmlformats-package.relationships+xml"),
                ("xml", "application/xml"), ("vml", ct + "vmlDrawing")]
    if macro:
        defaults.append(("bin", "application/vnd.ms-office.vbaProject"))
        overrides.append(("/xl/printerSettings/printerSettings1.bin",
                          ct + "spreadsheetml.printerSettings"))
    else:
        defaults.append(("bin", ct + "spreadsheetml.printerSettings"))
    content_types = (
        f'{DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        + "".join(f'<Default Extension="{e}" ContentType="{t}"/>' for e, t in sorted(defaults))
        + "".join(f'<Override PartName="{p}" ContentType="{t}"/>' for p, t in overrides)
        + "</Types>")
    workbook_rels = [
        ("rId3", doc + "worksheet", "worksheets/sheet3.xml"),
        ("rId2", doc + "worksheet", "worksheets/sheet2.xml"),
        ("rId1", doc + "worksheet", "worksheets/sheet1.xml"),
        ("rId6", doc + "sharedStrings", "sharedStrings.xml"),
        ("rId5", doc + "styles", "styles.xml"),
        ("rId7", doc + "customXml", "../customXml/item1.xml"),
    ]
    if macro:
        workbook_rels.append(("rId8", "http://schemas.microsoft.com/office/2006/relationships/"
                              "vbaProject", "vbaProject.bin"))
    core = (f'{DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/'
            'metadata/core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:dcterms="http://purl.org/dc/terms/" '
            'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>Registre des '
            'réclamations</dc:title><dc:creator>Responsable qualité</dc:creator>'
            '<cp:lastModifiedBy>Responsable qualité</cp:lastModifiedBy><dcterms:created '
            'xsi:type="dcterms:W3CDTF">2019-03-04T08:12:00Z</dcterms:created><dcterms:modified '
            'xsi:type="dcterms:W3CDTF">2026-11-20T16:40:00Z</dcterms:modified></cp:coreProperties>')
    app = (f'{DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/'
           'extended-properties" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/'
           'docPropsVTypes"><Application>Microsoft Excel</Application><DocSecurity>0'
           '</DocSecurity><ScaleCrop>false</ScaleCrop><Company>Organisme de formation</Company>'
           '<AppVersion>16.0300</AppVersion></Properties>')
    parts: list[tuple[str, str | bytes]] = [
        ("[Content_Types].xml", content_types),
        ("_rels/.rels", rels(("rId3", doc + "extended-properties", "docProps/app.xml"),
                             ("rId2", "http://schemas.openxmlformats.org/package/2006/"
                              "relationships/metadata/core-properties", "docProps/core.xml"),
                             ("rId1", doc + "officeDocument", "xl/workbook.xml"))),
        ("xl/workbook.xml", workbook_xml(rows, macro=macro)),
        ("xl/_rels/workbook.xml.rels", rels(*workbook_rels)),
        ("xl/worksheets/sheet1.xml", register),
        ("xl/worksheets/sheet2.xml", lists),
        ("xl/worksheets/sheet3.xml", journal),
        ("xl/worksheets/_rels/sheet1.xml.rels", rels(
            ("rId4", doc + "vmlDrawing", "../drawings/vmlDrawing1.vml"),
            ("rId3", doc + "table", "../tables/table1.xml"),
            ("rId2", doc + "drawing", "../drawings/drawing1.xml"),
            ("rId1", doc + "printerSettings", "../printerSettings/printerSettings1.bin"),
            ("rId5", doc + "comments", "../comments1.xml"))),
        ("xl/drawings/_rels/drawing1.xml.rels", rels(("rId1", doc + "image",
                                                      "../media/image1.png"))),
        ("xl/styles.xml", STYLES),
        ("xl/sharedStrings.xml", strings.xml()),
        ("xl/drawings/drawing1.xml", DRAWING),
        ("xl/tables/table1.xml", table_xml(rows)),
        ("xl/media/image1.png", png()),
        ("xl/printerSettings/printerSettings1.bin", PRINTER_SETTINGS),
        ("xl/comments1.xml", COMMENTS),
        ("xl/drawings/vmlDrawing1.vml", VML),
        ("customXml/item1.xml", CUSTOM_XML),
        ("customXml/_rels/item1.xml.rels", rels(("rId1", doc + "customXmlProps",
                                                 "itemProps1.xml"))),
        ("customXml/itemProps1.xml", CUSTOM_XML_PROPS),
        ("docProps/core.xml", core),
        ("docProps/app.xml", app),
    ]
    if macro:
        parts.insert(4, ("xl/vbaProject.bin", VBA_PROJECT))
    return [(name, data.encode("utf-8") if isinstance(data, str) else data)
            for name, data in parts]


def build_office_workbook(path: Path, *, rows: int = 12, macro: bool = False) -> Path:
    """Write an office register of ``rows`` complaints to ``path`` and return it."""
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in office_parts(rows, macro=macro):
            info = zipfile.ZipInfo(name, EXCEL_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return path


def main() -> None:
    DATA.mkdir(exist_ok=True)
    for path in (build_office_workbook(DATA / "reg-office-reclamations.xlsx"),
                 build_office_workbook(DATA / "reg-office-reclamations-macro.xlsm", macro=True)):
        sys.stdout.write(f"{path.relative_to(DATA.parent.parent)}\n")


if __name__ == "__main__":
    main()
