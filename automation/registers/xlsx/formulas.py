"""A1 references as Excel moves them: formulas filled down, ranges that grow with new rows.

``shift_formula("IF(S6=\\"\\",\\"\\",S6-$B6)", rows=1)`` gives ``IF(S7="","",S7-$B7)``, as
Excel's fill-down does: relative rows and columns move, ``$``-anchored ones stay, text in
quotes, sheet names, function names and structured references (``[@Date]``) are left alone.
``grow_sqref`` extends the ranges of a validation, a conditional format or a table that cover
the last data row so that they cover the new rows too.
"""

from __future__ import annotations

import re
from typing import Final

MAX_ROW: Final = 1_048_576
MAX_COL: Final = 16_384

_TOKEN: Final = re.compile(
    r"""
      (?P<str>"(?:[^"]|"")*")                                   # "text"
    | (?P<quoted>'(?:[^']|'')*'!)                               # 'Sheet name'!
    | (?P<bracket>\[(?:[^\[\]']|'.|\[(?:[^\[\]']|'.)*\])*\])    # [@Col], Table[[#All],[Col]], [1]
    | (?P<sheet>[^\W\d][\w.]*(?::[^\W\d][\w.]*)?!)              # Sheet1! or Jan:Dec!
    | (?P<cell>(?<![\w.$])\$?[A-Za-z]{1,3}\$?\d{1,7}(?![\w.(!]))
    | (?P<rows>(?<![\w.$:])\$?\d{1,7}:\$?\d{1,7}(?![\w.(:]))
    | (?P<cols>(?<![\w.$])\$?[A-Za-z]{1,3}:\$?[A-Za-z]{1,3}(?![\w.(!]))
    | (?P<name>[^\W\d][\w.]*)                                   # functions, names, TRUE
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CELL: Final = re.compile(r"(\$?)([A-Za-z]{1,3})(\$?)(\d{1,7})")
_ROWS: Final = re.compile(r"(\$?)(\d{1,7}):(\$?)(\d{1,7})")
_COLS: Final = re.compile(r"(\$?)([A-Za-z]{1,3}):(\$?)([A-Za-z]{1,3})")
_PLAIN_CELL: Final = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def column_index(letters: str) -> int:
    """``"A"`` → 1, ``"AB"`` → 28."""
    index = 0
    for char in letters.upper():
        index = index * 26 + ord(char) - 64
    return index


def column_letters(index: int) -> str:
    """``1`` → ``"A"``, ``28`` → ``"AB"``."""
    letters = ""
    while index > 0:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def split_cell(ref: str) -> tuple[int, int] | None:
    """``"B7"`` → ``(7, 2)`` (row, column); ``None`` when ``ref`` is not a cell."""
    match = _PLAIN_CELL.fullmatch(ref)
    if match is None:
        return None
    return int(match[2]), column_index(match[1])


def shift_formula(formula: str, *, rows: int, cols: int = 0) -> str:
    """``formula`` (without ``=``) copied ``rows`` down and ``cols`` right, as Excel copies it."""
    if rows == 0 and cols == 0:
        return formula
    parts: list[str] = []
    for match in _TOKEN.finditer(formula):
        kind = match.lastgroup
        text = match.group()
        if kind == "cell":
            text = _shift_cell(text, rows, cols)
        elif kind == "rows" and rows:
            text = _shift_rows(text, rows)
        elif kind == "cols" and cols:
            text = _shift_cols(text, cols)
        parts.append(text)
    return "".join(parts)


def _shift_cell(text: str, rows: int, cols: int) -> str:
    match = _CELL.fullmatch(text)
    assert match is not None
    col_abs, letters, row_abs, digits = match.groups()
    col, row = column_index(letters), int(digits)
    if col > MAX_COL or not 1 <= row <= MAX_ROW:
        return text  # not a reference after all (a name such as "ABCD1" is not valid anyway)
    if not col_abs:
        col += cols
    if not row_abs:
        row += rows
    if not (1 <= col <= MAX_COL and 1 <= row <= MAX_ROW):
        return "#REF!"
    return f"{col_abs}{column_letters(col)}{row_abs}{row}"


def _shift_rows(text: str, rows: int) -> str:
    match = _ROWS.fullmatch(text)
    assert match is not None
    abs1, first, abs2, last = match.groups()
    start = int(first) if abs1 else int(first) + rows
    end = int(last) if abs2 else int(last) + rows
    if not (1 <= start <= MAX_ROW and 1 <= end <= MAX_ROW):
        return "#REF!"
    return f"{abs1}{start}:{abs2}{end}"


def _shift_cols(text: str, cols: int) -> str:
    match = _COLS.fullmatch(text)
    assert match is not None
    abs1, first, abs2, last = match.groups()
    start = column_index(first) if abs1 else column_index(first) + cols
    end = column_index(last) if abs2 else column_index(last) + cols
    if not (1 <= start <= MAX_COL and 1 <= end <= MAX_COL):
        return "#REF!"
    return f"{abs1}{column_letters(start)}:{abs2}{column_letters(end)}"


def parse_range(text: str) -> tuple[int, int, int, int] | None:
    """``"A5:W60"`` → ``(5, 1, 60, 23)`` (first row, first column, last row, last column)."""
    first, _, last = text.partition(":")
    start = split_cell(first)
    end = split_cell(last) if last else start
    if start is None or end is None:
        return None
    return start[0], start[1], end[0], end[1]


def format_range(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    start = f"{column_letters(first_col)}{first_row}"
    end = f"{column_letters(last_col)}{last_row}"
    return start if start == end else f"{start}:{end}"


def grow_range(text: str, *, anchor: int, last: int) -> str:
    """``text`` extended down to row ``last`` when it covers row ``anchor`` and ends above."""
    bounds = parse_range(text)
    if bounds is None:
        return text
    first_row, first_col, last_row, last_col = bounds
    if first_row <= anchor <= last_row < last:
        return format_range(first_row, first_col, last, last_col)
    return text


def grow_sqref(sqref: str, *, anchor: int, last: int) -> str:
    """Every range of a space-separated ``sqref`` grown as :func:`grow_range` grows one."""
    grown = [grow_range(part, anchor=anchor, last=last) for part in sqref.split()]
    return sqref if grown == sqref.split() else " ".join(grown)
