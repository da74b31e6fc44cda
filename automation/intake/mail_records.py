"""A classified mail → one :class:`~automation.records.Record` for its register.

A mail never gives everything a register requires (the session's start, the survey's score):
what it cannot give is left empty and listed in ``Record.missing``, and the row is written
for a person to complete — a mail is never rejected for it. The fingerprint comes from the
Message-ID, so a mail copied into two folders, or fetched again after a lost sync state, is
recognised by the journal and written once.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Final

from automation.intake.mail import MailAttachment, ParsedMail
from automation.mail_config import MailSettings
from automation.records import CellValue, Record
from automation.registers.schema import schema_for
from automation.text import clean_text, fold, one_line

CHANNEL: Final = "Email"
TO_COMPLETE: Final = "À compléter"
EXCERPT: Final = 600
_POSTPONE: Final = re.compile(r"(?<![0-9a-z])(report|decal|repouss|deplac)")


def mail_record(mail: ParsedMail, register: str, *, rule: str, folder_label: str,
                settings: MailSettings | None = None,
                preset: Mapping[str, str] | None = None) -> Record:
    """The row ``mail`` gives register ``register`` (classified by rule ``rule``).

    ``folder_label`` says where the mail was found ("imap INBOX", "inbox/mails");
    ``preset`` holds the values the rule sets (``Classification.values``).
    """
    settings = settings or MailSettings()
    schema = schema_for(register)
    name = _person_name(mail)
    text = f"{mail.subject}\n{mail.body}"
    session_ref = _find(settings.session_pattern, text)
    training = _find(settings.training_pattern, text)
    values: dict[str, CellValue] = {}
    if register == "reclamations":
        values.update(received_on=mail.received.date(), channel=CHANNEL, name=name,
                      email=mail.sender_address, training=training or session_ref,
                      nature="Réclamation", subject=mail.subject, description=mail.body)
    elif register == "annulations":
        values.update(requested_on=mail.received, session_ref=session_ref, training=training,
                      initiator=_initiator(mail, settings), person=name,
                      email=mail.sender_address, kind=_kind(text),
                      motive_detail=_excerpt(mail))
    elif register == "abandons":
        values.update(learner=name, email=mail.sender_address,
                      absence_noted_on=mail.received.date(), training=training or session_ref,
                      reason_detail=mail.body)
    elif register == "satisfaction":
        values.update(answered_on=mail.received.date(), name=name, email=mail.sender_address,
                      training=training, session_ref=session_ref, comment=mail.body)
    else:
        raise ValueError(f"unknown register {register!r}")
    values.update(preset or {})
    values["notes"] = _notes(mail, has_subject=schema.has("subject"))
    cleaned = {k: _clean(v) for k, v in values.items() if schema.has(k)}
    values = {k: v for k, v in cleaned.items() if v not in (None, "")}
    missing = tuple(f.key for f in schema.required if values.get(f.key) in (None, ""))
    if register == "reclamations" and "status" not in values:
        values["status"] = TO_COMPLETE if missing else "Nouvelle"
    return Record(register=register, values=values, fingerprint=mail.fingerprint,
                  source=_source(mail, folder_label), missing=missing, note=f"règle {rule}")


def _clean(value: CellValue) -> CellValue:
    return clean_text(value).strip() if isinstance(value, str) else value


def _person_name(mail: ParsedMail) -> str:
    """The sender's display name; empty when it is only an address again."""
    name = one_line(mail.sender_name).strip("\"' ")
    return "" if "@" in name else name


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


def _initiator(mail: ParsedMail, settings: MailSettings) -> str:
    domain = mail.sender_address.rpartition("@")[2].lower()
    own = {d.lower().lstrip("@") for d in settings.own_domains}
    return "Organisme" if domain and domain in own else "Apprenant"


def _excerpt(mail: ParsedMail) -> str:
    body = mail.body if len(mail.body) <= EXCERPT else mail.body[:EXCERPT].rstrip() + " […]"
    return f"{mail.subject}\n{body}".strip()


def _notes(mail: ParsedMail, *, has_subject: bool) -> str:
    lines = [] if has_subject or not mail.subject else [f"Objet du mail : {mail.subject}"]
    files = [a for a in mail.attachments if not a.inline]
    if files:
        lines.append("Pièces jointes : " + ", ".join(_describe(a) for a in files))
    lines.extend(mail.notes)
    return "\n".join(lines)


def _describe(attachment: MailAttachment) -> str:
    size = attachment.size
    shown = f"{size / 1024 / 1024:.1f} Mo" if size >= 1024 * 1024 else f"{max(1, size // 1024)} Ko"
    return f"{attachment.name} ({shown.replace('.', ',')})"


def _source(mail: ParsedMail, folder_label: str) -> str:
    who = mail.sender_address or mail.sender_name or "expéditeur inconnu"
    when = mail.received.strftime("%d/%m/%Y %H:%M")
    parts = [f"Mail de {who} du {when}", folder_label, mail.message_id]
    return " — ".join(p for p in parts if p)
