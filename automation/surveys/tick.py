"""The watcher's periodic survey work: send or draft the invitations and reminders due now.

:func:`tick` reads the planning and the satisfaction register, asks
:func:`~automation.surveys.schedule.due_mails` what is due, and for each mail that can leave
either sends it through ``[mail.smtp]`` (when set) or writes its ``.eml`` draft into
``outbox/``, then records it in the journal: a mail is never composed twice. A failed send is
logged and tried again at the next tick (the rest of that tick's mails wait too: the server
is likely down). Call it every few minutes; it does nothing when nothing is due.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path

from automation.clock import paris_naive
from automation.errors import AutomationError
from automation.letters.smtp import SmtpSender
from automation.pipeline.office import Office
from automation.procedures.planning import load_planning
from automation.registers.journal import SurveyMail, SurveyMailStatus
from automation.surveys.mails import compose, write_draft
from automation.surveys.responses import load_responses
from automation.surveys.schedule import DueMail, due_mails

log = logging.getLogger(__name__)

Send = Callable[[Message], None]


@dataclass
class TickReport:
    sent: list[DueMail] = field(default_factory=list)
    drafted: list[tuple[DueMail, Path]] = field(default_factory=list)
    blocked: list[DueMail] = field(default_factory=list)  # no address, no link: for a person
    failed: str = ""  # why sending stopped (French-free: the SMTP error)


def smtp_send(office: Office) -> Send | None:
    """The SMTP server's send, when ``[mail.smtp]`` is set; else ``None`` (drafts)."""
    settings = office.config.mail.smtp
    return SmtpSender.from_settings(settings).send if settings.host else None


def tick(office: Office, *, send: Send | None = None, drafts: bool | None = None) -> TickReport:
    """Send (or draft) every survey mail due now, once.

    ``send`` defaults to ``[mail.smtp]``; without an SMTP server (or with ``drafts=True``)
    the mails are written as drafts into ``outbox/``.
    """
    report = TickReport()
    config = office.config
    if not config.surveys.invite:
        return report
    now = office.clock.now()
    planning = load_planning(config)
    if not planning.sessions:
        return report
    due = due_mails(planning, load_responses(office), office.journal.survey_mails(),
                    config.surveys, now=paris_naive(now))
    if send is None and not drafts:
        send = smtp_send(office)
    for mail in due:
        if mail.problem:
            report.blocked.append(mail)
            continue
        draft = send is None or bool(drafts)
        message = compose(mail, config, now=now, draft=draft)
        if draft:
            path = write_draft(message, mail, config.outbox_dir)
            status, where = SurveyMailStatus.DRAFT, str(path)
            report.drafted.append((mail, path))
        else:
            assert send is not None
            try:
                send(message)
            except (AutomationError, OSError) as exc:
                report.failed = str(exc)
                log.warning("survey mails wait for the next turn: %s", exc)
                break
            status, where = SurveyMailStatus.SENT, ""
            report.sent.append(mail)
        with office.journal.transaction():
            office.journal.record_survey_mail(SurveyMail(
                mail.session_ref, mail.survey, mail.address, mail.step, mail.name, mail.due_on,
                status, where), now=now)
    if report.sent or report.drafted:
        log.info("surveys: %d mail(s) sent, %d draft(s) in outbox/", len(report.sent),
                 len(report.drafted))
    return report
