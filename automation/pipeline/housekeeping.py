"""What the tool tidies and points out: temporary files left by a crash, stale owner files.

* :func:`remove_leftovers` runs once the office lock is held (no other process of the tool
  can be writing then): the temporary files a crash left behind — every one the tool writes
  is a dot-file ending in ``.tmp`` (``registers/.~reclamations.3f2a….tmp``,
  ``outbox/.REC-2026-0001….tmp``, ``inbox/rejected/.~rejet-….tmp``) or a ``.pdf-…`` work
  folder in ``outbox/`` — are removed. A person's files (Excel's ``~$…`` owner files, Word's
  ``~WRL….tmp``) never match.
* :func:`owner_notices` says, for each register that has an owner file beside it, who has it
  open and since when, and, past ``[watch] stale_owner_hours``, that it is probably left by a
  crash and how to remove it (for ``status``, ``doctor`` and the daily digest).
"""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Final

from automation.config import Config
from automation.registers.owners import describe_age, read_owner
from automation.registers.xlsx.replace import owner_files

log = logging.getLogger(__name__)

PDF_WORK_PREFIX: Final = ".pdf-"


def leftover_places(config: Config) -> list[Path]:
    """The folders where the tool writes temporary files."""
    outbox = config.outbox_dir
    places = [config.root, config.registers_dir, config.inbox_dir / "rejected", outbox]
    if outbox.is_dir():
        places += sorted(p for p in outbox.iterdir() if p.is_dir() and not p.name.startswith("."))
    return places


def is_leftover(path: Path) -> bool:
    name = path.name
    if path.is_dir():
        return name.startswith(PDF_WORK_PREFIX)
    return name.startswith(".") and name.endswith(".tmp") and not name.startswith(".~lock.")


def remove_leftovers(config: Config) -> list[Path]:
    """Remove the temporary files a crash left; return what was removed."""
    removed: list[Path] = []
    for place in leftover_places(config):
        try:
            entries = sorted(place.iterdir()) if place.is_dir() else []
        except OSError:
            continue
        for entry in entries:
            if not is_leftover(entry):
                continue
            try:
                if entry.is_dir():
                    shutil.rmtree(entry)
                else:
                    entry.unlink()
            except OSError as exc:
                log.warning("fichier temporaire %s non supprimé\n    %s", entry, exc)
                continue
            removed.append(entry)
            log.info("fichier temporaire laissé par un arrêt brutal, supprimé : %s", entry)
    return removed


@dataclass(frozen=True)
class OwnerNotice:
    register: str  # register key
    workbook: Path
    owner_file: Path
    owner: str  # "" when the file does not say
    since: datetime  # local time
    age: timedelta
    stale: bool  # older than [watch] stale_owner_hours

    def sentence(self) -> str:
        """French, for a person: who, since when, and what to do if it is stale."""
        who = self.owner or "une personne non nommée"
        text = (f"{self.workbook.name} est ouvert par {who} depuis {describe_age(self.age)} "
                f"(le {self.since:%d/%m/%Y à %H:%M})")
        if not self.stale:
            return text + " : les lignes seront écrites dès sa fermeture."
        return (text + " : probablement un reste d'Excel ou LibreOffice arrêté brutalement. "
                f"Si personne n'a ce classeur ouvert, supprimez le fichier « "
                f"{self.owner_file.name} » dans {self.owner_file.parent} : les lignes en "
                "attente seront alors écrites.")


def owner_notices(config: Config, *, now: datetime) -> list[OwnerNotice]:
    """Each register an owner file keeps open, with who and since when."""
    notices: list[OwnerNotice] = []
    naive_now = now.astimezone().replace(tzinfo=None) if now.tzinfo else now
    for binding in config.bindings():
        for path in owner_files(binding.path):
            found = read_owner(path)
            if found is None:
                continue
            notices.append(OwnerNotice(
                register=binding.key, workbook=binding.path, owner_file=path,
                owner=found.owner, since=found.since, age=found.age(naive_now),
                stale=found.is_stale(naive_now, hours=config.watch.stale_owner_hours)))
    return notices
