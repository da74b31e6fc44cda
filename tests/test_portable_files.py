"""Files the tool creates behave on Windows as on Linux: permissions, a held target, names."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.clock import FixedClock
from automation.deadlines.dashboard import DASHBOARD_FILE
from automation.files import replace_file, temporary_beside
from automation.intake.mail import sanitize_filename
from automation.intake.rejection import write_rejection_copy
from automation.letters import LetterKind
from automation.letters.naming import letter_filename
from automation.pipeline.deadlines import due_now
from automation.pipeline.files import ingest_file
from automation.pipeline.office import Office
from automation.pipeline.scaffold import init_office
from automation.pipeline.store import flush
from automation.records import Rejection
from tests.spine import register_rows, write_xlsx

COMPLAINT = [["Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Nature",
              "Objet"],
             ["02/03/2026", "Email", "Apprenant", "Jeanne Martin", "Réclamation", "Salle"]]


@pytest.fixture
def umask_002() -> Iterator[None]:
    old = os.umask(0o002)  # an office sharing its folder with a group
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_temporary_file_takes_the_folders_umask_not_0600(tmp_path: Path,
                                                           umask_002: None) -> None:
    made = temporary_beside(tmp_path / "lettre.docx")
    assert mode(made) == 0o664
    assert made.name.startswith(".~lettre.") and made.name.endswith(".tmp")


class _Rejected:
    header = ("Nom", "Objet")
    rejections = (Rejection(line=3, cells=("Dupont", "=1+1"), reasons=("Nom manquant",)),)


def test_rejection_copy_and_dashboard_open_for_the_offices_other_accounts(
        office: Office, umask_002: None) -> None:
    copy = write_rejection_copy(_Rejected(), office.config.inbox_dir / "rejected" / "x.xlsx")
    due_now(office)
    dashboard = office.config.registers_dir / DASHBOARD_FILE
    assert mode(copy) == 0o664
    assert mode(dashboard) == 0o664


def test_a_replace_refused_while_another_program_holds_the_target_is_retried(
        tmp_path: Path) -> None:
    target = tmp_path / "registre.xlsx"
    target.write_bytes(b"old")
    source = tmp_path / ".~registre.1.tmp"
    source.write_bytes(b"new")
    pauses: list[float] = []
    refusals = iter([True, True, True, False])

    def rename(src: Path, dst: Path) -> None:
        if next(refusals):  # Windows: an antivirus has the file open for a moment
            raise PermissionError(13, "The process cannot access the file")
        src.replace(dst)

    replace_file(source, target, sleep=pauses.append, rename=rename)
    assert target.read_bytes() == b"new"
    assert not source.exists()
    assert pauses == [0.05, 0.1, 0.2]


def test_a_target_held_for_good_raises_and_the_new_version_is_kept(tmp_path: Path) -> None:
    target, source = tmp_path / "r.xlsx", tmp_path / ".~r.tmp"
    target.write_bytes(b"old")
    source.write_bytes(b"new")

    def refuse(src: Path, dst: Path) -> None:
        raise PermissionError(13, "The process cannot access the file")

    with pytest.raises(PermissionError):
        replace_file(source, target, attempts=3, sleep=lambda _: None, rename=refuse)
    assert target.read_bytes() == b"old" and source.read_bytes() == b"new"


def test_a_register_held_for_a_moment_still_gets_its_rows(
        office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.replace
    refused: list[str] = []

    def held_twice(src: object, dst: object) -> None:
        if str(dst).endswith("reclamations.xlsx") and len(refused) < 2:
            refused.append(str(dst))  # Windows' sharing violation, as a scan holds the file
            raise PermissionError(32, "The process cannot access the file because it is "
                                      "being used by another process")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", held_twice)
    report = ingest_file(office, write_xlsx(office.config.inbox_dir / "reclamations" / "p.xlsx",
                                            COMPLAINT))
    assert report.accepted == 1 and len(refused) == 2
    rows = register_rows(office.config.binding("reclamations").path, "Réclamations")
    assert [r["Nom du déclarant"].value for r in rows] == ["Jeanne Martin"]


def test_a_register_held_for_good_keeps_its_rows_waiting_then_writes_them(
        office: Office, monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.replace

    def held(src: object, dst: object) -> None:
        if str(dst).endswith("reclamations.xlsx"):
            raise PermissionError(32, "being used by another process")
        real(src, dst)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "replace", held)
    ingest_file(office, write_xlsx(office.config.inbox_dir / "reclamations" / "p.xlsx",
                                   COMPLAINT))
    assert office.journal.pending_counts() == {"reclamations": 1}
    monkeypatch.setattr(os, "replace", real)
    flush(office)
    assert office.journal.pending_counts() == {}
    rows = register_rows(office.config.binding("reclamations").path, "Réclamations")
    assert [r["Nom du déclarant"].value for r in rows] == ["Jeanne Martin"]
    leftovers = [p.name for p in office.config.registers_dir.iterdir() if p.suffix == ".tmp"]
    assert leftovers == []


@pytest.mark.parametrize("name", ["CON.xlsx", "nul", "Lpt1.txt", "aux.tar.gz", "PRN",
                                  'a<b>:"c"|d?*.csv', "plainte. ", "ligne\nsuivante.xlsx",
                                  "..", "C:\\Users\\x\\devis.xlsx"])
def test_an_attachment_name_windows_forbids_is_made_one_it_accepts(name: str) -> None:
    safe = sanitize_filename(name, fallback="piece-jointe")
    assert_windows_accepts(safe)


@pytest.mark.parametrize("person", ["CON", "nul", "Lpt1", "a<b>:c", "Zoé « L’Œuvre »",
                                    "x" * 400, ". .", ""])
def test_a_letter_name_windows_forbids_is_made_one_it_accepts(person: str) -> None:
    name = letter_filename("REC-2026-0001", LetterKind.ACKNOWLEDGMENT, person)
    assert_windows_accepts(name)
    assert name.startswith("REC-2026-0001 accuse de reception")


@given(st.text(min_size=0, max_size=300))
def test_any_attachment_name_becomes_one_windows_accepts(text: str) -> None:
    assert_windows_accepts(sanitize_filename(text, fallback="piece-jointe"))


RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{n}" for n in range(1, 10)),
            *(f"LPT{n}" for n in range(1, 10))}


def assert_windows_accepts(name: str) -> None:
    """What Windows refuses in a file name (Microsoft's « Naming Files, Paths, and
    Namespaces »): reserved characters, control characters, a trailing dot or space, a device
    name with or without an extension, more than 255 characters."""
    assert 0 < len(name) <= 255, name
    assert not any(c in name for c in '<>:"/\\|?*') and all(ord(c) >= 32 for c in name), name
    assert not name.endswith((".", " ")), name
    assert name.split(".", 1)[0].upper() not in RESERVED, name


def test_a_register_is_created_on_a_drive_without_hard_links(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(source: object, target: object) -> None:
        raise OSError(1, "Operation not permitted")  # FAT, exFAT, some network shares

    monkeypatch.setattr(os, "link", no_links)
    created = init_office(tmp_path / "office", clock=FixedClock(datetime(2026, 11, 23, 9, 0)))
    register = tmp_path / "office" / "registers" / "reclamations.xlsx"
    assert register in created
    assert openpyxl.load_workbook(register).sheetnames[0] == "Réclamations"
    assert not list(register.parent.glob(".*.tmp"))
