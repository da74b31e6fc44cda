"""A1 references as Excel moves them: formulas filled down, ranges that grow with new rows.

``shift_formula("IF(S6=\\"\\",\\"\\",S6-$B6)", rows=1)`` gives ``IF(S7="","",S7-$B7)``, as
Excel's fill-down does: relative rows and columns move, ``$``-anchored ones stay, text in
quotes, sheet names, function names and structured references (``[@Date]``) are left alone.
:class:`RowMove` says where references go when rows are appended: the ranges of a validation,
a conditional format, a table or a totals formula that cover the last data row grow to cover
the new rows, and what lies under them (a totals row) moves down, as Excel moves references
when it inserts rows (:func:`move_references`, :func:`move_sqref`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
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


@dataclass(frozen=True)
class RowMove:
    """Where references go when new rows are put under the data, above a totals row.

    The new rows are ``anchor + 1`` to ``last``; rows from ``at`` down (the totals row and
    what follows it) move down ``by`` rows, as Excel moves them when rows are inserted. A
    range that covers the last data row (``anchor``) and ends above ``last`` grows to cover
    the new rows when growing is asked for (totals, counters, dropdowns, formats); a single
    cell never grows.
    """

    anchor: int
    last: int
    at: int = MAX_ROW + 1
    by: int = 0

    def row(self, number: int) -> int:
        return min(number + self.by, MAX_ROW) if number >= self.at else number

    def span(self, first: int, last: int, *, grow: bool = True) -> tuple[int, int]:
        """A range's rows moved (its end stays on the sheet: ``C5:C1048576`` keeps its end)."""
        new_first, new_last = self.row(first), self.row(last)
        if grow and last < self.at and first <= self.anchor <= last < self.last:
            new_last = self.last
        return new_first, new_last


def move_references(formula: str, move: RowMove, *, sheet: str, implicit: bool,
                    grow: bool) -> str:
    """``formula`` with its references to sheet ``sheet`` moved by ``move``.

    ``implicit``: references without a sheet name are on ``sheet`` (the formula lives there).
    References to other sheets, to other workbooks and structured references are kept.
    """
    tokens = [(m.lastgroup or "", m.group()) for m in _TOKEN.finditer(formula)]
    out: list[str] = []
    applies, external = implicit, False
    index = 0
    while index < len(tokens):
        kind, text = tokens[index]
        index += 1
        if kind == "bracket" and index < len(tokens) and tokens[index][0] in {"sheet", "quoted"}:
            external = True
            out.append(text)
            continue
        if kind in {"sheet", "quoted"}:
            applies = not external and _names_sheet(text, sheet)
            external = False
            out.append(text)
            continue
        if kind == "cell" and index + 1 < len(tokens) and tokens[index] == ("other", ":") \
                and tokens[index + 1][0] == "cell":
            end = tokens[index + 1][1]
            index += 2
            out.append(_move_area(text, end, move, grow=grow) if applies else f"{text}:{end}")
        elif kind == "cell":
            out.append(_move_cell(text, move) if applies else text)
        elif kind == "rows":
            out.append(_move_rows(text, move, grow=grow) if applies else text)
        else:
            out.append(text)
        applies = implicit
    return "".join(out)


def move_area(text: str, move: RowMove, *, grow: bool = True) -> str:
    """A range (``A5:G9``) or a cell (``A9``) of a ``ref``/``sqref`` attribute, moved."""
    bounds = parse_range(text)
    if bounds is None:
        return text
    first_row, first_col, last_row, last_col = bounds
    new_first, new_last = move.span(first_row, last_row, grow=grow)
    if (new_first, new_last) == (first_row, last_row):
        return text
    return format_range(new_first, first_col, new_last, last_col)


def move_sqref(sqref: str, move: RowMove, *, grow: bool = True) -> str:
    parts = sqref.split()
    moved = [move_area(part, move, grow=grow) for part in parts]
    return sqref if moved == parts else " ".join(moved)


def _names_sheet(token: str, sheet: str) -> bool:
    name = token[:-1]
    if name.startswith("'") and name.endswith("'"):
        name = name[1:-1].replace("''", "'")
    return ":" not in name and name.casefold() == sheet.casefold()


def _move_cell(text: str, move: RowMove) -> str:
    match = _CELL.fullmatch(text)
    if match is None:
        return text
    col_abs, letters, row_abs, digits = match.groups()
    row = int(digits)
    if column_index(letters) > MAX_COL or not 1 <= row <= MAX_ROW:
        return text
    moved = move.row(row)
    return text if moved == row else f"{col_abs}{letters}{row_abs}{moved}"


def _move_area(start: str, end: str, move: RowMove, *, grow: bool) -> str:
    first, last = _CELL.fullmatch(start), _CELL.fullmatch(end)
    if first is None or last is None:
        return f"{start}:{end}"
    top, bottom = int(first[4]), int(last[4])
    if top > bottom:
        return f"{_move_cell(start, move)}:{_move_cell(end, move)}"
    new_top, new_bottom = move.span(top, bottom, grow=grow)
    return (f"{first[1]}{first[2]}{first[3]}{new_top}:"
            f"{last[1]}{last[2]}{last[3]}{new_bottom}")


def _move_rows(text: str, move: RowMove, *, grow: bool) -> str:
    match = _ROWS.fullmatch(text)
    if match is None:
        return text
    abs1, first, abs2, last = match.groups()
    new_first, new_last = move.span(int(first), int(last), grow=grow)
    return f"{abs1}{new_first}:{abs2}{new_last}"
