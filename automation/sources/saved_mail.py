"""Mails saved as files: ``.eml`` as they are, Outlook ``.msg`` turned into the same RFC 822 bytes.

A ``.msg`` is read with python-oxmsg (MIT) from bytes read here, so the file is closed at once
(Windows keeps an open file locked and the move to ``processed/`` would fail). The conversion
is deterministic — same file, same bytes, same fingerprint — and keeps the Message-ID, so a
mail saved from Outlook and the same mail fetched over IMAP are recognised as one. A ``.msg``
dragged out of Outlook may name its sender without an address (an Exchange X.500 path): the
address is then left empty rather than invented. An Outlook item attached to a ``.msg`` (a mail
forwarded as an attachment) becomes an attached ``message/rfc822`` part, with its own text and
attachments, so that the intake reads it as the forwarded original.
"""

from __future__ import annotations

import hashlib
import mimetypes
import re
import struct
from collections.abc import Callable
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, formataddr
from functools import partial
from pathlib import Path, PurePath
from typing import Final, TypeVar

from oxmsg import Message as OutlookMessage
from oxmsg.attachment import Attachment
from oxmsg.domain import constants as c
from oxmsg.domain.model import UnrecognizedCodePageError, UnsupportedEncodingError
from oxmsg.recipient import Recipient
from oxmsg.storage import Storage, Stream

from automation.arrival import MAIL_SUFFIXES
from automation.errors import IntakeError
from automation.intake.html_text import decode_bytes
from automation.intake.mail import source_note
from automation.text import one_line

SAVED_MAIL_SUFFIXES: Final = MAIL_SUFFIXES
_MIME: Final = policy.default.clone(linesep="\r\n", max_line_length=998)
_PID_SENT_REPRESENTING_SMTP: Final = 0x5D02
_ATTACH_EMBEDDED: Final = 5
_SURROGATE: Final = re.compile(r"[\ud800-\udfff]")  # UTF-8 cannot carry them
_ADDRESS: Final = re.compile(r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
_OXMSG_ERRORS: Final = (ValueError, LookupError, UnicodeError, KeyError, IndexError, TypeError,
                        AttributeError, AssertionError, struct.error, OSError,
                        UnrecognizedCodePageError, UnsupportedEncodingError)
T = TypeVar("T")


def saved_mail_raw(name: str, data: bytes, *, path: Path | None = None) -> bytes:
    """RFC 822 bytes of the saved mail ``name`` (a ``.eml`` as it is, a ``.msg`` converted);
    :class:`IntakeError` (French) when it is not one or cannot be read."""
    suffix = PurePath(name).suffix.lower()
    if suffix not in SAVED_MAIL_SUFFIXES:
        raise IntakeError(f"Le fichier « {name} » n'est pas un courriel enregistré "
                          "(.eml ou .msg).", path=path)
    if not data.strip():
        raise IntakeError(f"Le fichier « {name} » est vide.", path=path)
    return msg_to_mime(data, path=path) if suffix == ".msg" else data


def msg_to_mime(data: bytes, *, path: Path | None = None) -> bytes:
    """An Outlook ``.msg`` (its bytes) as an RFC 822 message."""
    name = path.name if path else "message.msg"
    try:
        outlook = OutlookMessage.load(data)
        return _convert(outlook, hashlib.sha256(data).hexdigest()[:32])
    except _OXMSG_ERRORS as exc:
        raise IntakeError(f"Le fichier « {name} » n'a pas pu être lu comme un message Outlook "
                          "(.msg) : il est endommagé ou d'un autre format. Ouvrez-le dans "
                          "Outlook et enregistrez-le à nouveau.", path=path) from exc


def _convert(outlook: OutlookMessage, digest: str) -> bytes:
    props = outlook.properties
    notes: list[str] = []
    no_headers: dict[str, str] = {}
    transport = _safe(lambda: outlook.message_headers, no_headers)
    headers = {k.lower(): one_line(v) for k, v in transport.items() if isinstance(v, str)}
    message = EmailMessage(policy=_MIME)
    message_id = (_safe(lambda: props.str_prop_value(c.PID_INTERNET_MESSAGE_ID), None)
                  or headers.get("message-id", ""))
    _set(message, "Message-ID", message_id, notes)
    sent = (_safe(lambda: outlook.sent_date, None)
            or _safe(lambda: props.date_prop_value(c.PID_MESSAGE_DELIVERY_TIME), None))
    _set(message, "Date", format_datetime(sent) if sent else headers.get("date", ""), notes)
    _set(message, "From", _sender(outlook, headers), notes)
    _set(message, "To", ", ".join(_recipients(outlook)) or headers.get("to", ""), notes)
    for name in ("reply-to", "in-reply-to", "auto-submitted", "precedence"):
        _set(message, name.title(), headers.get(name, ""), notes)
    _set(message, "Subject", _safe(lambda: outlook.subject, "") or headers.get("subject", ""),
         notes)
    body = _safe(lambda: outlook.body, None)
    if body and body.strip():
        message.set_content(_SURROGATE.sub("\ufffd", body))
    else:
        html = _SURROGATE.sub("\ufffd", _html(outlook))
        message.set_content(html, subtype="html" if html else "plain")
    no_attachments: tuple[Attachment, ...] = ()
    for index, attachment in enumerate(_safe(lambda: outlook.attachments, no_attachments),
                                       start=1):
        _attach(message, attachment, index, notes)
    if message.is_multipart():
        message.set_boundary(f"=_msg_{digest}")  # the same file gives the same bytes
    return b"".join(source_note(note) for note in notes) + message.as_bytes()


def _safe(read: Callable[[], T], default: T) -> T:
    """One property of a damaged .msg is skipped rather than losing the whole mail."""
    try:
        return read()
    except _OXMSG_ERRORS:
        return default


def _set(message: EmailMessage, name: str, value: str | None, notes: list[str]) -> None:
    value = one_line(value or "")
    if not value:
        return
    try:
        message[name] = value
    except (ValueError, TypeError, IndexError):
        notes.append(f"En-tête {name} illisible dans le fichier .msg.")


def _sender(outlook: OutlookMessage, headers: dict[str, str]) -> str:
    if headers.get("from"):
        return headers["from"]
    props = outlook.properties
    name = (_safe(lambda: props.str_prop_value(c.PID_SENDER_NAME), None)
            or _safe(lambda: props.str_prop_value(c.PID_SENT_REPRESENTING_NAME), None) or "")
    for pid in (c.PID_SENDER_SMTP_ADDRESS, _PID_SENT_REPRESENTING_SMTP,
                c.PID_SENDER_EMAIL_ADDRESS, c.PID_SENT_REPRESENTING_EMAIL_ADDRESS):
        address = (_safe(partial(props.str_prop_value, pid), None) or "").strip()
        if _ADDRESS.match(address):
            return formataddr((one_line(name), address), charset="utf-8")
    # No SMTP address (an Exchange X.500 path only): keep the name, leave the address empty.
    name = one_line(name).replace('"', "'").replace("\\", "")
    return f'"{name}" <>' if name else ""


def _recipients(outlook: OutlookMessage) -> list[str]:
    found = []
    none: tuple[Recipient, ...] = ()
    for recipient in _safe(lambda: outlook.recipients, none):
        try:
            kind = recipient.properties.int_prop_value(c.PID_RECIPIENT_TYPE)
            address, name = recipient.email_address, recipient.name
        except _OXMSG_ERRORS:
            continue
        if kind in (None, 1) and _ADDRESS.match(address or ""):  # 1: To (2: Cc, 3: Bcc)
            found.append(formataddr((one_line(name), address), charset="utf-8"))
    return found


def _html(outlook: OutlookMessage) -> str:
    props = outlook.properties
    data = _safe(lambda: props.binary_prop_value(c.PID_HTML), None)
    if data:
        codepage = _safe(lambda: props.int_prop_value(c.PID_INTERNET_CODEPAGE), None)
        return decode_bytes(data, f"cp{codepage}" if codepage else None)
    return _safe(lambda: props.str_prop_value(c.PID_BODY_HTML), None) or ""


def _attach(message: EmailMessage, attachment: Attachment, index: int,
            notes: list[str]) -> None:
    props = attachment.properties
    method = _safe(lambda: props.int_prop_value(c.PID_ATTACH_METHOD), None)
    mime = (_safe(lambda: attachment.mime_type, None) or "application/octet-stream").lower()
    name = (_safe(lambda: attachment.file_name, None)
            or _safe(lambda: props.str_prop_value(c.PID_ATTACH_FILENAME), None)
            or _safe(lambda: props.str_prop_value(c.PID_DISPLAY_NAME), None)
            or f"piece-jointe-{index}{_extension(mime)}")
    if method == _ATTACH_EMBEDDED:  # an Outlook item attached whole (a forward as attachment)
        embedded = _safe(lambda: _embedded_mime(attachment), None)
        if embedded is None:
            notes.append(f"Message Outlook joint « {one_line(name)} » : illisible ; ouvrez le "
                         "fichier .msg dans Outlook pour le lire.")
            return
        inner = BytesParser(policy=_MIME).parsebytes(embedded)
        stem = one_line(name).removesuffix(".msg") or f"message-{index}"
        message.add_attachment(inner, filename=f"{stem}.eml")
        return
    data = _safe(lambda: attachment.file_bytes, None)
    if data is None:
        notes.append(f"Pièce jointe « {one_line(name)} » : contenu absent du .msg.")
        return
    maintype, _, subtype = mime.partition("/")
    if maintype in {"text", "multipart", "message"} or not subtype.strip():
        maintype, subtype = "application", "octet-stream"  # bytes stay bytes, as attached
    message.add_attachment(data, maintype=maintype, subtype=subtype, filename=one_line(name))


_EMBEDDED_OBJECT: Final = "__substg1.0_3701000D"  # PidTagAttachDataObject, an embedded message
_PROPERTIES: Final = "__properties_version1.0"
_MAX_EMBEDDING: Final = 8  # storages nest; a hostile file could nest them without end


def _embedded_mime(attachment: Attachment) -> bytes | None:
    """The RFC 822 bytes of the message an attachment of method 5 embeds (its text, its own
    attachments, embedded messages within it too); None when it has none.

    python-oxmsg reads only top-level messages: an embedded one is the attachment's
    ``__substg1.0_3701000D`` storage, whose property stream has a 24-byte header where a
    top-level message has 32 (MS-OXMSG 2.4.1.2), so it is read through a copy whose header is
    padded to the top-level size.
    """
    storage = attachment._storage  # oxmsg gives no public access to an attachment's storages
    if not isinstance(storage, Storage):
        return None
    sub = next((s for s in storage.storages if s.name == _EMBEDDED_OBJECT), None)
    if sub is None or sub.path.count("/") > _MAX_EMBEDDING * 2:
        return None
    streams = tuple(
        Stream(stream.path, stream.bytes_[:24] + bytes(8) + stream.bytes_[24:])
        if stream.name == _PROPERTIES else stream for stream in sub.streams)
    outlook = OutlookMessage(Storage(path=sub.path, streams=streams, storages=sub.storages))
    digest = hashlib.sha256(b"".join(s.bytes_ for s in sub.streams[:8])).hexdigest()[:32]
    return _convert(outlook, digest)


def _extension(mime: str) -> str:
    if mime in {"message/rfc822", "message/delivery-status"}:
        return ".eml" if mime == "message/rfc822" else ".txt"
    return mimetypes.guess_extension(mime) or ".bin"


