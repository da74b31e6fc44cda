"""What arrived: the one value every source hands to the pipeline.

A file dropped into ``inbox/``, a file given to ``automation ingest``, a mail fetched from a
mailbox and a file attached to a mail all become an :class:`Arrival`: where it came from,
its name, its bytes (read once, with a size cap, hashed as they are read), its fingerprint,
the register it is meant for when the source says so, and — for an attachment — the mail it
came with. Everything after that is shared code (:mod:`automation.pipeline.runner`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePath
from typing import Final

WORKBOOK_SUFFIXES: Final = frozenset({".xlsx", ".xlsm", ".xls", ".ods"})
CSV_SUFFIXES: Final = frozenset({".csv"})
SPREADSHEET_SUFFIXES: Final = WORKBOOK_SUFFIXES | CSV_SUFFIXES
MAIL_SUFFIXES: Final = frozenset({".eml", ".msg"})


class Source(StrEnum):
    """Where an arrival came from. The mailbox kinds are also the values of ``[mail] source``
    (``folder`` there means: mails saved as files into the inbox, no mailbox)."""

    FOLDER = "folder"  # dropped into inbox/ (spreadsheets and saved mails)
    INGEST = "ingest"  # given to `automation ingest`, kept where it is
    IMAP = "imap"
    EXCHANGE = "exchange"
    GRAPH = "graph"
    ATTACHMENT = "attachment"  # attached to a mail: see Arrival.parent

    @property
    def is_mailbox(self) -> bool:
        return self in {Source.IMAP, Source.EXCHANGE, Source.GRAPH}


class Form(StrEnum):
    """How an arrival is read."""

    SPREADSHEET = "spreadsheet"
    MAIL = "mail"
    OTHER = "other"  # a format the tool does not read (a PDF, a photo)


def form_of(name: str) -> Form:
    suffix = PurePath(name).suffix.lower()
    if suffix in SPREADSHEET_SUFFIXES:
        return Form.SPREADSHEET
    if suffix in MAIL_SUFFIXES:
        return Form.MAIL
    return Form.OTHER


@dataclass(frozen=True)
class Stamp:
    """A file's size and modification time when it was read: a later change shows."""

    size: int
    mtime_ns: int


@dataclass(frozen=True)
class Parent:
    """The mail an attachment came with."""

    fingerprint: str  # the mail's (from its Message-ID)
    register: str | None  # how the mail was classified: the attachment's hint
    label: str  # how a person finds the mail: "mail de x@y.fr du 12/03/2026 10:15"


@dataclass(frozen=True)
class Arrival:
    source: Source
    name: str  # the file's name, or for a mailbox's mail "<Message-ID>.eml"
    data: bytes | None  # None when it was over the size limit and never read
    size: int  # bytes (the file's size even when it was not read)
    fingerprint: str  # sha256 of ``data``; for a mailbox's mail, from its Message-ID
    place: str  # where a person finds it: "inbox/reclamations/x.csv", "imap INBOX"
    hint: str | None = None  # the register named by the inbox sub-folder, or the parent's
    parent: Parent | None = None
    path: Path | None = None  # the file itself (inbox or elsewhere); None for mail and parts
    stamp: Stamp | None = None  # the file as it was read
    folder: str = ""  # the mailbox folder or inbox sub-folder it was found in
    refusal: str = ""  # French: why the source refuses it unread (a link, not a plain file)

    @property
    def form(self) -> Form:
        return Form.MAIL if self.source.is_mailbox else form_of(self.name)

    @property
    def suffix(self) -> str:
        return PurePath(self.name).suffix.lower()
