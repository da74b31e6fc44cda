"""Moving what lies under the new rows, and growing what covers the data, in the package XML.

When new rows go above a totals row, that row and everything under it move down, as Excel
moves them when it inserts rows: row and cell numbers, the references of every formula that
points there (in the sheet, on other sheets, in defined names), merged cells, hyperlinks,
page breaks, validations, conditional formats, filters, tables, and the notes, comments,
pictures and shapes anchored there (:func:`move_comments`, :func:`move_vml`,
:func:`move_drawing`). Formulas outside the data rows (a counter above the header, the
totals row) and the ranges of formats, validations, filters, tables and defined names that
cover the data also grow to cover the new rows. All of it is driven by one
:class:`~automation.registers.xlsx.formulas.RowMove`.

Formulas whose text changes lose their cached result, so that Excel and LibreOffice compute
them again; so do the formulas of the moved rows.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Final

from automation.registers.xlsx.cells import escape_text
from automation.registers.xlsx.formulas import RowMove, move_area, move_references, move_sqref
from automation.registers.xlsx.package import xml_unescape as unescape

Transform = Callable[[str], str]

_PIECE: Final = re.compile(
    rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)(?:row(?=[\s/>])(?P<ra>[^>]*)>|"
    rb"c(?=[\s/>])(?P<ca>[^>]*?)(?:/>|>(?P<cb>.*?)</(?P=p)c\s*>))", re.DOTALL)
_FORMULA: Final = re.compile(
    rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)f(?=[\s/>])(?P<a>[^>]*?)(?:/>|>(?P<t>.*?)</(?P=p)f\s*>)",
    re.DOTALL)
_VALUE: Final = re.compile(rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)v\s*>.*?</(?P=p)v\s*>|"
                           rb"<(?:[A-Za-z_][\w.-]*:)?v\s*/>", re.DOTALL)
_R_ATTR: Final = re.compile(rb"(\sr=\")([^\"]*)(\")")
_REF_ATTR: Final = re.compile(rb"(\sref=\")([^\"]*)(\")")
_TYPE_ATTR: Final = re.compile(rb"\st=\"[^\"]*\"")
_CELL_REF: Final = re.compile(r"([A-Za-z]{1,3})(\d+)")
_DIGITS_AFTER_LETTER: Final = re.compile(rb"[A-Za-z$](\d{1,7})")

# What follows sheetData: (element, attribute, grows with the data)
_GROWING: Final = re.compile(
    rb"(<(?:[A-Za-z_][\w.-]*:)?(?:conditionalFormatting|dataValidation|autoFilter|sortState)"
    rb"(?=[\s/>])[^>]*?\b(?:sqref|ref)=\")([^\"]*)(\")")
_FIXED: Final = re.compile(
    rb"(<(?:[A-Za-z_][\w.-]*:)?(?:mergeCell|hyperlink|sortCondition|protectedRange)"
    rb"(?=[\s/>])[^>]*?\b(?:sqref|ref)=\")([^\"]*)(\")")
_XM_SQREF: Final = re.compile(
    rb"(<(?P<p>(?:[A-Za-z_][\w.-]*:)?)sqref\s*>)([^<]*)(</(?P=p)sqref\s*>)")
_TAIL_FORMULA: Final = re.compile(
    rb"(<(?P<p>(?:[A-Za-z_][\w.-]*:)?)(?:formula|formula1|formula2|f)\s*>)([^<]*)"
    rb"(</(?P=p)(?:formula|formula1|formula2|f)\s*>)")
_BREAK: Final = re.compile(rb"(<(?:[A-Za-z_][\w.-]*:)?rowBreaks(?=[\s>]).*?</(?:[A-Za-z_][\w.-]*:)?"
                           rb"rowBreaks\s*>)", re.DOTALL)
_BREAK_ID: Final = re.compile(rb"(<(?:[A-Za-z_][\w.-]*:)?brk(?=\s)[^>]*?\bid=\")(\d+)(\")")
# A note (``<comment ref="B9">``) and a threaded comment of Excel 365 name their cell.
_COMMENT_REF: Final = re.compile(
    rb"(<(?:[A-Za-z_][\w.-]*:)?(?:comment|threadedComment)\b[^>]*?\sref=\")([^\"]*)(\")")
# The VML shapes of the legacy drawing: each note's box, a form control (0-based rows).
_CLIENT_DATA: Final = re.compile(
    rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)ClientData\b.*?</(?P=p)ClientData\s*>", re.DOTALL)
_VML_ROW: Final = re.compile(rb"(<(?P<p>(?:[A-Za-z_][\w.-]*:)?)Row\s*>)\s*(\d+)\s*"
                             rb"(</(?P=p)Row\s*>)")
_VML_ANCHOR: Final = re.compile(rb"(<(?P<p>(?:[A-Za-z_][\w.-]*:)?)Anchor\s*>)([^<]*)"
                                rb"(</(?P=p)Anchor\s*>)")
# The anchors of a DrawingML drawing (pictures, charts, shapes), their markers' 0-based rows.
_DRAWING_ANCHOR: Final = re.compile(
    rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)(?P<kind>twoCellAnchor|oneCellAnchor)(?=[\s>])"
    rb"(?P<a>[^>]*)>.*?</(?P=p)(?P=kind)\s*>", re.DOTALL)
_EDIT_AS: Final = re.compile(rb"\seditAs=\"([^\"]*)\"")
_MARKER_ROW: Final = re.compile(
    rb"(<(?P<p>(?:[A-Za-z_][\w.-]*:)?)(?P<end>from|to)\s*>.*?<(?P=p)row\s*>)\s*(?P<row>\d+)\s*"
    rb"(?=</(?P=p)row\s*>)", re.DOTALL)
_DEFINED_NAME: Final = re.compile(
    rb"(<(?P<p>(?:[A-Za-z_][\w.-]*:)?)definedName(?=[\s>])[^>]*>)([^<]*)"
    rb"(</(?P=p)definedName\s*>)")


def references_at_or_below(text: bytes, row: int) -> bool:
    """A cheap test: can ``text`` (a formula) name a row at or below ``row``?"""
    return any(int(m[1]) >= row for m in _DIGITS_AFTER_LETTER.finditer(text))


def rewrite_cells(data: bytes, start: int, end: int, formula: Transform | None, *,
                  move: RowMove | None = None, strip: bool = False) -> bytes:
    """The bytes ``data[start:end]`` (whole rows) with formulas transformed.

    ``move`` renumbers the rows and cells (the rows under the new ones); ``strip`` drops
    the cached result of every formula, changed or not.
    """

    def piece(match: re.Match[bytes]) -> bytes:
        if match["ra"] is not None:
            if move is None:
                return match[0]
            return _R_ATTR.sub(lambda m: m[1] + str(move.row(int(m[2]))).encode() + m[3]
                               if m[2].isdigit() else m[0], match[0], count=1)
        return _cell(match, formula, move, strip)

    return _PIECE.sub(piece, data[start:end])


def _cell(match: re.Match[bytes], formula: Transform | None, move: RowMove | None,
          strip: bool) -> bytes:
    whole, attrs, body = match[0], match["ca"], match["cb"]
    if move is not None:
        head_end = len(attrs) + 1 + len(match["p"]) + 1  # "<" + prefix + "c" + attrs
        head = whole[:head_end]
        head = _R_ATTR.sub(lambda m: m[1] + _moved_cell_ref(m[2].decode(), move).encode()
                           + m[3], head, count=1)
        whole = head + whole[head_end:]
    if not body or b"<" not in body:
        return whole
    found = _FORMULA.search(whole)
    if found is None:
        return whole
    new_f = found[0]
    if formula is not None and found["t"]:
        text = unescape(found["t"].decode())
        moved = formula(text)
        if moved != text:
            new_f = (whole[found.start():found.start("t")] + escape_text(moved).encode()
                     + whole[found.end("t"):found.end()])
    if move is not None and b"ref=" in found["a"]:
        new_f = _REF_ATTR.sub(lambda m: m[1] + move_area(m[2].decode(), move, grow=False)
                              .encode() + m[3], new_f, count=1)
    if new_f == found[0] and not strip:
        return whole
    rebuilt = whole[:found.start()] + new_f + whole[found.end():]
    head, sep, rest = rebuilt.partition(b">")
    return _TYPE_ATTR.sub(b"", head) + sep + _VALUE.sub(b"", rest)


def _moved_cell_ref(ref: str, move: RowMove) -> str:
    found = _CELL_REF.fullmatch(ref)
    if found is None:
        return ref
    return f"{found[1]}{move.row(int(found[2]))}"


def move_comments(data: bytes, move: RowMove) -> bytes:
    """A comments part (notes, or Excel 365's threaded comments): each one on a moved cell
    follows it."""
    return _COMMENT_REF.sub(
        lambda m: m[1] + _moved_cell_ref(m[2].decode(), move).encode() + m[3], data)


def _moved_index(index: int, move: RowMove) -> int:
    """A 0-based row index (VML, DrawingML) moved as the row it is the index of."""
    return move.row(index + 1) - 1


def move_vml(data: bytes, move: RowMove) -> bytes:
    """A legacy VML drawing: a note's box moves with the cell it belongs to (``Row``); another
    shape (a form control) moves with its top row, and also grows when it sizes with cells.

    VML is edited as bytes, never parsed: Excel writes it with unclosed HTML tags."""

    def shape(match: re.Match[bytes]) -> bytes:
        block = match[0]
        cell = _VML_ROW.search(block)
        anchor = _VML_ANCHOR.search(block)
        corners = anchor[3].split(b",") if anchor is not None else []
        if len(corners) != 8 or not all(c.strip().isdigit() for c in corners):
            anchor, corners = None, []
        edits: list[tuple[int, int, bytes]] = []  # (start, end, new bytes) of the block
        if cell is not None:
            row = int(cell[3])
            delta = _moved_index(row, move) - row
            if delta:
                edits.append((cell.start(3), cell.end(3), str(row + delta).encode()))
            rows = [int(corners[2]) + delta, int(corners[6]) + delta] if corners else []
        elif corners:
            top, bottom = int(corners[2]), int(corners[6])
            delta = _moved_index(top, move) - top
            grows = b"SizeWithCells" in block
            rows = [top + delta, _moved_index(bottom, move) if grows else bottom + delta]
        else:
            return block
        if anchor is not None and rows != [int(corners[2]), int(corners[6])]:
            corners[2], corners[6] = (f" {r}".encode() for r in rows)
            edits.append((anchor.start(3), anchor.end(3), b",".join(corners)))
        for begin, stop, text in sorted(edits, reverse=True):
            block = block[:begin] + text + block[stop:]
        return block

    return _CLIENT_DATA.sub(shape, data)


def move_drawing(data: bytes, move: RowMove) -> bytes:
    """A DrawingML drawing: each picture, chart or shape anchored on moved rows moves as
    Excel moves it — a two-cell anchor's corners each with its row (it grows when rows come
    in between), a one-cell one (``editAs="oneCell"`` too) with its top-left cell, keeping
    its size; an absolute one stays."""

    def anchor(match: re.Match[bytes]) -> bytes:
        block = match[0]
        edit_as = _EDIT_AS.search(match["a"])
        how = edit_as[1] if edit_as is not None else b"twoCell"
        if match["kind"] == b"oneCellAnchor":
            how = b"oneCell"
        if how == b"absolute":
            return block
        markers = list(_MARKER_ROW.finditer(block))
        start = next((int(m["row"]) for m in markers if m["end"] == b"from"), None)
        if start is None:
            return block
        delta = _moved_index(start, move) - start

        def moved(row: int) -> int:
            return _moved_index(row, move) if how == b"twoCell" else row + delta

        pieces: list[bytes] = []
        at = 0
        for marker in markers:
            pieces += [block[at:marker.start("row")], str(moved(int(marker["row"]))).encode()]
            at = marker.end("row")
        return b"".join(pieces) + block[at:]

    return _DRAWING_ANCHOR.sub(anchor, data)


def move_tail(tail: bytes, move: RowMove, *, sheet: str) -> bytes:
    """What follows sheetData (merges, formats, validations, filters, links, page breaks)."""

    def growing(match: re.Match[bytes]) -> bytes:
        return match[1] + move_sqref(match[2].decode(), move).encode() + match[3]

    def fixed(match: re.Match[bytes]) -> bytes:
        return match[1] + move_sqref(match[2].decode(), move, grow=False).encode() + match[3]

    def xm_sqref(match: re.Match[bytes]) -> bytes:
        return match[1] + move_sqref(match[3].decode(), move).encode() + match[4]

    def tail_formula(match: re.Match[bytes]) -> bytes:
        text = unescape(match[3].decode())
        moved = move_references(text, move, sheet=sheet, implicit=True, grow=True)
        return match[0] if moved == text else match[1] + escape_text(moved).encode() + match[4]

    def breaks(match: re.Match[bytes]) -> bytes:
        return _BREAK_ID.sub(lambda m: m[1] + str(_moved_index(int(m[2]), move)).encode() + m[3],
                             match[0])

    tail = _GROWING.sub(growing, tail)
    tail = _FIXED.sub(fixed, tail)
    tail = _XM_SQREF.sub(xm_sqref, tail)
    tail = _TAIL_FORMULA.sub(tail_formula, tail)
    return _BREAK.sub(breaks, tail) if move.by else tail


def move_table(table: bytes, move: RowMove, *, header_row: int) -> bytes:
    """A table part (on the register's header row) with its range and filter moved/grown."""

    def area(match: re.Match[bytes]) -> bytes:
        return match[1] + move_area(match[2].decode(), move).encode() + match[3]

    def check(match: re.Match[bytes]) -> bytes:
        text = match[2].decode()
        first = text.partition(":")[0]
        found = _CELL_REF.fullmatch(first.replace("$", ""))
        if found is None or int(found[2]) != header_row:
            return match[0]
        return area(match)

    return _TABLE_REF.sub(check, table)


_TABLE_REF: Final = re.compile(
    rb"(<(?:[A-Za-z_][\w.-]*:)?(?:table|autoFilter|sortState)(?=[\s/>])[^>]*?\sref=\")"
    rb"([^\"]*)(\")")


def move_defined_names(workbook: bytes, move: RowMove, *, sheet: str) -> bytes:
    """``workbook.xml`` with the defined names that point at ``sheet`` moved and grown."""

    def name(match: re.Match[bytes]) -> bytes:
        text = unescape(match[3].decode())
        moved = move_references(text, move, sheet=sheet, implicit=False, grow=True)
        return match[0] if moved == text else match[1] + escape_text(moved).encode() + match[4]

    return _DEFINED_NAME.sub(name, workbook)


def mentions_sheet(data: bytes, sheet: str) -> bool:
    """True when a part may hold a formula naming ``sheet`` (``Registre!`` or ``'Mon r'!``)."""
    quoted = escape_text("'" + sheet.replace("'", "''") + "'")
    needles = {escape_text(sheet), quoted, quoted.replace("'", "&apos;")}
    return any((needle + "!").encode() in data for needle in needles)
