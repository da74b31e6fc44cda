"""Low survey scores: one linked « Difficulté » each, once, and the « suite à votre avis » letter.

Real exports are dropped into an office with its planning; the complaints register, the
satisfaction register and the letter are read back from their files, and the letter is
converted to PDF by LibreOffice.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from automation.letters import convert_to_pdf
from automation.pipeline.deadlines import due_now
from automation.pipeline.files import ingest_file
from automation.pipeline.office import Office, open_office
from automation.pipeline.scaffold import init_office
from automation.surveys.config import Surveys
from automation.surveys.followup import reason_for

from .spine import docx_text
from .survey_office import clock, drop, rows, write_planning

GOOGLE_HEADER = ('"Horodateur","Adresse e-mail","Nom et prénom","Quelle formation avez-vous '
                 'suivie ?","Globalement, quel est votre niveau de satisfaction ?",'
                 '"Recommanderiez-vous cette formation ? (de 0 à 10)","Vos commentaires"\r\n')


@pytest.fixture
def office(tmp_path: Path) -> Iterator[Office]:
    root = tmp_path / "office"
    init_office(root, clock=clock())
    write_planning(root)
    (root / "automation.toml").write_text(
        '[organisation]\nname = "Formations Azur"\nphone = "04 93 00 00 00"\n'
        'email = "contact@formations-azur.fr"\ncity = "Nice"\n'
        '[surveys]\ncomment_rules = ["harcèlement", "re:\\\\bplus jamais\\\\b"]\n',
        encoding="utf-8")
    with open_office(root, clock=clock()) as opened:
        yield opened


def _by_id(table: list[dict[str, object]]) -> dict[str, dict[str, object]]:
    return {str(row["N°"]): row for row in table}


def test_each_low_score_opens_one_difficulty_linked_both_ways(office: Office) -> None:
    drop(office, "google-forms-fr")  # Jean: 2 on 5
    drop(office, "ms-forms-fr")  # an anonymous 2 on 5
    drop(office, "google-sheets-fr")  # Sophie: « Pas du tout satisfait »
    answers = _by_id(rows(office, "satisfaction"))
    difficulties = _by_id(rows(office, "reclamations"))
    assert len(difficulties) == 3
    linked = {}
    for rec_id, rec in difficulties.items():
        assert (rec["Nature"], rec["Canal"], rec["Statut"]) == (
            "Difficulté", "Enquête de satisfaction", "Nouvelle")
        sat_id = re.search(r"SAT-2026-\d{4}", str(rec["Objet"]))
        assert sat_id is not None and str(rec["Source"]).startswith(sat_id[0])
        assert str(answers[sat_id[0]]["Suivi"]).startswith(rec_id)
        linked[sat_id[0]] = rec
    by_name = {str(answers[sat]["Nom"]): rec for sat, rec in linked.items()}
    assert set(by_name) == {"Jean Petit", "None", "Sophie Bernard"}
    jean = by_name["Jean Petit"]
    assert (jean["Email"], jean["Partie prenante"]) == ("jean.petit@exemple.fr", "Apprenant")
    assert jean["Formation / session"] == "Excel avancé — session S-2026-060"
    assert "Note globale : 2 sur 5" in str(jean["Description"])
    assert "Formateur pas préparé, très déçu." in str(jean["Description"])
    assert by_name["None"]["Nom du déclarant"] == "Répondant anonyme"
    assert str(jean["Date de réception"])[:10] == "2026-06-14"  # the day of the answer
    unlinked = [a for a in answers.values() if a["Suivi"] is None]
    assert all(int(str(a["Note globale"])) > 2 for a in unlinked)


def test_dropping_the_export_again_opens_no_second_difficulty(office: Office) -> None:
    drop(office, "google-forms-fr")
    drop(office, "google-forms-fr")
    again = office.config.inbox_dir / "satisfaction" / "copie.csv"
    again.write_bytes(next(Path(__file__).parent.joinpath("data").glob(
        "drop-survey-google-forms-fr *")).read_bytes() + b"\r\n")  # other bytes, same rows
    assert ingest_file(office, again).accepted == 0
    assert len(rows(office, "reclamations")) == 1


def test_the_difficulty_gets_the_suite_a_votre_avis_letter_not_an_acknowledgment(
        office: Office, tmp_path: Path) -> None:
    report = drop(office, "google-forms-fr")
    letters = sorted((office.config.outbox_dir).glob("*.docx"))
    assert [p.name for p in letters] == ["REC-2026-0001 suite a votre avis - Jean Petit.docx"]
    assert report.letters == letters
    text = docx_text(letters[0]).replace("\u00a0", " ")
    for expected in ("Jean Petit", "Suite à votre avis sur la formation « Excel avancé — "
                     "session S-2026-060 »", "14 juin 2026", "REC-2026-0001",
                     "Note globale : 2 sur 5", "« Formateur pas préparé, très déçu. »",
                     "04 93 00 00 00", "contact@formations-azur.fr", "Formations Azur"):
        assert expected in text, expected
    (pdf,) = convert_to_pdf(letters, tmp_path / "pdf")
    shown = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True,
                           check=True).stdout
    assert "Suite à votre avis" in shown and "REC-2026-0001" in shown


def test_an_anonymous_low_score_opens_a_difficulty_but_no_letter(office: Office) -> None:
    drop(office, "ms-forms-en")
    (rec,) = rows(office, "reclamations")
    assert rec["Nom du déclarant"] == "Répondant anonyme"
    assert list(office.config.outbox_dir.glob("*.docx")) == []


def test_the_person_in_charge_is_reminded_of_the_difficulty_like_of_a_complaint(
        office: Office) -> None:
    drop(office, "google-forms-fr")
    office.clock.advance(days=4)  # type: ignore[attr-defined]
    items = [i for i in due_now(office) if i.record_id == "REC-2026-0001"]
    assert "Accuser réception" in {i.task for i in items}


def test_a_low_recommendation_with_discontent_or_an_office_rule_calls_for_a_contact(
        office: Office) -> None:
    export = office.config.inbox_dir / "satisfaction" / "avis.csv"
    export.write_text(GOOGLE_HEADER + "".join(
        f'"2026/06/15 09:0{n}:00 UTC+2","{who}@exemple.fr","{who}","Excel avancé","{overall}",'
        f'"{nps}","{comment}"\r\n' for n, (who, overall, nps, comment) in enumerate([
            ("a", 3, 4, "Franchement déçue par le rythme"),  # low nps + discontent
            ("b", 3, 9, "Déçu"),  # discontent, but would recommend
            ("c", 4, 8, "Je ne reviendrai plus jamais"),  # the office's own rule
            ("d", 3, 5, "Correct sans plus"),  # low nps, no discontent
        ])), encoding="utf-8")
    ingest_file(office, export)
    drop(office, "typeform-en")  # to flush everything
    subjects = [str(r["Nom du déclarant"]) for r in rows(office, "reclamations")]
    assert subjects == ["a", "c"]


def test_reasons_are_written_for_the_difficulty() -> None:
    settings = Surveys(comment_rules=["re:rembours"])
    assert reason_for({"overall": 1}, settings) == "note globale 1 sur 5 (au plus 2)"
    assert "recommandation 5 sur 10" in reason_for(
        {"overall": 3, "nps": 5, "comment": "Une perte de temps"}, settings)
    assert "règle « re:rembours »" in reason_for(
        {"overall": 4, "nps": 9, "comment": "Je veux être remboursé"}, settings)
    assert reason_for({"overall": 3, "nps": 9, "comment": "Très bien"}, settings) == ""
