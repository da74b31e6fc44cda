"""A process killed between the journal and the workbook gives each row exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .spine import MESSY_COMPLAINTS, register_rows, write_xlsx

# The child process ingests one file and is killed (SIGKILL, no clean-up) at one point.
CHILD = textwrap.dedent("""
    import os, signal, sys
    from pathlib import Path
    from automation.pipeline.files import ingest_file
    from automation.pipeline.office import open_office
    from automation.registers.xlsx.appender import XmlAppender

    root, dropped, when = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
    original = XmlAppender.append

    def append(self, rows, notes, **options):
        if when == "before-workbook-write":
            os.kill(os.getpid(), signal.SIGKILL)
        result = original(self, rows, notes, **options)
        os.kill(os.getpid(), signal.SIGKILL)  # after the write, before the journal knows

    XmlAppender.append = append
    with open_office(root) as office:
        ingest_file(office, dropped)
""")


@pytest.mark.parametrize("when", ["before-workbook-write", "after-workbook-write"])
def test_killed_during_ingest_then_restarted_gives_each_row_once(office_dir: Path,
                                                                 when: str) -> None:
    dropped = write_xlsx(office_dir / "inbox" / "reclamations" / "plaintes.xlsx",
                         MESSY_COMPLAINTS)
    child = subprocess.run([sys.executable, "-c", CHILD, str(office_dir), str(dropped), when],
                           capture_output=True, text=True, timeout=120, check=False)
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert dropped.exists()  # the crash left the file in the inbox

    restart = subprocess.run(
        [sys.executable, "-m", "automation", "--dir", str(office_dir), "watch", "--once"],
        capture_output=True, text=True, timeout=120, check=False,
        env={**os.environ, "COLUMNS": "200"})
    assert restart.returncode == 0, restart.stdout + restart.stderr

    rows = register_rows(office_dir / "registers" / "reclamations.xlsx", "Réclamations")
    assert [r["N°"].value for r in rows] == ["REC-2026-0001", "REC-2026-0002", "REC-2026-0003"]
    assert not dropped.exists()
    assert (office_dir / "inbox" / "processed" / "plaintes.xlsx").exists()
    assert len(list((office_dir / "outbox").glob("*.docx"))) == 3
    rejected = list((office_dir / "inbox" / "rejected").glob("*.xlsx"))
    assert len(rejected) == 1
