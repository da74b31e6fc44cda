"""Turning the data rows of a routed sheet into records and rejections.

Every cell of a row is read; all the problems of a row are reported together, so a person fixes
a row once. Values in columns no field claims are kept in the notes field as ``Header : value``
lines rather than lost. A record's fingerprint depends only on the register, its values and
how many identical rows came before it in the same file: the same file dropped twice, or a
re-export with more rows, gives the same fingerprints for the rows already seen.

A survey export (``match.survey``) is read by :mod:`automation.intake.form_rows`: scales
decided per column, several columns per field, « Enquête » and « Formation » possibly left for
the planning (they are then the record's ``missing``).
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Final

from automation.intake import messages
from automation.intake.form_rows import plan_survey, read_survey_row, with_defaults
from automation.intake.forms import DEFERRED
from automation.intake.headers import NOT_IMPORTED, HeaderMatch
from automation.intake.values import InvalidValue, as_text, parse_value
from automation.records import CellValue, Record, Rejection
from automation.registers.schema import REGISTERS_BY_KEY, RegisterSchema
from automation.text import clean_text, one_line

if TYPE_CHECKING:  # spreadsheet.py imports this module
    from automation.intake.tables import Row, Table

NOTES_KEY: Final = "notes"
SOURCE_KEY: Final = "source"
HAND_OVER_EVERY: Final = 1000  # records given at a time to a validation's ``hand_over``

HandOver = Callable[[list[Record]], None]


@dataclass(frozen=True)
class ValidationResult:
    register: str
    records: list[Record]
    rejections: list[Rejection]
    header: tuple[str, ...]  # the header row's texts, by column
    ignored_lines: tuple[int, ...] = field(default=())  # rows with nothing in a known column


def is_blank(value: CellValue) -> bool:
    """True for an empty cell or one holding only spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def column_letter(index: int) -> str:
    """``0`` → ``A``, ``26`` → ``AA``: how Excel names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def canonical(schema: RegisterSchema, values: dict[str, CellValue]) -> list[object]:
    """The values a record is known by, in field order (dates in ISO form)."""
    return [_canonical(values.get(key)) for key, _ in _imported(schema)]


def fingerprint(register: str, canonical_values: list[object], occurrence: int) -> str:
    """sha256 of the register, the values in field order, and the occurrence of such a row."""
    return _fingerprint(register, json.dumps(canonical_values, ensure_ascii=False), occurrence)


def _fingerprint(register: str, known: str, occurrence: int) -> str:
    """:func:`fingerprint` with the values already as JSON (``known``): the same text
    ``json.dumps`` makes of the whole list, written out."""
    payload = f"[{json.dumps(register, ensure_ascii=False)}, {known}, {occurrence}]"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _canonical(value: CellValue) -> str | int | float | None:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


_IMPORTED: dict[str, tuple[tuple[str, CellValue], ...]] = {}


def _imported(schema: RegisterSchema) -> tuple[tuple[str, CellValue], ...]:
    """Each field of ``schema`` a file can fill, with its default, in field order."""
    found = _IMPORTED.get(schema.key)
    if found is None:
        found = _IMPORTED[schema.key] = tuple(
            (f.key, f.default) for f in schema.fields if f.key not in NOT_IMPORTED)
    return found


def validate(table: Table, match: HeaderMatch, *, source_name: str,
             hand_over: HandOver | None = None) -> ValidationResult:
    """Read every data row under ``match``'s header row into a record or a rejection.

    With ``hand_over``, the records are given to it :data:`HAND_OVER_EVERY` at a time as they
    are made, and the result holds the last of them: a reader that sends them on (the
    sandbox's child) does not hold 20,000 records before the first leaves."""
    schema = REGISTERS_BY_KEY[match.register]
    records: list[Record] = []
    rejections: list[Rejection] = []
    ignored: list[int] = []
    seen: Counter[str] = Counter()
    note = "en-têtes reconnus" if match.routed_by_headers else (
        f"dossier « {match.register} »")
    plan = plan_survey(table, match, source_name=source_name) if match.survey else None
    if plan is not None:
        note = plan.note
    for row in table.rows:
        if row.number <= match.header_line or all(is_blank(c) for c in row.cells):
            continue
        if all(is_blank(row.cell(c)) for c in match.columns):
            ignored.append(row.number)
            continue
        if plan is not None:
            answers, reasons = read_survey_row(row, match, plan)
            known = canonical(schema, ordered(schema, answers))  # what the answer itself says
            values = ordered(schema, with_defaults(answers, match, plan))
        else:
            values, reasons = read_row(row, match, schema)
            known = canonical(schema, values)
        if reasons:
            rejections.append(Rejection(line=row.number, cells=row.cells, reasons=reasons))
            continue
        same = json.dumps(known, ensure_ascii=False)  # identical rows so far share this key
        source = f"{source_name}, ligne {row.number}"
        values[SOURCE_KEY] = source
        later = tuple(k for k in sorted(DEFERRED) if plan is not None and values.get(k) is None)
        records.append(Record(
            register=match.register, values=values, source=source, note=note, missing=later,
            fingerprint=_fingerprint(match.register, same, seen[same])))
        seen[same] += 1
        if hand_over is not None and len(records) >= HAND_OVER_EVERY:
            hand_over(records)
            records = []
    return ValidationResult(register=match.register, records=records, rejections=rejections,
                            header=match.header, ignored_lines=tuple(ignored))


def read_row(row: Row, match: HeaderMatch, schema: RegisterSchema,
             ) -> tuple[dict[str, CellValue], tuple[str, ...]]:
    """The row's values by field key, and the French reasons it cannot be accepted."""
    values: dict[str, CellValue] = {}
    reasons: list[str] = []
    for column, key in match.columns.items():
        spec = schema.field(key)
        try:
            values[key] = parse_value(spec, row.cell(column))
        except InvalidValue as exc:
            reasons.append(str(exc))
            continue
        if values[key] is None and spec.required:
            reasons.append(messages.required_empty(spec.header))
    extra = _unclaimed_lines(row, match)
    if extra:
        kept = values.get(NOTES_KEY)
        values[NOTES_KEY] = clean_text("\n".join([*([str(kept)] if kept else []), *extra]))
    return ordered(schema, values), tuple(reasons)


def ordered(schema: RegisterSchema, values: dict[str, CellValue]) -> dict[str, CellValue]:
    """Every imported field of ``schema`` in order, an empty one with its default."""
    result: dict[str, CellValue] = {}
    for key, default in _imported(schema):
        value = values.get(key)
        result[key] = default if value is None and default else value
    return result


def _unclaimed_lines(row: Row, match: HeaderMatch) -> list[str]:
    """``Header : value`` for every non-empty cell no field claims (our own columns aside)."""
    lines: list[str] = []
    for column, value in enumerate(row.cells):
        if column in match.columns or column in match.ignored or is_blank(value):
            continue
        header = match.unknown.get(column) or f"Colonne {column_letter(column)}"
        lines.append(f"{one_line(header)} : {clean_text(as_text(value)).strip()}")
    return lines
