"""Survey answers on their own scale, brought to the satisfaction register's, by written rules.

The register keeps every sub-score on 1–5 and the recommendation on 0–10 (PRODUCT.md). A form
asks on its own scale, in figures or in words; each column gets one :class:`Scale`, chosen for
the whole column (never row by row), and its :meth:`Scale.rule` is the French sentence the
journal, the adoption table and the README show:

- **figures on low–high**: ``1 + (n − low) × 4 ÷ (high − low)``, rounded to the nearest whole
  number, halves up. On 1–10: 10 and 9 → 5, 8 and 7 → 4, 6 and 5 → 3, 4 and 3 → 2, 2 and 1 →
  1. On 1–4: 1, 2, 4, 5. On 1–5 the answer is kept.
- **recommendation**: kept as given on 0–10 (a 1–10 scale too); any other scale is refused.
- **words**: a fixed table (:data:`WORD_SCORES`), the same for every form: « Très satisfait »
  5, « Satisfait » 4, « Moyennement satisfait » 3, « Peu satisfait » 2, « Pas du tout
  satisfait » 1, and their English, quality (« Excellent » … « Mauvais ») and agreement
  (« Tout à fait d'accord » … « Pas du tout d'accord ») counterparts.
- ``"4 / 5"`` (a quiz's points) is read on its own denominator; ``"4 - Satisfait"`` by its
  figure.

Which scale a column is on: the office's ``[[surveys.forms]]`` entry when it says, else the
question's own words (« (1-10) », « sur 10 », « de 0 à 10 »), else the answers: words when
they are words, else 1–5 when no answer exceeds 5 and 1–10 (0–10 when a 0 is seen) up to 10.
A 1–10 question whose answers never exceed 5 cannot be told from a 1–5 one: declare it.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Final

from automation.intake import messages
from automation.intake.values import InvalidValue, as_text
from automation.records import CellValue
from automation.text import fold, one_line

LOW: Final = 1
HIGH: Final = 5
NPS: Final = "nps"
WORDS: Final = "mots"

# Answers in words, placed on 1–5 (folded; « satisfait(e) » is folded to « satisfait »).
WORD_SCORES: Final[dict[str, int]] = {
    **dict.fromkeys(("tres satisfait", "extremement satisfait", "tout a fait satisfait",
                     "very satisfied", "extremely satisfied", "completely satisfied"), 5),
    **dict.fromkeys(("satisfait", "plutot satisfait", "assez satisfait", "satisfied",
                     "somewhat satisfied", "fairly satisfied"), 4),
    **dict.fromkeys(("moyennement satisfait", "ni satisfait ni insatisfait", "neutre",
                     "neutral", "neither satisfied nor dissatisfied"), 3),
    **dict.fromkeys(("peu satisfait", "plutot insatisfait", "plutot pas satisfait",
                     "insatisfait", "pas satisfait", "mecontent", "dissatisfied",
                     "unsatisfied", "somewhat dissatisfied"), 2),
    **dict.fromkeys(("pas du tout satisfait", "tres insatisfait", "tres mecontent",
                     "very dissatisfied", "extremely dissatisfied", "not at all satisfied"), 1),
    **dict.fromkeys(("excellent", "tres bien", "tres bon", "very good"), 5),
    **dict.fromkeys(("bien", "bon", "good"), 4),
    **dict.fromkeys(("assez bien", "assez bon", "correct", "moyen", "fair", "average"), 3),
    **dict.fromkeys(("passable", "insuffisant", "mediocre", "poor"), 2),
    **dict.fromkeys(("mauvais", "tres mauvais", "tres insuffisant", "very poor"), 1),
    **dict.fromkeys(("tout a fait d accord", "entierement d accord", "strongly agree"), 5),
    **dict.fromkeys(("d accord", "plutot d accord", "agree", "somewhat agree"), 4),
    **dict.fromkeys(("ni d accord ni pas d accord", "neither agree nor disagree"), 3),
    **dict.fromkeys(("plutot pas d accord", "pas d accord", "disagree",
                     "somewhat disagree"), 2),
    **dict.fromkeys(("pas du tout d accord", "strongly disagree"), 1),
}
# « Compétences appliquées » in words.
APPLIED_WORDS: Final[dict[str, str]] = {
    **dict.fromkeys(("oui", "yes", "oui tout a fait", "tout a fait", "oui totalement",
                     "totalement", "completement", "oui completement", "absolument",
                     "fully", "completely"), "Oui"),
    **dict.fromkeys(("partiellement", "en partie", "oui en partie", "oui partiellement",
                     "un peu", "plutot oui", "partially", "partly", "somewhat"),
                    "Partiellement"),
    **dict.fromkeys(("non", "no", "pas du tout", "pas encore", "non pas encore", "plutot non",
                     "not yet", "not at all"), "Non"),
}
# Answers that mean « no answer » (a skipped question, an anonymous respondent).
NO_ANSWER: Final = frozenset({"anonymous", "anonyme", "sans avis", "ne se prononce pas",
                              "nsp", "non concerne", "non applicable", "n a", "na",
                              "not applicable", "no opinion"})

_FEMININE: Final = re.compile(r"\b(satisfait|insatisfait|mecontent)e\b")
_OUT_OF: Final = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*/\s*(\d+(?:[.,]\d+)?)\s*$")
_LEADING: Final = re.compile(r"^\s*(\d{1,2})\s*(?:[-–:.)]|$)")
_NUMBER: Final = re.compile(r"^\s*[+-]?\d+(?:[.,]\d+)?\s*$")
# Scales a question names: « (1-10) », « de 0 à 10 », « sur 10 », « /5 », « out of 10 ».
_RANGE_HINT: Final = re.compile(r"\b([01])\s*(?:-|–|à|a|to|/)\s*(4|5|6|7|10)\b")
_OUT_OF_HINT: Final = re.compile(r"(?:\bsur\s*|/\s*|\bout of\s*)(4|5|6|7|10)\b")


def word_key(text: str) -> str:
    """How a word answer is looked up: folded, « satisfaite » and « satisfait(e) » as
    « satisfait »."""
    return _short_word_key(text) if len(text) <= _SHORT else _word_key(text)


_SHORT: Final = 64  # answers this short are looked up once per process (they repeat)


@lru_cache(maxsize=4096)
def _short_word_key(text: str) -> str:
    return _word_key(text)


def _word_key(text: str) -> str:
    folded = fold(text.replace("(e)", "").replace("(E)", ""))
    return _FEMININE.sub(r"\1", folded)


def is_no_answer(value: CellValue) -> bool:
    return isinstance(value, str) and word_key(value) in NO_ANSWER


def _number(value: CellValue) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    if isinstance(value, str) and _NUMBER.match(value):
        return float(value.strip().replace(",", "."))
    return None


@dataclass(frozen=True)
class Scale:
    """How the answers of one column are read: figures on ``low``–``high``, or words."""

    low: int = LOW
    high: int = HIGH
    words: bool = False
    nps: bool = False  # the recommendation: kept on 0–10

    @property
    def label(self) -> str:
        """``1-10``, ``mots``: how ``[[surveys.forms]]`` writes it."""
        return WORDS if self.words else f"{self.low}-{self.high}"

    def rule(self) -> str:
        """The written rule, in French."""
        if self.words:
            return ("réponses en mots placées sur 1 à 5 (Très satisfait = 5, Satisfait = 4, "
                    "Moyennement = 3, Peu satisfait = 2, Pas du tout satisfait = 1)")
        if self.nps:
            return f"recommandation sur {self.low} à {self.high}, gardée telle quelle"
        if (self.low, self.high) == (LOW, HIGH):
            return "note sur 1 à 5, gardée telle quelle"
        span = self.high - self.low
        return (f"note sur {self.low} à {self.high} ramenée à 1 à 5 : "
                f"1 + (n − {self.low}) × 4 ÷ {span}, arrondi")

    def score(self, header: str, raw: CellValue) -> int | None:
        """The answer on the register's scale; ``None`` for no answer; :class:`InvalidValue`
        (French reason) for an answer off the scale."""
        if isinstance(raw, str) and len(raw) > _SHORT:
            return self._score(header, raw)
        return _cached_score(self, header, raw)

    def _score(self, header: str, raw: CellValue) -> int | None:
        if raw is None or (isinstance(raw, str) and not raw.strip()) or is_no_answer(raw):
            return None
        text = one_line(as_text(raw))
        out_of = _OUT_OF.match(text)
        if out_of:
            given, high = float(out_of[1].replace(",", ".")), float(out_of[2].replace(",", "."))
            low = 0 if self.nps else LOW
            if not high.is_integer() or high <= low or not low <= given <= high:
                raise InvalidValue(messages.score_off_scale(header, text, self.label))
            return Scale(low, int(high), nps=self.nps)._score(header, given)
        number = _number(raw)
        if number is None:
            found = WORD_SCORES.get(word_key(text))
            if found is not None and not self.nps:
                return found
            leading = _LEADING.match(text)
            if leading is None:
                why = messages.score_off_scale if self.nps else messages.score_word_unknown
                raise InvalidValue(why(header, text, self.label))
            number = float(leading[1])
        figures = Scale(LOW, HIGH) if self.words else self
        if not figures.low <= number <= figures.high:
            raise InvalidValue(messages.score_off_scale(header, text, figures.label))
        if self.nps:
            return round_half_up(number)
        return round_half_up(
            LOW + (number - figures.low) * (HIGH - LOW) / (figures.high - figures.low))


@lru_cache(maxsize=4096, typed=True)  # typed: True, 1 and 1.0 are different answers
def _cached_score(scale: Scale, header: str, raw: CellValue) -> int | None:
    """A column's answers repeat (« Très satisfait », « 4 »): each is read once."""
    return scale._score(header, raw)


def round_half_up(number: float) -> int:
    return math.floor(number + 0.5)


def parse_scale(text: str, *, nps: bool = False) -> Scale:
    """``"1-10"``, ``"0-10"``, ``"mots"`` (as written in ``[[surveys.forms]]``) as a scale.

    Raises ``ValueError`` (English, for the configuration loader) on anything else.
    """
    folded = fold(text)
    if folded in {WORDS, "words"}:
        return Scale(words=True, nps=nps)
    found = re.fullmatch(r"(\d{1,2}) (\d{1,2})", folded)
    if found is None or int(found[1]) >= int(found[2]) or int(found[1]) not in (0, 1):
        raise ValueError(f"{text!r}: expected a scale such as 1-5, 1-10, 0-10 or mots")
    return Scale(int(found[1]), int(found[2]), nps=nps)


def scale_from_header(header: str) -> Scale | None:
    """The scale a question names, if it names one (« (1-10) », « sur 10 »)."""
    text = header.casefold()
    found = _RANGE_HINT.search(text)
    if found:
        return Scale(int(found[1]), int(found[2]))
    found = _OUT_OF_HINT.search(text)
    if found:
        return Scale(LOW, int(found[1]))
    return None


def scale_of(header: str, answers: Iterable[CellValue], *, nps: bool = False,
             declared: Scale | None = None) -> Scale:
    """The scale of a column, from what the office declared, the question, or its answers."""
    if declared is not None:
        return Scale(declared.low, declared.high, words=declared.words, nps=nps)
    if nps:
        hinted = scale_from_header(header)
        return Scale(hinted.low if hinted else 0, hinted.high if hinted else 10, nps=True)
    hinted = scale_from_header(header)
    if hinted is not None:
        return hinted
    numbers: list[float] = []
    words = 0
    for value in answers:
        if value is None or (isinstance(value, str) and not value.strip()) or is_no_answer(
                value):
            continue
        number = _number(value)
        if number is None:
            words += 1
        else:
            numbers.append(number)
    if words and not numbers:
        return Scale(words=True)
    if numbers and max(numbers) > HIGH:
        return Scale(0 if min(numbers) == 0 else LOW, 10)
    return Scale(0 if numbers and min(numbers) == 0 else LOW, HIGH)


def looks_like_scores(answers: Iterable[CellValue]) -> bool:
    """False when most answers given are sentences (four words or more that are neither a
    figure nor a known answer): such a column is free text, whatever its question says. A
    single odd word (« Bof ») is an answer off the scale, refused with its reason."""
    given = sentences = 0
    for value in answers:
        if value is None or (isinstance(value, str) and not value.strip()) or is_no_answer(
                value):
            continue
        given += 1
        text = one_line(as_text(value))
        scored = (_number(value) is not None or _OUT_OF.match(text) or _LEADING.match(text)
                  or word_key(text) in WORD_SCORES)
        if not scored and len(text.split()) >= 4:
            sentences += 1
    return given == 0 or sentences * 2 <= given


def applied_value(raw: CellValue) -> CellValue:
    """« Compétences appliquées » in words (« En partie », « Pas encore ») as the register's
    « Oui / Partiellement / Non »; anything else as given, for the register's own check."""
    if isinstance(raw, str):
        if is_no_answer(raw):
            return None
        return APPLIED_WORDS.get(word_key(raw), raw)
    return raw
