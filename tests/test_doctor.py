"""``automation doctor`` says, in French, whether this office will work, and what to fix."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from automation.cli import main
from automation.doctor import Verdict, examine
from automation.registers.adopt import adopt_register
from automation.registers.adoption_record import record_adoption
from automation.service import Outcome

from .conftest import SmtpSink
from .dovecot import PASSWORD, USER, DovecotServer
from .test_service import Programs

DATA = Path(__file__).parent / "data"


def doctor(office_dir: Path, *args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, ["--dir", str(office_dir), "doctor", *args],
                              env={"COLUMNS": "250", **(env or {})})


def test_a_new_office_is_in_order_and_doctor_exits_0(office_dir: Path) -> None:
    result = doctor(office_dir, "--offline")
    assert result.exit_code == 0, result.output
    for line in ("OK          Python : Python 3.", "OK          Dossier registers : ",
                 "OK          Registre reclamations : reclamations.xlsx : 0 ligne(s) lisible(s)",
                 "OK          Modèle accuse-reception-reclamation.docx : se remplit sans erreur",
                 "OK          Horloge : ", "OK          Espace disque : ",
                 "À noter     Service : non installé"):
        assert line in result.output, line
    assert "Tout est en ordre pour que cet office fonctionne." in result.output


def test_what_will_fail_is_listed_with_what_to_do_and_doctor_exits_1(office_dir: Path) -> None:
    registers = office_dir / "registers"
    (registers / "annulations.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    template = office_dir / "templates" / "reponse-reclamation.docx"
    template.write_bytes(b"not a Word document")
    (office_dir / "templates" / "information-report.docx").unlink()
    shutil.copyfile(DATA / "reg-office-reclamations.xlsx", registers / "Registre.xlsx")
    record_adoption(office_dir / "automation.toml",
                    adopt_register(registers / "Registre.xlsx", "reclamations"),
                    registers_dir=registers)
    toml = office_dir / "automation.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace(
        'subject = "Objet"', 'subject = "Objet de la plainte"'), encoding="utf-8")
    result = doctor(office_dir, "--offline")
    assert result.exit_code == 1, result.output
    text = " ".join(result.output.split())
    assert "4 point(s) à corriger :" in text
    assert ("Registre reclamations : Registre.xlsx : colonne(s) de la correspondance "
            "enregistrée absente(s) de la ligne d'en-têtes : « Objet de la plainte »") in text
    assert "relancez automation adopt" in text
    assert "Registre annulations : annulations.xlsx : illisible" in text
    assert "Modèle reponse-reclamation.docx : " in text and "corrigez le modèle dans Word" in text
    assert "Modèle information-report.docx : absent → automation init" in text


def test_a_missing_folder_and_a_bad_setting_are_named(office_dir: Path) -> None:
    shutil.rmtree(office_dir / "templates")
    result = doctor(office_dir, "--offline")
    assert result.exit_code == 1
    assert "Dossier templates : " in result.output and "absent" in result.output
    (office_dir / "automation.toml").write_text("[watch]\nsettle_seconds = \"vite\"\n",
                                               encoding="utf-8")
    result = doctor(office_dir, "--offline")
    assert result.exit_code == 1
    assert "Configuration : " in result.output and "watch.settle_seconds" in result.output


def test_an_installed_service_that_is_stopped_is_to_be_fixed(office_dir: Path,
                                                             tmp_path: Path) -> None:
    units = tmp_path / "config" / "systemd" / "user"
    units.mkdir(parents=True)
    (units / "automation-office.service").write_text("[Service]\n")
    stopped = Programs({"is-active": Outcome(3, "inactive"),
                        "is-enabled": Outcome(0, "enabled")})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
        findings = {f.topic: f for f in examine(office_dir, run=stopped, connect=False)}
    assert findings["Service"].verdict is Verdict.FIX
    assert "installé mais arrêté" in findings["Service"].text


def test_the_mailbox_and_smtp_are_reached_and_authorised(
        office_dir: Path, dovecot: DovecotServer, smtp_sink: tuple[SmtpSink, int]) -> None:
    _, port = smtp_sink
    with (office_dir / "automation.toml").open("w", encoding="utf-8") as toml:
        toml.write(f'[mail]\nsource = "imap"\n\n[mail.imap]\nhost = "127.0.0.1"\n'
                   f'port = {dovecot.port}\ntls = "none"\nusername = "{USER}"\n\n'
                   f'[mail.smtp]\nhost = "127.0.0.1"\nport = {port}\ntls = "none"\n')
    good = doctor(office_dir, env={"AUTOMATION_MAIL_PASSWORD": PASSWORD})
    assert "OK          Boîte aux lettres : joignable et autorisée : IMAP 127.0.0.1" in good.output
    assert "OK          Envoi (SMTP) : joignable : smtp:127.0.0.1" in good.output
    bad = doctor(office_dir, env={"AUTOMATION_MAIL_PASSWORD": "wrong"})
    assert bad.exit_code == 1
    assert "À corriger  Boîte aux lettres : imap : " in bad.output
    assert "automation mail check" in bad.output
