"""A tool updated under a running watcher reads nothing and loses nothing.

An update (``pipx upgrade``) replaces the package on disk while the watcher runs; the next
reader child it starts runs the new code, whose answers the running watcher cannot trust.
The reader is told the watcher's version and, being of another, reads nothing: the file
stays in the inbox (no « endommagé » note, no rejected copy), the watcher stops with
:class:`ToolUpdated` (the service starts it again, of the new version) and the file is
taken in then. A reader of another version is stood for by a parent that gives a version
other than the package's own (``SandboxReader(version=…)``): the child started is the real
one, and compares.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from automation import __version__
from automation.clock import FixedClock
from automation.config import load_config
from automation.errors import ToolUpdated
from automation.intake import messages
from automation.intake.sandbox import SandboxReader
from automation.pipeline.files import ingest_file
from automation.pipeline.office import Office, open_office
from automation.pipeline.watch import run_watcher

from .conftest import DATA
from .dovecot import DovecotServer
from .spine import register_rows, write_xlsx
from .test_mail_pipeline import imap_office  # noqa: F401 - the fixture, configured for Dovecot
from .test_reader_sandbox import excel_csv, request
from .test_register_watch import COMPLAINT, FAST, SHEET

BEFORE = "0.1.0"  # the version still running when the package on disk is 0.2.0 or later


@pytest.fixture
def older() -> Iterator[SandboxReader]:
    reader = SandboxReader(version=BEFORE)
    yield reader
    reader.close()


@pytest.fixture
def updated_office(office_dir: Path, clock: FixedClock,
                   older: SandboxReader) -> Iterator[Office]:
    """An office whose running tool is older than the package now on disk."""
    config = replace(load_config(office_dir), watch=FAST)
    with open_office(office_dir, clock=clock, config=config) as office:
        office.reader = older
        yield office


def test_the_version_a_test_gives_is_not_the_package_s() -> None:
    assert __version__ != BEFORE


def test_a_reader_of_another_version_reads_nothing_and_says_the_tool_was_updated(
        tmp_path: Path, older: SandboxReader) -> None:
    path = excel_csv(tmp_path / "plaintes.csv", 3)
    with pytest.raises(ToolUpdated) as raised:
        older.spreadsheet(request(path))
    assert str(raised.value) == messages.TOOL_UPDATED
    assert "relancé" in str(raised.value) and "rien n'est perdu" in str(raised.value)


def test_the_reader_of_the_watcher_s_own_version_reads(tmp_path: Path) -> None:
    reader = SandboxReader(version=__version__)
    try:
        assert len(reader.spreadsheet(request(excel_csv(tmp_path / "p.csv", 3))).records) == 3
    finally:
        reader.close()


def test_a_file_ingested_by_a_tool_updated_under_it_stays_where_it_was(
        updated_office: Office) -> None:
    office = updated_office
    dropped = write_xlsx(office.config.inbox_dir / "reclamations" / "plainte.xlsx", COMPLAINT)
    with pytest.raises(ToolUpdated):
        ingest_file(office, dropped)
    assert dropped.exists()
    assert not list((office.config.inbox_dir / "rejected").glob("*"))
    assert office.journal.pending("reclamations") == []
    assert register_rows(office.config.binding("reclamations").path, SHEET) == []


def test_a_watcher_updated_under_it_stops_and_the_file_waits_for_the_next_start(
        updated_office: Office) -> None:
    office = updated_office
    dropped = write_xlsx(office.config.inbox_dir / "reclamations" / "plainte.xlsx", COMPLAINT)
    stop = threading.Event()
    failures: list[BaseException] = []

    def watch() -> None:
        try:
            run_watcher(office, stop=stop, dashboard_every=3600)
        except BaseException as exc:  # what the watcher ended on is the result
            failures.append(exc)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    thread.join(timeout=120)  # a bound for a broken watcher only: it stops by itself
    assert not thread.is_alive(), "the watcher did not stop"
    assert len(failures) == 1 and isinstance(failures[0], ToolUpdated)
    assert dropped.exists()
    assert not list((office.config.inbox_dir / "rejected").glob("*"))
    # Started again (of the package's own version), the watcher takes the file in.
    office.reader = SandboxReader()
    try:
        run_watcher(office, stop=threading.Event(), once=True)
    finally:
        office.reader.close()  # type: ignore[attr-defined]
    assert not dropped.exists()
    rows = register_rows(office.config.binding("reclamations").path, SHEET)
    assert [row["Nom du déclarant"].value for row in rows] == ["Martin Dupont"]


def test_mails_fetched_by_a_tool_updated_under_it_stay_in_the_mailbox(
        imap_office: tuple[Path, str], dovecot: DovecotServer, clock: FixedClock,  # noqa: F811
        older: SandboxReader) -> None:
    root, user = imap_office
    dovecot.deliver((DATA / "mail-iso8859-euro-reclamation.eml").read_bytes(), user=user)
    with open_office(root, clock=clock) as office:
        office.reader = older
        with pytest.raises(ToolUpdated):
            run_watcher(office, stop=threading.Event(), once=True)
        assert len(dovecot.message_ids("INBOX", user=user)) == 1  # not moved, not answered
        assert office.journal.pending("reclamations") == []
        office.reader = SandboxReader()
        try:
            run_watcher(office, stop=threading.Event(), once=True)
        finally:
            office.reader.close()  # type: ignore[attr-defined]
    assert len(dovecot.message_ids("INBOX", user=user)) == 0
    assert len(dovecot.message_ids("Traité", user=user)) == 1
    assert len(register_rows(root / "registers" / "reclamations.xlsx", SHEET)) == 1
