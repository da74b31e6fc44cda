"""step_letters over successive states of a row, as a person fills it: one letter per step."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

import pytest

from automation.letters.catalog import LetterKind
from automation.procedures.dropout import STEPS, reached_step
from automation.procedures.steps import StepLetter, recipient_address, step_letters
from automation.records import CellValue

TODAY = date(2026, 11, 23)


class Caller:
    """What the pipeline does with step_letters: each kind once per row, date written back."""

    def __init__(self, register: str) -> None:
        self.register = register
        self.produced: list[StepLetter] = []

    def see(self, row: dict[str, CellValue]) -> list[LetterKind]:
        new: list[LetterKind] = []
        for letter in step_letters(self.register, row):
            if letter.kind in {p.kind for p in self.produced}:
                continue
            self.produced.append(letter)
            new.append(letter.kind)
            if letter.date_field and row.get(letter.date_field) in (None, ""):
                row[letter.date_field] = TODAY
        # the write-back never calls for a letter of its own
        assert {s.kind for s in step_letters(self.register, row)} <= {
            p.kind for p in self.produced}
        return new


def dropout_row(**values: CellValue) -> dict[str, CellValue]:
    row: dict[str, CellValue] = {
        "learner": "Luc Martin", "email": "luc.martin@exemple.fr",
        "training": "Anglais professionnel", "absence_noted_on": date(2026, 11, 2),
        "prescriber": "OPCO EP", "prescriber_email": "suivi@opco-ep.fr", "decision": "En cours"}
    row.update(values)
    return row


def test_a_dropout_goes_through_eight_steps_with_one_letter_per_letter_step() -> None:
    caller, row = Caller("abandons"), dropout_row()
    seen: list[tuple[int, list[LetterKind]]] = []

    def person(**typed: CellValue) -> None:
        row.update(typed)
        letters = caller.see(row)
        seen.append((reached_step(row), letters))

    person()  # the absence is noticed: the row arrives
    person(reasons_requested_on=date(2026, 11, 5))
    person(reason="Manque de temps", reason_detail="Nouveau poste")
    person(analysis="Horaires incompatibles avec le nouveau poste")
    person(proposal="Suivre la fin du parcours à distance, le soir")
    person(reminder_on=date(2026, 11, 19))
    person(decision="Abandon validé", decided_on=date(2026, 11, 26))
    person(attestation_signed_on=date(2026, 12, 1))

    assert seen == [
        (1, [LetterKind.PRESCRIBER_ABSENCE]),
        (2, [LetterKind.DROPOUT_REASONS]),
        (2, []),
        (3, []),
        (5, []),
        (6, [LetterKind.ALTERNATIVE_PROPOSAL]),
        (8, [LetterKind.DROPOUT_ATTESTATION]),
        (8, []),
    ]
    assert row["prescriber_informed_on"] == TODAY and row["attestation_sent_on"] == TODAY
    assert row["reasons_requested_on"] == date(2026, 11, 5)  # the person's date is kept
    assert [(p.date_field, p.recipient_key) for p in caller.produced] == [
        ("prescriber_informed_on", "prescriber"), ("reasons_requested_on", "learner"),
        ("reminder_on", "learner"), ("attestation_sent_on", "learner")]


def test_the_steps_table_numbers_one_to_eight() -> None:
    assert [s.number for s in STEPS] == list(range(1, 9))
    assert [s.letter for s in STEPS if s.letter] == [
        LetterKind.PRESCRIBER_ABSENCE, LetterKind.DROPOUT_REASONS,
        LetterKind.ALTERNATIVE_PROPOSAL, LetterKind.DROPOUT_ATTESTATION]


def test_an_invalidated_dropout_gets_no_attestation() -> None:
    caller = Caller("abandons")
    row = dropout_row(prescriber_informed_on=date(2026, 11, 3))
    assert caller.see(row) == []
    row.update(decision="abandon invalide", decided_on=date(2026, 11, 10))
    assert caller.see(row) == [] and reached_step(row) == 7


def test_a_prescriber_informed_by_phone_gets_no_letter() -> None:
    row = dropout_row(prescriber_informed_on=date(2026, 11, 3))
    assert step_letters("abandons", row) == []


def test_a_prescriber_added_later_is_informed_then() -> None:
    caller = Caller("abandons")
    row = dropout_row(prescriber=None, prescriber_email=None)
    assert caller.see(row) == []
    row["prescriber_email"] = "conseil@opco-atlas.fr"
    assert caller.see(row) == [LetterKind.PRESCRIBER_ABSENCE]


def test_a_finished_case_dropped_with_all_its_dates_calls_for_nothing() -> None:
    row = dropout_row(prescriber_informed_on=date(2026, 1, 3),
                      reasons_requested_on=date(2026, 1, 5), reminder_on=date(2026, 1, 15),
                      decision="Abandon validé", decided_on=date(2026, 1, 20),
                      attestation_sent_on=date(2026, 1, 21))
    assert step_letters("abandons", row) == []
    assert reached_step(row) == 8


def test_a_dropout_without_learner_or_training_waits() -> None:
    assert step_letters("abandons", dropout_row(training=None)) == []


def test_the_prescriber_s_letter_goes_to_the_prescriber_s_address() -> None:
    row = dropout_row()
    first = step_letters("abandons", row)[0]
    assert recipient_address(first, row) == "suivi@opco-ep.fr"
    row["reminder_on"] = date(2026, 11, 19)
    reminder = step_letters("abandons", row)[-1]
    assert recipient_address(reminder, row) == "luc.martin@exemple.fr"


# --- cancellations ----------------------------------------------------------------------------

def cancellation(**values: CellValue) -> dict[str, CellValue]:
    row: dict[str, CellValue] = {
        "requested_on": datetime(2026, 3, 10, 18, 0), "training": "Excel avancé",
        "session_start": datetime(2026, 3, 12, 9, 0), "initiator": "Formateur",
        "person": "Marie Dupont", "email": "marie.dupont@exemple.fr", "kind": "Annulation",
        "status": "Enregistrée"}
    row.update(values)
    return row


def kinds(row: Mapping[str, CellValue]) -> list[LetterKind]:
    return [letter.kind for letter in step_letters("annulations", row)]


@pytest.mark.parametrize("initiator", ["Formateur", "Organisme", "organisme"])
def test_a_session_cancelled_by_trainer_or_organisation_informs_the_participant(
        initiator: str) -> None:
    assert step_letters("annulations", cancellation(initiator=initiator)) == [
        StepLetter(LetterKind.CANCELLATION_NOTICE, "participants_informed_on", "person")]


def test_a_postponement_letter_waits_for_the_new_date() -> None:
    caller = Caller("annulations")
    row = cancellation(kind="Report", initiator="Organisme")
    assert caller.see(row) == []
    row["new_start"] = datetime(2026, 4, 2, 9, 0)
    assert caller.see(row) == [LetterKind.POSTPONEMENT_NOTICE]
    assert row["participants_informed_on"] == TODAY
    assert caller.see(row) == []


@pytest.mark.parametrize("initiator", ["Apprenant", "Entreprise / financeur"])
def test_a_learner_s_cancellation_offers_the_learner_an_alternative(initiator: str) -> None:
    assert kinds(cancellation(initiator=initiator)) == [LetterKind.ALTERNATIVE_PROPOSAL]


@pytest.mark.parametrize("change", [
    {"participants_informed_on": date(2026, 3, 10)},  # already informed
    {"status": "Close"},
    {"person": None, "email": None},  # nobody to write to: the session row itself
    {"session_start": None},  # incomplete: a person completes it first
    {"training": ""},
    {"initiator": None},
])
def test_a_cancellation_row_that_is_done_or_incomplete_calls_for_nothing(
        change: dict[str, CellValue]) -> None:
    assert kinds(cancellation(**change)) == []


def test_other_registers_call_for_nothing_here() -> None:
    assert step_letters("reclamations", {"name": "X"}) == []
    assert step_letters("sessions", {"learner": "X"}) == []
