"""Intake: turning what arrived into records for a register and rejections for a person.

For a dropped spreadsheet, :func:`read_spreadsheet` is the one call: it checks the file
(:mod:`.safety`), reads it (:mod:`.spreadsheet`), finds its header row and register
(:mod:`.headers`), and reads every row (:mod:`.values`, :mod:`.validate`). What cannot be
accepted goes back to a person through :mod:`.rejection`, in French (:mod:`.messages`).
"""

from __future__ import annotations

from automation.errors import FileNotReady, HeaderMismatch
from automation.intake.headers import HeaderMatch
from automation.intake.rejection import write_rejection_copy, write_rejection_note
from automation.intake.spreadsheet import SpreadsheetIntake, Table, read_spreadsheet

__all__ = ["FileNotReady", "HeaderMatch", "HeaderMismatch", "SpreadsheetIntake", "Table",
           "read_spreadsheet", "write_rejection_copy", "write_rejection_note"]
