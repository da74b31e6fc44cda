"""Microsoft 365 through Microsoft Graph: one folder of one mailbox, incrementally.

New mail is found with a delta query on the folder (``changeType=created``: a mail a person
reads or flags does not come back); the deltaLink is saved by :meth:`GraphSource.commit`,
which the pipeline calls once the journal holds what was fetched. When Graph has forgotten the
saved position (HTTP 410) the folder is read again in full — mails already recorded are
recognised by their Message-ID. Ids are immutable ids: they survive the move to "Traité".

An answer is a reply draft (``createReply``: it stays in the mail's conversation), addressed
to :attr:`Reply.to_address` when the pipeline names the declarant of a forwarded complaint. Its
letter is attached in one request under 3 MB, through an upload session (byte ranges PUT to
the session's own address) from 3 MB to 150 MB.
"""

from __future__ import annotations

import base64
import logging
import mimetypes
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote

from automation.errors import MailboxError
from automation.mail_backends_config import (
    GraphSettings,
    graph_client_secret,
    graph_token_cache_path,
    validate_graph,
    validate_marking,
)
from automation.sources.graph_client import DeltaExpired, GraphAuth, GraphClient, GraphNotFound
from automation.sources.mailbox import MailItem, Reply
from automation.sources.sync_state import SyncStateFile
from automation.text import fold

log = logging.getLogger(__name__)

STATE_FILE: Final = ".mail-graph-state.json"
INLINE_LIMIT: Final = 3 * 1024 * 1024  # Graph takes attachments under 3 MB in one request
UPLOAD_LIMIT: Final = 150 * 1024 * 1024  # an upload session takes up to 150 MB
PAGE_SIZE: Final = 50
_INBOX_NAMES: Final = {"inbox", "boite de reception"}


class GraphSource:
    """One folder of a Microsoft 365 mailbox seen through Microsoft Graph."""

    name = "graph"

    def __init__(self, settings: GraphSettings, *, state_path: Path, client_secret: str = "",
                 token_cache_path: Path | None = None, processed_folder: str = "Traité",
                 mark: str = "move", sleep: Callable[[float], None] = time.sleep) -> None:
        validate_graph(settings)
        validate_marking(processed_folder, mark)
        self.settings = settings
        self.processed_folder, self.mark = processed_folder, mark
        self.auth = GraphAuth(settings, client_secret=client_secret,
                              token_cache_path=token_cache_path)
        self.client = GraphClient(settings, token=self.auth.token, sleep=sleep)
        self._user = f"users/{quote(settings.mailbox, safe='@')}"
        self._state = SyncStateFile(state_path, identity=(
            f"graph {settings.graph_url} {settings.mailbox} {settings.folder}"))
        self._folder: dict[str, Any] | None = None
        self._processed_id: str | None = None
        self._pending: str | None = None

    @classmethod
    def from_settings(cls, settings: GraphSettings, *, state_dir: Path,
                      processed_folder: str = "Traité", mark: str = "move",
                      environ: Mapping[str, str] | None = None) -> GraphSource:
        """The source for ``[mail.graph]``: its secret or token cache found as configured."""
        common: dict[str, Any] = {"state_path": state_dir / STATE_FILE,
                                  "processed_folder": processed_folder, "mark": mark}
        if settings.auth == "client_credentials":
            return cls(settings, client_secret=graph_client_secret(settings, environ=environ),
                       **common)
        return cls(settings, token_cache_path=graph_token_cache_path(settings), **common)

    def login(self, show: Callable[[str], None]) -> str:
        """Device code sign-in (``auth = device_code``); returns who signed in."""
        return self.auth.login(show)

    # -- MailSource ------------------------------------------------------------------------

    def check(self) -> str:
        folder = self._watched(refresh=True)
        return (f"Microsoft Graph à {self.settings.graph_url}, identité {self.auth.who} : "
                f"boîte {self.settings.mailbox}, dossier « {self.settings.folder} » : "
                f"{folder.get('totalItemCount', '?')} courriel(s), "
                f"{folder.get('unreadItemCount', '?')} non lu(s)")

    def fetch_new(self) -> Iterator[MailItem]:
        """Mails that arrived in the folder since the last :meth:`commit` (all of them at first)."""
        try:
            messages, delta_link = self._delta(self._state.load())
        except DeltaExpired as exc:
            log.warning("%s: reading the folder again in full (already recorded mails are "
                        "recognised)", exc)
            messages, delta_link = self._delta(None)
        self._pending = None
        for message in messages:
            try:
                raw = self.client.call("GET", f"{self._user}/messages/{_q(message['id'])}/$value")
            except GraphNotFound:
                log.warning("mail %s skipped: deleted before it could be read", message["id"])
                continue
            yield MailItem(key=str(message["id"]),
                           message_id=str(message.get("internetMessageId") or ""),
                           raw=raw.content, folder=self.settings.folder)
        self._pending = delta_link  # only a fully consumed delta round may be committed

    def commit(self) -> None:
        if self._pending is not None:
            self._state.save(self._pending)
            self._pending = None

    def mark_processed(self, item: MailItem) -> None:
        path = f"{self._user}/messages/{_q(item.key)}"
        target = self._processed() if self.mark == "move" else ""
        try:
            if self.mark == "flag":
                current = self.client.call("GET", path, params={"$select": "categories"}).json()
                categories = list(current.get("categories") or [])
                if self.settings.category not in categories:
                    self.client.call("PATCH", path,
                                     json={"categories": [*categories, self.settings.category]})
            else:
                self.client.call("POST", f"{path}/move", json={"destinationId": target})
        except GraphNotFound:
            log.warning("mail %s is no longer in the mailbox (deleted by someone)",
                        item.message_id or item.key)

    def reply(self, item: MailItem, reply: Reply, *, send: bool) -> None:
        """A reply draft (in Drafts) with the letter attached; sent if ``send``."""
        content = None
        if reply.attachment is not None:
            try:
                size = reply.attachment.stat().st_size
                if size > UPLOAD_LIMIT:
                    raise MailboxError(f"{reply.attachment.name} is {size // 1024 // 1024} MB: "
                                       "Microsoft 365 takes attachments up to 150 MB; send a "
                                       "PDF or a lighter letter", mailbox=self.settings.mailbox)
                content = reply.attachment.read_bytes()
            except OSError as exc:
                raise MailboxError(f"cannot attach {reply.attachment}: {exc}",
                                   mailbox=self.settings.mailbox) from exc
        draft = self.client.call("POST", f"{self._user}/messages/{_q(item.key)}/createReply",
                                 json={"comment": reply.body}).json()
        draft_path = f"{self._user}/messages/{_q(draft['id'])}"
        changes: dict[str, Any] = {"subject": reply.subject}
        if reply.to_address:  # the declarant, not the colleague who forwarded her mail
            changes["toRecipients"] = [{"emailAddress": {
                "address": reply.to_address, **({"name": reply.to_name} if reply.to_name
                                                else {})}}]
        self.client.call("PATCH", draft_path, json=changes)
        if reply.attachment is not None and content is not None:
            self._attach(draft_path, reply.attachment.name, content)
        if send:
            self.client.call("POST", f"{draft_path}/send")

    def close(self) -> None:
        self.client.close()
        self.auth.close()

    def _attach(self, draft_path: str, name: str, content: bytes) -> None:
        """A file on a draft: in one request under 3 MB, else through an upload session."""
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        if len(content) < INLINE_LIMIT:
            self.client.call("POST", f"{draft_path}/attachments", json={
                "@odata.type": "#microsoft.graph.fileAttachment", "name": name,
                "contentType": kind, "contentBytes": base64.b64encode(content).decode("ascii")})
            return
        session = self.client.call(
            "POST", f"{draft_path}/attachments/createUploadSession", json={"AttachmentItem": {
                "attachmentType": "file", "name": name, "size": len(content),
                "contentType": kind}}).json()
        url = session.get("uploadUrl")
        if not isinstance(url, str) or not url:
            raise MailboxError("Microsoft Graph opened no upload session for the letter",
                               mailbox=self.settings.mailbox)
        self.client.upload(url, content)

    # -- folders and delta ------------------------------------------------------------------

    def _delta(self, link: str | None) -> tuple[list[dict[str, Any]], str]:
        """All messages of one delta round (following nextLinks) and its deltaLink."""
        if link is None:
            folder_id = _q(self._watched()["id"])
            url = f"{self._user}/mailFolders/{folder_id}/messages/delta"
            params: dict[str, str] | None = {
                "changeType": "created", "$select": "internetMessageId,categories"}
        else:
            url, params = link, None
        messages: list[dict[str, Any]] = []
        while True:
            page = self.client.call("GET", url, params=params,
                                    prefer=f"odata.maxpagesize={PAGE_SIZE}").json()
            for message in page.get("value", []):
                if "@removed" in message or self._already_flagged(message):
                    continue
                messages.append(message)
            if "@odata.nextLink" in page:
                url, params = str(page["@odata.nextLink"]), None
            elif "@odata.deltaLink" in page:
                return messages, str(page["@odata.deltaLink"])
            else:
                raise MailboxError("Microsoft Graph ended a delta page with neither nextLink nor "
                                   "deltaLink", mailbox=self.settings.mailbox)

    def _already_flagged(self, message: Mapping[str, Any]) -> bool:
        return (self.mark == "flag"
                and self.settings.category in (message.get("categories") or []))

    def _watched(self, *, refresh: bool = False) -> dict[str, Any]:
        if self._folder is not None and not refresh:
            return self._folder
        parts = [p.strip() for p in self.settings.folder.split("/") if p.strip()]
        folder: dict[str, Any] | None
        if fold(parts[0]) in _INBOX_NAMES:
            folder = self.client.call("GET", f"{self._user}/mailFolders/inbox").json()
        else:
            folder = self._child(None, parts[0])
        rest = parts[1:]
        for part in rest:
            folder = self._child(folder, part) if folder is not None else None
        if folder is None:
            raise MailboxError(f"folder {self.settings.folder!r} not found in mailbox "
                               f"{self.settings.mailbox}: check mail.graph.folder",
                               mailbox=self.settings.mailbox)
        self._folder = folder
        return folder

    def _child(self, parent: Mapping[str, Any] | None, name: str) -> dict[str, Any] | None:
        """The sub-folder ``name`` of ``parent`` (of the mailbox's top when ``None``)."""
        path = (f"{self._user}/mailFolders" if parent is None
                else f"{self._user}/mailFolders/{_q(parent['id'])}/childFolders")
        odata_name = name.replace("'", "''")
        found: list[dict[str, Any]] = self.client.call("GET", path, params={
            "$filter": f"displayName eq '{odata_name}'"}).json().get("value", [])
        return found[0] if found else None

    def _processed(self) -> str:
        if self._processed_id is None:
            parent, name = self._watched(), self.processed_folder
            found = self._child(parent, name)
            if found is None:
                log.info("creating folder %r in %s", name, self.settings.mailbox)
                found = self.client.call(
                    "POST", f"{self._user}/mailFolders/{_q(parent['id'])}/childFolders",
                    json={"displayName": name}).json()
            self._processed_id = str(found["id"])
        return self._processed_id


def _q(graph_id: str) -> str:
    return quote(str(graph_id), safe="")
