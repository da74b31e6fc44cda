"""The daily reminder: one plain-text mail per owner and per day, listing their items.

The watcher may call :func:`send_digests` after every change it sees; :class:`DigestLog`
(``registers/.digests.json``) remembers which owner was reminded on which day, so each owner
gets at most one mail a day. Sending is a callable given by the caller (the SMTP sender of
:mod:`automation.letters`, or a test double): this module does not know how mail leaves.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path
from typing import Final

from automation.clock import PARIS
from automation.deadlines.due import DueItem, DueStatus, by_owner
from automation.deadlines.workdays import WorkCalendar
from automation.errors import AutomationError
from automation.text import fold

_log = logging.getLogger(__name__)

DIGEST_LOG_FILE: Final = ".digests.json"
KEEP_DAYS: Final = 60  # days of history kept in the log


class DigestLog:
    """Which owners were sent their digest on which day, kept in a small JSON file.

    An unreadable file counts as empty (the worst outcome is one extra mail that day); every
    change is written to a temporary file and moved into place.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._sent: dict[str, set[str]] = self._read()
        self.warned: set[tuple[str, date]] = set()  # owners without an address, this process

    def was_sent(self, owner: str, day: date) -> bool:
        return fold(owner) in self._sent.get(day.isoformat(), set())

    def mark_sent(self, owner: str, day: date) -> None:
        self._sent.setdefault(day.isoformat(), set()).add(fold(owner))
        oldest = (day - timedelta(days=KEEP_DAYS)).isoformat()
        self._sent = {d: owners for d, owners in self._sent.items() if d >= oldest}
        self._write()

    def _read(self) -> dict[str, set[str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            return {str(day): {str(o) for o in owners} for day, owners in data["sent"].items()}
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            _log.warning("%s: unreadable, starting a new digest log (%s)", self.path, exc)
            return {}

    def _write(self) -> None:
        text = json.dumps({"sent": {d: sorted(o) for d, o in sorted(self._sent.items())}},
                          ensure_ascii=False, indent=1)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=".digests-", suffix=".tmp", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            Path(name).replace(self.path)
        finally:
            with contextlib.suppress(FileNotFoundError):
                Path(name).unlink()


def digest_due(now: datetime, *, hour: int, calendar: WorkCalendar) -> bool:
    """True on a working day from ``hour`` o'clock (Paris): the watcher may send digests."""
    moment = now if now.tzinfo is None else now.astimezone(PARIS)
    return calendar.is_working_day(moment.date()) and moment.hour >= hour


def subject_for(items: Sequence[DueItem]) -> str:
    late = sum(1 for item in items if item.status is DueStatus.LATE)
    if late:
        return f"Registres qualité : {late} point(s) en retard"
    return f"Registres qualité : {len(items)} point(s) à échéance proche"


def compose_digest(owner: str, items: Sequence[DueItem], *, today: date, to: str,
                   sender: str = "", notes: Sequence[str] = ()) -> EmailMessage:
    """The digest mail for ``owner``: subject, plain-text body listing ``items``."""
    message = EmailMessage()
    message["Subject"] = subject_for(items)
    message["To"] = to
    if sender:
        message["From"] = sender
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no auto-replies to this
    message.set_content(_body(owner, items, today, notes))
    return message


def _body(owner: str, items: Sequence[DueItem], today: date,
          notes: Sequence[str] = ()) -> str:
    lines = [f"Bonjour {owner},", "",
             f"Voici les points des registres qualité qui vous reviennent au "
             f"{today:%d/%m/%Y}."]
    for status, heading in ((DueStatus.LATE, "En retard"),
                            (DueStatus.SOON, "À échéance proche"),
                            (DueStatus.CHECK, "Dates illisibles à corriger")):
        group = [item for item in items if item.status is status]
        if not group:
            continue
        lines += ["", f"{heading} ({len(group)}) :"]
        for item in group:
            if status is DueStatus.CHECK:
                lines.append(f"- {item.record_id} ({item.register_title}) : {item.task}")
                continue
            when = (f"{item.days_late} jour(s) ouvré(s) de retard" if item.late
                    else "aujourd'hui" if item.days_left == 0
                    else f"dans {item.days_left} jour(s) ouvré(s)")
            lines.append(f"- {item.record_id} ({item.register_title}) : {item.task}, "
                         f"échéance le {item.due:%d/%m/%Y}, {when}")
            if item.about:
                lines.append(f"  {item.about}")
    if notes:  # what keeps the registers from being written, for everyone to know
        lines += ["", "À savoir :", *(f"- {note}" for note in notes)]
    lines += ["", "Une fois l'action faite, renseignez sa date dans le registre : le point "
                  "disparaîtra du prochain rappel.",
              "Ce message part une fois par jour, les jours ouvrés."]
    return "\n".join(lines) + "\n"


def send_digests(items: Iterable[DueItem], *, today: date, owner_addresses: Mapping[str, str],
                 send: Callable[[EmailMessage], None], log: DigestLog,
                 sender: str = "", notes: Sequence[str] = ()) -> int:
    """Send each owner their digest of late and due-soon items, once per day; return how
    many mails were sent.

    ``notes`` (French sentences: a register kept open by a stale owner file) are added to
    every digest. Owners with no address in ``owner_addresses`` (matched ignoring case and
    accents) are skipped with a warning; a failed send is logged and tried again on the next
    call.
    """
    addresses = {fold(name): address for name, address in owner_addresses.items()}
    due = [item for item in items if item.status is not DueStatus.LATER]
    sent = 0
    for owner, owned in by_owner(due).items():
        if log.was_sent(owner, today):
            continue
        address = addresses.get(fold(owner))
        if not address:
            if (fold(owner), today) not in log.warned:
                log.warned.add((fold(owner), today))
                _log.warning("no address for %r in [deadlines.owners]: digest not sent", owner)
            continue
        message = compose_digest(owner, owned, today=today, to=address, sender=sender,
                                 notes=notes)
        try:
            send(message)
        except (AutomationError, OSError) as exc:  # smtplib errors are OSError
            _log.warning("digest for %r to %s not sent, will retry: %s", owner, address, exc)
            continue
        log.mark_sent(owner, today)
        sent += 1
    return sent
