"""The answers the satisfaction register holds, as invitations and rates need them.

Rows a person typed in the workbook count as much as those the tool appended; rows still
waiting in the journal (the workbook was open in Excel) count too, so that nobody is reminded
of a survey whose answer is on its way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Final

from automation.procedures.planning import Participant, Session, name_key, same_training
from automation.records import CellValue
from automation.registers.reader import read_register
from automation.registers.schema import SATISFACTION

if TYPE_CHECKING:
    from automation.pipeline.office import Office

REGISTER: Final = SATISFACTION.key


@dataclass(frozen=True)
class Response:
    record_id: str
    answered_on: date | None
    survey: str
    name: str
    email: str
    training: str
    session_ref: str
    respondent: str

    def by(self, person: Participant) -> bool:
        """Given by ``person`` (same address, else same name in any order)."""
        if self.email and person.email and self.email.casefold() == person.email.casefold():
            return True
        return bool(self.name and person.learner) and name_key(self.name) == name_key(
            person.learner)

    def about(self, session: Session, survey: str) -> bool:
        """An answer to ``survey`` about ``session``: its ref, else its training and dates."""
        if self.survey and self.survey != survey:
            return False
        if self.session_ref:
            return self.session_ref.casefold() == session.ref.casefold()
        if self.training and not same_training(session.training, self.training):
            return False
        return self.answered_on is None or self.answered_on >= session.start.date()


def _text(values: Mapping[str, CellValue], key: str) -> str:
    value = values.get(key)
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _day(value: CellValue) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return datetime.fromisoformat(value.strip()).date()
        except ValueError:
            return None
    return None


def response(record_id: str, values: Mapping[str, CellValue]) -> Response:
    return Response(record_id, _day(values.get("answered_on")), _text(values, "survey"),
                    _text(values, "name"), _text(values, "email"), _text(values, "training"),
                    _text(values, "session_ref"), _text(values, "respondent"))


def load_responses(office: Office) -> list[Response]:
    """Every answer of the register and of the journal's rows still to be written."""
    binding = office.config.binding(REGISTER)
    found = {row.record_id: response(row.record_id, row.values)
             for row in read_register(binding)}
    for row in office.journal.pending(REGISTER):
        found.setdefault(row.record_id, response(row.record_id, row.values))
    return list(found.values())


def answered(responses: Iterable[Response], person: Participant, session: Session,
             survey: str) -> bool:
    return any(r.by(person) and r.about(session, survey) for r in responses)
