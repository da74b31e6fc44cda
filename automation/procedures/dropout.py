"""The dropout procedure: its eight steps, read from the dates filled in an « Abandons » row.

The step a case has reached is derived from the row alone — never from a state kept elsewhere
that could disagree with what a person typed. A step's letter is called for by what a person
enters; the date a letter writes back never calls for the next letter.

=====  ===============================================  ==================================
Step   What calls for it (what a person enters)          Letter → recipient; date written
=====  ===============================================  ==================================
1      the row exists (« Absence constatée le ») and       information-prescripteur-absence
       names a prescriber (name or address)                → prescriber; « Prescripteur
                                                           informé le »
2      a person types « Motifs demandés le » (the          demande-motifs-abandon → learner;
       dropout is confirmed: ask the reasons)              (the typed date is the step's)
3–5    « Motif », « Analyse des causes », « Solution       —
       proposée »: a person's analysis and proposal
6      a person types « Relance le »                       proposition-alternative → learner
                                                           (the prescriber is named in it)
7      « Décision » (Abandon validé / invalidé) and        —
       « Décidé le »
8      « Décision » = « Abandon validé »                   attestation-abandon → learner, to
                                                           sign; « Attestation envoyée le »
=====  ===============================================  ==================================

A letter is called for only while its date cell is empty, as long as the case is undecided
(steps 1, 2, 6) or validated (step 8). A date a person fills before the tool does (the
prescriber was phoned) means the step is done: no letter. Whoever produces the letters
produces each once per row and kind, and writes back the date when the cell is empty — for
steps 2 and 6 the person's date is already there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from automation.letters.catalog import LetterKind
from automation.records import CellValue
from automation.text import fold

VALIDATED: Final = "Abandon validé"
INVALIDATED: Final = "Abandon invalidé"


@dataclass(frozen=True)
class Step:
    number: int
    title: str  # French, as the README and reminders show it
    done_when: tuple[str, ...]  # fields whose filling shows the step was taken
    letter: LetterKind | None = None
    date_field: str = ""  # the field recording when the step's letter was produced
    recipient_key: str = ""


STEPS: Final[tuple[Step, ...]] = (
    Step(1, "Information du prescripteur", ("prescriber_informed_on",),
         LetterKind.PRESCRIBER_ABSENCE, "prescriber_informed_on", "prescriber"),
    Step(2, "Demande des motifs au stagiaire", ("reasons_requested_on",),
         LetterKind.DROPOUT_REASONS, "reasons_requested_on", "learner"),
    Step(3, "Analyse : détermination des causes", ("analysis",)),
    Step(4, "Traitement des causes : solution proposée", ("proposal",)),
    Step(5, "Échange avec le bénéficiaire et le prescripteur", ("proposal",)),
    Step(6, "Relance avec une proposition d'alternative", ("reminder_on",),
         LetterKind.ALTERNATIVE_PROPOSAL, "reminder_on", "learner"),
    Step(7, "Validation ou invalidation de l'abandon", ("decided_on",)),
    Step(8, "Attestation d'abandon à signer", ("attestation_sent_on", "attestation_signed_on"),
         LetterKind.DROPOUT_ATTESTATION, "attestation_sent_on", "learner"),
)
STEP_BY_NUMBER: Final = {step.number: step for step in STEPS}


def filled(value: CellValue) -> bool:
    return value is not None and str(value).strip() != ""


def decision(values: Mapping[str, CellValue]) -> str:
    """« Abandon validé », « Abandon invalidé » or "" (undecided), however it was typed."""
    value = values.get("decision")
    folded = fold(value) if isinstance(value, str) else ""
    return next((d for d in (VALIDATED, INVALIDATED) if fold(d) == folded), "")


def reached_step(values: Mapping[str, CellValue]) -> int:
    """The furthest step the row shows as taken (0: the absence is only noted).

    Step 7 is taken once a decision is chosen; step 8 once the attestation is sent or signed.
    """
    reached = 7 if decision(values) else 0
    for step in STEPS:
        if step.number > reached and any(filled(values.get(k)) for k in step.done_when):
            reached = step.number
    return reached


def due_steps(values: Mapping[str, CellValue]) -> list[Step]:
    """The steps whose letter the row's current values call for (see the module's table)."""
    if not (filled(values.get("learner")) and filled(values.get("training"))):
        return []
    decided = decision(values)
    due: list[Step] = []
    if not decided:
        if (filled(values.get("absence_noted_on")) and not filled(values.get(
                "prescriber_informed_on")) and (filled(values.get("prescriber"))
                                               or filled(values.get("prescriber_email")))):
            due.append(STEP_BY_NUMBER[1])
        if filled(values.get("reasons_requested_on")):
            due.append(STEP_BY_NUMBER[2])
        if filled(values.get("reminder_on")):
            due.append(STEP_BY_NUMBER[6])
    elif decided == VALIDATED and not any(
            filled(values.get(k)) for k in STEP_BY_NUMBER[8].done_when):
        due.append(STEP_BY_NUMBER[8])
    return due
