"""What an erasure (or an export) touches, found before anything is changed.

:func:`survey` reads the registers, the journal, the outbox and the inbox's filed copies,
and returns a :class:`Scope`: the register rows to rewrite (with their new values), the
journal entries to rewrite, the letters, drafts and attachments to remove, the saved mails
to remove, the copies to rewrite, and the backups to go through. Nothing is written; the
same scope is shown to the person (``--dry-run``, the confirmation) and then applied.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Final

from automation.errors import AutomationError, RegisterError
from automation.intake.mail import parse_mail
from automation.pipeline.filing import FILED_FOLDERS
from automation.pipeline.mail_steps import ATTACHMENTS_FOLDER
from automation.pipeline.office import Office
from automation.procedures.planning import read_planning
from automation.records import CellValue
from automation.registers.binding import RegisterBinding
from automation.registers.journal import JournalText
from automation.registers.journal.values import dump_value, dump_values, load_value, load_values
from automation.registers.reader import read_register
from automation.registers.schema import READ_ONLY_REGISTERS, SESSIONS
from automation.rgpd.files import rewrite_copy, scrub_register_texts
from automation.rgpd.plan import PersonTarget, RowKey, Target
from automation.sources.saved_mail import SAVED_MAIL_SUFFIXES, saved_mail_raw

log = logging.getLogger(__name__)

REWRITABLE: Final = frozenset({".xlsx", ".xlsm", ".csv", ".txt"})
PDF_FOLDER: Final = ".pdf"  # under outbox/: letters converted to attach to a sent reply
_ATTACHMENTS_SUFFIX: Final = ATTACHMENTS_FOLDER.format(record_id="")


@dataclass(frozen=True)
class RowPlan:
    """One register row to rewrite: where it is, its values, the fields that change."""

    register: str
    record_id: str
    line: int  # the row a person sees in Excel; 0 for a row known to the journal only
    values: Mapping[str, CellValue]
    changes: Mapping[str, CellValue]
    about: bool  # the row is the person's (letters and mails go with it)


@dataclass(frozen=True)
class PlanningEntry:
    """A line of the office's planning naming the person (never written by the tool)."""

    session_ref: str
    training: str
    start: datetime
    name: str
    email: str
    role: str  # "participant" or "formateur"


@dataclass(frozen=True)
class SavedMail:
    path: Path
    own: bool  # the person's own mail (sent by them, or the source of their row)


@dataclass(frozen=True)
class Scope:
    target: Target
    rows: tuple[RowPlan, ...] = ()
    planning: tuple[PlanningEntry, ...] = ()  # the office's planning: to fix by hand
    journal: tuple[tuple[JournalText, str], ...] = ()  # entries and their new text
    outbox: tuple[Path, ...] = ()  # letters, drafts, PDFs and attachment folders to remove
    mails: tuple[SavedMail, ...] = ()  # saved mails to remove
    copies: tuple[Path, ...] = ()  # files kept by the tool that mention the person
    workbooks: tuple[Path, ...] = ()  # registers with texts to rewrite beyond their rows
    backups: tuple[Path, ...] = ()  # backups to go through
    about: frozenset[RowKey] = field(default_factory=frozenset)

    @property
    def empty(self) -> bool:
        return not (self.changed_rows or self.journal or self.outbox or self.mails
                    or self.copies or self.workbooks)

    @property
    def changed_rows(self) -> list[RowPlan]:
        """The rows with something left to rewrite (an anonymised row has nothing)."""
        return [r for r in self.rows if r.changes]

    def rows_of(self, register: str) -> list[RowPlan]:
        return [r for r in self.rows if r.register == register and r.line]


def register_rows(binding: RegisterBinding) -> dict[str, tuple[int, dict[str, CellValue]]]:
    """The workbook's rows by id: (line, values); the first row of an id typed twice wins."""
    rows: dict[str, tuple[int, dict[str, CellValue]]] = {}
    for row in read_register(binding):
        rows.setdefault(row.record_id, (row.line, row.values))
    return rows


def survey(office: Office, target: Target) -> Scope:
    """Everything ``target`` touches in the office, nothing changed yet."""
    config = office.config
    rows: list[RowPlan] = []
    seen: set[RowKey] = set()
    for binding in config.bindings():
        for record_id, (line, values) in register_rows(binding).items():
            seen.add((binding.key, record_id))
            changes = target.row_changes(binding.key, record_id, values)
            about = target.about(binding.key, record_id, values)
            if changes or about:
                rows.append(RowPlan(binding.key, record_id, line, values, changes, about))
    for register, record_id, values in office.journal.known_rows():
        key = (register, record_id)
        if key in seen:
            continue
        seen.add(key)
        changes = target.row_changes(register, record_id, values)
        about = target.about(register, record_id, values)
        if changes or about:
            rows.append(RowPlan(register, record_id, 0, values, changes, about))
    about_rows = frozenset((r.register, r.record_id) for r in rows if r.about)
    own_files = {origin_name(origin): key for key, origin in office.journal.row_origins().items()
                 if key in about_rows}
    journal = tuple(journal_rewrites(office, target, own_files))
    mails = tuple(saved_mails(office, about_rows, target))
    outbox = tuple(outbox_entries(config.outbox_dir, {rid for _, rid in about_rows}))
    gone = {m.path for m in mails} | set(outbox)
    return Scope(
        target=target, rows=tuple(rows), planning=tuple(planning_rows(office, target)),
        journal=journal, outbox=outbox, mails=mails,
        copies=tuple(p for p in kept_copies(office) if p not in gone
                     and not any(parent in gone for parent in p.parents)
                     and mentions_in_file(p, target)),
        workbooks=tuple(b.path for b in config.bindings() if b.path.exists()
                        and scrub_register_texts(b.path, b.key, target, backup_dir=None,
                                                 dry_run=True).changed),
        backups=tuple(sorted(office.backup_dir.glob("*.xls[xm]"))
                      if office.backup_dir.exists() else ()),
        about=about_rows)


def planning_rows(office: Office, target: Target) -> list[PlanningEntry]:
    """The planning's participants (and trainers) the target names: the office's to fix."""
    try:
        planning = read_planning(office.config.binding(SESSIONS.key))
    except RegisterError as exc:
        log.warning("the sessions planning is not read: %s", exc)
        return []
    found: list[PlanningEntry] = []
    for session in planning.sessions:
        if target.about(SESSIONS.key, "", {"trainer": session.trainer}):
            found.append(PlanningEntry(session.ref, session.training, session.start,
                                       session.trainer, "", "formateur"))
        for person in session.participants:
            values: dict[str, CellValue] = {
                "learner": person.learner, "email": person.email,
                "prescriber": person.prescriber, "prescriber_email": person.prescriber_email}
            if target.about(SESSIONS.key, "", values):
                found.append(PlanningEntry(session.ref, session.training, session.start,
                                           person.learner, person.email, "participant"))
    return found


def journal_rewrites(office: Office, target: Target,
                     own_files: Mapping[str, RowKey]) -> list[tuple[JournalText, str]]:
    """Every journal text the target changes, with its new text.

    A source file that brought a row of the person is read as that row's (``own_files``:
    file name → row), so that a file named after them loses their name too.
    """
    rewrites: list[tuple[JournalText, str]] = []
    for cell in office.journal.journal_texts():
        context = cell
        if cell.table == "sources":
            key = own_files.get(PurePosixPath(cell.text.replace("\\", "/")).name)
            if key is not None:
                context = replace(cell, register=key[0], record_id=key[1])
        new = rewritten_journal_text(target, context)
        if new != cell.text:
            rewrites.append((cell, new))
    return rewrites


def rewritten_journal_text(target: Target, cell: JournalText) -> str:
    """The text of a journal entry once ``target`` is applied (the same when untouched)."""
    where = {"register": cell.register, "record_id": cell.record_id}
    if not cell.is_json:
        return target.text(cell.text, **where)
    if cell.column == "values_json":
        values = load_values(cell.text)
        changes = target.row_changes(cell.register, cell.record_id, values)
        return dump_values({**values, **changes}) if changes else cell.text
    value = load_value(cell.text)
    new = target.value(value, field=cell.field, **where)
    return dump_value(new) if new != value else cell.text


def outbox_entries(outbox: Path, record_ids: set[str]) -> list[Path]:
    """Letters, drafts, converted PDFs and attachment folders of the rows ``record_ids``."""
    found: list[Path] = []
    for folder in (outbox, outbox / PDF_FOLDER):
        if not folder.is_dir():
            continue
        for entry in sorted(folder.iterdir()):
            head = entry.name.split(" ", 1)[0]
            if head in record_ids and entry.name != head:
                found.append(entry)
    return found


def filed_files(office: Office) -> list[Path]:
    """The copies the inbox keeps: processed, refused, duplicate and unclassified files."""
    found: list[Path] = []
    for folder in sorted(FILED_FOLDERS):
        root = office.config.inbox_dir / folder
        if root.is_dir():
            found.extend(sorted(p for p in root.rglob("*") if p.is_file()))
    return found


def kept_copies(office: Office) -> list[Path]:
    """Files the tool keeps that may hold a name: filed copies, attachments, the dashboard."""
    found = [p for p in filed_files(office) if p.suffix.lower() in REWRITABLE]
    outbox = office.config.outbox_dir
    if outbox.is_dir():
        for folder in sorted(outbox.iterdir()):
            if folder.is_dir() and folder.name.endswith(_ATTACHMENTS_SUFFIX):
                found.extend(sorted(p for p in folder.rglob("*")
                                    if p.is_file() and p.suffix.lower() in REWRITABLE))
    found.extend(sorted(p for p in office.config.registers_dir.glob("*.xlsx")
                        if p not in {b.path for b in office.config.bindings()}
                        and p.name not in {b.path.name for b in _read_only(office)}))
    return found


def _read_only(office: Office) -> list[RegisterBinding]:
    return [office.config.binding(s.key) for s in READ_ONLY_REGISTERS]


def mentions_in_file(path: Path, target: Target) -> bool:
    try:
        return rewrite_copy(path, target, dry_run=True)
    except (AutomationError, OSError, UnicodeError) as exc:
        log.warning("%s: not checked: %s", path, exc)
        return False


def saved_mails(office: Office, about: frozenset[RowKey], target: Target) -> list[SavedMail]:
    """Saved mails that are the person's (theirs by row, or sent by them and left for a
    person), or that brought one of their rows (an attachment)."""
    mails = office.journal.mail_rows()
    own = {fp for fp, reg, rid, _ in mails if (reg, rid) in about}
    places = {place: fp for fp, _, _, place in mails}
    origins = office.journal.row_origins()
    carriers = {places.get(origin.partition(":")[2], "") for key, origin in origins.items()
                if key in about} - {""}
    found: list[SavedMail] = []
    for path in filed_files(office):
        if path.suffix.lower() not in SAVED_MAIL_SUFFIXES:
            continue
        try:
            raw = saved_mail_raw(path.name, path.read_bytes(), path=path)
            parsed = parse_mail(raw, fallback_date=datetime.now(), path=path)
        except (AutomationError, OSError) as exc:
            log.warning("%s: not read: %s", path, exc)
            continue
        sent = isinstance(target, PersonTarget) and (
            target.person.is_email(parsed.sender_address)
            or target.person.is_name(parsed.sender_name))
        if parsed.fingerprint in own or sent or parsed.fingerprint in carriers:
            found.append(SavedMail(path, parsed.fingerprint in own or sent))
    return found


def origin_name(origin: str) -> str:
    """``"folder:inbox/reclamations/x.csv"`` → ``"x.csv"``."""
    return PurePosixPath(origin.partition(":")[2].split(" › ")[0]).name
