"""A forwarded complaint, dropped as a saved mail, becomes the customer's row, letter and answer;
its attachments are what the mail says they are."""

from __future__ import annotations

import email
import email.policy
import shutil
from pathlib import Path

import pytest

from automation.pipeline.files import ingest_file
from automation.pipeline.office import Office, open_office
from automation.pipeline.report import Verdict

from .conftest import DATA
from .spine import docx_text, register_rows

OFFICE_TOML = """
[organisation]
name = "OF Exemple"
email = "contact@of-exemple.fr"

[letters]
send = "draft"
"""


@pytest.fixture
def forwarded_office(office_dir: Path, clock) -> Office:
    (office_dir / "automation.toml").write_text(OFFICE_TOML, encoding="utf-8")
    with open_office(office_dir, clock=clock) as office:
        yield office


def _drop(office: Office, sample: str) -> Path:
    target = office.config.inbox_dir / "mails" / sample
    shutil.copyfile(DATA / sample, target)
    return target


def _complaints(office: Office) -> list[dict]:
    rows = register_rows(office.config.binding("reclamations").path, "Réclamations")
    return [{k: c.value for k, c in row.items()} for row in rows]


def test_a_forwarded_complaint_is_the_customers_row_letter_and_answer(
        forwarded_office: Office) -> None:
    office = forwarded_office
    report = ingest_file(office, _drop(office, "mail-fwd-outlook-fr.eml"))
    assert (report.register, report.accepted, report.verdict) == (
        "reclamations", 1, Verdict.RECORDED)
    [row] = _complaints(office)
    assert (row["Nom du déclarant"], row["Email"]) == ("Marie Dupont", "marie.dupont@gmail.com")
    assert row["Objet"] == "Réclamation session CAC-2611"
    assert str(row["Date de réception"])[:10] == "2026-11-23"
    assert row["Description"].startswith("Bonjour,\n\nJe souhaite porter réclamation")
    assert "accueil@of-exemple.fr" in row["Source"]
    assert "CAC-2611" in row["Formation / session"]
    # The attendance sheet and the PDF are kept with the row, never read into rows.
    kept = office.config.outbox_dir / f"{report.record_id} pièces jointes"
    assert sorted(p.name for p in kept.iterdir()) == ["Emargement CAC-2611.xlsx",
                                                      "Réclamation Dupont.pdf"]
    assert all(child.verdict is Verdict.KEPT for child in report.attachments)
    assert f"{report.record_id} pièces jointes" in row["Autres informations"]
    assert office.journal.count_rows("abandons") == 0
    # The letter and the draft answer go to the customer, not to the colleague.
    [letter] = office.config.outbox_dir.glob(f"{report.record_id}*.docx")
    text = docx_text(letter)
    assert "Marie Dupont" in text and "Julie Martin" not in text and "TR:" not in text
    [draft] = office.config.outbox_dir.glob(f"{report.record_id} reponse*.eml")
    answer = email.message_from_bytes(draft.read_bytes(), policy=email.policy.default)
    assert "marie.dupont@gmail.com" in answer["To"]
    assert answer["Subject"] == "RE: Réclamation session CAC-2611"


def test_a_partners_list_of_complaints_becomes_rows_that_name_the_mail(
        forwarded_office: Office) -> None:
    office = forwarded_office
    report = ingest_file(office, _drop(office, "mail-partner-complaints-list.eml"))
    [listing] = report.attachments
    assert (listing.verdict, listing.register) == (Verdict.RECORDED, "reclamations")
    assert listing.accepted >= 2
    rows = _complaints(office)
    assert len(rows) == 1 + listing.accepted
    assert all(r["Source"].startswith("Réclamations novembre.xlsx (pièce jointe du mail de "
                                      "qualite@opco-exemple.fr") for r in rows[1:])


def test_a_complaint_with_an_invoice_and_a_list_keeps_them_as_evidence(
        forwarded_office: Office) -> None:
    office = forwarded_office
    report = ingest_file(office, _drop(office, "mail-complaint-with-list.eml"))
    assert report.register == "reclamations"
    assert [c.verdict for c in report.attachments] == [Verdict.KEPT] * len(report.attachments)
    assert len(_complaints(office)) == 1
    assert office.journal.count_rows("annulations") == 0
