"""The parts of the staged path that only a mail has: parse, classify, its attachments, answer.

A mail — saved into the inbox as ``.eml``/``.msg`` or fetched from a mailbox — is parsed,
classified by the office's rules, and gives one row: the declarant's, even when a colleague
forwarded it (:mod:`automation.intake.declarant`). Its attached files become child arrivals
with the mail as their parent (the mail's classification is their hint); a spreadsheet that
clearly is a list for a register (:func:`~automation.intake.attachment_use.attachment_use`)
gives rows of its own, recorded in the same journal transaction as the mail's row, and every
attachment is kept beside the mail's letters. Once the row is safe, the acknowledgment is
answered to the declarant, as a draft or sent, once.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from email.utils import formataddr
from pathlib import Path

from automation.arrival import Arrival, Parent, Source
from automation.errors import HeaderMismatch, IntakeError, LetterError
from automation.intake.attachment_use import AttachmentUse, attachment_use
from automation.intake.classify import Classification
from automation.intake.declarant import author_of
from automation.intake.headers import HeaderMatch, route_tables
from automation.intake.mail import ParsedMail
from automation.intake.mail_records import mail_office, mail_record
from automation.intake.reader import HeadRequest, MailBatch, MailRead, MailRequest
from automation.letters.catalog import LetterKind, SentHow
from automation.letters.dates import french_long_date
from automation.letters.mime import reply_bytes
from automation.letters.naming import safe_stem, unique_path
from automation.letters.pdf import convert_to_pdf, libreoffice_available
from automation.letters.smtp import references_of, reply_subject
from automation.pipeline import sent
from automation.pipeline.office import Office
from automation.records import Record
from automation.registers.journal import LetterStatus, MailEntry, MailStatus
from automation.sources.mailbox import MailItem, MailSource, Reply

log = logging.getLogger(__name__)

ATTACHMENTS_FOLDER = "{record_id} pièces jointes"  # under outbox/
PDF_FOLDER = ".pdf"  # under outbox/: letters converted to attach to a sent reply
_ANSWER_KEY = re.compile(r"[^A-Za-z0-9._-]")  # what a Message-ID's left part may hold here
Pdfs = Mapping[Path, Path] | None  # a pass's letters → their PDF copies (None: none made)


def read_mail(office: Office, arrival: Arrival, *,
              parsed: MailRead | None = None) -> ParsedMail:
    """The parsed mail; :class:`IntakeError` (French) when it is not a mail that can be read.
    ``parsed`` is the reader's answer when it was read with others (:func:`read_mails`)."""
    try:
        if parsed is None:
            return office.reader.mail(mail_request(office, arrival))
        if isinstance(parsed, IntakeError):
            raise parsed
        return parsed
    except IntakeError as exc:
        raise IntakeError(str(exc), path=arrival.path) from exc


def read_mails(office: Office, arrivals: Sequence[Arrival]) -> list[MailRead]:
    """The mails of ``arrivals``, read in one exchange with the reader."""
    return office.reader.mails(MailBatch(tuple(mail_request(office, a) for a in arrivals)))


def mail_request(office: Office, arrival: Arrival) -> MailRequest:
    """What the reader needs to parse the mail. A saved mail without a Date header is dated
    by its file (when it was saved), a fetched one by the moment it arrived here."""
    fallback = office.clock.now()
    saved = not arrival.source.is_mailbox
    if saved and arrival.stamp is not None:
        fallback = datetime.fromtimestamp(arrival.stamp.mtime_ns / 1e9).astimezone()
    return MailRequest(arrival.name, arrival.data or b"", saved=saved, fallback=fallback,
                       max_attachment_bytes=office.config.mail.max_attachment_bytes,
                       limits=office.config.intake)


def classify(office: Office, mail: ParsedMail, arrival: Arrival) -> Classification:
    return office.classifier().classify(mail, folder=arrival.folder)


def mail_row(office: Office, mail: ParsedMail, arrival: Arrival,
             classification: Classification, *, uses: Mapping[str, AttachmentUse],
             record_id: str = "") -> Record:
    """The mail's row; ``uses`` says what became of each attached spreadsheet, and
    ``record_id`` (once known) names the folder its attachments are kept in."""
    assert classification.register is not None
    kept_in = ""
    if record_id:
        outbox = office.config.paths.outbox
        kept_in = f"{outbox}/{ATTACHMENTS_FOLDER.format(record_id=record_id)}"
    return mail_record(mail, classification.register, rule=classification.rule,
                       folder_label=arrival.place, settings=office.config.mail.mail,
                       preset=classification.values,
                       office=mail_office(office.config, planning=office.planning()),
                       attachments=uses, kept_in=kept_in)


def attachment_use_of(office: Office, arrival: Arrival, *, mail_register: str | None,
                      office_rule: str) -> AttachmentUse:
    """Rows for a register, or evidence: what an attached spreadsheet is."""
    tables = office.reader.first_rows(HeadRequest(arrival.name, arrival.data or b"",
                                                  limits=office.config.intake))
    try:
        match: HeaderMatch | None = route_tables(tables, None) if tables else None
    except HeaderMismatch:
        match = None
    return attachment_use(mail_register=mail_register, match=match, tables=tables,
                          name=arrival.name, office_rule=office_rule)


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
           mailbox: tuple[MailSource, MailItem] | None,
           pdfs: Pdfs = None, again: bool = False, note: bool = True) -> str:
    """Send or save the acknowledgment as a reply to the declarant, once; "" when there is
    none to give (no letter, or nobody outside the office to answer). A sent answer carries
    the letter as PDF: from ``pdfs`` (the pass's, made by :func:`pdf_copies`), else converted
    here. ``again``: the mail was recorded before (it comes again after a crash), so its
    draft may already be saved. The answer is noted in the journal as given unless
    ``note`` is false (the caller notes it once the mailbox has saved it)."""
    config = office.config
    mode = config.letters.send_mode(mailbox=mailbox is not None)
    letter = answer_letter(office, mail, entry, mailbox=mailbox)
    if letter is None:
        return ""
    author = author_of(mail, mail_office(config).own)
    attachment = letter
    if pdfs is not None:
        attachment = pdfs.get(letter, letter)
    elif _pdf_wanted(office, mode):
        try:
            attachment = convert_to_pdf([letter], letter.parent / PDF_FOLDER)[0]
        except LetterError as exc:
            log.warning("%s: PDF not produced, the .docx is attached: %s", entry.record_id, exc)
    reply = Reply(subject=reply_subject(author.subject),
                  body=_reply_body(office, author.sent, entry.record_id), attachment=attachment,
                  to_address=author.address, to_name=author.name,
                  in_reply_to=author.message_id,
                  key=_ANSWER_KEY.sub("-", f"answer.{entry.record_id}.{entry.fingerprint[:16]}"),
                  maybe_saved=again)
    if mailbox is not None:
        source, item = mailbox
        source.reply(item, reply, send=mode == "send")
        answered = "sent" if mode == "send" else "draft"
        if answered == "sent":  # the acknowledgment left today: its date may be written
            sent.mark_sent(office, entry.register, entry.record_id, LetterKind.ACKNOWLEDGMENT,
                           on=sent.today(office), how=SentHow.by_source(source.name))
    else:  # a mail saved into the inbox: the draft is an .eml Outlook opens for editing
        message = reply_bytes(
            from_address=config.organisation.email or config.mail.smtp.from_address,
            to=formataddr((author.name, author.address)), subject=reply.subject,
            body=reply.body, attachment=attachment,
            in_reply_to=author.message_id or mail.message_id,
            references=references_of("", mail.message_id, author.message_id),
            when=office.clock.now(), draft=True)
        person = safe_stem(author.name or author.address, limit=40)
        target = unique_path(config.outbox_dir, f"{entry.record_id} reponse - {person}.eml")
        target.write_bytes(message)
        answered = "draft"
    if note:
        office.journal.note_mail(replace(entry, replied=answered), now=office.clock.now())
    return answered


def answer_letter(office: Office, mail: ParsedMail, entry: MailEntry, *,
                  mailbox: tuple[MailSource, MailItem] | None) -> Path | None:
    """The letter an answer to this mail would carry; None when no answer is due (none
    asked for, already given, no letter, nobody outside the office to answer)."""
    mode = office.config.letters.send_mode(mailbox=mailbox is not None)
    if mode == "none" or entry.replied:
        return None
    letter = _letter_of(office, entry, LetterKind.ACKNOWLEDGMENT)
    if letter is None or not author_of(mail, mail_office(office.config).own).address:
        return None
    return letter


def pdf_copies(office: Office, answers: Sequence[tuple[ParsedMail, MailEntry,
                                                      tuple[MailSource, MailItem] | None]]
               ) -> Pdfs:
    """The letters the pass's sent answers carry, as PDF, converted in one LibreOffice call
    (letter → PDF); None when answers carry no PDF (drafts, ``letters.pdf`` off, no
    LibreOffice). A failed conversion is logged and the answers carry the .docx."""
    letters = [letter for mail, entry, mailbox in answers
               if _pdf_wanted(office, office.config.letters.send_mode(mailbox=mailbox is not None))
               and (letter := answer_letter(office, mail, entry, mailbox=mailbox)) is not None]
    if not letters:
        return None
    try:
        pdfs = convert_to_pdf(letters, office.config.outbox_dir / PDF_FOLDER)
    except LetterError as exc:
        log.warning("%d letter(s): PDF not produced, the .docx is attached: %s",
                    len(letters), exc)
        return {}
    return dict(zip(letters, pdfs, strict=True))


def _pdf_wanted(office: Office, mode: str) -> bool:
    return mode == "send" and office.config.letters.pdf and libreoffice_available()


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
