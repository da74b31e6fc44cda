"""Reading untrusted files where a crash cannot take the watcher down.

:class:`SandboxReader` sends each read (a spreadsheet, a mail) to a long-lived child process:
a fresh interpreter (``python -m automation.intake.sandbox_worker``) that inherits none of the
watcher's open files — the office lock above all, which a forked child would keep held —
and reads under an address-space limit (``intake.reader_memory_mb``) and a CPU-time budget
per file (``intake.reader_seconds``). A native abort (calamine asked for 512 GB), a
MemoryError, or a file that keeps the reader busy past its budget ends the child, not the
watcher: the read raises :class:`ReaderCrashed` (an :class:`IntakeError` with a French
reason), so the file is refused once — or, attached to a mail, kept as evidence — and the
next read starts a new child. A wall-clock safety net (several times the CPU budget) covers a
child that stops answering without using CPU.

Requests and answers are pickles framed by an 8-byte length; an answer frame is
``(retire, answer)``. The records of a large spreadsheet come in frames of
:data:`CHUNK_RECORDS` (``ANSWER_MORE``) before the answer that holds the rest, so that neither
side ever pickles or holds the whole answer as bytes; the child sends them as its validation
makes them, and holds no more than a frame's worth. When the answer after such frames is not
a reading (the child ran out of memory half-way), it stands alone: the records sent before
it are dropped with the read that failed. A child whose peak memory grew by more
than :data:`RETIRE_GROWTH` during a read says so (``retire``): the parent ends it once it has
the answer, and the next read starts a fresh one — the watcher then writes the rows without a
big idle reader beside it. The parent unpickles only the classes an answer may hold
(:data:`ALLOWED`): a child that misbehaved cannot make the watcher run code.

The child runs the package installed on disk, which an update replaces under a running
watcher: the parent gives its own version, and a child of another version exits at once
(:data:`EXIT_OTHER_VERSION`). The read then raises :class:`~automation.errors.ToolUpdated`
rather than refusing the file: nothing is read until the command is started again.
"""

from __future__ import annotations

import atexit
import contextlib
import io
import logging
import os
import pickle
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Final

import automation
from automation.errors import IntakeError, ToolUpdated
from automation.intake import messages
from automation.intake.reader import HeadRequest, MailBatch, MailRead, MailRequest, SheetRequest
from automation.intake.tables import SpreadsheetIntake, Table

if TYPE_CHECKING:
    from automation.intake.config import Intake
    from automation.intake.mail import ParsedMail

log = logging.getLogger(__name__)

ANSWER_OK: Final = "ok"
ANSWER_REFUSED: Final = "refused"  # an IntakeError: its French message follows
ANSWER_MEMORY: Final = "memory"  # MemoryError (or a recursion too deep) in the child
ANSWER_BUG: Final = "bug"  # another exception: its type and traceback follow
ANSWER_MORE: Final = "more"  # some records of the spreadsheet being answered; more follow
CHUNK_RECORDS: Final = 1000  # records per ANSWER_MORE frame
RETIRE_GROWTH: Final = 16 * 2**20  # bytes of peak memory a read may add before the child ends
_HEADER: Final = struct.Struct("!Q")
_WALL_FACTOR: Final = 4.0  # the safety net: this many times the CPU budget, plus a margin
_WALL_MARGIN: Final = 30.0
_CHUNK: Final = 1024 * 1024
EXIT_OTHER_VERSION: Final = 75  # the child is not of its parent's version (EX_TEMPFAIL)

ALLOWED: Final = frozenset({
    ("builtins", name) for name in ("dict", "list", "tuple", "set", "frozenset", "str",
                                    "bytes", "int", "float", "bool", "NoneType")} | {
    ("datetime", name) for name in ("datetime", "date", "time", "timedelta", "timezone")} | {
    ("automation.records", "Record"), ("automation.records", "Rejection"),
    ("automation.intake.tables", "SpreadsheetIntake"),
    ("automation.intake.tables", "Table"), ("automation.intake.tables", "Row"),
    ("automation.intake.mail", "ParsedMail"), ("automation.intake.mail_parts", "MailAttachment"),
    ("automation.intake.forward", "Chain"), ("automation.intake.forward", "Quoted")})


@dataclass(frozen=True)
class Limits:
    memory_bytes: int
    cpu_seconds: float


def _limits(intake: Intake) -> Limits:
    return Limits(int(intake.reader_memory_mb * 2**20), intake.reader_seconds)


class ReaderCrashed(IntakeError):
    """The child reading a file died or ran past its budget; the message is French."""


def read_frame(stream: IO[bytes]) -> bytes | None:
    """One framed message from a blocking stream; None at its end."""
    head = stream.read(_HEADER.size)
    if len(head) < _HEADER.size:
        return None
    (size,) = _HEADER.unpack(head)
    data = stream.read(size)
    return data if len(data) == size else None


def write_frame(stream: IO[bytes], payload: bytes) -> None:
    stream.write(_HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


class _Unpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in ALLOWED:
            raise pickle.UnpicklingError(f"{module}.{name} is not an answer the reader gives")
        return super().find_class(module, name)


class _Died(Exception):
    """The child ended, or was ended, before it answered."""

    def __init__(self, *, too_long: bool, other_version: bool = False) -> None:
        super().__init__("too long" if too_long else "died")
        self.too_long = too_long
        self.other_version = other_version


class SandboxReader:
    """The :class:`~automation.intake.reader.Reader` whose reads happen in a child process.

    Thread-safe: reads are taken one at a time.
    """

    def __init__(self, *, version: str = automation.__version__) -> None:
        """``version``: the one the child must be of (this process's own; a test sets
        another to stand for a tool updated under a running watcher)."""
        self._lock = threading.Lock()
        self._child: subprocess.Popen[bytes] | None = None
        self._version = version

    def start(self) -> None:
        """Start the child now, so that it loads while this process does other work (it is
        otherwise started by the first read)."""
        with self._lock:
            self._ensure_child()

    @property
    def child_pid(self) -> int | None:
        """The process id of the child reading now; None before the first read, or once it
        ended (the next read starts another)."""
        child = self._child
        return child.pid if child is not None and child.poll() is None else None

    # -- the Reader protocol, under the limits of the request's configuration ------------------

    def spreadsheet(self, request: SheetRequest) -> SpreadsheetIntake:
        result = self.read(request, _limits(request.limits), name=request.name)
        if not isinstance(result, SpreadsheetIntake):
            raise IntakeError(messages.unreadable(request.name, messages.READER_BUG))
        return result

    def first_rows(self, request: HeadRequest) -> list[Table]:
        result = self.read(request, _limits(request.limits), name=request.name)
        if not isinstance(result, list) or not all(isinstance(t, Table) for t in result):
            raise IntakeError(messages.unreadable(request.name, messages.READER_BUG))
        return result

    def mail(self, request: MailRequest) -> ParsedMail:
        from automation.intake.mail import ParsedMail  # loaded with the first mail

        result = self.read(request, _limits(request.limits), name=request.name)
        if not isinstance(result, ParsedMail):
            raise IntakeError(messages.unreadable(request.name, messages.READER_BUG))
        return result

    def mails(self, batch: MailBatch) -> list[MailRead]:
        """The batch's mails in one exchange with the child; when the child dies or answers
        oddly, each mail is read again alone, so that only the one that kills it is refused."""
        if not batch.requests:
            return []
        from automation.intake.mail import ParsedMail  # loaded with the first mail

        first = batch.requests[0]
        limits = _limits(first.limits)
        wall = Limits(limits.memory_bytes, limits.cpu_seconds * len(batch.requests))
        try:
            answer = self.read(batch, limits, name=first.name, wall=wall)
        except IntakeError:
            answer = None
        if (isinstance(answer, list) and len(answer) == len(batch.requests)
                and all(isinstance(a, ParsedMail | str) for a in answer)):
            return [a if isinstance(a, ParsedMail) else IntakeError(a) for a in answer]
        return [_read_alone(self, request) for request in batch.requests]

    # -- one read --------------------------------------------------------------------------------

    def read(self, request: object, limits: Limits, *, name: str,
             wall: Limits | None = None) -> Any:
        """The child's answer to ``request``; :class:`IntakeError` (French) when refused.
        ``wall`` sets the wall-clock safety net when it is not ``limits``' (a batch)."""
        payload = pickle.dumps((limits, request), protocol=pickle.HIGHEST_PROTOCOL)
        with self._lock:
            try:
                answer = self._exchange(payload, wall or limits)
            except _Died as died:
                if died.other_version:
                    raise ToolUpdated(messages.TOOL_UPDATED) from None
                why = (messages.reader_too_long(limits.cpu_seconds) if died.too_long
                       else messages.reader_crashed(limits.memory_bytes / 2**20))
                raise ReaderCrashed(messages.unreadable(name, why)) from None
        kind = answer[0]
        if kind == ANSWER_OK:
            return answer[1]
        if kind == ANSWER_REFUSED:
            raise IntakeError(str(answer[1]))
        if kind == ANSWER_MEMORY:
            self._stop()
            raise ReaderCrashed(messages.unreadable(
                name, messages.reader_crashed(limits.memory_bytes / 2**20)))
        log.error("%s: the reader failed (%s)\n%s", name, answer[1], answer[2])
        raise IntakeError(messages.unreadable(name, messages.READER_BUG))

    def _exchange(self, payload: bytes, limits: Limits) -> tuple[Any, ...]:
        child = self._ensure_child()
        assert child.stdin is not None and child.stdout is not None
        try:
            write_frame(child.stdin, payload)
        except (BrokenPipeError, OSError):
            raise self._reap(child) from None
        deadline = time.monotonic() + limits.cpu_seconds * _WALL_FACTOR + _WALL_MARGIN
        records: list[Any] = []
        while True:
            retire, answer = self._frame(child, deadline)
            if answer[0] != ANSWER_MORE:
                break
            if len(answer) != 2 or not isinstance(answer[1], list):
                self._stop()
                raise _Died(too_long=False)
            records.extend(answer[1])
        if retire:
            log.debug("the reader grew reading this file; a new one is started for the next")
            self._stop()
        if not records or answer[0] != ANSWER_OK:
            return answer  # a read that failed half-way: the records sent so far are dropped
        if not isinstance(answer[1], SpreadsheetIntake):
            self._stop()
            raise _Died(too_long=False)
        records.extend(answer[1].records)
        return (ANSWER_OK, replace(answer[1], records=records))

    def _frame(self, child: subprocess.Popen[bytes],
               deadline: float) -> tuple[bool, tuple[Any, ...]]:
        """One answer frame: whether the child retires, and its answer (a non-empty tuple)."""
        data = self._receive(child, deadline)
        try:
            frame = _Unpickler(io.BytesIO(data)).load()
        except (pickle.UnpicklingError, EOFError, ValueError, TypeError, AttributeError) as exc:
            log.error("the reader's answer could not be read: %s", exc)
            self._stop()
            raise _Died(too_long=False) from exc
        del data
        if (not isinstance(frame, tuple) or len(frame) != 2 or not isinstance(frame[0], bool)
                or not isinstance(frame[1], tuple) or not frame[1]):
            self._stop()
            raise _Died(too_long=False)
        return frame[0], frame[1]

    def _receive(self, child: subprocess.Popen[bytes], deadline: float) -> bytes:
        assert child.stdout is not None
        fd = child.stdout.fileno()
        head = self._read_exactly(child, fd, _HEADER.size, deadline)
        (size,) = _HEADER.unpack(head)
        return self._read_exactly(child, fd, size, deadline)

    def _read_exactly(self, child: subprocess.Popen[bytes], fd: int, size: int,
                      deadline: float) -> bytes:
        parts: list[bytes] = []
        left = size
        while left:
            wait = deadline - time.monotonic()
            if wait <= 0:
                log.error("the reader did not answer in time; it is stopped")
                self._stop()
                raise _Died(too_long=True)
            ready, _, _ = select.select([fd], [], [], min(wait, 5.0))
            if not ready:
                continue
            chunk = os.read(fd, min(left, _CHUNK))
            if not chunk:
                raise self._reap(child)
            parts.append(chunk)
            left -= len(chunk)
        return b"".join(parts)

    # -- the child -------------------------------------------------------------------------------

    def _ensure_child(self) -> subprocess.Popen[bytes]:
        if self._child is not None and self._child.poll() is None:
            return self._child
        package_root = str(Path(automation.__file__).resolve().parent.parent)
        path = os.environ.get("PYTHONPATH", "")
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (package_root, path) if p)}
        # -P: the working directory is not on the child's path.
        self._child = subprocess.Popen(  # noqa: S603 - our interpreter, our module, our version
            [sys.executable, "-P", "-m", "automation.intake.sandbox_worker",
             "--version", self._version],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            close_fds=True, env=env)
        return self._child

    def _reap(self, child: subprocess.Popen[bytes]) -> _Died:
        """The child ended before answering: why, as a :class:`_Died` to raise."""
        try:
            code = child.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self._stop()
            code = -signal.SIGKILL
        self._child = None
        _close_pipes(child)
        if code == EXIT_OTHER_VERSION:
            log.error("the reader started is not of this version (%s): the tool was updated "
                      "while it ran, nothing is read until it is started again", self._version)
            return _Died(too_long=False, other_version=True)
        too_long = code == -getattr(signal, "SIGXCPU", 0)
        name = signal.Signals(-code).name if code < 0 else f"exit status {code}"
        log.warning("the reader ended (%s); a new one is started for the next file", name)
        return _Died(too_long=too_long)

    def _stop(self) -> None:
        child, self._child = self._child, None
        if child is None:
            return
        with contextlib.suppress(OSError):
            child.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.wait(timeout=30)
        _close_pipes(child)

    def close(self) -> None:
        """End the child (it also ends by itself when this process goes away)."""
        with self._lock:
            self._stop()


def _close_pipes(child: subprocess.Popen[bytes]) -> None:
    for stream in (child.stdin, child.stdout):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def _read_alone(reader: SandboxReader, request: MailRequest) -> MailRead:
    try:
        return reader.mail(request)
    except IntakeError as exc:
        return exc


_SHARED: SandboxReader | None = None
_SHARED_LOCK: Final = threading.Lock()


def shared_reader() -> SandboxReader:
    """The process's sandbox reader (its child is started on the first read)."""
    global _SHARED
    with _SHARED_LOCK:
        if _SHARED is None:
            _SHARED = SandboxReader()
            atexit.register(_SHARED.close)
        return _SHARED
