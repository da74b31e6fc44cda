"""Files the tool creates, the same on Linux and Windows.

* :func:`temporary_beside` creates the temporary file a new version is written to, with the
  folder's usual permissions (``0o666`` less the umask, like any program's file), never the
  owner-only ``0o600`` of :func:`tempfile.mkstemp`: a letter, a rejection copy or the
  dashboard moved into a shared folder must open for the office's other accounts.
* :func:`replace_file` moves it over the real file. On Windows, :func:`os.replace` raises
  :class:`PermissionError` while another program holds the target (an antivirus scan, the
  search indexer, a backup agent, a person's preview pane): the move is tried again with a
  growing pause before giving up, and the caller keeps what it wrote until it can.

Names from outside are made Windows-safe where they are made: attachments by
:func:`automation.intake.mail.sanitize_filename`, letters by
:func:`automation.letters.naming.letter_filename`.

Temporary names all match :data:`TEMPORARY_PATTERN` (``.~<stem>.<random>.tmp``) so that those
left by a crash are recognised at the next start (:mod:`automation.pipeline.housekeeping`).
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import Final

TEMPORARY_PREFIX: Final = ".~"
TEMPORARY_SUFFIX: Final = ".tmp"
TEMPORARY_PATTERN: Final = f"{TEMPORARY_PREFIX}*{TEMPORARY_SUFFIX}"
REPLACE_ATTEMPTS: Final = 8
FIRST_PAUSE: Final = 0.05  # seconds; doubled after each refused attempt: about 6 s in all
_FILE_MODE: Final = 0o666  # the OS takes the umask off, as for any file a program creates

Rename = Callable[[Path, Path], None]
Sleep = Callable[[float], None]


def temporary_beside(path: Path, *, stem: str = "") -> Path:
    """Create an empty temporary file in ``path``'s folder and return its path.

    Its mode is the folder's usual one (the umask applies), so that once it replaces the real
    file the office's other accounts can open it.
    """
    label = (stem or path.stem)[:40]
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    while True:
        candidate = path.with_name(
            f"{TEMPORARY_PREFIX}{label}.{secrets.token_hex(4)}{TEMPORARY_SUFFIX}")
        try:
            handle = os.open(candidate, flags, _FILE_MODE)
        except FileExistsError:
            continue
        os.close(handle)
        return candidate


def _os_replace(source: Path, target: Path) -> None:
    source.replace(target)  # os.replace: atomic, and onto an existing file on Windows too


def replace_file(source: Path, target: Path, *, attempts: int = REPLACE_ATTEMPTS,
                 pause: float = FIRST_PAUSE, sleep: Sleep = time.sleep,
                 rename: Rename = _os_replace) -> None:
    """Move ``source`` over ``target``, waiting while another program holds ``target``.

    A :class:`PermissionError` (Windows' sharing violation, or a file marked read-only) is
    tried again ``attempts`` times with a pause that doubles each time; the last one is
    raised, ``source`` left in place for the caller to keep or remove. ``rename`` and
    ``sleep`` are seams for tests (a target held for a while is simulated by a ``rename``
    that refuses a few times).
    """
    for attempt in range(1, attempts + 1):
        try:
            rename(source, target)
        except PermissionError:
            if attempt == attempts:
                raise
            sleep(pause * 2 ** (attempt - 1))
        else:
            return
