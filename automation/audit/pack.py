"""``automation audit-pack --period P``: the folder ``outbox/audit/<période>/`` an auditor reads.

It holds ``dossier-audit-<période>.docx`` (and its PDF when LibreOffice is installed),
``preuves-<période>.zip`` and ``index-des-preuves-<période>.csv``. The steps, in order:

1. read the office once (:mod:`.gather`);
2. draw the charts (:mod:`.charts`), write each register's extract of the period
   (:mod:`.extracts`), choose the complete cases and their letters (:mod:`.cases`);
3. put the evidence in the archive — the registers as they are, the planning, the extracts,
   the charts, the figures as CSV, the cases' letters, the published results of the period
   when they were published — and index it (:mod:`.evidence`);
4. fill the Word template (:mod:`.document`), then convert it to PDF.

The registers are only read: the pack can be made while the watcher runs.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from docxtpl import DocxTemplate

from automation.audit import cases as case_module
from automation.audit.charts import draw_charts
from automation.audit.document import (
    SECTIONS,
    context,
    render_document,
    section_context,
    template_path,
)
from automation.audit.evidence import (
    Evidence,
    IndexEntry,
    build_archive,
    write_csv,
    write_index_csv,
)
from automation.audit.extracts import extract, extract_name, write_extract
from automation.audit.figures import Figure, from_result, improvement_figures, indicator_figures
from automation.audit.gather import AuditData, gather
from automation.audit.links import action_links
from automation.errors import LetterError
from automation.indicators.period import Period
from automation.indicators.results import format_number
from automation.letters.pdf import convert_to_pdf, libreoffice_available
from automation.pipeline.office import Office

log = logging.getLogger(__name__)

FOLDER: Final = "audit"
KEY_FIGURES: Final = ("learners", "satisfaction_rate", "nps", "response_rate", "dropout_rate",
                      "completion_rate", "complaints", "acknowledged_in_time",
                      "answered_in_time", "median_days_to_answer")
SECTION_REGISTERS: Final = {2: ("satisfaction", "abandons"), 30: ("satisfaction",),
                            31: ("reclamations", "annulations"), 32: ("actions",)}
PROVES: Final = {
    "reclamations": "Registre de suivi des réclamations, difficultés et aléas (indicateur 31)",
    "annulations": "Registre des annulations et reports, participants informés (indicateur 31)",
    "abandons": "Registre des abandons et de leur procédure en 8 étapes (indicateurs 2 et 32)",
    "satisfaction": "Recueil des appréciations des parties prenantes (indicateurs 2 et 30)",
    "actions": "Registre des actions d'amélioration et analyse des risques (indicateur 32)",
}


@dataclass(frozen=True)
class AuditPack:
    folder: Path
    document: Path
    pdf: Path | None
    archive: Path
    index: Path
    entries: tuple[IndexEntry, ...]
    pdf_error: str = ""  # why there is no PDF, in French


def pack_folder(office: Office, period: Period) -> Path:
    return office.config.outbox_dir / FOLDER / period.key


def make_audit_pack(office: Office, period: Period, *, now: datetime | None = None,
                    pdf: bool | None = None) -> AuditPack:
    """Write the audit pack of ``period`` into ``outbox/audit/<période>/``."""
    now = now or office.clock.now()
    data = gather(office, period, now=now)
    folder = pack_folder(office, period)
    folder.mkdir(parents=True, exist_ok=True)
    key = period.key
    document = folder / f"dossier-audit-{key}.docx"
    archive = folder / f"preuves-{key}.zip"
    with tempfile.TemporaryDirectory(prefix=".audit-", dir=folder) as work:
        scratch = Path(work)
        charts = draw_charts(data, scratch / "graphiques")
        complaint_cases, dropout_cases = case_module.choose_cases(data)
        evidence = _evidence(data, scratch, charts, [*complaint_cases, *dropout_cases])
        entries = build_archive(archive, evidence)
        template = template_path(office.config.templates_dir)

        def build(doc: DocxTemplate) -> dict[str, Any]:
            sections = {n: section_context(
                data, n, figures=_section_figures(data, n), charts=charts,
                extracts=[extract(data, k) for k in SECTION_REGISTERS[n]],
                cases=complaint_cases if n == 31 else dropout_cases if n == 32 else [],
                no_cases=_no_cases(data, n), doc=doc) for n in SECTIONS}
            return context(data, key_figures=_key_figures(data), sections=sections,
                           links=action_links(data), index=entries, archive=archive.name)

        render_document(template, document, build)
    index = write_index_csv(folder / f"index-des-preuves-{key}.csv", entries)
    made_pdf, error = None, ""
    wanted = office.config.audit.pdf if pdf is None else pdf
    if wanted and libreoffice_available():
        try:
            made_pdf = convert_to_pdf([document], folder)[0]
        except LetterError as exc:
            error = f"PDF non produit : {exc}"
            log.warning("audit pack %s: %s", key, error)
    elif wanted:
        error = "PDF non produit : LibreOffice n'est pas installé."
    log.info("audit pack %s: %s, %d file(s) in %s", key, document.name, len(entries),
             archive.name)
    return AuditPack(folder, document, made_pdf, archive, index, tuple(entries), error)


def _key_figures(data: AuditData) -> list[Figure]:
    keys = {r.key for r in data.report.results}
    figures = [from_result(data.report.result(k)) for k in KEY_FIGURES if k in keys]
    return figures + improvement_figures(data)[:1]


def _section_figures(data: AuditData, number: int) -> list[Figure]:
    figures = indicator_figures(data, number)
    return improvement_figures(data) + figures if number == 32 else figures


def _no_cases(data: AuditData, number: int) -> str:
    if number == 31:
        return (f"Aucun cas présenté : aucune réclamation ni difficulté de la période "
                f"({data.period.label}) n'a de courrier dans le journal de l'outil.")
    if number == 32:
        return (f"Aucun cas présenté : aucun abandon de la période ({data.period.label}) n'a "
                f"de courrier dans le journal de l'outil.")
    return ""


def _evidence(data: AuditData, scratch: Path, charts: Sequence[Any],
              cases: Sequence[case_module.Case]) -> list[Evidence]:
    items: list[Evidence] = []
    for register in data.registers.values():
        if not register.exists:
            continue
        path = register.binding.path
        items.append(Evidence(f"registres/{path.name}", path,
                              f"{PROVES[register.key]} : {len(register.rows)} ligne(s), dont "
                              f"{len(register.in_period)} sur la période ; tel qu'enregistré"))
    if data.planning_path.is_file():
        items.append(Evidence(f"registres/{data.planning_path.name}", data.planning_path,
                              "Planning des sessions de l'organisme (dénominateurs des taux)"))
    for register in data.registers.values():
        if register.exists and register.in_period:
            name = extract_name(register.key, data)
            path = write_extract(register, scratch / name)
            items.append(Evidence(name, path, f"Extrait du « {register.title} » : les "
                                  f"{len(register.in_period)} ligne(s) de la période "
                                  f"({data.period.label})", made_at=data.now))
    figures = _figures_csv(data, scratch / f"indicateurs/indicateurs-{data.period.key}.csv")
    items.append(Evidence(f"indicateurs/{figures.name}", figures,
                          "Chiffres de la période avec leurs modalités de calcul "
                          "(indicateur 2)", made_at=data.now))
    for chart in charts:
        items.append(Evidence(f"graphiques/{chart.path.name}", chart.path,
                              f"Graphique « {chart.title} » (indicateur "
                              f"{', '.join(str(n) for n in chart.indicators)})",
                              made_at=data.now))
    for name, path, proves in case_module.case_files(cases):
        items.append(Evidence(name, path, proves))
    published = data.office.config.outbox_dir / "resultats"
    for suffix in (".html", ".csv"):
        page = published / f"resultats-{data.period.key}{suffix}"
        if page.is_file():
            items.append(Evidence(f"resultats/{page.name}", page,
                                  "Résultats publiés de la période (indicateur 2)"))
    return items


def _figures_csv(data: AuditData, target: Path) -> Path:
    rows: list[tuple[object, ...]] = [
        (result.label, result.shown,
         "" if result.numerator is None else format_number(result.numerator, 4),
         "" if result.denominator is None else format_number(result.denominator, 4),
         "" if result.answers is None else result.answers, result.period_label,
         result.method, ", ".join(str(n) for n in result.referential))
        for result in data.report.results]
    rows += [(figure.label, figure.value, figure.basis, "", "", data.period.label,
              figure.method, "32") for figure in improvement_figures(data)]
    return write_csv(target, ("Indicateur", "Valeur", "Numérateur", "Dénominateur",
                              "Réponses", "Période", "Méthode", "Référentiel (indicateurs)"),
                     rows)
