"""The log a person can read: ``registers/.logs/automation.log``, rotated, kept in the office.

Each entry starts with one line: time, level, and what happened — in French for what happened
to a file or a mail (:mod:`automation.pipeline.events`). The technical detail (paths, ids,
the English messages of the libraries, a traceback) follows on indented lines below it::

    2026-11-23 09:30:12 INFO    plaintes.xlsx : 3 ligne(s) ajoutée(s) à reclamations, …
        file=/srv/qualite/inbox/reclamations/plaintes.xlsx register=reclamations accepted=3

The console never shows a traceback: its handler prints the first line of warnings and errors
only. :func:`record_crash` writes an unexpected exception in full to the log and returns the
file's path, for the one French sentence the command prints instead
(:mod:`automation.cli`).

The file is opened at the first entry (a command that logs nothing creates nothing), in the
office's ``[logs] dir`` when the folder is an office, else in ``~/.automation/logs``. It is
rotated at ``[logs] max_kb`` into ``automation.1.log`` … ``automation.<keep>.log``; on Windows,
where a file another process has open cannot be renamed, the rotation waits for its next
turn and writing goes on.
"""

from __future__ import annotations

import io
import logging
import logging.handlers
import sys
import threading
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final, TextIO

if TYPE_CHECKING:
    from automation.logs.config import Logs

LOG_FILE: Final = "automation.log"
FALLBACK_DIR: Final = Path.home() / ".automation" / "logs"
DETAIL_INDENT: Final = "    "
_MARK: Final = "_automation_handler"  # set on the handlers this module installs


class _Formatter(logging.Formatter):
    """First line: time, level, message; then the ``detail`` and any traceback, indented."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)-7s %(message)s", "%Y-%m-%d %H:%M:%S")

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        lines = text.splitlines() or [""]
        detail = getattr(record, "detail", "")
        extra = [*lines[1:], *(str(detail).splitlines() if detail else [])]
        if record.name and not record.name.startswith("automation.pipeline.events"):
            extra.append(f"logger={record.name}")
        return "\n".join([lines[0], *(DETAIL_INDENT + line for line in extra if line)])


class _ConsoleFormatter(logging.Formatter):
    """The first line of the message only: no detail, never a traceback."""

    def format(self, record: logging.LogRecord) -> str:
        return (record.getMessage().splitlines() or [""])[0]


class _LogFile(logging.handlers.RotatingFileHandler):
    """A rotating file that creates its folder when first written, and never stops the tool.

    A rotation the system refuses (Windows: another process has the file open) is skipped
    until the next entry; an entry that cannot be written is dropped silently rather than
    printed to the console.
    """

    def _open(self) -> io.TextIOWrapper:
        Path(self.baseFilename).parent.mkdir(parents=True, exist_ok=True)
        return super()._open()

    def doRollover(self) -> None:  # noqa: N802 - the name logging calls
        try:
            super().doRollover()
        except OSError:
            if self.stream is None:
                self.stream = self._open()

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        """An unwritable log must not break a command nor print a traceback."""


def _rotated_name(name: str) -> str:
    """``…/automation.log.3`` → ``…/automation.3.log`` (a name Windows opens in Notepad)."""
    base, _, number = name.rpartition(".log.")
    return f"{base}.{number}.log" if base and number.isdigit() else name


def log_dir_for(root: Path, settings: Logs | None) -> Path:
    """The office's log folder when ``root`` is an office folder, else the user's own."""
    is_office = (root / "automation.toml").is_file() or (root / "registers").is_dir()
    if settings is not None and is_office:
        return (root / settings.dir).resolve()
    return FALLBACK_DIR


def setup_logging(log_dir: Path, *, settings: Logs | None = None, verbose: bool = False,
                  console: TextIO | None = None) -> Path:
    """Send the package's log to ``log_dir/automation.log`` and warnings to the console.

    Called once per command; calling it again replaces the handlers it installed before.
    Returns the log file's path.
    """
    from automation.logs.config import Logs  # a leaf module; imported here to stay one

    settings = settings or Logs()
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, _MARK, False)]:
        root.removeHandler(handler)
        handler.close()
    path = log_dir / LOG_FILE
    file_handler = _LogFile(path, maxBytes=max(settings.max_kb, 16) * 1024,
                            backupCount=max(settings.keep, 1), encoding="utf-8", delay=True)
    file_handler.namer = _rotated_name
    file_handler.setFormatter(_Formatter())
    file_handler.setLevel(logging.DEBUG if verbose or settings.verbose else logging.INFO)
    screen = logging.StreamHandler(console or sys.stderr)
    screen.setFormatter(_ConsoleFormatter())
    screen.setLevel(logging.INFO if verbose else logging.WARNING)
    for handler in (file_handler, screen):
        setattr(handler, _MARK, True)
        root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    for noisy in ("urllib3", "exchangelib", "msal", "imapclient", "watchdog", "filelock",
                  "asyncio", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.DEBUG if verbose else logging.WARNING)
    logging.raiseExceptions = False  # a failing handler never prints a traceback
    threading.excepthook = _thread_crash
    return path


def current_log() -> Path | None:
    """The log file the package writes to now, if logging was set up."""
    for handler in logging.getLogger().handlers:
        if getattr(handler, _MARK, False) and isinstance(handler, logging.FileHandler):
            return Path(handler.baseFilename)
    return None


def record_crash(error: BaseException, *, command: str = "") -> Path | None:
    """Write ``error`` with its traceback to the log; return the log's path (None: nowhere)."""
    path = current_log()
    if path is None:
        setup_logging(FALLBACK_DIR)
        path = current_log()
    logging.getLogger("automation.crash").critical(
        "la commande %s s'est arrêtée sur une erreur inattendue (%s)",
        command or "automation", type(error).__name__,
        exc_info=(type(error), error, error.__traceback__))
    for handler in logging.getLogger().handlers:
        handler.flush()
    return path if path is not None and path.exists() else None


def _thread_crash(args: threading.ExceptHookArgs) -> None:
    """An exception that ends a thread goes to the log, not to the console."""
    if args.exc_type is SystemExit or args.exc_value is None:
        return
    name = args.thread.name if args.thread is not None else "?"
    exc_info: tuple[type[BaseException], BaseException, TracebackType | None] = (
        args.exc_type, args.exc_value, args.exc_traceback)
    logging.getLogger("automation.crash").critical(
        "une tâche de fond (%s) s'est arrêtée sur une erreur inattendue (%s)", name,
        args.exc_type.__name__, exc_info=exc_info)


def detail(**values: Any) -> dict[str, str]:
    """``extra=`` for a log call: ``key=value`` pairs shown below the entry's first line."""
    return {"detail": " ".join(f"{key}={value}" for key, value in values.items()
                               if value not in (None, "", [], ()))}
