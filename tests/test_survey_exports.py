"""Survey exports dropped as the tools write them: the right values in the right columns.

Each export of ``tests/data/drop-survey-*`` (Google Forms from Forms and from Sheets, French
and English; Microsoft Forms quizzes in French and English; LimeSurvey; Typeform) is dropped
in ``inbox/satisfaction/`` and at the top of ``inbox/``, with the office's planning in
``registers/``; the satisfaction register is read back with openpyxl.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.pipeline.files import ingest_file
from automation.pipeline.office import Office, open_office
from automation.pipeline.scaffold import init_office

from .survey_office import COLD_REF, HOT_REF, clock, drop, rows, sample, write_planning

EXCEL, MANAGEMENT = "Excel avancé", "Management d'équipe"
DAY_14, DAY_15, DAY_16 = (datetime(2026, 6, d) for d in (14, 15, 16))
# The first answer of each export, as the register shows it.
FIRST_ROWS: dict[str, dict[str, Any]] = {
    "google-forms-fr": {
        "Date de réponse": DAY_14, "Enquête": "À chaud", "Répondant": "Apprenant",
        "Nom": "Marie Dupont", "Email": "marie.dupont@exemple.fr", "Formation": EXCEL,
        "Réf. session": HOT_REF, "Note globale": 5, "Recommandation": 9, "Accueil": 5,
        "Contenu": 5, "Équipe pédagogique": 5, "Moyens": 4, "Accompagnement": 5,
        "Compétences appliquées": "Oui", "Commentaire": "Très bonne formation, merci !",
        "Autres informations": None},
    "google-sheets-fr": {
        "Date de réponse": DAY_15, "Enquête": "À froid", "Nom": "Luc Martin",
        "Formation": MANAGEMENT, "Réf. session": COLD_REF, "Note globale": 5,
        "Recommandation": 10, "Compétences appliquées": "Oui"},
    "google-forms-en": {
        "Date de réponse": DAY_14, "Enquête": "À chaud", "Nom": "Marie Dupont",
        "Formation": EXCEL, "Réf. session": HOT_REF, "Note globale": 5, "Recommandation": 9,
        "Accueil": 5, "Contenu": 4, "Équipe pédagogique": 5, "Moyens": 4, "Accompagnement": 5,
        "Compétences appliquées": "Oui", "Commentaire": "Great course"},
    "google-sheets-en-quiz": {
        "Date de réponse": DAY_14, "Enquête": "À chaud", "Formation": EXCEL,
        "Réf. session": HOT_REF, "Note globale": 5, "Commentaire": "Parfait",
        "Autres informations": None},
    "ms-forms-fr": {
        "Date de réponse": DAY_14, "Enquête": "À chaud", "Nom": "Marie Dupont",
        "Email": "marie.dupont@exemple.fr", "Formation": EXCEL, "Réf. session": HOT_REF,
        "Note globale": 5, "Recommandation": 10, "Accueil": 4, "Équipe pédagogique": 5,
        "Commentaire": "RAS", "Autres informations": None},
    "ms-forms-en": {
        "Date de réponse": DAY_14, "Enquête": "À chaud", "Nom": "Awa Diallo",
        "Formation": EXCEL, "Réf. session": HOT_REF, "Note globale": 4, "Recommandation": 9,
        "Équipe pédagogique": 4, "Commentaire": "Useful"},
    "limesurvey-fr": {
        "Date de réponse": DAY_16, "Enquête": "À froid", "Email": "luc.martin@exemple.fr",
        "Formation": MANAGEMENT, "Réf. session": COLD_REF, "Note globale": 4,
        "Compétences appliquées": "Oui"},
    "typeform-en": {
        "Date de réponse": DAY_15, "Enquête": "À chaud", "Nom": "Awa Diallo",
        "Formation": EXCEL, "Réf. session": HOT_REF, "Note globale": 4, "Recommandation": 8},
}
COUNTS = {"google-forms-fr": 3, "google-sheets-fr": 2, "google-forms-en": 2,
          "google-sheets-en-quiz": 2, "ms-forms-fr": 3, "ms-forms-en": 2, "limesurvey-fr": 2,
          "typeform-en": 1}


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    root = tmp_path / "office"
    init_office(root, clock=clock())
    write_planning(root)
    with open_office(root, clock=clock()) as opened:
        yield opened


@pytest.mark.parametrize("folder", ["satisfaction", ""], ids=["inbox-satisfaction", "inbox"])
@pytest.mark.parametrize("prefix", sorted(FIRST_ROWS))
def test_each_export_gives_the_right_values_in_the_right_columns(
        office: Office, prefix: str, folder: str) -> None:
    report = drop(office, prefix, folder=folder)
    assert (report.register, report.rejected, report.accepted) == (
        "satisfaction", 0, COUNTS[prefix])
    assert report.routed_by_headers is (folder == "")
    first = rows(office, "satisfaction")[0]
    assert {k: first[k] for k in FIRST_ROWS[prefix]} == FIRST_ROWS[prefix]
    assert first["N°"] == "SAT-2026-0001"
    assert first["Source"].startswith(sample(prefix).name)


def test_the_same_export_dropped_twice_adds_nothing(office: Office) -> None:
    drop(office, "google-forms-fr")
    again = drop(office, "google-forms-fr")
    assert again.accepted == 0 and again.filed_to is not None
    assert again.filed_to.parent.name == "duplicates"
    assert len(rows(office, "satisfaction")) == 3
    assert len(rows(office, "reclamations")) == 1  # Jean's low score, once


def test_a_later_export_of_the_same_form_adds_only_the_new_answers(office: Office) -> None:
    drop(office, "google-forms-fr")
    longer = office.config.inbox_dir / "satisfaction" / "Satisfaction à chaud (2).csv"
    text = sample("google-forms-fr").read_text(encoding="utf-8")
    longer.write_text(text + '"2026/06/15 18:00:00 UTC+2","paul@exemple.fr","Paul S",'
                             '"Excel avancé","4","8","Satisfait","8","4","Satisfait","4",'
                             '"Oui",""\r\n', encoding="utf-8")
    report = ingest_file(office, longer)
    assert (report.accepted, report.duplicates) == (1, 3)


def test_the_same_answers_from_forms_and_from_sheets_are_one_answer_each(
        office: Office) -> None:
    drop(office, "google-forms-fr")
    sheets = office.config.inbox_dir / "satisfaction" / "Réponses au formulaire 1.csv"
    forms = sample("google-forms-fr").read_text(encoding="utf-8")
    sheets.write_text(forms.replace("2026/06/14 16:45:10 UTC+2", "14/06/2026 16:45:10")
                      .replace("2026/06/14 16:52:03 UTC+2", "14/06/2026 16:52:03")
                      .replace("2026/06/15 08:05:44 UTC+2", "15/06/2026 08:05:44")
                      .replace("Satisfaction à chaud", ""), encoding="utf-8")
    report = ingest_file(office, sheets)
    assert (report.accepted, report.duplicates) == (0, 3)


def test_an_adopted_form_goes_in_the_way_the_office_corrected_it(tmp_path: Path) -> None:
    root = tmp_path / "office"
    init_office(root, clock=clock())
    export = sample("google-forms-en")
    result = CliRunner().invoke(main, [
        "--dir", str(root), "surveys", "adopt", str(export), "--name", "Course feedback",
        "--survey", "chaud", "--training", EXCEL, "--field", "Any other=",
        "--scale", "How relevant=1-4"])
    assert result.exit_code == 0, result.output
    assert "Course feedback" in (root / "automation.toml").read_text(encoding="utf-8")
    again = CliRunner().invoke(main, ["--dir", str(root), "surveys", "adopt", str(export),
                                      "--name", "Course feedback", "--survey", "chaud",
                                      "--training", EXCEL, "--field", "Any other=",
                                      "--scale", "How relevant=1-4"])
    assert again.exit_code == 0, again.output
    assert (root / "automation.toml").read_text(encoding="utf-8").count(
        '"Course feedback"') == 1  # adopting again replaces the entry
    shutil.copyfile(export, root / "inbox" / export.name)
    result = CliRunner().invoke(main, ["--dir", str(root), "ingest",
                                       str(root / "inbox" / export.name)])
    assert result.exit_code == 0, result.output
    with open_office(root, clock=clock()) as office:
        marie, jean = rows(office, "satisfaction")
    assert (marie["Enquête"], marie["Formation"], marie["Contenu"], jean["Contenu"]) == (
        "À chaud", EXCEL, 5, 2)
    assert marie["Commentaire"] is None
    assert marie["Autres informations"] == "Any other comments? : Great course"


def test_an_answer_nothing_places_is_kept_with_what_to_complete(tmp_path: Path) -> None:
    root = tmp_path / "office"
    init_office(root, clock=clock())  # no planning
    with open_office(root, clock=clock()) as office:
        report = drop(office, "ms-forms-en")
        assert report.accepted == 2
        awa = rows(office, "satisfaction")[0]
    assert (awa["Enquête"], awa["Formation"]) == (None, None)
    assert awa["Autres informations"].startswith("À compléter : Enquête, Formation")


@pytest.mark.parametrize("prefix", ["typeform-en", "google-forms-fr"])
def test_a_refused_answer_fixed_in_its_rejection_copy_goes_in(office: Office,
                                                              prefix: str) -> None:
    source = sample(prefix)
    text = source.read_text(encoding="utf-8-sig")
    broken = office.config.inbox_dir / "satisfaction" / f"broken {source.name}"
    bad = text.replace(",4,8,", ",Bof,8,") if prefix == "typeform-en" else text.replace(
        '"Excel avancé","2","4"', '"Excel avancé","Bof","4"')
    assert bad != text
    broken.write_text(bad, encoding="utf-8")
    report = ingest_file(office, broken)
    assert report.rejected == 1 and report.rejection_copy is not None
    copy = openpyxl.load_workbook(report.rejection_copy)
    sheet = copy.active
    assert sheet is not None
    assert "Bof" in str(sheet.cell(row=2, column=1).value)  # the reason names the answer
    for cell in sheet[2]:
        if cell.value == "Bof":
            cell.value = "2"
    fixed = office.config.inbox_dir / "satisfaction" / "corrigé.xlsx"
    copy.save(fixed)
    again = ingest_file(office, fixed)
    assert (again.accepted, again.rejected) == (1, 0)


def test_adopting_names_a_question_the_export_does_not_have_in_french(tmp_path: Path) -> None:
    root = tmp_path / "office"
    init_office(root, clock=clock())
    before = (root / "automation.toml").read_text(encoding="utf-8")
    result = CliRunner().invoke(main, ["--dir", str(root), "surveys", "adopt",
                                       str(sample("typeform-en")), "--field", "Blah=overall"])
    assert result.exit_code == 2
    assert "n'est pas une question de l'export" in result.output
    assert (root / "automation.toml").read_text(encoding="utf-8") == before
