"""Who a mail is really from: the customer behind a colleague's forward, never the colleague.

A mail the front desk forwarded is the customer's complaint: :func:`author_of` finds, among
the messages the mail carries (an attached mail first, then the forwarded or quoted text), the
first one written from outside the office, and gives its author, date, subject and whole text;
the colleague becomes :attr:`Author.forwarded_by`. A colleague's own mail that quotes nothing
names no declarant at all (the row is left for a person), so an office address is never
recorded as a customer's.

The office's addresses (:class:`OwnAddresses`) are its domains (``mail.own_domains``), and the
watched mailbox's and the organisation's addresses with their domains — except public mail
domains (gmail.com, orange.fr…), where only the exact address is the office's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from automation.intake.forward import clean_subject, strip_disclaimer
from automation.intake.mail import ParsedMail
from automation.text import one_line

PUBLIC_DOMAINS: Final = frozenset({
    "gmail.com", "googlemail.com", "outlook.com", "outlook.fr", "hotmail.com", "hotmail.fr",
    "live.com", "live.fr", "msn.com", "yahoo.com", "yahoo.fr", "ymail.com", "icloud.com",
    "me.com", "mac.com", "aol.com", "aol.fr", "orange.fr", "wanadoo.fr", "free.fr", "sfr.fr",
    "neuf.fr", "club-internet.fr", "laposte.net", "bbox.fr", "numericable.fr", "gmx.fr",
    "gmx.com", "gmx.de", "protonmail.com", "proton.me", "mailo.com", "netcourrier.com",
    "voila.fr", "tutanota.com",
})


@dataclass(frozen=True)
class OwnAddresses:
    """The office's own mail: whole domains, and single addresses on public domains."""

    domains: frozenset[str] = frozenset()
    addresses: frozenset[str] = frozenset()

    def owns(self, address: str) -> bool:
        address = address.strip().lower()
        if not address:
            return False
        return address in self.addresses or address.rpartition("@")[2] in self.domains


def own_addresses(*, domains: Iterable[str] = (), mailboxes: Iterable[str] = ()) -> OwnAddresses:
    """The office's addresses: ``domains`` as given, ``mailboxes`` with their domain unless it
    is a public one (a gmail.com mailbox makes only itself the office's)."""
    own_domains = {d.strip().lower().lstrip("@") for d in domains if d.strip()}
    own = set()
    for mailbox in mailboxes:
        address = one_line(mailbox).lower()
        if "@" not in address:
            continue
        own.add(address)
        domain = address.rpartition("@")[2]
        if domain not in PUBLIC_DOMAINS:
            own_domains.add(domain)
    return OwnAddresses(frozenset(own_domains), frozenset(own))


@dataclass(frozen=True)
class Author:
    """The declarant of a mail, as far as the mail tells."""

    name: str
    address: str  # where the answer goes ("" when nobody outside the office is named)
    sent: datetime  # when the declarant wrote (the forward's date when the original has none)
    subject: str  # prefixes removed
    text: str  # the declarant's whole text
    forwarded_by: str = ""  # « Julie Martin <accueil@of.fr> » when a colleague passed it on
    forwarder_name: str = ""
    forwarder_address: str = ""
    message_id: str = ""  # the declarant's own message, when it is attached whole
    notes: tuple[str, ...] = ()  # French remarks for the row

    @property
    def second_hand(self) -> bool:
        return bool(self.forwarded_by)


@dataclass(frozen=True)
class _Candidate:
    name: str
    address: str
    sent: datetime | None
    subject: str
    text: str
    message_id: str = ""


def author_of(mail: ParsedMail, own: OwnAddresses) -> Author:
    """The declarant of ``mail`` (see the module docstring)."""
    sender_own = own.owns(mail.sender_address)
    candidates = _candidates(mail)
    if not candidates or not (mail.forwarded or sender_own):
        if sender_own:
            return Author(
                name="", address="", sent=mail.received, subject=clean_subject(mail.subject),
                text=mail.body, forwarded_by=_who(mail), forwarder_name=mail.sender_name,
                forwarder_address=mail.sender_address, notes=(
                    f"Courriel d'un membre de l'organisme ({_who(mail)}) : le déclarant n'y est "
                    "pas nommé ; à compléter.",))
        return Author(name=mail.sender_name, address=mail.reply_to or mail.sender_address,
                      sent=mail.received, subject=clean_subject(mail.subject), text=mail.body)
    notes: list[str] = []
    outside = [c for c in candidates if (c.address and not own.owns(c.address))
               or (not c.address and c.name and c.name != mail.sender_name)]
    chosen = outside[0] if outside else candidates[-1]
    if not outside:
        notes.append("Message d'origine écrit depuis une adresse de l'organisme : vérifiez la "
                     "partie prenante.")
    if not chosen.address:
        notes.append(f"Le message d'origine ne donne pas l'adresse de « {chosen.name} » : "
                     "à compléter.")
    sent = chosen.sent
    if sent is None:
        notes.append("Date du message d'origine illisible : la date du transfert a été retenue.")
        sent = mail.received
    return Author(
        name=chosen.name, address=chosen.address, sent=sent,
        subject=clean_subject(chosen.subject or mail.subject),
        text=strip_disclaimer(chosen.text) or mail.body, forwarded_by=_who(mail),
        forwarder_name=mail.sender_name, forwarder_address=mail.sender_address,
        message_id=chosen.message_id, notes=tuple(notes))


def _candidates(mail: ParsedMail) -> list[_Candidate]:
    """The messages the mail carries, outermost first: attached mails, then quoted text."""
    found = [_Candidate(m.sender_name, m.reply_to or m.sender_address,
                        m.received if m.date_from_header else None, m.subject,
                        m.full_body.strip(), m.message_id)
             for m in mail.enclosed]
    if mail.chain is not None:
        found.extend(_Candidate(q.sender_name, q.sender_address, q.sent, q.subject, q.text)
                     for q in mail.chain.messages if q.sender_name or q.sender_address)
    return found


def _who(mail: ParsedMail) -> str:
    name, address = one_line(mail.sender_name), mail.sender_address
    if name and address and name.lower() != address.lower():
        return f"{name} <{address}>"
    return address or name
