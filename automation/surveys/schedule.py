"""Which survey mails the planning calls for now: a pure function of what is known.

For every session of the planning and every participant:

- the invitation to the « À chaud » survey once the session has ended, at most
  ``[surveys] hot_within_days`` days late (a session that ended long before the tool was
  installed gets nothing);
- the invitation to the « À froid » survey ``cold_after_months`` months after the end, within
  the same delay;
- reminder n ``reminder_days[n - 1]`` days after the invitation was sent or drafted, the
  previous reminder being done, within the same delay after its date;

none to someone who has answered that survey about that session (by address or name), none
twice (the journal's survey mails). Once a year, from the first day of ``funders_month``, the
funders of the planning's last twelve months (« Email du prescripteur ») are solicited once.
A mail that cannot leave — no address in the planning, no form link — is still listed, with
its problem, for a person (``automation due``).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final
from urllib.parse import quote

from automation.procedures.planning import Participant, Planning, Session
from automation.registers.journal import SurveyMail
from automation.surveys.config import Surveys
from automation.surveys.responses import Response, answered

HOT: Final = "À chaud"
COLD: Final = "À froid"
FUNDERS: Final = "Financeurs et entreprises"
YEAR_DAYS: Final = 365


@dataclass(frozen=True)
class DueMail:
    """A survey mail the planning calls for now."""

    session_ref: str  # the year (« 2026 ») for the funders' solicitation
    survey: str  # HOT, COLD or FUNDERS
    step: int  # 0 = invitation, n = n-th reminder
    name: str
    address: str
    due_on: date
    url: str
    session: Session | None = None
    first_sent: str = ""  # the invitation's date (ISO), for a reminder
    problem: str = ""  # why it cannot leave (French); "" when it can

    @property
    def key(self) -> tuple[str, str, str, int]:
        return self.session_ref, self.survey, self.address.casefold(), self.step


def add_months(day: date, months: int) -> date:
    """``day`` ``months`` later, on the last day of the month when it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def form_link(template: str, *, name: str, address: str, session: str) -> str:
    """The form link with ``{nom}``, ``{email}`` and ``{session}`` filled (URL-encoded)."""
    return (template.replace("{nom}", quote(name)).replace("{email}", quote(address))
            .replace("{session}", quote(session)))


def _url(session: Session, survey: str, person: Participant, settings: Surveys) -> str:
    own = session.hot_form_url if survey == HOT else session.cold_form_url
    template = (own or settings.form_url(survey)).strip()
    return form_link(template, name=person.learner, address=person.email,
                     session=session.ref) if template else ""


def _problem(person: Participant, url: str, survey: str) -> str:
    if not person.email:
        return "pas d'adresse dans le planning : l'inviter autrement"
    if not url:
        setting = "hot_form_url" if survey == HOT else "cold_form_url"
        column = "à chaud" if survey == HOT else "à froid"
        return (f"pas de lien de questionnaire : renseignez [surveys] {setting} ou la colonne "
                f"« Lien questionnaire {column} » du planning")
    return ""


def due_mails(planning: Planning, responses: Sequence[Response],
              recorded: Sequence[SurveyMail], settings: Surveys, *,
              now: datetime) -> list[DueMail]:
    """Every survey mail due at ``now`` (Paris wall-clock time, naive) and not yet recorded."""
    if not settings.invite:
        return []
    today = now.date()
    window = timedelta(days=settings.hot_within_days)
    done = {(m.session_ref, m.survey, m.address.casefold(), m.step): m for m in recorded}
    due: list[DueMail] = []
    for session in planning.sessions:
        if session.finish > now:
            continue
        end = session.finish.date()
        for survey, start in ((HOT, end), (COLD, add_months(end, settings.cold_after_months))):
            if today < start:
                continue
            for person in session.participants:
                if answered(responses, person, session, survey):
                    continue
                url = _url(session, survey, person, settings)
                mail = DueMail(session.ref, survey, 0, person.learner, person.email, start, url,
                               session, problem=_problem(person, url, survey))
                invitation = done.get(mail.key)
                if invitation is None:
                    if today <= start + window and (mail.key not in done):
                        due.append(mail)
                    continue
                due.extend(_reminder(mail, invitation, done, settings, today, window))
    due.extend(_funders(planning, done, settings, today))
    return due


def _reminder(mail: DueMail, invitation: SurveyMail, done: dict[tuple[str, str, str, int],
              SurveyMail], settings: Surveys, today: date, window: timedelta) -> list[DueMail]:
    sent_on = datetime.fromisoformat(invitation.at).date()
    for step, days in enumerate(settings.reminder_days, start=1):
        key = (mail.session_ref, mail.survey, mail.address.casefold(), step)
        if key in done:
            continue
        due_on = sent_on + timedelta(days=days)
        if due_on <= today <= due_on + window:
            return [DueMail(mail.session_ref, mail.survey, step, mail.name, mail.address,
                            due_on, mail.url, mail.session, first_sent=invitation.at,
                            problem=mail.problem)]
        return []
    return []


def _funders(planning: Planning, done: dict[tuple[str, str, str, int], SurveyMail],
             settings: Surveys, today: date) -> list[DueMail]:
    if not settings.funders_month or today.month != settings.funders_month:
        return []
    since = today - timedelta(days=YEAR_DAYS)
    year = str(today.year)
    addresses: dict[str, str] = {}
    for session in planning.sessions:
        if not since <= session.finish.date() <= today:
            continue
        for person in session.participants:
            if person.prescriber_email:
                addresses.setdefault(person.prescriber_email.casefold(),
                                     person.prescriber or person.prescriber_email)
    url = settings.funders_form_url.strip()
    problem = "" if url else ("pas de lien de questionnaire : renseignez [surveys] "
                              "funders_form_url")
    first = date(today.year, settings.funders_month, 1)
    return [DueMail(year, FUNDERS, 0, name, address, first, url, problem=problem)
            for address, name in sorted(addresses.items())
            if (year, FUNDERS, address, 0) not in done]


def companies_to_solicit(planning: Planning, settings: Surveys, *, today: date) -> list[str]:
    """Companies of the planning's last twelve months, which have no address in it: to be
    solicited by a person during ``funders_month``."""
    if not settings.funders_month or today.month != settings.funders_month:
        return []
    since = today - timedelta(days=YEAR_DAYS)
    names = {p.company.strip() for s in planning.sessions
             if since <= s.finish.date() <= today for p in s.participants if p.company.strip()}
    return sorted(names)
