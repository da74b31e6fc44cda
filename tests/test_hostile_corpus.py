"""The hostile corpus, dropped all at once into a running watcher: each file accepted or
refused in French; never a crash, a hang, a formula, or a file outside the office.

The files come from ``tests/data/hostile/`` (built by ``build_hostile.py`` beside them); the
cases a repository cannot hold — links, a pipe, names that are not UTF-8 or hold a newline —
are made here. The watcher is the real one (``automation watch``), in its own process; it
must still be running, with no traceback logged, when the inbox is empty.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import pytest

from .conftest import DATA

HOSTILE = DATA / "hostile"
SAFETY_NET = 900.0  # seconds: only a hang reaches it; the corpus takes well under a minute
FOLDERS = ("processed", "rejected", "duplicates", "unclassified")
# Words of the exception texts and tracebacks a person must never be shown.
ENGLISH = re.compile(r"\b(the|cannot|failed|error|invalid|not found|Traceback|Exception)\b",
                     re.IGNORECASE)
# What a formula built from the injected texts would contain.
FORMULA_MARKERS = ("cmd", "HYPERLINK", "DDE", "SUM(", "1+1", "2+3")
PASSWD = "root:x:0:0:root:/root:/bin/bash\n"

# The refusals the issue names, and the French words that must explain them.
REFUSED: dict[str, str] = {
    "far-cell.xlsx": "limite",
    "declared-range.xlsx": "XFD1048576",
    "bomb-declared-size.xlsx": "limite de sécurité",
    "bomb-ratio.xlsx": "compressée plus de",
    "bomb-lying-headers.xlsx": "endommagé",
    "bomb-10001-parts.xlsx": "parties internes",
    "encrypted.xlsx": "mot de passe",
    "encrypted.xls": "mot de passe",
    "encrypted.ods": "mot de passe",
    "mixed-encoding.csv": "sauf la ligne 3",
    "mail-nested-200.eml": "imbriqué",
    "lien-hors-office.csv": "lien",
    "lien-passwd.csv": "lien",
    "lien-casse.csv": "lien",
    "lien-physique.csv": "lien physique",
    "tube.csv": "pas un fichier ordinaire",
}
ACCEPTED = ("cell-1mb.csv", "cell-128kib.csv", "cell-1mb.xlsx", "columns-16384.xlsx",
            "excel-cp1252.csv", "injection.xlsx", "injection.csv", "mail-injection.eml",
            "mail-5000-parts.eml", "mail-attached-far-cell.eml", "mail-attached-bomb-ratio.eml",
            "CON.csv", "nul.xlsx", "aux.eml")


@dataclass
class Outcome:
    office: Path
    outside: Path
    outside_before: dict[str, bytes]
    cases: list[str]
    stderr: str
    returncode: int

    def where(self, name: str) -> str:
        """The filed folder ``name`` went to ("" when it is nowhere)."""
        for folder in FOLDERS:
            if os.path.lexists(self.office / "inbox" / folder / name):
                return folder
        return ""

    def note(self, name: str) -> str:
        notes = list((self.office / "inbox" / "rejected").glob("*.LISEZ-MOI.txt"))
        wanted = [n for n in notes if n.name.startswith(_shown(name)[:40])]
        assert wanted, f"no note for {name!r}"
        return wanted[0].read_text(encoding="utf-8-sig")


def _shown(name: str) -> str:
    return os.fsencode(name).decode("utf-8", "replace").replace("\n", " ")


def _valid_csv(name: str) -> bytes:
    return ("Date de réception;Canal;Partie prenante;Nom du déclarant;Nature;Objet\r\n"
            f"02/03/2026;Email;Apprenant;{name};Réclamation;Objet de {name}\r\n").encode()


def _drop_runtime_cases(inbox: Path, outside: Path) -> list[str]:
    """Links, a pipe, odd names: the cases a repository cannot hold."""
    folder = inbox / "reclamations"
    (outside / "plaintes.csv").write_bytes(_valid_csv("Hors Office"))
    (outside / "passwd.csv").write_text(PASSWD, encoding="ascii")
    (outside / "dossier").mkdir()
    (outside / "dossier" / "cache.csv").write_bytes(_valid_csv("Dans Dossier Lié"))
    (folder / "lien-hors-office.csv").symlink_to(outside / "plaintes.csv")
    (folder / "lien-passwd.csv").symlink_to(outside / "passwd.csv")
    (folder / "lien-casse.csv").symlink_to(outside / "absent.csv")
    os.link(outside / "plaintes.csv", folder / "lien-physique.csv")
    os.mkfifo(folder / "tube.csv")
    (folder / "dossier-lie").symlink_to(outside / "dossier", target_is_directory=True)
    odd = {os.fsdecode(b"r\xe9clamation-\xff.csv"): _valid_csv("Octets Bruts"),
           "plainte\nmars.csv": _valid_csv("Saut De Ligne"),
           "CON.csv": _valid_csv("Nom Réservé"),
           "a" * 251 + ".csv": _valid_csv("Nom Long"),
           "b" * 251 + ".csv": b"ni;en;tetes\r\n1;2;3\r\n"}
    for name, data in odd.items():
        (folder / name).write_bytes(data)
    shutil.copyfile(DATA / "drop-reclamations-messy.xlsx", folder / "nul.xlsx")
    mail = (DATA / "mail-xlsx-attachment.eml").read_bytes()  # its own mail, not a copy
    (inbox / "mails" / "aux.eml").write_bytes(mail.replace(b"<xlsx-attachment-0005@",
                                                           b"<aux-0005@", 1))
    return ["lien-hors-office.csv", "lien-passwd.csv", "lien-casse.csv", "lien-physique.csv",
            "tube.csv", *odd, "nul.xlsx", "aux.eml"]


def _files_left(inbox: Path) -> list[str]:
    left = []
    for folder, folders, files in os.walk(inbox):
        relative = Path(folder).relative_to(inbox)
        if relative.parts and relative.parts[0] in FOLDERS:
            continue
        left += [f for f in files if not Path(folder, f).is_dir()]
        folders[:] = [f for f in folders if not Path(folder, f).is_symlink()]
    return left


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): (p.read_bytes() if p.is_file() and not p.is_symlink()
                                      else b"")
            for p in sorted(root.rglob("*"))}


@pytest.fixture(scope="module")
def outcome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Outcome]:
    base = tmp_path_factory.mktemp("hostile")
    office, outside = base / "office", base / "outside"
    outside.mkdir()
    env = {**os.environ, "AUTOMATION_WATCH_SETTLE_SECONDS": "0.2",
           "AUTOMATION_WATCH_INCOMPLETE_SECONDS": "0.5", "AUTOMATION_WATCH_RESCAN_SECONDS": "1",
           "AUTOMATION_WATCH_RETRY_SECONDS": "1", "COLUMNS": "200"}
    subprocess.run([sys.executable, "-m", "automation", "init", str(office)], check=True,
                   capture_output=True, env=env)
    inbox = office / "inbox"
    cases = []
    for path in sorted(HOSTILE.iterdir()):
        if path.suffix == ".py":
            continue
        folder = "mails" if path.suffix in {".eml", ".msg"} else "reclamations"
        shutil.copyfile(path, inbox / folder / path.name)
        cases.append(path.name)
    cases += _drop_runtime_cases(inbox, outside)
    outside_before = _tree(outside)
    log = base / "watch.log"
    with log.open("wb") as output:
        watcher = subprocess.Popen([sys.executable, "-m", "automation", "--dir", str(office),
                                    "watch"], stdout=output, stderr=subprocess.STDOUT, env=env)
        started = time.monotonic()
        while _files_left(inbox) and watcher.poll() is None:
            assert time.monotonic() - started < SAFETY_NET, f"hang: {_files_left(inbox)}"
            time.sleep(0.5)
        alive = watcher.poll() is None
        watcher.send_signal(signal.SIGTERM)
        watcher.wait(timeout=SAFETY_NET)
    stderr = log.read_text(encoding="utf-8", errors="replace")
    log.unlink()
    assert alive, f"the watcher died:\n{stderr[-3000:]}"
    yield Outcome(office, outside, outside_before, cases, stderr, watcher.returncode)


def test_the_watcher_survives_the_whole_corpus_and_empties_the_inbox(outcome: Outcome) -> None:
    assert outcome.returncode == 0, outcome.stderr[-3000:]
    assert "Traceback" not in outcome.stderr, outcome.stderr[-3000:]
    assert _files_left(outcome.office / "inbox") == []
    assert len(outcome.cases) >= 75


def test_every_case_is_filed_and_every_refusal_explained_in_french(outcome: Outcome) -> None:
    refused = 0
    for name in outcome.cases:
        folder = outcome.where(name)
        assert folder, f"{name!r} is nowhere"
        if folder == "rejected":
            refused += 1
            note = outcome.note(name)
            assert "n'a pas été importé" in note, name
            assert not ENGLISH.search(note), (name, note)
    assert refused >= len(REFUSED)


@pytest.mark.parametrize("name", sorted(REFUSED))
def test_hostile_file_is_refused_with_its_reason(outcome: Outcome, name: str) -> None:
    assert outcome.where(name) == "rejected"
    assert REFUSED[name] in outcome.note(name)


@pytest.mark.parametrize("name", ACCEPTED)
def test_large_odd_or_injected_file_is_accepted(outcome: Outcome, name: str) -> None:
    assert outcome.where(name) == "processed"


def test_links_quote_nothing_of_their_target_and_leave_it_alone(outcome: Outcome) -> None:
    for name in ("lien-hors-office.csv", "lien-passwd.csv", "lien-casse.csv"):
        note = outcome.note(name)
        assert str(outcome.outside) not in note and "root:" not in note
        assert "plaintes.csv" not in note and "passwd.csv" not in note.replace(name, "")
    assert _tree(outcome.outside) == outcome.outside_before
    rows = _register_texts(outcome.office)
    assert not any("Hors Office" in t or "Dans Dossier Lié" in t or "root:" in t for t in rows)


def test_nothing_is_written_outside_the_office(outcome: Outcome) -> None:
    base = outcome.office.parent
    assert sorted(p.name for p in base.iterdir()) == ["office", "outside"]
    assert _tree(outcome.outside) == outcome.outside_before


def test_odd_names_are_filed_under_their_own_names_with_readable_notes(outcome: Outcome) -> None:
    processed = outcome.office / "inbox" / "processed"
    assert (processed / os.fsdecode(b"r\xe9clamation-\xff.csv")).exists()
    assert (processed / "plainte\nmars.csv").exists()
    assert (processed / ("a" * 251 + ".csv")).exists()
    long_note = outcome.note("b" * 251 + ".csv")
    assert "ne correspond à aucun registre" in long_note or "Il manque" in long_note
    texts = _register_texts(outcome.office)
    assert any("réclamation-ÿ.csv" in t for t in texts)  # Windows-1252 reading of the bytes
    assert any("plainte mars.csv" in t for t in texts)


def test_no_injected_text_becomes_a_formula_in_a_register_or_a_copy(outcome: Outcome) -> None:
    books = [*(outcome.office / "registers").glob("*.xlsx"),
             *(outcome.office / "inbox" / "rejected").glob("* - lignes refusées.xlsx")]
    assert books
    for book in books:
        with zipfile.ZipFile(book) as archive:
            for part in archive.namelist():
                if part.startswith("xl/worksheets/") and part.endswith(".xml"):
                    xml = archive.read(part).decode("utf-8")
                    for formula in re.findall(r"<f[^>]*>(.*?)</f>", xml, re.DOTALL):
                        assert not any(m in formula for m in FORMULA_MARKERS), (book, formula)
    texts = _register_texts(outcome.office)
    for payload in ("=cmd|' /C calc'!A0 objet1", "@SUM(A1:A2) objet5", "=DDE("):
        assert any(payload in t for t in texts), payload


def test_injected_names_reach_the_letters_as_plain_text(outcome: Outcome) -> None:
    letters = list((outcome.office / "outbox").glob("*.docx"))
    assert len(letters) >= 15
    found = 0
    for letter in letters:
        with zipfile.ZipFile(letter) as archive:
            xml = archive.read("word/document.xml").decode("utf-8")
        assert "instrText" not in xml and "fldSimple" not in xml and "DDEAUTO" not in xml
        found += "SUM(A1:A2) Nom5" in xml or "cmd|' /C calc'!A0 Nom1" in xml
    assert found >= 2


def test_an_attached_hostile_workbook_is_kept_and_said_in_the_mail_row(outcome: Outcome) -> None:
    kept = list((outcome.office / "outbox").glob("* pièces jointes/far-cell.xlsx"))
    assert len(kept) == 1
    texts = _register_texts(outcome.office)
    assert any("Pièce jointe non lue" in t and "far-cell.xlsx" in t for t in texts)


def _register_texts(office: Path) -> list[str]:
    texts = []
    for book in (office / "registers").glob("*.xlsx"):
        workbook = openpyxl.load_workbook(book, read_only=True)
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                texts.append(" | ".join(str(v) for v in row if v is not None))
        workbook.close()
    return texts
