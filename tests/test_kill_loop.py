"""SIGKILL the watcher again and again — at random moments and at each named point of the
path — while CSV, XLSX and saved mails with spreadsheet attachments arrive, some written in
place while it runs; then every row is in its register once, every letter written once,
every workbook opens (openpyxl, LibreOffice), and the inbox is empty.

The named points are the shipped crash points (:mod:`automation.crashpoints`): the watcher
is started with ``AUTOMATION_CRASH_AT`` and kills itself there; the test checks that it did.
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import openpyxl
import pytest

from automation.crashpoints import POINTS, VARIABLE

CYCLES = 100
SAFETY_NET = 300.0  # seconds for one process to end by itself: only a hang reaches it
HEADERS = ["Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Nature",
           "Objet"]
ENV = {"AUTOMATION_WATCH_SETTLE_SECONDS": "0.3", "AUTOMATION_WATCH_INCOMPLETE_SECONDS": "3",
       "AUTOMATION_WATCH_RESCAN_SECONDS": "1", "AUTOMATION_WATCH_RETRY_SECONDS": "1",
       "COLUMNS": "200"}
TEMPORARY = re.compile(r"(^\.~|\.tmp$|^\..*\.tmp$)")


def _rows(tag: str, count: int) -> list[list[str]]:
    return [["02/03/2026", "Email", "Apprenant", f"Kill {tag}-{n}", "Réclamation",
             f"Objet {tag}-{n}"] for n in range(1, count + 1)]


def _csv(tag: str) -> bytes:
    lines = [";".join(HEADERS), *(";".join(r) for r in _rows(tag, 2))]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _xlsx(tag: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(HEADERS)
    for row in _rows(tag, 2):
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _mail(tag: str) -> bytes:
    message = EmailMessage()
    message["Message-ID"] = f"<kill-{tag}@exemple.fr>"
    message["Date"] = format_datetime(datetime(2026, 3, 6, 16, 20, tzinfo=UTC))
    message["From"] = f"Kill {tag}-m <kill-{tag}@exemple.fr>"
    message["To"] = "qualite@organisme-exemple.fr"
    message["Subject"] = f"Réclamation {tag}"
    message.set_content("Bonjour, voici ma réclamation et le tableau de mes collègues.")
    message.add_attachment(_xlsx(f"{tag}a"), maintype="application",
                           subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           filename=f"tableau-{tag}.xlsx")
    return message.as_bytes()


@dataclass
class Drop:
    tag: str
    kind: str  # csv, xlsx, eml

    @property
    def place(self) -> str:
        return {"csv": "reclamations", "xlsx": "reclamations", "eml": "mails"}[self.kind]

    @property
    def name(self) -> str:
        return f"depot-{self.tag}.{self.kind}"

    def data(self) -> bytes:
        return {"csv": _csv, "xlsx": _xlsx, "eml": _mail}[self.kind](self.tag)

    @property
    def names(self) -> list[str]:
        """The « Nom du déclarant » of every row this drop gives."""
        if self.kind == "eml":
            return [f"Kill {self.tag}-m", *(f"Kill {self.tag}a-{n}" for n in (1, 2))]
        return [f"Kill {self.tag}-{n}" for n in (1, 2)]


@dataclass
class Loop:
    office: Path
    drops: list[Drop] = field(default_factory=list)
    kills: int = 0
    points: list[str] = field(default_factory=list)

    def env(self, point: str = "") -> dict[str, str]:
        env = {**os.environ, **ENV}
        env.pop(VARIABLE, None)
        if point:
            env[VARIABLE] = point
        return env

    def start(self, point: str = "") -> subprocess.Popen[bytes]:
        return subprocess.Popen([sys.executable, "-m", "automation", "--dir", str(self.office),
                                 "watch"], env=self.env(point), stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)

    def drop(self, drop: Drop, *, in_place: bool = False) -> threading.Thread | None:
        self.drops.append(drop)
        target = self.office / "inbox" / drop.place / drop.name
        data = drop.data()
        if not in_place:  # copied elsewhere, then moved in: how Explorer and Outlook drop
            staging = self.office.parent / "staging" / drop.name
            staging.parent.mkdir(exist_ok=True)
            staging.write_bytes(data)
            staging.replace(target)
            return None

        def write() -> None:  # written where it lies, slowly, as a network copy does
            with target.open("wb") as handle:
                for start in range(0, len(data), 400):
                    handle.write(data[start:start + 400])
                    handle.flush()
                    time.sleep(0.02)

        writer = threading.Thread(target=write)
        writer.start()
        return writer


def _kinds() -> Iterator[str]:
    while True:
        yield from ("csv", "xlsx", "eml")


@pytest.fixture(scope="module")
def loop(tmp_path_factory: pytest.TempPathFactory) -> Loop:
    base = tmp_path_factory.mktemp("kill-loop")
    office = base / "office"
    subprocess.run([sys.executable, "-m", "automation", "init", str(office)], check=True,
                   capture_output=True)
    state = Loop(office)
    chooser = random.Random(16)
    kinds = _kinds()
    writers: list[threading.Thread] = []
    for cycle in range(CYCLES):  # kills at random moments
        watcher = state.start()
        writer = state.drop(Drop(f"r{cycle}", next(kinds)), in_place=cycle % 4 == 0)
        if writer is not None:
            writers.append(writer)
        time.sleep(chooser.uniform(0.2, 2.0))
        watcher.send_signal(signal.SIGKILL)
        assert watcher.wait(timeout=SAFETY_NET) == -signal.SIGKILL
        state.kills += 1
    for writer in writers:
        writer.join()
    for point in POINTS:  # kills at each named point of the path
        kind = "eml" if point in {"in-journal-transaction", "before-attachments-kept"} else "csv"
        watcher = state.start(point)
        state.drop(Drop(f"p-{point}", kind))
        code = watcher.wait(timeout=SAFETY_NET)
        assert code == -signal.SIGKILL, f"{point}: the watcher did not stop there ({code})"
        state.kills += 1
        state.points.append(point)
    done = subprocess.run([sys.executable, "-m", "automation", "--dir", str(office), "watch",
                           "--once"], env=state.env(), capture_output=True, text=True,
                          timeout=SAFETY_NET * 3, check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    return state


def _register(loop: Loop) -> list[tuple[str, str]]:
    """(« N° », « Nom du déclarant ») of every data row of the complaints register."""
    book = openpyxl.load_workbook(loop.office / "registers" / "reclamations.xlsx",
                                  read_only=True)
    sheet = book["Réclamations"]
    rows = list(sheet.iter_rows(values_only=True))
    book.close()
    header_at = next(i for i, r in enumerate(rows) if "Nom du déclarant" in r)
    header = rows[header_at]
    ident, name = header.index("N°"), header.index("Nom du déclarant")
    return [(str(r[ident]), str(r[name])) for r in rows[header_at + 1:] if r[ident]]


def test_every_row_is_in_the_register_exactly_once(loop: Loop) -> None:
    assert loop.kills >= CYCLES + len(POINTS)
    assert loop.points == list(POINTS)
    expected = Counter(n for drop in loop.drops for n in drop.names)
    present = Counter(name for _, name in _register(loop))
    lost = expected - present
    duplicated = {n: c for n, c in present.items() if c > 1}
    assert not lost and not duplicated, (f"lost {len(lost)}: {sorted(lost)[:10]}; "
                                         f"duplicated {len(duplicated)}: {duplicated}")
    assert set(present) == set(expected)


def test_every_letter_is_written_once(loop: Loop) -> None:
    ids = [record_id for record_id, _ in _register(loop)]
    letters = [p.name for p in (loop.office / "outbox").glob("*.docx")]
    per_id = Counter(name.split(" ")[0] for name in letters)
    assert sorted(per_id) == sorted(ids)
    assert set(per_id.values()) == {1}


def test_every_attachment_is_kept_once_beside_its_mail(loop: Loop) -> None:
    mails = [d for d in loop.drops if d.kind == "eml"]
    kept = Counter(p.name for p in (loop.office / "outbox").glob("* pièces jointes/*"))
    assert kept == Counter(f"tableau-{d.tag}.xlsx" for d in mails)


def test_every_dropped_file_left_the_inbox_for_processed(loop: Loop) -> None:
    inbox = loop.office / "inbox"
    left = [p for p in inbox.rglob("*") if p.is_file()
            and p.relative_to(inbox).parts[0] not in {"processed", "duplicates", "rejected"}]
    assert left == []
    processed = {p.name for p in (inbox / "processed").iterdir()}
    assert {d.name for d in loop.drops} <= processed
    assert not (inbox / "rejected").exists() or not any((inbox / "rejected").iterdir())


def test_every_workbook_opens_in_openpyxl_and_libreoffice(loop: Loop,
                                                          tmp_path: Path) -> None:
    books = sorted((loop.office / "registers").glob("*.xlsx"))
    assert books
    for book in books:
        openpyxl.load_workbook(book).close()
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice is needed (scripts/install-system-deps installs it)"
    converted = subprocess.run(
        [soffice, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless",
         "--convert-to", "csv", "--outdir", str(tmp_path), *map(str, books)],
        capture_output=True, text=True, timeout=SAFETY_NET, check=False)
    assert converted.returncode == 0, converted.stderr
    assert sorted(p.stem for p in tmp_path.glob("*.csv")) == sorted(b.stem for b in books)
    register = (tmp_path / "reclamations.csv").read_text(encoding="utf-8", errors="replace")
    assert register.count("Kill ") == len(_register(loop))


def test_no_temporary_file_is_left_behind(loop: Loop) -> None:
    leftovers = [p for p in loop.office.rglob("*")
                 if p.is_file() and TEMPORARY.search(p.name)]
    assert leftovers == []
