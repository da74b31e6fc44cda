"""Adopting a survey form: show how its export is read, let the office correct it, keep it.

``automation surveys adopt EXPORT`` calls :func:`adopt_form`: the export is read as intake
would read it, the office's corrections (``--field "question=champ"``, ``--scale
"question=1-10"``, ``--survey``, ``--training``) are applied, and the result is a
``[[surveys.forms]]`` entry listing every question with its field and every score with its
scale, written by :func:`record_form` into ``automation.toml`` (an earlier entry of the same
name is replaced; the rest of the file, comments included, is kept). The next export of that
form goes in with no question asked. The tool's own columns (timestamp, collected address,
account name) are left to its signature and are not listed.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Final

from automation.errors import ConfigError, IntakeError
from automation.intake.answers import Scale, parse_scale
from automation.intake.config import Intake
from automation.intake.form_rows import plan_survey
from automation.intake.forms import QUESTION_FIELDS, REGISTER, FormEntry, find_survey
from automation.intake.headers import HEADER_SCAN_ROWS, HeaderMatch
from automation.intake.spreadsheet import Spreadsheet
from automation.intake.validate import column_letter
from automation.registers.schema import SATISFACTION
from automation.surveys.form_entries import form_entries
from automation.text import fold

NOTES: Final = "Autres informations"
_HEADER_LINE: Final = re.compile(r"^\s*\[\[?\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_ARRAY: Final = "surveys.forms"


@dataclass(frozen=True)
class MappedColumn:
    column: str  # « C »
    question: str
    field: str  # the register's header, or « Autres informations »
    how: str  # where the field comes from, and the scale rule


@dataclass(frozen=True)
class FormAdoption:
    entry: FormEntry
    tool: str
    columns: tuple[MappedColumn, ...]
    skipped: tuple[str, ...]  # the tool's own columns left out (IDs, quiz points)


def _question(text: str, headers: Sequence[str]) -> str:
    """The header ``text`` designates: the same once folded, else the only one it begins."""
    wanted = fold(text)
    exact = [h for h in headers if fold(h) == wanted]
    starting = [h for h in headers if fold(h).startswith(wanted)] if wanted else []
    found = exact or (starting if len(starting) == 1 else [])
    if not found:
        raise ConfigError(f"« {text} » n'est pas une question de l'export (ou en commence "
                          "plusieurs) : recopiez le début de la question")
    return found[0]


def _pairs(items: Sequence[str], what: str) -> list[tuple[str, str]]:
    pairs = []
    for item in items:
        question, sep, value = item.rpartition("=")
        if not sep or not question.strip():
            raise ConfigError(f"--{what} « {item} » : « question=valeur » attendu")
        pairs.append((question.strip(), value.strip()))
    return pairs


def _scale(text: str, *, nps: bool) -> Scale:
    try:
        return parse_scale(text, nps=nps)
    except ValueError:
        raise ConfigError(f"--scale « {text} » : échelle inconnue (1-5, 1-10, 0-10, 1-4 ou "
                          "mots)") from None


def _read(path: Path, forms: Sequence[FormEntry]) -> tuple[HeaderMatch, Spreadsheet]:
    spreadsheet = Spreadsheet(path.name, path.read_bytes(), Intake())
    heads = [spreadsheet.table(name, head=HEADER_SCAN_ROWS) for name in spreadsheet.sheets]
    match = find_survey([t for t in heads if t.rows], hint=REGISTER, forms=forms)
    if match is None or match.survey is None:
        spreadsheet.close()
        raise IntakeError(f"{path.name} : aucune ligne d'en-têtes d'un export de questionnaire "
                          "(des questions, ou les colonnes de Google Forms, Microsoft Forms, "
                          f"LimeSurvey, Typeform) dans ses {HEADER_SCAN_ROWS} premières lignes",
                          path=path)
    return match, spreadsheet


def adopt_form(path: Path, *, name: str = "", survey: str = "", training: str = "",
               fields: Sequence[str] = (), scales: Sequence[str] = ()) -> FormAdoption:
    """How the export at ``path`` is read once the corrections are applied."""
    match, spreadsheet = _read(path, ())
    assert match.survey is not None
    try:
        headers = [h for h in match.header if h]
        questions = {a.header: a.field for a in match.survey.answers if not a.own}
        for text, field in _pairs(fields, "field"):
            if field not in (*QUESTION_FIELDS, ""):
                raise ConfigError(f"--field « {text}={field} » : champ inconnu ; champs "
                                  f"possibles : {', '.join(QUESTION_FIELDS)}, ou rien après "
                                  "« = » pour « Autres informations »")
            questions[_question(text, headers)] = field
        declared = {_question(t, headers): v for t, v in _pairs(scales, "scale")}
        entry = FormEntry(name=name or path.stem, questions=questions,
                          scales={q: _scale(v, nps=questions.get(q) == "nps")
                                  for q, v in declared.items()},
                          survey=survey, training=training)
        match, _ = _read(path, (entry,))
        assert match.survey is not None
        table = spreadsheet.table(match.sheet)
    finally:
        spreadsheet.close()
    plan = plan_survey(table, match, source_name=path.name)
    found = {a.header: scale.label for a in match.survey.answers
             if (scale := plan.scales.get(a.column))}
    entry = replace(entry, scales={q: parse_scale(v, nps=questions.get(q) == "nps")
                                   for q, v in {**found, **declared}.items()})
    columns = []
    for answer in match.survey.answers:
        header = SATISFACTION.field(answer.field).header if answer.field else NOTES
        scale = plan.scales.get(answer.column)
        how = answer.origin + (f" ; {scale.rule()}" if scale else "")
        columns.append(MappedColumn(column_letter(answer.column), answer.header, header, how))
    skipped = tuple(match.header[c] for c in match.survey.skipped)
    return FormAdoption(entry, match.survey.tool.value, tuple(columns), skipped)


def _string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def entry_toml(entry: FormEntry) -> str:
    lines = ["[[surveys.forms]]", f"name = {_string(entry.name)}"]
    for key, value in entry.constants().items():
        lines.append(f"{key} = {_string(value)}")
    lines += ["", "[surveys.forms.questions]"]
    lines += [f"{_string(q)} = {_string(f)}" for q, f in entry.questions.items()]
    if entry.scales:
        lines += ["", "[surveys.forms.scales]"]
        lines += [f"{_string(q)} = {_string(s.label)}" for q, s in entry.scales.items()]
    return "\n".join(lines) + "\n"


def _without_form(text: str, name: str) -> str:
    """``text`` without the ``[[surveys.forms]]`` entry named ``name`` (and its sub-tables)."""
    blocks: list[list[str]] = [[]]
    for line in text.splitlines(keepends=True):
        header = _HEADER_LINE.match(line)
        table = ".".join(p.strip().strip('"') for p in header[1].split(".")) if header else ""
        if header and (line.lstrip().startswith("[[") or not table.startswith(_ARRAY + ".")):
            blocks.append([])
        blocks[-1].append(line)
    kept = []
    for block in blocks:
        head = _HEADER_LINE.match(block[0]) if block else None
        if head and block[0].lstrip().startswith("[[") and head[1].replace(" ", "") == _ARRAY:
            try:
                found = tomllib.loads("".join(block).replace("[[surveys.forms]]", "", 1))
            except tomllib.TOMLDecodeError:
                found = {}
            if found.get("name") == name:
                continue
        kept.append("".join(block))
    return "".join(kept)


def record_form(config_file: Path, entry: FormEntry) -> None:
    """Write ``entry`` into ``config_file``, replacing an earlier entry of the same name."""
    try:
        text = config_file.read_text(encoding="utf-8") if config_file.exists() else ""
        tomllib.loads(text)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"{config_file}: cannot be read as TOML: {exc}") from exc
    kept = _without_form(text, entry.name)
    kept = kept.rstrip("\n") + "\n\n" if kept.strip() else ""
    new = kept + entry_toml(entry)
    data = tomllib.loads(new)  # never write a file the configuration loader would refuse
    surveys = data.get("surveys", {})
    form_entries(surveys.get("forms", []) if isinstance(surveys, Mapping) else [],
                 where=str(config_file))
    temporary = config_file.with_name(f".{config_file.name}.tmp")
    temporary.write_text(new, encoding="utf-8")
    temporary.replace(config_file)
