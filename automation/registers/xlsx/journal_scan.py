"""The workbook's ``Journal`` sheet read in one streaming pass, as a sketch.

The tool adds a line to the ``Journal`` sheet for every row it writes (when, action, source,
id, detail): after a year of appends it is as long as the register. An append needs its
header and its last lines only; they are found as :mod:`.scan` finds a register's (a line
with a date and an action is an anchor of the sketch), and with the memo of the tool's last
write (:mod:`.memo`, kept under the register's key and :data:`~.memo.JOURNAL_MEMO`) its
middle lines are passed over, or left out as stored, as a register's middle rows are.
"""

from __future__ import annotations

import logging
import zipfile
from dataclasses import dataclass
from typing import Final

from automation.registers.xlsx.footer import find_end
from automation.registers.xlsx.locate import JOURNAL_SHEET, RegisterSheet
from automation.registers.xlsx.memo import ScanMemo
from automation.registers.xlsx.package import Package
from automation.registers.xlsx.rows import find_layout
from automation.registers.xlsx.scan import CellFinder, MemoStale, SketchTooShort, open_part
from automation.registers.xlsx.sketch import Sketch
from automation.registers.xlsx.stream import RowPiece

JOURNAL_HEADERS: Final = {"when": "Horodatage", "action": "Action", "source": "Source",
                          "record_id": "N°", "detail": "Détail"}

log = logging.getLogger(__name__)


@dataclass
class ScannedJournal:
    part: str
    sheet: RegisterSheet
    sketch: Sketch
    memo: ScanMemo | None = None  # the memo its middle lines were passed over with


def scan_journal(package: Package, archive: zipfile.ZipFile, *, keep_all: bool = False,
                 memo: ScanMemo | None = None) -> ScannedJournal | None:
    """The workbook's ``Journal`` sheet read once, or None when it has none (or no header);
    with ``memo`` its middle lines passed over when it fits (module docstring)."""
    if memo is not None and not keep_all:
        try:
            return _scan_journal(package, archive, False, memo)
        except MemoStale as exc:
            log.debug("Journal: the memo does not fit (%s); every line is read", exc)
    return _scan_journal(package, archive, keep_all, None)


def _scan_journal(package: Package, archive: zipfile.ZipFile, keep_all: bool,
                  memo: ScanMemo | None) -> ScannedJournal | None:
    part = package.sheet_part(JOURNAL_SHEET)
    if part is None:
        return None
    if memo is not None and not memo.fits(archive.getinfo(part)):
        memo = None
    shared = package.shared_strings()
    opened = open_part(archive, part, memo)
    layout = find_layout(opened.top_xml, shared, JOURNAL_HEADERS)
    if layout is None or not {"when", "action"} <= set(layout.columns):
        return None
    when, action = CellFinder(layout.columns["when"]), CellFinder(layout.columns["action"])

    def classify(piece: RowPiece) -> tuple[bool, bool]:
        if piece.number <= layout.header_row:
            return False, False
        first, formula = when.text(piece, shared)
        if not first or formula:
            return False, False
        second, formula = action.text(piece, shared)
        return bool(second) and not formula, False

    sketch = opened.sketch(classify, keep_all=keep_all)
    sketch.take_strings(shared)
    sheet = RegisterSheet(part, JOURNAL_SHEET, sketch.xml(), layout)
    end = find_end(sheet.xml, sketch.shared(), layout)
    if not keep_all and sketch.window and end.anchor < sketch.window:
        if memo is not None:
            raise MemoStale("its window begins on a line that is not one")
        raise SketchTooShort(part)
    if memo is not None:
        log.debug("Journal: %d middle lines passed over with the memo", memo.count)
    return ScannedJournal(part, sheet, sketch, memo)
