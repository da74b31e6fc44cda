"""The dashboard workbook, written and read back with openpyxl."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from automation.clock import PARIS
from automation.deadlines.dashboard import (
    DASHBOARD_FILE,
    LATE_FILL,
    SHEET,
    SOON_FILL,
    write_dashboard,
)
from automation.deadlines.due import DueItem, DueStatus
from automation.errors import RegisterError

GENERATED = datetime(2026, 11, 24, 8, 5, tzinfo=PARIS)
ITEMS = [
    DueItem("reclamations", "REC-2026-0003", "acknowledge", "Accuser réception",
            date(2026, 11, 13), "Anne", DueStatus.LATE, days_late=7, about="Dupont — Salle"),
    DueItem("reclamations", "REC-2026-0001", "acknowledge", "Accuser réception",
            date(2026, 11, 25), "Anne", DueStatus.SOON, days_left=1),
    DueItem("abandons", "ABD-2026-0001", "decide", "Statuer sur l'abandon",
            date(2026, 12, 15), "Bruno", DueStatus.LATER, days_left=15,
            about="=HYPERLINK(\"http://x\")"),
]


def fill_of(cell: object) -> str:
    return str(cell.fill.fgColor.rgb)[-6:] if cell.fill.fill_type == "solid" else ""  # type: ignore[attr-defined]


def test_dashboard_rows_colours_and_dates(tmp_path: Path) -> None:
    path = write_dashboard(tmp_path / DASHBOARD_FILE, ITEMS, generated_at=GENERATED)
    sheet = load_workbook(path)[SHEET]
    assert sheet["A1"].value == "Points à traiter — généré le 24/11/2026 à 08:05"
    assert sheet["A2"].value == "1 en retard · 1 à échéance proche"
    assert [c.value for c in sheet[3]] == ["Responsable", "Registre", "N°", "À faire",
                                           "Échéance", "Retard (jours ouvrés)", "Statut",
                                           "Concerne"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=4)]
    assert rows == [
        ["Anne", "Réclamations", "REC-2026-0003", "Accuser réception",
         datetime(2026, 11, 13), 7, "En retard", "Dupont — Salle"],
        ["Anne", "Réclamations", "REC-2026-0001", "Accuser réception",
         datetime(2026, 11, 25), None, "À échéance proche", None],
        ["Bruno", "Abandons", "ABD-2026-0001", "Statuer sur l'abandon",
         datetime(2026, 12, 15), None, "À venir", "=HYPERLINK(\"http://x\")"],
    ]
    assert [fill_of(sheet.cell(r, c)) for r in (4, 5, 6) for c in (1, 6)] == [
        LATE_FILL, LATE_FILL, SOON_FILL, SOON_FILL, "", ""]
    assert all(sheet.cell(r, 5).number_format == "dd/mm/yyyy" for r in (4, 5, 6))
    assert sheet.cell(6, 8).data_type == "s"  # text that looks like a formula stays text
    assert sheet.freeze_panes == "A4"
    assert sheet.auto_filter.ref == "A3:H6"
    assert sheet.column_dimensions["D"].width == 32


def test_rows_keep_their_colours_and_date_format_when_the_dashboard_is_rewritten(
        tmp_path: Path) -> None:
    path = write_dashboard(tmp_path / DASHBOARD_FILE, ITEMS[:1], generated_at=GENERATED)
    write_dashboard(path, ITEMS, generated_at=GENERATED)  # styles already in the workbook
    sheet = load_workbook(path)[SHEET]
    assert [fill_of(sheet.cell(r, c)) for r in (4, 5, 6) for c in (1, 5)] == [
        LATE_FILL, LATE_FILL, SOON_FILL, SOON_FILL, "", ""]
    assert all(sheet.cell(r, 5).number_format == "dd/mm/yyyy" for r in (4, 5, 6))
    assert all(sheet.cell(r, c).font.name == "Calibri" for r in (3, 4, 6) for c in (1, 5))


def test_other_sheets_of_the_dashboard_are_kept(tmp_path: Path) -> None:
    path = tmp_path / DASHBOARD_FILE
    book = Workbook()
    book.active.title = "Indicateurs"
    book.active["A1"] = "Taux de satisfaction"
    book.create_sheet(SHEET)["A10"] = "ancienne ligne"
    book.save(path)
    write_dashboard(path, ITEMS[:1], generated_at=GENERATED)
    reread = load_workbook(path)
    assert reread.sheetnames == ["Indicateurs", SHEET]
    assert reread["Indicateurs"]["A1"].value == "Taux de satisfaction"
    assert reread[SHEET].max_row == 4  # the sheet was rebuilt, not appended to


def test_empty_list_still_writes_a_readable_sheet(tmp_path: Path) -> None:
    path = write_dashboard(tmp_path / "registers" / DASHBOARD_FILE, [], generated_at=GENERATED)
    sheet = load_workbook(path)[SHEET]
    assert sheet["A2"].value == "Rien en retard ni à échéance proche."
    assert sheet.auto_filter.ref == "A3:H4"


def test_unreadable_dashboard_is_left_as_it_was(tmp_path: Path) -> None:
    path = tmp_path / DASHBOARD_FILE
    path.write_bytes(b"not a workbook")
    with pytest.raises(RegisterError, match="cannot be read"):
        write_dashboard(path, ITEMS, generated_at=GENERATED)
    assert path.read_bytes() == b"not a workbook"
    assert [p.name for p in tmp_path.iterdir()] == [DASHBOARD_FILE]


def test_failed_save_leaves_previous_dashboard_and_no_temp_file(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_dashboard(tmp_path / DASHBOARD_FILE, ITEMS, generated_at=GENERATED)
    before = path.read_bytes()

    def broken_save(self: Workbook, filename: str) -> None:
        Path(filename).write_bytes(b"PK half")
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "save", broken_save)
    with pytest.raises(RegisterError, match="could not be written"):
        write_dashboard(path, ITEMS[:1], generated_at=GENERATED)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == [DASHBOARD_FILE]
