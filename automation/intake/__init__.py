"""Intake: turning what arrived into records for a register and rejections for a person.

For a dropped spreadsheet, :func:`read_spreadsheet` is the one call: it checks the file
(:mod:`.safety`), reads it (:mod:`.spreadsheet`), finds its header row and register
(:mod:`.headers`), and reads every row (:mod:`.values`, :mod:`.validate`). What cannot be
accepted goes back to a person through :mod:`.rejection`, in French (:mod:`.messages`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from automation.errors import FileNotReady, HeaderMismatch
from automation.lazy import lazy_exports

if TYPE_CHECKING:
    from automation.intake.headers import HeaderMatch
    from automation.intake.rejection import write_rejection_copy, write_rejection_note
    from automation.intake.spreadsheet import read_spreadsheet
    from automation.intake.tables import SpreadsheetIntake, Table

# Imported on first use: a module of the package (the messages, the answers' fields) is used
# without loading openpyxl and python-calamine.
__getattr__ = lazy_exports(__name__, {
    "HeaderMatch": "automation.intake.headers",
    "write_rejection_copy": "automation.intake.rejection",
    "write_rejection_note": "automation.intake.rejection",
    "SpreadsheetIntake": "automation.intake.tables",
    "Table": "automation.intake.tables",
    "read_spreadsheet": "automation.intake.spreadsheet",
})

__all__ = ["FileNotReady", "HeaderMatch", "HeaderMismatch", "SpreadsheetIntake", "Table",
           "read_spreadsheet", "write_rejection_copy", "write_rejection_note"]
