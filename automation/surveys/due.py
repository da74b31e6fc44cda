"""What the surveys leave to a person, as items of ``automation due`` and the dashboard.

- a draft invitation or reminder waiting in ``outbox/`` (no SMTP server is configured): listed
  until it is answered, replaced by the next reminder, or ``hot_within_days`` past its date;
- a mail the planning calls for but that cannot leave: no address, no form link;
- in ``funders_month``, the companies of the planning (it has no address for them) that have
  not answered this year's solicitation.

Items are « Satisfaction » items of ``[surveys] owner`` (else the default owner), late or due
soon like any deadline, so that the daily digest carries them too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Final

from automation.clock import paris_naive
from automation.deadlines.due import DueItem, DueStatus, due_item
from automation.procedures.planning import Participant, Planning, load_planning
from automation.registers.journal import SurveyMail, SurveyMailStatus
from automation.surveys.responses import Response, load_responses
from automation.surveys.schedule import (
    COLD,
    FUNDERS,
    HOT,
    companies_to_solicit,
    due_mails,
)
from automation.text import fold

if TYPE_CHECKING:
    from automation.pipeline.office import Office

REGISTER: Final = "satisfaction"
_WHAT: Final = {HOT: "l'enquête à chaud", COLD: "l'enquête à froid",
                FUNDERS: "l'enquête annuelle des financeurs"}


def _task(survey: str, step: int) -> str:
    mail = f"la relance n°{step}" if step else "l'invitation"
    return f"Envoyer {mail} à {_WHAT[survey]}"


def _answered(mail: SurveyMail, planning: Planning, responses: Sequence[Response]) -> bool:
    person = Participant(mail.name, mail.address)
    session = planning.session(mail.session_ref)
    if session is None:  # the funders' solicitation, or a session gone from the planning
        return any(r.by(person) and r.answered_on is not None
                   and str(r.answered_on.year) == mail.session_ref for r in responses)
    return any(r.by(person) and r.about(session, mail.survey) for r in responses)


def waiting_drafts(mails: Sequence[SurveyMail], planning: Planning,
                   responses: Sequence[Response], *, today: date,
                   window_days: int) -> list[SurveyMail]:
    """Drafts still worth sending: not answered, not replaced, not too old."""
    latest: dict[tuple[str, str, str], int] = {}
    for mail in mails:
        key = (mail.session_ref, mail.survey, mail.address)
        latest[key] = max(latest.get(key, 0), mail.step)
    return [m for m in mails if m.status is SurveyMailStatus.DRAFT
            and latest[(m.session_ref, m.survey, m.address)] == m.step
            and today <= m.due_on + timedelta(days=window_days)
            and not _answered(m, planning, responses)]


def survey_items(office: Office, *, now: datetime, include_later: bool = False,
                 ) -> list[DueItem]:
    """The survey items of ``automation due`` at ``now``."""
    config = office.config
    settings = config.surveys
    if not settings.invite:
        return []
    planning = load_planning(config)
    if not planning.sessions:
        return []
    today = paris_naive(now).date()
    responses = load_responses(office)
    recorded = office.journal.survey_mails()
    deadlines = config.deadlines
    calendar = deadlines.calendar()
    items: list[DueItem] = []

    def add(record_id: str, step: str, task: str, due: date, about: str) -> None:
        item = due_item(REGISTER, record_id, step, task, due, settings.owner, today=today,
                        calendar=calendar, settings=deadlines, about=about)
        if include_later or item.status is not DueStatus.LATER:
            items.append(item)

    for mail in waiting_drafts(recorded, planning, responses, today=today,
                               window_days=settings.hot_within_days):
        add(mail.session_ref, f"survey-{fold(mail.survey)}-{mail.step}",
            f"{_task(mail.survey, mail.step)} à {mail.name or mail.address} (brouillon dans "
            "outbox/)", mail.due_on, f"{mail.name} <{mail.address}> — {Path(mail.path).name}")
    for due in due_mails(planning, responses, recorded, settings, now=paris_naive(now)):
        if due.problem:
            add(due.session_ref, f"survey-{fold(due.survey)}-{due.step}",
                f"{_task(due.survey, due.step)} à {due.name or due.address} : {due.problem}",
                due.due_on, due.name)
    companies = [c for c in companies_to_solicit(planning, settings, today=today)
                 if not any(fold(c) in fold(r.name) and r.respondent == "Entreprise"
                            and r.answered_on is not None and r.answered_on.year == today.year
                            for r in responses)]
    if companies:
        add(str(today.year), "survey-companies", "Solliciter l'avis des entreprises (enquête "
            "annuelle ; pas d'adresse dans le planning)", date(today.year,
                                                                 settings.funders_month, 1),
            ", ".join(companies))
    return items
