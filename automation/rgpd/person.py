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
_ALONE_MIN: Final = 3  # letters of a name's word that, after a civility, names the person
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

    @classmethod
    def of(cls, names: Iterable[str] = (), emails: Iterable[str] = ()) -> Person:
        """Names with at least one word, addresses lower-cased; duplicates dropped."""
        kept_names: dict[tuple[str, ...], str] = {}
        for name in names:
            words = name_words(name)
            if words and not is_pseudonym(name):
                kept_names.setdefault(tuple(sorted(words)), " ".join(name.split()))
        kept_emails = dict.fromkeys(e.strip().lower() for e in emails
                                    if e.strip() and not is_pseudonym(e))
        return cls(tuple(kept_names.values()), tuple(kept_emails))

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
        return Person.of([*self.names, *other.names], [*self.emails, *other.emails])


@dataclass(frozen=True)
class Scrubber:
    """Replaces the mentions of one person in a text by their pseudonym."""

    person: Person
    code: str
    _names: tuple[re.Pattern[str], ...] = field(init=False, repr=False, compare=False)
    _emails: re.Pattern[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        patterns: list[re.Pattern[str]] = []
        for name in self.person.names:
            words = name_words(name)
            orders = {words, tuple(reversed(words))}
            alternatives = "|".join(r"\s+".join(map(re.escape, order)) for order in orders)
            patterns.append(re.compile(rf"(?<![0-9a-z])(?P<who>{alternatives})(?![0-9a-z])"))
            alone = "|".join(re.escape(w) for w in words if len(w) >= _ALONE_MIN)
            if len(words) > 1 and alone:  # « Mme Dupré »: a civility makes one word enough
                patterns.append(re.compile(
                    rf"(?<![0-9a-z])(?:{_CIVILITIES})\s+(?P<who>{alone})(?![0-9a-z])"))
        object.__setattr__(self, "_names", tuple(patterns))
        emails = "|".join(re.escape(e) for e in self.person.emails)
        object.__setattr__(self, "_emails", re.compile(f"(?:{emails})", re.IGNORECASE)
                           if emails else None)

    @property
    def name(self) -> str:
        return pseudonym(self.code)

    @property
    def email(self) -> str:
        return pseudonym_email(self.code)

    def scrub(self, text: str) -> str:
        """``text`` with every mention of the person replaced; the same text when none.

        An address in the text is replaced whole when it is one of the person's, or when
        its local part spells their name (« zoe.dupre@… »); names are looked for elsewhere.
        """
        if not text:
            return text
        pieces: list[str] = []
        position = 0
        for match in _EMAIL.finditer(text):
            pieces.append(self._scrub_names(text[position:match.start()]))
            address = match[0]
            local = address.partition("@")[0]
            mine = self._emails is not None and self._emails.fullmatch(address) is not None
            named = self._scrub_names(local) != local
            pieces.append(self.email if mine or named else address)
            position = match.end()
        pieces.append(self._scrub_names(text[position:]))
        return "".join(pieces)

    def _scrub_names(self, text: str) -> str:
        if not self._names or not text:
            return text
        folded, origin = _fold_with_map(text)
        spans: list[tuple[int, int]] = []
        for pattern in self._names:
            spans.extend((origin[m.start("who")], origin[m.end("who") - 1] + 1)
                         for m in pattern.finditer(folded))
        if not spans:
            return text
        pieces: list[str] = []
        position = 0
        for start, end in _disjoint(spans):
            pieces += [text[position:start], self.name]
            position = end
        return "".join([*pieces, text[position:]])

    def mentions(self, text: str) -> bool:
        return self.scrub(text) != text


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


def _disjoint(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    kept: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if kept and start < kept[-1][1]:
            kept[-1] = (kept[-1][0], max(end, kept[-1][1]))
        else:
            kept.append((start, end))
    return kept
