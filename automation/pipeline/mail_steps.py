"""The parts of the staged path that only a mail has: parse, classify, its attachments, answer.

A mail — saved into the inbox as ``.eml``/``.msg`` or fetched from a mailbox — is parsed,
classified by the office's rules, and gives one row. Its attached files become child
arrivals with the mail as their parent (the mail's classification is their hint): a
spreadsheet whose headers fit that register gives rows of its own, recorded in the same
journal transaction as the mail's row; every attachment is kept beside the mail's letters.
Once the row is safe, the acknowledgment is answered as a draft or sent, once.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from automation.arrival import Arrival, Parent, Source
from automation.errors import IntakeError, LetterError
from automation.intake.classify import Classification, Classifier
from automation.intake.mail import ParsedMail, mail_fingerprint
from automation.intake.mail_records import mail_record
from automation.intake.reader import MailRequest
from automation.letters.catalog import LetterKind
from automation.letters.dates import french_long_date
from automation.letters.naming import safe_stem, unique_path
from automation.letters.pdf import convert_to_pdf, libreoffice_available
from automation.letters.smtp import reply_message
from automation.pipeline.office import Office
from automation.records import Record
from automation.registers.journal import LetterStatus, MailEntry, MailStatus
from automation.sources.mailbox import MailItem, MailSource, Reply

log = logging.getLogger(__name__)

ATTACHMENTS_FOLDER = "{record_id} pièces jointes"  # under outbox/


def read_mail(office: Office, arrival: Arrival) -> ParsedMail:
    """The parsed mail; :class:`IntakeError` (French) when it is not a mail that can be read.

    A saved mail without a Date header is dated by its file (when it was saved), a fetched
    one by the moment it arrived here.
    """
    fallback = office.clock.now()
    saved = not arrival.source.is_mailbox
    if saved and arrival.stamp is not None:
        fallback = datetime.fromtimestamp(arrival.stamp.mtime_ns / 1e9).astimezone()
    try:
        return office.reader.mail(MailRequest(
            arrival.name, arrival.data or b"", saved=saved, fallback=fallback,
            max_attachment_bytes=office.config.mail.max_attachment_bytes,
            limits=office.config.intake))
    except IntakeError as exc:
        raise IntakeError(str(exc), path=arrival.path) from exc


def mail_identity(arrival: Arrival) -> str:
    """The fingerprint a mail is known by when it cannot be parsed."""
    data = arrival.data or b""
    return mail_fingerprint("", data)


def classify(office: Office, mail: ParsedMail, arrival: Arrival) -> Classification:
    return Classifier.from_config(office.config.mail).classify(mail, folder=arrival.folder)


def mail_row(office: Office, mail: ParsedMail, arrival: Arrival,
             classification: Classification) -> Record:
    assert classification.register is not None
    return mail_record(mail, classification.register, rule=classification.rule,
                       folder_label=arrival.place, settings=office.config.mail.mail,
                       preset=classification.values)


def label(mail: ParsedMail) -> str:
    """How a person finds the mail: ``mail de x@y.fr du 12/03/2026 10:15``."""
    who = mail.sender_address or mail.sender_name or "expéditeur inconnu"
    return f"mail de {who} du {mail.received:%d/%m/%Y %H:%M}"


def attachment_arrivals(mail: ParsedMail, arrival: Arrival,
                        register: str | None) -> list[Arrival]:
    """The mail's attached files, each an arrival whose parent is the mail."""
    parent = Parent(mail.fingerprint, register, label(mail))
    children: list[Arrival] = []
    for attachment in mail.attachments:
        if attachment.data is None or attachment.inline:
            continue  # too large (said in the row's notes), or a logo of the body
        children.append(Arrival(
            source=Source.ATTACHMENT, name=attachment.name, data=attachment.data,
            size=len(attachment.data), fingerprint=hashlib.sha256(attachment.data).hexdigest(),
            place=f"{arrival.place} › {attachment.name}", hint=register, parent=parent,
            folder=arrival.folder))
    return children


def mail_entry(mail: ParsedMail, arrival: Arrival, *, status: MailStatus, register: str = "",
               record_id: str = "", reason: str = "") -> MailEntry:
    return MailEntry(mail.fingerprint, status, register, record_id, place=arrival.place,
                     sender=mail.sender_address, subject=mail.subject,
                     received=mail.received.isoformat(), reason=reason)


def keep_attachments(office: Office, record_id: str, children: list[Arrival]) -> list[Path]:
    """Save every attached file beside the row's letters (again only when missing)."""
    kept: list[Path] = []
    if not record_id or not children:
        return kept
    folder = office.config.outbox_dir / ATTACHMENTS_FOLDER.format(record_id=record_id)
    folder.mkdir(parents=True, exist_ok=True)
    for child in children:
        target = folder / child.name
        if target.exists() and target.read_bytes() == child.data:
            kept.append(target)
            continue
        target = unique_path(folder, child.name)
        partial = target.with_name(f".{target.name[:200]}.tmp")
        partial.write_bytes(child.data or b"")
        partial.replace(target)  # a crash leaves no half-written piece under its name
        kept.append(target)
    return kept


def answer(office: Office, mail: ParsedMail, entry: MailEntry, *,
           mailbox: tuple[MailSource, MailItem] | None) -> str:
    """Send or save the acknowledgment as a reply, once; "" when there is none to give."""
    config = office.config
    mode = config.letters.send_mode(mailbox=mailbox is not None)
    letter = _letter_of(office, entry, LetterKind.ACKNOWLEDGMENT)
    if mode == "none" or letter is None or not mail.reply_to:
        return ""
    attachment = letter
    if mode == "send" and config.letters.pdf and libreoffice_available():
        try:
            attachment = convert_to_pdf([letter], letter.parent / ".pdf")[0]
        except LetterError as exc:
            log.warning("%s: PDF not produced, the .docx is attached: %s", entry.record_id, exc)
    reply = Reply(subject=f"Accusé de réception — {entry.record_id}",
                  body=_reply_body(office, mail.received, entry.record_id), attachment=attachment)
    if mailbox is not None:
        source, item = mailbox
        source.reply(item, reply, send=mode == "send")
        answered = "sent" if mode == "send" else "draft"
    else:  # a mail saved into the inbox: the draft is an .eml Outlook opens for editing
        message = reply_message(
            from_address=config.organisation.email or config.mail.smtp.from_address,
            to=mail.reply_to, subject=reply.subject, body=reply.body, attachment=attachment,
            in_reply_to=mail.message_id, when=office.clock.now(), draft=True)
        person = safe_stem(mail.sender_name or mail.reply_to, limit=40)
        target = unique_path(config.outbox_dir, f"{entry.record_id} reponse - {person}.eml")
        target.write_bytes(message.as_bytes())
        answered = "draft"
    office.journal.note_mail(replace(entry, replied=answered), now=office.clock.now())
    return answered


def _letter_of(office: Office, entry: MailEntry, kind: LetterKind) -> Path | None:
    job = office.journal.letter(entry.register, entry.record_id, kind.value)
    if job is None or job.status is not LetterStatus.DONE or not job.path:
        return None
    return Path(job.path)


def _reply_body(office: Office, received: datetime, record_id: str) -> str:
    org = office.config.organisation
    return (f"Madame, Monsieur,\n\nNous avons bien reçu votre message du "
            f"{french_long_date(received.date())} et l'avons enregistré sous la "
            f"référence {record_id}. Vous trouverez ci-joint notre accusé de réception.\n\n"
            f"Nous restons à votre disposition.\n\n{org.signatory}\n{org.name}\n")
