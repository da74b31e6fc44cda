"""One dropped file, from the inbox to ``processed/``, ``rejected/`` or ``duplicates/``.

Whatever happens, a handled file leaves the inbox: its rows are in a register, or it is back
in ``rejected/`` with a French explanation, or it was seen before. A file that is still being
copied (empty, or locked by the program writing it) raises
:class:`~automation.sources.folder.FileNotReady` and stays for a later try.
"""

from __future__ import annotations

import hashlib
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

from automation.errors import FileNotReady, IntakeError
from automation.intake.rejection import write_rejection_copy, write_rejection_note
from automation.intake.spreadsheet import read_spreadsheet
from automation.pipeline import letters, store
from automation.pipeline.mail import ingest_mail
from automation.pipeline.office import Office
from automation.registers.journal import SourceStatus
from automation.sources.saved_mail import read_saved_mail

SPREADSHEET_SUFFIXES: Final = frozenset({".xlsx", ".xlsm", ".xls", ".ods", ".csv"})
MAIL_SUFFIXES: Final = frozenset({".eml", ".msg"})
PROCESSED: Final = "processed"
REJECTED: Final = "rejected"
DUPLICATES: Final = "duplicates"
UNCLASSIFIED: Final = "unclassified"  # saved mails no rule classifies: a person's to sort
FILED_FOLDERS: Final = frozenset({PROCESSED, REJECTED, DUPLICATES, UNCLASSIFIED})

log = logging.getLogger(__name__)


@dataclass
class FileReport:
    """What happened to one dropped file: the summary a person reads."""

    path: Path
    register: str = ""
    routed_by_headers: bool = False
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    filed_to: Path | None = None
    rejection_copy: Path | None = None
    message: str = ""  # French, when the whole file was refused or was a duplicate
    letters: list[Path] = field(default_factory=list)
    waiting: str = ""  # why rows wait in the journal (register open in Excel)

    @property
    def ok(self) -> bool:
        """Every row handled: none refused, the file not refused whole nor left waiting."""
        filed = self.filed_to.parent.name if self.filed_to else ""
        return self.rejected == 0 and filed in {PROCESSED, DUPLICATES}


def register_hint(office: Office, path: Path) -> str | None:
    """The register named by the inbox sub-folder the file was dropped in, if any."""
    try:
        relative = path.relative_to(office.config.inbox_dir)
    except ValueError:
        return None
    if len(relative.parts) >= 2 and office.config.binding_exists(relative.parts[0]):
        return relative.parts[0]
    return None


def ingest_file(office: Office, path: Path, *, hint: str | None = None) -> FileReport:
    """Read, record, write and file one dropped file. Raises :class:`FileNotReady` to retry."""
    hint = hint if hint is not None else register_hint(office, path)
    report = FileReport(path=path)
    content = _read_all(path)
    fingerprint = hashlib.sha256(content).hexdigest()
    status = office.journal.source_status(fingerprint)
    if status is SourceStatus.FILED:
        report.message = ("Ce fichier a déjà été traité à l'identique : "
                          "aucune ligne n'a été ajoutée une seconde fois.")
        report.filed_to = file_away(office, path, DUPLICATES)
        return report

    suffix = path.suffix.lower()
    if suffix in MAIL_SUFFIXES:
        return _ingest_saved_mail(office, path, fingerprint, report)
    if suffix not in SPREADSHEET_SUFFIXES:
        return _refuse(office, path, fingerprint, report, (
            f"Le format « {suffix or 'sans extension'} » n'est pas pris en charge. Déposez un "
            "tableur (.xlsx, .xlsm, .xls, .ods, .csv) ou un courriel enregistré (.eml, .msg)."))
    try:
        intake = read_spreadsheet(path, hint=hint, limits=office.config.intake,
                                  source_name=path.name, forms=office.config.survey_forms)
    except FileNotReady as exc:
        raise FileNotReady(str(exc)) from exc
    except IntakeError as exc:
        return _refuse(office, path, fingerprint, report, str(exc))

    report.register = intake.register
    report.routed_by_headers = intake.routed_by_headers
    now = office.clock.now()

    def mark_recorded() -> None:
        office.journal.mark_source(fingerprint, name=path.name, status=SourceStatus.RECORDED,
                                   now=now)

    outcome = store.record(office, intake.records, origin=f"file:{path.name}",
                           also=mark_recorded)
    report.accepted = len(outcome.stored)
    report.duplicates = len(outcome.duplicates)
    report.rejected = len(intake.rejections)
    flushed = store.flush(office, [intake.register])
    report.waiting = flushed.waiting.get(intake.register, "")
    report.letters = [o.path for o in letters.produce_pending(office) if o.path is not None]
    if intake.rejections:
        target = _unique(office.config.inbox_dir / REJECTED / f"{path.stem} - lignes refusées.xlsx")
        write_rejection_copy(intake, target)
        report.rejection_copy = target
    report.filed_to = file_away(office, path, PROCESSED)
    office.journal.mark_source(fingerprint, name=path.name, status=SourceStatus.FILED,
                               now=office.clock.now(), detail=str(report.filed_to))
    return report


def _ingest_saved_mail(office: Office, path: Path, fingerprint: str,
                       report: FileReport) -> FileReport:
    """A mail saved from Outlook (.eml, .msg): one row, like a mail from the mailbox."""
    try:
        item = read_saved_mail(path)
    except IntakeError as exc:
        return _refuse(office, path, fingerprint, report, str(exc))
    place = path.relative_to(office.config.inbox_dir).as_posix()
    outcome = ingest_mail(office, item, place=f"inbox/{place}")
    report.register = outcome.register
    report.accepted = 0 if outcome.duplicate or not outcome.record_id else 1
    report.duplicates = 1 if outcome.duplicate else 0
    if outcome.left_for_a_person:
        report.message = f"Courriel non enregistré : {outcome.left_for_a_person}."
        folder = REJECTED if outcome.unreadable else UNCLASSIFIED
        report.filed_to = file_away(office, path, folder)
        if folder == REJECTED:
            write_rejection_note(
                report.filed_to.with_name(report.filed_to.name + ".LISEZ-MOI.txt"),
                report.message)
    else:
        report.filed_to = file_away(office, path, PROCESSED)
    office.journal.mark_source(fingerprint, name=path.name, status=SourceStatus.FILED,
                               now=office.clock.now(), detail=str(report.filed_to))
    return report


def _refuse(office: Office, path: Path, fingerprint: str, report: FileReport,
            message: str) -> FileReport:
    report.message = message
    report.filed_to = file_away(office, path, REJECTED)
    write_rejection_note(report.filed_to.with_name(report.filed_to.name + ".LISEZ-MOI.txt"),
                         message)
    office.journal.mark_source(fingerprint, name=path.name, status=SourceStatus.FILED,
                               now=office.clock.now(), detail=message)
    return report


def _read_all(path: Path) -> bytes:
    try:
        content = path.read_bytes()
    except PermissionError as exc:  # still open for writing by the program copying it
        raise FileNotReady(f"{path.name}: locked by another program") from exc
    if not content:
        raise FileNotReady(f"{path.name}: still empty")
    return content


def file_away(office: Office, path: Path, folder: str) -> Path:
    target = _unique(office.config.inbox_dir / folder / path.name)
    try:
        shutil.move(path, target)
    except PermissionError as exc:
        raise FileNotReady(f"{path.name}: cannot be moved yet (open in another program)") from exc
    log.info("%s → %s/", path.name, folder)
    return target


def _unique(target: Path) -> Path:
    """``target``, or the same name with a number when it is taken: nothing is overwritten."""
    target.parent.mkdir(parents=True, exist_ok=True)
    candidate, number = target, 2
    while candidate.exists():
        candidate = target.with_name(f"{target.stem} ({number}){target.suffix}")
        number += 1
    return candidate
