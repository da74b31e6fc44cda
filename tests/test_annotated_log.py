"""Notes and pictures under an office log's totals move down with the totals.

The annotated log (``tests/build_office_logs.py``) is the openpyxl log as a quality manager
marks it up: a note on the total's count, a note on a data cell, a logo beside the title, and
under the totals her stamp and a signature box; once as openpyxl writes it, once saved again
by LibreOffice Calc. Three complaints pushed the totals row down two rows: the note on the
count, the stamp and the signature box must be two rows lower, as Excel moves them when it
inserts rows, and the rest where it was. openpyxl and LibreOffice read them back.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree

from automation.clock import FixedClock
from automation.pipeline import store
from automation.pipeline.office import open_office
from automation.registers.xlsx.formulas import RowMove
from automation.registers.xlsx.moves import move_comments, move_drawing, move_vml
from tests.build_office_logs import (
    ANNOTATED_LIBREOFFICE_LOG,
    ANNOTATED_LOG,
    DATA_NOTE,
    OPENPYXL_TOTAL_ROW,
    TOTAL_NOTE,
    build_annotated_log,
)
from tests.libreoffice import soffice
from tests.test_office_logs import OPENPYXL, adopted, complaint, drop_three, load, members

FIXTURES = {"openpyxl": ANNOTATED_LOG, "libreoffice": ANNOTATED_LIBREOFFICE_LOG}
PUSHED = 2  # three new rows: one fills the blank row 8, two push the totals row 9 to 11
MOVE = RowMove(anchor=7, last=10, at=OPENPYXL_TOTAL_ROW, by=PUSHED)


def appended(office_dir: Path, clock: FixedClock, fixture: Path) -> Path:
    target = adopted(office_dir, replace(OPENPYXL, fixture=fixture))
    drop_three(office_dir, clock)
    return target


def notes(path: Path) -> dict[str, str]:
    sheet = load(path)["Plaintes"]
    return {cell.coordinate: cell.comment.text for row in sheet.iter_rows() for cell in row
            if cell.comment is not None}


def anchors(path: Path) -> list[tuple[int, int | None]]:
    """Each picture's top row and, for a two-cell anchor, its bottom row (0-based)."""
    sheet = load(path)["Plaintes"]
    found = []
    for image in sheet._images:  # openpyxl keeps a sheet's pictures there
        bottom = getattr(image.anchor, "to", None)
        found.append((image.anchor._from.row, None if bottom is None else bottom.row))
    return sorted(found)


def shifted(row: int | None) -> int | None:
    """Where Excel puts a 0-based row index when two rows are inserted above the totals."""
    return None if row is None else row + PUSHED if row + 1 >= OPENPYXL_TOTAL_ROW else row


def test_the_annotated_log_is_what_the_script_builds(tmp_path: Path) -> None:
    rebuilt = build_annotated_log(tmp_path / ANNOTATED_LOG.name)
    assert notes(rebuilt) == notes(ANNOTATED_LOG) == {
        "D6": DATA_NOTE, f"B{OPENPYXL_TOTAL_ROW}": TOTAL_NOTE}, "run tests/build_office_logs.py"
    assert anchors(rebuilt) == anchors(ANNOTATED_LOG)
    saved = members(ANNOTATED_LIBREOFFICE_LOG)
    assert "LibreOffice" in saved["docProps/app.xml"].decode()  # saved by Calc itself
    assert b'editAs="oneCell"' in saved["xl/drawings/drawing1.xml"]
    assert notes(ANNOTATED_LIBREOFFICE_LOG) == notes(ANNOTATED_LOG)


@pytest.mark.parametrize("name", list(FIXTURES))
def test_notes_and_pictures_under_the_totals_move_down_with_them(
        office_dir: Path, clock: FixedClock, name: str) -> None:
    fixture = FIXTURES[name]
    before = anchors(fixture)
    target = appended(office_dir, clock, fixture)
    total = OPENPYXL_TOTAL_ROW + PUSHED
    assert load(target)["Plaintes"][f"A{total}"].value == "TOTAL"
    assert notes(target) == {"D6": DATA_NOTE, f"B{total}": TOTAL_NOTE}
    after = anchors(target)
    assert after == sorted((shifted(top), shifted(bottom)) for top, bottom in before)
    assert (0, None) in after or (0, 1) in after  # the logo beside the title stays
    vml = next(data for part, data in members(target).items() if part.endswith(".vml"))
    assert sorted(int(n) for n in re.findall(rb"<(?:\w+:)?Row>(\d+)<", vml)) == [5, total - 1]


@pytest.mark.slow
@pytest.mark.parametrize("name", list(FIXTURES))
def test_libreoffice_finds_the_note_on_the_moved_total_and_the_pictures_under_it(
        office_dir: Path, clock: FixedClock, tmp_path: Path, name: str) -> None:
    target = appended(office_dir, clock, FIXTURES[name])
    cells = calc_cells(target, tmp_path)
    total = OPENPYXL_TOTAL_ROW + PUSHED
    assert cells["notes"] == {(6, 4): DATA_NOTE, (total, 2): TOTAL_NOTE}
    rows = sorted(row for row, _ in cells["pictures"])
    assert rows[0] == 1  # the logo
    assert rows[1:] == [total + 2, total + 3]  # the stamp, then the signature box


def calc_cells(path: Path, work: Path) -> dict[str, dict[tuple[int, int], str]]:
    """The first sheet as Calc reads it (saved as flat ODF): the notes by (row, column), and
    the cell each picture is anchored to (1-based)."""
    done = subprocess.run(
        [soffice(), f"-env:UserInstallation=file://{work / 'lo-profile'}", "--headless",
         "--convert-to", "fods", "--outdir", str(work / "fods"), str(path)],
        capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr
    ns = {"table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
          "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
          "draw": "urn:oasis:names:tc:opendocument:xmlns:drawing:1.0",
          "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}
    t = f"{{{ns['table']}}}"
    sheet = etree.parse(work / "fods" / f"{path.stem}.fods").find(".//table:table", ns)
    assert sheet is not None
    found: dict[str, dict[tuple[int, int], str]] = {"notes": {}, "pictures": {}}
    row = 0
    for element in sheet.iter(t + "table-row"):
        row += 1
        col = 0
        for cell in element:
            if cell.tag not in {t + "table-cell", t + "covered-table-cell"}:
                continue
            col += 1
            for note in cell.findall("office:annotation", ns):
                found["notes"][(row, col)] = "".join(
                    "".join(p.itertext()) for p in note.findall("text:p", ns))
            for frame in cell.findall("draw:frame", ns):
                found["pictures"][(row, col)] = frame.get(f"{{{ns['draw']}}}name", "")
            col += int(cell.get(t + "number-columns-repeated", "1")) - 1
        row += int(element.get(t + "number-rows-repeated", "1")) - 1
    return found


# -- the moves themselves, on the shapes other producers write ----------------------------


def test_a_threaded_comment_follows_its_cell_and_one_above_the_totals_stays() -> None:
    part = (b'<ThreadedComments xmlns="http://schemas.microsoft.com/office/spreadsheetml/2018/'
            b'threadedcomments"><threadedComment ref="B9" dT="2026-03-18T17:02:11.55" '
            b'personId="{1}" id="{2}"><text>Formule</text></threadedComment>'
            b'<threadedComment ref="D6" dT="2026-03-18T17:03:00.00" personId="{1}" id="{3}">'
            b"<text>Rappel</text></threadedComment></ThreadedComments>")
    moved = move_comments(part, MOVE)
    assert b'ref="B11"' in moved and b'ref="D6"' in moved and b'ref="B9"' not in moved


def test_a_form_control_under_the_totals_moves_and_one_sized_with_cells_across_them_grows(
        ) -> None:
    # Excel's own VML: unclosed <br>, the x: prefix, « MoveWithCells » and « SizeWithCells »
    button = (b'<v:shape id="_x0000_s1025" type="#_x0000_t201"><x:ClientData ObjectType='
              b'"Button"><x:Anchor>\n    1, 0, 10, 0, 2, 40, 11, 5</x:Anchor><x:AutoFill>False'
              b"</x:AutoFill><x:FmlaMacro>[0]!Imprimer</x:FmlaMacro></x:ClientData></v:shape>")
    frame = (b'<v:shape id="_x0000_s1026"><x:ClientData ObjectType="Rect"><x:MoveWithCells/>'
             b"<x:SizeWithCells/><x:Anchor>0, 0, 6, 0, 3, 0, 9, 0</x:Anchor></x:ClientData>"
             b"</v:shape>")
    vml = b"<xml><br>" + button + frame + b"</xml>"
    moved = move_vml(vml, MOVE)
    assert b"1, 0, 12, 0, 2, 40, 13, 5" in moved  # under the totals: moved, same size
    assert b"0, 0, 6, 0, 3, 0, 11, 0" in moved  # across them: its bottom moves
    assert moved.startswith(b"<xml><br>")
    assert move_vml(vml, RowMove(anchor=7, last=8)) == vml  # no totals pushed: unchanged


def test_a_picture_across_the_totals_grows_an_absolute_one_stays_a_one_cell_one_keeps_its_size(
        ) -> None:
    drawing = (b'<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/'
               b'spreadsheetDrawing"><xdr:absoluteAnchor><xdr:pos x="0" y="0"/><xdr:ext '
               b'cx="1" cy="1"/></xdr:absoluteAnchor><xdr:twoCellAnchor editAs="absolute">'
               b"<xdr:from><xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>10"
               b"</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>1</xdr:col>"
               b"<xdr:colOff>0</xdr:colOff><xdr:row>11</xdr:row><xdr:rowOff>0</xdr:rowOff>"
               b'</xdr:to></xdr:twoCellAnchor><xdr:twoCellAnchor editAs="oneCell"><xdr:from>'
               b"<xdr:col>0</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>7</xdr:row>"
               b"<xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:to><xdr:col>1</xdr:col><xdr:colOff>"
               b"0</xdr:colOff><xdr:row>9</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to>"
               b"</xdr:twoCellAnchor><xdr:twoCellAnchor><xdr:from><xdr:col>2</xdr:col>"
               b"<xdr:colOff>0</xdr:colOff><xdr:row>6</xdr:row><xdr:rowOff>0</xdr:rowOff>"
               b"</xdr:from><xdr:to><xdr:col>4</xdr:col><xdr:colOff>0</xdr:colOff><xdr:row>10"
               b"</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:to><xdr:graphicFrame/>"
               b"<xdr:clientData/></xdr:twoCellAnchor></xdr:wsDr>")
    moved = move_drawing(drawing, MOVE)
    rows = [int(n) for n in re.findall(rb"<xdr:row>(\d+)</xdr:row>", moved)]
    # absolute: kept; one-cell above the totals: kept; a chart across them: its bottom moves
    assert rows == [10, 11, 7, 9, 6, 12]
    assert move_drawing(drawing.replace(b"<xdr:row>7<", b"<xdr:row>8<"), MOVE).count(
        b"<xdr:row>10</xdr:row>") == 2  # one-cell on the totals row: 8→10 and 9→11


def test_an_append_that_pushes_nothing_leaves_the_notes_and_pictures_alone(
        office_dir: Path, clock: FixedClock) -> None:
    target = adopted(office_dir, replace(OPENPYXL, fixture=ANNOTATED_LOG))
    before = members(target)
    with zipfile.ZipFile(target) as archive:
        parts = [n for n in archive.namelist() if "comment" in n or "drawing" in n]
    with open_office(office_dir, clock=clock) as office:
        store.record(office, [complaint(1)], origin="file:plaintes.csv")  # fills blank row 8
        assert store.flush(office).written == {"reclamations": 1}
    after = members(target)
    assert parts and all(after[part] == before[part] for part in parts)
