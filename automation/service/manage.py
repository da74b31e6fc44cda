"""The service of one office, whatever the system: plans to install and remove it, its state."""

from __future__ import annotations

import os
from pathlib import Path

from automation.service import (
    Plan,
    Runner,
    ServiceState,
    on_windows,
    service_name,
    systemd,
    windows,
)


def default_system_scope() -> bool:
    """A system unit when run as root (or an administrator's sudo), else the user's own."""
    geteuid = getattr(os, "geteuid", None)
    return geteuid is not None and geteuid() == 0


def install_plan(root: Path, *, name: str = "", system: bool | None = None,
                 unit_dir: Path | None = None) -> Plan:
    name = name or service_name(root)
    if on_windows():
        return windows.install_plan(root, name)
    scope = default_system_scope() if system is None else system
    return systemd.install_plan(root, name, system=scope, unit_dir=unit_dir)


def uninstall_plan(root: Path, *, name: str = "", system: bool | None = None,
                   unit_dir: Path | None = None) -> Plan:
    name = name or service_name(root)
    if on_windows():
        return windows.uninstall_plan(root, name)
    scope = default_system_scope() if system is None else system
    return systemd.uninstall_plan(name, system=scope, unit_dir=unit_dir)


def service_state(root: Path, *, run: Runner, name: str = "", system: bool | None = None,
                  unit_dir: Path | None = None) -> ServiceState:
    """Installed? running? For a unit, both scopes are looked at unless one is given."""
    name = name or service_name(root)
    if on_windows():
        return windows.state(name, run=run)
    scopes = [system] if system is not None else [True, False]
    states = [systemd.state(name, system=scope, run=run, unit_dir=unit_dir) for scope in scopes]
    return next((s for s in states if s.installed), states[0])
