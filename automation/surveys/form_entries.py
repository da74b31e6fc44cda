"""The office's ``[[surveys.forms]]`` entries: how each of its forms is read.

Each entry names a form, lists its questions with the field each gives (``""`` keeps the answer
in « Autres informations »), optionally the scale of a question (``"1-4"``, ``"0-10"``,
``"mots"``) and what every answer of the form is (``survey``, ``training``, ``session_ref``,
``respondent``). ``automation surveys adopt EXPORT`` writes one; the office corrects it by
hand. See :mod:`automation.surveys.config` for an example.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from automation.errors import ConfigError
from automation.intake.answers import Scale, parse_scale
from automation.intake.forms import QUESTION_FIELDS, FormEntry
from automation.registers.schema import SATISFACTION

ENTRY_KEYS: Final = frozenset({"name", "survey", "training", "session_ref", "respondent",
                               "questions", "scales"})


def form_entries(raw: Any, *, where: str = "") -> tuple[FormEntry, ...]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: surveys.forms must be a list of tables: [[surveys.forms]]")
    return tuple(form_entry(item, number) for number, item in enumerate(raw, start=1))


def form_entry(raw: Any, number: int) -> FormEntry:
    """One ``[[surveys.forms]]`` table, checked."""
    where = f"[[surveys.forms]] n°{number}"
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where} must be a table")
    unknown = sorted(set(raw) - ENTRY_KEYS)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}; known: "
                          f"{', '.join(sorted(ENTRY_KEYS))}")
    name = raw.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ConfigError(f"{where}: a form needs a name")
    where = f"{where} ({name!r})"
    texts = {key: raw.get(key, "") for key in ("survey", "training", "session_ref",
                                               "respondent")}
    for key, value in texts.items():
        if not isinstance(value, str):
            raise ConfigError(f"{where}: {key} must be a text")
        spec = SATISFACTION.field(key)
        if value and spec.choices and value not in spec.choices:
            raise ConfigError(f"{where}: {key} = {value!r}: expected one of "
                              f"{', '.join(spec.choices)}")
    questions = _texts(raw.get("questions", {}), f"{where}.questions")
    bad = sorted({v for v in questions.values() if v and v not in QUESTION_FIELDS})
    if bad:
        raise ConfigError(f"{where}.questions: unknown field(s) {', '.join(bad)}; known: "
                          f"{', '.join(QUESTION_FIELDS)} or \"\" (Autres informations)")
    if not questions:
        raise ConfigError(f"{where}: list its questions under [surveys.forms.questions]")
    scales: dict[str, Scale] = {}
    for question, text in _texts(raw.get("scales", {}), f"{where}.scales").items():
        try:
            scales[question] = parse_scale(text, nps=questions.get(question) == "nps")
        except ValueError as exc:
            raise ConfigError(f"{where}.scales: {exc}") from exc
    return FormEntry(name=name.strip(), questions=questions, scales=scales, **texts)


def _texts(raw: Any, where: str) -> dict[str, str]:
    if not isinstance(raw, Mapping) or not all(isinstance(v, str) for v in raw.values()):
        raise ConfigError(f"{where} must be a table of texts")
    return {str(k): v for k, v in raw.items()}

