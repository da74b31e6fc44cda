"""Finding the header row of a sheet, naming its columns, and choosing the register.

Offices put title rows and blank rows above their headers and name columns their own way. The
first :data:`HEADER_SCAN_ROWS` rows are scanned; a cell names a field when its folded text
(case, accents, punctuation and spacing ignored) equals one of the field's names, or does once
parenthesised parts are removed (``Date de réception (jj/mm/aaaa)``). The row naming the most
fields is the header row. The columns of our own rejection copies are ignored, so a fixed copy
can be dropped again.

A survey export (Google Forms, Microsoft Forms…) titles its columns with its questions: at the
top of the inbox or in ``inbox/satisfaction/``, :func:`route_tables` also asks
:func:`automation.intake.forms.find_survey`, and such an export goes to the satisfaction
register read the way its ``survey`` says.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from automation.errors import HeaderMismatch
from automation.intake import messages
from automation.records import CellValue
from automation.registers.schema import DEFAULT_REGISTERS, REGISTERS_BY_KEY, RegisterSchema
from automation.text import fold

if TYPE_CHECKING:  # spreadsheet.py and forms.py import this module
    from automation.intake.forms import FormEntry, SurveyForm
    from automation.intake.tables import Table

HEADER_SCAN_ROWS: Final = 30
# Fields intake never fills from a file: the journal gives ids and import times, and the
# source is where the row came from. Columns named like them go to the notes.
NOT_IMPORTED: Final = frozenset({"id", "source", "imported_at"})
_IGNORED: Final = frozenset({fold(messages.ERRORS_HEADER), fold(messages.LINE_HEADER)})
_BRACKETED: Final = re.compile(r"\([^)]*\)|\[[^\]]*\]")


@dataclass(frozen=True)
class HeaderMatch:
    """Where a sheet's headers are and what each column holds, for one register."""

    register: str  # schema key
    sheet: str
    header_line: int  # the header row's number as Excel shows it; data rows come after
    header: tuple[str, ...]  # the header row's texts, by column ("" for a blank cell)
    columns: Mapping[int, str]  # column index (0-based) → field key
    unknown: Mapping[int, str]  # column index → header text, for columns no field claims
    ignored: tuple[int, ...]  # our own rejection-copy columns
    routed_by_headers: bool
    distance: int = 0  # sum of the columns' match qualities: 0 when every header is exact
    survey: SurveyForm | None = None  # a survey export: how its columns are read

    @property
    def missing(self) -> tuple[str, ...]:
        """Headers of the register's required fields that no column provides."""
        present = set(self.columns.values()) | (self.survey.provided if self.survey else set())
        schema = REGISTERS_BY_KEY[self.register]
        return tuple(f.header for f in schema.required if f.key not in present)

    @property
    def fits(self) -> bool:
        return not self.missing

    def rank(self) -> tuple[bool, int, int, int]:
        """Higher is better: fits, then more columns named, fewer missing, closer names."""
        return (self.fits, len(self.columns), -len(self.missing), -self.distance)


def header_text(value: CellValue) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _lookup(schema: RegisterSchema) -> dict[str, tuple[str, int]]:
    """Folded name → (field key, quality): 0 its header, 1 its key, 2 a synonym."""
    table: dict[str, tuple[str, int]] = {}
    for f in schema.fields:
        if f.key in NOT_IMPORTED:
            continue
        for quality, name in enumerate(f.names):
            table.setdefault(fold(name), (f.key, min(quality, 2)))
    return table


_LOOKUPS: Final = {s.key: _lookup(s) for s in DEFAULT_REGISTERS}


def name_field(text: str, register: str) -> tuple[str, int] | None:
    """The field a header names in ``register``, with its match quality (lower is closer)."""
    lookup = _LOOKUPS[register]
    folded = fold(text)
    if folded in lookup:
        return lookup[folded]
    loose = fold(_BRACKETED.sub(" ", text))
    if loose and loose in lookup:
        key, quality = lookup[loose]
        return key, quality + 3
    return None


def match_row(cells: Sequence[CellValue], *, line: int, register: str, sheet: str,
              routed_by_headers: bool) -> HeaderMatch:
    header = tuple(header_text(c) for c in cells)
    best: dict[str, tuple[int, int]] = {}  # field key → (quality, column)
    ignored: list[int] = []
    for column, text in enumerate(header):
        if not text:
            continue
        if fold(text) in _IGNORED:
            ignored.append(column)
            continue
        named = name_field(text, register)
        if named is None:
            continue
        key, quality = named
        if key not in best or quality < best[key][0]:
            best[key] = (quality, column)
    claimed = {column: key for key, (_, column) in best.items()}
    unknown = {c: t for c, t in enumerate(header)
               if t and c not in claimed and c not in ignored}
    return HeaderMatch(register=register, sheet=sheet, header_line=line, header=header,
                       columns=dict(sorted(claimed.items())), unknown=unknown,
                       ignored=tuple(ignored), routed_by_headers=routed_by_headers,
                       distance=sum(quality for quality, _ in best.values()))


def find_header(table: Table, register: str, *, routed_by_headers: bool) -> HeaderMatch:
    """The row among the first ones that names the most fields of ``register``."""
    best: HeaderMatch | None = None
    for row in table.rows:
        if row.number > HEADER_SCAN_ROWS:
            break
        candidate = match_row(row.cells, line=row.number, register=register, sheet=table.sheet,
                              routed_by_headers=routed_by_headers)
        if best is None or candidate.rank() > best.rank():
            best = candidate
    if best is None or not best.columns:  # nothing recognised: show the first row as found
        first = table.rows[0] if table.rows else None
        return match_row(first.cells if first else (), line=first.number if first else 1,
                         register=register, sheet=table.sheet,
                         routed_by_headers=routed_by_headers)
    return best


def route_tables(tables: Sequence[Table], hint: str | None, *,
                 forms: Sequence[FormEntry] = ()) -> HeaderMatch:
    """The best (sheet, register, header row) among ``tables``.

    With ``hint`` (the register named by the inbox sub-folder) only that register is tried.
    Without it, every register is tried and the one whose required columns are all present
    with the most recognised columns wins. A survey export (a tool's signature, or one of the
    office's ``forms``, with a question giving the overall score) goes to the satisfaction
    register unless another register fits it; a file whose headers are only questions goes
    there when no register fits. Raises :class:`HeaderMismatch` naming, for the closest
    register, the required columns that are missing.
    """
    if hint is not None and hint not in REGISTERS_BY_KEY:
        raise ValueError(f"unknown register {hint!r}")
    keys = [hint] if hint is not None else [s.key for s in DEFAULT_REGISTERS]
    candidates = [find_header(table, key, routed_by_headers=hint is None)
                  for table in tables for key in keys]
    if not candidates:
        raise ValueError("no table to route")
    # max() keeps the first of equals: sheets in workbook order, registers in default order.
    best = max(candidates, key=HeaderMatch.rank)
    survey = _survey(tables, hint, forms)
    if survey is not None and survey.survey is not None:
        signed = survey.survey.signed
        if survey.fits and (not best.fits or (signed and best.register == survey.register)):
            return survey
        if signed and not best.fits:
            found = [h for h in survey.header if h]
            raise HeaderMismatch(
                messages.survey_unrecognised(survey.survey.tool.value, survey.missing, found),
                register=survey.register, missing=survey.missing, found=found)
    if best.fits:
        return best
    found = [h for h in best.header if h]
    if hint is not None:
        message = messages.columns_missing(best.register, best.missing, found)
    else:
        message = messages.no_register_fits(best.register, best.missing, found)
    raise HeaderMismatch(message, register=best.register, missing=best.missing, found=found)


def _survey(tables: Sequence[Table], hint: str | None,
            forms: Sequence[FormEntry]) -> HeaderMatch | None:
    from automation.intake.forms import REGISTER, find_survey  # forms imports this module

    if hint not in (None, REGISTER):
        return None
    return find_survey(tables, hint=hint, forms=forms)


def route(table: Table, hint: str | None) -> HeaderMatch:
    """:func:`route_tables` for a single sheet."""
    return route_tables([table], hint)
