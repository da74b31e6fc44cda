"""Cell formats of a workbook: is a format a date, and variants of a format the office made.

A new cell takes the format of the cell above it. Two cases need a variant of that format,
added at the end of ``cellXfs`` (existing formats are never changed, so no existing cell
changes look): a date written under a cell formatted as text or number (it gets a date
format), and outside text that looks like a formula (it gets Excel's quote prefix, so that
editing the cell later does not turn it into a formula).
"""

from __future__ import annotations

import re
from typing import Final

from automation.registers.xlsx.package import PackageError
from automation.registers.xlsx.package import xml_unescape as unescape

DATE_FORMAT_ID: Final = 14  # the short date of the reader's locale (dd/mm/yyyy in France)
DATETIME_FORMAT_ID: Final = 22  # short date and time
_BUILTIN_DATES: Final = frozenset({*range(14, 23), *range(27, 37), 45, 46, 47, *range(50, 59)})
_CELL_XFS: Final = re.compile(
    rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)cellXfs(?=[\s>])(?P<a>[^>]*)>(?P<b>.*?)</(?P=p)cellXfs\s*>",
    re.DOTALL)
_XF: Final = re.compile(
    rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)xf(?=[\s/>])(?P<a>[^>]*?)(?P<end>/>|>.*?</(?P=p)xf\s*>)",
    re.DOTALL)
_NUM_FMT: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?numFmt\s[^>]*>")
_ATTR_VALUE: Final = r'\b{}\s*=\s*"([^"]*)"'
_COUNT: Final = re.compile(rb'\bcount\s*=\s*"[0-9]*"')
_LITERALS: Final = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def is_date_code(code: str) -> bool:
    """True when a number format code shows a date or a time (``dd/mm/yyyy``, ``h:mm``)."""
    bare = _LITERALS.sub("", code.split(";")[0]).lower()
    return any(char in bare for char in "dmyhs") and "general" not in bare


class StyleBook:
    """The ``cellXfs`` of ``styles.xml``, and the variants an append adds to it."""

    def __init__(self, data: bytes | None, part: str | None) -> None:
        self.data = data
        self.part = part
        self._xfs: list[bytes] = []
        self._codes: dict[int, str] = {}
        self._added: list[bytes] = []
        self._variants: dict[tuple[int, bool, int | None], int] = {}
        self._block: re.Match[bytes] | None = None
        self._dates: dict[str | None, bool] = {}  # is_date by style: the formats never change
        if data is None:
            return
        self._block = _CELL_XFS.search(data)
        if self._block is not None:
            self._xfs = [m[0] for m in _XF.finditer(self._block["b"])]
        for match in _NUM_FMT.finditer(data):
            ident, code = _attr(match[0], "numFmtId"), _attr(match[0], "formatCode")
            if ident is not None and ident.isdigit() and code is not None:
                self._codes[int(ident)] = code

    @property
    def changed(self) -> bool:
        return bool(self._added)

    def is_date(self, style: str | None) -> bool:
        known = self._dates.get(style)
        if known is None:
            known = self._dates[style] = self._is_date(style)
        return known

    def _is_date(self, style: str | None) -> bool:
        xf = self._xf(style)
        ident = _attr(xf, "numFmtId") if xf is not None else None
        if ident is None or not ident.isdigit():
            return False
        number = int(ident)
        if number in self._codes:
            return is_date_code(self._codes[number])
        return number in _BUILTIN_DATES

    def is_plain(self, style: str | None) -> bool:
        """True for a format that shows nothing of its own: general numbers, no fill, no
        border (what LibreOffice gives the empty rows it writes under a table)."""
        xf = self._xf(style)
        if xf is None:
            return True
        ident = _attr(xf, "numFmtId") or "0"
        general = ident == "0" or (ident.isdigit() and
                                   self._codes.get(int(ident), "").lower() == "general")
        return general and (_attr(xf, "fillId") or "0") == "0" and (
            _attr(xf, "borderId") or "0") == "0"

    def variant(self, style: str | None, *, quote_prefix: bool = False,
                number_format: int | None = None) -> str | None:
        """The index of ``style`` with a quote prefix and/or another number format."""
        if not quote_prefix and number_format is None:
            return style
        base = int(style) if style and style.isdigit() else 0
        key = (base, quote_prefix, number_format)
        if key in self._variants:
            return str(self._variants[key])
        xf = self._xf(str(base))
        if xf is None or self._block is None:
            return style  # no styles part to extend: the cell stays as it would be
        opening = _XF.match(xf)
        assert opening is not None
        attrs = opening["a"]
        if quote_prefix:
            attrs = _set(attrs, b"quotePrefix", b"1")
        if number_format is not None:
            attrs = _set(attrs, b"numFmtId", str(number_format).encode())
            attrs = _set(attrs, b"applyNumberFormat", b"1")
        self._added.append(b"<" + opening["p"] + b"xf" + attrs + opening["end"])
        index = len(self._xfs) + len(self._added) - 1
        self._variants[key] = index
        return str(index)

    def render(self) -> bytes:
        """``styles.xml`` with the added variants (unchanged when none were needed)."""
        if self.data is None or self._block is None or not self._added:
            raise PackageError("no style variants to write")
        block = self._block
        count = str(len(self._xfs) + len(self._added)).encode()
        attrs = block["a"]
        attrs = _COUNT.sub(b'count="' + count + b'"', attrs) if _COUNT.search(attrs) else attrs
        close = b"</" + block["p"] + b"cellXfs>"
        new_block = (b"<" + block["p"] + b"cellXfs" + attrs + b">" + block["b"]
                     + b"".join(self._added) + close)
        return self.data[:block.start()] + new_block + self.data[block.end():]

    def _xf(self, style: str | None) -> bytes | None:
        index = int(style) if style and style.isdigit() else 0
        return self._xfs[index] if index < len(self._xfs) else None


def _attr(tag: bytes, name: str) -> str | None:
    match = re.search(_ATTR_VALUE.format(name).encode(), tag.split(b">", 1)[0])
    return unescape(match[1].decode()) if match else None


def _set(attrs: bytes, name: bytes, value: bytes) -> bytes:
    pattern = re.compile(rb"\b" + name + rb'\s*=\s*"[^"]*"')
    if pattern.search(attrs):
        return pattern.sub(name + b'="' + value + b'"', attrs, count=1)
    stripped = attrs.rstrip()
    return stripped + b" " + name + b'="' + value + b'"'
