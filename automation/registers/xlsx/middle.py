"""A sheet's middle rows deflated while the scan reads them, to be copied into the new part.

When no memo of the tool's last write fits the part (a person saved the workbook since), an
append reads every row (:mod:`.scan`), and its write would then inflate the part again, cut it
into rows once more and deflate every row again, although it only copies most of them.
Instead, the rows after the first ones that leave the scan's window for good (:mod:`.sketch`:
they can be neither the last data rows nor the totals) are deflated as they leave, in a
thread of their own (zlib lets go of the interpreter: this costs the scan little), and kept
in memory — about a tenth of their size — ending on a full flush (:class:`~.zipio.Flush`).
The write then passes over those rows as over a memo's (:class:`~.stream.Skip`: their number
of bytes and their CRC-32 are checked against the scan's) and copies the deflated bytes into
the new part (:class:`~.zipio.Spooled`), as it copies a memo's stored ones.

The middle is that of a memo (:class:`~.memo.ScanMemo`): from the row after the first ones
(``after``, itself not in it) to the first row the sketch keeps (``until``, not in it either),
the bytes before ``until``'s tag included. It is given up (:meth:`MiddleSpool.finish` returns
None) when a row the sketch keeps lies among those rows (a row a write looks for), when the
row numbers do not rise, or when it would be too short to pay.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from automation.registers.xlsx.stream import RowPiece
from automation.registers.xlsx.zipio import Behind, Spooled

MIN_BYTES: Final = 4 << 20  # a shorter middle is deflated again faster than spooled
BATCH: Final = 4 << 20  # inflated bytes handed to the deflating thread at once
_WAITING: Final = 2  # batches waiting for it, at most


@dataclass(frozen=True)
class SpooledMiddle:
    """The middle rows of a part (module docstring): ``count`` rows after row ``after`` up
    to row ``until``, deflated."""

    after: int
    until: int
    count: int
    formulas: bool  # some of them hold formulas (rewritten, should rows move: not copied)
    deflated: Spooled


class MiddleSpool:
    """Collects the rows a scan lets go of (:meth:`released`), deflating them as they come
    (module docstring); :meth:`finish` once the scan is done, or :meth:`close` to give up."""

    def __init__(self, after: int) -> None:
        self.after = after
        self.count = 0
        self.size = 0
        self.crc = 0
        self.last = after
        self.formulas = False
        self.broken = False  # a row came out of order: the middle is given up
        self._batch: list[bytes] = []
        self._held = 0
        self._out: list[bytes] = []  # the deflated bytes
        self._compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        self._behind: Behind[bytes] | None = None  # the deflating thread, from the first batch

    def released(self, piece: RowPiece) -> None:
        """A row that left the scan's window for good, in the order of the part."""
        number = piece.number
        if number <= self.after or self.broken:
            return
        if number <= self.last:
            self.broken = True
            return
        self.last = number
        self.count += 1
        if not self.formulas and b"<f" in piece.data:
            self.formulas = True
        self._add(piece.lead)
        self._add(piece.data)

    def finish(self, rows: Sequence[RowPiece]) -> SpooledMiddle | None:
        """The middle, ending before the first of the sketch's ``rows`` after ``after``;
        None when it cannot be one (module docstring)."""
        until = next((p for p in rows if p.number > self.after), None)
        if (self.broken or until is None or self.last >= until.number
                or self.size + self._held + len(until.lead) < MIN_BYTES):
            self.close()
            return None
        self._add(until.lead)
        self._send()
        self._stop()
        self._out.append(self._compressor.flush(zlib.Z_FULL_FLUSH))
        out = tuple(o for o in self._out if o)
        self._out = []
        stored_crc = 0
        for chunk in out:
            stored_crc = zlib.crc32(chunk, stored_crc)
        return SpooledMiddle(self.after, until.number, self.count, self.formulas,
                             Spooled(out, sum(map(len, out)), stored_crc, self.size, self.crc))

    def close(self) -> None:
        """Give up: the thread stops, what it deflated goes."""
        if self._behind is not None:
            self._behind.stop()
        self._out = []

    def _add(self, data: bytes) -> None:
        if data:
            self._batch.append(data)
            self._held += len(data)
            if self._held >= BATCH:
                self._send()

    def _send(self) -> None:
        if not self._batch:
            return
        data = b"".join(self._batch)
        self._batch, self._held = [], 0
        self.crc = zlib.crc32(data, self.crc)
        self.size += len(data)
        if self._behind is None:
            self._behind = Behind(self._deflate, depth=_WAITING, name="deflate-middle")
        if not self._behind.put(data):
            self._stop()

    def _deflate(self, data: bytes) -> None:
        # Nothing but zlib's work in the deflating thread: each time it takes the interpreter
        # back it may wait for the scan's thread to give it up.
        self._out.append(self._compressor.compress(data))

    def _stop(self) -> None:
        """The thread's work done; its error raised here."""
        if self._behind is not None:
            self._behind.stop()
            if self._behind.failure is not None:
                raise self._behind.failure
