"""A worksheet part read as a stream of rows, never held whole.

:class:`SheetStream` takes the inflated bytes of a sheet part in chunks and gives its *head*
(everything up to and including the ``<sheetData>`` tag), then each ``<row>`` element with
the bytes that came before it (:class:`RowPiece`), then its *tail* (what follows the last
row: ``</sheetData>`` and the conditional formats, validations, extension lists…). Put back
together in that order, the pieces are the part, byte for byte. Text in XML cannot hold a
raw ``<``, so a ``<row`` in the part is always a tag.

Rows a caller already knows (:class:`Skip`: those between two row numbers, as a memo of an
earlier read describes them) can be passed over without being cut into rows: they come as
pieces numbered :data:`SKIPPED` whose ``data`` is their bytes, in chunks. A skip of size 0
is of rows left out of the chunks altogether (:func:`~.memo.without_middle`): the row after
them must come right after the row before, and one empty :data:`SKIPPED` piece stands for
them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Final, NamedTuple

from automation.registers.xlsx.package import PackageError

_SHEET_DATA: Final = re.compile(
    rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)sheetData(?=[\s/>])[^>]*?(?P<empty>/?)>")
_ROW_TAG: Final = re.compile(rb"(?=[\s/>])(?:[^>]*?\sr=\"(?P<n>[0-9]+)\")?[^>]*?(?P<s>/?)>")
_ROOT: Final = re.compile(rb"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")
HEAD_LIMIT: Final = 64 << 20  # a head (columns, views) larger than this is no worksheet
SKIPPED: Final = 0  # the number of a piece holding skipped rows' bytes (rows start at 1)


class RowPiece(NamedTuple):
    """One ``<row>`` element (``data``), the bytes before it since the previous one
    (``lead``, usually empty), and its number."""

    number: int
    lead: bytes
    data: bytes


class SkipMissed(PackageError):
    """The row a :class:`Skip` goes to is not where it was said to be."""


class Skip:
    """Pass over the rows after row ``after`` up to row ``until`` (excluded), ``size`` bytes
    said to be there; :attr:`done` once they were passed over."""

    def __init__(self, after: int, until: int, size: int) -> None:
        self.after = after
        self.until = until
        self.size = size
        self.done = False


class SheetStream:
    """The rows of a worksheet part given in chunks (see the module docstring).

    Read :attr:`head` first (done on creation), then iterate :meth:`rows` to the end, then
    read :attr:`tail`.
    """

    def __init__(self, chunks: Iterator[bytes], part: str) -> None:
        self.part = part
        self._chunks = chunks
        self._buffer = b""
        self._done = False
        self.tail = b""
        self.rows_seen = 0
        self.last_number = 0
        head = self._read_head()
        self.head = head

    def _more(self) -> bool:
        if self._done:
            return False
        chunk = next(self._chunks, None)
        if chunk is None:
            self._done = True
            return False
        self._buffer += chunk
        return True

    def _read_head(self) -> bytes:
        while True:
            found = _SHEET_DATA.search(self._buffer)
            if found is not None:
                if _ROOT.search(self._buffer, 0, min(found.start(), 4096) or 4096) is None:
                    raise PackageError(f"part {self.part} is not a worksheet")
                self.prefix = found["p"]
                self.empty = bool(found["empty"])
                self._closing = b"</" + found["p"] + b"row"
                self._end_tag = b"</" + found["p"] + b"sheetData"
                head, self._buffer = self._buffer[:found.end()], self._buffer[found.end():]
                return head
            if len(self._buffer) > HEAD_LIMIT or not self._more():
                raise PackageError(f"part {self.part} has no sheetData")

    def rows(self, skip: Skip | None = None) -> Iterator[RowPiece]:
        """The part's rows in order; with ``skip``, its rows given as bytes (see the module
        docstring), :class:`SkipMissed` raised when they do not end as it says."""
        if self.empty:
            self._drain()
            return
        number = 0
        position = 0
        buffer = self._buffer
        end_at = buffer.find(self._end_tag)
        opening = b"<" + self.prefix + b"row"
        skip_at = len(opening)
        while True:
            if skip is not None and not skip.done and number == skip.after:
                yield from self._skipped(buffer, position, skip)
                buffer, position = self._buffer, 0
                end_at = buffer.find(self._end_tag)
                number = skip.until - 1
            start = buffer.find(opening, position)
            match = _ROW_TAG.match(buffer, start + skip_at) if start >= 0 else None
            while start >= 0 and match is None and (end_at < 0 or start < end_at):
                start = buffer.find(opening, start + skip_at)  # <rowBreaks…, or a tag cut short
                match = _ROW_TAG.match(buffer, start + skip_at) if start >= 0 else None
            if end_at >= 0 and (match is None or start > end_at):
                self._buffer = buffer[position:]
                self._drain()
                return
            end = -1
            if match is not None:
                if match["s"]:
                    end = match.end()
                else:
                    close = buffer.find(self._closing, match.end())
                    if close >= 0:
                        end = buffer.find(b">", close) + 1 or -1
            if end < 0:  # the row goes on in the next chunk
                self._buffer = buffer[position:]
                if not self._more():
                    raise PackageError(f"part {self.part}: sheetData is not closed")
                buffer, position = self._buffer, 0
                end_at = buffer.find(self._end_tag)
                continue
            assert match is not None
            number = int(match["n"]) if match["n"] else number + 1
            self.rows_seen += 1
            self.last_number = number
            yield RowPiece(number, buffer[position:start], buffer[start:end])
            position = end

    def _skipped(self, buffer: bytes, position: int, skip: Skip) -> Iterator[RowPiece]:
        """The bytes from ``position`` to the tag of row ``skip.until``, in pieces; the
        stream's buffer then begins with that tag."""
        marker = b"<" + self.prefix + b'row r="%d"' % skip.until
        passed = 0
        while True:
            found = buffer.find(marker, position)
            stop = buffer.find(self._end_tag, position)
            if found >= 0 and (stop < 0 or found < stop):
                passed += found - position
                if passed != skip.size:
                    raise SkipMissed(f"row {skip.until} is {passed} bytes on, not {skip.size}")
                if found > position or not skip.size:  # (none: the bytes are elsewhere)
                    yield RowPiece(SKIPPED, b"", buffer[position:found])
                self._buffer = buffer[found:]
                skip.done = True
                return
            if stop >= 0:
                raise SkipMissed(f"no row {skip.until}")
            keep = max(position, len(buffer) - len(marker))
            if keep > position:
                passed += keep - position
                if passed > skip.size:
                    raise SkipMissed(f"row {skip.until} is not {skip.size} bytes on")
                yield RowPiece(SKIPPED, b"", buffer[position:keep])
            self._buffer = buffer[keep:]
            if not self._more():
                raise SkipMissed(f"part {self.part}: sheetData is not closed")
            buffer, position = self._buffer, 0

    def _drain(self) -> None:
        while self._more():
            pass
        self.tail = self._buffer
        self._buffer = b""
