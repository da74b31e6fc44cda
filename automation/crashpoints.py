"""Named points of the intake path where a test can kill the process, as a power cut would.

A test seam, shipped like the settable clock: the kill-loop test starts ``automation watch``
with ``AUTOMATION_CRASH_AT=<point>`` (or ``<point>:<n>``, the n-th time the point is passed)
and the process sends itself SIGKILL there — no clean-up, no ``finally``. Unset (always, in
real use), :func:`reached` costs one dictionary look-up. The points, in the order a file
passes them:

``after-fingerprint``
    the file's bytes are read and hashed; nothing is recorded yet
``in-journal-transaction``
    a mail's row and its attachments' rows are inserted, the transaction not committed
``after-journal-commit``
    the rows are in the journal; no workbook has them yet
``during-workbook-replace``
    the new workbook is written beside the register, not yet moved over it
``during-letter-write``
    a letter is saved to its temporary file, not yet moved into ``outbox/``
``before-attachments-kept``
    a mail's row is recorded and written; its attachments are not yet in ``outbox/``
``before-file-move``
    everything is done but moving the file out of ``inbox/``

and one that only a mailbox cycle passes (:data:`MAILBOX_POINTS`):

``after-answers-saved``
    a group's draft answers are saved in the mailbox; the journal does not know yet
"""

from __future__ import annotations

import os
import signal
from typing import Final

VARIABLE: Final = "AUTOMATION_CRASH_AT"
POINTS: Final = ("after-fingerprint", "in-journal-transaction", "after-journal-commit",
                 "during-workbook-replace", "during-letter-write", "before-attachments-kept",
                 "before-file-move")
MAILBOX_POINTS: Final = ("after-answers-saved",)


def _armed() -> tuple[str, int]:
    point, _, count = os.environ.get(VARIABLE, "").partition(":")
    return point, int(count) if count.isdigit() else 1


_POINT, _COUNT = _armed()
_passed: dict[str, int] = {}


def reached(point: str) -> None:
    """Kill this process here when the environment armed ``point`` (see the module doc)."""
    if point != _POINT:
        return
    _passed[point] = _passed.get(point, 0) + 1
    if _passed[point] >= _COUNT:
        os.kill(os.getpid(), signal.SIGKILL)
