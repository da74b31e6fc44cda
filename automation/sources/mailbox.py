"""The one interface every mailbox backend (IMAP, Exchange EWS, Microsoft Graph) implements.

A backend hands out :class:`MailItem` values (the raw RFC 822 bytes plus where the mail
lives); the shared mail intake parses and classifies them, records the row, and only then
asks the backend to mark the mail processed. "Unread" is never the processed marker.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class MailItem:
    """One mail as a backend sees it."""

    key: str  # the backend's stable id: "UIDVALIDITY:UID", an EWS ItemId, a Graph immutable id
    message_id: str  # the Message-ID header ("" when absent: intake then hashes the content)
    raw: bytes  # the full message, RFC 822 (EWS MimeContent, Graph /$value, IMAP BODY[])
    folder: str  # the folder it was found in


@dataclass(frozen=True)
class Reply:
    """An answer to a mail: a short body and the letter attached.

    ``to_address`` is whom it goes to when that is not the mail's sender: the declarant of a
    complaint a colleague forwarded (:attr:`automation.intake.declarant.Author.address`).
    ``in_reply_to`` is the declarant's own message when it is known (a mail forwarded as an
    attachment); the answer then threads under it as well as under the mail.
    ``key`` names this answer for good (the row's id and the mail's fingerprint): a backend
    that finds its own drafts (``finds_own_drafts``) makes the draft's Message-ID from it,
    and when ``maybe_saved`` (the mail comes again after a crash) it saves no second draft.
    """

    subject: str
    body: str
    attachment: Path | None = None
    to_address: str = ""  # "" = the mail's Reply-To, else its sender
    to_name: str = ""
    in_reply_to: str = ""
    key: str = ""
    maybe_saved: bool = False


class MailSource(Protocol):
    """A mailbox folder watched for new mail."""

    name: str  # "imap", "exchange", "graph": shown by `automation mail check` and status

    def check(self) -> str:
        """Connect and describe what was reached; raise MailboxError when it cannot."""
        ...

    def fetch_new(self) -> Iterator[MailItem]:
        """Mails not yet handed out (incremental: UIDs, SyncFolderItems, delta)."""
        ...

    def commit(self) -> None:
        """Persist the sync state; called after the journal has recorded what was fetched."""
        ...

    def mark_processed(self, item: MailItem) -> None:
        """Move the mail to the processed folder (or flag it); only after its row is safe."""
        ...

    def reply(self, item: MailItem, reply: Reply, *, send: bool) -> None:
        """Save ``reply`` as a draft answer to ``item``, or send it when ``send`` is true."""
        ...

    def close(self) -> None: ...
