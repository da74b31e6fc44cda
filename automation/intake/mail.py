"""A mail's raw bytes → a :class:`ParsedMail`: who, when, what, and the attached files.

Real mail is often broken (bad dates, unknown or lying charsets, raw 8-bit headers, illegal
MIME boundaries), so every step has a fallback and :func:`parse_mail` either returns a
``ParsedMail`` or raises :class:`~automation.errors.IntakeError` with a French reason — never
anything else. Charsets and headers are decoded by :mod:`automation.intake.html_text`
(ISO-8859-1 read as Windows-1252, unknown labels never fatal, raw 8-bit headers recovered);
all text passes through :func:`automation.text.clean_text`.

Attached files are read by :mod:`automation.intake.mail_parts` (names made safe, size limit,
winmail.dat unpacked). What a mail carries from others is read too: :attr:`ParsedMail.chain`
holds the messages its text forwards or quotes (:mod:`automation.intake.forward`),
:attr:`ParsedMail.enclosed` the mails attached to it (a forward "as attachment":
``message/rfc822``, or an Outlook ``.msg`` when the caller passes ``convert_msg``).
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.message import EmailMessage, Message
from pathlib import Path
from typing import Final

from automation.clock import paris_naive
from automation.errors import IntakeError
from automation.intake.forward import Chain, find_chain, is_forward_subject
from automation.intake.html_text import (
    addresses,
    decode_bytes,
    decode_header_text,
    first_address,
    header_date,
    header_value,
    html_to_text,
    message_id,
    trim_reply,
    unfold,
)
from automation.intake.mail_parts import (
    MailAttachment,
    attachments_of,
    is_attached,
    parts,
    sanitize_filename,
)
from automation.text import clean_text, one_line

__all__ = ["DEFAULT_MAX_ATTACHMENT", "NOTE_HEADER", "MailAttachment", "ParsedMail",
           "header_value", "mail_fingerprint", "message_id_of", "parse_mail",
           "sanitize_filename", "source_note"]

DEFAULT_MAX_ATTACHMENT: Final = 25 * 1024 * 1024
NOTE_HEADER: Final = "X-Automation-Note"  # a source's remark, prepended: see source_note()
_LEADING_NOTES: Final = re.compile(
    rb"\A(?:X-Automation-Note:[^\r\n]*\r?\n(?:[ \t][^\r\n]*\r?\n)*)+", re.IGNORECASE)
_BOUNDARY: Final = re.compile(rb'boundary=([^"\s;][^;\r\n]*)', re.IGNORECASE)
_HEADER_WS: Final = re.compile(rb"^([!-9;-~]+)[ \t]+:", re.MULTILINE)
_KNOWN_HEADERS: Final = ("from", "to", "subject", "date", "message-id", "received",
                         "mime-version", "content-type")
_MAX_DEPTH: Final = 30
_MAX_ENCLOSED_DEPTH: Final = 3  # a forward of a forward of a forward, and no deeper
_SHORT_NOTE: Final = 400  # a forwarder's own words above an attached mail stay short
_MESSAGE_TYPES: Final = frozenset({"message/rfc822", "message/global"})
_MSG_TYPES: Final = frozenset({"application/vnd.ms-outlook", "application/x-msg"})


@dataclass(frozen=True)
class ParsedMail:
    message_id: str  # "<id@host>", "" when absent
    sender_name: str
    sender_address: str  # "" when the mail does not give one (an Outlook .msg can lack it)
    reply_to: str  # where an answer goes: Reply-To, else the sender
    to: tuple[str, ...]
    received: datetime  # naive, Europe/Paris wall-clock time
    date_from_header: bool  # False: the Date header was missing or unreadable
    subject: str
    body: str  # what the sender wrote: quoted replies and signature cut
    full_body: str
    attachments: tuple[MailAttachment, ...]
    fingerprint: str
    in_reply_to: str = ""
    automatic: bool = False  # auto-reply, bounce, bulk mail
    notes: tuple[str, ...] = ()  # French remarks for the person reading the row
    chain: Chain | None = None  # the messages the text forwards or quotes, outermost first
    enclosed: tuple[ParsedMail, ...] = ()  # mails attached to this one (forward as attachment)

    @property
    def winmail(self) -> bool:
        return any(a.is_winmail for a in self.attachments)

    @property
    def forwarded(self) -> bool:
        """The mail passes on someone else's: a forward separator or prefix, or a short note
        above an attached mail."""
        return bool(
            (self.chain is not None and self.chain.forwarded)
            or (is_forward_subject(self.subject)
                and ((self.chain is not None and self.chain.messages) or self.enclosed))
            or (self.enclosed and len(self.body) <= _SHORT_NOTE))


def mail_fingerprint(message_id: str, raw: bytes) -> str:
    """Same mail, same fingerprint: from the Message-ID, else from the bytes."""
    if message_id:
        return hashlib.sha256(f"mail:{message_id}".encode()).hexdigest()
    return hashlib.sha256(raw).hexdigest()


def source_note(text: str) -> bytes:
    """A remark of the source about a mail (a .msg part it could not convert, a body it did
    not fetch), to put *before* the mail's bytes: only such leading lines become notes, so a
    sender cannot slip one in among the mail's own headers (servers add theirs on top)."""
    encoded = Header(one_line(text), "utf-8", header_name=NOTE_HEADER).encode(linesep="\r\n")
    return f"{NOTE_HEADER}: {encoded}\r\n".encode("ascii")


def _source_notes(raw: bytes) -> list[str]:
    match = _LEADING_NOTES.match(raw)
    if match is None:
        return []
    lines = unfold(match.group().decode("ascii", "replace")).splitlines()
    return [decode_header_text(line.partition(":")[2]) for line in lines if line.strip()]


def message_id_of(raw: bytes) -> str:
    """The Message-ID of ``raw`` as :class:`ParsedMail` gives it ("" when absent)."""
    return message_id(header_value(raw, "message-id"))


# --- the message ----------------------------------------------------------------------------

def parse_mail(raw: bytes, *, fallback_date: datetime,
               max_attachment_bytes: int = DEFAULT_MAX_ATTACHMENT,
               path: Path | None = None,
               convert_msg: Callable[[bytes], bytes] | None = None,
               _depth: int = 0) -> ParsedMail:
    """Parse ``raw`` (RFC 822 bytes); ``fallback_date`` stands in for a missing Date header.

    ``convert_msg`` turns an attached Outlook ``.msg`` into RFC 822 bytes
    (:func:`automation.sources.saved_mail.msg_to_mime`) so that it is read as an enclosed mail;
    without it a ``.msg`` stays an attachment. Raises :class:`IntakeError` (French reason) when
    ``raw`` is not a mail at all.
    """
    if not raw.strip():
        raise IntakeError("Le message est vide.", path=path)
    try:
        message = _message(raw)
        if message is None:
            raise IntakeError("Ce fichier n'est pas un courriel : aucun en-tête de message "
                              "(De, À, Objet, Date) n'a été trouvé.", path=path)
        return _parsed(message, raw, _Options(fallback_date, max_attachment_bytes, convert_msg,
                                              _depth))
    except IntakeError:
        raise
    except RecursionError as exc:
        raise IntakeError("Le message est imbriqué trop profondément pour être lu.",
                          path=path) from exc
    except Exception as exc:  # the email package raises anything on broken mail: translate it
        raise IntakeError("Le message n'a pas pu être lu : sa structure est endommagée "
                          f"({type(exc).__name__}).", path=path) from exc


class _Part(EmailMessage):
    """A parsed part that reads its Content-Type header once: the email package parses it
    again at every question, and reading a mail asks a dozen times per part."""

    _content_type: str | None = None

    def get_content_type(self) -> str:
        if self._content_type is None:
            self._content_type = super().get_content_type()
        return self._content_type


_POLICY: Final = email.policy.default.clone(message_factory=_Part)


def _message(raw: bytes) -> Message | None:
    raw = raw.lstrip(b"\r\n\t ")
    message = email.message_from_bytes(raw, policy=_POLICY)
    end = min((i for i in (raw.find(b"\n\n"), raw.find(b"\r\n\r\n")) if i >= 0),
              default=len(raw))
    if not _has_headers(message):  # obsolete syntax "From  : x" (space before the colon)
        raw = _HEADER_WS.sub(rb"\1:", raw[:end]) + raw[end:]
        message = email.message_from_bytes(raw, policy=_POLICY)
    if _broken_multipart(message):  # boundary=----=_Part (unquoted "="): quote it, try again
        fixed = _BOUNDARY.sub(rb'boundary="\1"', raw[:end], count=1) + raw[end:]
        repaired = email.message_from_bytes(fixed, policy=_POLICY)
        message = message if _broken_multipart(repaired) else repaired
    return message if _has_headers(message) else None


def _broken_multipart(message: Message) -> bool:
    return message.get_content_maintype() == "multipart" and not isinstance(
        message.get_payload(), list)


def _has_headers(message: Message) -> bool:
    return any(name.lower() in _KNOWN_HEADERS for name, _ in message.raw_items())


@dataclass(frozen=True)
class _Options:
    fallback_date: datetime
    max_attachment_bytes: int
    convert_msg: Callable[[bytes], bytes] | None
    depth: int


def _parsed(message: Message, raw: bytes, options: _Options) -> ParsedMail:
    headers: dict[str, str] = {}
    for name, value in message.raw_items():
        headers.setdefault(name.lower(), str(value))
    notes: list[str] = []
    identifier = message_id(headers.get("message-id", ""))
    sender_name, sender_address = first_address(headers.get("from", "")
                                                or headers.get("sender", ""))
    reply_to = first_address(headers.get("reply-to", ""))[1] or sender_address
    sent = header_date(headers.get("date", ""))
    if sent is None:
        notes.append("Date d'envoi absente ou illisible : la date de réception a été retenue.")
    notes.extend(_source_notes(raw))
    leaves = _leaves(message, 0)
    body_part, full_body = _body(leaves)
    attachments, winmail_body = attachments_of(leaves, body_part, options.max_attachment_bytes,
                                             notes)
    full_body = full_body or winmail_body
    return ParsedMail(
        message_id=identifier, sender_name=sender_name, sender_address=sender_address,
        reply_to=reply_to, to=tuple(a for _, a in addresses(headers.get("to", "")) if a),
        received=sent or paris_naive(options.fallback_date), date_from_header=sent is not None,
        subject=decode_header_text(headers.get("subject", "")),
        body=clean_text(trim_reply(full_body)), full_body=full_body,
        attachments=attachments, fingerprint=mail_fingerprint(identifier, raw),
        in_reply_to=message_id(headers.get("in-reply-to", "")),
        automatic=_automatic(message, headers, sender_address), notes=tuple(notes),
        chain=find_chain(full_body), enclosed=_enclosed(attachments, options, notes))


def _enclosed(attachments: tuple[MailAttachment, ...], options: _Options,
              notes: list[str]) -> tuple[ParsedMail, ...]:
    """The mails attached to a mail, parsed (a damaged one is noted, never fatal)."""
    if options.depth >= _MAX_ENCLOSED_DEPTH:
        return ()
    found: list[ParsedMail] = []
    for attachment in attachments:
        if attachment.data is None:
            continue
        data = attachment.data
        is_msg = attachment.suffix == ".msg" or attachment.content_type in _MSG_TYPES
        if not (is_msg or attachment.content_type in _MESSAGE_TYPES
                or attachment.suffix == ".eml"):
            continue
        try:
            if is_msg:
                if options.convert_msg is None:
                    continue
                data = options.convert_msg(data)
            found.append(parse_mail(data, fallback_date=options.fallback_date,
                                    max_attachment_bytes=options.max_attachment_bytes,
                                    convert_msg=options.convert_msg, _depth=options.depth + 1))
        except IntakeError as exc:
            notes.append(f"Message joint « {attachment.name} » illisible : {exc}")
    return tuple(found)


def _automatic(message: Message, headers: dict[str, str], sender: str) -> bool:
    auto = headers.get("auto-submitted", "").strip().lower()
    precedence = headers.get("precedence", "").strip().lower()
    return bool(
        (auto and auto != "no") or "x-autoreply" in headers or "x-autorespond" in headers
        or precedence in {"bulk", "junk", "auto_reply"}
        or message.get_content_type() == "multipart/report"
        or sender.lower().split("@")[0] in {"mailer-daemon", "postmaster"})


def _leaves(part: Message, depth: int) -> list[Message]:
    if part.get_content_maintype() == "message" or not part.is_multipart():
        return [part]
    if depth > _MAX_DEPTH:
        raise RecursionError("MIME nesting")
    return [leaf for sub in parts(part) for leaf in _leaves(sub, depth + 1)]


def _body(leaves: list[Message]) -> tuple[Message | None, str]:
    """The part people read (plain text, else HTML made text) and its text."""
    texts = [p for p in leaves if p.get_content_maintype() in {"text", "multipart"}
             and not is_attached(p)]
    for wanted in ("text/plain", "text/html", "multipart"):
        for part in texts:
            if wanted in {part.get_content_type(), part.get_content_maintype()} and (
                    text := _body_text(part)):
                return part, text
    return (texts[0], "") if texts else (None, "")


def _body_text(part: Message) -> str:
    data = part.get_payload(decode=True)
    if not isinstance(data, bytes):
        return ""
    text = decode_bytes(data, part.get_content_charset())
    if part.get_content_type() == "text/html":
        text = html_to_text(text)
    return clean_text(text).strip()


