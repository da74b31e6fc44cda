"""The systemd unit that keeps ``automation watch`` running on Linux.

A system unit (installed as root) runs as the owner of the office folder, so that the files
it writes belong to the people who use the folder; a user unit runs as the person who
installed it and needs ``loginctl enable-linger`` to start at boot before anyone logs in.
``Restart=on-failure`` brings a watcher that died back after 10 s; a stop (``systemctl
stop``) is SIGTERM, on which the watcher finishes the file in hand and exits 0.
"""

from __future__ import annotations

import getpass
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Final

from automation.service import Plan, Runner, ServiceFile, ServiceState, watch_command

SYSTEM_DIR: Final = Path("/etc/systemd/system")
RESTART_SECONDS: Final = 10
STOP_SECONDS: Final = 120  # a workbook being written, a LibreOffice conversion: let it end
_PLAIN: Final = re.compile(r"^[A-Za-z0-9_@%+=:,./-]+$")


def user_dir() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "systemd" / "user"


def quote(argument: str) -> str:
    """One argument of ``ExecStart=`` as systemd reads it back (spaces, quotes, ``%``, ``$``)."""
    text = argument.replace("%", "%%").replace("$", "$$")
    if _PLAIN.match(argument):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def path_value(path: Path) -> str:
    """A path in a setting that takes one path (``WorkingDirectory=``): only ``%`` escaped."""
    return str(path).replace("%", "%%")


def folder_owner(root: Path) -> str:
    """The account a system unit runs as: the office folder's owner (not root if avoidable)."""
    import pwd  # POSIX only

    try:
        owner = pwd.getpwuid(root.stat().st_uid).pw_name
    except (KeyError, OSError):
        owner = "root"
    if owner == "root":
        owner = os.environ.get("SUDO_USER") or owner
    return owner


def unit_text(root: Path, *, system: bool, user: str = "",
              command: Sequence[str] | None = None) -> str:
    root = root.resolve()
    argv = list(command or watch_command(root))
    lines = [
        "# Written by « automation service install »; removed by « automation service "
        "uninstall ».",
        "[Unit]",
        f"Description=automation : registres qualité de {path_value(root)}",
        "After=network-online.target",
        "Wants=network-online.target",
        f"RequiresMountsFor={quote(str(root))}",
        "",
        "[Service]",
        "Type=simple",
    ]
    if system and user:
        lines.append(f"User={user}")
    lines += [
        f"WorkingDirectory={path_value(root)}",
        f"ExecStart={' '.join(quote(a) for a in argv)}",
        "Environment=PYTHONUNBUFFERED=1 PYTHONIOENCODING=utf-8",
        "Restart=on-failure",
        f"RestartSec={RESTART_SECONDS}",
        f"TimeoutStopSec={STOP_SECONDS}",
        "",
        "[Install]",
        f"WantedBy={'multi-user.target' if system else 'default.target'}",
        "",
    ]
    return "\n".join(lines)


def _systemctl(system: bool, *args: str) -> tuple[str, ...]:
    return ("systemctl", *(() if system else ("--user",)), *args)


def install_plan(root: Path, name: str, *, system: bool, unit_dir: Path | None = None) -> Plan:
    folder = unit_dir or (SYSTEM_DIR if system else user_dir())
    account = folder_owner(root) if system else getpass.getuser()
    text = unit_text(root, system=system, user=account)
    unit = f"{name}.service"
    commands = [_systemctl(system, "daemon-reload"), _systemctl(system, "enable", "--now", unit)]
    notes = [f"La surveillance tournera sous le compte « {account} » ; journal de systemd : "
             f"journalctl {'' if system else '--user '}-u {unit}"]
    optional: set[int] = set()
    if not system:
        commands.append(("loginctl", "enable-linger", account))
        optional.add(len(commands) - 1)
        notes.append("Service de l'utilisateur : « loginctl enable-linger » le fait démarrer "
                     "au démarrage du serveur, sans que personne ne se connecte.")
    return Plan(system=f"systemd ({'système' if system else 'utilisateur'})", name=unit,
                write=(ServiceFile(folder / unit, text.encode("utf-8"), text),),
                commands=tuple(commands), optional=frozenset(optional), notes=tuple(notes))


def uninstall_plan(name: str, *, system: bool, unit_dir: Path | None = None) -> Plan:
    folder = unit_dir or (SYSTEM_DIR if system else user_dir())
    unit = f"{name}.service"
    return Plan(system=f"systemd ({'système' if system else 'utilisateur'})", name=unit,
                remove=(folder / unit,),
                commands=(_systemctl(system, "disable", "--now", unit),
                          _systemctl(system, "daemon-reload")),
                optional=frozenset({0}))


def state(name: str, *, system: bool, run: Runner, unit_dir: Path | None = None) -> ServiceState:
    folder = unit_dir or (SYSTEM_DIR if system else user_dir())
    unit = f"{name}.service"
    path = folder / unit
    kind = f"systemd ({'système' if system else 'utilisateur'})"
    if not path.is_file():
        return ServiceState(name=unit, system=kind, installed=False, running=False,
                            where=str(path))
    active = run(_systemctl(system, "is-active", unit)).output.splitlines()
    enabled = run(_systemctl(system, "is-enabled", unit)).output.splitlines()
    active_word = active[0] if active else "inconnu"
    enabled_word = enabled[0] if enabled else "inconnu"
    return ServiceState(name=unit, system=kind, installed=True,
                        running=active_word == "active",
                        detail=f"is-active: {active_word}, is-enabled: {enabled_word}",
                        where=str(path))
