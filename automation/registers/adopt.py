"""Adopting an office's own register: what its columns hold, what it lacks, its lists and ids.

``automation adopt Registre.xlsx --as reclamations`` calls :func:`adopt_register`, which reads
the workbook without changing it and says what the tool would do with it:

* the header row, each of the office's columns and the field it holds (headers compared
  ignoring case, accents, punctuation and spacing; synonyms, bracketed parts and « a / b »
  headers count: :mod:`.headers`); the office's other columns stay theirs;
* the fields the tool records that have no column (:func:`needed_fields`). Nothing is
  silently dropped: either ``--add-columns`` adds them at the right end of the office's table
  (:mod:`.xlsx.columns`), or adoption is refused with the list;
* the office's dropdown values matched to ours (:mod:`.choices`);
* the office's id scheme, continued (:mod:`.ids`).

:mod:`.adoption_record` writes the result to ``automation.toml``.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Final

from automation.errors import ConfigError, RegisterError
from automation.registers.choices import propose_values
from automation.registers.headers import match_columns
from automation.registers.ids import IdScheme, infer_scheme
from automation.registers.schema import (
    READ_ONLY_REGISTERS,
    REGISTERS_BY_KEY,
    Field,
    Kind,
    RegisterSchema,
)
from automation.registers.xlsx.footer import DataEnd, is_total_label
from automation.registers.xlsx.formulas import column_letters
from automation.registers.xlsx.lists import column_lists
from automation.registers.xlsx.locate import JOURNAL_SHEET, RegisterSheet
from automation.registers.xlsx.package import Package, PackageError
from automation.registers.xlsx.rows import HEADER_SCAN_ROWS, Layout
from automation.registers.xlsx.sheet import SheetXml
from automation.registers.xlsx.splice import data_end, read_tables
from automation.registers.xlsx.styles import StyleBook
from automation.text import fold

ADOPTABLE: Final = (".xlsx", ".xlsm")
EXCEL_EPOCH: Final = date(1899, 12, 30)
CLOSEST_COUNT: Final = 3
CLOSEST_CUTOFF: Final = 0.45
# Fields only a person fills in: the tool reads them and never writes them, so a workbook
# may well have no column for them (a value that arrives anyway goes to the notes column).
# Postal addresses are there for letters' envelopes, typed by a person or found in the planning.
PERSON_ONLY: Final[Mapping[str, frozenset[str]]] = {
    "reclamations": frozenset({"cause_analysis", "corrective_action", "response", "mediation",
                               "closed_on", "resolution_check", "improvement_ref", "address"}),
    "annulations": frozenset({"alternative", "address"}),
    "abandons": frozenset({"reasons_requested_on", "reason", "reason_detail", "analysis",
                           "proposal", "reminder_on", "decided_on", "attestation_signed_on",
                           "address", "prescriber_address"}),
    "satisfaction": frozenset({"follow_up"}),
}


def needed_fields(schema: RegisterSchema) -> tuple[str, ...]:
    """The fields whose values the tool records (from files, mails, its letters' dates):
    each needs a column. A register the tool only reads needs its required fields."""
    if any(schema.key == r.key for r in READ_ONLY_REGISTERS):
        return tuple(f.key for f in schema.required)
    person = PERSON_ONLY.get(schema.key, frozenset())
    return tuple(f.key for f in schema.fields if f.key not in person)


@dataclass(frozen=True)
class MissingField:
    """A required field no header matched, with the headers that come closest."""

    key: str
    header: str  # our name for it
    closest: tuple[str, ...]


@dataclass(frozen=True)
class OfficeColumn:
    """One column of the office's header row, and the field it holds ("" for theirs)."""

    letter: str
    header: str
    field: str
    example: str = ""


@dataclass(frozen=True)
class Adoption:
    register: str
    workbook: Path
    sheet: str
    header_row: int
    mapping: dict[str, str] = field(default_factory=dict)  # field key -> their header
    missing: tuple[MissingField, ...] = ()  # required fields not found
    extra: tuple[str, ...] = ()  # their headers that no field matches
    columns: tuple[OfficeColumn, ...] = ()
    without_column: tuple[str, ...] = ()  # needed fields with no column
    lists: dict[str, tuple[str, ...]] = field(default_factory=dict)  # field -> their values
    values: dict[str, dict[str, str]] = field(default_factory=dict)  # field -> ours -> theirs
    ids: IdScheme | None = None  # the office's scheme; None: ours (no ids typed yet)
    last_id: str = ""
    next_id: str = ""
    rows: int = 0  # data rows found
    totals_row: int | None = None
    last_row: int = 0  # the last data row (the header row when there is none)
    added: tuple[str, ...] = ()  # fields whose column adopt --add-columns added

    @property
    def complete(self) -> bool:
        """Nothing would be dropped: every field the tool records has a column."""
        return not self.missing and not self.without_column

    @property
    def unmatched_values(self) -> dict[str, tuple[str, ...]]:
        """Per field with a list, our values the office's list has nothing for."""
        schema = REGISTERS_BY_KEY[self.register]
        return {key: tuple(c for c in schema.field(key).choices
                           if c not in self.values.get(key, {}))
                for key in self.lists}


def adopt_register(workbook: Path, register_key: str, *, sheet: str | None = None,
                   today: date | None = None) -> Adoption:
    """Read ``workbook`` (its sheet ``sheet``, or the best-matching one) as register
    ``register_key``; nothing is written."""
    schema = REGISTERS_BY_KEY.get(register_key)
    if schema is None:
        raise ConfigError(f"registre inconnu « {register_key} » ; registres connus : "
                          f"{', '.join(REGISTERS_BY_KEY)}")
    if workbook.suffix.lower() not in ADOPTABLE:
        raise RegisterError(f"{workbook.name} : seuls les classeurs .xlsx et .xlsm peuvent être "
                            "adoptés (enregistrez-le d'abord dans ce format depuis Excel)",
                            register=register_key, path=workbook)
    today = today or date.today()
    try:
        with Package(workbook) as package:
            found = _best_header(package, schema, workbook, sheet)
            read_tables(package, found)
            end = data_end(package, found)
            lists = column_lists(package, found)
            return _adoption(schema, workbook, package, found, end, lists, today)
    except PackageError as exc:
        raise RegisterError(f"{workbook.name} : {exc}", register=register_key,
                            path=workbook) from exc


def _best_header(package: Package, schema: RegisterSchema, workbook: Path,
                 sheet: str | None) -> RegisterSheet:
    entries = [e for e in package.sheets() if e.name != JOURNAL_SHEET or sheet == JOURNAL_SHEET]
    if sheet is not None:
        entries = [e for e in entries if e.name == sheet] or [
            e for e in entries if fold(e.name) == fold(sheet)]
        if not entries:
            names = ", ".join(f"« {e.name} »" for e in package.sheets())
            raise RegisterError(f"{workbook.name} : pas de feuille « {sheet} » (feuilles : "
                                f"{names})", register=schema.key, path=workbook)
    shared = package.shared_strings()
    best: RegisterSheet | None = None
    for entry in entries:
        xml = SheetXml(package.read(entry.part), entry.part)
        for row in xml.rows:
            if row.number > HEADER_SCAN_ROWS:
                break
            headers = {c.col: text for c in xml.cells(row) if (text := c.text(shared).strip())}
            columns = match_columns(schema, headers)
            if columns and (best is None or len(columns) > len(best.layout.columns)):
                best = RegisterSheet(entry.part, entry.name, xml,
                                     Layout(row.number, columns, headers))
    if best is None:
        raise RegisterError(f"{workbook.name} : aucune ligne d'en-têtes ne nomme une colonne du "
                            f"registre « {schema.title} » dans les {HEADER_SCAN_ROWS} premières "
                            "lignes", register=schema.key, path=workbook)
    return best


def _adoption(schema: RegisterSchema, workbook: Path, package: Package, sheet: RegisterSheet,
              end: DataEnd, lists: Mapping[int, tuple[str, ...]], today: date) -> Adoption:
    layout = sheet.layout
    headers = layout.headers
    mapping = {key: headers[col] for key, col in layout.columns.items()}
    by_col = {col: key for key, col in layout.columns.items()}
    examples = _examples(package, sheet, end)
    columns = tuple(OfficeColumn(column_letters(col), text, by_col.get(col, ""),
                                 examples.get(col, ""))
                    for col, text in sorted(headers.items()))
    extra = tuple(c.header for c in columns if not c.field)
    missing = tuple(MissingField(f.key, f.header, closest_headers(f, extra))
                    for f in schema.required if f.key not in mapping)
    without = tuple(k for k in needed_fields(schema)
                    if k not in mapping and k not in {m.key for m in missing})
    office_lists: dict[str, tuple[str, ...]] = {}
    values: dict[str, dict[str, str]] = {}
    for key, col in layout.columns.items():
        item = schema.field(key)
        if item.kind is Kind.ENUM and col in lists:
            office_lists[key] = lists[col]
            proposed = propose_values(item.choices, lists[col])
            if any(ours != theirs for ours, theirs in proposed.items()):
                values[key] = proposed
    ids, last_id, next_id = _ids(schema, package, sheet, end, today)
    shared = package.shared_strings()
    rows = sum(1 for row in sheet.xml.rows if layout.header_row < row.number <= end.anchor
               and any(not c.has_formula and c.text(shared).strip() and c.col in headers
                       for c in sheet.xml.cells(row)))
    return Adoption(schema.key, workbook, sheet.name, layout.header_row, mapping, missing,
                    extra, columns, without, office_lists, values, ids, last_id, next_id,
                    rows, end.footer, end.anchor)


def _ids(schema: RegisterSchema, package: Package, sheet: RegisterSheet, end: DataEnd,
         today: date) -> tuple[IdScheme | None, str, str]:
    """The office's id scheme, its last id, and the id the tool would give next."""
    if not schema.has("id"):
        return None, "", ""
    col = sheet.layout.columns.get("id")
    typed: list[str] = []
    if col is not None:
        shared = package.shared_strings()
        typed = [text.strip() for number, text in sheet.xml.column(col, shared)
                 if sheet.layout.header_row < number <= end.anchor and text.strip()
                 and not is_total_label(text)]
    found = infer_scheme(typed, this_year=today.year)
    if found == IdScheme.default(schema.prefix):
        found = None  # ours: nothing to record
    scheme = found or IdScheme.default(schema.prefix)
    highest = scheme.highest(typed, today.year)
    return found, typed[-1] if typed else "", scheme.format(today.year, highest + 1)


def _examples(package: Package, sheet: RegisterSheet, end: DataEnd) -> dict[int, str]:
    """The first value under each header, as it shows (dates as dates)."""
    shared = package.shared_strings()
    parts = package.related(package.workbook_part, "styles")
    styles = StyleBook(package.read(parts[0]) if parts else None, parts[0] if parts else None)
    found: dict[int, str] = {}
    for row in sheet.xml.rows:
        if row.number <= sheet.layout.header_row:
            continue
        if row.number > end.anchor:
            break
        for cell in sheet.xml.cells(row):
            text = cell.text(shared).strip()
            if cell.col in found or not text or cell.col not in sheet.layout.headers:
                continue
            found[cell.col] = _shown(text, cell.kind, styles.is_date(cell.style))
        if len(found) == len(sheet.layout.headers):
            break
    return found


def _shown(text: str, kind: str, is_date: bool) -> str:
    if kind == "n" and is_date:
        try:
            return f"{EXCEL_EPOCH + timedelta(days=int(float(text))):%d/%m/%Y}"
        except (ValueError, OverflowError):
            return text
    return text if len(text) <= 40 else text[:39] + "…"


def closest_headers(item: Field, headers: Sequence[str]) -> tuple[str, ...]:
    """The headers most like any name of ``item`` (difflib ratio), best first."""
    scored: list[tuple[float, str]] = []
    for header in headers:
        ratio = max(difflib.SequenceMatcher(None, fold(name), fold(header)).ratio()
                    for name in item.names)
        if ratio >= CLOSEST_CUTOFF:
            scored.append((ratio, header))
    scored.sort(key=lambda pair: -pair[0])
    return tuple(header for _, header in scored[:CLOSEST_COUNT])


def mapping_rows(adoption: Adoption) -> list[tuple[str, str, str]]:
    """Rows for a table of our fields: (field key, our header, their header or a note)."""
    schema = REGISTERS_BY_KEY[adoption.register]
    missing = {m.key: m for m in adoption.missing}
    rows: list[tuple[str, str, str]] = []
    for item in schema.fields:
        if item.key in adoption.mapping:
            rows.append((item.key, item.header, adoption.mapping[item.key]))
        elif item.key in missing:
            closest = ", ".join(f"« {h} »" for h in missing[item.key].closest)
            rows.append((item.key, item.header + " *",
                         "MANQUANT" + (f" — proches : {closest}" if closest else "")))
        elif item.key in adoption.without_column:
            rows.append((item.key, item.header, "sans colonne"))
        else:
            rows.append((item.key, item.header, "—"))
    rows.extend(("", "", f"{header} (colonne de l'organisme, laissée telle quelle)")
                for header in adoption.extra)
    return rows
