"""The letters of the procedures, rendered from the default templates and read back."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from automation.config import Organisation
from automation.letters import LetterKind, check_template, letter_context, render_letter
from automation.records import StoredRow

from .spine import docx_text

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
ORG = Organisation(name="Formations Azur", email="contact@formations-azur.fr", city="Nice")
TODAY = date(2026, 3, 11)
LEARNER_CANCELLATION = StoredRow("annulations", "ANN-2026-0007", {
    "requested_on": datetime(2026, 3, 11, 10, 30), "session_ref": "S-2026-031",
    "training": "Excel avancé", "session_start": datetime(2026, 3, 12, 9, 0),
    "initiator": "Apprenant", "person": "Jean Petit", "kind": "Annulation",
    "motive": "Annulation moins de 24 h avant", "recoverable": "Non", "billable": "Oui"}, "t")


def test_the_alternative_letter_answers_a_learner_s_cancellation() -> None:
    template = TEMPLATES / LetterKind.ALTERNATIVE_PROPOSAL.template
    context = letter_context(ORG, LEARNER_CANCELLATION, today=TODAY)
    # the dropout's own fields are read only in the dropout's part of the letter
    assert check_template(template, context) == [
        "row.absence_noted_on", "row.prescriber", "row.proposal", "row.reason",
        "row.reasons_requested_on"]


def test_the_learner_s_letter_names_the_session_in_french(tmp_path: Path) -> None:
    template = TEMPLATES / LetterKind.ALTERNATIVE_PROPOSAL.template
    context = letter_context(ORG, LEARNER_CANCELLATION, today=TODAY)
    text = docx_text(render_letter(template, context, tmp_path / "l.docx")).replace("\u00a0", " ")
    assert "Nice, le 11 mars 2026" in text and "Réf. : ANN-2026-0007" in text
    assert ("Nous avons bien reçu votre demande d’annulation de votre participation à la "
            "session « Excel avancé » (réf. S-2026-031) prévue le 12 mars 2026 à 9 h, reçue "
            "moins de 24 heures avant son début.") in text
    assert ("Conformément à nos conditions générales de vente, cette session vous sera "
            "facturée et ne pourra pas être rattrapée.") in text
    assert "abandon" not in text.lower()


def test_the_session_variable_serves_every_register() -> None:
    dropout = StoredRow("abandons", "ABD-2026-0001", {
        "learner": "Luc Martin", "training": "Anglais", "start": date(2026, 3, 29),
        "end": date(2026, 6, 30)}, "t")
    assert letter_context(ORG, dropout, today=TODAY)["session"] == {
        "ref": "", "start": "29 mars 2026", "end": "30 juin 2026", "new_start": ""}
    assert letter_context(ORG, LEARNER_CANCELLATION, today=TODAY)["session"] == {
        "ref": "S-2026-031", "start": "12 mars 2026 à 9 h", "end": "", "new_start": ""}
