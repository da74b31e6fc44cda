"""Files the tool creates, the same on Linux and Windows.

* :func:`temporary_beside` creates the temporary file a new version is written to, with the
  folder's usual permissions (``0o666`` less the umask, like any program's file), never the
  owner-only ``0o600`` of :func:`tempfile.mkstemp`: a letter, a rejection copy or the
  dashboard moved into a shared folder must open for the office's other accounts.
* :func:`replace_file` moves it over the real file. On Windows, :func:`os.replace` raises
  :class:`PermissionError` while another program holds the target (an antivirus scan, the
  search indexer, a backup agent, a person's preview pane): the move is tried again with a
  growing pause before giving up, and the caller keeps what it wrote until it can.
* :func:`windows_safe_name` turns a name from outside (a mail attachment, a person's name in a
  letter's file name) into one that Windows can hold: no ``<>:"/\\|?*`` nor control
  characters, no trailing dot or space, no reserved device name (``CON``, ``NUL``, ``COM1``…),
  and at most :data:`MAX_NAME` characters.

Temporary names all match :data:`TEMPORARY_PATTERN` (``.~<stem>.<random>.tmp``) so that those
left by a crash are recognised at the next start (:mod:`automation.pipeline.housekeeping`).
"""

from __future__ import annotations

import os
import re
import secrets
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Final

TEMPORARY_PREFIX: Final = ".~"
TEMPORARY_SUFFIX: Final = ".tmp"
TEMPORARY_PATTERN: Final = f"{TEMPORARY_PREFIX}*{TEMPORARY_SUFFIX}"
MAX_NAME: Final = 200  # characters: leaves room for the folder under Windows' 260-character paths
REPLACE_ATTEMPTS: Final = 8
FIRST_PAUSE: Final = 0.05  # seconds; doubled after each refused attempt: about 6 s in all
_FILE_MODE: Final = 0o666  # the OS takes the umask off, as for any file a program creates
_FORBIDDEN: Final = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_RESERVED: Final = frozenset(
    {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
     *(f"COM{n}" for n in (*"123456789", "¹", "²", "³")),
     *(f"LPT{n}" for n in (*"123456789", "¹", "²", "³"))})

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


def windows_safe_name(name: str, *, fallback: str = "fichier") -> str:
    """``name`` as a file name Windows accepts (and so every system the office uses)."""
    text = unicodedata.normalize("NFC", name)
    text = _FORBIDDEN.sub("_", text).strip()
    text = text.rstrip(". ") or fallback
    if text.split(".", 1)[0].rstrip(" ").upper() in _RESERVED:
        text = f"_{text}"
    if len(text) > MAX_NAME:
        tail = Path(text).suffix
        tail = tail if len(tail) <= 16 else ""
        text = text[: MAX_NAME - len(tail)].rstrip(". ") + tail
    return text
