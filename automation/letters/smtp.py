"""Answers by mail: the reply message (letter attached), sent through SMTP or kept as a draft.

:func:`reply_message` builds the answer to a mail (``In-Reply-To``/``References`` so that it
threads under the original); :func:`reply_subject` gives it the subject mail clients thread by
(« RE: » and the original's subject, without the prefixes a forward added).
:class:`SmtpSender` sends it — STARTTLS by default, implicit TLS or, for loopback tests only,
none. The password comes from ``AUTOMATION_SMTP_PASSWORD`` or the
OS keyring (:mod:`automation.secrets`), never from the configuration file, and is never
logged. Network and protocol failures become :class:`~automation.errors.MailboxError`.
"""

from __future__ import annotations

import logging
import mimetypes
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from email import encoders, policy
from email.charset import QP, Charset
from email.header import Header
from email.message import Message
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.nonmultipart import MIMENonMultipart
from email.utils import format_datetime, formataddr, getaddresses, make_msgid, parseaddr
from pathlib import Path
from typing import Final

from automation.errors import ConfigError, LetterError, MailboxError
from automation.intake.forward import clean_subject
from automation.mail_config import SmtpSettings, is_loopback
from automation.secrets import SMTP_PASSWORD_ENV, require_secret
from automation.text import one_line

log = logging.getLogger(__name__)

DEFAULT_PORTS: Final = {"starttls": 587, "tls": 465, "none": 25}
_POLICY: Final = policy.compat32.clone(linesep="\r\n")
TEXT_CHARSET: Final = Charset("utf-8")
TEXT_CHARSET.body_encoding = QP  # a body a person can read in the raw message


def reply_subject(subject: str) -> str:
    """« RE: » and ``subject`` without its RE:/TR:/Fwd: prefixes: what clients thread by."""
    cleaned = clean_subject(subject)
    return f"RE: {cleaned}" if cleaned else "RE:"


def references_of(references: str, *message_ids: str) -> str:
    """A References value: the ones already there, then ``message_ids``, each once."""
    seen: list[str] = []
    for token in [*references.split(), *message_ids]:
        if token and token not in seen:
            seen.append(token)
    return one_line(" ".join(seen))


def reply_message(*, from_address: str, to: str, subject: str, body: str,
                  attachment: Path | None = None, in_reply_to: str = "",
                  references: str = "", when: datetime | None = None,
                  draft: bool = False, message_id: str = "") -> Message:
    """The answer to a mail; ``draft`` marks it so that Outlook opens a saved .eml for editing.
    ``message_id`` is its Message-ID (default: a new one).

    Built with the email package's MIME classes and its ``compat32`` policy, names and
    subjects encoded (RFC 2047, RFC 2231 for the file name) as :mod:`email.policy`'s default
    would. :func:`automation.letters.mime.reply_bytes` writes the same message as bytes,
    twenty times faster, for the drafts a first sync saves by the thousand.
    """
    message = MIMEMultipart(policy=_POLICY) if attachment is not None else _text(body)
    for name, value in reply_headers(from_address=from_address, to=to, subject=subject,
                                     in_reply_to=in_reply_to, references=references,
                                     when=when, draft=draft, message_id=message_id):
        message[name] = value  # type: ignore[assignment]  # compat32 writes a Header
    if attachment is None:
        return message
    message.attach(_text(body))
    letter = attached_letter(attachment)
    part = MIMEBase(letter.maintype, letter.subtype, policy=_POLICY)
    part.set_payload(letter.data)
    encoders.encode_base64(part)
    part.add_header("Content-Disposition", "attachment", filename=letter.filename)
    message.attach(part)
    return message


def reply_headers(*, from_address: str, to: str, subject: str, in_reply_to: str = "",
                  references: str = "", when: datetime | None = None, draft: bool = False,
                  message_id: str = "") -> list[tuple[str, str | Header]]:
    """The answer's own headers, in order (a non-ASCII subject as a :class:`Header`)."""
    headers: list[tuple[str, str | Header]] = [("From", _addresses(from_address))]
    if to:  # a draft may leave it for a person to fill
        headers.append(("To", _addresses(to)))
    headers.append(("Subject", _text_header(one_line(subject))))
    headers.append(("Date", format_datetime((when or datetime.now()).astimezone())))
    domain = parseaddr(from_address)[1].rpartition("@")[2] or None
    headers.append(("Message-ID", message_id or make_msgid(domain=domain)))
    if in_reply_to:
        headers.append(("In-Reply-To", in_reply_to))
        headers.append(("References", references_of(references, in_reply_to)))
    if draft:
        headers.append(("X-Unsent", "1"))
    return headers


@dataclass(frozen=True)
class AttachedLetter:
    """The letter an answer carries: its bytes, MIME type and file name parameter."""

    data: bytes
    maintype: str
    subtype: str
    filename: str | tuple[str, str, str]  # RFC 2231 ("utf-8", "", name) when not ASCII


def attached_letter(attachment: Path) -> AttachedLetter:
    """``attachment`` read to be attached; :class:`LetterError` when it cannot be read."""
    try:
        data = attachment.read_bytes()
    except OSError as exc:
        raise LetterError(f"the letter to attach cannot be read: {attachment} "
                          f"({exc.strerror})") from exc
    kind = mimetypes.guess_type(attachment.name)[0] or "application/octet-stream"
    maintype, _, subtype = kind.partition("/")
    name: str | tuple[str, str, str] = attachment.name
    if not attachment.name.isascii():
        name = ("utf-8", "", attachment.name)
    return AttachedLetter(data, maintype, subtype, name)


def text_body(body: str) -> str:
    """The body as the text part holds it: ending with a line end, as the default policy's
    ``set_content`` does."""
    return body if body.endswith("\n") else body + "\n"


def _text(body: str) -> Message:
    """The text part, quoted-printable UTF-8."""
    part = MIMENonMultipart("text", "plain", policy=_POLICY)
    part.set_payload(text_body(body), TEXT_CHARSET)
    return part


def _addresses(value: str) -> str:
    """``Hélène Lefèvre <h@x.fr>, …`` with each name encoded when it is not ASCII (an address
    that is not ASCII itself is left as it was written)."""
    try:
        return ", ".join(formataddr((one_line(name), address), charset="utf-8")
                         for name, address in getaddresses([value]) if address)
    except UnicodeEncodeError:
        return value


def _text_header(value: str) -> str | Header:
    return value if value.isascii() else Header(value, "utf-8")


class SmtpSender:
    """Sends messages through one SMTP server (a new connection per message)."""

    def __init__(self, settings: SmtpSettings, *, password: str | None = None,
                 ssl_context: ssl.SSLContext | None = None) -> None:
        if not settings.host:
            raise ConfigError("mail.smtp.host is empty: answers can only be saved as drafts")
        if settings.tls == "none" and settings.username and not is_loopback(settings.host):
            raise ConfigError("mail.smtp.tls = \"none\" would send the password in clear to "
                              f"{settings.host}; use starttls or tls")
        self.settings = settings
        self.port = settings.port or DEFAULT_PORTS[settings.tls]
        self._password = password
        self._context = ssl_context or ssl.create_default_context()

    @classmethod
    def from_settings(cls, settings: SmtpSettings, *,
                      environ: Mapping[str, str] | None = None) -> SmtpSender:
        """A sender whose password (when a login is set) comes from the environment/keyring."""
        password = None
        if settings.username:
            password = require_secret(SMTP_PASSWORD_ENV, settings.username, what="SMTP",
                                      environ=environ)
        return cls(settings, password=password)

    @property
    def label(self) -> str:
        return f"smtp:{self.settings.host}:{self.port}"

    def send(self, message: Message) -> None:
        """Send ``message`` to its To/Cc recipients; :class:`MailboxError` when it fails."""
        try:
            with self._connect() as server:
                if self.settings.username:
                    server.login(self.settings.username, self._password or "")
                refused = server.send_message(message)
        except smtplib.SMTPAuthenticationError as exc:
            raise MailboxError(f"{self.label}: the server refused the login "
                               f"{self.settings.username!r} or its password",
                               mailbox=self.label) from exc
        except smtplib.SMTPRecipientsRefused as exc:
            raise MailboxError(f"{self.label}: the server refused the recipient(s) "
                               f"{', '.join(exc.recipients)}", mailbox=self.label) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise MailboxError(f"{self.label}: sending failed ({_reason(exc)}); will try again",
                               mailbox=self.label) from exc
        if refused:
            log.warning("%s refused some recipients: %s", self.label, ", ".join(refused))
        log.info("sent %r through %s", str(message.get("Subject", "")), self.label)

    def check(self) -> str:
        """Connect, log in when a login is set, and say so; :class:`MailboxError` otherwise."""
        try:
            with self._connect() as server:
                if self.settings.username:
                    server.login(self.settings.username, self._password or "")
                code, _ = server.noop()
        except smtplib.SMTPAuthenticationError as exc:
            raise MailboxError(f"{self.label}: the server refused the login "
                               f"{self.settings.username!r} or its password",
                               mailbox=self.label) from exc
        except (smtplib.SMTPException, OSError) as exc:
            raise MailboxError(f"{self.label}: cannot connect ({_reason(exc)})",
                               mailbox=self.label) from exc
        login = f" as {self.settings.username}" if self.settings.username else ""
        return f"{self.label} ({self.settings.tls}){login}: answers {code}"

    def _connect(self) -> smtplib.SMTP:
        host, timeout = self.settings.host, self.settings.timeout_seconds
        if self.settings.tls == "tls":
            return smtplib.SMTP_SSL(host, self.port, timeout=timeout, context=self._context)
        server = smtplib.SMTP(host, self.port, timeout=timeout)
        if self.settings.tls == "starttls":
            try:
                server.starttls(context=self._context)
            except (smtplib.SMTPException, OSError):
                server.close()
                raise
        return server


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(
            exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {one_line(text)}"
    return one_line(str(exc)) or type(exc).__name__
