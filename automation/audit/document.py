"""The audit pack's Word document: the office's docxtpl template, filled with the period.

The template is ``templates/dossier-audit.docx`` (``init`` copies it there; an office
restyles it and rewrites its procedure texts in Word), else the package's default. It
receives the context below (the README's audit-pack section lists it): the cover (``org``,
``period``, ``ref``),
``key_figures``, one section per indicator (``s2``, ``s30``, ``s31``, ``s32``: ``number``,
``wording``, ``figures``, ``charts`` as images, ``registers`` extracts, ``cases`` with their
letters), ``actions_links``, ``risks``, the office's delays (``rules``) and the evidence
``index``. It is rendered like a letter: values escaped, an unknown name an error naming the
template.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from importlib import resources
from pathlib import Path
from typing import Any, Final

import jinja2
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage, RichText

from automation.audit.cases import Case
from automation.audit.charts import Chart
from automation.audit.evidence import IndexEntry
from automation.audit.extracts import Extract
from automation.audit.figures import Figure
from automation.audit.gather import AuditData
from automation.errors import TemplateError
from automation.files import replace_file, temporary_beside
from automation.letters.dates import french_datetime, french_long_date
from automation.letters.render import environment
from automation.text import clean_text

TEMPLATE: Final = "dossier-audit.docx"
CHART_WIDTH: Final = Mm(160)
SECTIONS: Final = (2, 30, 31, 32)


def template_path(templates_dir: Path) -> Path:
    """The office's template, else the package's default one."""
    own = templates_dir / TEMPLATE
    if own.is_file():
        return own
    with resources.as_file(resources.files("automation") / "defaults" / TEMPLATE) as path:
        return Path(path)


def _figures(figures: Sequence[Figure]) -> list[dict[str, str]]:
    return [asdict(f) for f in figures]


def _extract(extract: Extract) -> dict[str, Any]:
    return {"title": extract.title, "summary": extract.summary, "file": extract.file,
            "headers": list(extract.headers), "rows": [asdict(r) for r in extract.rows]}


def _box(text: str) -> RichText:
    rich = RichText()
    rich.add(clean_text(text), size=18, font="Calibri")  # half-points: 9 pt
    return rich


def _case(case: Case) -> dict[str, Any]:
    return {"title": case.title, "record_id": case.record_id, "facts": case.facts,
            "steps": [asdict(s) for s in case.steps],
            "letters": [{"heading": letter.heading, "state": letter.state,
                         "text": _box(letter.text) if letter.text else "",
                         "files": ", ".join(p.name for p in letter.files)}
                        for letter in case.letters]}


def section_context(data: AuditData, number: int, *, figures: Sequence[Figure],
                    charts: Sequence[Chart], extracts: Sequence[Extract],
                    cases: Sequence[Case], no_cases: str,
                    doc: DocxTemplate) -> dict[str, Any]:
    indicator = data.referential.indicator(number)
    sources = data.referential.sources
    mine = [c for c in charts if number in c.indicators]
    return {
        "number": number,
        "title": f"Indicateur {number}",
        "criterion": indicator.criterion if indicator and indicator.criterion else "",
        "wording": indicator.wording if indicator else "libellé absent du référentiel",
        "addition": indicator.addition if indicator else "",
        "addition_source": (sources[indicator.addition_source].title
                            if indicator and indicator.addition_source else ""),
        "note": indicator.wording_note if indicator else "",
        "source": (sources[indicator.wording_source].title
                   if indicator and indicator.wording_source else "à confirmer"),
        "figures": _figures(figures),
        "no_figures": "Aucun chiffre de la période pour cet indicateur.",
        "charts": [{"image": InlineImage(doc, str(c.path), width=CHART_WIDTH),
                    "title": c.title, "caption": c.caption} for c in mine],
        "no_charts": ("Aucun graphique : les registres n'ont pas de données de la période "
                      "pour cet indicateur."),
        "registers": [_extract(e) for e in extracts],
        "cases": [_case(c) for c in cases],
        "no_cases": no_cases,
    }


def render_document(template: Path, out: Path, build: Any) -> Path:
    """Render ``template`` with the context ``build(doc)`` returns into ``out`` (replaced
    whole). ``build`` receives the template, which images are made for."""
    try:
        doc = DocxTemplate(str(template))
        context = build(doc)
        doc.render(context, jinja_env=environment(), autoescape=True)
    except (jinja2.TemplateError, KeyError, ValueError, TypeError, OSError) as exc:
        raise TemplateError(f"{template.name} : le modèle du dossier d'audit ne peut pas être "
                            f"rempli ({type(exc).__name__} : {exc})", template=template) from exc
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = temporary_beside(out)
    try:
        doc.save(str(temporary))
        replace_file(temporary, out)
    finally:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
    return out


def cover(data: AuditData) -> dict[str, Any]:
    org = data.office.config.organisation
    ref = data.referential
    period = data.period
    return {
        "org": {"name": org.name, "nda": org.nda or "non renseigné (organisation.nda)",
                "siret": org.siret, "address": org.address.replace("\\n", ", "),
                "city": org.city},
        "period": {"label": period.label, "key": period.key,
                   "start": french_long_date(period.start), "end": french_long_date(period.end)},
        "ref": {"title": ref.title, "decree": ref.decree, "guide": ref.guide,
                "version": ref.version, "in_force": french_long_date(ref.in_force_from)},
        "generated": french_datetime(data.now),
    }


def rules(data: AuditData) -> dict[str, Any]:
    config = data.office.config
    deadlines, surveys, improvement = config.deadlines, config.surveys, config.improvement
    return {
        "acknowledge_days": deadlines.acknowledge_days, "answer_days": deadlines.answer_days,
        "close_days": deadlines.close_days,
        "inform_days": deadlines.inform_participants_days,
        "prescriber_days": deadlines.prescriber_days, "reasons_days": deadlines.reasons_days,
        "reminder_days": deadlines.reminder_days, "decision_days": deadlines.decision_days,
        "attestation_days": deadlines.attestation_days,
        "cold_after_months": surveys.cold_after_months,
        "survey_reminders": ", ".join(str(d) for d in surveys.reminder_days) or "aucune",
        "low_score": surveys.low_score, "min_answers": config.indicators.min_answers,
        "due_days": improvement.due_days, "check_after_months": improvement.check_after_months,
        "risk_review_months": improvement.risk_review_months,
    }


def index_rows(entries: Sequence[IndexEntry]) -> list[dict[str, str]]:
    return [{"name": e.name, "sha256": e.sha256, "date": e.date, "proves": e.proves}
            for e in entries]


def risks_context(data: AuditData) -> dict[str, Any]:
    sheet = data.risks
    path = data.office.config.binding("actions").path.name
    rows = [{"ref": r.ref, "risk": r.risk,
             "likelihood": "" if r.likelihood is None else str(r.likelihood),
             "impact": "" if r.impact is None else str(r.impact),
             "score": "" if r.score is None else str(r.score), "measures": r.measures,
             "actions": ", ".join(r.action_ids) or r.action_text,
             "reviewed": f"{r.reviewed_on:%d/%m/%Y}" if r.reviewed_on else ""}
            for r in sheet.risks]
    rated = sum(1 for r in sheet.risks if r.score is not None)
    last = sheet.last_review
    if not sheet.found:
        summary = (f"Aucune analyse des risques : le registre {path} n'a pas de feuille "
                   "« Analyse des risques ».")
    else:
        summary = (f"{len(rows)} risque(s) dans la feuille « {sheet.sheet} » de {path}, dont "
                   f"{rated} coté(s) (probabilité et impact) ; "
                   + (f"dernière revue le {last:%d/%m/%Y}." if last else
                      "aucune revue datée : l'analyse reste à évaluer."))
    return {"found": sheet.found, "rows": rows, "summary": summary}


def context(data: AuditData, *, key_figures: Sequence[Figure],
            sections: Mapping[int, dict[str, Any]], links: Sequence[dict[str, str]],
            index: Sequence[IndexEntry], archive: str) -> dict[str, Any]:
    return {**cover(data), "key_figures": _figures(key_figures),
            **{f"s{n}": sections[n] for n in SECTIONS}, "actions_links": list(links),
            "risks": risks_context(data), "rules": rules(data), "index": index_rows(index),
            "archive": archive}
