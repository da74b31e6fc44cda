"""Who a request is about, and how their name and address are found in any text.

A person is known by one or more names and e-mail addresses. A name matches a cell when
both hold the same words once folded (case, accents and punctuation do not matter, nor their
order: « DUPRÉ Zoé » is « Zoé Dupré »); it is *mentioned* in a text when its words stand
together, in their order or reversed, as whole words, or when one of them follows a
civility (« Mme Dupré »). An address matches ignoring case.
:class:`Scrubber` replaces every mention with the person's pseudonym.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Final

from automation.text import fold

PSEUDONYM_PREFIX: Final = "Personne anonymisée"
EMAIL_DOMAIN: Final = "anonyme.invalid"  # RFC 2606: a domain that can never receive mail
_CIVILITIES: Final = "m|mr|mme|mlle|madame|monsieur|mademoiselle|docteur|dr|maitre"
_CONTACT_MIN: Final = 6  # folded characters of an address or phone worth looking for
_POSTCODE: Final = re.compile(r"\b\d{5}\b")
REMOVED_CONTACT: Final = "[supprimé]"
_ALONE_MIN: Final = 3  # letters of a name's word that, after a civility, names the person
_WORD_MIN: Final = 4  # letters of a name's word that names the person on their own rows
_NON_ALNUM: Final = re.compile(r"[^0-9a-z]+")
# Combining marks removed, « œ » spelt out: the same letters as the character-by-character fold.
_QUICK_FOLD: Final[dict[int, str | None]] = {
    **{code: None for code in range(0x10000) if unicodedata.combining(chr(code))},
    ord("œ"): "oe", ord("Œ"): "oe"}
_EMAIL: Final = re.compile(r"[^@\s<>\"',;:()\[\]]+@[^@\s<>\"',;:()\[\]]+\.[A-Za-z]{2,}")


def pseudonym(code: str) -> str:
    """``"3F2A"`` → ``"Personne anonymisée 3F2A"``."""
    return f"{PSEUDONYM_PREFIX} {code}"


def pseudonym_email(code: str) -> str:
    return f"personne-{code.lower()}@{EMAIL_DOMAIN}"


def is_pseudonym(text: str) -> bool:
    """True for a value the tool already anonymised (a name or an address)."""
    text = text.strip()
    return text.startswith(PSEUDONYM_PREFIX) or text.lower().endswith("@" + EMAIL_DOMAIN)


def name_words(text: str) -> tuple[str, ...]:
    return tuple(fold(text).split())


def looks_like_email(text: str) -> bool:
    return _EMAIL.fullmatch(text.strip()) is not None


@dataclass(frozen=True)
class Person:
    """The names and addresses one request is about."""

    names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    contacts: tuple[str, ...] = ()  # postal addresses, phone numbers: removed from texts

    @classmethod
    def of(cls, names: Iterable[str] = (), emails: Iterable[str] = (),
           contacts: Iterable[str] = ()) -> Person:
        """Names with at least one word, addresses lower-cased; duplicates dropped."""
        kept_names: dict[tuple[str, ...], str] = {}
        for name in names:
            words = name_words(name)
            if words and not is_pseudonym(name):
                kept_names.setdefault(tuple(sorted(words)), " ".join(name.split()))
        kept_emails = dict.fromkeys(e.strip().lower() for e in emails
                                    if e.strip() and not is_pseudonym(e))
        kept_contacts = dict.fromkeys(" ".join(c.split()) for c in contacts
                                      if len(fold(c)) >= _CONTACT_MIN)
        return cls(tuple(kept_names.values()), tuple(kept_emails), tuple(kept_contacts))

    @property
    def identity(self) -> str:
        """What the pseudonym is derived from: the first name folded, else the first address."""
        if self.names:
            return "name:" + " ".join(sorted(name_words(self.names[0])))
        return "email:" + (self.emails[0] if self.emails else "")

    @property
    def shown(self) -> str:
        return ", ".join([*self.names, *self.emails])

    def is_name(self, value: object) -> bool:
        """True when the cell holds one of the person's names (words in any order)."""
        if not isinstance(value, str) or not value.strip():
            return False
        words = sorted(name_words(value))
        return any(words == sorted(name_words(name)) for name in self.names)

    def is_email(self, value: object) -> bool:
        return isinstance(value, str) and value.strip().lower() in self.emails

    def merged(self, other: Person) -> Person:
        return Person.of([*self.names, *other.names], [*self.emails, *other.emails],
                         [*self.contacts, *other.contacts])


class Mentions:
    """Finds and replaces the mentions of several people at once, each by their pseudonym.

    One regular expression covers every name (a purge may erase thousands of people), so a
    text is folded and searched once whatever their number.
    """

    def __init__(self, people: Iterable[tuple[Person, str]], *, alone: bool = False) -> None:
        """``alone``: one word of a name (four letters or more) is enough, with no civility —
        for the person's own rows and files, where « Dupré » can only be them."""
        people = list(people)
        self._codes: dict[tuple[str, ...], str] = {}  # sorted words of a name -> code
        self._alone: dict[str, str] = {}  # one word of a name -> code
        self._emails: dict[str, str] = {}
        orders: set[str] = set()
        for person, code in people:
            for name in person.names:
                words = name_words(name)
                self._codes.setdefault(tuple(sorted(words)), code)
                orders.update(" ".join(o) for o in (words, tuple(reversed(words))))
                if len(words) > 1:
                    for word in words:
                        if len(word) >= _ALONE_MIN:
                            self._alone.setdefault(word, code)
            for email in person.emails:
                self._emails.setdefault(email, code)
        self._names = _alternation(orders)
        self._contacts = _alternation({phrase for person, _ in people
                                       for contact in person.contacts
                                       for phrase in _contact_phrases(contact)})
        self._words = _alternation({w for w in self._alone if len(w) >= _WORD_MIN}) \
            if alone else None
        choices = "|".join(map(re.escape, sorted(self._alone)))
        self._civility = (re.compile(rf"(?<![0-9a-z])(?:{_CIVILITIES})\s+(?P<who>{choices})"
                                     r"(?![0-9a-z])") if choices else None)

    def scrub(self, text: str) -> str:
        """``text`` with every mention replaced; the same text when there is none.

        An address in the text is replaced whole when it is one of a person's, or when its
        local part spells their name (« zoe.dupre@… »); names are looked for elsewhere.
        """
        if not text or not (self._codes or self._emails or self._contacts):
            return text
        if "@" not in text and not self._may_mention(text):
            return text  # the common case, decided without folding character by character
        pieces: list[str] = []
        position = 0
        for match in _EMAIL.finditer(text):
            pieces.append(self._scrub_names(text[position:match.start()]))
            address = match[0]
            code = self._emails.get(address.lower())
            if code is None:
                found = self._name_spans(address.partition("@")[0])
                code = found[0][2] if found else None
            pieces.append(pseudonym_email(code) if code is not None else address)
            position = match.end()
        pieces.append(self._scrub_names(text[position:]))
        return "".join(pieces)

    def mentions(self, text: str) -> bool:
        return self.scrub(text) != text

    def _may_mention(self, text: str) -> bool:
        """False when no name, word or contact can be in ``text`` (a quick fold, in C)."""
        quick = _NON_ALNUM.sub(" ", unicodedata.normalize("NFKD", text.casefold())
                               .translate(_QUICK_FOLD))
        return any(p is not None and p.search(quick) is not None
                   for p in (self._names, self._contacts, self._words, self._civility))

    def _name_spans(self, text: str) -> list[tuple[int, int, str]]:
        if self._names is None or not text:
            return []
        folded, origin = _fold_with_map(text)
        spans: list[tuple[int, int, str]] = []
        for match in self._names.finditer(folded):
            code = self._codes.get(tuple(sorted(match["who"].split())))
            if code is not None:
                spans.append((origin[match.start("who")], origin[match.end("who") - 1] + 1,
                              code))
        for pattern in (self._civility, self._words):
            if pattern is None:
                continue
            for match in pattern.finditer(folded):
                spans.append((origin[match.start("who")], origin[match.end("who") - 1] + 1,
                               self._alone[match["who"]]))
        return _disjoint(spans)

    def _scrub_names(self, text: str) -> str:
        if not text or not self._may_mention(text):
            return text
        spans = self._name_spans(text)
        if self._contacts is not None and text:
            folded, origin = _fold_with_map(text)
            spans = _disjoint([*spans, *(
                (origin[m.start("who")], origin[m.end("who") - 1] + 1, "")
                for m in self._contacts.finditer(folded))])
        if not spans:
            return text
        pieces: list[str] = []
        position = 0
        for start, end, code in spans:
            pieces += [text[position:start], pseudonym(code) if code else REMOVED_CONTACT]
            position = end
        return "".join([*pieces, text[position:]])


@dataclass(frozen=True)
class Scrubber:
    """Replaces the mentions of one person in a text by their pseudonym."""

    person: Person
    code: str
    alone: bool = False  # one word of the name is enough (:class:`Mentions`)
    _mentions: Mentions = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_mentions", Mentions([(self.person, self.code)],
                                                       alone=self.alone))

    def own(self) -> Scrubber:
        """The same person, found by one word of their name too (in their own rows)."""
        return Scrubber(self.person, self.code, alone=True)

    @property
    def name(self) -> str:
        return pseudonym(self.code)

    @property
    def email(self) -> str:
        return pseudonym_email(self.code)

    def scrub(self, text: str) -> str:
        """``text`` with every mention of the person replaced; the same text when none."""
        return self._mentions.scrub(text)

    def mentions(self, text: str) -> bool:
        return self._mentions.mentions(text)


def _contact_phrases(contact: str) -> set[str]:
    """An address as a whole, and its street alone (the part before the postcode)."""
    phrases = {fold(contact)}
    street = _POSTCODE.split(contact)[0]
    if len(fold(street)) >= _CONTACT_MIN and any(c.isdigit() for c in street):
        phrases.add(fold(street))
    return {p for p in phrases if p}


def _alternation(phrases: set[str]) -> re.Pattern[str] | None:
    """One pattern matching any of ``phrases`` as whole words (longest first)."""
    if not phrases:
        return None
    ordered = sorted(phrases, key=lambda p: (-len(p), p))
    alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)
    return re.compile(rf"(?<![0-9a-z])(?P<who>{alternatives})(?![0-9a-z])")


def _fold_with_map(text: str) -> tuple[str, list[int]]:
    """``text`` folded character by character, with the index each folded one came from.

    Punctuation and spaces fold to one space each, so that positions stay comparable.
    """
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        if char in "œŒ":
            piece = "oe"
        else:
            decomposed = unicodedata.normalize("NFKD", char)
            piece = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
        piece = "".join(c if c.isascii() and c.isalnum() else " " for c in piece) or " "
        folded.append(piece)
        origin.extend([index] * len(piece))
    return "".join(folded), origin


def _disjoint(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for start, end, code in sorted(spans):
        if kept and start < kept[-1][1]:
            kept[-1] = (kept[-1][0], max(end, kept[-1][1]), kept[-1][2])
        else:
            kept.append((start, end, code))
    return kept
