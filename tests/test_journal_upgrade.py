"""Upgrading keeps the office's data: an older journal migrates forward, a newer one is refused.

``tests/data/reg-journal-0.1.0.sqlite3`` was written by the last landed release (0.1.0, before
the journal had a schema version) running its own ``init`` and ``ingest``
(``tests/data/build_old_journal.py``), with the registers it wrote beside it.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from click.testing import CliRunner

from automation.cli import main
from automation.clock import FixedClock
from automation.pipeline.files import ingest_file
from automation.pipeline.office import open_office
from automation.registers.journal import SCHEMA_VERSION, LetterStatus
from tests.spine import register_rows, write_xlsx

DATA = Path(__file__).parent / "data"
COMPLAINT = [["Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Nature",
              "Objet"],
             ["23/11/2026", "Email", "Apprenant", "Paul Durand", "Réclamation", "Retard"]]


def office_of_release_0_1_0(office_dir: Path) -> Path:
    registers = office_dir / "registers"
    shutil.copyfile(DATA / "reg-journal-0.1.0.sqlite3", registers / ".journal.sqlite3")
    for key in ("reclamations", "annulations"):
        shutil.copyfile(DATA / f"reg-journal-0.1.0-{key}.xlsx", registers / f"{key}.xlsx")
    return registers / ".journal.sqlite3"


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def test_the_journal_of_release_0_1_0_migrates_forward_keeping_rows_ids_and_letters(
        office_dir: Path, clock: FixedClock) -> None:
    journal_path = office_of_release_0_1_0(office_dir)
    assert user_version(journal_path) == 0
    with open_office(office_dir, clock=clock) as office:
        journal = office.journal
        assert journal.count_rows("reclamations") == 1
        assert journal.count_rows("annulations") == 1
        assert journal.pending_counts() == {}
        # That release dated a letter when it wrote it: it counts as sent that day.
        (letter,) = journal.letters(statuses=[LetterStatus.SENT])
        assert (letter.record_id, letter.kind) == ("REC-2026-0001",
                                                   "accuse-reception-reclamation")
        assert journal.letters(statuses=[LetterStatus.DONE]) == []
        report = ingest_file(office, write_xlsx(
            office.config.inbox_dir / "reclamations" / "apres-mise-a-jour.xlsx", COMPLAINT))
    assert report.accepted == 1
    assert user_version(journal_path) == SCHEMA_VERSION
    rows = register_rows(office_dir / "registers" / "reclamations.xlsx", "Réclamations")
    assert [(r["N°"].value, r["Nom du déclarant"].value) for r in rows] == [
        ("REC-2026-0001", "Marie Dupont"), ("REC-2026-0002", "Paul Durand")]
    assert len(list((office_dir / "outbox").glob("REC-2026-0002 *.docx"))) == 1
    (kept,) = (office_dir / "registers" / ".backup").glob(".journal.v0.*.sqlite3")
    assert user_version(kept) == 0
    with sqlite3.connect(kept) as db:
        assert db.execute("SELECT record_id FROM rows ORDER BY 1").fetchall() == [
            ("ANN-2026-0001",), ("REC-2026-0001",)]


def test_a_journal_from_a_newer_version_is_refused_in_french_and_left_untouched(
        office_dir: Path) -> None:
    journal_path = office_of_release_0_1_0(office_dir)
    with sqlite3.connect(journal_path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    before = journal_path.read_bytes()
    for command in (["status"], ["watch", "--once"]):
        result = CliRunner().invoke(main, ["--dir", str(office_dir), *command],
                                    env={"COLUMNS": "250"})
        assert result.exit_code == 2, result.output
        text = " ".join(result.output.split())
        assert "a été écrit par une version plus récente de l'outil" in text
        assert f"ne lit que jusqu'à la version {SCHEMA_VERSION}" in text
        assert "Rien n'a été modifié" in text
        assert "Traceback" not in result.output
    assert journal_path.read_bytes() == before
    doctor = CliRunner().invoke(main, ["--dir", str(office_dir), "doctor", "--offline"],
                                env={"COLUMNS": "250"})
    assert doctor.exit_code == 1
    assert "écrit par une version plus récente de l'outil" in doctor.output
