"""The shortcuts that make reading 20,000 answers fast give what the plain rules give.

``fold`` remembers short texts, ``clean_text`` returns a text with nothing to remove as it is,
a survey column's repeated answers are scored once, and the words of discontent are searched
all at once before one by one: each is compared here with the rule written out plainly.
"""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.intake.answers import Scale
from automation.intake.values import InvalidValue
from automation.surveys.config import Surveys
from automation.surveys.followup import DISCONTENT, reason_for
from automation.text import EXCEL_CELL_LIMIT, TRUNCATION_MARK, clean_text, fold

# Texts as they come: accents, ligatures, control characters, surrogates, line endings.
CHARACTERS = "aAéÉèçœŒﬁ -'’:;,.!?0123456789\t\n\r\x00\x07\x1f\x7f\ufffe\ud800«»€"
WORDS = ("déçu", "Très", "satisfait(e)", "rembours", "nul", "plus jamais", "Inadmissible")
TEXTS = st.lists(st.sampled_from([*CHARACTERS, *WORDS]), max_size=40).map("".join)


def plain_fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.replace("œ", "oe").replace("Œ", "oe"))
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^0-9a-z]+", " ", stripped.casefold()).strip()


def plain_clean(text: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    text = re.sub(r"[\ud800-\udfff]", "\ufffd", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]", "", text)
    if len(text) > limit:
        text = text[: limit - len(TRUNCATION_MARK)] + TRUNCATION_MARK
    return text


@given(TEXTS)
def test_fold_gives_the_plain_rule_each_time(text: str) -> None:
    assert fold(text) == plain_fold(text)
    assert fold(text) == plain_fold(text)  # the second time from memory
    assert fold(text * 3) == plain_fold(text * 3)  # long texts are not remembered


@given(TEXTS, st.sampled_from([5, 20, EXCEL_CELL_LIMIT]))
def test_clean_text_gives_the_plain_rule(text: str, limit: int) -> None:
    assert clean_text(text, limit=limit) == plain_clean(text, limit=limit)


def plain_match(patterns: tuple[str, ...], text: str) -> str:
    folded = plain_fold(text)
    for pattern in patterns:
        if pattern.startswith("re:"):
            regex = re.compile(pattern[3:], re.IGNORECASE)
            if regex.search(text) or regex.search(folded):
                return pattern
        elif (word := plain_fold(pattern)) and re.search(
                rf"(?<![0-9a-z]){re.escape(word)}", folded):
            return pattern
    return ""


RULES = st.lists(st.sampled_from(["harcèlement", "re:\\bplus jamais\\b", "Rembours", "nul",
                                  "re:d[ée]çu", "", "--", "Pas préparé"]),
                 max_size=4).map(tuple)


@given(TEXTS, RULES)
def test_comments_call_for_a_contact_by_the_first_word_or_rule_found(text: str,
                                                                    rules: tuple[str, ...],
                                                                    ) -> None:
    settings = Surveys(comment_rules=rules)
    unhappy = reason_for({"overall": 4, "nps": 3, "comment": text}, settings)
    word = plain_match(DISCONTENT, text)
    rule = plain_match(rules, text)
    if text and word:
        assert unhappy.endswith(f"(« {word} »)")
    elif text and rule:
        assert unhappy == f"commentaire visé par la règle « {rule} » de l'organisme"
    else:
        assert unhappy == ""


@pytest.mark.parametrize("raw", ["Très satisfait", "4", 4, 4.0, "4 / 5", "anonymous", None])
def test_an_answer_scored_again_gives_the_same_score(raw: object) -> None:
    scale = Scale(1, 5)
    first = scale.score("Note globale", raw)  # type: ignore[arg-type]
    assert scale.score("Note globale", raw) == first  # type: ignore[arg-type]


def test_an_answer_off_the_scale_is_refused_each_time() -> None:
    for _ in range(2):
        with pytest.raises(InvalidValue, match="Note globale"):
            Scale(1, 5).score("Note globale", "Bof")


def test_the_same_figure_on_two_scales_and_a_boolean_are_told_apart() -> None:
    assert Scale(1, 10).score("Note", 10) == 5
    assert Scale(1, 5).score("Note", 10.0 / 2) == 5
    assert Scale(1, 5).score("Note", 1) == 1
    with pytest.raises(InvalidValue):
        Scale(1, 5).score("Note", True)  # a cell VRAI is no score, though True == 1
