"""The drop folder: notice files in ``inbox/``, wait until they are complete, hand them over.

OS events only *mark* a path (a handler that raised would kill watchdog's thread for good);
one worker loop decides when a file is complete and hands it to ``handle``. Complete means: no
event and no change of size or modification time for ``settle`` seconds, no program holding
it open for writing, and a proper end for its kind — a file whose end is missing (a CSV's last
line without its line ending, a zip without its central directory) is given ``incomplete``
seconds more before it is judged (see :mod:`.completeness`). The folder is swept at start-up
and every ``rescan`` seconds, since events are missed on network shares and while the watcher
was stopped. A dead observer is restarted. ``handle`` raising
:class:`~automation.errors.FileNotReady` means "try again later"; any other exception is
logged and the file is tried again a few times before ``give_up`` is called for it, so one
bad file never stops the watcher.

Links are never followed: a symbolic link, a pipe or a device is handed over at once — the
runner refuses it unread — and nothing is taken from below a linked folder.
"""

from __future__ import annotations

import fnmatch
import logging
import re
import stat
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver
from watchdog.observers.polling import PollingObserver

from automation.errors import FileNotReady
from automation.sources.completeness import Tail, held_for_writing, tail_of

log = logging.getLogger(__name__)

IGNORED_NAMES: Final = ("~$*", ".~lock.*#", "*.tmp", "*.part", "*.crdownload", "Thumbs.db",
                        "desktop.ini", ".*", "*.LISEZ-MOI.txt")
_EXCEL_TEMP: Final = re.compile(r"^[0-9A-F]{8}$", re.IGNORECASE)
MAX_ATTEMPTS: Final = 3
_NO_CHANGE: Final = frozenset({"opened", "closed_no_write"})


def is_ignored(path: Path) -> bool:
    """Office lock files, temporary saves, partial downloads and system files."""
    name = path.name
    return any(fnmatch.fnmatchcase(name, pattern) for pattern in IGNORED_NAMES) or bool(
        _EXCEL_TEMP.match(name))


@dataclass
class _Candidate:
    last_event: float
    stat: tuple[int, int] | None = None  # size and mtime at the last event or look
    next_try: float = 0.0
    failures: int = 0


def _stat(path: Path) -> tuple[int, int] | None:
    try:
        status = path.lstat()
    except OSError:
        return None
    return status.st_size, status.st_mtime_ns


def _plain_file(path: Path) -> bool:
    """A regular file, not a link (nor a pipe, a device…)."""
    try:
        return stat.S_ISREG(path.lstat().st_mode)
    except OSError:
        return False


class _Marker(FileSystemEventHandler):
    def __init__(self, mark: Callable[[Path], None]) -> None:
        self._mark = mark

    def on_any_event(self, event: FileSystemEvent) -> None:
        # A file opened or closed unchanged is no news — the watcher's own look at its end
        # opens it, and counting that as a change would keep such a file waiting for ever.
        if event.is_directory or event.event_type in _NO_CHANGE:
            return
        destination = getattr(event, "dest_path", "")
        for raw in (event.src_path, destination):
            if raw:
                self._mark(Path(str(raw)))


class FolderWatcher:
    """Watch ``root`` (recursively, except ``skip`` sub-folders) and hand over complete files."""

    def __init__(self, root: Path, *, handle: Callable[[Path], None],
                 give_up: Callable[[Path, BaseException], None], skip: Iterable[str] = (),
                 settle: float = 2.0, rescan: float = 30.0, retry: float = 10.0,
                 poll: float = 0.0, tick: float = 0.25, incomplete: float = 30.0) -> None:
        self.root = root
        self._handle = handle
        self._give_up = give_up
        self._skip = frozenset(skip)
        self._settle = settle
        self._incomplete = incomplete
        self._rescan = rescan
        self._retry = retry
        self._poll = poll
        self._tick = tick
        self._lock = threading.Lock()
        self._candidates: dict[Path, _Candidate] = {}
        self._observer: BaseObserver | None = None
        self._last_sweep = 0.0

    # -- what is waiting ----------------------------------------------------------------------

    def mark(self, path: Path) -> None:
        if not self._wanted(path):
            return
        stat = _stat(path)  # taken now, so that one quiet settle period is enough
        with self._lock:
            candidate = self._candidates.get(path)
            if candidate is None:
                self._candidates[path] = _Candidate(last_event=time.monotonic(), stat=stat)
            else:
                candidate.last_event = time.monotonic()
                candidate.stat = stat

    def sweep(self) -> None:
        """Mark every file present (start-up, periodic rescan)."""
        if not self.root.is_dir():
            return
        for path in self.root.rglob("*"):
            if (path.is_symlink() or not path.is_dir()) and self._wanted(path):
                with self._lock:
                    if path not in self._candidates:
                        self._candidates[path] = _Candidate(last_event=time.monotonic(),
                                                            stat=_stat(path))

    def waiting(self) -> list[Path]:
        with self._lock:
            return sorted(self._candidates)

    def _wanted(self, path: Path) -> bool:
        try:
            relative = path.relative_to(self.root)
        except ValueError:
            return False
        filed = len(relative.parts) > 1 and relative.parts[0] in self._skip
        hidden = any(part.startswith(".") for part in relative.parts[:-1])  # .logs, .backup
        if filed or hidden or is_ignored(path):
            return False
        folder = path.parent
        while folder != self.root:  # below a linked folder: not the inbox's own
            if folder.is_symlink() or folder == folder.parent:
                return False
            folder = folder.parent
        return True

    # -- the worker -----------------------------------------------------------------------------

    def process_ready(self, *, settle: float | None = None) -> int:
        """Hand over every candidate that is complete; return how many were handled.

        With ``settle=0`` (``--once``) files are taken as they are, except one still held
        open for writing or whose end is missing: it is left for a later run.
        """
        settle = self._settle if settle is None else settle
        with self._lock:
            candidates = list(self._candidates.items())
        handled = 0
        for path, candidate in candidates:
            now = time.monotonic()
            if candidate.next_try > now or now - candidate.last_event < settle:
                continue
            if self._complete(path, candidate, now=now, settle=settle):
                handled += self._hand_over(path, candidate)
        return handled

    def _complete(self, path: Path, candidate: _Candidate, *, now: float, settle: float) -> bool:
        current = _stat(path)
        if current is None:
            with self._lock:
                self._candidates.pop(path, None)
            return False
        if not _plain_file(path):
            return True  # a link, a pipe: refused unread, nothing to wait for
        if settle > 0 and current != candidate.stat:
            # A change seen by looking counts as an event: network shares send none.
            candidate.stat = current
            candidate.last_event = now
            return False
        if current[0] == 0:
            return False
        if held_for_writing(path):
            log.info("%s: still open for writing by another program; waiting", path.name)
            candidate.last_event = now
            return False
        tail = tail_of(path)
        if tail is Tail.COMPLETE:
            return True
        if settle == 0:
            return tail is Tail.OPEN_LINE
        if now - candidate.last_event < self._incomplete:
            return False
        log.info("%s: %s, unchanged for %.0f s: read as it is", path.name, tail.value,
                 self._incomplete)
        return True

    def _hand_over(self, path: Path, candidate: _Candidate) -> int:
        try:
            self._handle(path)
        except FileNotReady as exc:
            log.info("%s: not ready yet (%s); trying again in %.0f s", path.name, exc, self._retry)
            candidate.next_try = time.monotonic() + self._retry
            return 0
        except Exception as exc:  # one bad file must never stop the watcher
            candidate.failures += 1
            log.exception("%s: failed (attempt %d of %d)", path.name, candidate.failures,
                          MAX_ATTEMPTS)
            if candidate.failures < MAX_ATTEMPTS and path.exists():
                candidate.next_try = time.monotonic() + self._retry
                return 0
            self._give_up(path, exc)
        with self._lock:
            self._candidates.pop(path, None)
        return 1

    # -- running ---------------------------------------------------------------------------------

    def start(self) -> None:
        """Start noticing events, and mark what is already there."""
        self.root.mkdir(parents=True, exist_ok=True)
        self._start_observer()
        self.sweep()
        self._last_sweep = time.monotonic()

    def step(self) -> int:
        """One turn of the worker: hand over what is ready, rescan when it is time."""
        handled = self.process_ready()
        if time.monotonic() - self._last_sweep >= self._rescan:
            self._supervise()
            self.sweep()
            self._last_sweep = time.monotonic()
        return handled

    def stop(self) -> None:
        self._stop_observer()

    def run(self, stop: threading.Event) -> None:
        """Watch until ``stop`` is set; the file in hand is finished first."""
        self.start()
        try:
            while not stop.is_set():
                self.step()
                stop.wait(self._tick)
        finally:
            self.stop()

    def run_once(self) -> int:
        """Handle what is in the folder now, without waiting for it to settle."""
        self.sweep()
        return self.process_ready(settle=0.0)

    def _start_observer(self) -> None:
        observer: BaseObserver = (PollingObserver(timeout=self._poll) if self._poll > 0
                                  else Observer())
        observer.schedule(_Marker(self.mark), str(self.root), recursive=True)
        observer.daemon = True
        observer.start()
        self._observer = observer

    def _supervise(self) -> None:
        if self._observer is not None and not self._observer.is_alive():
            log.warning("file observer stopped; restarting it")
            self._start_observer()

    def _stop_observer(self) -> None:
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout=5)
            self._observer = None
