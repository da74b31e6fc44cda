"""``automation service``: the unit systemd accepts, the command it starts, the Windows task.

The systemd unit is checked by ``systemd-analyze verify`` (Debian's ``systemd`` package,
installed by ``scripts/install-system-deps``) and the command it starts is run for real. The
Task Scheduler XML is checked against the required elements, orders and ranges of its schema
(``http://schemas.microsoft.com/windows/2004/02/mit/task``, as Microsoft documents it); it
is not registered here (no Windows).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree

from automation.cli import main
from automation.errors import ServiceError
from automation.service import Outcome, carry_out, service_name, systemd, windows
from automation.service.manage import service_state

from .spine import write_xlsx
from .test_portable_files import COMPLAINT

NS = {"t": windows.NAMESPACE}


class Programs:
    """The system's programs as a test double: records each command, answers as told."""

    def __init__(self, answers: dict[str, Outcome] | None = None) -> None:
        self.commands: list[tuple[str, ...]] = []
        self.answers = answers or {}

    def __call__(self, command: Sequence[str], *, interactive: bool = False) -> Outcome:
        self.commands.append(tuple(command))
        for key, outcome in self.answers.items():
            if key in " ".join(command):
                return outcome
        return Outcome(0, "")


def verify(unit: Path, *, user: bool) -> str:
    analyze = shutil.which("systemd-analyze")
    assert analyze is not None, "systemd-analyze missing: scripts/install-system-deps"
    runtime = unit.parent / "runtime"
    runtime.mkdir(mode=0o700, exist_ok=True)
    done = subprocess.run([analyze, *(["--user"] if user else []), "verify", str(unit)],
                          capture_output=True, text=True, timeout=120, check=False,
                          env={**os.environ, "XDG_RUNTIME_DIR": str(runtime)})
    return f"{done.returncode} {done.stdout}{done.stderr}".strip()


@pytest.fixture
def odd_office(office_dir: Path) -> Path:
    """An office whose path has a space, accents and a percent sign."""
    odd = office_dir.parent / "Qualité 100% réclamations"
    office_dir.rename(odd)
    return odd


@pytest.mark.parametrize("system", [True, False], ids=["system", "user"])
def test_the_unit_is_accepted_by_systemd_analyze_verify(odd_office: Path, tmp_path: Path,
                                                        system: bool) -> None:
    plan = systemd.install_plan(odd_office, service_name(odd_office), system=system,
                                unit_dir=tmp_path / "units")
    (unit,) = plan.write
    unit.path.parent.mkdir(parents=True)
    unit.path.write_bytes(unit.content)
    assert verify(unit.path, user=not system) == "0"
    text = unit.content.decode()
    assert "Restart=on-failure" in text
    assert ("WantedBy=multi-user.target" if system else "WantedBy=default.target") in text


def test_systemd_analyze_catches_a_broken_unit(tmp_path: Path) -> None:
    unit = tmp_path / "automation-casse.service"
    unit.write_text("[Service]\nExecStart=/nonexistent/python -m automation\n"
                    "Restart=sometimes\n")
    assert verify(unit, user=False) != "0"


def exec_start(unit_text: str) -> list[str]:
    """``ExecStart=`` read back as systemd does (quotes, ``%%``, ``$$``)."""
    (line,) = [line for line in unit_text.splitlines() if line.startswith("ExecStart=")]
    value = line.removeprefix("ExecStart=").replace("%%", "%").replace("$$", "$")
    return shlex.split(value)


def test_the_unit_starts_the_exact_command_that_watches_the_office_until_stopped(
        odd_office: Path) -> None:
    text = systemd.unit_text(odd_office, system=True, user="root")
    command = exec_start(text)
    assert command[:3] == [sys.executable, "-m", "automation"]
    assert command[3:] == ["--dir", str(odd_office.resolve()), "watch"]
    (directory,) = [line.removeprefix("WorkingDirectory=") for line in text.splitlines()
                    if line.startswith("WorkingDirectory=")]
    dropped = write_xlsx(odd_office / "inbox" / "reclamations" / "plainte.xlsx", COMPLAINT)
    with subprocess.Popen(command, cwd=directory.replace("%%", "%"), stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, text=True) as watcher:
        try:
            processed = odd_office / "inbox" / "processed" / dropped.name
            for _ in range(1200):  # a safety net for a stuck watcher, not a speed requirement
                if processed.exists() or watcher.poll() is not None:
                    break
                time.sleep(0.1)
            assert processed.exists()
            watcher.send_signal(signal.SIGTERM)  # what « systemctl stop » sends
            assert watcher.wait(timeout=120) == 0  # 0: Restart=on-failure does not restart it
        finally:
            if watcher.poll() is None:
                watcher.kill()
        assert watcher.stderr is not None and "Traceback" not in watcher.stderr.read()
    log = (odd_office / "registers" / ".logs" / "automation.log").read_text(encoding="utf-8")
    assert "arrêt demandé (signal 15)" in log


def test_install_writes_the_unit_enables_it_and_uninstall_removes_it(
        office_dir: Path, tmp_path: Path) -> None:
    units = tmp_path / "units"
    programs = Programs()
    name = service_name(office_dir)
    done = carry_out(systemd.install_plan(office_dir, name, system=False, unit_dir=units),
                     programs)
    unit = units / f"{name}.service"
    assert unit.is_file() and f"écrit : {unit}" in done
    assert programs.commands[:2] == [
        ("systemctl", "--user", "daemon-reload"),
        ("systemctl", "--user", "enable", "--now", f"{name}.service")]
    assert programs.commands[2][:2] == ("loginctl", "enable-linger")
    programs.answers = {"is-active": Outcome(0, "active"), "is-enabled": Outcome(0, "enabled")}
    state = service_state(office_dir, run=programs, system=False, unit_dir=units)
    assert state.installed and state.running
    programs.commands.clear()
    carry_out(systemd.uninstall_plan(name, system=False, unit_dir=units), programs)
    assert not unit.exists()
    assert programs.commands == [("systemctl", "--user", "disable", "--now", f"{name}.service"),
                                 ("systemctl", "--user", "daemon-reload")]
    assert not service_state(office_dir, run=programs, system=False, unit_dir=units).installed


def test_a_failed_enable_stops_the_install_with_a_french_reason(office_dir: Path,
                                                                tmp_path: Path) -> None:
    programs = Programs({"enable": Outcome(1, "Failed to connect to bus")})
    plan = systemd.install_plan(office_dir, "automation-x", system=True, unit_dir=tmp_path)
    with pytest.raises(ServiceError, match=r"a échoué \(code 1\) : Failed to connect to bus"):
        carry_out(plan, programs)


def test_a_refused_linger_is_noted_not_fatal(office_dir: Path, tmp_path: Path) -> None:
    programs = Programs({"enable-linger": Outcome(1, "Access denied")})
    plan = systemd.install_plan(office_dir, "automation-x", system=False, unit_dir=tmp_path)
    done = carry_out(plan, programs)
    assert any(line.startswith("non fait (Access denied) : loginctl") for line in done)


def test_dry_run_shows_the_unit_and_writes_nothing(office_dir: Path, tmp_path: Path) -> None:
    config_home = tmp_path / "config"
    result = CliRunner().invoke(main, ["service", "install", "--dir", str(office_dir),
                                       "--user", "--dry-run"],
                                env={"XDG_CONFIG_HOME": str(config_home), "COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    assert f"ExecStart={sys.executable} -m automation --dir " in result.output
    assert "(rien n'est fait : --dry-run)" in result.output
    assert "systemctl --user enable --now automation-office.service" in result.output
    assert not config_home.exists()


def test_install_refuses_a_folder_that_is_not_an_office(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["service", "install", "--dir", str(tmp_path),
                                       "--dry-run"], env={"COLUMNS": "250"})
    assert result.exit_code == 1
    assert "n'est pas un dossier de l'outil" in result.output


def test_the_service_name_is_plain_ascii_from_the_folder_name(tmp_path: Path) -> None:
    assert service_name(tmp_path / "Qualité 2026 (siège)") == "automation-qualite-2026-siege"
    assert service_name(tmp_path / "的") == "automation-bureau"


# -- Windows: the Task Scheduler task -------------------------------------------------------

BOOLEAN = {"true", "false"}
DURATION = re.compile(r"^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


def seconds(duration: str) -> int:
    found = DURATION.match(duration)
    assert found is not None and duration not in {"P", "PT"}, duration
    days, hours, minutes, secs = (int(g or 0) for g in found.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60 + secs


def children(element: etree._Element) -> list[str]:
    return [etree.QName(child).localname for child in element]


def in_order(names: list[str], sequence: Sequence[str]) -> bool:
    """``names`` follow ``sequence`` (an xs:sequence), each at most once."""
    positions = [sequence.index(n) for n in names]
    return positions == sorted(set(positions))


@pytest.fixture
def task(office_dir: Path) -> etree._Element:
    plan = windows.install_plan(office_dir, service_name(office_dir))
    (item,) = plan.write
    assert item.content.startswith(b"\xff\xfe")  # UTF-16 with its byte-order mark
    assert item.content.decode("utf-16").startswith('<?xml version="1.0" encoding="UTF-16"?>')
    return etree.fromstring(item.content)


def test_the_task_has_the_schema_s_required_elements_in_its_order(task: etree._Element) -> None:
    assert task.tag == f"{{{windows.NAMESPACE}}}Task"
    assert task.get("version") in {"1.1", "1.2", "1.3", "1.4"}
    top = children(task)
    assert set(top) <= {"RegistrationInfo", "Triggers", "Settings", "Data", "Principals",
                        "Actions"} and len(top) == len(set(top))  # an xs:all
    assert "Actions" in top  # the one required part
    actions = task.find("t:Actions", NS)
    assert actions is not None and 1 <= len(actions) <= 32
    principals = task.findall("t:Principals/t:Principal", NS)
    assert len(principals) == 1  # maxOccurs 1
    assert actions.get("Context") == principals[0].get("id")  # the schema's keyref
    (action,) = actions
    assert etree.QName(action).localname == "Exec"
    assert children(action)[0] == "Command" and in_order(
        children(action), ["Command", "Arguments", "WorkingDirectory"])
    boot = task.find("t:Triggers/t:BootTrigger", NS)
    assert boot is not None
    assert in_order(children(boot), ["Enabled", "StartBoundary", "EndBoundary", "Repetition",
                                     "ExecutionTimeLimit", "Delay"])
    repetition = boot.find("t:Repetition", NS)
    assert repetition is not None
    assert in_order(children(repetition), ["Interval", "Duration", "StopAtDurationEnd"])
    assert 60 <= seconds(repetition.findtext("t:Interval", "", NS)) <= 31 * 86400


def test_the_task_values_are_those_the_schema_allows(task: etree._Element) -> None:
    principal = task.find("t:Principals/t:Principal", NS)
    assert principal is not None
    assert principal.findtext("t:LogonType", "", NS) in {
        "S4U", "Password", "InteractiveToken", "InteractiveTokenOrPassword"}
    assert principal.findtext("t:RunLevel", "", NS) in {"LeastPrivilege", "HighestAvailable"}
    settings = task.find("t:Settings", NS)
    assert settings is not None
    assert len(children(settings)) == len(set(children(settings)))
    assert settings.findtext("t:MultipleInstancesPolicy", "", NS) in {
        "Parallel", "Queue", "IgnoreNew", "StopExisting"}
    for flag in ("DisallowStartIfOnBatteries", "StopIfGoingOnBatteries", "AllowHardTerminate",
                 "StartWhenAvailable", "RunOnlyIfNetworkAvailable", "AllowStartOnDemand",
                 "Enabled", "Hidden", "RunOnlyIfIdle", "WakeToRun"):
        assert settings.findtext(f"t:{flag}", "", NS) in BOOLEAN, flag
    assert 0 <= int(settings.findtext("t:Priority", "", NS)) <= 10
    restart = settings.find("t:RestartOnFailure", NS)
    assert restart is not None and set(children(restart)) == {"Interval", "Count"}
    assert 60 <= seconds(restart.findtext("t:Interval", "", NS)) <= 31 * 86400
    assert 1 <= int(restart.findtext("t:Count", "", NS)) <= 255  # an unsignedByte from 1
    assert seconds(settings.findtext("t:ExecutionTimeLimit", "", NS)) == 0  # no time limit


def test_the_task_runs_the_watcher_at_boot_again_and_again_whoever_is_logged_on(
        task: etree._Element, office_dir: Path) -> None:
    exec_ = task.find("t:Actions/t:Exec", NS)
    assert exec_ is not None
    assert exec_.findtext("t:Command", "", NS) == sys.executable
    assert exec_.findtext("t:Arguments", "", NS) == subprocess.list2cmdline(
        ["-m", "automation", "--dir", str(office_dir), "watch"])
    assert task.findtext("t:Principals/t:Principal/t:LogonType", "", NS) == "Password"
    assert task.findtext("t:Settings/t:MultipleInstancesPolicy", "", NS) == "IgnoreNew"
    assert task.findtext("t:Triggers/t:BootTrigger/t:Repetition/t:Interval", "", NS) == "PT5M"


def test_arguments_with_spaces_and_quotes_survive_windows_command_line_rules(
        tmp_path: Path) -> None:
    office = tmp_path / 'Mes Documents\\Qualité "OF"\\'
    text = windows.task_xml(office, "automation-x", user="OF\\dir",
                            command=["C:\\Python\\python.exe", "-m", "automation", "--dir",
                                     str(office), "watch"])
    arguments = etree.fromstring(text.encode("utf-16")).findtext("t:Actions/t:Exec/t:Arguments",
                                                                 "", NS)
    assert arguments == subprocess.list2cmdline(["-m", "automation", "--dir", str(office),
                                                 "watch"])


def test_the_windows_install_asks_for_the_password_and_uninstall_removes_the_task(
        office_dir: Path) -> None:
    name = service_name(office_dir)
    plan = windows.install_plan(office_dir, name)
    create = plan.commands[0]
    assert create[:4] == ("schtasks", "/Create", "/TN", f"\\automation\\{name}")
    assert create[create.index("/RP"):create.index("/RP") + 2] == ("/RP", "*")
    assert 0 in plan.interactive
    removal = windows.uninstall_plan(office_dir, name)
    assert removal.commands[-1] == ("schtasks", "/Delete", "/TN", f"\\automation\\{name}",
                                    "/F")
    running = Programs({"Get-ScheduledTask": Outcome(0, "Running")})
    assert windows.state(name, run=running).running
    gone = Programs({"Get-ScheduledTask": Outcome(1, "No MSFT_ScheduledTask objects found")})
    assert not windows.state(name, run=gone).installed
