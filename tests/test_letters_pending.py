"""A broken template keeps its letter pending, listed with the error, produced once it is fixed."""

from __future__ import annotations

import shutil
from pathlib import Path

import docx
from click.testing import CliRunner, Result

from automation.cli import main
from automation.clock import FixedClock, SystemClock
from automation.pipeline.followup import catch_up
from automation.pipeline.register_watch import look_at_register
from automation.registers.journal import LetterStatus

from .conftest import REPO
from .test_register_watch import (
    ANSWER,
    cell,
    fast_office,
    letters_of,
    save_as_excel_does,
    wait_for,
    watching,
    with_complaint,
)

TEMPLATE = "reponse-reclamation.docx"


def break_template(templates: Path) -> None:
    """A template as a person might leave it in Word: a tag never closed."""
    document = docx.Document()
    document.add_paragraph("Madame, Monsieur,")
    document.add_paragraph("Votre réclamation {{ broken ")
    document.save(str(templates / TEMPLATE))


def fix_template(templates: Path) -> None:
    shutil.copyfile(REPO / "automation" / "defaults" / TEMPLATE, templates / TEMPLATE)


def resolved_with_broken_template(office_dir: Path, clock: FixedClock) -> Path:
    """A complaint answered in Excel while its answer's template is broken."""
    with fast_office(office_dir, clock) as office:
        register = with_complaint(office)
        break_template(office.config.templates_dir)
        save_as_excel_does(register, "REC-2026-0001", {"Statut": "Résolue",
                                                       "Réponse apportée": ANSWER})
        look_at_register(office, office.config.binding("reclamations"))
        catch_up(office)
        failed = office.journal.letters(statuses=[LetterStatus.FAILED])
        assert [(j.record_id, j.kind) for j in failed] == [("REC-2026-0001",
                                                            "reponse-reclamation")]
        assert TEMPLATE in failed[0].error
        assert letters_of(office, "reponse-reclamation") == []
    return register


def run(office_dir: Path, *args: str) -> Result:
    return CliRunner().invoke(main, ["--dir", str(office_dir), *args], terminal_width=200)


def test_a_broken_template_is_listed_then_produced_once_it_is_fixed(
        office_dir: Path, clock: FixedClock) -> None:
    register = resolved_with_broken_template(office_dir, clock)

    listed = run(office_dir, "status")
    assert listed.exit_code == 0, listed.output
    assert "REC-2026-0001" in listed.output and TEMPLATE in listed.output
    assert "letters --pending" in listed.output

    pending = run(office_dir, "letters")
    assert pending.exit_code == 1
    assert TEMPLATE in pending.output and "syntax" in pending.output

    still = run(office_dir, "letters", "--pending")  # not fixed yet: still failing
    assert still.exit_code == 1
    assert "0 courrier(s) produit(s), 1 en échec" in still.output

    fix_template(office_dir / "templates")
    produced = run(office_dir, "letters", "--pending")
    assert produced.exit_code == 0, produced.output
    assert "1 courrier(s) produit(s), 0 en échec" in produced.output
    again = run(office_dir, "letters", "--pending")
    assert again.exit_code == 0 and "0 courrier(s) produit(s)" in again.output

    answers = [p for p in (office_dir / "outbox").glob("*.docx")
               if "réponse" in p.name.lower() or "reponse" in p.name.lower()]
    assert len(answers) == 1
    assert cell(register, "REC-2026-0001", "Date de réponse") is None  # prepared, not sent
    listed = run(office_dir, "letters").output
    assert "Aucun courrier en attente" in listed
    assert "Courriers préparés, non envoyés (2)" in listed and answers[0].name in listed

    before = SystemClock().now().date()  # the command's clock: the answer was prepared today
    declared = run(office_dir, "letters", "sent", "REC-2026-0001")
    assert declared.exit_code == 0, declared.output
    day = cell(register, "REC-2026-0001", "Date de réponse").date()
    assert before <= day <= SystemClock().now().date()
    assert f"réponse à réclamation : envoyé le {day:%d/%m/%Y}" in declared.output
    assert cell(register, "REC-2026-0001", "Date d'accusé de réception").date() == day
    assert cell(register, "REC-2026-0001", "Statut") == "Résolue"  # never moved back
    again = run(office_dir, "letters", "sent", "REC-2026-0001")
    assert again.exit_code == 1 and f"déjà envoyé (le {day:%d/%m/%Y})" in again.output
    assert "Aucun courrier préparé en attente d'envoi" in run(office_dir, "letters").output


def test_a_running_watcher_produces_the_letter_once_the_template_is_saved(
        office_dir: Path, clock: FixedClock) -> None:
    resolved_with_broken_template(office_dir, clock)
    with fast_office(office_dir, clock) as office:
        with watching(office):
            busy = run(office_dir, "letters", "--pending")
            assert busy.exit_code == 1 and "automation watch » est en marche" in busy.output
            fix_template(office.config.templates_dir)
            wait_for(lambda: len(letters_of(office, "reponse-reclamation")) == 1)
        assert office.journal.letters(statuses=[LetterStatus.FAILED]) == []
