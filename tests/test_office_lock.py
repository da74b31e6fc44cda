"""One process per office folder, held by the OS; what a crash left is tidied at start-up."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from automation.clock import FixedClock
from automation.errors import OfficeBusy
from automation.pipeline.lock import LOCK_NAME
from automation.pipeline.office import open_office

HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from automation.pipeline.office import open_office
    with open_office(Path(sys.argv[1])):
        print("held", flush=True)
        time.sleep(600)
""")
TRY = textwrap.dedent("""
    import sys
    from pathlib import Path
    from automation.errors import OfficeBusy
    from automation.pipeline.office import open_office
    try:
        with open_office(Path(sys.argv[1])):
            print("opened")
    except OfficeBusy as exc:
        print("busy:", exc)
""")


def second_process(office_dir: Path) -> str:
    done = subprocess.run([sys.executable, "-c", TRY, str(office_dir)], capture_output=True,
                          text=True, timeout=120, check=True)
    return done.stdout


def test_deleting_the_lock_file_does_not_let_a_second_watcher_run(
        office_dir: Path, clock: FixedClock) -> None:
    with open_office(office_dir, clock=clock):
        for leftover in office_dir.rglob(LOCK_NAME):
            leftover.unlink()  # what a person tidying the folder would do
        (office_dir / "registers" / LOCK_NAME).unlink(missing_ok=True)
        answer = second_process(office_dir)
    assert answer.startswith("busy:"), answer
    assert "un autre processus d'automation travaille déjà" in answer
    assert second_process(office_dir).startswith("opened")


def test_a_second_watch_command_stops_with_a_french_message(office_dir: Path,
                                                          clock: FixedClock) -> None:
    with open_office(office_dir, clock=clock):
        done = subprocess.run(
            [sys.executable, "-m", "automation", "--dir", str(office_dir), "watch", "--once"],
            capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 2
    assert "un autre processus d'automation travaille déjà" in done.stdout
    assert "Traceback" not in done.stdout + done.stderr


def test_the_lock_of_a_killed_watcher_is_free_at_once(office_dir: Path) -> None:
    with subprocess.Popen([sys.executable, "-c", HOLD, str(office_dir)],
                          stdout=subprocess.PIPE, text=True) as holder:
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
            assert second_process(office_dir).startswith("busy:")
            os.kill(holder.pid, signal.SIGKILL)  # a crash: nothing is released by hand
            holder.wait(timeout=60)
            assert second_process(office_dir).startswith("opened")
        finally:
            if holder.poll() is None:
                holder.kill()


def test_waiting_for_the_lock_gives_up_with_office_busy(office_dir: Path,
                                                       clock: FixedClock) -> None:
    with open_office(office_dir, clock=clock):
        started = time.monotonic()
        with pytest.raises(OfficeBusy), open_office(office_dir, clock=clock, wait_seconds=0.3):
            pass
        assert time.monotonic() - started >= 0.3


def test_temporary_files_left_by_a_crash_are_removed_at_start_up(
        office_dir: Path, clock: FixedClock) -> None:
    registers, outbox = office_dir / "registers", office_dir / "outbox"
    rejected = office_dir / "inbox" / "rejected"
    for folder in (outbox, rejected, outbox / "REC-2026-0001 pièces jointes"):
        folder.mkdir(parents=True, exist_ok=True)
    crash = [registers / ".~reclamations.3f2a9c1d.tmp", registers / ".tableau-de-bord-x1.tmp",
             registers / ".digests-ab12.tmp", registers / ".reclamations.xlsx.tmp",
             outbox / ".REC-2026-0001 accuse de reception - Dupont.k2j3.tmp",
             rejected / ".~rejet-8f7e.tmp", office_dir / ".automation.toml.tmp",
             outbox / "REC-2026-0001 pièces jointes" / ".~devis.0a1b.tmp"]
    for path in crash:
        path.write_bytes(b"\0" * 1024)
    (outbox / ".pdf-abc123").mkdir()
    (outbox / ".pdf-abc123" / "lettre.pdf").write_bytes(b"%PDF-")
    theirs = [registers / "~$reclamations.xlsx", registers / ".~lock.reclamations.xlsx#",
              outbox / "~WRL0001.tmp", registers / "3F2A9C1D", registers / "notes.tmp",
              outbox / "REC-2026-0001 accuse de reception - Dupont.docx"]
    for path in theirs:
        path.write_bytes(b"theirs")
    with open_office(office_dir, clock=clock):
        pass
    assert [p for p in crash if p.exists()] == []
    assert not (outbox / ".pdf-abc123").exists()
    assert [p for p in theirs if not p.exists()] == []
