"""The text of a mail: charsets and headers decoded, HTML made text, quotes and signatures cut.

(The module is named for its first job; it holds every text decoding the mail parser needs:
charsets, encoded words, addresses and dates, HTML, reply trimming.)

``decode_bytes`` never raises, whatever a mail's label says: ISO-8859-1 (and ASCII) is read as
Windows-1252 (the euro sign, typographic quotes), an unknown or non-text label falls back to
UTF-8 then Windows-1252. ``decode_header_text`` decodes RFC 2047 encoded words (joining
adjacent ones, so a character split between two words survives) and recovers raw 8-bit bytes
that the parser kept as surrogate escapes.

``html_to_text`` keeps paragraphs and line breaks, drops scripts, styles and hidden parts, and
turns quoted blocks (``<blockquote>``, Gmail's ``gmail_quote``) into ``>`` lines so that
``trim_reply`` removes them like any quoted text (Outlook's reply header block, "De : …
Envoyé : …", is found by ``trim_reply`` itself).

``trim_reply`` cuts only where it is reliable: a "Le … a écrit :" / "On … wrote:" line, an
"-----Original Message-----" line, a block of "De : / Envoyé : / À : / Objet :" headers, the
"-- " signature separator, and lines starting with ">". When cutting would leave nothing (a
forwarded mail whose content is all quoted), the text is kept whole.
"""

from __future__ import annotations

import binascii
import codecs
import re
from datetime import UTC, datetime
from email.parser import BytesHeaderParser
from email.policy import compat32
from email.utils import getaddresses, parsedate_to_datetime
from html.parser import HTMLParser
from typing import Final

from automation.clock import paris_naive
from automation.text import clean_text, one_line

_LATIN1_LABELS: Final = frozenset({"iso8859-1", "latin-1", "ascii"})  # codecs' canonical names
_CHARSET_ALIASES: Final = {"unicode-1-1-utf-7": "utf-7", "x-unknown": "", "none": "",
                           "unknown-8bit": "", "x-user-defined": "", "default": ""}
_SURROGATES: Final = re.compile(r"[\udc80-\udcff]+")
_ENCODED_WORD: Final = re.compile(r"=\?([^?\s]+)\?([qQbB])\?([^?\s]*)\?=")
_FOLD: Final = re.compile(r"\r?\n(?=[ \t])")
_ADDRESS: Final = re.compile(r"[\w.+'=-]+@[\w-]+(?:\.[\w-]+)+")

_SKIPPED: Final = frozenset({"script", "style", "head", "title", "template", "noscript"})
_BLOCKS: Final = frozenset({
    "p", "div", "section", "article", "header", "footer", "table", "tr", "ul", "ol", "dl",
    "h1", "h2", "h3", "h4", "h5", "h6", "pre", "hr", "address", "center", "form",
})
_VOID: Final = frozenset({"br", "hr", "img", "meta", "link", "input", "col", "area", "base",
                          "wbr", "source", "param", "track", "embed"})
_QUOTE_CLASSES: Final = ("gmail_quote", "yahoo_quoted", "moz-cite-prefix", "protonmail_quote")


# --- charsets and headers -------------------------------------------------------------------

def decode_bytes(data: bytes, charset: str | None) -> str:
    """Text from ``data`` labelled ``charset``; never raises, whatever the label says."""
    name = _codec(charset)
    if name and name != "utf-8":
        try:
            return data.decode(name, "replace")
        except (LookupError, UnicodeError, ValueError):
            pass  # a label Python does not know, or not a text codec ("base64"): guess
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", "replace")


def _codec(charset: str | None) -> str:
    label = (charset or "").strip().strip('"').lower()
    label = _CHARSET_ALIASES.get(label, label)
    if not label:
        return ""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return ""
    return "cp1252" if name in _LATIN1_LABELS else name


def recover_text(text: str) -> str:
    """Undo the parser's surrogate escapes of raw 8-bit bytes (UTF-8, else Windows-1252)."""
    return _SURROGATES.sub(
        lambda m: decode_bytes(bytes(ord(c) - 0xDC00 for c in m.group()), None), text)


def unfold(value: str) -> str:
    """A header value on one line (RFC 5322 unfolding)."""
    return _FOLD.sub("", value)


def decode_header_text(value: str) -> str:
    """A header's text: RFC 2047 encoded words decoded (adjacent ones joined), 8-bit recovered."""
    value = unfold(value)
    out: list[str] = []
    pending: tuple[str, bytearray] | None = None  # adjacent words of one charset, joined
    after_word = False
    position = 0
    for match in _ENCODED_WORD.finditer(value):
        between = value[position:match.start()]
        charset = match.group(1).split("*")[0]  # "utf-8*fr": RFC 2231 language suffix
        data = _word_bytes(match.group(2), match.group(3))
        position = match.end()
        joined = after_word and not between.strip()  # blanks between two words vanish
        if pending and (not joined or data is None or pending[0] != charset):
            out.append(decode_bytes(bytes(pending[1]), pending[0]))
            pending = None
        if data is None:  # not decodable: keep the text as it was
            out.append(recover_text(between + match.group()))
            after_word = False
            continue
        if not joined:
            out.append(recover_text(between))
        if pending is None:
            pending = (charset, bytearray())
        pending[1].extend(data)
        after_word = True
    if pending:
        out.append(decode_bytes(bytes(pending[1]), pending[0]))
    out.append(recover_text(value[position:]))
    return clean_text(one_line("".join(out)))


def _word_bytes(encoding: str, text: str) -> bytes | None:
    data = text.encode("ascii", "replace")
    try:
        if encoding in "qQ":
            return binascii.a2b_qp(data, header=True)
        return binascii.a2b_base64(data + b"=" * (-len(data) % 4), strict_mode=True)
    except (binascii.Error, ValueError):
        return None


# --- header fields --------------------------------------------------------------------------

def header_value(raw: bytes, name: str) -> str:
    """One header of ``raw``, decoded, without parsing the body; "" when absent."""
    try:
        headers = BytesHeaderParser(policy=compat32).parsebytes(raw)
        value = headers.get(name)
    except (ValueError, TypeError, IndexError, LookupError):
        return ""
    return decode_header_text(value) if isinstance(value, str) else ""


def message_id(value: str) -> str:
    """``<id@host>`` from a Message-ID / In-Reply-To value ("" when there is none)."""
    value = recover_text(unfold(value)).strip()
    match = re.search(r"<[^<>]*>", value)
    token = "".join(match.group().split()) if match else value
    return clean_text(token) if token and " " not in token else ""


def addresses(value: str) -> list[tuple[str, str]]:
    """(name, address) pairs of an address header; malformed lists still give their address."""
    value = unfold(value)
    try:
        pairs = getaddresses([value])
    except (ValueError, TypeError, IndexError):
        pairs = []
    found = [(decode_header_text(name), recover_text(address).strip())
             for name, address in pairs if _ADDRESS.fullmatch(recover_text(address).strip())]
    if not found and (match := _ADDRESS.search(recover_text(value))):
        name = value.replace(match.group(), "").strip(" <>\"'\t")
        found = [("" if "@" in name else decode_header_text(name), match.group())]
    return [(name.strip("\"' "), clean_text(address)) for name, address in found]


def first_address(value: str) -> tuple[str, str]:
    """The first (name, address) of a header; a name without address gives (name, "")."""
    found = addresses(value)
    if found:
        return found[0]
    return decode_header_text(value).strip("\"' <>"), ""


def header_date(value: str) -> datetime | None:
    """A Date header in Paris wall-clock time (naive); None when missing or absurd."""
    text = recover_text(unfold(value)).strip()
    if not text:
        return None
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if not 1980 <= moment.year <= 2200:
        return None
    if moment.tzinfo is None:  # "-0000": UTC, zone unknown
        moment = moment.replace(tzinfo=UTC)
    return paris_naive(moment)


# --- HTML -----------------------------------------------------------------------------------

class _TextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self._line: list[str] = []
        self._stack: list[tuple[str, bool, bool]] = []  # tag, skipped, quoted
        self._skip = 0
        self._quote = 0
        self._pre = 0

    def _flush(self) -> None:
        text = "".join(self._line)
        if not self._pre:
            text = " ".join(text.split())
        self._line = []
        prefix = "> " * self._quote
        self.lines.append(prefix + text if text else prefix.rstrip())

    def _newline(self) -> None:
        """End the current line, if any (mail HTML marks empty lines itself: <br>, &nbsp;)."""
        if self._line:
            self._flush()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k.lower(): (v or "") for k, v in attrs}
        if tag == "body" and any(name == "head" for name, _, _ in self._stack):
            self.handle_endtag("head")  # a <head> never closed must not hide the body
        if tag in _VOID:
            if tag == "br":
                self._flush()
            elif tag == "hr":
                self._newline()
            return
        style = attributes.get("style", "").replace(" ", "").lower()
        skipped = tag in _SKIPPED or "display:none" in style or "hidden" in attributes
        classes = attributes.get("class", "").lower()
        quoted = tag == "blockquote" or any(c in classes for c in _QUOTE_CLASSES)
        if tag in _BLOCKS or tag in {"li", "blockquote", "dt", "dd"} or quoted:
            self._newline()
        self._stack.append((tag, skipped, quoted))
        self._skip += skipped
        self._quote += quoted
        self._pre += tag == "pre"
        if tag == "li" and not self._skip:
            self._line.append("- ")
        elif tag in {"td", "th"} and self._line:
            self._line.append("\t")

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID or not any(t == tag for t, _, _ in self._stack):
            return
        while self._stack:  # close what the mail forgot to close
            name, skipped, quoted = self._stack.pop()
            if tag in _BLOCKS or tag in {"li", "blockquote", "dt", "dd"} or quoted:
                self._newline()
            self._skip -= skipped
            self._quote -= quoted
            self._pre -= name == "pre"
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if not self._pre and not self._line and not data.strip(" \t\r\n\f"):
            return  # layout whitespace between tags (a &nbsp; line is kept)
        if not self._skip:
            self._line.append(data if self._pre else data.replace("\xa0", " "))

    def text(self) -> str:
        self._flush()
        return "\n".join(self.lines)


def html_to_text(html: str) -> str:
    """Readable text from a mail's HTML body."""
    parser = _TextParser()
    parser.feed(html)
    parser.close()
    return _squeeze(parser.text())


def _squeeze(text: str) -> str:
    text = re.sub(r"[ \t]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# --- reply trimming -----------------------------------------------------------------------

_WROTE: Final = re.compile(
    r"^\s*(?:le|on|am)\b.{0,200}\b(?:a\s+[ée]crit|wrote|schrieb)\s*:\s*$", re.IGNORECASE)
_ORIGINAL: Final = re.compile(
    r"^\s*-{2,}\s*(?:original message|message d'origine|message original|"
    r"forwarded message|message transf[ée]r[ée])\s*-{2,}\s*$", re.IGNORECASE)
_HEADER_LINE: Final = re.compile(
    r"^\s*\**(?:de|from|envoy[ée]|sent|date|[àa]|to|cc|objet|subject)\s*\**\s*:", re.IGNORECASE)
_FROM_LINE: Final = re.compile(r"^\s*\**(?:de|from)\s*\**\s*:", re.IGNORECASE)
_RULE_LINE: Final = re.compile(r"^\s*_{10,}\s*$")
_SIGNATURE: Final = re.compile(r"^-- ?$")
_MOBILE: Final = re.compile(
    r"^\s*(?:envoy[ée] (?:de|depuis) mon|sent from my|get outlook for)\b", re.IGNORECASE)


def trim_reply(text: str) -> str:
    """``text`` without quoted replies and signature; ``text`` itself when nothing is left."""
    lines = text.split("\n")
    cut = _cut_index(lines)
    kept = [line for line in lines[:cut] if not line.lstrip().startswith(">")]
    trimmed = _squeeze("\n".join(kept))
    return trimmed if trimmed else text.strip()


def _cut_index(lines: list[str]) -> int:
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _ORIGINAL.match(line) or _SIGNATURE.match(line) or _MOBILE.match(line):
            return index
        candidates = (line,) if _WROTE.match(following) else (line, f"{line} {following}")
        if any(_WROTE.match(candidate) and re.search(r"\d", candidate)
               for candidate in candidates):
            return index  # "Le 3 mars 2026 à 10:00, Jean <jean@x.fr> a écrit :" has a date
        if _RULE_LINE.match(line) and _FROM_LINE.match(following):
            return index
        if _FROM_LINE.match(line) and _header_block(lines, index):
            return index
    return len(lines)


def _header_block(lines: list[str], start: int) -> bool:
    """At least three header lines ("De :", "Envoyé :", "À :", "Objet :") within six lines."""
    window = lines[start:start + 6]
    return sum(1 for line in window if _HEADER_LINE.match(line)) >= 3
