"""New ``<c>`` and ``<row>`` elements, written the way Excel writes them.

Text goes in as an inline string (the shared strings part stays untouched; Excel moves it to
the shared table on its next save), cleaned by :func:`automation.text.clean_text`; text that
looks like a formula gets the quote prefix and is never a formula. Dates are serial numbers
in the format of the cell above, or in the locale's short date when that cell has no date
format. Formulas are written without a cached value, so Excel and LibreOffice compute them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Final

from automation.clock import paris_naive
from automation.records import CellValue
from automation.registers.xlsx.styles import DATE_FORMAT_ID, DATETIME_FORMAT_ID, StyleBook
from automation.text import clean_text, looks_like_formula

_EPOCH_1900: Final = datetime(1899, 12, 30)
_EPOCH_1904: Final = datetime(1904, 1, 1)
_LOOKS_ESCAPED: Final = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
_MADE_KEPT: Final = 4096  # texts and dates whose cell body is kept for the next row
_EXACT: Final = 10**15  # integers below this are written as their digits (see _number)


def escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def escape_attr(text: str) -> str:
    return escape_text(text).replace('"', "&quot;")


def excel_serial(value: date, *, date1904: bool = False) -> float:
    """The serial number Excel stores for ``value`` (days since its epoch, time as a fraction)."""
    epoch = _EPOCH_1904 if date1904 else _EPOCH_1900
    if isinstance(value, datetime):
        delta = paris_naive(value) - epoch
        return delta.days + delta.seconds / 86_400
    return float((value - epoch.date()).days)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() and abs(value) < 1e15 else repr(value)


class CellWriter:
    """Renders cells for one sheet: its namespace prefix, its workbook's styles and epoch."""

    def __init__(self, styles: StyleBook, *, prefix: str = "", date1904: bool = False) -> None:
        self.styles = styles
        self.prefix = prefix
        self.date1904 = date1904
        # (value, format) -> the cell's bytes after its reference: a register's rows repeat
        # their texts and dates (the same training, the same day, the same note on every
        # Journal line), whose cells then differ only by where they are.
        self._made: dict[tuple[str | date, str | None], bytes] = {}
        self._opening = f'<{prefix}c r="'.encode()

    def value(self, ref: str, value: CellValue, style: str | None) -> bytes:
        if type(value) is str:  # the common cases first, by their exact type
            return self.text(ref, value, style)
        if type(value) is int and -_EXACT < value < _EXACT:
            return self._cell(ref, style, None, f"<{self.prefix}v>{value}</{self.prefix}v>")
        if value is None:
            return self.blank(ref, style)
        if isinstance(value, bool):
            return self._cell(ref, style, "b", f"<{self.prefix}v>{int(value)}</{self.prefix}v>")
        if isinstance(value, int | float) and math.isfinite(value):
            number = _number(value)
            return self._cell(ref, style, None, f"<{self.prefix}v>{number}</{self.prefix}v>")
        if isinstance(value, date):
            return self._repeated(ref, value, style)
        return self.text(ref, str(value), style)

    def text(self, ref: str, text: str, style: str | None) -> bytes:
        return self._repeated(ref, text, style)

    def _repeated(self, ref: str, value: str | date, style: str | None) -> bytes:
        rest = self._made.get((value, style))
        if rest is None:
            if len(self._made) >= _MADE_KEPT:
                self._made.clear()
            made = (self._text(value, style) if isinstance(value, str)
                    else self._date(value, style))
            rest = self._made[(value, style)] = self._cell("", *made)[len(self._opening):]
        return self._opening + ref.encode() + rest

    def _date(self, value: date, style: str | None) -> tuple[str | None, str, str]:
        if not self.styles.is_date(style):
            wanted = DATETIME_FORMAT_ID if isinstance(value, datetime) else DATE_FORMAT_ID
            style = self.styles.variant(style, number_format=wanted)
        serial = _number(excel_serial(value, date1904=self.date1904))
        return style, "", f"<{self.prefix}v>{serial}</{self.prefix}v>"

    def _text(self, text: str, style: str | None) -> tuple[str | None, str, str]:
        text = clean_text(text)
        if not text:
            return style, "", ""
        if looks_like_formula(text):
            style = self.styles.variant(style, quote_prefix=True)
        escaped = escape_text(_LOOKS_ESCAPED.sub(r"_x005F_\1", text) if "_x" in text else text)
        space = ' xml:space="preserve"' if text != text.strip() else ""
        p = self.prefix
        return style, "inlineStr", f"<{p}is><{p}t{space}>{escaped}</{p}t></{p}is>"

    def formula(self, ref: str, formula: str, style: str | None) -> bytes:
        p = self.prefix
        return self._cell(ref, style, None, f"<{p}f>{escape_text(formula)}</{p}f>")

    def blank(self, ref: str, style: str | None) -> bytes:
        return self._cell(ref, style, None, "")

    def row(self, number: int, attrs: Mapping[str, str], cells: Sequence[bytes]) -> bytes:
        return self.rendered_row(number, self.attributes(attrs), cells)

    @staticmethod
    def attributes(attrs: Mapping[str, str]) -> str:
        """A row's attributes but its number, as they are written in its tag."""
        return "".join(f' {name}="{escape_attr(value)}"' for name, value in attrs.items()
                       if name != "r")

    def rendered_row(self, number: int, attributes: str, cells: Sequence[bytes]) -> bytes:
        """Row ``number`` with its other ``attributes`` already written (:meth:`attributes`)."""
        opening = f'<{self.prefix}row r="{number}"{attributes}'.encode()
        if not cells:
            return opening + b"/>"
        return opening + b">" + b"".join(cells) + f"</{self.prefix}row>".encode()

    def _cell(self, ref: str, style: str | None, kind: str | None, body: str) -> bytes:
        attrs = f'<{self.prefix}c r="{ref}"'
        if style and style != "0":
            attrs += f' s="{style}"'
        if kind:
            attrs += f' t="{kind}"'
        if not body:
            return (attrs + "/>").encode()
        return (attrs + ">" + body + f"</{self.prefix}c>").encode()
