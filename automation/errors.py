"""The exception tree of the package.

Every error carries what a person needs to act (file, row, column, template, mailbox), and
third-party exceptions are translated once, at the adapter that calls the library::

    AutomationError
    ├── ConfigError              a bad setting in automation.toml or the environment
    ├── ReferentialError         a referential data file (automation/referential) is wrong
    ├── OfficeBusy               another process already works on this office folder
    ├── Interrupted              work that can wait was stopped part-way, nothing written
    ├── ToolUpdated              the installed tool is not the one running: restart it
    ├── IntakeError              a dropped file or a mail cannot be read
    │   ├── FileNotReady         still being copied, or held by another program: try later
    │   └── UnroutableFile       no register fits the file's headers
    │       └── HeaderMismatch   the register's required columns are not all there
    ├── RegisterError            a register workbook (or the journal) cannot be read or written
    │   ├── RegisterLocked       the workbook is open in Excel (or cannot be replaced)
    │   ├── ColumnMissing        a column the tool needs is not in the workbook
    │   └── JournalTooNew        the journal was written by a newer version of the tool
    ├── LetterError              a letter cannot be produced
    │   └── TemplateError        the Word template is missing or broken
    ├── MailboxError             the mailbox cannot be reached or refused an operation
    │   ├── DeltaExpired         (graph_client) Graph's delta link expired: sync again in full
    │   └── GraphNotFound        (graph_client) a Graph folder or message is not there
    └── ServiceError             the system service cannot be installed, removed or queried

Inside a module, a few exceptions never cross its boundary: the xlsx package's
``PackageError`` becomes a ``RegisterError``; intake's ``InvalidValue`` (a ``ValueError``)
becomes a French rejection reason.

``str(error)`` is a message for the person who runs the tool. Messages meant for office
staff (rejection notes) are French and live in ``automation.intake.messages``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path


class AutomationError(Exception):
    """Base of every error this package raises on purpose."""


class ConfigError(AutomationError):
    """A setting is invalid; the message names it and the accepted values."""


class ReferentialError(AutomationError):
    """A Qualiopi referential data file is missing, malformed, or a version is unknown."""


class OfficeBusy(AutomationError):
    """Another automation process already works on this office folder."""


class Interrupted(AutomationError):
    """Work that can wait (the dashboard's refresh) was stopped part-way, nothing written:
    the watcher is stopping, or a file arrived."""


class ToolUpdated(AutomationError):
    """The tool was updated while it ran: the reader it starts is not of its own version.
    Nothing is read until the command (the watcher) is started again; files wait."""


class IntakeError(AutomationError):
    """A source (file, mail) cannot be read at all."""

    def __init__(self, message: str, *, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class FileNotReady(IntakeError):
    """The file is empty, still being copied or held by another program: try again later."""


class UnroutableFile(IntakeError):
    """No register fits the headers of a file dropped at the top of the inbox."""


class HeaderMismatch(UnroutableFile):
    """The file's headers lack the required columns of the register it was routed to."""

    def __init__(self, message: str, *, register: str, missing: Sequence[str],
                 found: Sequence[str]) -> None:
        super().__init__(message)
        self.register = register
        self.missing = tuple(missing)
        self.found = tuple(found)


class RegisterError(AutomationError):
    """A register workbook cannot be read or written."""

    def __init__(self, message: str, *, register: str = "", path: Path | None = None) -> None:
        super().__init__(message)
        self.register = register
        self.path = path


class RegisterLocked(RegisterError):
    """The workbook is open in Excel or cannot be replaced; rows wait in the journal."""


class ColumnMissing(RegisterError):
    """A column the tool must write is not in the workbook."""


class JournalTooNew(RegisterError):
    """The journal was written by a newer version of the tool, which this one would misread."""


class LetterError(AutomationError):
    """A letter cannot be produced."""

    def __init__(self, message: str, *, template: Path | None = None) -> None:
        super().__init__(message)
        self.template = template


class TemplateError(LetterError):
    """The template is missing, has a syntax error, or uses an unknown variable."""


class MailboxError(AutomationError):
    """The mailbox cannot be reached, refused a login, or refused an operation."""

    def __init__(self, message: str, *, mailbox: str = "") -> None:
        super().__init__(message)
        self.mailbox = mailbox


class ServiceError(AutomationError):
    """The service (systemd unit, scheduled task) cannot be installed, removed or queried."""
