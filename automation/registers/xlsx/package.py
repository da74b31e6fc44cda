"""The parts of an .xlsx/.xlsm package: finding them, reading them, copying them.

A workbook is a zip of XML parts tied together by relationship files. This module finds the
parts an append needs (the workbook, a sheet by its name, the sheet's tables, the shared
strings, the styles) and writes a new package in which every other member is copied as it
was: same order, same names, same dates, same compression method, same bytes once inflated.
"""

from __future__ import annotations

import posixpath
import re
import tempfile
import zipfile
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Final, overload

from lxml import etree

from automation.registers.xlsx.strindex import ItemIndex

REL_NS: Final = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS: Final = "http://schemas.openxmlformats.org/package/2006/relationships"
_PARSER: Final = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
_ESCAPED_CHAR: Final = re.compile(r"_x([0-9A-Fa-f]{4})_")
_ITEM: Final = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si(?=[\s/>])")
_ITEM_REACH: Final = 256  # longer than any ``<prefix:si`` tag and the character after it
_PHONETIC: Final = re.compile(rb"<(?P<p>(?:[A-Za-z_][\w.-]*:)?)rPh(?=[\s/>]).*?</(?P=p)rPh\s*>",
                              re.DOTALL)
_TEXT: Final = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?t(?=[\s/>])[^>]*?(?:/>|>(.*?)</(?:[A-Za-z_][\w.-]*:)?t\s*>)",
    re.DOTALL)
_PLAIN_ITEM: Final = b"<si><t>"  # the start of an item of one run, written without attributes
_ENTITY: Final = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|lt|gt|amp|quot|apos);")
_NAMED: Final = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


class PackageError(Exception):
    """The file is not a workbook package, or a part it names is missing or broken."""


@dataclass(frozen=True)
class Relationship:
    id: str
    type: str
    target: str  # the part's name inside the zip ("xl/tables/table1.xml"), or an external URL
    external: bool = False


@dataclass(frozen=True)
class SheetEntry:
    name: str
    part: str


def parse_xml(data: bytes, part: str) -> etree._Element:
    try:
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise PackageError(f"part {part} is not well-formed XML: {exc}") from exc


def local(tag: object) -> str:
    """``"{ns}sheet"`` → ``"sheet"``."""
    return str(tag).rpartition("}")[2]


def decode_escapes(text: str) -> str:
    """Excel writes characters XML cannot hold as ``_x000D_``; give them back."""
    if "_x" not in text:
        return text
    return _ESCAPED_CHAR.sub(lambda m: chr(int(m[1], 16)), text)


class Package:
    """An open workbook package, read-only: a file, or bytes in a stream. Use as a context
    manager."""

    def __init__(self, path: Path | IO[bytes], *, spool_strings: bool = False) -> None:
        self.path = path
        # The string table kept in a temporary file rather than in memory (a streaming append).
        self.spool_strings = spool_strings
        try:
            self._zip = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile) as exc:
            raise PackageError(f"not a workbook (zip) file: {exc}") from exc
        self.names = self._zip.namelist()
        self._names = set(self.names)
        self._shared_strings: SharedStrings | None = None
        self.workbook_part = self._main_part()

    def __enter__(self) -> Package:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()
        if self._shared_strings is not None:
            self._shared_strings.close()

    @property
    def archive(self) -> zipfile.ZipFile:
        """The open zip, for reading a member as a stream (:mod:`.zipio`)."""
        return self._zip

    def has(self, part: str) -> bool:
        return part in self._names

    def read(self, part: str) -> bytes:
        if part not in self._names:
            raise PackageError(f"part {part} is missing")
        try:
            return self._zip.read(part)
        except (OSError, zipfile.BadZipFile, EOFError, ValueError) as exc:  # zlib errors too
            raise PackageError(f"part {part} cannot be read: {exc}") from exc

    def relationships(self, part: str) -> list[Relationship]:
        """The relationships of ``part`` (``""`` for the package's own), targets resolved."""
        folder, name = posixpath.split(part)
        rels_part = posixpath.join(folder, "_rels", f"{name}.rels")
        if not self.has(rels_part):
            return []
        found: list[Relationship] = []
        for rel in parse_xml(self.read(rels_part), rels_part):
            if local(rel.tag) != "Relationship":
                continue
            target = rel.get("Target", "")
            external = rel.get("TargetMode") == "External"
            if not external:
                target = _resolve(folder, target)
            found.append(Relationship(rel.get("Id", ""), rel.get("Type", ""), target, external))
        return found

    def related(self, part: str, kind: str) -> list[str]:
        """Targets of ``part``'s relationships whose type ends with ``/kind``."""
        return [r.target for r in self.relationships(part)
                if r.type.endswith("/" + kind) and not r.external]

    def sheets(self) -> list[SheetEntry]:
        root = parse_xml(self.read(self.workbook_part), self.workbook_part)
        targets = {r.id: r.target for r in self.relationships(self.workbook_part)}
        entries: list[SheetEntry] = []
        for element in root.iter():
            if local(element.tag) != "sheet":
                continue
            rel_id = element.get(f"{{{REL_NS}}}id") or next(
                (v for k, v in element.attrib.items() if local(k) == "id"), "")
            if rel_id in targets:
                entries.append(SheetEntry(element.get("name", ""), targets[rel_id]))
        return entries

    def sheet_part(self, name: str) -> str | None:
        """The part of the sheet called ``name`` (exactly, or else ignoring case)."""
        entries = self.sheets()
        for entry in entries:
            if entry.name == name:
                return entry.part
        for entry in entries:
            if entry.name.casefold() == name.casefold():
                return entry.part
        return None

    def date1904(self) -> bool:
        root = parse_xml(self.read(self.workbook_part), self.workbook_part)
        for element in root:
            if local(element.tag) == "workbookPr":
                return element.get("date1904", "0").lower() in {"1", "true"}
        return False

    def shared_strings(self) -> SharedStrings:
        """The shared string table, read item by item when an item is asked for."""
        if self._shared_strings is None:
            parts = self.related(self.workbook_part, "sharedStrings")[:1]
            if parts and self.spool_strings and self.has(parts[0]):
                self._shared_strings = SharedStrings.spooled(self._chunks(parts[0]))
            else:
                self._shared_strings = SharedStrings(self.read(parts[0]) if parts else b"")
        return self._shared_strings

    def _chunks(self, part: str) -> Iterator[bytes]:
        try:
            with self._zip.open(part) as member:
                while chunk := member.read(1 << 20):
                    yield chunk
        except (OSError, zipfile.BadZipFile, EOFError, ValueError) as exc:
            raise PackageError(f"part {part} cannot be read: {exc}") from exc

    def _main_part(self) -> str:
        for rel in self.relationships(""):
            if rel.type.endswith("/officeDocument") and self.has(rel.target):
                return rel.target
        if self.has("xl/workbook.xml"):
            return "xl/workbook.xml"
        raise PackageError("no workbook part in the package")


def _resolve(folder: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(folder, target))


class SharedStrings(Sequence[str]):
    """The ``<si>`` items of ``sharedStrings.xml``, located at once, decoded on demand.

    A register of 50,000 rows holds hundreds of thousands of strings; the tool needs a few
    of them (headers, ids), so it never builds them all.
    """

    def __init__(self, data: bytes) -> None:
        self.data = data
        self._starts = array("q", (m.start() for m in _ITEM.finditer(data)))
        self._cache: dict[int, str] = {}
        self._file: IO[bytes] | None = None
        self._size = len(data)
        self._index: ItemIndex | None = None  # instead of ``_starts``, when spooled

    @classmethod
    def spooled(cls, chunks: Iterator[bytes]) -> SharedStrings:
        """The table of the part given in ``chunks``, kept in a temporary file (``data`` is
        then empty): a few hundred thousand strings take no memory, and their offsets are
        found only where an item is asked for (:class:`~.strindex.ItemIndex`)."""
        table = cls(b"")
        index = table._index = ItemIndex(_ITEM, _ITEM_REACH)
        spool = tempfile.TemporaryFile()  # noqa: SIM115 - lives as long as the table
        held = b""
        base = 0  # the offset of ``held`` in the part
        for chunk in chunks:
            spool.write(chunk)
            held += chunk
            safe = max(len(held) - _ITEM_REACH, 0)  # an item tag starting here is whole
            index.feed(held, base, safe, first=not base)
            base += safe
            held = held[safe:]
        index.feed(held, base, len(held), first=not base)
        table._size = base + len(held)
        table._file = spool
        index.open(spool, table._size)
        return table

    def close(self) -> None:
        """Let the temporary file of a spooled table go (its texts read so far stay)."""
        if self._file is not None:
            self._file.close()

    def _item(self, start: int, end: int) -> bytes:
        if self._file is None:
            return self.data[start:end]
        self._file.seek(start)
        return self._file.read(end - start)

    def __len__(self) -> int:
        return len(self._starts) if self._index is None else len(self._index)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[str]: ...

    def __getitem__(self, index: int | slice) -> str | Sequence[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        if index in self._cache:
            return self._cache[index]
        value = self.text(index)
        self._cache[index] = value
        return value

    def text(self, index: int) -> str:
        """Item ``index``, decoded without being kept (a scan of every id reads each once)."""
        if index in self._cache:
            return self._cache[index]
        if self._index is not None:
            start, end = self._index.span(index + len(self._index) if index < 0 else index)
        else:
            start = self._starts[index]  # IndexError as a list would
            end = self._starts[index + 1] if index + 1 < len(self._starts) else self._size
        item = self._item(start, end)
        close = item.find(b"</t>") if item.startswith(_PLAIN_ITEM) else -1
        if close > 0 and item.count(b"<") == 4:  # <si><t>…</t></si>
            text = item[len(_PLAIN_ITEM):close].decode("utf-8")
        else:
            if b"rPh" in item:
                item = _PHONETIC.sub(b"", item)
            text = b"".join(t[1] or b"" for t in _TEXT.finditer(item)).decode("utf-8")
        return decode_escapes(xml_unescape(text))


def xml_unescape(text: str) -> str:
    if "&" not in text:
        return text
    return _ENTITY.sub(_entity, text)


def _entity(match: re.Match[str]) -> str:
    name = match[1]
    if name.startswith("#x"):
        return chr(int(name[2:], 16))
    if name.startswith("#"):
        return chr(int(name[1:]))
    return _NAMED[name]


def write_package(source: Path, target: Path, replaced: Mapping[str, bytes]) -> None:
    """Write ``target``: the members of ``source`` in their order, ``replaced`` ones swapped.

    Members keep their name, date, compression method and attributes; untouched members
    are the same bytes once inflated.
    """
    unknown = set(replaced)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w") as copy:
        for info in original.infolist():
            unknown.discard(info.filename)
            data = replaced.get(info.filename)
            if data is None:
                data = original.read(info)
            member = zipfile.ZipInfo(info.filename, info.date_time)
            member.compress_type = info.compress_type
            member.external_attr = info.external_attr
            member.create_system = info.create_system
            member.comment = info.comment
            copy.writestr(member, data)
    if unknown:
        raise PackageError(f"parts not in the package: {', '.join(sorted(unknown))}")
