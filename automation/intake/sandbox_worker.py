"""The sandbox's child: reads one request after another, under the limits each one sets.

Started by :class:`~automation.intake.sandbox.SandboxReader` as ``python -m
automation.intake.sandbox_worker``. Each request is framed on stdin (see
:mod:`automation.intake.sandbox`), carries its memory limit (address space) and its CPU-time
budget, and gets one framed answer on stdout. Past the budget the kernel ends the process
(SIGXCPU); an allocation past the memory limit raises MemoryError here (answered, then the
child exits, its heap no longer trusted) or aborts native code (the parent sees the signal).
At the end of stdin — the watcher stopped or was killed — the child exits.
"""

from __future__ import annotations

import os
import pickle
import sys
import traceback
from typing import IO, Any

from automation.errors import IntakeError
from automation.intake import messages
from automation.intake.mail import ParsedMail
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
    ANSWER_OK,
    ANSWER_REFUSED,
    Limits,
    read_frame,
    write_frame,
)

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


def _answer(request: object, limits: Limits) -> tuple[Any, ...]:
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
        return (ANSWER_OK, reader.spreadsheet(request))
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


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    while True:
        frame = read_frame(stdin)
        if frame is None:
            return
        limits, request = pickle.loads(frame)  # noqa: S301 - written by our own parent
        _limit(limits)
        fatal = False
        try:
            answer = _answer(request, limits)
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
        try:
            payload = pickle.dumps(answer, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            payload, fatal = pickle.dumps((ANSWER_MEMORY,)), True
        write_frame(stdout, payload)
        if fatal:
            return


def main() -> None:
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
