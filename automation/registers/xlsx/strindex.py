"""Where the items of a large string table start, found only where they are asked for.

A register of 100,000 rows has a string table of half a million ``<si>`` items (20 MB);
an append needs a few of them (headers, the ids of its last rows). Finding every item's
offset with a regular expression costs a Python object per item (0.2–0.4 s there), so
:class:`ItemIndex` counts the items of each region of the table (64 KB) with
:meth:`bytes.count` as the table is spooled, and finds the offsets inside a region only
when an item in it is asked for (from the lengths of the pieces between its tags, again
without an object per item). A region is counted that way only when the count cannot
be wrong: every ``<si`` in it is ``<si>`` (no attributes, no other character after the
name) and no ``:si`` appears in it (a tag with another prefix); any other region is read
with the regular expression at once, as the whole table used to be.
"""

from __future__ import annotations

import bisect
import operator
import re
from array import array
from itertools import accumulate, count, islice
from typing import IO, Final

REGION: Final = 1 << 16
_PLAIN: Final = b"<si>"  # an item's tag in a counted region (module docstring)


class ItemIndex:
    """The starts of the items of a table kept in a file (see the module docstring).

    ``item`` matches an item's opening tag; ``reach`` is longer than any such tag and the
    character after it. Give the table's bytes to :meth:`feed` in order, then :meth:`open`
    the file they were written to.
    """

    def __init__(self, item: re.Pattern[bytes], reach: int) -> None:
        self._item = item
        self._reach = reach
        self._tag: bytes | None = None  # b"<si", when the table's root has no prefix
        self._firsts = array("q")  # index of each region's first item
        self._bounds: list[tuple[int, int]] = []  # each region's offsets in the file
        self._found: dict[int, array[int]] = {}  # region -> its items' starts, once read
        self._count = 0
        self._file: IO[bytes] | None = None

    def __len__(self) -> int:
        return self._count

    @property
    def regions(self) -> list[tuple[int, int]]:
        """Each region's offsets in the table."""
        return list(self._bounds)

    @property
    def pending(self) -> int:
        """How many regions were counted, their items' offsets not found yet."""
        return len(self._bounds) - len(self._found)

    def feed(self, held: bytes, base: int, stop: int, *, first: bool = False) -> None:
        """Count the items that start in ``held[:stop]`` (``held`` begins at offset
        ``base`` and goes on at least ``reach`` bytes past ``stop``, unless it is the
        table's end); ``first``: ``held`` begins the table (its root tag is in it)."""
        if first:
            root = re.search(rb"<([A-Za-z_][\w.-]*:)?sst[\s>]", held[:4096])
            self._tag = b"<si" if root is not None and root[1] is None else None
        for start in range(0, stop, REGION):
            end = min(start + REGION, stop)
            self._firsts.append(self._count)
            self._bounds.append((base + start, base + end))
            tag = self._tag
            if tag is not None:
                count = held.count(tag, start, end + len(tag) - 1)
                if (count == held.count(tag + b">", start, end + len(tag))
                        and held.find(b":si", start, end + self._reach) < 0):
                    self._count += count
                    continue
            starts = array("q", (m.start() + base for m in self._item.finditer(held, start,
                                                                               end + self._reach)
                                 if m.start() < end))
            self._found[len(self._bounds) - 1] = starts
            self._count += len(starts)

    def open(self, file: IO[bytes], size: int) -> None:
        """The file the table was written to, of ``size`` bytes."""
        self._file = file
        self._size = size

    def span(self, index: int) -> tuple[int, int]:
        """Where item ``index`` starts, and where the next one does (or the table ends)."""
        if not 0 <= index < self._count:
            raise IndexError(index)
        region = bisect.bisect_right(self._firsts, index) - 1
        starts = self._starts(region)
        at = index - self._firsts[region]
        if at + 1 < len(starts):
            return starts[at], starts[at + 1]
        if index + 1 == self._count:
            return starts[at], self._size
        following = bisect.bisect_right(self._firsts, index + 1) - 1
        return starts[at], self._starts(following)[0]

    def _starts(self, region: int) -> array[int]:
        found = self._found.get(region)
        if found is not None:
            return found
        if self._file is None:
            raise ValueError("the table's file is not open")
        start, end = self._bounds[region]
        self._file.seek(start)
        data = self._file.read(end - start + len(_PLAIN) - 1)
        found = _plain_starts(data, start)
        expected = (self._firsts[region + 1] if region + 1 < len(self._firsts)
                    else self._count) - self._firsts[region]
        if len(found) != expected:
            raise ValueError(f"the string table has {len(found)} items at {start}, "
                             f"not {expected}")
        self._found[region] = found
        return found


def _plain_starts(data: bytes, base: int) -> array[int]:
    """Where each ``<si>`` of ``data`` starts, ``base`` added: the items of a counted region,
    in which every item's tag is that one, found without a Python object per item (the
    pieces between the tags, their lengths summed)."""
    pieces = data.split(_PLAIN)
    tag = len(_PLAIN)
    ends = accumulate(map(len, pieces[:-1]), operator.add, initial=base - tag)
    return array("q", map(operator.add, islice(ends, 1, None), count(tag, tag)))
