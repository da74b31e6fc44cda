"""Appending streaming gives the very workbook the whole-part append gives.

Each office workbook of ``tests/data`` (Excel's, LibreOffice's and openpyxl's logs, a table
with a totals row, the office register with its Journal sheet, a macro workbook, registers
written by an older version) is copied twice; the same rows are appended to one copy by the
streaming appender and to the other by the appender that reads the sheet part whole. Every
member of the two packages must be the same bytes once inflated, and the same in the same
order; openpyxl reads the same cells from both. The registers are also grown past what a
sketch keeps (header rows, last rows), so that most rows are copied through the stream,
and LibreOffice opens a streamed one and computes its totals. The rows an append reads back
from its sketch (to remember its own write) are those a whole read of the workbook gives.
"""

from __future__ import annotations

import logging
import shutil
import warnings
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from automation.clock import PARIS, FixedClock
from automation.pipeline.files import ingest_file
from automation.pipeline.office import open_office
from automation.pipeline.scaffold import init_office
from automation.pipeline.snapshots import current_rows, seen_file
from automation.records import CellValue, ChangeNote, StoredRow
from automation.registers.adopt import adopt_register
from automation.registers.binding import RegisterBinding
from automation.registers.reader import read_rows
from automation.registers.schema import RECLAMATIONS
from automation.registers.xlsx.appender import XmlAppender
from automation.registers.xlsx.package import SharedStrings
from automation.registers.xlsx.replace import file_stamp
from tests.libreoffice import recalculated

DATA = Path(__file__).resolve().parent / "data"
WORKBOOKS = ("reg-log-reclamations-excel.xlsx", "reg-log-reclamations-libreoffice.xlsx",
             "reg-log-reclamations-openpyxl.xlsx", "reg-log-reclamations-table.xlsx",
             "reg-office-reclamations.xlsx", "reg-office-reclamations-macro.xlsm",
             "reg-journal-0.1.0-reclamations.xlsx")
WHEN = datetime(2026, 11, 23, 9, 30)
WHOLE = "reading the whole sheet"


def binding_for(path: Path) -> RegisterBinding:
    adoption = adopt_register(path, "reclamations", sheet=None, today=date(2026, 11, 23))
    return RegisterBinding(RECLAMATIONS, path, sheet=adoption.sheet, columns=adoption.mapping,
                           adopted=True, values=adoption.values,
                           ids=adoption.ids.pattern if adoption.ids else "")


def rows_for(binding: RegisterBinding, first: int, count: int) -> list[StoredRow]:
    """``count`` complaints filling every column the workbook has, ids from ``first`` on."""
    rows: list[StoredRow] = []
    for number in range(first, first + count):
        values: dict[str, CellValue] = {
            "received_on": date(2026, 11, 20), "channel": "Email", "stakeholder": "Apprenant",
            "name": f"Camille Martin {number}", "email": f"camille{number}@exemple.fr",
            "training": "Anglais B1", "nature": "Réclamation", "status": "Nouvelle",
            "subject": f"Salle trop froide {number}", "description": "Chauffage\nen panne",
            "responded_on": date(2026, 11, 25), "source": "mail-0042.eml",
            "imported_at": WHEN}
        kept = {k: v for k, v in values.items() if k in binding.columns or not binding.adopted}
        record_id = binding.id_scheme.format(2026, number)
        rows.append(StoredRow("reclamations", record_id, {**kept, "id": record_id},
                              "mail-0042.eml"))
    return rows


def notes_for(rows: list[StoredRow]) -> list[ChangeNote]:
    return [ChangeNote(WHEN, "Ajout", r.source, r.record_id, "Réclamation enregistrée")
            for r in rows]


def append(path: Path, rows: list[StoredRow], *, streaming: bool) -> tuple[str, ...]:
    appender = XmlAppender(binding_for(path), backup_dir=path.parent / ".backup",
                           streaming=streaming)
    return appender.append(rows, notes_for(rows)).written


def members(path: Path) -> list[tuple[str, int, bytes]]:
    with zipfile.ZipFile(path) as archive:
        return [(i.filename, i.compress_type, archive.read(i)) for i in archive.infolist()]


def cells(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with warnings.catch_warnings():  # openpyxl warns of the extensions it does not read
        warnings.simplefilter("ignore", UserWarning)
        workbook = openpyxl.load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()]
            for ws in workbook.worksheets}


def twins(name: str, tmp_path: Path) -> tuple[Path, Path]:
    pair = []
    for side in ("streamed", "whole"):
        folder = tmp_path / side
        folder.mkdir()
        pair.append(Path(shutil.copy(DATA / name, folder / name)))
    return pair[0], pair[1]


def next_number(path: Path) -> int:
    binding = binding_for(path)
    return XmlAppender(binding, backup_dir=path.parent / ".backup").highest_id(2026) + 1


@pytest.mark.parametrize("name", WORKBOOKS)
@pytest.mark.parametrize("count", [1, 3])
def test_a_streamed_append_writes_the_same_package_as_the_whole_part_append(
        name: str, count: int, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    streamed, whole = twins(name, tmp_path)
    first = next_number(whole)
    caplog.set_level(logging.DEBUG, logger="automation.registers.xlsx.appender")
    done = append(streamed, rows_for(binding_for(streamed), first, count), streaming=True)
    assert WHOLE not in caplog.text
    assert append(whole, rows_for(binding_for(whole), first, count), streaming=False) == done
    assert len(done) == count
    assert members(streamed) == members(whole)
    assert cells(streamed) == cells(whole)


@pytest.mark.parametrize("name", WORKBOOKS)
def test_a_grown_register_streams_its_middle_rows_through_unchanged(
        name: str, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    streamed, whole = twins(name, tmp_path)
    first = next_number(whole)
    for path in (streamed, whole):  # beyond the header rows and the window a sketch keeps
        append(path, rows_for(binding_for(path), first, 120), streaming=False)
    caplog.set_level(logging.DEBUG, logger="automation.registers.xlsx.appender")
    done = append(streamed, rows_for(binding_for(streamed), first + 120, 5), streaming=True)
    assert WHOLE not in caplog.text
    assert append(whole, rows_for(binding_for(whole), first + 120, 5), streaming=False) == done
    assert members(streamed) == members(whole)
    assert cells(streamed) == cells(whole)


def test_a_row_already_written_is_found_by_the_streaming_scan(tmp_path: Path) -> None:
    streamed, _ = twins("reg-office-reclamations.xlsx", tmp_path)
    binding = binding_for(streamed)
    first = next_number(streamed)
    append(streamed, rows_for(binding, first, 150), streaming=True)
    before = members(streamed)
    retried = rows_for(binding, first + 10, 1)  # a retry after a crash: in the middle rows
    result = XmlAppender(binding, backup_dir=tmp_path / ".b").append(retried, [])
    assert result.written == ()
    assert result.already_present == (retried[0].record_id,)
    assert members(streamed) == before


@pytest.mark.slow
def test_libreoffice_opens_a_streamed_register_and_counts_its_rows(tmp_path: Path) -> None:
    streamed, _ = twins("reg-log-reclamations-excel.xlsx", tmp_path)
    binding = binding_for(streamed)
    first = next_number(streamed)
    append(streamed, rows_for(binding, first, 120), streaming=False)
    append(streamed, rows_for(binding, first + 120, 3), streaming=True)
    sheets = recalculated(streamed, tmp_path / "lo")
    rows = sheets["Réclamations 2026"]
    total = next(r for r in rows if r and r[0] == "TOTAL")
    assert total[1] == str(4 + 123)  # the log's four rows and ours
    assert any(r and r[0] == binding.id_scheme.format(2026, first + 122) for r in rows)


@pytest.mark.parametrize("name", WORKBOOKS)
def test_the_rows_read_back_after_a_write_are_those_a_whole_read_gives(
        name: str, tmp_path: Path) -> None:
    path, _ = twins(name, tmp_path)
    binding = binding_for(path)
    first = next_number(path)
    append(path, rows_for(binding, first, 60), streaming=False)
    rows = rows_for(binding, first + 60, 4)
    result = XmlAppender(binding, backup_dir=tmp_path / ".b").append(rows, notes_for(rows))
    fresh = result.fresh_rows()
    assert fresh is not None and len(result.written) == 4
    whole = read_rows(binding).by_id()
    assert {rid: dict(values) for rid, values in fresh.items()} == {
        rid: whole[rid] for rid in result.written}
    assert result.written_as == file_stamp(path)
    assert [p.name for p in (tmp_path / ".b").iterdir() if "relu" in p.name] == []


def test_rows_written_under_a_bare_header_are_read_back_from_the_register_itself(
        tmp_path: Path) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=PARIS))
    init_office(tmp_path / "office", clock=clock)
    with open_office(tmp_path / "office", clock=clock) as office:
        binding = office.config.binding("reclamations")
    rows = rows_for(binding, 1, 30)
    result = XmlAppender(binding, backup_dir=tmp_path / ".b").append(rows, notes_for(rows))
    assert result.only and len(result.written) == 30
    whole = read_rows(binding).by_id()
    assert result.fresh_rows() == {rid: whole[rid] for rid in result.written}
    assert set(whole) == set(result.written)
    assert whole["REC-2026-0007"]["name"] == "Camille Martin 7"
    # a text every row holds is read once for all of them
    assert whole["REC-2026-0007"]["training"] is whole["REC-2026-0030"]["training"]
    assert not any("relu" in p.name for p in tmp_path.rglob("*"))


def test_an_ingest_remembers_its_own_rows_without_reading_the_register_again(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=PARIS))
    init_office(tmp_path / "office", clock=clock)
    with open_office(tmp_path / "office", clock=clock) as office:
        for drop, count in (("premier.csv", 2), ("second.csv", 5)):
            dropped = office.config.inbox_dir / "reclamations" / drop
            write_drop(dropped, count, tag=drop)
            caplog.clear()
            caplog.set_level(logging.DEBUG, logger="automation.pipeline.snapshots")
            assert ingest_file(office, dropped).accepted == count
            # the first into the register just created, with nothing under its header
            assert "without reading it again" in caplog.text
        binding = office.config.binding("reclamations")
        assert office.journal.snapshot("reclamations") == current_rows(binding)
        assert len(current_rows(binding)) == 7
        assert office.journal.register_seen("reclamations") == seen_file(office, binding)


def test_an_office_folder_moved_elsewhere_keeps_what_the_tool_knows_of_its_registers(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    clock = FixedClock(datetime(2026, 11, 23, 9, 0, tzinfo=PARIS))
    init_office(tmp_path / "office", clock=clock)
    with open_office(tmp_path / "office", clock=clock) as office:
        dropped = office.config.inbox_dir / "reclamations" / "premier.csv"
        write_drop(dropped, 3, tag="avant")
        assert ingest_file(office, dropped).accepted == 3
    moved = Path(shutil.move(tmp_path / "office", tmp_path / "partage" / "qualite"))
    with open_office(moved, clock=clock) as office:
        binding = office.config.binding("reclamations")
        assert office.journal.register_seen("reclamations") == seen_file(office, binding)
        dropped = office.config.inbox_dir / "reclamations" / "second.csv"
        write_drop(dropped, 2, tag="après")
        caplog.set_level(logging.DEBUG, logger="automation.pipeline.snapshots")
        assert ingest_file(office, dropped).accepted == 2
        assert "without reading it again" in caplog.text
        assert office.journal.snapshot("reclamations") == current_rows(binding)


def write_drop(path: Path, count: int, *, tag: str) -> None:
    lines = ["Date de réception;Canal;Partie prenante;Nom du déclarant;Nature;Objet"]
    lines += [f"{10 + n:02d}/11/2026;Email;Apprenant;Jeanne Martin {tag} {n};Réclamation;"
              f"Salle trop froide {n}" for n in range(count)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def build_share_of_total(path: Path, rows: int) -> Path:
    """A log whose every row divides by its totals row (« part du total »), as offices do."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Réclamations"
    sheet.append(["N°", "Date de réception", "Nom du déclarant", "Objet", "Gravité", "Part"])
    total = rows + 2
    for n in range(1, rows + 1):
        sheet.append([f"REC-2026-{n:04d}", date(2026, 1, 1 + n % 28), f"Déclarant {n}",
                      f"Objet {n}", 1 + n % 3, f"=E{n + 1}/$E${total}"])
    sheet.append(["TOTAL", None, None, None, f"=SUM(E2:E{rows + 1})", f"=SUM(F2:F{rows + 1})"])
    workbook.save(path)
    return path


def test_rows_streamed_through_follow_a_totals_row_that_moves(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    streamed = build_share_of_total(tmp_path / "streamed.xlsx", 150)
    whole = Path(shutil.copy(streamed, tmp_path / "whole.xlsx"))  # the same bytes, saved once
    caplog.set_level(logging.DEBUG, logger="automation.registers.xlsx.appender")
    assert append(streamed, rows_for(binding_for(streamed), 151, 3), streaming=True)
    assert WHOLE not in caplog.text
    append(whole, rows_for(binding_for(whole), 151, 3), streaming=False)
    assert members(streamed) == members(whole)
    sheet = openpyxl.load_workbook(streamed)["Réclamations"]
    assert sheet["F10"].value == "=E10/$E$155"  # a middle row, copied through the stream
    assert sheet["A155"].value == "TOTAL"


@pytest.mark.parametrize("size", [1, 5, 64, 1 << 20])
def test_a_string_table_kept_in_a_file_reads_as_the_one_in_memory(size: int) -> None:
    with zipfile.ZipFile(DATA / "reg-office-reclamations.xlsx") as archive:
        data = archive.read("xl/sharedStrings.xml")
    data = data.replace(b"<si>", b"<x:si ><si>", 3)  # prefixed tags too
    in_memory = SharedStrings(data)
    spooled = SharedStrings.spooled(iter([data[i:i + size] for i in range(0, len(data), size)]))
    try:
        assert len(spooled) == len(in_memory) > 20
        assert [spooled.text(i) for i in range(len(spooled))] == list(in_memory)
    finally:
        spooled.close()
