"""The highest id of a year is found among tens of thousands at once, as each id reads alone.

:meth:`IdScheme.highest` searches the ids as one text; whatever the ids (typed with spaces,
in another case, with line breaks, of other years, of other schemes, with digits of other
scripts), it must give what parsing each id alone gives.
"""

from __future__ import annotations

from collections.abc import Iterable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.registers.ids import IdScheme

SCHEMES = ("REC-{yyyy}-{nnnn}", "R{yy}-{nn}", "{yyyy}/{nnn}", "PL-{n}", "{nn}.{yy}",
           "Plainte n°{n} ({yyyy})")


def one_by_one(scheme: IdScheme, ids: Iterable[str], year: int) -> int:
    wanted = scheme.period(year)
    best = 0
    for text in ids:
        parsed = scheme.parse(text)
        if parsed is not None and (parsed[0] or 0) == wanted:
            best = max(best, parsed[1])
    return best


def near_ids(scheme: IdScheme) -> st.SearchStrategy[str]:
    """Ids of the scheme as people type them, and texts that are nearly ids."""
    formatted = st.builds(lambda y, n: scheme.format(y, n), st.integers(1995, 2035),
                          st.integers(0, 10**6))
    spaced = st.builds(lambda t, a, b: a + t + b, formatted,
                       st.sampled_from(["", " ", "\t", "\u00a0", "\n", "\r\n", "\x0b"]),
                       st.sampled_from(["", " ", "\n", " \u2003", "x"]))
    cased = formatted.map(str.lower)
    other = st.text(alphabet="REC-Pl0123456789٢٠/ \n.()n°", max_size=14)
    return st.one_of(formatted, spaced, cased, other)


@pytest.mark.parametrize("pattern", SCHEMES)
@given(data=st.data(), year=st.integers(1995, 2035))
def test_the_highest_of_a_year_is_what_each_id_parsed_alone_gives(
        pattern: str, data: st.DataObject, year: int) -> None:
    scheme = IdScheme(pattern)
    ids = data.draw(st.lists(near_ids(scheme), max_size=40))
    assert scheme.highest(ids, year) == one_by_one(scheme, ids, year)
    assert scheme.highest(iter(ids), year) == one_by_one(scheme, ids, year)


def test_the_highest_of_fifty_thousand_ids_counts_only_the_year_asked_for() -> None:
    scheme = IdScheme("REC-{yyyy}-{nnnn}")
    ids = {scheme.format(2025 + n % 2, n) for n in range(50_000)} | {" rec-2026-99999 ",
                                                                     "REC-2027-123456"}
    assert scheme.highest(ids, 2026) == 99_999
    assert scheme.highest(ids, 2025) == 49_998
    assert scheme.highest(ids, 2024) == 0
