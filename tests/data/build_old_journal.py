"""Build the journal of the last landed release, to test that an upgrade migrates it forward.

Run from the repository root: ``.venv/bin/python tests/data/build_old_journal.py``.

The release (commit :data:`RELEASE`, version 0.1.0, before the journal had a schema version)
is checked out in a temporary git worktree and installed in its own venv; its own
``automation`` then makes an office, ingests a complaint (the acknowledgment letter is
written) and a cancellation, exactly as an office running that release would have. What it
leaves is copied here:

* ``reg-journal-0.1.0.sqlite3`` — ``registers/.journal.sqlite3`` as that release wrote it;
* ``reg-journal-0.1.0-reclamations.xlsx`` and ``reg-journal-0.1.0-annulations.xlsx`` — the
  registers it wrote the rows into.
"""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

RELEASE = "47063b5"
HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
COMPLAINT = ("Date de réception;Canal;Partie prenante;Nom du déclarant;Nature;Objet\n"
             "20/11/2026;Email;Apprenant;Marie Dupont;Réclamation;Salle trop froide\n")
CANCELLATION = ("Date de la demande;Formation;Début de la session;À l'initiative de;Type\n"
                "18/11/2026 09:15;Excel avancé;01/12/2026 14h00;Apprenant;Annulation\n")


def run(*command: str | Path, cwd: Path | None = None) -> None:
    subprocess.run([str(c) for c in command], check=True, cwd=cwd)


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="old-release-") as work_name:
        work = Path(work_name)
        tree = work / "tree"
        run("git", "-C", REPO, "worktree", "add", "--detach", tree, RELEASE)
        try:
            venv = work / "venv"
            run(sys.executable, "-m", "venv", venv)
            run(venv / "bin" / "pip", "install", "--quiet", tree)
            office = work / "office"
            tool = venv / "bin" / "automation"
            run(tool, "init", office)
            complaint = office / "inbox" / "reclamations" / "plainte.csv"
            complaint.write_text(COMPLAINT, encoding="utf-8")
            run(tool, "--dir", office, "ingest", complaint)
            cancellation = office / "inbox" / "annulations" / "annulation.csv"
            cancellation.write_text(CANCELLATION, encoding="utf-8")
            run(tool, "--dir", office, "ingest", cancellation)
            journal = office / "registers" / ".journal.sqlite3"
            with sqlite3.connect(journal) as db:  # fold the write-ahead log into the file
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            shutil.copyfile(journal, HERE / "reg-journal-0.1.0.sqlite3")
            for key in ("reclamations", "annulations"):
                shutil.copyfile(office / "registers" / f"{key}.xlsx",
                                HERE / f"reg-journal-0.1.0-{key}.xlsx")
            letters = sorted(p.name for p in (office / "outbox").glob("*.docx"))
            print("letters written by the release:", letters)
        finally:
            run("git", "-C", REPO, "worktree", "remove", "--force", tree)


if __name__ == "__main__":
    main()
