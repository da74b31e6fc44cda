"""Which letters a register row calls for: one rule table for new rows and for edited ones.

The complaint rules live here; the cancellation and dropout steps come from
:func:`automation.procedures.steps.step_letters`, in the same shape (:class:`StepLetter`).
A rule looks only at the row's current values. The pipeline produces each letter once per
row and kind (the journal's letter queue ignores a second request), and reacts to a
person's edit only with the letters the row did not call for before it
(:func:`new_letters`): a register seen for the first time, or a row edited without reaching
a new step, produces nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from automation.deadlines.rules import filled, is_value
from automation.letters.catalog import LetterKind
from automation.procedures.steps import StepLetter, step_letters
from automation.records import CellValue

COMPLAINTS: Final = "reclamations"
RESOLVED: Final = "Résolue"
NOT_A_COMPLAINT: Final = "Demande d'information"
# Nothing done yet: the complaint still needs its acknowledgment.
OPEN_STATUSES: Final = ("Nouvelle", "À compléter")

ACKNOWLEDGMENT: Final = StepLetter(LetterKind.ACKNOWLEDGMENT, date_field="acknowledged_on",
                                   recipient_key="name")
RESPONSE: Final = StepLetter(LetterKind.COMPLAINT_RESPONSE, date_field="responded_on",
                             recipient_key="name")


def letters_called_for(register: str, values: Mapping[str, CellValue], *,
                       acknowledge: bool = True) -> list[StepLetter]:
    """Every letter the row's current values call for, each kind once.

    ``acknowledge`` is the office's ``letters.acknowledgment`` setting.
    """
    found = [*complaint_letters(register, values, acknowledge=acknowledge),
             *step_letters(register, values)]
    kinds: set[LetterKind] = set()
    unique: list[StepLetter] = []
    for letter in found:
        if letter.kind not in kinds:
            kinds.add(letter.kind)
            unique.append(letter)
    return unique


def new_letters(register: str, before: Mapping[str, CellValue] | None,
                after: Mapping[str, CellValue], *, acknowledge: bool = True) -> list[StepLetter]:
    """The letters ``after`` calls for that ``before`` did not (all of them for a new row)."""
    called = letters_called_for(register, after, acknowledge=acknowledge)
    if before is None:
        return called
    already = {letter.kind for letter in letters_called_for(register, before,
                                                              acknowledge=acknowledge)}
    return [letter for letter in called if letter.kind not in already]


def complaint_letters(register: str, values: Mapping[str, CellValue], *,
                      acknowledge: bool = True) -> list[StepLetter]:
    """Acknowledge a new complaint; answer it once it is « Résolue » with its answer.

    A « Demande d'information » is recorded but is not a complaint: no acknowledgment. A
    complaint whose acknowledgment date is already filled (a person acknowledged it by
    phone) needs no letter either.
    """
    if register != COMPLAINTS:
        return []
    letters: list[StepLetter] = []
    status = values.get("status")
    if (acknowledge and not is_value(values, "nature", NOT_A_COMPLAINT)
            and not filled(values.get("acknowledged_on"))
            and (not filled(status) or is_value(values, "status", *OPEN_STATUSES))):
        letters.append(ACKNOWLEDGMENT)
    if is_value(values, "status", RESOLVED) and filled(values.get("response")):
        letters.append(RESPONSE)
    return letters
