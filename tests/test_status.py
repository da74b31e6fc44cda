"""``automation status`` shows the office at a glance, even while the watcher runs."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner, Result

from automation.cli import main
from automation.clock import FixedClock
from automation.pipeline.files import ingest_file
from automation.pipeline.office import Office

from .spine import write_xlsx
from .test_register_watch import COMPLAINT, fast_office, wait_for, watching

LATE = [COMPLAINT[0], ["01/10/2026", *COMPLAINT[1][1:]]]  # answer and closing long overdue


def status(office_dir: Path) -> Result:
    result = CliRunner().invoke(main, ["--dir", str(office_dir), "status"],
                                env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result


def late_count(output: str) -> int:
    found = re.search(r"Points en retard : (\d+)", output)
    assert found is not None, output
    return int(found[1])


def test_a_quiet_office_shows_nothing_waiting(office_dir: Path) -> None:
    output = status(office_dir).output
    assert "Surveillance : arrêtée" in output
    assert "Dernier fichier traité : —" in output
    assert "Courriers à produire : 0" in output and "Courriers en attente" not in output
    assert late_count(output) == 1  # as ``due`` says: the risk analysis, never evaluated


def test_status_answers_while_the_watcher_runs(office_dir: Path, clock: FixedClock) -> None:
    with fast_office(office_dir, clock) as office:
        office.journal.set_state("mailbox_error", "imap.exemple.fr : connexion refusée")
        office.journal.set_state("mailbox_since", "2026-11-23T08:00:00+01:00")
        with watching(office):
            write_xlsx(office.config.inbox_dir / "reclamations" / "plainte.xlsx", LATE)
            wait_for(lambda: (office.config.inbox_dir / "processed" / "plainte.xlsx").exists())
            output = status(office_dir).output
    assert "Surveillance : en marche depuis 23/11/2026 09:30" in output
    assert "Dernier fichier traité : plainte.xlsx (23/11/2026 09:30)" in output
    assert ("Boîte aux lettres injoignable depuis 23/11/2026 08:00 : "
            "imap.exemple.fr : connexion refusée") in output
    assert late_count(output) >= 1
    assert "Surveillance : arrêtée (depuis 23/11/2026 09:30)" in status(office_dir).output


def test_rows_waiting_for_a_closed_workbook_are_shown_with_why(office: Office) -> None:
    register = office.config.binding("reclamations").path
    register.with_name("~$" + register.name).write_bytes(b"Claire")
    ingest_file(office, write_xlsx(office.config.inbox_dir / "reclamations" / "p.xlsx", LATE))
    output = status(office.config.root).output
    row = next(line for line in output.splitlines() if "reclamations" in line)
    assert re.search(r"reclamations\s*│\s*1\s*│\s*1\s*│", row), row
    assert "ouvert dans Excel" in row
    assert "Mailbox" not in output and "Boîte aux lettres" not in output
