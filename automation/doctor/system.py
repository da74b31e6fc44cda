"""Checks of the machine: Python, LibreOffice, the clock, disk space, long paths, the service."""

from __future__ import annotations

import shutil
import sqlite3
import sys
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from automation.config import Config
from automation.doctor import Finding, note, ok, to_fix
from automation.letters.pdf import find_libreoffice
from automation.pipeline.lock import OfficeLock
from automation.service import Runner
from automation.service.manage import service_state

MIN_PYTHON: Final = (3, 11)
LOW_DISK_MB: Final = 1024
CRITICAL_DISK_MB: Final = 200
CLOCK_SLACK: Final = timedelta(minutes=5)


def python_version() -> Finding:
    version = ".".join(str(n) for n in sys.version_info[:3])
    if sys.version_info[:2] < MIN_PYTHON:
        return to_fix("Python", f"Python {version} : trop ancien",
                      "installez Python 3.11 ou plus récent, puis réinstallez l'outil")
    return ok("Python", f"Python {version} ({sys.executable})")


def libreoffice(config: Config) -> Finding:
    found = find_libreoffice()
    if found is not None:
        return ok("LibreOffice", f"trouvé : {found} (courriers en PDF possibles)")
    if config.letters.pdf and config.letters.send_mode(
            mailbox=config.mail.mail.source != "folder") == "send":
        return note("LibreOffice", "absent : les réponses envoyées portent le .docx, pas un PDF",
                    "installez LibreOffice (gratuit) pour joindre les courriers en PDF")
    return note("LibreOffice", "absent : pas de courrier en PDF (les .docx sont produits)",
                "installez LibreOffice si vous voulez des PDF")


def disk_space(root: Path) -> Finding:
    try:
        free = shutil.disk_usage(root if root.exists() else root.parent).free // 2**20
    except OSError as exc:
        return to_fix("Espace disque", f"inconnu ({exc.strerror or exc})")
    text = f"{free:,} Mo libres".replace(",", " ")
    if free < CRITICAL_DISK_MB:
        return to_fix("Espace disque", text, "libérez de la place : sous "
                      f"{CRITICAL_DISK_MB} Mo, un registre ne peut plus être réécrit")
    if free < LOW_DISK_MB:
        return note("Espace disque", text, "libérez de la place bientôt")
    return ok("Espace disque", text)


def clock(config: Config | None, *, now: datetime, run: Runner) -> Finding:
    """The time zone database, the clock against the journal's latest entry, NTP if known."""
    try:
        paris = now.astimezone(ZoneInfo("Europe/Paris"))
    except ZoneInfoNotFoundError:
        return to_fix("Horloge", "le fuseau Europe/Paris est inconnu de cette machine",
                      "réinstallez l'outil (le paquet tzdata fournit les fuseaux)")
    text = f"{paris:%d/%m/%Y %H:%M} à Paris (heure de la machine : {now:%H:%M %Z})"
    latest = _latest_entry(config) if config is not None else None
    if latest is not None and now < latest - CLOCK_SLACK:
        return to_fix("Horloge", f"{text} : plus tôt que la dernière écriture du journal "
                      f"({latest:%d/%m/%Y %H:%M})", "remettez la machine à l'heure "
                      "(synchronisation automatique de l'heure)")
    if shutil.which("timedatectl"):
        answer = run(("timedatectl", "show", "-p", "NTPSynchronized", "--value"))
        if answer.code == 0 and answer.output.strip() == "no":
            return note("Horloge", f"{text} ; l'heure n'est pas synchronisée (NTP)",
                        "activez la synchronisation : timedatectl set-ntp true")
    return ok("Horloge", text)


def _latest_entry(config: Config) -> datetime | None:
    path = config.journal_path
    if not path.is_file():
        return None
    try:
        with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
            (value,) = db.execute("SELECT max(recorded_at) FROM rows").fetchone()
    except sqlite3.Error:
        return None
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("Europe/Paris"))
    return moment


def long_paths() -> list[Finding]:
    """Windows: paths over 260 characters need LongPathsEnabled (read from the registry)."""
    if sys.platform != "win32":
        return []
    import winreg  # Windows only

    try:
        with winreg.OpenKey(winreg.HKEY_LOCAL_MACHINE,
                            r"SYSTEM\CurrentControlSet\Control\FileSystem") as key:
            value, _ = winreg.QueryValueEx(key, "LongPathsEnabled")
    except OSError:
        value = 0
    if value:
        return [ok("Chemins longs", "activés (LongPathsEnabled)")]
    return [note("Chemins longs", "limités à 260 caractères",
                 "gardez le dossier de l'office près de la racine du disque, ou activez "
                 "« LongPathsEnabled » (stratégie de groupe, ou registre)")]


def service(config: Config, *, run: Runner) -> list[Finding]:
    busy = OfficeLock(config.registers_dir).held_elsewhere() if config.registers_dir.is_dir() \
        else False
    watcher = (ok("Surveillance", "en marche (un processus tient le dossier)") if busy
               else note("Surveillance", "arrêtée : rien n'est traité pour l'instant",
                         "démarrez-la : automation watch, ou installez le service"))
    state = service_state(config.root, run=run)
    if not state.installed:
        found = note("Service", f"non installé ({state.system}) : la surveillance ne "
                     "redémarre pas seule après un redémarrage de la machine",
                     f"automation service install --dir {config.root}")
    elif state.running:
        found = ok("Service", f"installé et en marche ({state.name})")
    else:
        found = to_fix("Service", f"installé mais arrêté ({state.name} : {state.detail})",
                       "regardez le journal de l'outil, puis relancez le service "
                       "(systemctl restart, ou le Planificateur de tâches)")
    return [found, watcher]
