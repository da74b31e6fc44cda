"""``automation doctor``: will this office work? Every check, in French, with what to fix.

Each check gives :class:`Finding` values: « OK », « À noter » (works, but worth knowing: no
LibreOffice, so no PDF; the service not installed) or « À corriger » (something will fail:
a register unreadable, a template broken, the mailbox refusing the login). The command exits
0 when nothing is « À corriger », 1 otherwise, with the list of what to fix.

The checks read and never change the office (a probe file is created and removed to prove a
folder writable; a template is rendered into a temporary folder). They run beside a working
watcher.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from automation.service import Runner


class Verdict(StrEnum):
    OK = "OK"
    NOTE = "À noter"
    FIX = "À corriger"


@dataclass(frozen=True)
class Finding:
    topic: str  # « Python », « Registre reclamations »
    verdict: Verdict
    text: str  # what was found, French
    fix: str = ""  # what to do, French (for NOTE and FIX)


def ok(topic: str, text: str) -> Finding:
    return Finding(topic, Verdict.OK, text)


def note(topic: str, text: str, fix: str = "") -> Finding:
    return Finding(topic, Verdict.NOTE, text, fix)


def to_fix(topic: str, text: str, fix: str = "") -> Finding:
    return Finding(topic, Verdict.FIX, text, fix)


def examine(root: Path, *, run: Runner, now: datetime | None = None,
            connect: bool = True) -> list[Finding]:
    """Every check of the office at ``root``; ``connect=False`` skips the mail servers."""
    from automation.config import load_config
    from automation.doctor import mail, office, system
    from automation.errors import AutomationError

    now = now or datetime.now().astimezone()
    findings = [system.python_version()]
    try:
        config = load_config(root)
    except AutomationError as exc:
        findings.append(to_fix("Configuration", str(exc),
                               "corrigez automation.toml (ou la variable d'environnement "
                               "nommée), puis relancez automation doctor"))
        findings += [system.disk_space(root), system.clock(None, now=now, run=run)]
        return findings
    findings.append(ok("Configuration", f"{config.root / 'automation.toml'} lu"
                       if (config.root / "automation.toml").is_file()
                       else "aucun automation.toml : réglages par défaut"))
    findings += office.folders(config)
    findings += office.journal(config)
    findings += office.registers(config, now=now)
    findings += office.templates(config)
    findings.append(system.libreoffice(config))
    if connect:
        findings += mail.mailbox(config)
        findings += mail.smtp(config)
    findings.append(system.clock(config, now=now, run=run))
    findings.append(system.disk_space(config.root))
    findings += system.long_paths()
    findings += system.service(config, run=run)
    findings.append(office.log_file(config))
    return findings


def to_be_fixed(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.verdict is Verdict.FIX]
