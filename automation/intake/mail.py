"""A mail's raw bytes → a :class:`ParsedMail`: who, when, what, and the attached files.

Real mail is often broken (bad dates, unknown or lying charsets, raw 8-bit headers, illegal
MIME boundaries), so every step has a fallback and :func:`parse_mail` either returns a
``ParsedMail`` or raises :class:`~automation.errors.IntakeError` with a French reason — never
anything else. Charsets and headers are decoded by :mod:`automation.intake.html_text`
(ISO-8859-1 read as Windows-1252, unknown labels never fatal, raw 8-bit headers recovered);
all text passes through :func:`automation.text.clean_text`.

Attachment names are never trusted: only the last path component is kept, characters Windows
forbids are replaced, and a name is made unique within the mail. An attachment over the size
limit is listed (name and size) but never decoded.
"""

from __future__ import annotations

import email
import email.policy
import email.utils
import hashlib
import mimetypes
import re
from dataclasses import dataclass
from datetime import datetime
from email.header import Header
from email.message import Message
from pathlib import Path, PurePosixPath
from typing import Final

from automation.clock import paris_naive
from automation.errors import IntakeError
from automation.intake.html_text import (
    addresses,
    decode_bytes,
    decode_header_text,
    first_address,
    header_date,
    header_value,
    html_to_text,
    message_id,
    recover_text,
    trim_reply,
    unfold,
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
_UNSAFE_NAME: Final = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
_RESERVED: Final = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)
_KNOWN_HEADERS: Final = ("from", "to", "subject", "date", "message-id", "received",
                         "mime-version", "content-type")
_MAX_DEPTH: Final = 30


@dataclass(frozen=True)
class MailAttachment:
    name: str  # sanitised: no folder, nothing Windows forbids, unique within the mail
    content_type: str
    size: int  # bytes (estimated from the encoded size when not opened)
    data: bytes | None  # None: over the size limit, never decoded
    inline: bool = False  # an image of the body (logo, signature) rather than a sent file

    @property
    def too_large(self) -> bool:
        return self.data is None

    @property
    def is_winmail(self) -> bool:
        return self.name.lower() == "winmail.dat" or self.content_type in {
            "application/ms-tnef", "application/vnd.ms-tnef"}

    @property
    def suffix(self) -> str:
        return PurePosixPath(self.name).suffix.lower()


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

    @property
    def winmail(self) -> bool:
        return any(a.is_winmail for a in self.attachments)


def mail_fingerprint(message_id: str, raw: bytes) -> str:
    """Same mail, same fingerprint: from the Message-ID, else from the bytes."""
    if message_id:
        return hashlib.sha256(f"mail:{message_id}".encode()).hexdigest()
    return hashlib.sha256(raw).hexdigest()


def sanitize_filename(name: str | None, *, fallback: str) -> str:
    """The last path component of ``name``, safe to create on Windows; ``fallback`` if empty."""
    text = recover_text(name or "").replace("\\", "/")
    text = _UNSAFE_NAME.sub("_", text.split("/")[-1] if "/" in text else text)
    text = one_line(text).strip(". ")
    if not text or text in {".", ".."}:
        text = fallback
    if _RESERVED.match(text):
        text = f"_{text}"
    if len(text) > 150:
        suffix = PurePosixPath(text).suffix[:20]
        text = text[: 150 - len(suffix)] + suffix
    return clean_text(text)


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
               path: Path | None = None) -> ParsedMail:
    """Parse ``raw`` (RFC 822 bytes); ``fallback_date`` stands in for a missing Date header.

    Raises :class:`IntakeError` (French reason) when ``raw`` is not a mail at all.
    """
    if not raw.strip():
        raise IntakeError("Le message est vide.", path=path)
    try:
        message = _message(raw)
        if message is None:
            raise IntakeError("Ce fichier n'est pas un courriel : aucun en-tête de message "
                              "(De, À, Objet, Date) n'a été trouvé.", path=path)
        return _parsed(message, raw, fallback_date, max_attachment_bytes)
    except IntakeError:
        raise
    except RecursionError as exc:
        raise IntakeError("Le message est imbriqué trop profondément pour être lu.",
                          path=path) from exc
    except Exception as exc:  # the email package raises anything on broken mail: translate it
        raise IntakeError("Le message n'a pas pu être lu : sa structure est endommagée "
                          f"({type(exc).__name__}).", path=path) from exc


def _message(raw: bytes) -> Message | None:
    raw = raw.lstrip(b"\r\n\t ")
    message = email.message_from_bytes(raw, policy=email.policy.default)
    end = min((i for i in (raw.find(b"\n\n"), raw.find(b"\r\n\r\n")) if i >= 0),
              default=len(raw))
    if not _has_headers(message):  # obsolete syntax "From  : x" (space before the colon)
        raw = _HEADER_WS.sub(rb"\1:", raw[:end]) + raw[end:]
        message = email.message_from_bytes(raw, policy=email.policy.default)
    if _broken_multipart(message):  # boundary=----=_Part (unquoted "="): quote it, try again
        fixed = _BOUNDARY.sub(rb'boundary="\1"', raw[:end], count=1) + raw[end:]
        repaired = email.message_from_bytes(fixed, policy=email.policy.default)
        message = message if _broken_multipart(repaired) else repaired
    return message if _has_headers(message) else None


def _broken_multipart(message: Message) -> bool:
    return message.get_content_maintype() == "multipart" and not isinstance(
        message.get_payload(), list)


def _has_headers(message: Message) -> bool:
    return any(name.lower() in _KNOWN_HEADERS for name, _ in message.raw_items())


def _parsed(message: Message, raw: bytes, fallback_date: datetime,
            max_attachment_bytes: int) -> ParsedMail:
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
    attachments = _attachments(leaves, body_part, max_attachment_bytes, notes)
    return ParsedMail(
        message_id=identifier, sender_name=sender_name, sender_address=sender_address,
        reply_to=reply_to, to=tuple(a for _, a in addresses(headers.get("to", "")) if a),
        received=sent or paris_naive(fallback_date), date_from_header=sent is not None,
        subject=decode_header_text(headers.get("subject", "")),
        body=clean_text(trim_reply(full_body)), full_body=full_body,
        attachments=attachments, fingerprint=mail_fingerprint(identifier, raw),
        in_reply_to=message_id(headers.get("in-reply-to", "")),
        automatic=_automatic(message, headers, sender_address), notes=tuple(notes))


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
    return [leaf for sub in _parts(part) for leaf in _leaves(sub, depth + 1)]


def _parts(part: Message) -> list[Message]:
    """The sub-parts of a multipart (its payload is a list: nothing is decoded)."""
    payload = part.get_payload()
    return [sub for sub in payload if isinstance(sub, Message)] if isinstance(
        payload, list) else []


def _is_attached(part: Message) -> bool:
    return part.get_content_disposition() == "attachment" or bool(_filename(part))


def _body(leaves: list[Message]) -> tuple[Message | None, str]:
    """The part people read (plain text, else HTML made text) and its text."""
    texts = [p for p in leaves if p.get_content_maintype() in {"text", "multipart"}
             and not _is_attached(p)]
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


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or part.get_param("name", header="content-type")
    except (ValueError, TypeError, IndexError, LookupError):
        return ""
    return str(name) if isinstance(name, str) else ""


def _attachments(leaves: list[Message], body: Message | None, limit: int,
                 notes: list[str]) -> tuple[MailAttachment, ...]:
    found: list[MailAttachment] = []
    taken: set[str] = set()
    for index, part in enumerate(leaves, start=1):
        if part is body or part.get_content_maintype() == "multipart" or (
                part.get_content_type() in {"text/plain", "text/html"}
                and not _is_attached(part)):
            continue  # the body, its alternative, or a multipart whose boundary is lost
        name = _unique(sanitize_filename(_filename(part), fallback=_fallback_name(part, index)),
                       taken)
        content_type = part.get_content_type()
        size = _encoded_size(part)
        data = None if size > limit else _part_bytes(part)
        if data is not None:
            size = len(data)
        else:
            notes.append(f"Pièce jointe « {name} » ({_mb(size)} Mo) : plus grande que la "
                         f"limite de {_mb(limit)} Mo, elle n'a pas été ouverte.")
        attachment = MailAttachment(name=name, content_type=content_type, size=size, data=data,
                                    inline=part.get_content_disposition() == "inline"
                                    and part.get_content_maintype() == "image")
        if attachment.is_winmail:
            notes.append(f"Pièce jointe « {name} » au format Outlook (winmail.dat) : son contenu "
                         "n'est pas lisible ; demandez à l'expéditeur de renvoyer les fichiers.")
        found.append(attachment)
    return tuple(found)


def _fallback_name(part: Message, index: int) -> str:
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        return f"message-{index}.eml"
    extension = mimetypes.guess_extension(content_type) or ".bin"
    return f"piece-jointe-{index}{extension}"


def _unique(name: str, taken: set[str]) -> str:
    stem, suffix = PurePosixPath(name).stem, PurePosixPath(name).suffix
    candidate, number = name, 1
    while candidate.lower() in taken:
        number += 1
        candidate = f"{stem} ({number}){suffix}"
    taken.add(candidate.lower())
    return candidate


def _encoded_size(part: Message) -> int:
    """The size of a part before decoding it (base64 shrinks by a quarter)."""
    if part.is_multipart():
        return 0
    try:  # the stdlib decodes an 8-bit payload with the part's charset: any label may fail
        payload = part.get_payload()
    except (LookupError, UnicodeError, ValueError):
        data = part.get_payload(decode=True)
        return len(data) if isinstance(data, bytes) else 0
    if not isinstance(payload, str):
        return 0
    if part.get("content-transfer-encoding", "").strip().lower() == "base64":
        return len("".join(payload.split())) * 3 // 4
    return len(payload)


def _part_bytes(part: Message) -> bytes:
    if part.is_multipart():  # message/rfc822 and friends: the enclosed message(s)
        return b"".join(sub.as_bytes() for sub in _parts(part))
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _mb(size: float) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",").removesuffix(",0")
