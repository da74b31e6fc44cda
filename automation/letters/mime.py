"""An answer written straight to bytes: what :func:`~automation.letters.smtp.reply_message`
gives, without the email package's generator.

A first sync saves thousands of draft answers, each carrying a 50 KB letter; the generator
spends most of its time splitting the base64 of the letter line by line, searching it for
the boundary and folding every header. :func:`reply_bytes` writes the same bytes
(``reply_message(...).as_bytes()`` under the ``compat32`` policy, CRLF line ends) itself:
the same headers in the same order, each folded by the same :class:`~email.header.Header`
code unless it is a short ASCII line that folding leaves alone, the same quoted-printable
text part, the letter's base64 in lines of 76. Only the boundary differs (random, of the
same form). The tests compare both on many messages.
"""

from __future__ import annotations

import base64
import re
import secrets
import sys
from datetime import datetime
from email.header import Header
from email.message import Message
from pathlib import Path
from typing import Final

from automation.letters.smtp import TEXT_CHARSET, attached_letter, reply_headers, text_body

LINESEP: Final = "\r\n"
MAX_LINE: Final = 78  # compat32's line length for headers
_BASE64_LINE: Final = 76
_PRINTABLE: Final = re.compile(r"[ -~]*")  # ASCII without control characters
_LINE_ENDS: Final = re.compile(r"\r\n|\r|\n")
_TOKEN_WIDTH: Final = len(repr(sys.maxsize - 1))
_TEXT_HEADERS: Final = ('MIME-Version: 1.0\r\nContent-Type: text/plain; charset="utf-8"\r\n'
                        "Content-Transfer-Encoding: quoted-printable\r\n")


def reply_bytes(*, from_address: str, to: str, subject: str, body: str,
                attachment: Path | None = None, in_reply_to: str = "",
                references: str = "", when: datetime | None = None,
                draft: bool = False, message_id: str = "") -> bytes:
    """The answer as :func:`~automation.letters.smtp.reply_message` would write it (its
    arguments, its meaning)."""
    own = "".join(header(name, value) for name, value in reply_headers(
        from_address=from_address, to=to, subject=subject, in_reply_to=in_reply_to,
        references=references, when=when, draft=draft, message_id=message_id))
    text = _LINE_ENDS.sub(LINESEP, TEXT_CHARSET.body_encode(text_body(body).encode("utf-8")))
    if attachment is None:
        return f"{_TEXT_HEADERS}{own}{LINESEP}{text}".encode("ascii")
    letter = attached_letter(attachment)
    disposition = Message()
    disposition.add_header("Content-Disposition", "attachment", filename=letter.filename)
    part_headers = (header("Content-Type", f"{letter.maintype}/{letter.subtype}")
                    + "MIME-Version: 1.0\r\nContent-Transfer-Encoding: base64\r\n"
                    + header("Content-Disposition", str(disposition["Content-Disposition"])))
    encoded = _base64_lines(letter.data)
    parts = [f"{_TEXT_HEADERS}{LINESEP}{text}".encode("ascii"),
             f"{part_headers}{LINESEP}".encode("ascii") + encoded]
    boundary = _boundary(parts)
    head = header("Content-Type", f'multipart/mixed; boundary="{boundary}"') \
        + "MIME-Version: 1.0\r\n" + own
    mark = f"--{boundary}".encode("ascii")
    crlf = LINESEP.encode("ascii")
    return b"".join((head.encode("ascii"), crlf, mark, crlf, parts[0], crlf, mark, crlf,
                     parts[1], crlf, mark, b"--", crlf))


def header(name: str, value: str | Header) -> str:
    """``Name: value`` and its line end, folded as ``compat32`` folds it."""
    if (isinstance(value, str) and len(name) + 2 + len(value) <= MAX_LINE
            and _PRINTABLE.fullmatch(value) and not value.endswith(" ")):
        return f"{name}: {value}{LINESEP}"  # nothing to fold or encode
    folded = value if isinstance(value, Header) else Header(value, header_name=name)
    return f"{name}: {folded.encode(linesep=LINESEP, maxlinelen=MAX_LINE)}{LINESEP}"


def _base64_lines(data: bytes) -> bytes:
    """``data`` in base64, lines of 76 characters each ending with CRLF (as
    :func:`base64.encodebytes` and the generator's line ends give it)."""
    if not data:
        return b""
    encoded = base64.b64encode(data)
    return b"".join(encoded[start:start + _BASE64_LINE] + b"\r\n"
                    for start in range(0, len(encoded), _BASE64_LINE))


def _boundary(parts: list[bytes]) -> str:
    """A boundary of the email package's form that no line of ``parts`` starts with."""
    while True:
        boundary = f"{'=' * 15}{secrets.randbelow(sys.maxsize):0{_TOKEN_WIDTH}d}=="
        if not any(f"--{boundary}".encode("ascii") in part for part in parts):
            return boundary
