"""The audit pack's charts, as PNG images, drawn with matplotlib from the period's figures.

matplotlib's object interface (:class:`matplotlib.figure.Figure`, no ``pyplot``) draws without
a display and without global state, with the DejaVu fonts it ships (French accents print
everywhere). Each chart is drawn only from figures that have data; a chart with nothing to
show is not drawn, and the section says why instead. Every chart states its period and the
source of its figures in its caption.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from automation.audit.gather import AuditData
from automation.deadlines.rules import as_date
from automation.indicators.results import Report
from automation.registers.schema import ACTION_STATUSES, ACTIONS

WIDTH_IN: Final = 6.3  # inches: 16 cm, the width of an A4 page's text
HEIGHT_IN: Final = 2.9
DPI: Final = 150
BLUE: Final = "#1F4E78"
COLOURS: Final = ("#1F4E78", "#C55A11", "#548235", "#7F6000", "#7030A0", "#2E75B6")


@dataclass(frozen=True)
class Chart:
    key: str  # file stem: "satisfaction-mois"
    title: str
    caption: str  # French: what it shows, from what
    path: Path
    indicators: tuple[int, ...]


SHORT_MONTHS: Final = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août",
                       "sept.", "oct.", "nov.", "déc.")


def _month_labels(months: Sequence[Report]) -> list[str]:
    return [SHORT_MONTHS[m.period.start.month - 1] for m in months]


def _values(months: Sequence[Report], key: str) -> list[float | None]:
    return [m.result(key).value for m in months]


def _figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=(WIDTH_IN, HEIGHT_IN), dpi=DPI, layout="constrained")
    return figure, figure.add_subplot()


def _save(figure: Figure, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=DPI, format="png", metadata={"Software": None})
    return path


def _line(months: Sequence[Report], series: Sequence[tuple[str, str]], title: str,
          y_label: str, path: Path, targets: Sequence[tuple[str, float]] = ()) -> Path | None:
    data = [(label, _values(months, key)) for key, label in series]
    if all(v is None for _, values in data for v in values):
        return None
    figure, axes = _figure()
    labels = _month_labels(months)
    positions = list(range(len(labels)))
    for index, (label, values) in enumerate(data):
        points = [(x, v) for x, v in zip(positions, values, strict=True) if v is not None]
        if points:
            axes.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                      color=COLOURS[index % len(COLOURS)], label=label)
    for index, (label, value) in enumerate(targets):
        axes.axhline(value, linestyle="--", linewidth=1,
                     color=COLOURS[(index + len(data)) % len(COLOURS)], label=label)
    _axes(axes, title, y_label, positions, labels)
    return _save(figure, path)


def _bars(labels: Sequence[str], counts: Sequence[float], title: str, y_label: str,
          path: Path, *, horizontal: bool = False) -> Path | None:
    if not labels or not any(counts):
        return None
    figure, axes = _figure()
    positions = list(range(len(labels)))
    if horizontal:
        axes.barh(positions, counts, color=BLUE)
        axes.set_yticks(positions, labels=[_short(x) for x in labels], fontsize=7)
        axes.invert_yaxis()
        axes.xaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_xlabel(y_label, fontsize=8)
        axes.set_title(title, fontsize=10)
        axes.grid(axis="x", alpha=0.3)
    else:
        axes.bar(positions, counts, color=BLUE)
        _axes(axes, title, y_label, positions, list(labels), legend=False)
        if all(float(c).is_integer() for c in counts):
            axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return _save(figure, path)


def _short(text: str, size: int = 38) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def _axes(axes: Axes, title: str, y_label: str, positions: Sequence[int],
          labels: Sequence[str], *, legend: bool = True) -> None:
    axes.set_title(title, fontsize=10)
    axes.set_ylabel(y_label, fontsize=8)
    axes.set_xticks(list(positions), labels=list(labels), fontsize=7)
    axes.tick_params(axis="y", labelsize=7)
    axes.grid(axis="y", alpha=0.3)
    if legend:
        axes.legend(fontsize=7, loc="best")


def draw_charts(data: AuditData, folder: Path) -> list[Chart]:
    """Every chart the period's figures allow, written into ``folder``."""
    months, report, period = data.months, data.report, data.period
    source = f"{period.label}, registres de l'organisme"
    charts: list[Chart] = []

    def add(key: str, title: str, caption: str, path: Path | None, *numbers: int) -> None:
        if path is not None:
            charts.append(Chart(key, title, f"{caption} — {source}.", path, numbers))

    add("satisfaction-mois", "Satisfaction et recommandation par mois",
        "Taux de satisfaction (notes 4 et 5 sur 5, en %) et NPS (en points) des réponses de "
        "chaque mois",
        _line(months, (("satisfaction_rate", "Satisfaction (%)"), ("nps", "NPS (points)")),
              "Satisfaction et NPS par mois", "% / points", folder / "satisfaction-mois.png"),
        2, 30)
    criteria = [("mean_overall", "Note globale"), ("mean_welcome", "Accueil"),
                ("mean_content", "Contenu"), ("mean_team", "Équipe pédagogique"),
                ("mean_means", "Moyens"), ("mean_support", "Accompagnement")]
    means = [(label, report.result(key).value) for key, label in criteria]
    shown = [(label, value) for label, value in means if value is not None]
    add("criteres", "Notes moyennes par critère",
        "Moyenne sur 5 de chaque critère, des réponses qui le notent",
        _bars([s[0] for s in shown], [s[1] for s in shown], "Notes moyennes sur 5",
              "sur 5", folder / "criteres.png"), 30)
    add("reclamations-mois", "Réclamations par mois",
        "Réclamations reçues chaque mois (nature « Réclamation », par « Date de réception »)",
        _bars(_month_labels(months), [m.result("complaints").value or 0 for m in months],
              "Réclamations par mois", "nombre", folder / "reclamations-mois.png"), 31)
    parts = report.result("complaints_by_category").parts
    add("reclamations-categories", "Réclamations par catégorie",
        "Réclamations de la période par « Catégorie »",
        _bars([p.label for p in parts], [p.count for p in parts], "Réclamations par catégorie",
              "nombre", folder / "reclamations-categories.png", horizontal=True), 31, 32)
    add("delais", "Délais médians d'accusé et de réponse",
        "Délais médians en jours ouvrés depuis la réception, chaque mois, et les délais que "
        "l'organisme s'est fixés",
        _line(months, (("median_days_to_acknowledge", "Accusé de réception"),
                       ("median_days_to_answer", "Réponse")),
              "Délais médians (jours ouvrés)", "jours ouvrés", folder / "delais.png",
              targets=((f"Objectif d'accusé ({data.rules.acknowledge_days} j)",
                        data.rules.acknowledge_days),
                       (f"Objectif de réponse ({data.rules.answer_days} j)",
                        data.rules.answer_days))), 31)
    parts = report.result("dropouts_by_reason").parts
    add("abandons-motifs", "Abandons validés par motif",
        "Abandons validés de la période par « Motif »",
        _bars([p.label for p in parts], [p.count for p in parts], "Abandons validés par motif",
              "nombre", folder / "abandons-motifs.png", horizontal=True), 2, 32)
    path = _actions_chart(data, folder / "actions.png")
    add("actions", "Actions d'amélioration par origine et statut",
        "Actions du registre des actions ouvertes sur la période, par « Origine » et "
        "« Statut »", path, 32)
    return charts


def _actions_chart(data: AuditData, path: Path) -> Path | None:
    rows = [v for _, v in data.register(ACTIONS.key).in_period
            if (d := as_date(v.get("opened_on"))) is not None and d in data.period]
    if not rows:
        return None
    counts = Counter((str(v.get("origin") or "non renseignée"), str(v.get("status") or
                                                                      "non renseigné"))
                     for v in rows)
    origins = sorted({o for o, _ in counts})
    statuses = [s for s in ACTION_STATUSES if any(st == s for _, st in counts)]
    statuses += sorted({st for _, st in counts} - set(statuses))
    figure, axes = _figure()
    positions = list(range(len(origins)))
    bottom = [0.0] * len(origins)
    for index, status in enumerate(statuses):
        heights = [float(counts.get((o, status), 0)) for o in origins]
        axes.bar(positions, heights, bottom=bottom,
                 color=COLOURS[index % len(COLOURS)], label=status)
        bottom = [b + h for b, h in zip(bottom, heights, strict=True)]
    _axes(axes, "Actions par origine et statut", "nombre", positions,
          [_short(o, 18) for o in origins])
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    return _save(figure, path)
