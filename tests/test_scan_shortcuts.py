"""The shortcuts of a full scan of a register read what the general code reads.

A scan after a person's save reads every row's id cell: a cell as Excel writes a text, a
string-table item of one plain run and a sketch's window moving from anchor to anchor each
take a shorter road there. Each is checked against the general one on the shapes Excel,
LibreOffice and other tools write.
"""

from __future__ import annotations

from collections import deque

from hypothesis import given
from hypothesis import strategies as st
from lxml import etree

from automation.registers.xlsx.package import SharedStrings
from automation.registers.xlsx.scan import CellFinder
from automation.registers.xlsx.sketch import SketchBuilder
from automation.registers.xlsx.stream import RowPiece

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
ITEMS = [
    b"<si><t>REC-2026-0001</t></si>",
    b"<si><t>Caf\xc3\xa9 &amp; cr\xc3\xa8me</t></si>",  # an entity, accented letters
    b"<si><t>ligne 1_x000D_\nligne 2</t></si>",  # a character XML cannot hold, escaped
    b'<si><t xml:space="preserve">  REC-2026-0002 </t></si>',
    b"<si><t/></si>",
    b"<si><t></t></si>",
    b"<si><r><t>REC-</t></r><r><rPr><b/></rPr><t>2026-0003</t></r></si>",  # rich text
    b'<si><t>\xe6\x9d\xb1\xe4\xba\xac</t><rPh sb="0" eb="2"><t>\xe3\x83\x88</t></rPh>'
    b'<phoneticPr fontId="1"/></si>',  # phonetic guide: not part of the text
    b"<si><t>Total</t></si>",
    b"<si><t>REC-2026-0005</t ></si>",  # a space before the end of a tag
]


def table(items: list[bytes]) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
            b'<sst xmlns="' + MAIN.encode() + b'">' + b"".join(items) + b"</sst>")


def expected(item: bytes) -> str:
    """The item's text as an XML parser reads it: its ``t`` elements, phonetic runs left
    out, Excel's ``_xHHHH_`` escapes given back."""
    root = etree.fromstring(b'<si xmlns="' + MAIN.encode() + b'"' + item[3:])
    text = "".join(t.text or "" for t in root.iter(f"{{{MAIN}}}t")
                   if t.getparent() is not None and t.getparent().tag != f"{{{MAIN}}}rPh")
    return text.replace("_x000D_", "\r")


def test_every_shape_of_string_item_reads_as_an_xml_parser_reads_it() -> None:
    shared = SharedStrings(table(ITEMS))
    assert [shared.text(n) for n in range(len(ITEMS))] == [expected(i) for i in ITEMS]
    spooled = SharedStrings.spooled(iter([table(ITEMS)]))
    try:
        assert [spooled.text(n) for n in range(len(ITEMS))] == [expected(i) for i in ITEMS]
    finally:
        spooled.close()


def piece(number: int, cells: bytes) -> RowPiece:
    return RowPiece(number, b"", b'<row r="%d" spans="1:3">' % number + cells + b"</row>")


def test_an_id_cell_reads_the_same_whichever_way_excel_wrote_it() -> None:
    shared = SharedStrings(table(ITEMS))
    finder = CellFinder(1)
    cases = {
        b'<c r="A7" s="3" t="s"><v>0</v></c>': ("REC-2026-0001", False),
        b'<c r="A7" t="s"><v>3</v></c>': ("REC-2026-0002", False),  # stripped
        b'<c r="A7" s="3" t="s"><v>99</v></c>': ("", False),  # no such item
        b'<c r="A7" s="3" t="s"><f>B7</f><v>0</v></c>': ("REC-2026-0001", True),
        b'<c r="A7" s="3" t="inlineStr"><is><t>REC-2026-0004</t></is></c>': ("REC-2026-0004",
                                                                            False),
        b'<c r="A7" s="3"><v>42</v></c>': ("42", False),
        b'<c r="A7" s="3" t="str"><f>"REC-"&amp;B7</f><v>REC-9</v></c>': ("REC-9", True),
        b'<c r="A7" s="3"/>': ("", False),
        b'<c r="B7" s="3" t="s"><v>0</v></c>': ("", False),  # another column's cell
        b'<c r="A7" t="s" s="3"><v>6</v></c>': ("REC-2026-0003", False),  # attributes swapped
    }
    for cell, found in cases.items():
        assert finder.text(piece(7, cell + b'<c r="C7" t="s"><v>8</v></c>'), shared) == found, cell


def released_as_before(anchors: list[bool], lookback: int) -> list[list[int]]:
    """What each row's arrival released, by the window's plain definition: every row from
    the last anchor on, and ``lookback`` rows before it; a row leaves when a new anchor
    leaves it out of both."""
    before: deque[int] = deque(maxlen=lookback)
    window: list[int] = []
    out: list[list[int]] = []
    for number, anchor in enumerate(anchors, 1):
        if not anchor:
            window.append(number)
            out.append([])
            continue
        everything = [*before, *window]
        before.extend(window)
        window = [number]
        out.append(everything[:max(len(everything) - len(before), 0)])
    return out


@given(st.lists(st.booleans(), max_size=60), st.integers(min_value=0, max_value=6))
def test_a_sketch_releases_the_rows_that_leave_its_window_and_no_other(
        anchors: list[bool], lookback: int) -> None:
    builder = SketchBuilder("xl/worksheets/sheet1.xml", b"<sheetData>", top=0,
                            lookback=lookback)
    released = [[p.number for p in builder.add(piece(n, b""), anchor=a)]
                for n, a in enumerate(anchors, 1)]
    assert released == released_as_before(anchors, lookback)
