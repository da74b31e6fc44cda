"""The Qualiopi referential (référentiel national qualité) as data: one TOML file per version.

Each file of this package (``rnq-2019-v9.toml``, ``rnq-2026.toml``) describes one version: the
decree and reading guide it stands for, the date it applies from, its criteria and indicators
(number, criterion, wording, expected level where known, what the tool keeps as evidence), and
for every text the key of the source it was taken from. A text the project cannot ground is
left empty or says « libellé à confirmer », never written in the official text's place. A new
reading guide is a new file here: :func:`referential_for` picks the version in force on a day
by its ``in_force_from`` date, with no change to the code.

Other modules quote the wording per indicator (``referential_for(day).indicator(31).wording``)
and find which indicators a computed figure evidences (``evidencing("nps")``).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from importlib import resources
from typing import Any, Final

from automation.errors import ReferentialError

DATA_SUFFIX: Final = ".toml"
_INDICATOR_KEYS: Final = frozenset({
    "number", "criterion", "wording", "wording_source", "addition", "addition_source",
    "wording_note", "wording_note_source", "expected_level", "expected_level_source",
    "subject", "notes", "notes_source", "evidence"})
_EVIDENCE_KEYS: Final = frozenset({"registers", "letters", "results"})


@dataclass(frozen=True)
class Source:
    key: str
    title: str
    note: str = ""


@dataclass(frozen=True)
class Criterion:
    number: int
    wording: str
    source: str  # key of a Source


@dataclass(frozen=True)
class Evidence:
    """What the tool keeps as evidence of an indicator: the project's choice, not official text."""

    registers: tuple[str, ...] = ()  # register keys: "reclamations"
    letters: tuple[str, ...] = ()  # letter template stems: "accuse-reception-reclamation"
    results: tuple[str, ...] = ()  # computed indicator keys: "acknowledged_in_time"


@dataclass(frozen=True)
class Indicator:
    number: int
    criterion: int | None  # None while the version's text does not say
    wording: str
    wording_source: str = ""  # "" when the wording itself is « à confirmer »
    addition: str = ""  # a quoted extract the version adds to the wording
    addition_source: str = ""
    wording_note: str = ""  # what is known and what is not, in French
    wording_note_source: str = ""
    expected_level: str = ""  # "" when not known or not taken over
    expected_level_source: str = ""
    subject: str = ""  # what a new indicator is about, when its wording is not known
    notes: str = ""
    notes_source: str = ""
    evidence: Evidence = field(default_factory=Evidence)

    @property
    def text(self) -> str:
        """The wording as it can be quoted: the wording, then the extract a decree added."""
        return f"{self.wording} (ajout : {self.addition})" if self.addition else self.wording

    @property
    def source_keys(self) -> tuple[str, ...]:
        keys = (self.wording_source, self.addition_source, self.wording_note_source,
                self.expected_level_source, self.notes_source)
        return tuple(dict.fromkeys(k for k in keys if k))


@dataclass(frozen=True)
class Referential:
    version: str  # "2019-v9", "2026"
    title: str
    decree: str
    guide: str
    in_force_from: date
    sources: Mapping[str, Source]
    criteria: tuple[Criterion, ...]
    indicators: tuple[Indicator, ...]
    expected_levels_note: str = ""
    file: str = ""  # the data file's name

    def indicator(self, number: int) -> Indicator | None:
        return next((i for i in self.indicators if i.number == number), None)

    def criterion(self, number: int | None) -> Criterion | None:
        return next((c for c in self.criteria if c.number == number), None)

    def evidencing(self, result_key: str) -> tuple[int, ...]:
        """The numbers of the indicators that list the computed figure ``result_key``."""
        return tuple(i.number for i in self.indicators if result_key in i.evidence.results)


@cache
def referentials() -> tuple[Referential, ...]:
    """Every version shipped with the package, oldest first."""
    folder = resources.files(__package__)
    found = [_load(entry.name, entry.read_text(encoding="utf-8"))
             for entry in folder.iterdir() if entry.name.endswith(DATA_SUFFIX)]
    if not found:
        raise ReferentialError("no referential data file is installed with the package")
    return tuple(sorted(found, key=lambda r: r.in_force_from))


def referential(version: str) -> Referential:
    """The version named ``version`` (``2019-v9``, ``2026``)."""
    for item in referentials():
        if item.version == version.strip():
            return item
    known = ", ".join(r.version for r in referentials())
    raise ReferentialError(f"version du référentiel inconnue : « {version} » (connues : {known})")


def referential_for(day: date) -> Referential:
    """The version in force on ``day``; before the first one, the first one."""
    versions = referentials()
    in_force = [r for r in versions if r.in_force_from <= day]
    return in_force[-1] if in_force else versions[0]


def _load(name: str, text: str) -> Referential:
    try:
        data = tomllib.loads(text)
        sources = {key: Source(key, str(value["title"]), str(value.get("note", "")))
                   for key, value in data["sources"].items()}
        criteria = tuple(Criterion(int(c["number"]), str(c["wording"]), str(c["source"]))
                         for c in data["criteria"])
        indicators = tuple(_indicator(item) for item in data["indicators"])
        result = Referential(
            version=str(data["version"]), title=str(data["title"]), decree=str(data["decree"]),
            guide=str(data["guide"]), in_force_from=_day(data["in_force_from"]),
            sources=sources, criteria=criteria, indicators=indicators,
            expected_levels_note=str(data.get("expected_levels_note", "")), file=name)
        count = int(data["indicator_count"])
    except (tomllib.TOMLDecodeError, KeyError, TypeError, ValueError) as exc:
        raise ReferentialError(f"{name}: malformed referential data: {exc!r}") from exc
    _check(result, count)
    return result


def _day(value: Any) -> date:
    if not isinstance(value, date):
        raise ValueError(f"in_force_from must be a TOML date, not {value!r}")
    return value


def _indicator(item: Mapping[str, Any]) -> Indicator:
    unknown = set(item) - _INDICATOR_KEYS
    if unknown:
        raise ValueError(f"indicator {item.get('number')}: unknown key(s) {sorted(unknown)}")
    evidence = dict(item.get("evidence", {}))
    if set(evidence) - _EVIDENCE_KEYS:
        raise ValueError(f"indicator {item.get('number')}: unknown evidence {sorted(evidence)}")
    texts = {key: str(item.get(key, "")) for key in _INDICATOR_KEYS
             - {"number", "criterion", "evidence"}}
    criterion = item.get("criterion")
    return Indicator(number=int(item["number"]),
                     criterion=int(criterion) if criterion is not None else None,
                     evidence=Evidence(**{k: tuple(str(v) for v in values)
                                          for k, values in evidence.items()}),
                     **texts)


def _check(ref: Referential, count: int) -> None:
    numbers = [i.number for i in ref.indicators]
    if numbers != list(range(1, count + 1)):
        raise ReferentialError(f"{ref.file}: indicators must be numbered 1 to {count} in order")
    criteria = {c.number for c in ref.criteria}
    for indicator in ref.indicators:
        if indicator.criterion is not None and indicator.criterion not in criteria:
            raise ReferentialError(f"{ref.file}: indicator {indicator.number} names an "
                                   f"unknown criterion {indicator.criterion}")
        missing = [k for k in indicator.source_keys if k not in ref.sources]
        if missing:
            raise ReferentialError(f"{ref.file}: indicator {indicator.number} cites unknown "
                                   f"source(s) {', '.join(missing)}")
        if indicator.wording and not indicator.wording_source \
                and "à confirmer" not in indicator.wording:
            raise ReferentialError(f"{ref.file}: indicator {indicator.number} has a wording "
                                   f"without a source")
