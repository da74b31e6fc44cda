"""Where a mailbox source stopped: a tiny JSON file, replaced atomically.

A source keeps its sync position (an EWS SyncState, a Graph deltaLink) here, under the
registers folder, and saves it only after the journal has recorded what was fetched. The file
names what it belongs to (server, mailbox, folder): pointing the tool at another folder starts
a full sync instead of reusing a position that means nothing there.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from automation.errors import MailboxError

log = logging.getLogger(__name__)


def atomic_write(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename (never half a file).

    ``private`` makes the file readable and writable by its owner only (mode 600).
    """
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700 if private else 0o777)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    temp = Path(name)  # mkstemp makes it readable by its owner only (600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        temp.replace(path)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    if private:
        path.chmod(0o600)


class SyncStateFile:
    """The saved sync position of one source, for one ``identity`` (server, mailbox, folder)."""

    def __init__(self, path: Path, *, identity: str) -> None:
        self.path = path
        self.identity = identity

    def load(self) -> str | None:
        """The saved position, or ``None`` to start a full sync (none yet, or another folder's)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            log.warning("%s unreadable (%s): the mailbox folder is read again in full",
                        self.path, exc)
            return None
        if not isinstance(data, dict) or data.get("identity") != self.identity:
            log.info("%s belongs to another mailbox or folder: starting a full sync", self.path)
            return None
        state = data.get("state")
        return state if isinstance(state, str) and state else None

    def save(self, state: str) -> None:
        data = {"identity": self.identity, "state": state,
                "saved_at": datetime.now(UTC).isoformat(timespec="seconds")}
        try:
            atomic_write(self.path, json.dumps(data, indent=1).encode("utf-8"))
        except OSError as exc:
            raise MailboxError(f"cannot save the mailbox sync position to {self.path}: {exc}",
                               mailbox=self.identity) from exc
