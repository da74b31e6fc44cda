"""Published results (indicator 2): ``outbox/resultats/`` holds a French HTML page that needs
nothing from outside (inline style, no script, no image, no link — its Content-Security-Policy
forbids any) and the same figures as CSV, each with its method, period, number of answers and
« Mis à jour le … ».

A survey figure resting on fewer than ``[indicators] min_answers`` answers is withheld (the
page says why) or, with ``small_sample = "warn"``, shown with a warning.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

from automation.clock import paris_naive
from automation.indicators.book import trainings_in
from automation.indicators.compute import compute
from automation.indicators.config import Indicators
from automation.indicators.load import office_data, office_rules
from automation.indicators.page import render_page
from automation.indicators.period import Period
from automation.indicators.published import Publication, PublishedFigure, Shown, answers_text
from automation.indicators.records import OfficeData
from automation.indicators.results import IndicatorResult, Report, format_number
from automation.indicators.selection import ResponseBase, Rules, Scope
from automation.letters.dates import french_long_date

if TYPE_CHECKING:
    from automation.config import Config

FOLDER: Final = "resultats"
OFFICE_KEYS: Final = ("learners", "satisfaction_rate", "mean_overall", "mean_welcome",
                      "mean_content", "mean_team", "mean_means", "mean_support", "nps",
                      "response_rate", "dropout_rate", "completion_rate")
TRAINING_KEYS: Final = ("learners", "satisfaction_rate", "mean_overall", "nps",
                        "response_rate", "dropout_rate")


@dataclass(frozen=True)
class PublishedFiles:
    html: Path
    csv: Path
    withheld: int
    warned: int


def publication(data: OfficeData, period: Period, rules: Rules, settings: Indicators, *,
                organisation: str, generated_at: datetime,
                base: ResponseBase | None = None) -> Publication:
    """The figures of ``period`` as the page and the CSV show them."""
    office = compute(data, Scope(period), rules, generated_at=generated_at, base=base,
                     keys=OFFICE_KEYS)
    trainings = sorted(trainings_in(data, period), key=str.casefold)
    reports = [compute(data, Scope(period, training=name), rules, generated_at=generated_at,
                       base=base, keys=TRAINING_KEYS) for name in trainings]
    return Publication(
        organisation=organisation, period=period,
        updated=french_long_date(paris_naive(generated_at).date()),
        office=_figures(office, settings),
        trainings=tuple((r.training, _figures(r, settings)) for r in reports),
        min_answers=settings.min_answers, small_sample=settings.small_sample,
        referential_version=office.referential_version)


def write_publication(item: Publication, outbox: Path) -> PublishedFiles:
    folder = outbox / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"resultats-{item.period.key}"
    html = _write(folder / f"{stem}.html", render_page(item))
    table = _write(folder / f"{stem}.csv", "\ufeff" + csv_text(item))
    every = [*item.office, *(f for _, figures in item.trainings for f in figures)]
    return PublishedFiles(html, table, sum(f.shown is Shown.WITHHELD for f in every),
                          sum(f.shown is Shown.WARNED for f in every))


def publish_office(config: Config, period: Period, *, now: datetime,
                   base: ResponseBase | None = None) -> PublishedFiles:
    """Write the office's results of ``period`` into ``outbox/resultats/``."""
    item = publication(office_data(config), period, office_rules(config, now.date()),
                       config.indicators, organisation=config.organisation.name,
                       generated_at=now, base=base)
    return write_publication(item, config.outbox_dir)


def _figures(report: Report, settings: Indicators) -> tuple[PublishedFigure, ...]:
    return tuple(_figure(result, settings) for result in report.results)


def _figure(result: IndicatorResult, settings: Indicators) -> PublishedFigure:
    if result.value is None:
        return PublishedFigure(result, Shown.NO_DATA, "pas de données", result.missing)
    few = result.answers is not None and result.answers < settings.min_answers
    if few and settings.small_sample == "withhold":
        return PublishedFigure(result, Shown.WITHHELD, "non publié",
                               f"{answers_text(result.answers)}, moins de {settings.min_answers}")
    if few:
        return PublishedFigure(result, Shown.WARNED, result.shown,
                               f"calculé sur {answers_text(result.answers)} seulement")
    return PublishedFigure(result, Shown.PUBLISHED, result.shown, "")


CSV_HEADERS: Final = ("Périmètre", "Indicateur", "Période", "Du", "Au", "Valeur", "Unité",
                      "Numérateur", "Dénominateur", "Réponses", "Statut", "Remarque",
                      "Méthode", "Mis à jour le", "Clé")


def csv_text(item: Publication) -> str:
    """The figures as a French CSV (« ; » and decimal commas, as Excel in French reads it).

    No cell starts with text from the registers (a training's name follows « Formation : »),
    so none can be read as a formula."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    rows: list[tuple[str, Sequence[PublishedFigure]]] = [("Ensemble", item.office)]
    rows += [(f"Formation : {name}", figures) for name, figures in item.trainings]
    for scope, figures in rows:
        for figure in figures:
            result = figure.result
            shown = figure.shown in (Shown.PUBLISHED, Shown.WARNED)
            writer.writerow([
                scope, result.label, item.period.label, f"{item.period.start:%d/%m/%Y}",
                f"{item.period.end:%d/%m/%Y}",
                format_number(result.value, 2) if shown and result.value is not None else "",
                str(result.unit),
                _number(result.numerator) if shown else "",
                _number(result.denominator) if shown else "",
                "" if result.answers is None else str(result.answers), str(figure.shown),
                figure.note, result.method, item.updated, result.key])
    return out.getvalue()


def _number(value: float | None) -> str:
    return "" if value is None else format_number(value, 2)


def _write(path: Path, text: str) -> Path:
    temp = path.with_name(f".{path.name}.tmp")
    temp.write_text(text, encoding="utf-8", newline="")  # created with the umask's mode
    temp.replace(path)
    return path
