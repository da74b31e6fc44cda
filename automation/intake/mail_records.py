"""A classified mail → one :class:`~automation.records.Record` for its register.

A mail never gives everything a register requires (the session's start, the survey's score):
what it cannot give is left empty and listed in ``Record.missing``, and the row is written
for a person to complete — a mail is never rejected for it. The fingerprint comes from the
Message-ID, so a mail copied into two folders, or fetched again after a lost sync state, is
recognised by the journal and written once.

The row is the declarant's (:func:`automation.intake.declarant.author_of`): a complaint the
front desk forwarded gives the customer's name, address, date, subject (prefixes removed) and
whole text; who forwarded it goes to the source, and to « Responsable » when
``mail.forwarder_is_owner`` says so. The training and session are searched in the declarant's
text too, and a session the planning knows names its training. What was attached is said in
the notes: what is kept with the row, and where, and what went to a register.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from automation.intake.attachment_use import AttachmentUse, RegisterRows, describe_use
from automation.intake.declarant import Author, OwnAddresses, author_of, own_addresses
from automation.intake.mail import MailAttachment, ParsedMail
from automation.mail_config import MailSettings
from automation.procedures.planning import Planning, Session
from automation.records import CellValue, Record
from automation.registers.schema import REGISTERS_BY_KEY, schema_for
from automation.text import clean_text, fold, one_line

if TYPE_CHECKING:
    from automation.config import Config

CHANNEL: Final = "Email"
TO_COMPLETE: Final = "À compléter"
EXCERPT: Final = 600
_POSTPONE: Final = re.compile(r"(?<![0-9a-z])(report|decal|repouss|deplac)")


@dataclass(frozen=True)
class MailOffice:
    """What the office knows that a mail does not say: its own addresses, its planning."""

    own: OwnAddresses = field(default_factory=OwnAddresses)
    planning: Planning | None = None
    forwarder_is_owner: bool = False


def mail_office(config: Config, *, planning: Planning | None = None) -> MailOffice:
    """The office's own addresses from ``config`` (``mail.own_domains``, the mailboxes it
    watches or sends from, ``organisation.email``), its planning when given."""
    mail = config.mail
    mailboxes = (mail.imap.username, mail.smtp.from_address, config.exchange.mailbox,
                 config.exchange.username, config.graph.mailbox, config.organisation.email)
    return MailOffice(own=own_addresses(domains=mail.mail.own_domains, mailboxes=mailboxes),
                      planning=planning, forwarder_is_owner=mail.mail.forwarder_is_owner)


def mail_record(mail: ParsedMail, register: str, *, rule: str, folder_label: str,
                settings: MailSettings | None = None,
                preset: Mapping[str, str] | None = None,
                office: MailOffice | None = None,
                attachments: Mapping[str, AttachmentUse] | None = None,
                kept_in: str = "") -> Record:
    """The row ``mail`` gives register ``register`` (classified by rule ``rule``).

    ``folder_label`` says where the mail was found ("imap INBOX", "inbox/mails");
    ``preset`` holds the values the rule sets (``Classification.values``); ``office`` the
    office's addresses and planning (:func:`mail_office`; without it only
    ``mail.own_domains`` are the office's). ``attachments`` says, by attachment name, what
    became of each spreadsheet (:func:`automation.intake.attachment_use.attachment_use`);
    ``kept_in`` is the folder where the files kept with the row are, as a person finds it.
    """
    settings = settings or MailSettings()
    if office is None:
        office = MailOffice(own=own_addresses(domains=settings.own_domains),
                            forwarder_is_owner=settings.forwarder_is_owner)
    schema = schema_for(register)
    author = author_of(mail, office.own)
    name = _person_name(author.name)
    text = f"{author.subject}\n{mail.body}"
    if author.second_hand and author.text != mail.body:
        text = f"{text}\n{author.text}"
    session_ref = _find(settings.session_pattern, text)
    training = _find(settings.training_pattern, text)
    session, planning_note = _planned(office.planning, session_ref)
    values: dict[str, CellValue] = {}
    if register == "reclamations":
        values.update(received_on=author.sent.date(), channel=CHANNEL, name=name,
                      email=author.address, nature="Réclamation", subject=author.subject,
                      description=author.text,
                      training=_complaint_training(session, training, session_ref))
    elif register == "annulations":
        values.update(requested_on=author.sent, session_ref=session_ref, training=training,
                      initiator=_initiator(mail, author, office.own), person=name,
                      email=author.address, kind=_kind(text),
                      motive_detail=_excerpt(author))
    elif register == "abandons":
        values.update(learner=name, email=author.address,
                      absence_noted_on=author.sent.date(),
                      training=(session.training if session else "") or training or session_ref,
                      reason_detail=author.text)
    elif register == "satisfaction":
        values.update(answered_on=author.sent.date(), name=name, email=author.address,
                      training=training or (session.training if session else ""),
                      session_ref=session_ref, comment=author.text)
    elif register == "actions":  # a suggestion or a finding mailed in: an action to define
        values.update(opened_on=author.sent.date(), origin="Autre",
                      finding=f"{author.subject}\n{author.text}".strip(), action="À définir")
    else:
        raise ValueError(f"unknown register {register!r}")
    if office.forwarder_is_owner and author.second_hand:
        values["owner"] = one_line(author.forwarder_name) or author.forwarder_address
    values.update(preset or {})
    values["notes"] = _notes(mail, author, has_subject=schema.has("subject"),
                             uses=attachments or {}, kept_in=kept_in,
                             planning_note=planning_note)
    cleaned = {k: _clean(v) for k, v in values.items() if schema.has(k)}
    values = {k: v for k, v in cleaned.items() if v not in (None, "")}
    missing = tuple(f.key for f in schema.required if values.get(f.key) in (None, ""))
    if register == "reclamations" and "status" not in values:
        values["status"] = TO_COMPLETE if missing else "Nouvelle"
    return Record(register=register, values=values, fingerprint=mail.fingerprint,
                  source=_source(mail, author, folder_label), missing=missing,
                  note=f"règle {rule}")


def _clean(value: CellValue) -> CellValue:
    return clean_text(value).strip() if isinstance(value, str) else value


def _person_name(name: str) -> str:
    """A display name; empty when it is only an address again."""
    name = one_line(name).strip("\"' ")
    return "" if "@" in name else name


def _planned(planning: Planning | None, ref: str) -> tuple[Session | None, str]:
    """The session ``ref`` names in the planning, and a note saying what was found."""
    if not ref or planning is None or not planning.sessions:
        return None, ""
    session = planning.session(ref)
    if session is None:
        return None, f"Session « {ref} » nommée dans le mail : absente du planning."
    return session, (f"Session {session.ref} trouvée dans le planning : {session.training}, "
                     f"du {session.start:%d/%m/%Y}.")


def _complaint_training(session: Session | None, training: str, ref: str) -> str:
    if session is not None:
        return f"{session.training} — session {session.ref} du {session.start:%d/%m/%Y}"
    if training and ref and fold(ref) not in fold(training):
        return f"{training} — session {ref}"
    return training or ref


def _find(pattern: str, text: str) -> str:
    """The first group of ``pattern`` that matched in ``text`` (the whole match if none)."""
    if not pattern:
        return ""
    match = re.search(pattern, text)
    if match is None:
        return ""
    groups = [g for g in match.groups() if g]
    return one_line(groups[0] if groups else match.group()).strip(" .,;:«»\"")


def _kind(text: str) -> str:
    return "Report" if _POSTPONE.search(fold(text)) else "Annulation"


def _initiator(mail: ParsedMail, author: Author, own: OwnAddresses) -> str:
    """« Organisme » when the office itself writes (not when it passes a learner's on)."""
    if author.address and not own.owns(author.address):
        return "Apprenant"
    return "Organisme" if own.owns(mail.sender_address) or own.owns(author.address) \
        else "Apprenant"


def _excerpt(author: Author) -> str:
    body = author.text if len(author.text) <= EXCERPT else (
        author.text[:EXCERPT].rstrip() + " […]")
    return f"{author.subject}\n{body}".strip()


def _notes(mail: ParsedMail, author: Author, *, has_subject: bool,
           uses: Mapping[str, AttachmentUse], kept_in: str, planning_note: str) -> str:
    lines = [] if has_subject or not mail.subject else [f"Objet du mail : {mail.subject}"]
    lines.extend(author.notes)
    if planning_note:
        lines.append(planning_note)
    lines.extend(attachment_lines([a for a in mail.attachments if not a.inline], uses,
                                  kept_in=kept_in))
    lines.extend(mail.notes)
    return "\n".join(lines)


def attachment_lines(files: list[MailAttachment], uses: Mapping[str, AttachmentUse], *,
                     kept_in: str = "") -> list[str]:
    """What the row says of the mail's attachments: kept with it (and where), or sent to a
    register as rows."""
    kept = [f for f in files if not isinstance(uses.get(f.name), RegisterRows)]
    lines = []
    if kept:
        where = f" dans « {kept_in} »" if kept_in else ""
        described = ", ".join(_describe(f, uses.get(f.name)) for f in kept)
        lines.append(f"Pièces jointes gardées avec la ligne{where} : {described}")
    for attachment in files:
        use = uses.get(attachment.name)
        if isinstance(use, RegisterRows):
            register = REGISTERS_BY_KEY[use.register]
            lines.append(f"Tableau joint « {attachment.name} » versé au registre "
                         f"« {register.title} » ({use.reason})")
    return lines


def _describe(attachment: MailAttachment, use: AttachmentUse | None) -> str:
    size = attachment.size
    shown = f"{size / 1024 / 1024:.1f} Mo" if size >= 1024 * 1024 else f"{max(1, size // 1024)} Ko"
    what = describe_use(use) if use is not None else ""
    return f"{attachment.name} ({what}{', ' if what else ''}{shown.replace('.', ',')})"


def _source(mail: ParsedMail, author: Author, folder_label: str) -> str:
    who = mail.sender_address or mail.sender_name or "expéditeur inconnu"
    when = mail.received.strftime("%d/%m/%Y %H:%M")
    said = f"Mail de {who} du {when}"
    if author.second_hand and (author.address or author.name):
        original = author.address or author.name
        said = (f"Mail de {original} du {author.sent:%d/%m/%Y %H:%M}, transféré par "
                f"{author.forwarded_by} le {when}")
    parts = [said, folder_label, mail.message_id]
    return " — ".join(p for p in parts if p)
