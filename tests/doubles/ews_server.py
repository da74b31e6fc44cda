"""An EWS double: the SOAP operations exchangelib sends, answered from an in-memory mailbox.

Responses follow the shapes of Microsoft's EWS reference examples (``ServerVersionInfo`` in
every header, ``ResponseMessages`` with ``ResponseClass``/``ResponseCode``, items with
``Sender``). Operations: GetFolder, FindFolder, CreateFolder, SyncFolderItems, GetItem (with
MimeContent), CreateItem (SaveOnly, SendAndSaveCopy, SendOnly; ReplyToItem; attachments),
CreateAttachment, SendItem, MoveItem (a moved item gets a new id, as in Exchange), UpdateItem
(categories), GetAttachment. Basic authentication is checked; tests can make the server busy
(``ErrorServerBusy`` with ``BackOffMilliseconds``) or forget every sync state.

    with EwsDouble(tmp_path, mailbox="contact@of.fr", users={"OF\\\\accueil": "s3cret"}) as ews:
        ews.deliver(mime_bytes)                      # a new mail in the inbox
        ews.folder_items("Traité")                   # what a test checks afterwards
"""

from __future__ import annotations

import base64
import email
import email.policy
import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from lxml import etree

from tests.doubles import LoopbackServer, QuietHandler

S = "http://schemas.xmlsoap.org/soap/envelope/"
M = "http://schemas.microsoft.com/exchange/services/2006/messages"
T = "http://schemas.microsoft.com/exchange/services/2006/types"
NS = {"s": S, "m": M, "t": T}
DISTINGUISHED = {"root": "Root", "msgfolderroot": "Top of Information Store", "inbox": "Inbox",
                 "drafts": "Drafts", "sentitems": "Sent Items", "deleteditems": "Deleted Items"}


@dataclass
class Folder:
    id: str
    name: str
    parent: str | None
    distinguished: str | None = None


@dataclass
class Item:
    id: str
    changekey: str
    folder: str
    mime: bytes
    subject: str = ""
    sender: str = ""
    message_id: str = ""
    is_draft: bool = False
    categories: list[str] = field(default_factory=list)
    attachments: list[tuple[str, str, bytes]] = field(default_factory=list)  # (id, name, bytes)
    to: list[str] = field(default_factory=list)
    body: str = ""
    in_reply_to: str = ""  # the ItemId a reply answers


class EwsDouble(LoopbackServer):
    """An Exchange 2016 mailbox reachable at :attr:`url`."""

    def __init__(self, folder: Path, *, mailbox: str, users: dict[str, str]) -> None:
        super().__init__(_Handler, folder)
        self.url = f"{self.base}/EWS/Exchange.asmx"
        self.mailbox = mailbox
        self.users = users
        self.lock = threading.RLock()
        self.folders: dict[str, Folder] = {}
        self.items: dict[str, Item] = {}
        self.sent: list[Item] = []  # what left the mailbox (SendItem, SendAndSaveCopy)
        self.operations: list[str] = []  # every SOAP operation received, in order
        self.refused = 0  # requests answered 401 (wrong or missing credentials)
        self.log: list[tuple[int, str, str, str]] = []  # (seq, "create"|"delete", item, folder)
        self.generation = 1  # bumped to forget every sync state
        self.busy: list[int] = []  # back-off milliseconds of the next answers (ErrorServerBusy)
        self.page_size_cap = 2  # at most this many changes per SyncFolderItems answer
        self._ids = itertools.count(1)
        for key, name in DISTINGUISHED.items():
            parent = {"root": None, "msgfolderroot": "F-root"}.get(key, "F-msgfolderroot")
            self._add_folder(Folder(id=f"F-{key}", name=name, parent=parent, distinguished=key))

    # -- what tests use ---------------------------------------------------------------------

    def deliver(self, mime: bytes, *, folder: str = "Inbox") -> Item:
        """A mail arrives in ``folder`` (a display name, or a path "Inbox/Réclamations")."""
        parsed = email.message_from_bytes(mime, policy=email.policy.default)
        with self.lock:
            item = Item(id=self._new_id("I"), changekey=self._new_id("CK"),
                        folder=self.folder_by_path(folder).id, mime=mime,
                        subject=str(parsed.get("Subject", "")),
                        sender=parseaddr(str(parsed.get("From", "")))[1],
                        message_id=str(parsed.get("Message-ID", "")))
            self.items[item.id] = item
            self._log("create", item)
            return item

    def add_folder(self, name: str, *, parent: str = "Inbox") -> Folder:
        with self.lock:
            return self._add_folder(Folder(id=self._new_id("F"), name=name,
                                           parent=self.folder_by_path(parent).id))

    def folder_by_path(self, path: str) -> Folder:
        with self.lock:
            parts = path.split("/")
            current = self._find_child("F-msgfolderroot", parts[0])
            for part in parts[1:]:
                current = current and self._find_child(current.id, part)
            if current is None:
                raise KeyError(path)
            return current

    def folder_items(self, path: str) -> list[Item]:
        with self.lock:
            folder_id = self.folder_by_path(path).id
            return [i for i in self.items.values() if i.folder == folder_id]

    def forget_sync_states(self) -> None:
        self.generation += 1

    # -- the mailbox ------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        raw = f"{prefix}-{next(self._ids):06d}-{self.port}".encode()
        return "AAMk" + base64.b64encode(raw).decode()

    def _add_folder(self, folder: Folder) -> Folder:
        self.folders[folder.id] = folder
        return folder

    def _find_child(self, parent_id: str, name: str) -> Folder | None:
        for f in self.folders.values():
            if f.parent == parent_id and f.name.casefold() == name.casefold():
                return f
        return None

    def _log(self, kind: str, item: Item) -> None:
        self.log.append((len(self.log) + 1, kind, item.id, item.folder))

    def move(self, item: Item, folder_id: str) -> Item:
        """Exchange gives a moved item a new id."""
        self._log("delete", item)
        del self.items[item.id]
        item.id, item.changekey, item.folder = self._new_id("I"), self._new_id("CK"), folder_id
        self.items[item.id] = item
        self._log("create", item)
        return item

    # -- SOAP -------------------------------------------------------------------------------

    def handle(self, request: etree._Element) -> str:
        body = request.find("s:Body", NS)
        assert body is not None and len(body)
        operation = etree.QName(body[0]).localname
        traversal = body[0].get("Traversal")  # FindFolder, FindItem: Shallow or Deep
        self.operations.append(f"{operation}({traversal})" if traversal else operation)
        if self.busy:
            return _busy_fault(self.busy.pop(0))
        with self.lock:
            return _envelope(getattr(_Operations(self), operation)(body[0]), operation)


class _Handler(QuietHandler):
    def do_POST(self) -> None:  # noqa: N802 - the name http.server calls
        double: EwsDouble = self.double
        raw = self.body()
        if not self._authorised(double):
            double.refused += 1
            self.answer(401, b"", "text/plain", {"WWW-Authenticate": 'Basic realm="of"'})
            return
        request = etree.fromstring(raw, etree.XMLParser(resolve_entities=False))
        answer = double.handle(request).encode("utf-8")
        status = 500 if b"<s:Fault>" in answer else 200
        self.answer(status, answer, "text/xml; charset=utf-8")

    def _authorised(self, double: EwsDouble) -> bool:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        user, _, password = base64.b64decode(header[6:]).decode().partition(":")
        return double.users.get(user) == password


class _Operations:
    """One method per EWS operation: the request element in, the response messages out."""

    def __init__(self, double: EwsDouble) -> None:
        self.d = double

    # folders

    def GetFolder(self, req: etree._Element) -> str:  # noqa: N802 - EWS operation names
        return "".join(self._in_folder("GetFolder", ref, lambda f: (
            f"<m:Folders>{self._folder_xml(f)}</m:Folders>")) for ref in _at(req, "m:FolderIds"))

    def FindFolder(self, req: etree._Element) -> str:  # noqa: N802
        def children(parent: Folder) -> str:
            found = [f for f in self.d.folders.values() if f.parent == parent.id
                     and _wanted(req, f.name.casefold(), casefold=True)]
            return _root_folder(len(found), "Folders", map(self._folder_xml, found))
        return self._in_folder("FindFolder", _at(req, "m:ParentFolderIds")[0], children)

    def CreateFolder(self, req: etree._Element) -> str:  # noqa: N802
        def create(parent: Folder) -> str:
            name = _at(req, "m:Folders")[0].findtext("t:DisplayName", "", NS)
            if self.d._find_child(parent.id, name):
                raise _Refused("ErrorFolderExists", "A folder with the specified name already "
                                                    "exists.")
            new = self.d._add_folder(Folder(self.d._new_id("F"), name, parent.id))
            return (f'<m:Folders><t:Folder><t:FolderId Id={quoteattr(new.id)} ChangeKey="AQ=="/>'
                    "</t:Folder></m:Folders>")
        return self._in_folder("CreateFolder", _at(req, "m:ParentFolderId")[0], create)

    def _folder(self, ref: etree._Element) -> Folder:
        if etree.QName(ref).localname == "DistinguishedFolderId":
            address = ref.findtext("t:Mailbox/t:EmailAddress", self.d.mailbox, NS)
            if address.casefold() != self.d.mailbox.casefold():
                raise _Refused("ErrorNonExistentMailbox",
                               f"No mailbox with such guid. Mailbox {address}")
            folder = self.d.folders.get(f"F-{ref.get('Id')}")
        else:
            folder = self.d.folders.get(str(ref.get("Id")))
        if folder is None:
            raise _Refused("ErrorFolderNotFound", "The specified folder could not be found in "
                                                  "the store.")
        return folder

    def _in_folder(self, operation: str, ref: etree._Element, act: Callable[[Folder], str],
                   on_error: str = "") -> str:
        try:
            return _ok(operation, act(self._folder(ref)))
        except _Refused as refused:
            return _error(operation, refused.code, refused.text, on_error)

    def _folder_xml(self, f: Folder) -> str:
        count = sum(1 for i in self.d.items.values() if i.folder == f.id)
        children = sum(1 for c in self.d.folders.values() if c.parent == f.id)
        parent = f'<t:ParentFolderId Id={quoteattr(f.parent)}/>' if f.parent else ""
        distinguished = (f"<t:DistinguishedFolderId>{f.distinguished}</t:DistinguishedFolderId>"
                         if f.distinguished else "")
        return (f'<t:Folder><t:FolderId Id={quoteattr(f.id)} ChangeKey="AQ=="/>{parent}'
                f"<t:FolderClass>IPF.Note</t:FolderClass><t:DisplayName>{escape(f.name)}"
                f"</t:DisplayName><t:TotalCount>{count}</t:TotalCount><t:ChildFolderCount>"
                f"{children}</t:ChildFolderCount>{distinguished}<t:UnreadCount>{count}"
                "</t:UnreadCount></t:Folder>")

    # items

    def SyncFolderItems(self, req: etree._Element) -> str:  # noqa: N802
        # an error answer still carries these two (exchangelib reads them first)
        empty = "<m:SyncState/><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange>"

        def changes(folder: Folder) -> str:
            state, since = req.findtext("m:SyncState", "", NS), 0
            if state:
                generation, _, seen = base64.b64decode(state).decode().partition(":")
                if int(generation) != self.d.generation:
                    raise _Refused("ErrorInvalidSyncStateData", "Synchronization state data is "
                                                                "corrupt or otherwise invalid.")
                since = int(seen)
            limit = min(int(req.findtext("m:MaxChangesReturned", "100", NS)),
                        self.d.page_size_cap)
            events = [e for e in self.d.log if e[0] > since and e[3] == folder.id]
            if not state:  # a first sync reports what is there now
                events = [e for e in events if e[1] == "create" and e[2] in self.d.items]
            page, last = events[:limit], len(events) <= limit
            seq = (self.d.log[-1][0] if self.d.log else 0) if last else page[-1][0]
            xml = [f"<t:Delete><t:ItemId Id={quoteattr(i)}/></t:Delete>" if kind == "delete"
                   else f"<t:Create>{self._item_xml(self.d.items[i], mime=False)}</t:Create>"
                   for _, kind, i, _ in page if kind == "delete" or i in self.d.items]
            new_state = base64.b64encode(f"{self.d.generation}:{seq}".encode()).decode()
            return (f"<m:SyncState>{new_state}</m:SyncState><m:IncludesLastItemInRange>"
                    f"{str(last).lower()}</m:IncludesLastItemInRange>"
                    f"<m:Changes>{''.join(xml)}</m:Changes>")
        return self._in_folder("SyncFolderItems", _at(req, "m:SyncFolderId")[0], changes, empty)

    def FindItem(self, req: etree._Element) -> str:  # noqa: N802 - restriction: Message-ID
        def find(folder: Folder) -> str:
            found = [i for i in self.d.items.values()
                     if i.folder == folder.id and _wanted(req, i.message_id)]
            return _root_folder(len(found), "Items",
                                (self._item_xml(i, mime=False) for i in found))
        return self._in_folder("FindItem", _at(req, "m:ParentFolderIds")[0], find)

    def GetItem(self, req: etree._Element) -> str:  # noqa: N802
        mime = any(u.get("FieldURI") == "item:MimeContent"
                   for u in req.iterfind(".//t:FieldURI", NS))
        return self._each("GetItem", _at(req, "m:ItemIds"),
                          lambda i, _: f"<m:Items>{self._item_xml(i, mime=mime)}</m:Items>")

    def MoveItem(self, req: etree._Element) -> str:  # noqa: N802
        try:
            target = self._folder(_at(req, "m:ToFolderId")[0])
        except _Refused as refused:
            return _error("MoveItem", refused.code, refused.text)
        return self._each("MoveItem", _at(req, "m:ItemIds"),
                          lambda i, _: _item_id(self.d.move(i, target.id)))

    def UpdateItem(self, req: etree._Element) -> str:  # noqa: N802
        def update(item: Item, change: etree._Element) -> str:
            for setter in change.iterfind("t:Updates/t:SetItemField", NS):
                if _at(setter, "t:FieldURI").get("FieldURI") == "item:Categories":
                    item.categories = [str(s.text) for s in setter.iterfind(".//t:String", NS)]
            item.changekey = self.d._new_id("CK")
            return _item_id(item) + "<m:ConflictResults><t:Count>0</t:Count></m:ConflictResults>"
        return self._each("UpdateItem", req.iterfind("m:ItemChanges/t:ItemChange", NS), update,
                          ref=lambda change: _at(change, "t:ItemId"))

    def CreateItem(self, req: etree._Element) -> str:  # noqa: N802
        disposition = req.get("MessageDisposition", "SaveOnly")
        saved = req.find("m:SavedItemFolderId", NS)
        out = []
        for new in _at(req, "m:Items"):
            reference = new.find("t:ReferenceItemId", NS)
            if reference is not None and reference.get("Id") not in self.d.items:
                out.append(_not_found("CreateItem"))
                continue
            body = new.find("t:NewBodyContent", NS)
            body = new.find("t:Body", NS) if body is None else body
            item = Item(self.d._new_id("I"), self.d._new_id("CK"), "F-drafts", b"",
                        subject=new.findtext("t:Subject", "", NS), sender=self.d.mailbox,
                        to=[str(a.text) for a in new.iterfind(".//t:ToRecipients//t:EmailAddress",
                                                              NS)],
                        body="" if body is None else str(body.text or ""), is_draft=True,
                        in_reply_to="" if reference is None else str(reference.get("Id")))
            self._attach(item, new.iterfind("t:Attachments/t:FileAttachment", NS))
            if disposition != "SaveOnly":
                self._send(item, copy=disposition == "SendAndSaveCopy")
                out.append(_ok("CreateItem", "<m:Items/>"))
                continue
            item.folder = self._folder(saved[0]).id if saved is not None else item.folder
            self.d.items[item.id] = item
            self.d._log("create", item)
            out.append(_ok("CreateItem", _item_id(item)))
        return "".join(out)

    def CreateAttachment(self, req: etree._Element) -> str:  # noqa: N802
        def attach(item: Item, _: etree._Element) -> str:
            ids = self._attach(item, _at(req, "m:Attachments"))
            return "<m:Attachments>" + "".join(
                f"<t:FileAttachment><t:AttachmentId Id={quoteattr(i)} RootItemId="
                f"{quoteattr(item.id)} RootItemChangeKey={quoteattr(item.changekey)}/>"
                "</t:FileAttachment>" for i in ids) + "</m:Attachments>"
        return self._each("CreateAttachment", [_at(req, "m:ParentItemId")], attach)

    def GetAttachment(self, req: etree._Element) -> str:  # noqa: N802
        wanted = {ref.get("Id") for ref in _at(req, "m:AttachmentIds")}
        found = [a for i in self.d.items.values() for a in i.attachments if a[0] in wanted]
        if not found:
            return _error("GetAttachment", "ErrorInvalidAttachmentId", "The attachment ID is "
                                                                        "not valid.")
        return "".join(_ok("GetAttachment", f"<m:Attachments><t:FileAttachment><t:AttachmentId "
                           f"Id={quoteattr(i)}/><t:Name>{escape(name)}</t:Name><t:Content>"
                           f"{base64.b64encode(content).decode()}</t:Content></t:FileAttachment>"
                           "</m:Attachments>") for i, name, content in found)

    def SendItem(self, req: etree._Element) -> str:  # noqa: N802
        def send(item: Item, _: etree._Element) -> str:
            self.d._log("delete", item)
            del self.d.items[item.id]
            self._send(item, copy=req.get("SaveItemToFolder") == "true")
            return ""
        return self._each("SendItem", _at(req, "m:ItemIds"), send)

    def _each(self, operation: str, elements: Iterable[etree._Element],
              act: Callable[[Item, etree._Element], str], *,
              ref: Callable[[etree._Element], etree._Element] = lambda e: e) -> str:
        """``act`` on the item each element names; ErrorItemNotFound for those gone."""
        out = []
        for element in elements:
            item = self.d.items.get(str(ref(element).get("Id")))
            out.append(_not_found(operation) if item is None else _ok(
                operation, act(item, element)))
        return "".join(out)

    def _attach(self, item: Item, attachments: Iterable[etree._Element]) -> list[str]:
        ids = []
        for attachment in attachments:
            ids.append(self.d._new_id("A"))
            item.attachments.append((ids[-1], attachment.findtext("t:Name", "", NS),
                                     base64.b64decode(attachment.findtext("t:Content", "", NS))))
        item.changekey, item.mime = self.d._new_id("CK"), _mime(item)
        return ids

    def _send(self, item: Item, *, copy: bool) -> None:
        item.is_draft = False
        self.d.sent.append(item)
        if copy:
            item.id, item.folder = self.d._new_id("I"), "F-sentitems"
            self.d.items[item.id] = item
            self.d._log("create", item)

    def _item_xml(self, item: Item, *, mime: bool) -> str:
        content = (f'<t:MimeContent CharacterSet="UTF-8">{base64.b64encode(item.mime).decode()}'
                   "</t:MimeContent>") if mime else ""
        categories = "".join(f"<t:String>{escape(c)}</t:String>" for c in item.categories)
        sender = (f"<t:Mailbox><t:Name>{escape(item.sender)}</t:Name><t:EmailAddress>"
                  f"{escape(item.sender)}</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType>"
                  "</t:Mailbox>")
        return (f"<t:Message>{content}<t:ItemId Id={quoteattr(item.id)} "
                f"ChangeKey={quoteattr(item.changekey)}/><t:ParentFolderId "
                f"Id={quoteattr(item.folder)}/><t:ItemClass>IPM.Note</t:ItemClass><t:Subject>"
                f"{escape(item.subject)}</t:Subject><t:Categories>{categories}</t:Categories>"
                f"<t:IsDraft>{str(item.is_draft).lower()}</t:IsDraft><t:Sender>{sender}"
                f"</t:Sender><t:InternetMessageId>{escape(item.message_id)}</t:InternetMessageId>"
                f"<t:From>{sender}</t:From></t:Message>")


class _Refused(Exception):
    """An EWS error answer."""

    def __init__(self, code: str, text: str) -> None:
        super().__init__(code, text)
        self.code, self.text = code, text


def _wanted(req: etree._Element, value: str, *, casefold: bool = False) -> bool:
    """Whether ``value`` passes the request's IsEqualTo restriction (if any)."""
    constants = [str(c.get("Value")) for c in req.iterfind(".//m:Restriction//t:Constant", NS)]
    return not constants or value == (constants[0].casefold() if casefold else constants[0])


def _root_folder(count: int, kind: str, entries: Iterable[str]) -> str:
    return (f'<m:RootFolder IndexedPagingOffset="{count}" TotalItemsInView="{count}" '
            f'IncludesLastItemInRange="true"><t:{kind}>{"".join(entries)}</t:{kind}>'
            "</m:RootFolder>")


def _item_id(item: Item) -> str:
    return (f"<m:Items><t:Message><t:ItemId Id={quoteattr(item.id)} "
            f"ChangeKey={quoteattr(item.changekey)}/></t:Message></m:Items>")


def _at(element: etree._Element, path: str) -> etree._Element:
    """The child at ``path``; the double trusts exchangelib to send it."""
    found = element.find(path, NS)
    assert found is not None, path
    return found


def _mime(item: Item) -> bytes:
    message = EmailMessage()
    message["From"], message["Subject"] = item.sender, item.subject
    message["To"] = ", ".join(addr for _, addr in getaddresses(item.to))
    message.set_content(item.body or "")
    for _, name, content in item.attachments:
        message.add_attachment(content, maintype="application", subtype="octet-stream",
                               filename=name)
    return message.as_bytes()


def _envelope(body: str, operation: str) -> str:
    return ('<?xml version="1.0" encoding="utf-8"?>'
            f'<s:Envelope xmlns:s="{S}"><s:Header>'
            '<h:ServerVersionInfo MajorVersion="15" MinorVersion="1" MajorBuildNumber="2507" '
            f'MinorBuildNumber="6" Version="V2017_07_11" xmlns:h="{T}" xmlns="{T}"/>'
            f'</s:Header><s:Body><m:{operation}Response xmlns:m="{M}" xmlns:t="{T}">'
            f"<m:ResponseMessages>{body}</m:ResponseMessages></m:{operation}Response>"
            "</s:Body></s:Envelope>")


def _ok(operation: str, content: str) -> str:
    return (f'<m:{operation}ResponseMessage ResponseClass="Success">'
            f"<m:ResponseCode>NoError</m:ResponseCode>{content}</m:{operation}ResponseMessage>")


def _error(operation: str, code: str, text: str, extra: str = "") -> str:
    return (f'<m:{operation}ResponseMessage ResponseClass="Error">'
            f"<m:MessageText>{escape(text)}</m:MessageText><m:ResponseCode>{code}</m:ResponseCode>"
            f"<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>{extra}"
            f"</m:{operation}ResponseMessage>")


def _not_found(operation: str) -> str:
    return _error(operation, "ErrorItemNotFound",
                  "The specified object was not found in the store.")


def _busy_fault(back_off_ms: int) -> str:
    text = "The server cannot service this request right now. Try again later."
    errors = "http://schemas.microsoft.com/exchange/services/2006/errors"
    return (f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{S}"><s:Body><s:Fault>'
            f'<faultcode xmlns:a="{T}">a:ErrorServerBusy</faultcode><faultstring>{text}'
            f'</faultstring><detail xmlns:e="{errors}" xmlns:t="{T}"><e:ResponseCode>'
            f"ErrorServerBusy</e:ResponseCode><e:Message>{text}</e:Message><t:MessageXml>"
            f'<t:Value Name="BackOffMilliseconds">{back_off_ms}</t:Value></t:MessageXml>'
            "</detail></s:Fault></s:Body></s:Envelope>")
