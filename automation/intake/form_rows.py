"""Reading the answers of a survey export, the way its :class:`~.forms.SurveyForm` says.

:func:`plan_survey` looks at whole columns once — the scale of each score (never guessed row
by row), whether slashed dates are American (« 3/12/2026 » in an English Google Sheets export:
decided by the column's own dates, else by the headers' language), and whether the file or
sheet name says « à chaud » or « à froid ». :func:`read_survey_row` then reads one row:
several name columns are joined (« Prénom » « Nom »), the tool's own address and account name
are used only when no question gives them, « anonymous » is no one, several open questions
become one comment of « question : réponse » lines, an address that cannot be read is kept in
« Autres informations » rather than losing the answer, and the office's entry for the form
fills what the answers do not say.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from automation.intake import messages
from automation.intake.answers import Scale, applied_value, is_no_answer, scale_of
from automation.intake.forms import SCORE_FIELDS
from automation.intake.values import InvalidValue, as_text, parse_value, parse_when
from automation.records import CellValue
from automation.registers.schema import SATISFACTION, Kind
from automation.text import clean_text, fold, one_line

if TYPE_CHECKING:
    from automation.intake.headers import HeaderMatch
    from automation.intake.tables import Row, Table

_FIRST_NAME: Final = re.compile(r"\b(?:prenom|first name|given name)\b")
HOT: Final = "À chaud"
COLD: Final = "À froid"
_SLASHED: Final = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/\d{2,4}\b")
_KIND_WORDS: Final = (
    (HOT, re.compile(r"\b(?:a chaud|chaud|hot|fin de (?:la )?formation|end of (?:the )?"
                     r"(?:training|course))\b")),
    (COLD, re.compile(r"\b(?:a froid|froid|cold|\d+ mois apres|months? after|follow up)\b")),
)


@dataclass(frozen=True)
class SurveyPlan:
    """What is decided once for a whole export."""

    scales: Mapping[int, Scale]  # score column → its scale
    month_first: Mapping[int, bool]  # date column → American order
    kind: str  # « À chaud » / « À froid » said by the file or sheet name, else ""
    note: str  # how the export was read, for the journal (French)


def kind_in(*names: str) -> str:
    """« À chaud » or « À froid » when the names say one of them (and not both)."""
    said = {kind for kind, pattern in _KIND_WORDS for name in names
            if pattern.search(fold(name))}
    return said.pop() if len(said) == 1 else ""


def _column(table: Table, match: HeaderMatch, column: int) -> list[CellValue]:
    return [row.cell(column) for row in table.rows if row.number > match.header_line]


def _month_first(values: list[CellValue], *, english: bool) -> tuple[bool, bool]:
    """Whether the column's slashed dates put the month first, and whether it has any."""
    firsts, seconds = [], []
    for value in values:
        found = _SLASHED.match(value) if isinstance(value, str) else None
        if found:
            firsts.append(int(found[1]))
            seconds.append(int(found[2]))
    if any(day > 12 for day in firsts):
        return False, bool(firsts)
    if any(day > 12 for day in seconds):
        return True, True
    return english and bool(firsts), bool(firsts)


def plan_survey(table: Table, match: HeaderMatch, *, source_name: str) -> SurveyPlan:
    form = match.survey
    assert form is not None
    scales: dict[int, Scale] = {}
    month_first: dict[int, bool] = {}
    rules: dict[str, list[str]] = {}  # rule → the columns it applies to
    for answer in form.answers:
        spec = SATISFACTION.field(answer.field) if answer.field else None
        if spec is None:
            continue
        values = _column(table, match, answer.column)
        if answer.field in SCORE_FIELDS:
            scale = scale_of(answer.header, values, nps=answer.field == "nps",
                             declared=answer.scale)
            scales[answer.column] = scale
            kept = (scale.low, scale.high) == ((0, 10) if scale.nps else (1, 5))
            if scale.words or not kept:
                rules.setdefault(scale.rule(), []).append(spec.header)
        elif spec.kind in (Kind.DATE, Kind.DATETIME):
            first, slashed = _month_first(values, english=form.english)
            month_first[answer.column] = first
            if first and slashed:
                rules.setdefault("dates lues mois d'abord (export en anglais)", []).append(
                    spec.header)
    written = [f"{', '.join(dict.fromkeys(headers))} : {rule}" for rule, headers in
               rules.items()]
    kind = "" if "survey" in form.fields or (form.entry and form.entry.survey) else kind_in(
        source_name, table.sheet)
    if kind:
        written.append(f"Enquête « {kind} » d'après le nom du fichier")
    note = " ; ".join([f"{form.label} reconnu", *written])
    return SurveyPlan(scales, month_first, kind, note)


def read_survey_row(row: Row, match: HeaderMatch, plan: SurveyPlan,
                    ) -> tuple[dict[str, CellValue], tuple[str, ...]]:
    """The row's values by field key (unordered), and the French reasons it is refused."""
    form = match.survey
    assert form is not None
    values: dict[str, CellValue] = {}
    reasons: list[str] = []
    people: dict[bool, list[str]] = {False: [], True: []}  # fallback? → names
    addresses: dict[bool, list[str]] = {False: [], True: []}
    comments: list[tuple[str, str]] = []
    notes: list[str] = []
    for answer in form.answers:
        raw = row.cell(answer.column)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        text = clean_text(as_text(raw)).strip()
        key = answer.field
        if not key:
            notes.append(f"{one_line(answer.header)} : {text}")
            continue
        spec = SATISFACTION.field(key)
        if key in ("name", "email") and is_no_answer(raw):
            continue
        if key == "name":
            given = _FIRST_NAME.search(fold(answer.header)) is not None
            people[answer.fallback].insert(0 if given else len(people[answer.fallback]),
                                           one_line(text))
            continue
        if key == "comment":
            comments.append((answer.header, text))
            continue
        value: CellValue
        try:
            if key == "email":
                address = parse_value(spec, raw)
                if isinstance(address, str):
                    addresses[answer.fallback].append(address)
                continue
            if key in SCORE_FIELDS:
                value = plan.scales[answer.column].score(spec.header, raw)
            elif spec.kind in (Kind.DATE, Kind.DATETIME):
                value = parse_when(spec, raw, month_first=plan.month_first.get(answer.column,
                                                                               False),
                                   utc=answer.utc)
            elif key == "applied":
                value = parse_value(spec, applied_value(raw))
            else:
                value = parse_value(spec, raw)
        except InvalidValue as exc:
            if key == "email":  # the answer counts more than a mistyped address
                notes.append(f"{one_line(answer.header)} (adresse non reconnue) : {text}")
            else:
                reasons.append(str(exc))
            continue
        if value is not None and values.get(key) is None:
            values[key] = value
    names = people[False] or people[True]
    values["name"] = " ".join(names) or None
    emails = addresses[False] or addresses[True]
    values["email"] = emails[0] if emails else None
    asked = sum(1 for a in form.answers if a.field == "comment")
    if len(comments) == 1 and asked == 1:
        values["comment"] = comments[0][1]
    elif comments:
        values["comment"] = "\n".join(f"{one_line(q)} : {a}" for q, a in comments)
    if notes:
        values["notes"] = clean_text("\n".join(notes))
    for key in ("answered_on", "overall"):
        header = SATISFACTION.field(key).header
        if values.get(key) is None and not any(r.startswith(header) for r in reasons):
            reasons.append(messages.required_empty(header))
    return values, tuple(reasons)


def with_defaults(values: dict[str, CellValue], match: HeaderMatch,
                  plan: SurveyPlan) -> dict[str, CellValue]:
    """``values`` with what the office's entry and the file name say of every answer.

    Kept apart from what the answer itself says, which alone makes its fingerprint: the same
    answers exported again under another name, or after the form was adopted, are the same.
    """
    filled = dict(values)
    form = match.survey
    if form is not None and form.entry is not None:
        for key, text in form.entry.constants().items():
            if filled.get(key) is None:
                try:
                    filled[key] = parse_value(SATISFACTION.field(key), text)
                except InvalidValue:  # checked when the configuration was read
                    continue
    if filled.get("survey") is None and plan.kind:
        filled["survey"] = plan.kind
    return filled
