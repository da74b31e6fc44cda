"""The office's process lock: held by the operating system, not by a file's existence.

Two watchers on one folder would both import the same files. The lock must hold for as long
as its process lives, be released by the OS when it dies (a crash leaves no stale lock), and
must not be defeated by someone deleting a file:

* on Linux and macOS, the lock is an exclusive ``flock`` on the ``registers/`` folder itself.
  A lock on a file is lost when the file is deleted (the next process creates a new file and
  locks that one); the folder holding the registers cannot be deleted from under the tool. On
  a file system that refuses locks on a folder (some network mounts), the lock falls back to
  ``registers/.automation.lock``;
* on Windows, :mod:`filelock` locks ``registers/.automation.lock`` (``msvcrt.locking``), and a
  file another process holds open cannot be deleted there.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from filelock import FileLock

LOCK_NAME: Final = ".automation.lock"
# Errors by which a file system says it cannot lock a folder (rather than "it is locked").
_UNSUPPORTED: Final = frozenset({errno.EBADF, errno.EINVAL, errno.ENOLCK, errno.EOPNOTSUPP,
                                 errno.ENOTSUP, errno.EISDIR})


class OfficeLock:
    """The lock of one office folder; :meth:`acquire` it, :meth:`release` it when done."""

    def __init__(self, registers_dir: Path) -> None:
        self.registers_dir = registers_dir
        self.lock_file = registers_dir / LOCK_NAME
        self._fd: int | None = None
        self._file_lock: FileLock | None = None

    def acquire(self) -> bool:
        """Take the lock now; False when another process holds it."""
        if os.name == "nt":
            return self._acquire_file_lock()
        import fcntl  # POSIX only

        fd = os.open(self.registers_dir, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except OSError as exc:
            os.close(fd)
            if exc.errno not in _UNSUPPORTED:
                raise
            return self._acquire_file_lock()
        self._fd = fd
        return True

    def _acquire_file_lock(self) -> bool:
        from filelock import FileLock, Timeout  # Windows, and folders that cannot be locked

        lock = FileLock(self.lock_file)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            return False
        self._file_lock = lock
        return True

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)  # closing the folder releases its flock
            self._fd = None
        if self._file_lock is not None:
            self._file_lock.release()
            self._file_lock = None

    def held_elsewhere(self) -> bool:
        """True while another process holds the lock (this one takes and drops it to see)."""
        if not self.acquire():
            return True
        self.release()
        return False
