"""The one small interface through which rows reach a workbook.

The pipeline never touches a workbook except through :class:`RegisterWriter`. Its
implementation is the XML-level appender (:mod:`automation.registers.xlsx.appender`), used for
the default registers and the office's own alike: it keeps every part of a workbook that an
append does not need intact. (The default registers are created once by openpyxl, in
:mod:`automation.registers.workbook`.)

Contract, for every implementation:

* ``append`` writes all ``rows`` in one replacement of the file, right under the last row
  that holds data and above a totals row (which moves down, its formulas growing to count
  the new rows), and adds the ``notes`` to the ``Journal`` sheet when there is one. A row
  whose id is in the sheet *with the same content* is already present (a retry after a crash
  writes nothing twice); an id a person typed meanwhile for another row is never taken: the
  row is written under the next free id (``renumber`` gives it, from the highest id in the
  sheet) and reported in ``renamed``. Values go into the office's list values; a value with no
  column goes into the notes column or, failing one, into the row's Journal-sheet line.
* A column the workbook is known to have whose header can no longer be matched (renamed to
  something that is not a synonym, deleted) raises
  :class:`~automation.errors.ColumnMissing` when a row has a value for it: nothing is written,
  the rows wait.
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

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from automation.records import CellValue, ChangeNote, StoredRow
from automation.registers.xlsx.replace import FileStamp


@dataclass(frozen=True)
class AppendResult:
    written: tuple[str, ...]  # ids appended by this call (final ids)
    already_present: tuple[str, ...] = ()  # ids found in the sheet and skipped (final ids)
    # journal id -> the id the row has in the workbook, when another row held the first one
    renamed: Mapping[str, str] = field(default_factory=dict)
    # The file as the writer read it and as it wrote it, and how to read the rows it wrote
    # (by id) as the register reader reads them (:meth:`fresh_rows`): the caller remembers
    # its own write without reading the file again. None when the writer could not tell.
    read_from: FileStamp | None = None
    written_as: FileStamp | None = None  # the new file as the writer wrote it
    read_back: Callable[[], Mapping[str, Mapping[str, CellValue]] | None] | None = None
    only: bool = False  # the sheet had no row under its header: its rows are all it holds

    def fresh_rows(self) -> Mapping[str, Mapping[str, CellValue]] | None:
        """The rows written, read back now: when the caller needs them, once it has let go
        of the rows it gave (20,000 rows are not held twice). None when they cannot be read,
        or were read already from the writer's copy of them (it lets that copy go)."""
        return None if self.read_back is None else self.read_back()


@dataclass(frozen=True)
class UpdateResult:
    changed: Mapping[str, tuple[str, ...]] = field(default_factory=dict)  # id -> fields written
    # id -> fields a person had already filled, left as they were
    kept: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    missing_ids: tuple[str, ...] = ()


class RegisterWriter(Protocol):
    def append(self, rows: Sequence[StoredRow], notes: Sequence[ChangeNote], *,
               renumber: Callable[[StoredRow, int], str] | None = None) -> AppendResult:
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

    def highest_id(self, year: int) -> int:
        """The highest number of the register's ids for ``year`` (its id scheme's)."""
        ...

    def number_rows(self, lines: Sequence[int], allocate: Callable[[int], str], *, year: int,
                    notes: Callable[[str, int], ChangeNote] | None = None,
                    expected: FileStamp | None = None) -> dict[int, str]:
        """Write ids into the empty id cells of rows a person typed (line -> id given)."""
        ...
