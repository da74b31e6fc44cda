"""The pieces that let an append copy a sheet's middle rows without inflating them.

The CRC-32 of data put together from the CRC-32 of its pieces, a member written from
inflated bytes, full flushes and spans of compressed bytes copied from an earlier member
(zipfile reads the result and checks its CRC), and the string table's item offsets found
region by region as the one-pass regular expression finds them.
"""

from __future__ import annotations

import random
import threading
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.registers.xlsx.crc import crc32_combine
from automation.registers.xlsx.package import SharedStrings
from automation.registers.xlsx.strindex import REGION
from automation.registers.xlsx.zipio import (
    BEHIND_FROM,
    Flush,
    PackageWriter,
    Stored,
    ZipStreamError,
)

# After how many bytes a member goes on being deflated in a thread of its own: never, or
# after its first piece; both must write the same member.
IN_THREAD = pytest.mark.parametrize("behind_from", [1 << 62, 1], ids=["inline", "in-thread"])


@given(st.binary(max_size=2000), st.binary(max_size=2000))
def test_the_crc_of_two_pieces_put_together_is_that_of_the_whole(first: bytes,
                                                                  second: bytes) -> None:
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(
        first + second)


def test_the_crc_of_pieces_of_megabytes_is_that_of_the_whole() -> None:
    pieces = [random.Random(n).randbytes(size) for n, size in enumerate((3, 5 << 20, 1 << 20))]
    crc = 0
    for piece in pieces:
        crc = crc32_combine(crc, zlib.crc32(piece), len(piece))
    assert crc == zlib.crc32(b"".join(pieces))


def rows(first: int, count: int) -> bytes:
    return b"".join(b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>ligne %d</t></is></c></row>'
                    % (n, n, n * 7919 % 1000) for n in range(first, first + count))


def write(path: Path, pieces: Iterable[bytes | Flush | Stored], behind_from: int = BEHIND_FROM,
          ) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo("xl/worksheets/sheet1.xml", (2026, 11, 23, 9, 30, 0))
    with PackageWriter(path) as out:
        out.deflated(info, pieces, behind_from=behind_from)
    with zipfile.ZipFile(path) as archive:
        return archive.getinfo(info.filename)


@IN_THREAD
def test_a_span_between_full_flushes_is_copied_into_another_member_as_stored(
        tmp_path: Path, behind_from: int) -> None:
    head, middle, tail = b"<sheetData>", rows(1, 3000), rows(3001, 5) + b"</sheetData>"
    start, end = Flush(), Flush()
    first = write(tmp_path / "first.xlsx", [head, start, middle, end, tail], behind_from)
    assert start.inflated == len(head) and end.inflated == len(head) + len(middle)
    span = Stored(tmp_path / "first.xlsx", first, start.offset, end.offset, zlib.crc32(middle),
                  len(middle), end.crc)
    new_tail = rows(3001, 40) + b"</sheetData>"
    again = Flush()
    second = write(tmp_path / "second.xlsx", [b"<sheetData >", again, span, new_tail], behind_from)
    with zipfile.ZipFile(tmp_path / "second.xlsx") as archive:
        assert archive.testzip() is None  # inflates to the CRC the writer combined
        assert archive.read(second) == b"<sheetData >" + middle + new_tail
    whole = b"<sheetData >" + middle + new_tail
    assert zlib.crc32(whole) == second.CRC


@IN_THREAD
def test_stored_bytes_that_changed_or_follow_no_flush_are_refused(tmp_path: Path,
                                                                    behind_from: int) -> None:
    start, end = Flush(), Flush()
    middle = rows(1, 500)
    first = write(tmp_path / "first.xlsx", [b"<a>", start, middle, end, b"</a>"], behind_from)
    span = Stored(tmp_path / "first.xlsx", first, start.offset, end.offset, zlib.crc32(middle),
                  len(middle), end.crc ^ 1)
    with pytest.raises(ZipStreamError, match="changed"):
        write(tmp_path / "changed.xlsx", [b"<a>", Flush(), span, *[rows(1, 50)] * 20], behind_from)
    with pytest.raises(ZipStreamError, match="full flush"):
        write(tmp_path / "unflushed.xlsx", [b"<a>", span], behind_from)
    assert [t.name for t in threading.enumerate() if t.name == "deflate"] == []


@IN_THREAD
def test_a_member_whose_pieces_fail_half_way_raises_their_error_and_leaves_no_thread(
        tmp_path: Path, behind_from: int) -> None:
    def pieces() -> Iterator[bytes]:
        for n in range(40):
            yield rows(n * 100 + 1, 100)
        raise ValueError("la source s'est arrêtée")

    with pytest.raises(ValueError, match="arrêtée"):
        write(tmp_path / "broken.xlsx", pieces(), behind_from)
    assert [t.name for t in threading.enumerate() if t.name == "deflate"] == []


def test_a_large_member_is_deflated_beside_its_pieces_as_zipfile_deflates_it(
        tmp_path: Path) -> None:
    chance = random.Random(7)
    pieces = [rows(n * 2000 + 1, 2000) + chance.randbytes(200) for n in range(40)]
    assert sum(map(len, pieces)) > BEHIND_FROM
    info = write(tmp_path / "large.xlsx", pieces)
    with zipfile.ZipFile(tmp_path / "large.xlsx") as archive:
        assert archive.testzip() is None
        assert archive.read(info) == b"".join(pieces)


def table(items: list[bytes], *, prefix: bytes = b"") -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<' + prefix
            + b'sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + b"".join(items) + b"</" + prefix + b"sst>")


def variety(count: int, seed: int) -> list[bytes]:
    """Items as Excel writes them, with the odd one a tool writes otherwise among the first
    400 and the last 100 (the regions between have none), and one item longer than a
    region."""
    chance = random.Random(seed)
    found = []
    for n in range(count):
        text = b"Objet %d : " % n + b"x" * chance.randrange(0, 300)
        kind = chance.random() if n < 400 or n >= count - 100 else 1.0
        if kind < 0.01:
            found.append(b'<si  ><t xml:space="preserve"> ' + text + b"</t></si>")
        elif kind < 0.02:
            found.append(b"<si\n><r><t>" + text + b"</t></r><r><t>voir:site</t></r></si>")
        elif kind < 0.025:
            found.append(b"<x:si><x:t>" + text + b"</x:t></x:si>")
        elif kind < 0.03:
            found.append(b"<si/>")
        elif n == count // 2:  # longer than a region: regions without an item's start
            found.append(b"<si><t>" + text * 2000 + b"</t></si>")
        else:
            found.append(b"<si><t>" + text + b"</t></si>")
    return found


@pytest.mark.parametrize(("seed", "chunk"), [(1, 1 << 20), (2, 4096), (3, 997), (4, REGION)])
def test_a_spooled_string_table_finds_every_item_as_the_whole_table_does(
        seed: int, chunk: int) -> None:
    data = table(variety(3000, seed))
    assert len(data) > 4 * REGION
    in_memory = SharedStrings(data)
    spooled = SharedStrings.spooled(iter([data[i:i + chunk]
                                          for i in range(0, len(data), chunk)]))
    try:
        assert len(spooled) == len(in_memory) == 3000
        index = spooled._index  # some regions counted only, some read at once
        assert index is not None and 0 < index.pending < len(index.regions)
        order = list(range(len(spooled)))
        random.Random(seed).shuffle(order)  # regions found in any order
        assert {i: spooled.text(i) for i in order} == {i: in_memory.text(i) for i in order}
    finally:
        spooled.close()


def test_a_prefixed_string_table_is_read_with_the_expression() -> None:
    items = [b"<x:si><x:t>%d</x:t></x:si>" % n for n in range(20000)]
    data = table(items, prefix=b"x:")
    spooled = SharedStrings.spooled(iter([data]))
    try:
        assert len(spooled) == 20000
        assert spooled.text(19999) == "19999" and spooled.text(12345) == "12345"
    finally:
        spooled.close()
