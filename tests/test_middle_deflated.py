"""The first append after a person's save copies the middle rows its scan deflated.

No memo fits a workbook a person saved since the tool's write: the append reads every row,
and deflates the middle ones as they leave the scan's window; the write copies those bytes
instead of inflating, cutting and deflating the part a second time. Whatever the shape of
the register (Excel's, LibreOffice's, a table, a totals row that moves down, formulas), the
workbook written is the one the row-by-row write makes, and the memo that write leaves
serves the next append.
"""

from __future__ import annotations

import logging
import shutil
import warnings
from pathlib import Path

import openpyxl
import pytest

from automation.registers.xlsx import middle

from .test_scan_memo import LEFT_OUT, LOGGER, Memos, append_with, grown
from .test_streamed_append import WORKBOOKS, cells, members

DEFLATED = "middle rows deflated as read"
COPIED = "middle rows copied as the scan deflated them"
MOVING_FORMULAS = "reg-log-reclamations-table.xlsx"


def saved_by_a_person(path: Path, twin: Path) -> None:
    """``path`` opened and saved by a spreadsheet program (every part written anew), and
    copied to ``twin``."""
    with warnings.catch_warnings():  # openpyxl warns of the extensions it does not read
        warnings.simplefilter("ignore", UserWarning)
        workbook = openpyxl.load_workbook(path, keep_vba=path.suffix == ".xlsm")
    workbook.save(path)
    shutil.copy(path, twin)


@pytest.mark.parametrize("name", WORKBOOKS)
def test_an_append_after_a_persons_save_writes_what_reading_every_row_writes(
        name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture,
        monkeypatch: pytest.MonkeyPatch) -> None:
    spooled, plain, first = grown(name, tmp_path)
    memos = Memos()
    append_with(spooled, memos, first, 2)
    append_with(plain, None, first, 2)
    saved_by_a_person(spooled, plain)
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    written = append_with(plain, None, first + 2, 3)  # a middle this short: cut row by row
    assert DEFLATED not in caplog.text
    monkeypatch.setattr(middle, "MIN_BYTES", 1)  # …unless any middle is worth deflating
    assert append_with(spooled, memos, first + 2, 3) == written
    assert len(written) == 3
    assert DEFLATED in caplog.text
    # The table's totals row moves down under the new rows, and its rows hold formulas:
    # those are looked at one by one as they are written, as they may name a moved row.
    assert (COPIED in caplog.text) == (name != MOVING_FORMULAS)
    assert members(spooled) == members(plain)
    caplog.clear()
    append_with(spooled, memos, first + 5, 1)  # with the memo that write left
    append_with(plain, None, first + 5, 1)
    assert LEFT_OUT in caplog.text
    assert members(spooled) == members(plain)
    assert cells(spooled) == cells(plain)
