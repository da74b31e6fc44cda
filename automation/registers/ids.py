"""How a register numbers its rows: the office's own scheme, continued.

A scheme is written the way people read it: ``REC-{yyyy}-{nnnn}`` (our default: REC-2026-0001),
``R{yy}-{nn}`` (R26-01), ``{yyyy}/{nnn}`` (2026/001), ``PL-{n}`` (PL-7, no year). ``{yyyy}``
or ``{yy}`` is the year, ``{n…}`` the number, padded with zeros to as many digits as there are
``n`` (more digits when the count outgrows them). With a year, numbering starts again at 1 each
year; without one, it goes on. :func:`infer_scheme` reads the scheme from the ids an office
already typed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from typing import Final

from automation.errors import ConfigError

_TOKEN: Final = re.compile(r"\{(yyyy|yy|n+)\}")
_RUNS: Final = re.compile(r"\d+|\D+")
RECENT_YEARS: Final = 12  # a number that could be a year of the last ones is taken as one


@dataclass(frozen=True)
class IdScheme:
    pattern: str

    def __post_init__(self) -> None:
        tokens = _TOKEN.findall(self.pattern)
        counters = [t for t in tokens if t.startswith("n")]
        years = [t for t in tokens if t.startswith("y")]
        if len(counters) != 1 or len(years) > 1:
            raise ConfigError(f"id scheme {self.pattern!r}: expected one {{n…}} (the number) "
                              "and at most one {yyyy} or {yy} (the year), as in "
                              "\"R{yy}-{nn}\"")
        if re.search(r"[{}]", _TOKEN.sub("", self.pattern)):
            raise ConfigError(f"id scheme {self.pattern!r}: braces are only for {{yyyy}}, "
                              "{yy} and {n…}")

    @classmethod
    def default(cls, prefix: str) -> IdScheme:
        return cls(f"{prefix}-{{yyyy}}-{{nnnn}}")

    @property
    def has_year(self) -> bool:
        return "{yy" in self.pattern

    @property
    def width(self) -> int:
        found = re.search(r"\{(n+)\}", self.pattern)
        assert found is not None
        return len(found[1])

    @cached_property
    def _regex(self) -> re.Pattern[str]:
        pieces: list[str] = []
        position = 0
        for match in _TOKEN.finditer(self.pattern):
            pieces.append(re.escape(self.pattern[position:match.start()]))
            token = match[1]
            pieces.append({"yyyy": r"(?P<y>\d{4})", "yy": r"(?P<y>\d{2})"}.get(
                token, r"(?P<n>\d+)"))
            position = match.end()
        pieces.append(re.escape(self.pattern[position:]))
        return re.compile("".join(pieces), re.IGNORECASE)

    def format(self, year: int, number: int) -> str:
        def token(match: re.Match[str]) -> str:
            kind = match[1]
            if kind == "yyyy":
                return f"{year:04d}"
            if kind == "yy":
                return f"{year % 100:02d}"
            return f"{number:0{len(kind)}d}"

        return _TOKEN.sub(token, self.pattern)

    def parse(self, text: str) -> tuple[int | None, int] | None:
        """``(year, number)`` of an id in this scheme (year None without one); else None."""
        found = self._regex.fullmatch(text.strip())
        if found is None:
            return None
        year = found.groupdict().get("y")
        number = int(found["n"])
        if year is None:
            return None, number
        value = int(year)
        return (2000 + value if len(year) == 2 else value), number

    def period(self, year: int) -> int:
        """The key numbering restarts on: the year, or 0 for a scheme without one."""
        return year if self.has_year else 0

    def highest(self, ids: Iterable[str], year: int) -> int:
        """The highest number among ``ids`` in this scheme for ``year`` (0 when none).

        The ids are searched as one text, one per line (a register's tens of thousands of
        ids in one pass of the regex engine), each as :meth:`parse` reads it; an id that
        holds a line break is parsed alone."""
        lines: list[str] = []
        apart: list[str] = []
        for text in ids:
            (apart if "\n" in text or "\r" in text else lines).append(text)
        wanted = self.period(year)
        best = 0
        for found in self._lines.finditer("\n".join(lines)):
            if self.has_year:
                text = found["y"]
                if (2000 + int(text) if len(text) == 2 else int(text)) != wanted:
                    continue
            best = max(best, int(found["n"]))
        for text in apart:
            parsed = self.parse(text)
            if parsed is not None and (parsed[0] or 0) == wanted:
                best = max(best, parsed[1])
        return best

    @cached_property
    def _lines(self) -> re.Pattern[str]:
        """:attr:`_regex` over lines, each stripped as :meth:`parse` strips it."""
        return re.compile(r"^[^\S\n]*(?:" + self._regex.pattern + r")[^\S\n]*$",
                          re.IGNORECASE | re.MULTILINE)

    def sequence(self, register: str, prefix: str) -> str:
        """The journal's sequence name: the register's own for our default scheme."""
        return register if self == IdScheme.default(prefix) else f"{register}#{self.pattern}"


def infer_scheme(ids: Iterable[str], *, this_year: int) -> IdScheme | None:
    """The scheme most of ``ids`` follow (the latest one on a tie); None when none do."""
    shapes: Counter[str] = Counter()
    last_seen: dict[str, int] = {}
    widths: dict[str, int] = {}
    for index, text in enumerate(ids):
        found = _shape(text.strip(), this_year)
        if found is None:
            continue
        shape, padded = found
        shapes[shape] += 1
        last_seen[shape] = index
        widths[shape] = max(widths.get(shape, 1), padded)
    if not shapes:
        return None
    best = max(shapes, key=lambda s: (shapes[s], last_seen[s]))
    return IdScheme(best.replace("{N}", "{" + "n" * widths[best] + "}"))


def _shape(text: str, this_year: int) -> tuple[str, int] | None:
    """The id with its number as ``{N}`` and its year as ``{yyyy}``/``{yy}``, and the number's
    width when it is padded with zeros (else 1)."""
    if not text or "{" in text or "}" in text or len(text) > 40:
        return None
    runs = _RUNS.findall(text)
    digits = [i for i, run in enumerate(runs) if run.isdigit()]
    if not digits:
        return None
    counter, year = digits[-1], None
    if len(digits) > 1 and len(runs[counter]) == 4 and _is_year(runs[counter], this_year):
        counter, year = digits[-2], digits[-1]  # 001/2026: the year comes last
    else:
        year = next((i for i in reversed(digits[:-1]) if _is_year(runs[i], this_year)), None)
    number = runs[counter]
    width = len(number) if number.startswith("0") and len(number) > 1 else 1
    parts: list[str] = []
    for index, run in enumerate(runs):
        if index == counter:
            parts.append("{N}")
        elif index == year:
            parts.append("{yyyy}" if len(run) == 4 else "{yy}")
        else:
            parts.append(run)
    return "".join(parts), width
def _is_year(run: str, this_year: int) -> bool:
    if len(run) == 4:
        return this_year - RECENT_YEARS <= int(run) <= this_year + 1
    if len(run) == 2:
        return (this_year - RECENT_YEARS) % 100 <= int(run) <= (this_year + 1) % 100
    return False
