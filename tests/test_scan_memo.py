"""An append with the memo of the tool's last write gives the very workbook a full read gives.

After a streamed append the appender keeps a memo of the sheet's middle rows (their count,
size, shared formulas, the sheet's highest ids) beside the checksum of the part it wrote; the
next append passes over those rows as bytes. Each office workbook of ``tests/data`` is grown
past what a memo needs, then appended to twice with a memo store and twice without: the
packages must be the same bytes. A workbook a person saved meanwhile, a memo that does not
describe the part, an id looked for among the middle rows: the sheet is read row by row.
"""

from __future__ import annotations

import logging
import re
import shutil
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from automation.registers.xlsx.appender import XmlAppender
from automation.registers.xlsx.memo import JOURNAL_MEMO, MIN_ROWS, RawSpan, ScanMemo

from .libreoffice import recalculated
from .test_streamed_append import (
    DATA,
    WORKBOOKS,
    append,
    binding_for,
    build_share_of_total,
    cells,
    members,
    next_number,
    notes_for,
    rows_for,
)

LOGGER = "automation.registers.xlsx"  # the scans of the register and of its Journal sheet
PASSED = "middle rows passed over with the memo"
LEFT_OUT = "middle rows left out as stored, not inflated"
JOURNAL_PASSED = re.compile(r"Journal: \d+ middle lines passed over with the memo")
GROWN = MIN_ROWS + 40


class Memos:
    """A memo store in memory (the pipeline keeps them in the journal)."""

    def __init__(self) -> None:
        self.kept: dict[str, str] = {}

    def recall(self, register: str) -> str | None:
        return self.kept.get(register)

    def remember(self, register: str, memo: str | None) -> None:
        if memo is None:
            self.kept.pop(register, None)
        else:
            self.kept[register] = memo

    def memo(self) -> ScanMemo:
        found = ScanMemo.load(self.kept.get("reclamations"))
        assert found is not None
        return found


def append_with(path: Path, memos: Memos | None, first: int, count: int) -> tuple[str, ...]:
    binding = binding_for(path)
    rows = rows_for(binding, first, count)
    appender = XmlAppender(binding, backup_dir=path.parent / ".backup", memos=memos)
    return appender.append(rows, notes_for(rows)).written


def grown(name: str, tmp_path: Path) -> tuple[Path, Path, int]:
    """Two copies of ``name``, each grown by the same rows (the whole-part path)."""
    pair = []
    for side in ("memo", "plain"):
        (tmp_path / side).mkdir()
        pair.append(Path(shutil.copy(DATA / name, tmp_path / side / name)))
    first = next_number(pair[1])
    for path in pair:
        append(path, rows_for(binding_for(path), first, GROWN), streaming=False)
    return pair[0], pair[1], first + GROWN


def with_a_memo(name: str, tmp_path: Path) -> tuple[Path, Path, int, Memos]:
    """:func:`grown` twins, then 2 rows appended to both, one keeping the memo it makes."""
    with_memo, plain, first = grown(name, tmp_path)
    memos = Memos()
    append_with(with_memo, memos, first, 2)
    append_with(plain, None, first, 2)
    return with_memo, plain, first + 2, memos


@pytest.mark.parametrize("name", WORKBOOKS)
def test_appends_with_the_memo_write_the_same_packages_as_appends_reading_every_row(
        name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with_memo, plain, first = grown(name, tmp_path)
    journal = "Journal" in openpyxl.load_workbook(plain, read_only=True).sheetnames
    memos = Memos()
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    for turn, count in enumerate((3, 1, 4)):
        caplog.clear()
        done = append_with(with_memo, memos, first, count)
        assert done == append_with(plain, None, first, count)
        assert len(done) == count
        assert members(with_memo) == members(plain)
        assert (PASSED in caplog.text) == (turn > 0)  # the first append makes the memo
        assert (LEFT_OUT in caplog.text) == (turn > 0)  # …and flushes where the middle is
        assert bool(JOURNAL_PASSED.search(caplog.text)) == (turn > 0 and journal)  # its Journal
        first += count
    assert memos.memo().count >= GROWN - 30  # every row but the first 30 and the last
    assert cells(with_memo) == cells(plain)


def build_shared_formulas(path: Path, rows: int) -> Path:
    """A log whose « Points » column is one shared formula from row 40 down, as Excel
    writes a formula filled down (openpyxl writes each cell's own)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Réclamations"
    sheet.append(["N°", "Date de réception", "Nom du déclarant", "Objet", "Gravité", "Points"])
    for n in range(1, rows + 1):
        sheet.append([f"REC-2026-{n:04d}", date(2026, 1, 1 + n % 28), f"Déclarant {n}",
                      f"Objet {n}", 1 + n % 3, f"=E{n + 1}*2"])
    workbook.save(path)
    last = rows + 1
    with zipfile.ZipFile(path) as original:
        parts = {i.filename: original.read(i) for i in original.infolist()}
    xml = parts["xl/worksheets/sheet1.xml"].decode()

    def shared(match: re.Match[str]) -> str:
        row = int(match[1])
        if row < 40:
            return match[0]
        if row == 40:
            return f'<c r="F40"><f t="shared" ref="F40:F{last}" si="0">E40*2</f><v></v></c>'
        return f'<c r="F{row}"><f t="shared" si="0"/><v></v></c>'

    xml, count = re.subn(r'<c r="F(\d+)"><f>E\d+\*2</f><v\s*/?>(?:</v>)?</c>', shared, xml)
    assert count == rows
    parts["xl/worksheets/sheet1.xml"] = xml.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def test_the_memo_keeps_the_shared_formulas_of_the_rows_it_passes_over(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with_memo = build_shared_formulas(tmp_path / "memo.xlsx", GROWN + 60)
    plain = Path(shutil.copy(with_memo, tmp_path / "plain.xlsx"))
    memos = Memos()
    first = GROWN + 61
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    for count in (2, 3, 1):
        append_with(with_memo, memos, first, count)
        append_with(plain, None, first, count)
        assert members(with_memo) == members(plain)
        first += count
    assert caplog.text.count(PASSED) == 2
    memo = memos.memo()
    assert list(memo.masters) == ["0"]  # defined in a middle row, passed over
    assert memo.after < memo.masters["0"][0] < memo.until
    sheet = openpyxl.load_workbook(with_memo)["Réclamations"]
    assert sheet[f"F{first}"].value == f"=E{first}*2"  # the new rows follow the filled formula


def test_a_workbook_saved_by_a_person_since_is_read_row_by_row(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with_memo, plain, first = grown("reg-log-reclamations-openpyxl.xlsx", tmp_path)
    memos = Memos()
    append_with(with_memo, memos, first, 2)
    append_with(plain, None, first, 2)
    assert members(with_memo) == members(plain)
    scheme = binding_for(plain).id_scheme
    workbook = openpyxl.load_workbook(with_memo)  # a person types an id far above ours
    workbook.worksheets[0].cell(row=40, column=1).value = scheme.format(2026, 900)
    workbook.save(with_memo)  # once: openpyxl stamps the save's second in the package
    shutil.copy(with_memo, plain)
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    append_with(with_memo, memos, first + 2, 1)
    append_with(plain, None, first + 2, 1)
    assert PASSED not in caplog.text
    assert members(with_memo) == members(plain)
    ids = [row[0] for row in cells(with_memo)[openpyxl.load_workbook(
        with_memo).worksheets[0].title]]
    assert scheme.format(2026, 901) in ids  # the next id follows the one the person typed


@pytest.mark.parametrize("wrong", ["skipped", "until", "after"])
def test_a_memo_that_does_not_describe_the_part_is_left_aside(
        wrong: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with_memo, plain, first = grown("reg-office-reclamations.xlsx", tmp_path)
    memos = Memos()
    append_with(with_memo, memos, first, 2)
    append_with(plain, None, first, 2)
    memo = memos.memo()
    changed = replace(memo, **{wrong: getattr(memo, wrong) + 1})
    memos.kept["reclamations"] = changed.dump()
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    append_with(with_memo, memos, first + 2, 3)
    append_with(plain, None, first + 2, 3)
    assert PASSED not in caplog.text
    assert "the memo does not fit" in caplog.text
    assert members(with_memo) == members(plain)
    assert memos.memo().skipped == memo.skipped + memos.memo().skipped - memo.skipped


def test_a_row_looked_for_among_the_middle_rows_is_found_without_the_memo(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with_memo, _, first = grown("reg-office-reclamations.xlsx", tmp_path)
    memos = Memos()
    append_with(with_memo, memos, first, 2)
    before = members(with_memo)
    binding = binding_for(with_memo)
    retried = rows_for(binding, first - GROWN + 10, 1)  # a retry after a crash: a middle row
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    result = XmlAppender(binding, backup_dir=tmp_path / ".b", memos=memos).append(retried, [])
    assert result.written == ()
    assert result.already_present == (retried[0].record_id,)
    assert PASSED not in caplog.text
    assert members(with_memo) == before


def test_no_memo_is_kept_when_the_middle_rows_were_rewritten(tmp_path: Path) -> None:
    register = build_share_of_total(tmp_path / "log.xlsx", 300)  # rows divide by the total
    memos = Memos()
    assert append_with(register, memos, 301, 2)
    assert memos.kept == {}  # every row's formula follows the moved totals row


def rezipped(path: Path, level: int) -> None:
    """Every member inflated and deflated again at ``level`` (an archiver's repack): the
    same parts, stored otherwise."""
    with zipfile.ZipFile(path) as original:
        parts = [(info, original.read(info)) for info in original.infolist()]
    with zipfile.ZipFile(path, "w") as out:
        for info, data in parts:
            out.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=level)


def test_a_part_stored_otherwise_is_read_inflating_its_middle_rows(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with_memo, plain, first, memos = with_a_memo("reg-office-reclamations.xlsx", tmp_path)
    rezipped(with_memo, 9)  # the sheet's bytes the same once inflated: its CRC too
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    append_with(with_memo, memos, first, 3)
    append_with(plain, None, first, 3)
    assert PASSED in caplog.text and LEFT_OUT not in caplog.text
    assert members(with_memo) == members(plain)
    caplog.clear()
    append_with(with_memo, memos, first + 3, 1)  # written by the tool again: stored apart
    append_with(plain, None, first + 3, 1)
    assert LEFT_OUT in caplog.text
    assert members(with_memo) == members(plain)


@pytest.mark.parametrize("wrong", ["start", "end", "stored_crc", "crc", "head", None])
def test_a_memo_that_says_the_middle_is_stored_elsewhere_is_left_aside(
        wrong: str | None, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with_memo, plain, first, memos = with_a_memo("reg-log-reclamations-table.xlsx", tmp_path)
    memo = memos.memo()
    assert memo.raw is not None
    raw = None if wrong is None else replace(memo.raw, **{wrong: getattr(memo.raw, wrong) + 1})
    memos.kept["reclamations"] = replace(memo, raw=raw).dump()
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    append_with(with_memo, memos, first, 3)
    append_with(plain, None, first, 3)
    if wrong is None:  # a memo kept before the tool stored the middle apart: passed over
        assert PASSED in caplog.text and LEFT_OUT not in caplog.text
    else:
        assert LEFT_OUT in caplog.text and "the memo does not fit" in caplog.text
        assert PASSED not in caplog.text
    assert members(with_memo) == members(plain)
    assert isinstance(memos.memo().raw, RawSpan)  # the next memo says where they are


@pytest.mark.slow
def test_libreoffice_reads_a_register_whose_middle_rows_were_copied_as_stored(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with_memo, _, first = grown("reg-log-reclamations-excel.xlsx", tmp_path)
    memos = Memos()
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    for count in (2, 3, 1):
        append_with(with_memo, memos, first, count)
        first += count
    assert caplog.text.count(LEFT_OUT) == 2
    rows = recalculated(with_memo, tmp_path / "lo")["Réclamations 2026"]
    total = next(r for r in rows if r and r[0] == "TOTAL")
    assert total[1] == str(4 + GROWN + 6)  # the log's four rows and ours
    scheme = binding_for(with_memo).id_scheme
    ids = [r[0] for r in rows if r]
    assert ids.count(scheme.format(2026, first - 1)) == 1
    assert ids.index(scheme.format(2026, first - 1)) == ids.index("TOTAL") - 1


def test_a_journal_memo_that_does_not_describe_the_sheet_is_left_aside(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with_memo, plain, first, memos = with_a_memo("reg-office-reclamations.xlsx", tmp_path)
    key = "reclamations" + JOURNAL_MEMO
    memo = ScanMemo.load(memos.kept[key])
    assert memo is not None and memo.raw is not None and memo.count >= MIN_ROWS
    memos.kept[key] = replace(memo, until=memo.until + 1).dump()
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    append_with(with_memo, memos, first, 3)
    append_with(plain, None, first, 3)
    assert "Journal: the memo does not fit" in caplog.text
    assert not JOURNAL_PASSED.search(caplog.text)
    assert PASSED in caplog.text  # the register's own memo still fits
    assert members(with_memo) == members(plain)
    again = ScanMemo.load(memos.kept[key])
    assert again is not None and again.until > memo.until  # made again by that write


def test_sheets_stored_uncompressed_stay_so_and_their_memo_passes_over_bytes(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    with_memo, plain, first = grown("reg-office-reclamations.xlsx", tmp_path)
    for path in (with_memo, plain):  # as some generators write them: no compression
        with zipfile.ZipFile(path) as original:
            parts = [(info, original.read(info)) for info in original.infolist()]
        with zipfile.ZipFile(path, "w") as out:
            for info, data in parts:
                kind = (zipfile.ZIP_STORED if info.filename.startswith("xl/worksheets/sheet")
                        else zipfile.ZIP_DEFLATED)
                out.writestr(info, data, compress_type=kind)
    memos = Memos()
    caplog.set_level(logging.DEBUG, logger=LOGGER)
    for count in (2, 3):
        append_with(with_memo, memos, first, count)
        append_with(plain, None, first, count)
        assert members(with_memo) == members(plain)
        first += count
    assert PASSED in caplog.text and LEFT_OUT not in caplog.text
    with zipfile.ZipFile(with_memo) as done:
        assert {i.compress_type for i in done.infolist()
                if i.filename.startswith("xl/worksheets/sheet")} == {zipfile.ZIP_STORED}
