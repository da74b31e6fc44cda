"""A mail, from any source, becomes a register row, its letter, and its answer.

The same steps serve a mail saved into ``inbox/`` and a mail fetched from a mailbox:
parse → classify (rules the office edits) → record the row (idempotent on the Message-ID) →
write it → produce the letter → ingest spreadsheet attachments as if dropped, keep the others
→ answer (draft or send) once. A mail no rule classifies, or that cannot be read, is recorded
as left for a person (``automation mail pending``); it is never lost and never an error.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from pathlib import Path

from automation.errors import IntakeError, LetterError
from automation.intake.classify import Classifier
from automation.intake.mail import ParsedMail, mail_fingerprint, parse_mail
from automation.intake.mail_records import mail_record
from automation.letters.catalog import LetterKind, SentHow
from automation.letters.dates import french_long_date
from automation.letters.naming import safe_stem, unique_path
from automation.letters.pdf import convert_to_pdf, libreoffice_available
from automation.letters.smtp import reply_message
from automation.pipeline import letters, sent, store
from automation.pipeline.office import Office
from automation.registers.journal import LetterStatus, MailEntry, MailStatus
from automation.sources.mailbox import MailItem, MailSource, Reply

log = logging.getLogger(__name__)

SPREADSHEET_ATTACHMENTS = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})


@dataclass
class MailReport:
    """What became of one mail: the summary a person reads."""

    place: str
    subject: str = ""
    register: str = ""
    rule: str = ""
    record_id: str = ""
    duplicate: bool = False
    left_for_a_person: str = ""  # French reason, when no row was made
    unreadable: bool = False  # left because it could not be read (else: no rule matched)
    answered: str = ""  # "draft", "sent", or "" (letter only in outbox/)
    attachments: list[Path] = field(default_factory=list)  # spreadsheets ingested
    kept: list[Path] = field(default_factory=list)  # other attachments saved for the record


def ingest_mail(office: Office, item: MailItem, *, place: str,
                source: MailSource | None = None, flush: bool = True) -> MailReport:
    """Handle one mail; the caller marks it processed when ``left_for_a_person`` is empty.

    The row is safe once it is in the journal; ``flush=False`` leaves the workbook write to
    the caller, who writes a whole batch of mails at once.
    """
    report = MailReport(place=place)
    config = office.config
    now = office.clock.now()
    try:
        mail = parse_mail(item.raw, fallback_date=now,
                          max_attachment_bytes=config.mail.max_attachment_bytes)
    except IntakeError as exc:
        fingerprint = mail_fingerprint(item.message_id, item.raw)
        _leave(office, MailEntry(fingerprint, MailStatus.UNREADABLE, place=place,
                                 reason=str(exc)), report)
        return report
    report.subject = mail.subject
    classification = Classifier.from_config(config.mail).classify(mail, folder=item.folder)
    report.rule = classification.rule
    if classification.register is None:
        reason = f"aucune règle ne classe ce courriel ({classification.rule})"
        _leave(office, MailEntry(mail.fingerprint, MailStatus.UNCLASSIFIED, place=place,
                                 sender=mail.sender_address, subject=mail.subject,
                                 received=mail.received.isoformat(), reason=reason), report)
        return report

    register = classification.register
    record = mail_record(mail, register, rule=classification.rule, folder_label=place,
                         settings=config.mail.mail, preset=classification.values)
    outcome = store.record(office, [record], origin=f"mail:{place}")
    entry = office.journal.mail(mail.fingerprint)
    if outcome.stored:
        record_id = outcome.stored[0].record_id
        entry = MailEntry(mail.fingerprint, MailStatus.RECORDED, register, record_id,
                          place=place, sender=mail.sender_address, subject=mail.subject,
                          received=mail.received.isoformat())
        office.journal.note_mail(entry, now=now)
    elif entry is None or not entry.record_id:  # recorded before the mails table knew it
        row = office.journal.row_by_fingerprint(record.fingerprint)
        entry = MailEntry(mail.fingerprint, MailStatus.RECORDED, register,
                          row.record_id if row else "", place=place,
                          sender=mail.sender_address, subject=mail.subject,
                          received=mail.received.isoformat())
        office.journal.note_mail(entry, now=now)
    report.register, report.record_id = register, entry.record_id
    report.duplicate = not outcome.stored
    if flush:
        store.flush(office, [register])
    letters.produce_pending(office)
    if outcome.stored:
        report.attachments, report.kept = _attachments(office, mail, entry.record_id)
    if not entry.replied:
        report.answered = _answer(office, mail, item, entry, source)
    return report


def _leave(office: Office, entry: MailEntry, report: MailReport) -> None:
    office.journal.note_mail(entry, now=office.clock.now())
    report.left_for_a_person = entry.reason
    report.unreadable = entry.status == MailStatus.UNREADABLE
    log.info("%s: left for a person: %s", entry.place, entry.reason)


def _attachments(office: Office, mail: ParsedMail,
                 record_id: str) -> tuple[list[Path], list[Path]]:
    """Spreadsheets go to the inbox, as if dropped; other files are kept beside the letters."""
    from automation.pipeline.files import ingest_file  # files imports this module

    ingested: list[Path] = []
    kept: list[Path] = []
    for attachment in mail.attachments:
        if attachment.data is None or attachment.inline:
            continue  # too large (recorded in the row's notes), or a logo of the body
        if attachment.suffix in SPREADSHEET_ATTACHMENTS:
            target = unique_path(office.config.inbox_dir, attachment.name)
            target.write_bytes(attachment.data)
            ingest_file(office, target)
            ingested.append(target)
        else:
            folder = office.config.outbox_dir / f"{record_id} pièces jointes"
            folder.mkdir(parents=True, exist_ok=True)
            target = unique_path(folder, attachment.name)
            target.write_bytes(attachment.data)
            kept.append(target)
    return ingested, kept


def _answer(office: Office, mail: ParsedMail, item: MailItem, entry: MailEntry,
            source: MailSource | None) -> str:
    """Send or save the acknowledgment as a reply, once; "" when there is none to give."""
    config = office.config
    mode = config.letters.send_mode(mailbox=source is not None)
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
                  body=_reply_body(office, mail, entry.record_id), attachment=attachment)
    if source is not None:
        source.reply(item, reply, send=mode == "send")
        answered = "sent" if mode == "send" else "draft"
        if answered == "sent":  # the acknowledgment left today: its date may be written
            sent.mark_sent(office, entry.register, entry.record_id, LetterKind.ACKNOWLEDGMENT,
                           on=sent.today(office), how=SentHow.by_source(source.name))
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


def _reply_body(office: Office, mail: ParsedMail, record_id: str) -> str:
    org = office.config.organisation
    return (f"Madame, Monsieur,\n\nNous avons bien reçu votre message du "
            f"{french_long_date(mail.received.date())} et l'avons enregistré sous la "
            f"référence {record_id}. Vous trouverez ci-joint notre accusé de réception.\n\n"
            f"Nous restons à votre disposition.\n\n{org.signatory}\n{org.name}\n")
