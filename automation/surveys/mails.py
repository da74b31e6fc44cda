"""The survey mails themselves: invitation, reminder, yearly solicitation; sent or drafted.

Plain-text French mails from the office (``[surveys] sender``, else ``[mail.smtp]
from_address``, else ``[organisation] email``), marked ``Auto-Submitted: auto-generated``
(RFC 3834) so that auto-replies do not answer them. Through ``[mail.smtp]`` when it is set;
otherwise a ready-to-send ``.eml`` draft in ``outbox/`` (Outlook opens it with « Envoyer »),
which ``automation due`` lists until it is no longer needed.
"""

from __future__ import annotations

from datetime import date, datetime
from email.message import Message
from email.utils import formataddr
from pathlib import Path
from typing import TYPE_CHECKING, Final

from automation.letters.naming import safe_stem, unique_path
from automation.letters.smtp import reply_message
from automation.surveys.schedule import COLD, FUNDERS, HOT, DueMail

if TYPE_CHECKING:
    from automation.config import Config

DRAFT_SUFFIX: Final = ".eml"


def _day(value: date) -> str:
    return value.strftime("%d/%m/%Y")


def sender_of(config: Config) -> str:
    return (config.surveys.sender or config.mail.smtp.from_address
            or config.organisation.email or config.mail.imap.username)


def subject_of(mail: DueMail) -> str:
    if mail.survey == FUNDERS:
        return f"Votre avis sur nos formations — enquête annuelle {mail.session_ref}"
    training = mail.session.training if mail.session else ""
    head = "Rappel : votre avis" if mail.step else "Votre avis"
    return f"{head} sur la formation « {training} »" if training else f"{head} sur la formation"


def body_of(mail: DueMail, config: Config) -> str:
    org = config.organisation
    hello = f"Bonjour {mail.name}," if mail.name and "@" not in mail.name else "Bonjour,"
    lines = [hello, ""]
    session = mail.session
    if mail.survey == FUNDERS:
        lines += ["Vous avez accompagné cette année des stagiaires dans nos formations. Votre "
                  "avis sur notre travail nous est précieux : il nous aide à nous améliorer.",
                  "", "Merci de prendre quelques minutes pour répondre à notre questionnaire :"]
    elif session is not None:
        what = (f"la formation « {session.training} » (session {session.ref}, du "
                f"{_day(session.start.date())} au {_day(session.finish.date())})")
        if mail.step:
            lines += [f"Nous vous avons écrit le {_day(datetime.fromisoformat(mail.first_sent))}"
                      f" pour vous demander votre avis sur {what}.",
                      "Si vous n'avez pas encore eu le temps de répondre, le questionnaire est "
                      "toujours ouvert :"]
        elif mail.survey == HOT:
            lines += [f"Vous venez de suivre {what}. Votre avis nous est précieux : il nous "
                      "aide à améliorer nos formations.", "",
                      "Merci de prendre quelques minutes pour répondre à notre questionnaire :"]
        elif mail.survey == COLD:
            lines += [f"Il y a quelques mois, vous avez suivi {what}. Nous aimerions savoir ce "
                      "que vous en avez retiré depuis, et si vous avez pu mettre en pratique ce "
                      "que vous y avez appris.", "",
                      "Merci de prendre quelques minutes pour répondre à notre questionnaire :"]
    lines += ["", mail.url, "",
              "Une zone de commentaire libre vous permet de nous dire ce que vous souhaitez."]
    if mail.step:
        lines += ["Si vous avez déjà répondu, merci : ne tenez pas compte de ce message."]
    lines += ["", "Bien cordialement,", "", org.signatory, org.name]
    return "\n".join(lines) + "\n"


def compose(mail: DueMail, config: Config, *, now: datetime, draft: bool) -> Message:
    message = reply_message(from_address=sender_of(config),
                            to=formataddr((mail.name, mail.address)) if "@" not in mail.name
                            else mail.address, subject=subject_of(mail),
                            body=body_of(mail, config), when=now, draft=draft)
    message["Auto-Submitted"] = "auto-generated"
    return message


def draft_name(mail: DueMail) -> str:
    what = {HOT: "enquete a chaud", COLD: "enquete a froid", FUNDERS: "enquete annuelle"}
    step = f"relance {mail.step}" if mail.step else "invitation"
    return f"{safe_stem(f'{mail.session_ref} {what[mail.survey]} {step} - {mail.name}')}.eml"


def write_draft(message: Message, mail: DueMail, outbox: Path) -> Path:
    """The ``.eml`` draft in ``outbox``, never over another file."""
    outbox.mkdir(parents=True, exist_ok=True)
    path = unique_path(outbox, draft_name(mail))
    temporary = path.with_name(f".{path.name}.tmp")
    temporary.write_bytes(message.as_bytes())
    temporary.replace(path)
    return path
