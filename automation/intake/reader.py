"""What the pipeline's read stage calls to turn an arrival's bytes into rows or a mail.

:class:`Reader` is the seam: :class:`InProcessReader` reads in the calling process (the
sandbox's child runs it, and so can a test that wants no child), and
:class:`~automation.intake.sandbox.SandboxReader` runs the same calls in a child process that
a native abort, a MemoryError or an endless file cannot take the watcher down with.
Both raise :class:`~automation.errors.IntakeError` with a French reason for a file that
cannot be read.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TypeAlias

from automation.errors import IntakeError

if TYPE_CHECKING:
    from automation.intake.config import Intake
    from automation.intake.forms import FormEntry
    from automation.intake.mail import ParsedMail
    from automation.intake.tables import SpreadsheetIntake, Table
    from automation.intake.validate import HandOver


@dataclass(frozen=True)
class MailRequest:
    """A mail to parse: a mailbox's raw bytes, or a saved ``.eml``/``.msg`` file's."""

    name: str
    data: bytes
    saved: bool  # a file saved from Outlook (a .msg is converted first)
    fallback: datetime  # stands in for a missing Date header
    max_attachment_bytes: int
    limits: Intake  # the reader's memory and time limits


@dataclass(frozen=True)
class MailBatch:
    """Several mails parsed in one exchange with the reader (a mailbox's group)."""

    requests: tuple[MailRequest, ...]


MailRead: TypeAlias = "ParsedMail | IntakeError"  # a mail of a batch: parsed, or why not


@dataclass(frozen=True)
class SheetRequest:
    """A spreadsheet to read, route and validate (see :func:`read_spreadsheet`)."""

    name: str
    data: bytes
    hint: str | None
    limits: Intake
    source_name: str
    forms: tuple[FormEntry, ...] = ()  # the office's [[surveys.forms]]


@dataclass(frozen=True)
class HeadRequest:
    """The first rows of every sheet of a spreadsheet (see :func:`first_rows`): where its
    headers and titles are, to decide what an attached file is."""

    name: str
    data: bytes
    limits: Intake


class Reader(Protocol):
    """Reads an arrival's bytes; :class:`IntakeError` (French) when they cannot be read."""

    def spreadsheet(self, request: SheetRequest) -> SpreadsheetIntake: ...

    def first_rows(self, request: HeadRequest) -> list[Table]: ...

    def mail(self, request: MailRequest) -> ParsedMail: ...

    def mails(self, batch: MailBatch) -> list[MailRead]:
        """Each mail of ``batch``, parsed or refused, in order (one exchange for all)."""
        ...


class InProcessReader:
    """Reads in this process: what the sandbox's child does with each request.

    The parsers load at the first read: a process that only sends requests to the sandbox
    (the pipeline) never loads them.
    """

    def spreadsheet(self, request: SheetRequest, *,
                    hand_over: HandOver | None = None) -> SpreadsheetIntake:
        """``hand_over``: see :func:`~automation.intake.spreadsheet.read_spreadsheet`."""
        from automation.intake.spreadsheet import read_spreadsheet

        return read_spreadsheet(request.name, request.data, hint=request.hint,
                                limits=request.limits, source_name=request.source_name,
                                forms=request.forms, hand_over=hand_over)

    def first_rows(self, request: HeadRequest) -> list[Table]:
        from automation.intake.spreadsheet import first_rows

        return first_rows(request.name, request.data, limits=request.limits)

    def mail(self, request: MailRequest) -> ParsedMail:
        from automation.intake.mail import parse_mail
        from automation.sources.saved_mail import msg_to_mime, saved_mail_raw

        data = request.data
        if request.saved:
            data = saved_mail_raw(request.name, data, path=Path(request.name))
        return parse_mail(data, fallback_date=request.fallback,
                          max_attachment_bytes=request.max_attachment_bytes,
                          convert_msg=msg_to_mime)

    def mails(self, batch: MailBatch) -> list[MailRead]:
        return [_read_one(self, request) for request in batch.requests]


def _read_one(reader: Reader, request: MailRequest) -> MailRead:
    try:
        return reader.mail(request)
    except IntakeError as exc:
        return exc
