"""Deadlines in the watcher: refresh the dashboard, send each owner one digest a day.

The watcher calls :meth:`Reminders.tick` at start and every few minutes; after a file or a
register change it asks for one (:meth:`Reminders.want`), made once nothing else waits
(:meth:`Reminders.refresh_if_wanted`): a batch of files dropped together refreshes the
dashboard once, not once per file — with large registers a refresh takes seconds.
A refresh gives way: when the watcher stops, or a file arrives (unless the refresh has waited
:data:`BUSY_DELAY` already), it is abandoned part-way, nothing written, and made again later.
The digest leaves only on a working day from ``deadlines.digest_hour`` and only when a way to
send mail was given; :class:`~automation.deadlines.digest.DigestLog` makes it once a day per
owner, however many times the watcher ticks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from email.message import Message
from typing import Final

from automation.clock import PARIS
from automation.deadlines.digest import DIGEST_LOG_FILE, DigestLog, digest_due, send_digests
from automation.errors import Interrupted
from automation.letters.smtp import SmtpSender
from automation.mail_config import SmtpSettings
from automation.pipeline.deadlines import due_now
from automation.pipeline.due_list import never
from automation.pipeline.housekeeping import owner_notices
from automation.pipeline.office import Office

log = logging.getLogger(__name__)

Send = Callable[[Message], None]
# A refresh asked for while files keep arriving is made at the latest this long after.
BUSY_DELAY: Final = 60.0


class Reminders:
    """The dashboard and the daily digests of one watcher process."""

    def __init__(self, office: Office, *, send: Send | None = None, sender: str = "",
                 monotonic: Callable[[], float] = time.monotonic) -> None:
        self.office = office
        self.send = send
        settings = office.config.deadlines
        self.sender = sender or settings.digest_sender or office.config.organisation.email
        self.log = DigestLog(office.config.registers_dir / DIGEST_LOG_FILE)
        self._monotonic = monotonic
        self._wanted_since: float | None = None

    def want(self) -> None:
        """Ask for a refresh once the work in hand is done (a file handled, a register saved)."""
        if self._wanted_since is None:
            self._wanted_since = self._monotonic()

    def refresh_if_wanted(self, *, busy: Callable[[], bool],
                          stopping: Callable[[], bool] = never) -> bool:
        """Refresh when one was asked for and nothing waits (``busy()``: files noticed, not
        yet handled), or when it was asked for :data:`BUSY_DELAY` ago; whether it refreshed.
        The refresh gives way when ``stopping()`` or, until that delay, ``busy()`` turns
        true: it is then asked for again, as early as it was."""
        since = self._wanted_since
        if since is None:
            return False
        overdue = self._monotonic() - since >= BUSY_DELAY
        if busy() and not overdue:
            return False
        self._wanted_since = None
        give_way = stopping if overdue else (lambda: stopping() or busy())
        if self.tick(interrupted=give_way) is None:
            self._wanted_since = since
            return False
        return True

    def tick(self, *, interrupted: Callable[[], bool] = never) -> int | None:
        """Refresh the dashboard; send the digests that are due; return how many were sent
        (None when ``interrupted()`` stopped the refresh: nothing was written or sent)."""
        try:
            items = due_now(self.office, interrupted=interrupted)
        except Interrupted:
            log.info("dashboard refresh interrupted; made again later")
            return None
        if self.send is None:
            return 0
        settings = self.office.config.deadlines
        now = self.office.clock.now()
        if not digest_due(now, hour=settings.digest_hour, calendar=settings.calendar()):
            return 0
        stale = [n.sentence() for n in owner_notices(self.office.config, now=now) if n.stale]
        sent = send_digests(items, today=now.astimezone(PARIS).date(),
                            owner_addresses=settings.owners, send=self.send, log=self.log,
                            sender=self.sender, notes=stale)
        if sent:
            log.info("%d daily digest(s) sent", sent)
        return sent


def smtp_send(settings: SmtpSettings) -> Send | None:
    """How digests leave: through ``mail.smtp`` when its host is set, else not at all."""
    if not settings.host:
        return None
    return SmtpSender.from_settings(settings).send
