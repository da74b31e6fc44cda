"""The messages inside a mail: what a colleague forwarded, what a reply quotes.

Offices receive complaints second-hand: the front desk forwards the customer's mail from
Outlook, a trainer forwards a learner's reply chain. :func:`find_chain` reads the messages a
mail's text carries, outermost first, as the common clients write them:

- Outlook (FR/EN): an optional « -----Message d'origine----- » / « -----Original Message----- »
  line or a rule of underscores, then « De : / From: », « Envoyé : / Sent: », « À : / To: »,
  « Cc : », « Objet : / Subject: » (« De : x [mailto:x] » in older versions; new Outlook prints
  « Date : »). The forwarder's signature and disclaimer stand *above* that block; a disclaimer
  the server adds (an Exchange transport rule) lands at the very bottom, below the original:
  :func:`strip_disclaimer` removes it there;
- Gmail: « ---------- Forwarded message --------- » (also in French Gmail) or « ----------
  Message transféré --------- », then « De : », « Date: », « Subject: », « To: »;
- Apple Mail: « Début du message réexpédié : » / « Begin forwarded message: », the whole
  original quoted with « > »;
- Thunderbird: « -------- Message transféré -------- » then « Sujet : », « Date : », « De : »,
  « Pour : »;
- replies: « Le 23/11/2026 à 09:14, Marie Dupont <marie@…> a écrit : » / « On …, … wrote: ».

Each :class:`Quoted` message keeps its whole text (deeper messages included, quote marks
removed). :func:`clean_subject` removes the RE:/TR:/Fwd:/Réf. prefixes every client adds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from automation.intake.html_text import addresses
from automation.intake.quoted_dates import loose_date
from automation.text import fold, one_line

MAX_DEPTH: Final = 12
HEADER_WINDOW: Final = 8  # lines after a separator where the header block may start

_PREFIX: Final = re.compile(
    r"^\s*(?:(?:re|tr|fwd?|fw|wg|aw|rv|r[ée]f\.?|rép|rep)\s*(?:\[\d+\]|\(\d+\))?\s*:\s*)+",
    re.IGNORECASE)
_FORWARD_PREFIX: Final = re.compile(r"^\s*(?:re\s*:\s*)*(?:tr|fwd?|fw|wg)\s*:", re.IGNORECASE)
_FORWARD_SEPARATOR: Final = re.compile(
    r"^\s*(?:-{2,}\s*(?:forwarded message|message transf[ée]r[ée]|message r[ée]exp[ée]di[ée])"
    r"\s*-{2,}|d[ée]but du message r[ée]exp[ée]di[ée]\s*:|begin forwarded message\s*:)\s*$",
    re.IGNORECASE)
_ORIGINAL_SEPARATOR: Final = re.compile(
    r"^\s*-{2,}\s*(?:original message|message d'origine|message original|"
    r"message d’origine)\s*-{2,}\s*$", re.IGNORECASE)
_RULE: Final = re.compile(r"^\s*_{10,}\s*$")
_WROTE: Final = re.compile(
    r"^\s*(?P<lead>le|on|am)\b(?P<middle>.{0,240}?)\b(?:a\s+[ée]crit|wrote|schrieb)\s*:\s*$",
    re.IGNORECASE)
_KEYS: Final = {
    "de": "from", "from": "from", "von": "from", "expediteur": "from",
    "envoye": "date", "envoye le": "date", "sent": "date", "date": "date", "gesendet": "date",
    "a": "to", "to": "to", "pour": "to", "destinataire": "to", "an": "to",
    "cc": "cc", "copie a": "cc", "copie": "cc",
    "objet": "subject", "subject": "subject", "sujet": "subject", "betreff": "subject",
    "repondre a": "reply_to", "reply to": "reply_to",
}
_HEADER: Final = re.compile(r"^\s*\**\s*(?P<key>[^:*\n]{1,20}?)\s*\**\s*:\s*\**\s*(?P<value>.*)$")
_MAILTO: Final = re.compile(r"\[mailto:([^\]\s]+)\]", re.IGNORECASE)
_ON_BEHALF: Final = re.compile(r"\b(?:on behalf of|de la part de)\b", re.IGNORECASE)
_TIME_END: Final = re.compile(r"\d{1,2}\s*[:h]\s*\d{2}(?:\s*:\s*\d{2})?(?:\s*[AaPp][Mm])?")
_DISCLAIMER_WORDS: Final = (
    "confidentiel", "confidential", "destinataire", "intended recipient", "par erreur",
    "in error", "ce message", "this message", "this e-mail", "this email", "ce courriel",
    "ce mail", "pieces jointes", "attachments", "diffusion", "interdit", "prohibited",
    "environnement", "imprimer", "print this", "avertissement", "disclaimer",
)


@dataclass(frozen=True)
class Quoted:
    """One message found inside a mail's text."""

    sender_name: str
    sender_address: str  # "" when the client printed only a name (Outlook, same company)
    sent: datetime | None  # Paris wall-clock time; None when the date could not be read
    subject: str  # as printed ("" for a reply line, which gives none)
    text: str  # its own text and everything below it, quote marks removed
    forwarded: bool  # under a forward separator (else a reply's quote or Outlook's block)
    to: tuple[str, ...] = ()


@dataclass(frozen=True)
class Chain:
    """What a mail's text carries: the writer's own words, then the messages below them."""

    note: str  # the text above the first message (the forwarder's words and signature)
    messages: tuple[Quoted, ...]  # outermost (most recent) first

    @property
    def forwarded(self) -> bool:
        return bool(self.messages) and self.messages[0].forwarded


def clean_subject(subject: str) -> str:
    """``subject`` without the reply and forward prefixes: « TR : RE: Réclamation » →
    « Réclamation »."""
    return one_line(_PREFIX.sub("", subject)).strip()


def is_forward_subject(subject: str) -> bool:
    """True when ``subject`` starts with a forward prefix (TR:, Fwd:, FW:, WG:)."""
    return bool(_FORWARD_PREFIX.match(subject))


def find_chain(text: str) -> Chain | None:
    """The messages ``text`` carries, outermost first; None when it quotes nothing."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    messages: list[Quoted] = []
    note: str | None = None
    for _ in range(MAX_DEPTH):
        found = _first_message(lines)
        if found is None:
            break
        start, quoted, rest = found
        if note is None:
            note = "\n".join(lines[:start]).strip()
        messages.append(quoted)
        lines = rest
    if note is None:
        return None
    return Chain(note=note, messages=tuple(messages))


def strip_disclaimer(text: str) -> str:
    """``text`` without a legal disclaimer paragraph at its very end (a mail server's)."""
    paragraphs = re.split(r"\n\s*\n", text.rstrip())
    while len(paragraphs) > 1 and _is_disclaimer(paragraphs[-1]):
        paragraphs.pop()
    return "\n\n".join(paragraphs).strip()


def _is_disclaimer(paragraph: str) -> bool:
    folded = fold(paragraph)
    found = sum(1 for word in _DISCLAIMER_WORDS if fold(word) in folded)
    return found >= 3 or (found >= 2 and len(folded) < 600 and "confidenti" in folded)


# --- finding the first message ---------------------------------------------------------------

def _first_message(lines: list[str]) -> tuple[int, Quoted, list[str]] | None:
    for index, line in enumerate(lines):
        bare = _dequote_line(line)
        forwarded = bool(_FORWARD_SEPARATOR.match(bare))
        if forwarded or _ORIGINAL_SEPARATOR.match(bare) or _RULE.match(bare):
            block = _block_after(lines, index + 1)
            if block is not None:
                return index, *_message(lines, block, forwarded=forwarded)
            if forwarded:  # a separator without headers: still the original below it
                body = _dequoted(lines[index + 1:])
                return index, Quoted("", "", None, "", _text(body), True), body
            continue
        if _is_from(bare) and _header_count(lines, index) >= 3:
            return index, *_message(lines, index, forwarded=False)
        wrote = _wrote(lines, index)
        if wrote is not None:
            end, quoted = wrote
            body = _dequoted(lines[end:])
            return index, _with_text(quoted, body), body
    return None


def _block_after(lines: list[str], start: int) -> int | None:
    for index in range(start, min(start + HEADER_WINDOW, len(lines))):
        bare = _dequote_line(lines[index])
        if not bare.strip():
            continue
        return index if _header_key(bare) is not None and _header_count(lines, index) >= 2 \
            else None
    return None


def _header_count(lines: list[str], start: int) -> int:
    window = [_dequote_line(line) for line in lines[start:start + 8]]
    return len({key for line in window if (key := _header_key(line)) is not None})


def _is_from(line: str) -> bool:
    return _header_key(line) == "from"


def _header_key(line: str) -> str | None:
    match = _HEADER.match(line)
    if match is None:
        return None
    return _KEYS.get(fold(match.group("key")))


def _message(lines: list[str], start: int, *, forwarded: bool) -> tuple[Quoted, list[str]]:
    headers: dict[str, str] = {}
    index, last = start, ""
    while index < len(lines):
        bare = _dequote_line(lines[index])
        key = _header_key(bare)
        if key is not None:
            match = _HEADER.match(bare)
            assert match is not None
            headers.setdefault(key, match.group("value").strip())
            last = key
        elif bare.strip() and last in {"from", "to", "cc"} and index - start < 10:
            headers[last] = f"{headers[last]} {bare.strip()}"  # a wrapped address line
        else:
            break
        index += 1
    body = _dequoted(lines[index:])
    name, address = _person(headers.get("from", ""))
    quoted = Quoted(sender_name=name, sender_address=address,
                    sent=loose_date(headers.get("date", "")),
                    subject=one_line(headers.get("subject", "")), text=_text(body),
                    forwarded=forwarded,
                    to=tuple(a for _, a in addresses(_MAILTO.sub(r"<\1>", headers.get("to", "")))))
    return quoted, body


def _wrote(lines: list[str], index: int) -> tuple[int, Quoted] | None:
    """A reply line (possibly wrapped over two lines): its end and the message it names."""
    for end, candidate in ((index + 1, _dequote_line(lines[index])),
                           (index + 2, " ".join(_dequote_line(line).strip()
                                                for line in lines[index:index + 2]))):
        match = _WROTE.match(candidate)
        if match is not None and re.search(r"\d", match.group("middle")):
            middle = match.group("middle").strip(" ,")
            return end, _reply_author(middle)
        if end > len(lines) - 1:
            break
    return None


def _reply_author(middle: str) -> Quoted:
    """« lun. 23 nov. 2026 à 09:14, Marie Dupont <m@x.fr> » → its date and its author."""
    times = list(_TIME_END.finditer(middle))
    time = times[-1] if times else None
    if time is not None:
        when, who = middle[:time.end()], middle[time.end():]
    else:
        when, _, who = middle.rpartition(",")
    name, address = _person(who.strip(" ,"))
    return Quoted(sender_name=name, sender_address=address, sent=loose_date(when),
                  subject="", text="", forwarded=False)


def _with_text(quoted: Quoted, body: Sequence[str]) -> Quoted:
    return Quoted(quoted.sender_name, quoted.sender_address, quoted.sent, quoted.subject,
                  _text(body), quoted.forwarded, quoted.to)


def _person(value: str) -> tuple[str, str]:
    """(name, address) from « Marie Dupont <m@x.fr> », « m@x.fr [mailto:m@x.fr] », « Marie »."""
    value = _MAILTO.sub(r"<\1>", value)
    if _ON_BEHALF.search(value):  # « Liste <l@x> On Behalf Of Marie Dupont »: the person
        value = _ON_BEHALF.split(value)[-1]
    value = value.replace("«", '"').replace("»", '"')
    found = addresses(value)
    if found:
        name, address = found[0]
        name = one_line(name).strip("\"' ")
        return ("" if "@" in name else name), address
    name = one_line(value).strip("\"' <>")
    return ("" if "@" in name else name), ""


# --- quote marks ------------------------------------------------------------------------------

def _dequote_line(line: str) -> str:
    """A line without its leading quote marks (« > », « >> »)."""
    return re.sub(r"^\s*(?:>\s?)+", "", line)


def _dequoted(lines: Iterable[str]) -> list[str]:
    """Lines with one level of « > » removed when every non-blank line has it."""
    lines = list(lines)
    marked = [line for line in lines if line.strip()]
    if marked and all(line.lstrip().startswith(">") for line in marked):
        return [re.sub(r"^\s*>\s?", "", line) for line in lines]
    return lines


def _text(lines: Sequence[str]) -> str:
    text = "\n".join(lines).strip("\n")
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()
