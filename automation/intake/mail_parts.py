"""The parts of a mail: the attached files, named safely, and Outlook's winmail.dat unpacked.

Attachment names are never trusted: only the last path component is kept, characters Windows
forbids are replaced, and a name is made unique within the mail. An attachment over the size
limit is listed (name and size) but never decoded. A readable ``winmail.dat`` is replaced by
the files it wraps (:mod:`automation.intake.tnef`); an unreadable one is kept and noted.
"""

from __future__ import annotations

import mimetypes
import re
from dataclasses import dataclass
from email.message import Message
from pathlib import PurePosixPath
from typing import Final

from automation.intake.html_text import recover_text
from automation.intake.tnef import tnef_contents
from automation.text import clean_text, one_line

_UNSAFE_NAME: Final = re.compile(r'[<>:"|?*\x00-\x1f\x7f]')
_RESERVED: Final = re.compile(r"^(con|prn|aux|nul|com\d|lpt\d)(\..*)?$", re.IGNORECASE)


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


def parts(part: Message) -> list[Message]:
    """The sub-parts of a multipart (its payload is a list: nothing is decoded)."""
    payload = part.get_payload()
    return [sub for sub in payload if isinstance(sub, Message)] if isinstance(
        payload, list) else []


def is_attached(part: Message) -> bool:
    return part.get_content_disposition() == "attachment" or bool(_filename(part))


def _filename(part: Message) -> str:
    try:
        name = part.get_filename() or part.get_param("name", header="content-type")
    except (ValueError, TypeError, IndexError, LookupError):
        return ""
    return str(name) if isinstance(name, str) else ""


def attachments_of(leaves: list[Message], body: Message | None, limit: int,
                 notes: list[str]) -> tuple[tuple[MailAttachment, ...], str]:
    """The attached files (a readable winmail.dat replaced by its files) and the text of a
    winmail.dat's body ("" when none)."""
    found: list[MailAttachment] = []
    winmail_body = ""
    taken: set[str] = set()
    for index, part in enumerate(leaves, start=1):
        if part is body or part.get_content_maintype() == "multipart" or (
                part.get_content_type() in {"text/plain", "text/html"}
                and not is_attached(part)):
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
            unpacked = _winmail(attachment, limit, taken, notes)
            if unpacked is not None:
                files, text = unpacked
                found.extend(files)
                winmail_body = winmail_body or text
                continue
            if attachment.data is not None:
                notes.append(f"Pièce jointe « {name} » au format Outlook (winmail.dat) : son "
                             "contenu n'est pas lisible ; demandez à l'expéditeur de renvoyer "
                             "les fichiers.")
        found.append(attachment)
    return tuple(found), winmail_body


def _winmail(attachment: MailAttachment, limit: int, taken: set[str],
             notes: list[str]) -> tuple[list[MailAttachment], str] | None:
    """The files a winmail.dat wraps; None when it cannot be read (it is then kept as is)."""
    contents = tnef_contents(attachment.data) if attachment.data is not None else None
    if contents is None:
        return None
    files: list[MailAttachment] = []
    for index, (raw_name, data) in enumerate(contents.files, start=1):
        name = _unique(sanitize_filename(raw_name, fallback=f"piece-jointe-{index}.bin"), taken)
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if len(data) > limit:
            notes.append(f"Pièce jointe « {name} » ({_mb(len(data))} Mo, dans winmail.dat) : "
                         f"plus grande que la limite de {_mb(limit)} Mo, elle n'a pas été "
                         "ouverte.")
            files.append(MailAttachment(name=name, content_type=kind, size=len(data), data=None))
        else:
            files.append(MailAttachment(name=name, content_type=kind, size=len(data), data=data))
    listed = ", ".join(f.name for f in files) or "aucun fichier"
    notes.append(f"Pièce jointe « {attachment.name} » au format Outlook (winmail.dat) : "
                 f"fichiers extraits : {listed}.")
    for item in contents.embedded:
        notes.append(f"winmail.dat : l'élément Outlook joint « {one_line(item)} » n'a pas été "
                     "ouvert ; demandez à l'expéditeur de le renvoyer.")
    return files, clean_text(contents.body)


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
        return b"".join(sub.as_bytes() for sub in parts(part))
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _mb(size: float) -> str:
    return f"{size / 1024 / 1024:.1f}".replace(".", ",").removesuffix(",0")
