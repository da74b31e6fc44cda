"""The encoding of a dropped CSV file, decided for the whole file and checked line by line.

A byte-order mark says UTF-16 or UTF-8. Otherwise the file is UTF-8 when it decodes as such;
Excel's « CSV (séparateur : point-virgule) » is Windows-1252, where no accented letter forms a
valid UTF-8 sequence. A file in which some lines are valid UTF-8 with accents and others are
not was put together from two sources (a line pasted from a Windows export): decoding it
whole as Windows-1252 would turn every accent of the UTF-8 lines into mojibake (« ZoÃ© »),
so it is refused, naming the lines that are not UTF-8.
"""

from __future__ import annotations

from typing import Final

from automation.errors import IntakeError
from automation.intake import messages

_UTF16_BOMS: Final = (b"\xff\xfe", b"\xfe\xff")
_UTF8_BOM: Final = b"\xef\xbb\xbf"


def decode_csv(data: bytes, *, name: str) -> str:
    """The text of the CSV file ``name``; :class:`IntakeError` when its lines disagree."""
    if data.startswith(_UTF16_BOMS):
        return data.decode("utf-16", errors="replace")
    bom = data.startswith(_UTF8_BOM)
    body = data[len(_UTF8_BOM):] if bom else data
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    lines = body.split(b"\n")
    broken = [number for number, line in enumerate(lines, start=1)
              if not _is_utf8(line, last=number == len(lines))]
    if bom or any(not line.isascii() and _is_utf8(line) for line in lines):
        raise IntakeError(messages.unreadable(name, messages.mixed_encoding(broken)))
    return body.decode("cp1252", errors="replace")


def _is_utf8(line: bytes, *, last: bool = False) -> bool:
    """Whether ``line`` is UTF-8; the file's ``last`` line may end in a cut character."""
    try:
        line.decode("utf-8")
    except UnicodeDecodeError as exc:
        return last and exc.reason == "unexpected end of data" and exc.start >= len(line) - 3
    return True
