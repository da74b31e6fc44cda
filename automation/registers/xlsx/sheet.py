"""A worksheet part read as bytes, and spliced rather than rebuilt.

A register of 50,000 rows is a 50 MB part; building a tree of it costs seconds and hundreds of
megabytes. :class:`SheetXml` only locates the rows (one regular-expression pass), parses the
cells of the few rows it is asked about, and applies edits as byte ranges: everything it is
not told to change is copied verbatim. Text in XML cannot hold a raw ``<``, so a ``<row`` or
``<c`` in the part is always a tag.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Final
from xml.parsers import expat

from automation.registers.xlsx.formulas import column_letters, split_cell
from automation.registers.xlsx.package import PackageError, decode_escapes, xml_unescape

unescape = xml_unescape

_P: Final = rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)"
_ROOT: Final = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")
_TYPE: Final = re.compile(rb"\st=\"([^\"]*)\"")
_SHEET_DATA: Final = re.compile(_P + rb"sheetData(?=[\s/>])[^>]*?(?P<empty>/?)>")
_DIMENSION: Final = re.compile(_P + rb"dimension(?=[\s/>])[^>]*?\bref=\"(?P<ref>[^\"]*)\"")
_ROW_START: Final = re.compile(
    _P + rb"row(?=[\s/>])(?P<a>(?:[^>]*?\sr=\"(?P<n>[0-9]+)\")?[^>]*?)(?P<s>/?)>")
_CELL: Final = re.compile(_P + rb"c(?=[\s/>])(?P<a>[^>]*?)(?:/>|>(?P<b>.*?)</(?P=p)c\s*>)",
                          re.DOTALL)
_COL: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?col(?=[\s/>])([^>]*)>")
_ATTR: Final = re.compile(rb"([\w:.-]+)\s*=\s*(?:\"([^\"]*)\"|'([^']*)')")
_VALUE: Final = re.compile(_P + rb"v\s*>(?P<t>.*?)</(?P=p)v\s*>", re.DOTALL)
_FORMULA: Final = re.compile(_P + rb"f(?=[\s/>])(?P<a>[^>]*?)(?:/>|>(?P<t>.*?)</(?P=p)f\s*>)",
                             re.DOTALL)
_INLINE: Final = re.compile(_P + rb"is\s*>(?P<b>.*?)</(?P=p)is\s*>", re.DOTALL)
_PHONETIC: Final = re.compile(_P + rb"rPh(?=[\s/>]).*?</(?P=p)rPh\s*>", re.DOTALL)
_FEED: Final = 1 << 20  # bytes of an edit given to the parser at a time
_TEXT: Final = re.compile(_P + rb"t(?=[\s/>])[^>]*?(?:/>|>(?P<t>.*?)</(?P=p)t\s*>)", re.DOTALL)


def parse_attrs(raw: bytes) -> dict[str, str]:
    return {m[1].decode(): unescape((m[2] if m[2] is not None else m[3]).decode())
            for m in _ATTR.finditer(raw)}


@dataclass(frozen=True)
class CellXml:
    col: int
    start: int  # byte offsets of the whole <c> element in the part
    end: int
    attrs: dict[str, str]
    value: str | None  # the <v> text, or the inline string; None when the cell has neither
    formula: str | None  # the <f> text (a shared formula's followers have none)
    formula_attrs: dict[str, str] | None  # the <f> attributes, when there is an <f>

    @property
    def style(self) -> str | None:
        return self.attrs.get("s")

    @property
    def kind(self) -> str:
        return self.attrs.get("t", "n")

    @property
    def has_formula(self) -> bool:
        return self.formula_attrs is not None

    def text(self, shared: Sequence[str]) -> str:
        """What the cell shows, as text (numbers as stored)."""
        if self.value is None:
            return ""
        if self.kind == "s":
            try:
                return shared[int(self.value)]
            except (ValueError, IndexError):
                return ""
        return self.value


class RowXml:
    """One ``<row>``: where it is in the part; its end and attributes are found when asked."""

    __slots__ = ("_attrs", "_body", "_closing", "_data", "_end", "number", "opening", "start")

    def __init__(self, data: bytes, number: int, start: int, opening: tuple[int, int],
                 closing: bytes | None) -> None:
        self.number = number
        self.start = start
        self.opening = opening  # offsets of the attributes inside <row …>
        self._data = data
        self._closing = closing  # b"</row" (with the prefix), or None for <row …/>
        self._end: int | None = None
        self._body: tuple[int, int] | None = None
        self._attrs: dict[str, str] | None = None

    @property
    def attrs(self) -> dict[str, str]:
        if self._attrs is None:
            self._attrs = parse_attrs(self._data[self.opening[0]:self.opening[1]])
        return self._attrs

    @property
    def end(self) -> int:
        if self._end is None:
            self._locate()
        assert self._end is not None
        return self._end

    @property
    def body(self) -> tuple[int, int] | None:
        """Offsets of the content between ``<row …>`` and ``</row>`` (None for ``<row/>``)."""
        if self._end is None:
            self._locate()
        return self._body

    def _locate(self) -> None:
        tag_end = self._data.index(b">", self.opening[1]) + 1
        if self._closing is None:
            self._end = tag_end
            return
        close = self._data.find(self._closing, tag_end)
        if close < 0:
            raise PackageError(f"row {self.number} is not closed")
        self._body = (tag_end, close)
        self._end = self._data.index(b">", close) + 1


@dataclass(frozen=True)
class Edit:
    start: int
    end: int
    data: bytes


class SheetXml:
    """The bytes of one worksheet part, with its rows located."""

    def __init__(self, data: bytes, part: str, *,
                 masters: dict[str, tuple[str, str]] | None = None) -> None:
        self.data = data
        self.part = part
        # A sketch (:mod:`.sketch`) lacks most rows: it brings its shared formulas' masters.
        self.masters = masters
        if _ROOT.search(data, 0, 4096) is None:
            raise PackageError(f"part {part} is not a worksheet")
        opening = _SHEET_DATA.search(data)
        self.empty_data_tag: tuple[int, int] | None = None
        if opening is None:
            raise PackageError(f"part {part} has no sheetData")
        self.prefix = opening["p"].decode()
        self.data_open = opening.start()
        if opening["empty"]:
            self.data_start = self.data_end = opening.end()
            self.empty_data_tag = (opening.start(), opening.end())
        else:
            self.data_start = opening.end()
            close = data.find(b"</" + opening["p"] + b"sheetData", self.data_start)
            if close < 0:
                raise PackageError(f"part {part}: sheetData is not closed")
            self.data_end = close
        self.rows = list(self._scan_rows())
        self._by_number = {row.number: row for row in self.rows}
        self._numbers = [row.number for row in self.rows]
        self._column_styles: list[tuple[int, int, str]] | None = None

    def _scan_rows(self) -> Iterator[RowXml]:
        data = self.data
        number = 0
        for match in _ROW_START.finditer(data, self.data_start, self.data_end):
            number = int(match["n"]) if match["n"] else number + 1
            closing = None if match["s"] else b"</" + match["p"] + b"row"
            yield RowXml(data, number, match.start(), match.span("a"), closing)

    def row(self, number: int) -> RowXml | None:
        return self._by_number.get(number)

    def column_style(self, col: int) -> str | None:
        """The style a ``<cols>`` entry gives column ``col`` (what Excel gives a new cell)."""
        if self._column_styles is None:
            self._column_styles = []
            for match in _COL.finditer(self.data, 0, self.data_open):
                attrs = parse_attrs(match[1])
                low, high, style = attrs.get("min", ""), attrs.get("max", ""), attrs.get("style")
                if low.isdigit() and high.isdigit() and style:
                    self._column_styles.append((int(low), int(high), style))
        for first, last, col_style in self._column_styles:
            if first <= col <= last:
                return col_style
        return None

    def insertion_point(self, number: int) -> int:
        """Where a new row ``number`` goes: before the first row below it."""
        index = bisect.bisect_right(self._numbers, number)
        return self.rows[index].start if index < len(self.rows) else self.data_end

    def cells(self, row: RowXml) -> list[CellXml]:
        if row.body is None:
            return []
        cells: list[CellXml] = []
        col = 0
        for match in _CELL.finditer(self.data, row.body[0], row.body[1]):
            cells.append(_cell(match, col))
            col = cells[-1].col
        return cells

    def column(self, col: int, shared: Sequence[str]) -> Iterator[tuple[int, str]]:
        """``(row number, text)`` for every cell of column ``col``, top to bottom."""
        letters = column_letters(col).encode()
        data = self.data
        for row in self.rows:
            if row.body is None:
                continue
            found = data.find(b' r="%s%d"' % (letters, row.number), *row.body)
            match = _CELL.match(data, data.rfind(b"<", row.body[0], found)) if found > 0 else None
            if match is not None:
                yield row.number, _quick_text(match, shared)
            else:  # no cell there, or cells without references: read the row
                yield from ((row.number, c.text(shared)) for c in self.cells(row) if c.col == col)

    def check(self, edits: Iterable[Edit]) -> None:
        """Raise :class:`PackageError` unless every edited row and the edited tail parse."""
        root = _ROOT.search(self.data)
        assert root is not None
        opening = self.data[root.start():self.data.index(b">", root.start()) + 1]
        closing = b"</" + (root[1] or b"") + b"worksheet>"
        tail_start, _ = self.tail()
        for edit in edits:
            fragment: tuple[bytes, ...]
            if edit.start >= tail_start:
                fragment = (opening, edit.data)
            elif edit.start >= self.data_start:
                fragment = (opening, edit.data, closing)
            else:
                continue
            try:
                _parse_row_by_row(fragment)
            except expat.ExpatError as exc:
                raise PackageError(f"part {self.part}: the new content is not well-formed "
                                   f"XML: {exc}") from exc

    def dimension(self) -> tuple[str, int, int] | None:
        match = _DIMENSION.search(self.data, 0, self.data_open)
        if match is None:
            return None
        return match["ref"].decode(), match.start("ref"), match.end("ref")

    def tail(self) -> tuple[int, int]:
        """Offsets of what follows sheetData (conditional formats, validations, extLst)."""
        if self.empty_data_tag is not None:
            return self.empty_data_tag[1], len(self.data)
        close = self.data.index(b">", self.data_end) + 1
        return close, len(self.data)

    def apply(self, edits: Iterable[Edit]) -> bytes:
        """The part with ``edits`` (non-overlapping byte ranges) applied."""
        pieces: list[bytes] = []
        position = 0
        for edit in sorted(edits, key=lambda e: (e.start, e.end)):
            if edit.start < position:
                raise PackageError(f"part {self.part}: overlapping edits at byte {edit.start}")
            pieces.append(self.data[position:edit.start])
            pieces.append(edit.data)
            position = edit.end
        pieces.append(self.data[position:])
        return b"".join(pieces)


def _cell(match: re.Match[bytes], previous_col: int) -> CellXml:
    attrs = parse_attrs(match["a"])
    where = split_cell(attrs.get("r", ""))
    col = where[1] if where else previous_col + 1
    body = match["b"]
    value: str | None = None
    formula: str | None = None
    formula_attrs: dict[str, str] | None = None
    if body:
        found = _VALUE.search(body)
        if found is not None:
            value = unescape(found["t"].decode())
        inline = _INLINE.search(body)
        if inline is not None:
            content = _PHONETIC.sub(b"", inline["b"])
            value = decode_escapes(unescape(b"".join(
                t["t"] or b"" for t in _TEXT.finditer(content)).decode()))
        elif value is not None and attrs.get("t") in {"str", "inlineStr"}:
            value = decode_escapes(value)
        found_f = _FORMULA.search(body)
        if found_f is not None:
            formula_attrs = parse_attrs(found_f["a"])
            formula = unescape(found_f["t"].decode()) if found_f["t"] else None
    return CellXml(col, match.start(), match.end(), attrs, value, formula, formula_attrs)


def _quick_text(match: re.Match[bytes], shared: Sequence[str]) -> str:
    """The text of a cell, without the rest of :func:`_cell`'s work (the id column scan)."""
    body = match["b"]
    if not body:
        return ""
    kind = _TYPE.search(match["a"])
    if kind is not None and kind[1] == b"inlineStr":
        inline = _INLINE.search(body)
        content = _PHONETIC.sub(b"", inline["b"]) if inline else b""
        return decode_escapes(unescape(b"".join(
            t["t"] or b"" for t in _TEXT.finditer(content)).decode()))
    value = _VALUE.search(body)
    if value is None:
        return ""
    raw = value["t"].decode()
    if kind is not None and kind[1] == b"s":
        try:
            return shared[int(raw)]
        except (ValueError, IndexError):
            return ""
    return decode_escapes(unescape(raw)) if kind is not None and kind[1] == b"str" else raw


def _parse_row_by_row(fragment: Sequence[bytes]) -> None:
    """Parse the pieces of ``fragment`` as one document (namespaces checked, no entity but
    XML's own, no network), building no tree: an append's one edit may hold 20,000 new rows,
    whose tree would take hundreds of megabytes and most of the check's time. The pieces are
    fed as they are, never joined into a copy of the edit; raises ``ExpatError``."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    for piece in fragment:
        for start in range(0, len(piece), _FEED):
            parser.Parse(piece[start:start + _FEED], False)
    parser.Parse(b"", True)
