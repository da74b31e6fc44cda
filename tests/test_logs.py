"""The log a person can read, and a console that never shows a traceback."""

from __future__ import annotations

import io
import logging
import logging.handlers
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from automation.arrival import Source
from automation.logs import setup_logging
from automation.logs.config import Logs
from automation.pipeline.events import mail_line
from automation.pipeline.report import Report, Verdict

from .spine import write_xlsx
from .test_portable_files import COMPLAINT


def automation(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "automation", *args], capture_output=True,
                          text=True, timeout=300, check=False,
                          env={**os.environ, "COLUMNS": "200", **(env or {})})


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_each_file_gets_one_french_line_with_its_technical_detail_below(
        office_dir: Path) -> None:
    write_xlsx(office_dir / "inbox" / "reclamations" / "plaintes.xlsx", COMPLAINT)
    done = automation("--dir", str(office_dir), "watch", "--once")
    assert done.returncode == 0, done.stdout + done.stderr
    log = (office_dir / "registers" / ".logs" / "automation.log").read_text(encoding="utf-8")
    lines = log.splitlines()
    entry = next(i for i, line in enumerate(lines)
                 if "plaintes.xlsx : 1 ligne(s) ajoutée(s) à reclamations" in line)
    assert "1 courrier(s) écrit(s) ; classé dans processed/" in lines[entry]
    assert lines[entry + 1].startswith("    file=") and "accepted=1" in lines[entry + 1]
    assert "surveillance démarrée sur" in log


def test_status_points_to_the_log(office_dir: Path) -> None:
    done = automation("--dir", str(office_dir), "status")
    assert done.returncode == 0
    log = office_dir.resolve() / "registers" / ".logs" / "automation.log"
    assert f"Journal d'activité : {log}" in done.stdout


def test_an_unexpected_error_is_logged_in_full_and_the_console_gets_one_french_sentence(
        office_dir: Path, tmp_path: Path) -> None:
    (office_dir / "automation.toml").write_text('[logs]\ndir = "../journal-de-bord"\n',
                                               encoding="utf-8")
    shutil.rmtree(office_dir / "outbox", ignore_errors=True)  # init made it (outbox/envoyés/)
    (office_dir / "outbox").write_text("a file where the outbox folder should be")
    write_xlsx(office_dir / "inbox" / "reclamations" / "p.xlsx", COMPLAINT)
    registers = office_dir / "registers"
    for child in registers.iterdir():
        if child.is_file():
            child.unlink()
    registers.rmdir()
    registers.write_text("a file where the registers folder should be")
    done = automation("--dir", str(office_dir), "watch", "--once")
    console = done.stdout + done.stderr
    assert done.returncode == 3, console
    assert "Traceback" not in console
    log_file = (tmp_path / "journal-de-bord" / "automation.log").resolve()
    text = " ".join(console.split())
    assert "La commande s'est arrêtée sur une erreur inattendue (FileExistsError)" in text
    assert f"le détail est dans {log_file}" in text
    assert "transmettez ce fichier à la personne qui s'occupe de l'outil" in text
    logged = log_file.read_text(encoding="utf-8")
    assert "CRITICAL la commande watch s'est arrêtée sur une erreur inattendue" in logged
    assert "    Traceback (most recent call last):" in logged
    assert "FileExistsError" in logged


def test_the_console_shows_the_first_line_of_an_error_never_its_traceback(
        tmp_path: Path, restore_logging: None) -> None:
    screen = io.StringIO()
    path = setup_logging(tmp_path, console=screen)
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("automation.test").exception("le registre n'a pas pu être lu\n"
                                                       "detail in English")
    assert screen.getvalue() == "le registre n'a pas pu être lu\n"
    logged = path.read_text(encoding="utf-8")
    assert "ERROR   le registre n'a pas pu être lu\n    detail in English\n" in logged
    assert "    ValueError: boom" in logged


def test_the_log_rotates_into_numbered_files_windows_opens(tmp_path: Path,
                                                           restore_logging: None) -> None:
    setup_logging(tmp_path, settings=Logs(max_kb=16, keep=3), console=io.StringIO())
    log = logging.getLogger("automation.test")
    for n in range(2000):
        log.info("ligne %d : %s", n, "é" * 40)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["automation.1.log", "automation.2.log", "automation.3.log",
                     "automation.log"]
    assert "ligne 1999" in (tmp_path / "automation.log").read_text(encoding="utf-8")


def test_a_rotation_the_system_refuses_leaves_the_log_writing(tmp_path: Path,
                                                              restore_logging: None) -> None:
    path = setup_logging(tmp_path, settings=Logs(max_kb=16, keep=3), console=io.StringIO())
    (handler,) = [h for h in logging.getLogger().handlers
                  if isinstance(h, logging.FileHandler) and Path(h.baseFilename) == path]

    def refuse(source: str, target: str) -> None:  # Windows: another process has it open
        raise PermissionError(32, "The process cannot access the file")

    assert isinstance(handler, logging.handlers.RotatingFileHandler)
    handler.rotator = refuse
    log = logging.getLogger("automation.test")
    for n in range(600):
        log.info("ligne %d : %s", n, "x" * 60)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["automation.log"]
    text = (tmp_path / "automation.log").read_text(encoding="utf-8")
    assert "ligne 0 :" in text and "ligne 599 :" in text


def test_each_mail_gets_one_french_line() -> None:
    report = Report(name="1:17.eml", place="imap INBOX", source=Source.IMAP,
                    verdict=Verdict.RECORDED, subject="Retard du formateur",
                    register="reclamations", record_id="REC-2026-0004", answered="draft")
    assert mail_line(report) == ("courriel « Retard du formateur » : ligne REC-2026-0004 "
                                 "ajoutée à reclamations, réponse en brouillon")
    left = Report(name="1:18.eml", place="imap INBOX", source=Source.IMAP,
                  verdict=Verdict.LEFT, subject="Bonjour", message="aucune règle")
    assert mail_line(left) == "courriel « Bonjour » : laissé pour une personne — aucune règle"
