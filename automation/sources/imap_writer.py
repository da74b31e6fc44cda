"""A second IMAP connection that saves drafts and moves mails while the pipeline goes on.

During a mailbox cycle the watcher's own work (parsing, the journal, the letters, building
each answer) and the server's (storing a 50 KB draft, moving a mail) can overlap: the
:class:`ImapWriter` runs the server's part on its own connection, in its own thread, in the
order it was handed over, while the calling thread prepares the next answer or fetches the
next mails. :meth:`ImapWriter.wait` blocks until everything handed over is done — or, given
a :meth:`~ImapWriter.mark`, everything handed over before it — and raises the first failure
as a :class:`~automation.errors.MailboxError`: the caller waits before it records anything
that depends on it (an answer noted as given, the sync position saved). After a failure
nothing more is done until :meth:`wait` has reported it.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from contextlib import suppress
from typing import Final

from imapclient import IMAPClient

from automation.errors import MailboxError

log = logging.getLogger(__name__)

Operation = Callable[[IMAPClient], None]
_STOP: Final = None


class ImapWriter:
    """Runs operations on a connection of its own (opened by ``connect``), one at a time."""

    def __init__(self, connect: Callable[[], IMAPClient], *, mailbox: str,
                 network_errors: tuple[type[BaseException], ...]) -> None:
        self._connect = connect
        self._mailbox = mailbox
        self._network_errors = network_errors
        self._queue: queue.Queue[tuple[str, Operation] | None] = queue.Queue()
        self._failure: Exception | None = None  # MailboxError, or a bug's own exception
        self._submitted = 0  # operations handed over so far
        self._done = 0  # of which done (or skipped after a failure)
        self._progress = threading.Condition()
        self._imap: IMAPClient | None = None
        self._thread = threading.Thread(target=self._run, name="imap-writer", daemon=True)
        self._thread.start()

    def submit(self, action: str, operation: Operation) -> None:
        """Run ``operation`` after those handed over before (``action`` names it in errors)."""
        with self._progress:
            self._submitted += 1
        self._queue.put((action, operation))

    def mark(self) -> int:
        """A mark after the operations handed over so far, for :meth:`wait`."""
        with self._progress:
            return self._submitted

    def wait(self, mark: int | None = None) -> None:
        """Block until every operation handed over (before ``mark``, when given) is done;
        raise the first that failed (whichever it was): a :class:`MailboxError`, or the
        exception of an operation that failed otherwise."""
        if mark is None:
            self._queue.join()
        else:
            with self._progress:
                self._progress.wait_for(lambda: self._done >= mark)
        failure, self._failure = self._failure, None
        if failure is not None:
            raise failure

    def close(self) -> None:
        """Finish what was handed over, then log out (a failure is logged, not raised)."""
        self._queue.put(_STOP)
        self._thread.join()
        if self._failure is not None:
            log.warning("%s", self._failure)

    def _run(self) -> None:
        while True:
            task = self._queue.get()
            try:
                if task is _STOP:
                    self._logout()
                    return
                if self._failure is None:
                    self._do(*task)
            finally:
                if task is not _STOP:
                    with self._progress:
                        self._done += 1
                        self._progress.notify_all()
                self._queue.task_done()

    def _do(self, action: str, operation: Operation) -> None:
        try:
            if self._imap is None:
                self._imap = self._connect()
            operation(self._imap)
        except MailboxError as exc:
            self._failure = exc
            self._drop()
        except self._network_errors as exc:
            self._failure = MailboxError(f"{self._mailbox}: {action} failed ({exc}); will try "
                                         "again", mailbox=self._mailbox)
            self._drop()
        except Exception as exc:  # noqa: BLE001 - a bug: raised by wait(), never a dead thread
            self._failure = exc
            self._drop()

    def _drop(self) -> None:
        imap, self._imap = self._imap, None
        if imap is not None:
            with suppress(*self._network_errors):
                imap.shutdown()

    def _logout(self) -> None:
        imap, self._imap = self._imap, None
        if imap is not None:
            with suppress(*self._network_errors):
                imap.logout()
