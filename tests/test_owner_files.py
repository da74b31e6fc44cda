"""A workbook kept open by an owner file: who, since when, and — past a day — that it is stale.

The owner files are those LibreOffice writes beside a workbook it opens
(``tests/data/build_owner_files.py``): Excel's own ``~$`` format and LibreOffice's lock line.
"""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta
from email.message import EmailMessage
from pathlib import Path

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.clock import PARIS, FixedClock
from automation.config import load_config
from automation.errors import RegisterLocked
from automation.pipeline.files import ingest_file
from automation.pipeline.housekeeping import owner_notices
from automation.pipeline.office import Office, open_office
from automation.pipeline.reminders import Reminders
from automation.registers.owners import read_owner
from automation.registers.xlsx.replace import check_not_locked
from tests.spine import write_xlsx

DATA = Path(__file__).parent / "data"
MSO = DATA / "reg-owner-mso-helene-dupre.bin"
LIBREOFFICE = DATA / "reg-owner-lo-helene-dupre.txt"
COMPLAINT = [["Date de réception", "Canal", "Partie prenante", "Nom du déclarant", "Nature",
              "Objet"],
             ["20/11/2026", "Email", "Apprenant", "Jeanne Martin", "Réclamation", "Salle"]]


def leave_owner_file(register: Path, sample: Path, *, age: timedelta,
                     now: datetime | None = None) -> Path:
    name = f"~${register.name}" if sample == MSO else f".~lock.{register.name}#"
    owner = register.with_name(name)
    shutil.copyfile(sample, owner)
    moment = (now or datetime.now(PARIS)) - age
    os.utime(owner, (moment.timestamp(), moment.timestamp()))
    return owner


@pytest.mark.parametrize("sample", [MSO, LIBREOFFICE], ids=["excel", "libreoffice"])
def test_the_owner_file_names_the_person_who_has_the_workbook_open(
        tmp_path: Path, sample: Path) -> None:
    register = tmp_path / "reclamations.xlsx"
    found = read_owner(leave_owner_file(register, sample, age=timedelta(hours=1)))
    assert found is not None and found.owner == "Hélène Dupré"


def test_a_word_owner_file_is_read_at_its_own_offset(tmp_path: Path) -> None:
    name = "Zoé Martin"
    data = bytes([len(name)]) + name.encode("cp1252")
    data += b"\0" * (54 - len(data)) + bytes([len(name), 0]) + name.encode("utf-16-le")
    owner = tmp_path / "~$ttre.docx"
    owner.write_bytes(data + b"\0" * (162 - len(data)))
    found = read_owner(owner)
    assert found is not None and found.owner == "Zoé Martin"


def test_a_register_held_open_waits_with_a_french_reason_naming_the_owner(
        office: Office) -> None:
    register = office.config.binding("reclamations").path
    leave_owner_file(register, MSO, age=timedelta(minutes=20))
    with pytest.raises(RegisterLocked) as caught:
        check_not_locked(register)
    assert "est ouvert dans Excel ou LibreOffice par Hélène Dupré depuis le" in str(caught.value)
    assert "seront écrites dès sa fermeture" in str(caught.value)


def status_output(office_dir: Path) -> str:
    result = CliRunner().invoke(main, ["--dir", str(office_dir), "status"],
                                env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    return result.output


def test_status_says_a_three_day_old_owner_file_is_probably_stale_and_how_to_remove_it(
        office: Office) -> None:
    register = office.config.binding("reclamations").path
    owner = leave_owner_file(register, MSO, age=timedelta(days=3, minutes=5))
    ingest_file(office, write_xlsx(office.config.inbox_dir / "reclamations" / "p.xlsx",
                                   COMPLAINT))
    output = " ".join(status_output(office.config.root).split())
    assert "reclamations.xlsx est ouvert par Hélène Dupré depuis 3 jours" in output
    assert "probablement un reste d'Excel ou LibreOffice arrêté brutalement" in output
    assert f"supprimez le fichier « {owner.name} » dans {owner.parent}" in output


def test_status_shows_a_recent_owner_file_as_open_not_stale(office: Office) -> None:
    register = office.config.binding("reclamations").path
    leave_owner_file(register, LIBREOFFICE, age=timedelta(hours=2))
    output = " ".join(status_output(office.config.root).split())
    assert "reclamations.xlsx est ouvert par Hélène Dupré depuis 2 h" in output
    assert "seront écrites dès sa fermeture" in output
    assert "probablement" not in output


def test_stale_owner_hours_decides_when_an_owner_file_is_called_stale(
        office_dir: Path, clock: FixedClock) -> None:
    config = load_config(office_dir, environ={"AUTOMATION_WATCH_STALE_OWNER_HOURS": "100"})
    with open_office(office_dir, clock=clock, config=config) as office:
        register = office.config.binding("reclamations").path
        leave_owner_file(register, MSO, age=timedelta(days=3), now=clock.now())
        (notice,) = owner_notices(office.config, now=clock.now())
        assert not notice.stale
        leave_owner_file(register, MSO, age=timedelta(days=5), now=clock.now())
        (notice,) = owner_notices(office.config, now=clock.now())
        assert notice.stale


def test_the_daily_digest_says_which_register_a_stale_owner_file_holds(
        office_dir: Path) -> None:
    clock = FixedClock(datetime(2026, 11, 24, 9, 30, tzinfo=PARIS))  # a Tuesday, after 8:00
    with (office_dir / "automation.toml").open("a", encoding="utf-8") as toml:
        toml.write('\n[deadlines.owners]\n"Responsable qualité" = "qualite@exemple.fr"\n')
    sent: list[EmailMessage] = []
    with open_office(office_dir, clock=clock) as office:
        ingest_file(office, write_xlsx(office.config.inbox_dir / "reclamations" / "p.xlsx",
                                       [COMPLAINT[0], ["01/10/2026", *COMPLAINT[1][1:]]]))
        register = office.config.binding("reclamations").path
        owner = leave_owner_file(register, MSO, age=timedelta(days=2), now=clock.now())
        assert Reminders(office, send=sent.append, sender="of@exemple.fr").tick() == 1
    body = " ".join(sent[0].get_content().split())
    assert "À savoir :" in body
    assert "reclamations.xlsx est ouvert par Hélène Dupré depuis 2 jours" in body
    assert f"supprimez le fichier « {owner.name} »" in body
