"""Response rates of the surveys, per session and per training, for the indicators.

A session's rate for one survey is its answers (rows of the satisfaction register about that
session: its ref, as the planning completed them) divided by the people invited to it (the
journal's invitations, sent or drafted), or, when the tool invited nobody to it (the office
sent its forms another way, ``[surveys] invite = false``), by the session's participants in
the planning. A training's rate adds up its sessions' answers and denominators. Call
:func:`response_rates` (pure) or :func:`office_rates`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from automation.indicators.selection import Solicited
from automation.procedures.planning import Planning, load_planning
from automation.registers.journal import SurveyMail
from automation.surveys.responses import Response, load_responses
from automation.surveys.schedule import COLD, HOT

if TYPE_CHECKING:
    from automation.indicators.selection import Selection
    from automation.pipeline.office import Office

SURVEYS: Final = (HOT, COLD)


class Basis(StrEnum):
    INVITATIONS = "invitations"
    PARTICIPANTS = "participants du planning"
    MIXED = "invitations et participants"  # a training whose sessions differ


@dataclass(frozen=True)
class ResponseRate:
    survey: str  # « À chaud » or « À froid »
    training: str
    session_ref: str  # "" for a training's total
    answers: int
    invited: int
    participants: int
    denominator: int  # the invitations, or the participants when nobody was invited
    basis: Basis

    @property
    def rate(self) -> float | None:
        """Answers ÷ denominator (may exceed 1 when people answered without an invitation);
        ``None`` when there is no denominator."""
        return self.answers / self.denominator if self.denominator else None


def _rate(survey: str, training: str, ref: str, answers: int, invited: int,
          participants: int) -> ResponseRate:
    basis = Basis.INVITATIONS if invited else Basis.PARTICIPANTS
    return ResponseRate(survey, training, ref, answers, invited, participants,
                        invited or participants, basis)


def response_rates(planning: Planning, responses: Sequence[Response],
                   mails: Sequence[SurveyMail], *, surveys: Sequence[str] = SURVEYS,
                   ) -> list[ResponseRate]:
    """One rate per session of the planning and survey, in planning order."""
    invited: dict[tuple[str, str], set[str]] = defaultdict(set)
    for mail in mails:
        if mail.step == 0:
            invited[(mail.session_ref.casefold(), mail.survey)].add(mail.address)
    answers: dict[tuple[str, str], int] = defaultdict(int)
    for answer in responses:
        if answer.session_ref and answer.survey:
            answers[(answer.session_ref.casefold(), answer.survey)] += 1
    return [_rate(survey, session.training, session.ref,
                  answers[(session.ref.casefold(), survey)],
                  len(invited[(session.ref.casefold(), survey)]), len(session.participants))
            for session in planning.sessions for survey in surveys]


def by_training(rates: Sequence[ResponseRate]) -> list[ResponseRate]:
    """The sessions' rates added up per training and survey, each session on its own basis."""
    groups: dict[tuple[str, str], list[ResponseRate]] = defaultdict(list)
    for rate in rates:
        groups[(rate.training, rate.survey)].append(rate)
    totals: list[ResponseRate] = []
    for (training, survey), group in groups.items():
        bases = {r.basis for r in group}
        totals.append(ResponseRate(
            survey, training, "", sum(r.answers for r in group), sum(r.invited for r in group),
            sum(r.participants for r in group), sum(r.denominator for r in group),
            bases.pop() if len(bases) == 1 else Basis.MIXED))
    return totals


def office_rates(office: Office) -> list[ResponseRate]:
    """:func:`response_rates` for the office's planning, register and journal."""
    return response_rates(load_planning(office.config), load_responses(office),
                          office.journal.survey_mails())


class InvitedBase:
    """The response rate's denominator for the indicators: the people the tool invited to a
    session's « à chaud » survey, or — for a session it invited nobody to — its participants
    in the planning (an :class:`automation.indicators.selection.ResponseBase`)."""

    description = ("personnes invitées à l'enquête à chaud (à défaut d'invitation envoyée par "
                   "l'outil, participants de la session au planning)")

    def __init__(self, mails: Sequence[SurveyMail]) -> None:
        self._invited: dict[str, set[str]] = defaultdict(set)
        for mail in mails:
            if mail.step == 0 and mail.survey == HOT:
                self._invited[mail.session_ref.casefold()].add(mail.address)

    def solicited(self, selection: Selection) -> Solicited | None:
        if not selection.sessions:
            return None
        count = sum(len(self._invited.get(s.ref.casefold(), ())) or len(s.participants)
                    for s in selection.sessions)
        return Solicited(count, self.description)


def invited_base(office: Office) -> InvitedBase:
    return InvitedBase(office.journal.survey_mails())
