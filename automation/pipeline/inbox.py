"""The inbox's layout: one sub-folder per register, one for the mails saved from Outlook."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from automation.pipeline.office import Office
from automation.registers.schema import DEFAULT_REGISTERS

MAIL_FOLDER: Final = "mails"  # inbox sub-folder for mails saved from Outlook


def prepare_inbox(office: Office) -> None:
    """The inbox and its sub-folders: one per register, one for saved mails."""
    inbox = office.config.inbox_dir
    for name in (*(schema.key for schema in DEFAULT_REGISTERS), MAIL_FOLDER):
        (inbox / name).mkdir(parents=True, exist_ok=True)


def in_inbox(office: Office, path: Path) -> bool:
    """True when ``path`` lies in the office's inbox (its sub-folders included)."""
    try:
        path.absolute().relative_to(office.config.inbox_dir.absolute())
    except ValueError:
        return False
    return True
