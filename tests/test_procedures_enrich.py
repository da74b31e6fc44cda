"""New cancellation and dropout records completed from the planning and seed 004."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from automation.procedures.config import Cancellations
from automation.procedures.enrich import RowCompletion, complete_row, enrich_records
from automation.procedures.planning import Planning, read_planning
from automation.records import CellValue, Record
from automation.registers.binding import RegisterBinding
from automation.registers.schema import SESSIONS

from .conftest import DATA

POLICY = Cancellations()


@pytest.fixture(scope="module")
def planning() -> Planning:
    return read_planning(RegisterBinding(SESSIONS, DATA / "plan-sessions.xlsx"))


def cancellation(fingerprint: str = "fp-1", missing: tuple[str, ...] = (),
                 **values: CellValue) -> Record:
    row: dict[str, CellValue] = {
        "requested_on": datetime(2026, 3, 10, 18, 0), "training": "Excel avancé",
        "session_start": datetime(2026, 3, 12, 9, 0), "initiator": "Formateur",
        "person": "Claire Formatrice", "kind": "Annulation", "alternative": "Autre session",
        "status": "Enregistrée"}
    row.update(values)
    return Record("annulations", row, fingerprint, "annulations.xlsx, ligne 2", missing,
                  "dossier « annulations »")


def test_a_trainer_s_cancellation_becomes_one_row_per_participant(planning: Planning) -> None:
    rows = enrich_records([cancellation()], planning, POLICY)
    assert [r.values["person"] for r in rows] == ["Marie Dupont", "Jean Petit", "Awa Diallo"]
    assert [r.values["email"] for r in rows] == ["marie.dupont@exemple.fr",
                                                 "jean.petit@exemple.fr", "awa.diallo@exemple.fr"]
    for row in rows:
        assert row.values["session_ref"] == "S-2026-031"
        assert row.values["session_hours"] == 7.0
        assert (row.values["motive"], row.values["recoverable"], row.values["billable"]) == (
            "Formateur indisponible", "Oui", "Non")
        assert "Signalée par : Claire Formatrice" in str(row.values["notes"])
        assert row.source == "annulations.xlsx, ligne 2" and row.missing == ()
    assert "Entreprise : ACME" in str(rows[0].values["notes"])
    assert "participant 2/3 de la session S-2026-031" in rows[1].note
    assert len({r.fingerprint for r in rows}) == 3
    again = enrich_records([cancellation()], planning, POLICY)
    assert [r.fingerprint for r in again] == [r.fingerprint for r in rows]


def test_a_cancellation_naming_a_participant_stays_one_row(planning: Planning) -> None:
    rows = enrich_records([cancellation(person="Jean Petit", email=None)], planning, POLICY)
    assert len(rows) == 1 and rows[0].values["email"] == "jean.petit@exemple.fr"


def test_a_learner_naming_a_day_gets_the_session_time_and_the_right_motive(
        planning: Planning) -> None:
    record = cancellation(initiator="Apprenant", person="Jean Petit",
                          requested_on=datetime(2026, 3, 11, 10, 30),
                          session_start=datetime(2026, 3, 12, 0, 0))
    (row,) = enrich_records([record], planning, POLICY)
    assert row.values["session_start"] == datetime(2026, 3, 12, 9, 0)
    assert (row.values["motive"], row.values["recoverable"], row.values["billable"]) == (
        "Annulation moins de 24 h avant", "Non", "Oui")
    assert "motif calculé « Annulation moins de 24 h avant » (demande 22 h 30 avant le début)" \
        in row.note


def test_a_mail_from_a_learner_s_address_is_completed_from_the_planning(
        planning: Planning) -> None:
    mail = Record("annulations", {
        "requested_on": datetime(2026, 3, 25, 8, 15, tzinfo=UTC), "initiator": "Apprenant",
        "email": "luc.martin@exemple.fr", "kind": "Annulation"}, "<id@mail>", "Mail de luc",
        ("training", "session_start"), "règle annulation")
    (row,) = enrich_records([mail], planning, POLICY)
    assert row.values["training"] == "Anglais professionnel"
    assert row.values["session_start"] == datetime(2026, 3, 29, 9, 0)
    assert row.values["person"] == "Luc Martin"
    assert row.values["motive"] == "Annulation plus de 24 h avant"
    assert row.missing == ()


def test_a_typed_motive_is_kept_and_the_rule_s_answer_journaled(planning: Planning) -> None:
    record = cancellation(initiator="Apprenant", person="Jean Petit", motive="Force majeure",
                          requested_on=datetime(2026, 3, 12, 8, 0))
    (row,) = enrich_records([record], planning, POLICY)
    assert row.values["motive"] == "Force majeure"
    assert (row.values["recoverable"], row.values["billable"]) == ("Oui", "Non")
    assert "motif saisi « Force majeure » conservé" in row.note
    assert "« Annulation moins de 24 h avant »" in row.note


def test_a_row_the_planning_does_not_know_is_kept_with_the_rule_applied(
        planning: Planning) -> None:
    record = cancellation(initiator="Apprenant", person="Inconnu", training="Word",
                          requested_on=datetime(2026, 3, 1, 9, 0))
    (row,) = enrich_records([record], planning, POLICY)
    assert "session_ref" not in row.values
    assert row.values["motive"] == "Annulation plus de 24 h avant"


def test_a_dropout_gets_its_training_dates_and_prescriber(planning: Planning) -> None:
    record = Record("abandons", {"learner": "Luc Martin", "training": "Anglais professionnel",
                                 "absence_noted_on": date(2026, 3, 30)}, "fp-a", "abandons.csv")
    (row,) = enrich_records([record], planning, POLICY)
    assert (row.values["start"], row.values["end"]) == (date(2026, 3, 29), date(2026, 3, 29))
    assert row.values["hours_planned"] == 3.0
    assert (row.values["prescriber"], row.values["prescriber_email"]) == (
        "OPCO EP", "suivi@opco-ep.fr")
    assert row.values["email"] == "luc.martin@exemple.fr"


def test_other_registers_pass_untouched(planning: Planning) -> None:
    record = Record("reclamations", {"name": "X"}, "fp", "s")
    assert enrich_records([record], planning, POLICY) == [record]


# --- a row a person typed in the register (for the register watcher) -------------------------

def test_a_typed_session_cancellation_proposes_fills_and_participant_rows(
        planning: Planning) -> None:
    typed = {"requested_on": datetime(2026, 3, 20, 11, 0), "training": "Anglais",
             "session_start": datetime(2026, 3, 29), "initiator": "Organisme",
             "kind": "Report", "motive": "Effectif insuffisant"}
    found = complete_row("annulations", typed, planning, POLICY)
    # the day the person typed is not replaced (only empty cells are proposed)
    assert found.fills == {"session_ref": "S-2026-044", "session_hours": 3.0,
                           "recoverable": "Oui", "billable": "Non"}
    assert all(r["session_start"] == datetime(2026, 3, 29, 9, 0) for r in found.participants)
    assert [r["person"] for r in found.participants] == ["Luc Martin", "Marie Dupont"]
    assert all(r["session_ref"] == "S-2026-044" for r in found.participants)
    assert "session S-2026-044 du planning" in found.note


def test_a_typed_learner_row_gets_its_motive_and_no_participant_rows(
        planning: Planning) -> None:
    typed = {"requested_on": datetime(2026, 3, 12, 10, 0), "person": "Awa Diallo",
             "initiator": "Apprenant", "kind": "Annulation", "training": "Excel avancé",
             "session_start": datetime(2026, 3, 12, 9, 0), "motive": None}
    found = complete_row("annulations", typed, planning, POLICY)
    assert found.fills["motive"] == "Annulation moins de 24 h avant"  # 1 h in, a third is 2 h 20
    assert found.participants == ()


def test_a_typed_dropout_gets_the_planning_s_dates(planning: Planning) -> None:
    found = complete_row("abandons", {"learner": "Jean Petit", "training": "Excel avancé"},
                         planning, POLICY)
    assert found.fills["prescriber"] == "France Travail"
    assert complete_row("satisfaction", {}, planning, POLICY) == RowCompletion()


def test_a_dropout_mail_naming_no_training_is_not_guessed_between_two(
        planning: Planning) -> None:
    mail = Record("abandons", {"learner": "Marie Dupont", "absence_noted_on": date(2026, 4, 1)},
                  "<m@x>", "Mail", ("training",))
    (row,) = enrich_records([mail], planning, POLICY)
    assert row == mail  # Excel avancé and Anglais professionnel: no guess
    single = Record("abandons", {"email": "luc.martin@exemple.fr", "learner": "Luc",
                                 "absence_noted_on": date(2026, 4, 1)}, "<l@x>", "Mail",
                    ("training",))
    (row,) = enrich_records([single], planning, POLICY)
    assert row.values["training"] == "Anglais professionnel" and row.missing == ()
