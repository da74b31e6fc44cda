"""What became of one arrival: the summary a person reads (``ingest``, ``watch``, ``mail``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from automation.arrival import Source


class Verdict(StrEnum):
    """How an arrival ended; the value is the inbox folder a dropped file is filed in."""

    RECORDED = "processed"  # its rows are in the journal (some may have been refused)
    REFUSED = "rejected"  # refused whole, with a note saying what to do; may be dropped again
    DUPLICATE = "duplicates"  # seen before: nothing recorded twice
    LEFT = "unclassified"  # a mail no rule classified: a person's to sort
    KEPT = "kept"  # an attachment kept as evidence with its mail, not read into rows


@dataclass
class Report:
    name: str
    place: str
    source: Source
    path: Path | None = None  # the file as it was found (None for a mailbox's mail)
    verdict: Verdict | None = None
    register: str = ""
    routed_by_headers: bool = False
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    filed_to: Path | None = None  # where the dropped file went (or its copy, for ingest)
    rejection_copy: Path | None = None
    message: str = ""  # French, when refused whole, a duplicate, or left for a person
    letters: list[Path] = field(default_factory=list)
    waiting: str = ""  # why rows wait in the journal (register open in Excel)
    subject: str = ""  # a mail's
    rule: str = ""  # the rule that classified a mail
    record_id: str = ""  # a mail's row
    unreadable: bool = False  # a mail left because it could not be read
    answered: str = ""  # "draft", "sent", or "" (letter only in outbox/)
    attachments: list[Report] = field(default_factory=list)  # a mail's attached files
    kept: list[Path] = field(default_factory=list)  # attachments saved with the mail's row

    @property
    def duplicate(self) -> bool:
        return self.verdict is Verdict.DUPLICATE

    @property
    def left_for_a_person(self) -> str:
        """Why a mail was not recorded (French); ``""`` when it was."""
        return self.message if self.verdict in {Verdict.LEFT, Verdict.REFUSED} else ""

    @property
    def ok(self) -> bool:
        """Every row handled: none refused, nothing refused whole nor left waiting."""
        return (self.rejected == 0 and self.verdict in {Verdict.RECORDED, Verdict.DUPLICATE}
                and all(child.ok or child.verdict is Verdict.KEPT
                        for child in self.attachments))
