"""Finding a register's sheet and header in its workbook again, on every read and write.

People rename and move things. The header row is matched anew each time (synonyms, as
intake matches them: :mod:`automation.registers.headers`); a sheet that was renamed is found
again when exactly one sheet carries the register's header. A column the workbook is known
to have (:attr:`~automation.registers.binding.RegisterBinding.expected_fields`) that can no
longer be matched is reported, so that the writer keeps the rows waiting instead of leaving a
blank where the value belonged.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from automation.errors import ColumnMissing, RegisterError
from automation.registers.binding import RegisterBinding
from automation.registers.headers import match_columns
from automation.registers.xlsx.package import Package
from automation.registers.xlsx.rows import HEADER_SCAN_ROWS, Calculated, Layout
from automation.registers.xlsx.sheet import SheetXml

log = logging.getLogger(__name__)

JOURNAL_SHEET: Final = "Journal"


@dataclass
class RegisterSheet:
    """The register's sheet in an open package: its part, its name, its header."""

    part: str
    name: str
    xml: SheetXml
    layout: Layout
    missing: tuple[str, ...] = ()  # expected fields whose header is no longer found
    tables: dict[str, bytes] = field(default_factory=dict)
    calculated: dict[int, Calculated] = field(default_factory=dict)
    totals_row: int | None = None  # a table's totals row


def header_layout(sheet: SheetXml, shared: Sequence[str], binding: RegisterBinding, *,
                  scan: int = HEADER_SCAN_ROWS) -> Layout | None:
    """The row among the first ``scan`` naming most of the register's fields (the id first);
    the first row naming them all ends the search (no later row can name more)."""
    fields = binding.expected_fields if binding.adopted else None
    complete = (True, len(fields) if fields is not None else len(binding.schema.fields))
    best: Layout | None = None
    best_rank = (False, 0)
    for row in sheet.rows:
        if row.number > scan:
            break
        headers = {c.col: text for c in sheet.cells(row) if (text := c.text(shared).strip())}
        if not headers:
            continue
        columns = match_columns(binding.schema, headers, fields=fields,
                                preferred=binding.columns)
        rank = ("id" in columns, len(columns))
        if columns and rank > best_rank:
            best, best_rank = Layout(row.number, columns, headers), rank
            if rank == complete:
                break
    return best


def locate(package: Package, binding: RegisterBinding) -> RegisterSheet:
    """The register's sheet and header; raises :class:`ColumnMissing` without an id column."""
    shared = package.shared_strings()
    name = binding.sheet_name
    part = package.sheet_part(name)
    if part is None:
        return _renamed(package, binding)
    xml = SheetXml(package.read(part), part)
    layout = header_layout(xml, shared, binding)
    title, missing = checked_layout(package, binding, part, name, layout)
    assert layout is not None  # checked_layout refuses a sheet without one
    return RegisterSheet(part, title, xml, layout, missing)


def checked_layout(package: Package, binding: RegisterBinding, part: str, name: str,
                   layout: Layout | None) -> tuple[str, tuple[str, ...]]:
    """The sheet's name as the workbook spells it and the expected fields its header lacks;
    :class:`~automation.errors.ColumnMissing` when no header with an id column was found."""
    if layout is None or "id" not in layout.columns:
        found = ", ".join(f"« {h} »" for h in (layout.headers.values() if layout else ()))
        raise ColumnMissing(
            f"{binding.path.name}, feuille « {name} » : pas de colonne « "
            f"{binding.header_of('id')} » dans les {HEADER_SCAN_ROWS} premières lignes "
            f"(en-têtes trouvés : {found or 'aucun'})", register=binding.key, path=binding.path)
    entry = next((e for e in package.sheets() if e.part == part), None)
    missing = tuple(k for k in binding.expected_fields if k not in layout.columns)
    return (entry.name if entry else name), missing


def _renamed(package: Package, binding: RegisterBinding) -> RegisterSheet:
    """The one sheet that carries the register's header, when its sheet was renamed."""
    shared = package.shared_strings()
    fits: list[RegisterSheet] = []
    for entry in package.sheets():
        if entry.name == JOURNAL_SHEET:
            continue
        xml = SheetXml(package.read(entry.part), entry.part)
        layout = header_layout(xml, shared, binding)
        if layout is None or "id" not in layout.columns:
            continue
        missing = tuple(k for k in binding.expected_fields if k not in layout.columns)
        if len(missing) * 2 <= len(binding.expected_fields):
            fits.append(RegisterSheet(entry.part, entry.name, xml, layout, missing))
    names = ", ".join(f"« {e.name} »" for e in package.sheets())
    if len(fits) != 1:
        raise RegisterError(
            f"{binding.path.name} : pas de feuille « {binding.sheet_name} » (feuilles : "
            f"{names}) ; indiquez la bonne dans automation.toml sous "
            f"[registers.{binding.key}] sheet = \"…\"", register=binding.key,
            path=binding.path)
    log.info("%s: sheet « %s » not found; its header is on sheet « %s »", binding.path.name,
             binding.sheet_name, fits[0].name)
    return fits[0]


def missing_columns_error(binding: RegisterBinding, sheet: RegisterSheet,
                          fields: Sequence[str]) -> ColumnMissing:
    """The French reason rows wait for: columns whose header can no longer be found."""
    wanted = ", ".join(f"« {binding.header_of(k)} »" for k in fields)
    found = ", ".join(f"« {h} »" for h in sheet.layout.headers.values())
    plural = "s" if len(fields) > 1 else ""
    return ColumnMissing(
        f"{binding.path.name}, feuille « {sheet.name} » : colonne{plural} {wanted} "
        f"introuvable{plural} (en-têtes de la ligne {sheet.layout.header_row} : {found}). "
        "Les lignes attendent dans le journal : redonnez son nom à la colonne, ou indiquez "
        f"son nouveau nom dans automation.toml sous [registers.{binding.key}.columns].",
        register=binding.key, path=binding.path)
