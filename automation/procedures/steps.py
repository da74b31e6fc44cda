"""The letters a register row calls for, from its current values alone.

:func:`step_letters` is what the register watcher calls for every new or changed row, and what
intake calls for every new row. It is pure: the same values always call for the same letters.
The caller produces each letter once per (register, id, kind) and writes the letter's date
into ``date_field`` when that cell is empty, so a letter comes once however often a row is
seen.

« Annulations et reports ». A letter waits for the row to name its
recipient (« Nom » or « Email »), its training and its session's start, and for « Participants
informés le » to be empty (a filled date means they were informed; a « Close » row needs
nothing). Then:

- trainer or organisation, « Annulation »: ``information-annulation`` to the participant;
- trainer or organisation, « Report »: ``information-report`` once « Nouvelle date » is filled
  (the letter gives the new date; until then the deadline reminder shows the row);
- learner or company: ``proposition-alternative`` to the learner — another session or a remote
  option; the other participants are not written to.

Each writes back « Participants informés le ». « Abandons » (the dropout procedure): see
:mod:`automation.procedures.dropout`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final

from automation.letters.catalog import LetterKind
from automation.procedures import dropout
from automation.procedures.cancellation import PARTICIPANT_SIDE, SESSION_SIDE, initiator_of
from automation.records import CellValue
from automation.text import fold

ANNULATIONS: Final = "annulations"
ABANDONS: Final = "abandons"
INFORMED: Final = "participants_informed_on"
# Where the address of each recipient is, for letters that also go by mail.
ADDRESS_OF: Final = {"prescriber": "prescriber_email", "learner": "email", "person": "email"}


@dataclass(frozen=True)
class StepLetter:
    kind: LetterKind  # which letter
    date_field: str  # the row's field recording when this step's letter was produced;
    #                  written back if empty ("" = none)
    recipient_key: str  # the row's field naming the recipient ("learner", "prescriber", …)


def step_letters(register: str, values: Mapping[str, CellValue]) -> list[StepLetter]:
    """Letters the row's current values call for (the caller produces each once per row and
    kind, and writes back date_field if empty)."""
    if register == ANNULATIONS:
        kind = cancellation_letter(values)
        return [StepLetter(kind, INFORMED, "person")] if kind is not None else []
    if register == ABANDONS:
        return [StepLetter(step.letter, step.date_field, step.recipient_key)
                for step in dropout.due_steps(values) if step.letter is not None]
    return []


def cancellation_letter(values: Mapping[str, CellValue]) -> LetterKind | None:
    """The letter an « Annulations et reports » row calls for (see the module's docstring)."""
    if (not (_filled(values, "person") or _filled(values, "email"))
            or not _filled(values, "training") or not _filled(values, "session_start")
            or _filled(values, INFORMED) or _is(values, "status", "Close")):
        return None
    initiator = initiator_of(values)
    if initiator in SESSION_SIDE:
        if _is(values, "kind", "Report"):
            return LetterKind.POSTPONEMENT_NOTICE if _filled(values, "new_start") else None
        return LetterKind.CANCELLATION_NOTICE if _is(values, "kind", "Annulation") else None
    if initiator in PARTICIPANT_SIDE:
        return LetterKind.ALTERNATIVE_PROPOSAL
    return None


def recipient_address(step: StepLetter, values: Mapping[str, CellValue]) -> str:
    """The email address of the letter's recipient ("" when the row has none): the
    prescriber's for step 1 of a dropout, the learner's otherwise."""
    value = values.get(ADDRESS_OF.get(step.recipient_key, "email"))
    return value.strip() if isinstance(value, str) else ""


def _filled(values: Mapping[str, CellValue], key: str) -> bool:
    return dropout.filled(values.get(key))


def _is(values: Mapping[str, CellValue], key: str, expected: str) -> bool:
    value = values.get(key)
    return isinstance(value, str) and fold(value) == fold(expected)
