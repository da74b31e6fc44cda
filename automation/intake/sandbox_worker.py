"""The sandbox's child: reads one request after another, under the limits each one sets.

Started by :class:`~automation.intake.sandbox.SandboxReader` as ``python -m
automation.intake.sandbox_worker``. Each request is framed on stdin (see
:mod:`automation.intake.sandbox`), carries its memory limit (address space) and its CPU-time
budget, and gets its framed answer on stdout: a spreadsheet's records in frames of
``CHUNK_RECORDS``, then the rest of the answer, each frame saying whether the child retires
after it (its peak memory grew by more than ``RETIRE_GROWTH`` during the read). Past the
budget the kernel ends the process (SIGXCPU); an allocation past the memory limit raises
MemoryError here (answered, then the child exits, its heap no longer trusted) or aborts
native code (the parent sees the signal).
At the end of stdin — the watcher stopped or was killed — the child exits. A child whose
package is not of the version its parent gives (``--version``: the tool was updated under a
running watcher) exits at once with ``EXIT_OTHER_VERSION``, having read nothing.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

# What reads a CSV loads as the child starts, while its parent is still loading; what reads
# workbooks (calamine, the size and formula checks) with the first workbook, and the mail
# parsers with the first mail.
import automation.intake.spreadsheet  # noqa: F401
from automation import __version__
from automation.errors import IntakeError
from automation.heap import give_back
from automation.intake import messages
from automation.intake.reader import (
    HeadRequest,
    InProcessReader,
    MailBatch,
    MailRequest,
    SheetRequest,
)
from automation.intake.sandbox import (
    ANSWER_BUG,
    ANSWER_MEMORY,
    ANSWER_MORE,
    ANSWER_OK,
    ANSWER_REFUSED,
    CHUNK_RECORDS,
    EXIT_OTHER_VERSION,
    RETIRE_GROWTH,
    Limits,
    read_frame,
    write_frame,
)
from automation.intake.tables import SpreadsheetIntake
from automation.intake.validate import HandOver
from automation.records import Record

if TYPE_CHECKING:
    from automation.intake.mail import ParsedMail

try:
    import resource
except ImportError:  # Windows: no rlimits; the child still keeps aborts away from the watcher
    resource = None  # type: ignore[assignment]


def _limit(limits: Limits) -> None:
    if resource is None:
        return
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    wanted = limits.memory_bytes if hard == resource.RLIM_INFINITY else min(
        limits.memory_bytes, hard)
    resource.setrlimit(resource.RLIMIT_AS, (wanted, hard))
    usage = resource.getrusage(resource.RUSAGE_SELF)
    used = int(usage.ru_utime + usage.ru_stime) + 1
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    budget = used + max(1, int(limits.cpu_seconds))
    if cpu_hard != resource.RLIM_INFINITY:
        budget = min(budget, cpu_hard)
    resource.setrlimit(resource.RLIMIT_CPU, (budget, cpu_hard))


def _answer(request: object, limits: Limits, hand_over: HandOver) -> tuple[Any, ...]:
    """The answer to ``request``; a spreadsheet's records go to ``hand_over`` as they are
    read, the answer holding the last of them."""
    reader = InProcessReader()
    if isinstance(request, MailBatch):  # each mail under its own budget, refused on its own
        answers: list[ParsedMail | str] = []
        for each in request.requests:
            _limit(limits)
            try:
                answers.append(reader.mail(each))
            except IntakeError as exc:
                answers.append(str(exc))
        return (ANSWER_OK, answers)
    if isinstance(request, SheetRequest):
        return (ANSWER_OK, reader.spreadsheet(request, hand_over=hand_over))
    if isinstance(request, HeadRequest):
        return (ANSWER_OK, reader.first_rows(request))
    if isinstance(request, MailRequest):
        return (ANSWER_OK, reader.mail(request))
    raise TypeError(f"unknown request {type(request).__name__}")


def _unexpected(request: object, exc: BaseException) -> tuple[Any, ...]:
    """A native reader's panic on a broken file says the file is broken; anything else is a
    bug of ours, told with its traceback."""
    if type(exc).__name__ == "PanicException":  # pyo3: a Rust panic inside calamine
        name = getattr(request, "name", "")
        return (ANSWER_REFUSED, messages.unreadable(name, messages.CORRUPT))
    return (ANSWER_BUG, type(exc).__name__, "".join(traceback.format_exception(exc))[-8000:])


def _peak() -> int:
    """This process's peak resident memory so far, in bytes (0 where it cannot be known).

    Linux's own count for this program (``VmHWM``), since ``ru_maxrss`` starts from the peak
    of the process that started it (the watcher's, or a test runner's)."""
    try:
        status = Path("/proc/self/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        status = ""
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    if resource is None:
        return 0
    scale = 1 if sys.platform == "darwin" else 1024  # macOS counts bytes, Linux kilobytes
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def frames(answer: tuple[Any, ...]) -> Iterator[tuple[Any, ...]]:
    """``answer`` as the frames it is sent in: a spreadsheet's records ``CHUNK_RECORDS`` at a
    time (``ANSWER_MORE``), then the answer holding the last of them."""
    if answer[0] != ANSWER_OK or not isinstance(answer[1], SpreadsheetIntake):
        yield answer
        return
    records = answer[1].records
    last = max(0, len(records) - CHUNK_RECORDS)
    for start in range(0, last, CHUNK_RECORDS):
        yield (ANSWER_MORE, records[start:min(start + CHUNK_RECORDS, last)])
    yield (ANSWER_OK, replace(answer[1], records=records[last:]))


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    while True:
        frame = read_frame(stdin)
        if frame is None:
            return
        limits, request = pickle.loads(frame)  # noqa: S301 - written by our own parent
        del frame
        before = _peak()
        _limit(limits)
        fatal = False

        def more(records: list[Record], before: int = before) -> None:
            _send(stdout, _peak() - before > RETIRE_GROWTH, (ANSWER_MORE, records))

        try:
            answer = _answer(request, limits, more)
        except IntakeError as exc:
            answer = (ANSWER_REFUSED, str(exc))
        except MemoryError:
            answer, fatal = (ANSWER_MEMORY,), True
        except RecursionError:
            answer, fatal = (ANSWER_MEMORY,), True
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException as exc:  # noqa: BLE001 - said to the parent, which logs it
            answer = _unexpected(request, exc)
        del request
        retire = _peak() - before > RETIRE_GROWTH
        give_back()  # what the read let go of, before the parent takes the answer in beside it
        try:
            for part in frames(answer):
                _send(stdout, retire, part)
        except MemoryError:
            write_frame(stdout, pickle.dumps((True, (ANSWER_MEMORY,))))
            fatal = True
        del answer
        if fatal:
            return


def _send(stdout: IO[bytes], retire: bool, part: tuple[Any, ...]) -> None:
    write_frame(stdout, pickle.dumps((retire, part), protocol=pickle.HIGHEST_PROTOCOL))


def main() -> None:
    if sys.argv[1:2] == ["--version"] and sys.argv[2:3] != [__version__]:
        os._exit(EXIT_OTHER_VERSION)
    stdin, stdout = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # a stray print must never corrupt the answers
    try:
        serve(stdin, stdout)
    except (BrokenPipeError, EOFError):
        pass  # the watcher went away
    finally:
        os._exit(0)  # no clean-up of a heap that may have run out


if __name__ == "__main__":
    main()
