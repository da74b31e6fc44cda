r"""The Task Scheduler task that keeps ``automation watch`` running on Windows.

The task ``\automation\<office>`` starts the watcher one minute after boot, then every 5
minutes: while one runs, the new start is ignored (``IgnoreNew``) — so a watcher that died is
back within 5 minutes, whatever made it die (the Task Scheduler's own « restart on failure »
only covers a start that failed). No time limit (the default one stops a task after 3 days),
no stop on battery. It is registered with the account's password (``schtasks /RP *`` asks
for it): that is what lets it run while nobody is logged on and reach a network share.

The XML follows the Task Scheduler schema (``http://schemas.microsoft.com/windows/2004/02/mit/
task``, version 1.2, the one ``schtasks /XML`` accepts from Windows 7 on), written in UTF-16
as Windows writes its own.
"""

from __future__ import annotations

import os
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from automation.service import Plan, Runner, ServiceFile, ServiceState, watch_command

NAMESPACE: Final = "http://schemas.microsoft.com/windows/2004/02/mit/task"
FOLDER: Final = "automation"
REPEAT_EVERY: Final = "PT5M"
BOOT_DELAY: Final = "PT1M"
RESTART_EVERY: Final = "PT1M"
RESTART_COUNT: Final = 255  # the schema's largest (an unsignedByte)


def task_path(name: str) -> str:
    return f"\\{FOLDER}\\{name}"


def account() -> str:
    """``DOMAIN\\user`` of the person installing (the task runs as them)."""
    user = os.environ.get("USERNAME") or os.environ.get("USER") or "utilisateur"
    domain = os.environ.get("USERDOMAIN", "")
    return f"{domain}\\{user}" if domain else user


def _add(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NAMESPACE}}}{tag}")
    if text is not None:
        element.text = text
    return element


def task_xml(root: Path, name: str, *, user: str = "",
             command: Sequence[str] | None = None) -> str:
    """The task definition, as text (written in UTF-16 by :func:`install_plan`)."""
    root = root.resolve() if os.name == "nt" else root
    argv = list(command or watch_command(root))
    user = user or account()
    ET.register_namespace("", NAMESPACE)
    task = ET.Element(f"{{{NAMESPACE}}}Task", {"version": "1.2"})
    info = _add(task, "RegistrationInfo")
    _add(info, "Description", f"automation : registres qualité de {root}")
    _add(info, "Author", user)
    _add(info, "URI", task_path(name))
    boot = _add(_add(task, "Triggers"), "BootTrigger")
    _add(boot, "Enabled", "true")
    repetition = _add(boot, "Repetition")
    _add(repetition, "Interval", REPEAT_EVERY)
    _add(repetition, "StopAtDurationEnd", "false")
    _add(boot, "Delay", BOOT_DELAY)
    principal = _add(_add(task, "Principals"), "Principal")
    principal.set("id", "Author")
    _add(principal, "UserId", user)
    _add(principal, "LogonType", "Password")
    _add(principal, "RunLevel", "LeastPrivilege")
    settings = _add(task, "Settings")
    for tag, value in (("MultipleInstancesPolicy", "IgnoreNew"),
                       ("DisallowStartIfOnBatteries", "false"),
                       ("StopIfGoingOnBatteries", "false"),
                       ("AllowHardTerminate", "true"),
                       ("StartWhenAvailable", "true"),
                       ("RunOnlyIfNetworkAvailable", "false"),
                       ("AllowStartOnDemand", "true"),
                       ("Enabled", "true"),
                       ("Hidden", "false"),
                       ("RunOnlyIfIdle", "false"),
                       ("WakeToRun", "false"),
                       ("ExecutionTimeLimit", "PT0S"),
                       ("Priority", "7")):
        _add(settings, tag, value)
    idle = _add(settings, "IdleSettings")
    _add(idle, "StopOnIdleEnd", "false")
    _add(idle, "RestartOnIdle", "false")
    restart = _add(settings, "RestartOnFailure")
    _add(restart, "Interval", RESTART_EVERY)
    _add(restart, "Count", str(RESTART_COUNT))
    actions = _add(task, "Actions")
    actions.set("Context", "Author")
    execute = _add(actions, "Exec")
    _add(execute, "Command", argv[0])
    # quoted as Windows programs split a command line (the C runtime's rules)
    _add(execute, "Arguments", subprocess.list2cmdline(argv[1:]))
    _add(execute, "WorkingDirectory", str(root))
    ET.indent(task)
    body = ET.tostring(task, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-16"?>\n' + body + "\n"


def definition_file(root: Path, name: str) -> Path:
    """Where the definition is kept (``schtasks /XML`` reads it from a file)."""
    return root / "registers" / ".service" / f"{name}.xml"


def install_plan(root: Path, name: str) -> Plan:
    text = task_xml(root, name)
    where = definition_file(root, name)
    user = account()
    data = text.replace("\n", "\r\n").encode("utf-16")  # with its byte-order mark
    return Plan(
        system="Planificateur de tâches", name=task_path(name),
        write=(ServiceFile(where, data, text),),
        commands=(("schtasks", "/Create", "/TN", task_path(name), "/XML", str(where),
                   "/RU", user, "/RP", "*", "/F"),
                  ("schtasks", "/Run", "/TN", task_path(name))),
        interactive=frozenset({0}),
        notes=(f"schtasks demande le mot de passe du compte « {user} » : il permet à la tâche "
               "de tourner sans session ouverte et d'atteindre un dossier partagé.",))


def uninstall_plan(root: Path, name: str) -> Plan:
    return Plan(system="Planificateur de tâches", name=task_path(name),
                remove=(definition_file(root, name),),
                commands=(("schtasks", "/End", "/TN", task_path(name)),
                          ("schtasks", "/Delete", "/TN", task_path(name), "/F")),
                optional=frozenset({0}))


def state(name: str, *, run: Runner) -> ServiceState:
    """Installed and running, from PowerShell's ``Get-ScheduledTask`` (its states are not
    translated: Ready, Running, Disabled)."""
    query = (f"(Get-ScheduledTask -TaskPath '\\{FOLDER}\\' -TaskName '{name}' "
             "-ErrorAction Stop).State")
    outcome = run(("powershell", "-NoProfile", "-NonInteractive", "-Command", query))
    word = outcome.output.strip().splitlines()[-1] if outcome.output.strip() else ""
    installed = outcome.code == 0 and bool(word)
    return ServiceState(name=task_path(name), system="Planificateur de tâches",
                        installed=installed, running=installed and word == "Running",
                        detail=word if installed else "", where=task_path(name))
