"""The one small interface through which rows reach a workbook.

The pipeline never touches a workbook except through :class:`RegisterWriter`. Its
implementation is the XML-level appender (:mod:`automation.registers.xlsx.appender`), used for
the default registers and the office's own alike: it keeps every part of a workbook that an
append does not need intact. (The default registers are created once by openpyxl, in
:mod:`automation.registers.workbook`.)

Contract, for every implementation:

* ``append`` writes all ``rows`` in one replacement of the file, right under the last row
  that holds data, skipping rows whose id is already in the sheet (so a retry after a crash
  writes nothing twice), and adds the ``notes`` to the ``Journal`` sheet when there is one.
* ``update`` fills cells of existing rows by id; it never overwrites a non-empty cell unless
  ``overwrite`` is set (the tool writes only into cells it owns), or ``replace`` names the
  cell's current value as one the tool may move on from (a status earlier in the procedure).
* Before replacing the file, a copy goes to ``registers/.backup/``; the new file is written to
  a temporary file in the same folder, checked, then moved into place with ``os.replace``.
* Text from outside that looks like a formula is stored as text.
* A workbook open in Excel raises :class:`~automation.errors.RegisterLocked`; nothing is
  written and the caller keeps the rows in the journal.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from automation.records import CellValue, ChangeNote, StoredRow


@dataclass(frozen=True)
class AppendResult:
    written: tuple[str, ...]  # ids appended by this call
    already_present: tuple[str, ...] = ()  # ids found in the sheet and skipped


@dataclass(frozen=True)
class UpdateResult:
    changed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # id -> fields written
    # id -> fields a person had already filled, left as they were
    kept: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    missing_ids: tuple[str, ...] = ()


class RegisterWriter(Protocol):
    def append(self, rows: Sequence[StoredRow], notes: Sequence[ChangeNote]) -> AppendResult:
        """Append ``rows`` (all of one register) in one write."""
        ...

    def update(
        self,
        values_by_id: Mapping[str, Mapping[str, CellValue]],
        notes: Sequence[ChangeNote],
        *,
        overwrite: bool = False,
        replace: Mapping[str, Mapping[str, Collection[str]]] | None = None,
    ) -> UpdateResult:
        """Fill cells of existing rows, by register id; ``replace``: id → field → the values
        a filled cell may hold and still be written."""
        ...

    def highest_id(self, prefix_year: str) -> int:
        """The highest sequence number of ids starting with ``prefix_year`` (``"REC-2026-"``)."""
        ...
