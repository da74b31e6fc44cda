"""Indicator 32: actions open themselves from complaints and dropouts, once, linked both ways;
their deadlines and the yearly risk review are in ``due``."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from automation.clock import PARIS, FixedClock
from automation.config import load_config
from automation.improvement.config import Improvement
from automation.improvement.due import action_items, add_months
from automation.pipeline.deadlines import due_now
from automation.pipeline.files import ingest_file
from automation.pipeline.followup import catch_up
from automation.pipeline.office import Office, open_office
from automation.pipeline.register_watch import look_at_register
from automation.registers.reader import read_rows
from automation.registers.risks import DEFAULT_RISKS, SHEET, read_risks
from automation.registers.schema import ACTIONS

from .audit_office import AUDIT_DAY, save_as_excel_does, year_2026
from .spine import write_xlsx


@pytest.fixture(scope="module")
def year(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root, _ = year_2026(tmp_path_factory.mktemp("year") / "office")
    return root


def rows(root: Path, key: str) -> dict[str, dict[str, Any]]:
    config = load_config(root)
    return {r.record_id: r.values for r in read_rows(config.binding(key)).rows}


def journal_lines(path: Path) -> list[list[Any]]:
    workbook = openpyxl.load_workbook(path, read_only=True)  # holds the file until closed
    try:
        return [list(row) for row in workbook["Journal"].iter_rows(values_only=True)]
    finally:
        workbook.close()


# -- the known year ---------------------------------------------------------------------------

def test_complaints_and_validated_dropout_open_their_actions_with_what_the_rows_say(
        year: Path) -> None:
    actions = rows(year, "actions")
    assert list(actions) == ["ACT-2026-0001", "ACT-2026-0002", "ACT-2026-0003", "ACT-2026-0004"]
    first = actions["ACT-2026-0001"]
    assert first["origin"] == "Réclamation" and first["origin_ids"] == "REC-2026-0001"
    assert first["opened_on"] == date(2026, 3, 20)  # the day the corrective action was typed
    assert first["finding"] == ("Réclamation REC-2026-0001 reçue le 12/03/2026 : Support de "
                                "cours incomplet")
    assert first["cause"].startswith("Version du support non mise à jour")
    assert first["action"].startswith("Contrôle des supports")
    assert first["owner"] == "Claire Martin"
    assert first["due_on"] == date(2026, 5, 5)  # 30 working days after 20 March (Easter, 1 May)
    dropout = actions["ACT-2026-0002"]
    assert (dropout["origin"], dropout["origin_ids"]) == ("Abandon", "ABD-2026-0001")
    assert dropout["cause"].startswith("Sessions en journées complètes")
    assert dropout["action"].startswith("À définir")  # the office defines it: nothing invented
    assert "Manque de temps" in dropout["finding"]
    assert actions["ACT-2026-0003"]["origin_ids"] == "REC-2026-0002"
    assert actions["ACT-2026-0004"]["origin"] == "Difficulté"
    assert actions["ACT-2026-0001"]["status"] == "Efficace"  # the person's follow-up, kept


def test_each_complaint_names_its_action_and_a_person_s_link_is_kept(year: Path) -> None:
    complaints = rows(year, "reclamations")
    named = {rid: v.get("improvement_ref") for rid, v in complaints.items()}
    assert named == {"REC-2025-0001": None, "REC-2026-0001": "ACT-2026-0001",
                     "REC-2026-0002": "ACT-2026-0003",
                     "REC-2026-0003": "ACT-2026-0003",  # typed by the person: a shared action
                     "REC-2026-0004": "ACT-2026-0004", "REC-2026-0005": None,
                     "REC-2026-0006": None, "REC-2026-0007": None}
    config = load_config(year)
    complaint_lines = journal_lines(config.binding("reclamations").path)
    assert any("Mesure d'amélioration liée : « ACT-2026-0001 » (action d'amélioration ouverte)"
               in str(line[4]) and line[3] == "REC-2026-0001" for line in complaint_lines)
    action_lines = journal_lines(config.binding("actions").path)
    linked = [line for line in action_lines if line[1] == "Origine liée"]
    assert len(linked) == 1 and linked[0][3] == "ACT-2026-0003"
    assert "REC-2026-0003" in linked[0][4] and linked[0][2] == "Claire Martin"
    dropout_lines = journal_lines(config.binding("abandons").path)
    noted = [line for line in dropout_lines if line[1] == "Action d'amélioration"]
    assert len(noted) == 1 and noted[0][3] == "ABD-2026-0001"
    assert "ACT-2026-0002" in noted[0][4]


def test_due_lists_actions_late_effectiveness_checks_and_the_risk_review(year: Path) -> None:
    with open_office(year, clock=FixedClock(AUDIT_DAY)) as office:
        items = [i for i in due_now(office, include_later=True) if i.register == "actions"]
    found = {(i.record_id, i.step): (i.due, i.status.value, i.owner) for i in items}
    assert found == {
        ("ACT-2026-0002", "carry_out"): (date(2026, 5, 19), "En retard", "Responsable qualité"),
        ("ACT-2026-0003", "carry_out"): (date(2026, 7, 28), "En retard", "Marc Logistique"),
        # done on 1 October: its effectiveness is checked 3 months later
        ("ACT-2026-0004", "check"): (date(2027, 1, 1), "En retard", "Responsable qualité"),
        # reviewed on 22 December 2026: again a year later
        ("Analyse des risques", "review"): (date(2027, 12, 22), "À venir",
                                            "Responsable qualité"),
    }


# -- opening once -------------------------------------------------------------------------------

COMPLAINT = [
    ["Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Nature", "Objet",
     "Analyse des causes", "Action corrective / d'amélioration"],
    ["18/11/2026", "Email", "Apprenant", "Zoé Dupré", "Réclamation", "Vidéoprojecteur en panne",
     "Lampe en fin de vie", "Vérifier le matériel la veille"],
]


def test_a_complaint_dropped_with_its_corrective_action_opens_one_action_however_often(
        office: Office) -> None:
    dropped = write_xlsx(office.config.inbox_dir / "reclamations" / "journal.xlsx", COMPLAINT)
    ingest_file(office, dropped)
    catch_up(office)
    complaints = rows(office.config.root, "reclamations")
    assert complaints["REC-2026-0001"]["improvement_ref"] == "ACT-2026-0001"  # with the row
    assert list(rows(office.config.root, "actions")) == ["ACT-2026-0001"]

    again = write_xlsx(office.config.inbox_dir / "reclamations" / "journal (2).xlsx", COMPLAINT)
    ingest_file(office, again)
    binding = office.config.binding("reclamations")
    save_as_excel_does(binding.path, binding.sheet_name, "REC-2026-0001", {
        "Action corrective / d'amélioration": "Vérifier le matériel la veille et la lampe",
        "Mesure d'amélioration liée": None})  # a person empties the link: not opened again
    look_at_register(office, binding)
    catch_up(office)
    assert list(rows(office.config.root, "actions")) == ["ACT-2026-0001"]
    assert rows(office.config.root, "reclamations")["REC-2026-0001"]["improvement_ref"] is None


def test_a_person_s_own_words_in_the_link_cell_open_nothing(office: Office) -> None:
    dropped = write_xlsx(office.config.inbox_dir / "reclamations" / "une.xlsx", [
        [*COMPLAINT[0][:6]], [*COMPLAINT[1][:6]]])
    ingest_file(office, dropped)
    catch_up(office)
    binding = office.config.binding("reclamations")
    look_at_register(office, binding)
    save_as_excel_does(binding.path, binding.sheet_name, "REC-2026-0001", {
        "Action corrective / d'amélioration": "Revoir le contrat de maintenance",
        "Mesure d'amélioration liée": "voir CR du comité qualité du 3/12"})
    look_at_register(office, binding)
    catch_up(office)
    assert rows(office.config.root, "actions") == {}
    assert (rows(office.config.root, "reclamations")["REC-2026-0001"]["improvement_ref"]
            == "voir CR du comité qualité du 3/12")


def test_the_office_can_turn_automatic_actions_off(office_dir: Path, clock: FixedClock) -> None:
    config = replace(load_config(office_dir), improvement=Improvement(open_actions=False))
    with open_office(office_dir, clock=clock, config=config) as office:
        dropped = write_xlsx(office.config.inbox_dir / "reclamations" / "j.xlsx", COMPLAINT)
        ingest_file(office, dropped)
        catch_up(office)
    assert rows(office_dir, "actions") == {}


# -- the register and its risk sheet ------------------------------------------------------------

def test_the_default_actions_register_has_its_risk_analysis_to_evaluate(office: Office) -> None:
    path = office.config.binding(ACTIONS.key).path
    workbook = openpyxl.load_workbook(path)
    assert workbook.sheetnames == ["Actions", SHEET, "Journal"]
    risks = read_risks(path)
    assert risks.found and len(risks.risks) == len(DEFAULT_RISKS)
    assert all(r.likelihood is None and r.impact is None and r.reviewed_on is None
               for r in risks.risks)  # evaluated by the office, never guessed
    headers = [c.value for c in workbook["Actions"][4]]
    assert headers[:3] == ["N°", "Date d'ouverture", "Origine"]
    assert "Vérification d'efficacité le" in headers and "Résultat de la vérification" in headers


def test_a_risk_analysis_never_reviewed_is_due_when_the_2026_referential_asks_for_it(
        office: Office) -> None:
    config = office.config
    risks = read_risks(config.binding(ACTIONS.key).path)
    items = action_items([], risks, today=date(2026, 11, 2), calendar=config.deadlines.calendar(),
                         deadlines=config.deadlines, settings=config.improvement)
    assert [(i.record_id, i.due, i.status.value) for i in items] == [
        ("Analyse des risques", date(2026, 11, 1), "En retard")]
    assert items[0].task == "Évaluer l'analyse des risques (aucune revue datée)"


def test_months_are_added_as_people_count_them() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)
    assert add_months(datetime(2026, 10, 1, tzinfo=PARIS).date(), 3) == date(2027, 1, 1)
