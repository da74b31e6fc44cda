"""Outlook's ``winmail.dat`` (TNEF): the files it wraps, read with tnefparse.

Outlook sends a mail in its own format (Transport Neutral Encapsulation Format) when it
believes the recipient is another Outlook: the files the sender attached are then inside one
``winmail.dat`` attachment. :func:`tnef_contents` gives those files and the body text, or None
when the data cannot be read (tnefparse raises anything on damaged data; its failure never
loses the mail: the ``winmail.dat`` itself is kept). A message attached inside the TNEF
(an embedded Outlook item) is not unpacked: it is listed by name.

tnefparse is LGPL-3.0, used unmodified as an installed package; it does not change the
licence of this MIT package.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Final

from tnefparse.tnef import TNEF

from automation.intake.html_text import decode_bytes, html_to_text

log = logging.getLogger(__name__)

TNEF_SIGNATURE: Final = b"\x78\x9f\x3e\x22"


@dataclass(frozen=True)
class TnefContents:
    files: tuple[tuple[str, bytes], ...]  # (name as the sender gave it, bytes)
    body: str  # the text of the message ("" when it has none)
    embedded: tuple[str, ...] = ()  # names of Outlook items attached inside, not unpacked


def tnef_contents(data: bytes) -> TnefContents | None:
    """The files and text a ``winmail.dat`` holds; None when it cannot be read."""
    if not data.startswith(TNEF_SIGNATURE):
        return None
    try:
        tnef = TNEF(data, do_checksum=False)
        files: list[tuple[str, bytes]] = []
        embedded: list[str] = []
        for index, attachment in enumerate(tnef.attachments, start=1):
            name = _text(attachment.long_filename()) or f"piece-jointe-{index}"
            if hasattr(attachment, "embed"):
                embedded.append(name)
                continue
            payload = attachment.data
            if isinstance(payload, bytes) and payload:
                files.append((name, payload))
        body = _text(tnef.body)
        if not body.strip() and tnef.htmlbody:
            body = html_to_text(_text(tnef.htmlbody))
    except Exception as exc:  # noqa: BLE001 - a third-party parser on hostile data: keep the file
        log.info("winmail.dat not readable: %s: %s", type(exc).__name__, exc)
        return None
    return TnefContents(files=tuple(files), body=body.strip(), embedded=tuple(embedded))


def _text(value: object) -> str:
    if isinstance(value, bytes):
        return decode_bytes(value.rstrip(b"\x00"), None).strip("\x00").strip()
    if isinstance(value, str):
        return value.strip("\x00").strip()
    return ""
