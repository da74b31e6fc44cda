"""Reading an adopted log back: its own list values, text dates, rows typed without an id,
and deadlines that never say « en retard » for what the log cannot show."""

from __future__ import annotations

import shutil
import warnings
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from automation.clock import PARIS, FixedClock
from automation.config import CONFIG_FILE
from automation.deadlines.dashboard import DASHBOARD_FILE
from automation.deadlines.due import DueStatus
from automation.errors import RegisterLocked
from automation.pipeline.deadlines import due_now
from automation.pipeline.followup import catch_up
from automation.pipeline.office import Office, open_office
from automation.pipeline.register_watch import look_at_register
from automation.pipeline.scaffold import init_office
from automation.pipeline.sent import declare_sent
from automation.registers.adopt import adopt_register
from automation.registers.adoption_record import record_adoption
from automation.registers.workbook import HEADER_ROW
from tests.build_office_logs import EXCEL_LOG, OPENPYXL_LOG

from .conftest import DATA
from .spine import docx_text, register_rows
from .test_office_logs import adopt


def load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def save_as_a_person(path: Path, sheet_name: str, cells: dict[str, Any]) -> None:
    workbook = load(path)
    for ref, value in cells.items():
        workbook[sheet_name][ref] = value
    workbook.properties.lastModifiedBy = "Claire Martin"
    workbook.save(path)


@pytest.fixture
def log_office(office_dir: Path, clock: FixedClock) -> Iterator[tuple[Office, Path]]:
    """The office with the openpyxl log adopted (columns added), looked at once."""
    target = office_dir / "registers" / "Plaintes.xlsx"
    shutil.copyfile(OPENPYXL_LOG, target)
    assert adopt(office_dir, target, "--add-columns").exit_code == 0
    with open_office(office_dir, clock=clock) as office:
        report = look_at_register(office, office.config.binding("reclamations"))
        assert report is not None and report.first_sight
        yield office, target


def test_a_row_typed_without_an_id_gets_one_and_then_its_acknowledgment(
        log_office: tuple[Office, Path]) -> None:
    office, target = log_office
    # In the gap the person had left (row 5), a complaint taken by phone, without a number.
    save_as_a_person(target, "Plaintes", {"B5": datetime(2026, 11, 20), "C5": "Ana Lopez",
                                          "D5": "Convocation arrivée trop tard",
                                          "E5": "Ouvert", "K5": "ana.lopez@exemple.fr"})
    report = look_at_register(office, office.config.binding("reclamations"))
    assert report is not None and report.added == ("PL-4",)
    assert report.letters == (("PL-4", "accuse-reception-reclamation"),)
    sheet = load(target)["Plaintes"]
    assert sheet["A5"].value == "PL-4"  # in its empty id cell, in the office's numbering
    assert [sheet[f"A{n}"].value for n in (4, 6, 7)] == ["PL-1", "PL-2", "PL-3"]
    catch_up(office)
    (letter,) = office.config.outbox_dir.glob("PL-4 *.docx")
    assert "Ana Lopez" in docx_text(letter)
    sheet = load(target)["Plaintes"]
    assert sheet["P5"].value is None  # prepared, not sent: no « Date d'accusé de réception »
    declare_sent(office, ["PL-4"], on=date(2026, 11, 23))
    catch_up(office)
    sheet = load(target)["Plaintes"]
    assert sheet["P5"].value == datetime(2026, 11, 23)  # the day it was sent
    assert look_at_register(office, office.config.binding("reclamations")) is None  # no loop


def test_a_row_typed_while_the_log_is_open_in_excel_is_numbered_once_it_is_closed(
        log_office: tuple[Office, Path]) -> None:
    office, target = log_office
    save_as_a_person(target, "Plaintes", {"B5": datetime(2026, 11, 20), "C5": "Ana Lopez"})
    owner = target.with_name(f"~${target.name}")
    owner.write_bytes(b"Claire Martin")
    with pytest.raises(RegisterLocked):
        look_at_register(office, office.config.binding("reclamations"))
    assert load(target)["Plaintes"]["A5"].value is None
    owner.unlink()
    report = look_at_register(office, office.config.binding("reclamations"))
    assert report is not None and report.added == ("PL-4",)
    assert load(target)["Plaintes"]["A5"].value == "PL-4"


def test_due_never_reports_late_what_a_log_cannot_show(office_dir: Path,
                                                       clock: FixedClock) -> None:
    """A log with no acknowledgment, answer or closing dates: nothing is « en retard », not
    even the complaints closed in January."""
    target = office_dir / "registers" / "Registre.xlsx"
    shutil.copyfile(EXCEL_LOG, target)
    adoption = adopt_register(target, "reclamations")
    assert not adoption.complete
    record_adoption(office_dir / CONFIG_FILE, adoption,  # by hand, as it is
                    registers_dir=office_dir / "registers")
    with open_office(office_dir, clock=clock) as office:
        items = due_now(office, include_later=True)
    assert [i for i in items if i.register == "reclamations"] == []


def test_due_with_added_date_columns_lists_only_the_open_complaints(
        office_dir: Path, clock: FixedClock) -> None:
    target = office_dir / "registers" / "Registre.xlsx"
    shutil.copyfile(EXCEL_LOG, target)
    assert adopt(office_dir, target, "--add-columns").exit_code == 0
    with open_office(office_dir, clock=clock) as office:
        items = [i for i in due_now(office) if i.register == "reclamations"]
    late = {(i.record_id, i.step) for i in items if i.status is DueStatus.LATE}
    assert ("R26-04", "acknowledge") in late and ("R26-04", "answer") in late
    assert ("R26-03", "answer") in late  # « le 3 mars », read as 3 March 2026
    assert ("R26-03", "acknowledge") not in late  # « En cours »: acknowledged
    assert not any(i.record_id in {"R26-01", "R26-02"} for i in items)  # « Clôturée »
    assert not any(i.step == "close" for i in items)  # no closing date column: not judged


def test_a_date_that_cannot_be_read_is_listed_for_a_person_never_late(
        log_office: tuple[Office, Path]) -> None:
    office, target = log_office
    save_as_a_person(target, "Plaintes", {"B6": "début mars"})
    items = due_now(office, include_later=True)
    checks = [i for i in items if i.status is DueStatus.CHECK]
    assert [(i.record_id, i.task) for i in checks] == [
        ("PL-2", "Corriger la date « début mars » (Date, ligne 6)")]
    assert not any(i.record_id == "PL-2" and i.late for i in items)
    sheet = load(office.config.registers_dir / DASHBOARD_FILE)["À traiter"]
    assert any(row[6].value == "Date à vérifier" and row[2].value == "PL-2"
               for row in sheet.iter_rows(min_row=4))


def test_a_cancellation_typed_without_an_id_gets_one_and_its_seed_004_motive(
        tmp_path: Path) -> None:
    clock = FixedClock(datetime(2026, 3, 10, 18, 30, tzinfo=PARIS))
    root = tmp_path / "office"
    init_office(root, clock=clock)
    shutil.copyfile(DATA / "plan-sessions.xlsx", root / "registers" / "sessions.xlsx")
    with open_office(root, clock=clock) as office:
        binding = office.config.binding("annulations")
        look_at_register(office, binding)  # first sight
        sheet = load(binding.path)["Annulations"]
        columns = {c.value: c.column_letter for c in sheet[HEADER_ROW]}
        line = HEADER_ROW + 1
        typed = {"Date de la demande": datetime(2026, 3, 10, 8, 59),
                 "Formation": "Excel avancé", "Début de la session": datetime(2026, 3, 12),
                 "À l'initiative de": "Apprenant", "Nom": "Awa Diallo", "Type": "Annulation"}
        save_as_a_person(binding.path, "Annulations",
                         {f"{columns[header]}{line}": value for header, value in typed.items()})
        report = look_at_register(office, binding)
        assert report is not None and report.added == ("ANN-2026-0001",)
        catch_up(office)
        (row,) = register_rows(binding.path, "Annulations")
    values = {k: c.value for k, c in row.items()}
    assert values["N°"] == "ANN-2026-0001"
    assert (values["Motif"], values["Rattrapable"], values["Facturable"]) == (
        "Annulation plus de 24 h avant", "Oui", "Non")
    assert values["Réf. session"] == "S-2026-031"  # from the planning
    assert values["Nom"] == "Awa Diallo"  # the person's value, kept
