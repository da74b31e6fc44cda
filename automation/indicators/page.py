"""The published results as one self-contained French HTML page.

Everything is inline: the style sheet in ``<style>``, the bars as ``<span>`` widths. There is
no script, image, font or link to fetch, and the page's Content-Security-Policy forbids any
(``default-src 'none'``), so that the page shows the same thing opened from a disk, pasted into
the office's site, or printed. Every text from the registers is escaped.
"""

from __future__ import annotations

from html import escape
from typing import Final

from automation.indicators.published import (
    Publication,
    PublishedFigure,
    Shown,
    answers_text,
    basis,
)
from automation.indicators.results import Unit

READING: Final = (" Chaque chiffre porte sur la période indiquée ; « pas de données » signifie "
                  "que les registres ne permettent pas de le calculer.")
CSP: Final = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"
STYLE: Final = """
body { font-family: "DejaVu Sans", Arial, sans-serif; color: #1f2937; margin: 0;
       background: #f8fafc; }
main { max-width: 980px; margin: 0 auto; padding: 24px 28px 40px; background: #fff; }
h1 { font-size: 1.7em; margin: 0 0 4px; color: #0f3d63; }
h2 { font-size: 1.25em; margin: 28px 0 10px; color: #0f3d63;
     border-bottom: 2px solid #d6e4f0; padding-bottom: 4px; }
.meta { color: #4b5563; margin: 2px 0; }
table { border-collapse: collapse; width: 100%; font-size: .95em; }
th, td { text-align: left; padding: 7px 8px; border-bottom: 1px solid #e5e7eb;
         vertical-align: top; }
thead th { background: #eef4fa; }
td.value { font-weight: bold; white-space: nowrap; }
.bar { display: block; height: 6px; background: #d6e4f0; border-radius: 3px; margin-top: 4px; }
.bar span { display: block; height: 6px; background: #2f7bbf; border-radius: 3px; }
.note { display: block; font-weight: normal; font-size: .85em; color: #92400e; }
.none { color: #6b7280; font-weight: normal; font-style: italic; }
.basis { color: #4b5563; font-size: .9em; }
.count { color: #4b5563; font-size: .85em; font-weight: normal; display: block; }
table.wide { font-size: .85em; }
dl { margin: 0; } dt { font-weight: bold; margin-top: 10px; } dd { margin: 2px 0 0 0; }
footer { margin-top: 30px; font-size: .85em; color: #6b7280; }
"""


def render_page(item: Publication) -> str:
    period = item.period
    rows = "\n".join(
        f"<tr><th scope=\"row\">{escape(f.result.label)}</th>{_value_cell(f)}"
        f"<td class=\"basis\">{escape(basis(f))}</td></tr>" for f in item.office)
    small = (f"Les chiffres d'enquête calculés sur moins de {item.min_answers} réponses "
             + ("ne sont pas publiés." if item.small_sample == "withhold"
                else "sont signalés comme peu représentatifs."))
    when = escape(f"Période : du {period.start:%d/%m/%Y} au {period.end:%d/%m/%Y} · "
                  f"Mis à jour le {item.updated}")
    footer = (f"Indicateurs de résultats publiés au titre de l'indicateur 2 du référentiel "
              f"national qualité (version {item.referential_version}). "
              f"Mis à jour le {item.updated}.")
    methods = "\n".join(f"<dt>{escape(f.result.label)}</dt><dd>{escape(f.result.method)}</dd>"
                        for f in item.office)
    return f"""<!DOCTYPE html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Nos résultats — {escape(period.label)} — {escape(item.organisation)}</title>
<style>{STYLE}</style>
</head>
<body>
<main>
<h1>Nos résultats — {escape(period.label)}</h1>
<p class="meta">{escape(item.organisation)}</p>
<p class="meta">{when}</p>
<h2>Ensemble de nos formations</h2>
<table>
<thead><tr><th>Indicateur</th><th>Résultat</th><th>Base de calcul</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
{_trainings(item)}
<h2>Modalités de calcul</h2>
<dl>
{methods}
</dl>
<p>{escape(small + READING)}</p>
<footer>{escape(footer)}</footer>
</main>
</body>
</html>
"""


def _trainings(item: Publication) -> str:
    if not item.trainings:
        return ""
    labels = [f.result.label for f in item.trainings[0][1]]
    head = "".join(f"<th>{escape(label)}</th>" for label in labels)
    body = "\n".join(
        f"<tr><th scope=\"row\">{escape(name)}</th>"
        + "".join(_value_cell(f, bar=False) for f in figures) + "</tr>"
        for name, figures in item.trainings)
    return f"""<h2>Par formation</h2>
<table class="wide">
<thead><tr><th>Formation</th>{head}</tr></thead>
<tbody>
{body}
</tbody>
</table>"""


def _value_cell(figure: PublishedFigure, *, bar: bool = True) -> str:
    result = figure.result
    note = f"<span class=\"note\">{escape(figure.note)}</span>" if figure.note else ""
    if not bar and not note and result.answers is not None:  # the table has no basis column
        note = f"<span class=\"count\">{escape(answers_text(result.answers))}</span>"
    if figure.shown in (Shown.WITHHELD, Shown.NO_DATA):
        text = f"<span class=\"none\">{escape(figure.text)}</span>"
        return f"<td class=\"value\">{text}{note}</td>"
    width = ""
    if bar and result.value is not None and result.unit is Unit.PERCENT:
        share = max(0.0, min(result.value, 100.0))
        width = f"<span class=\"bar\"><span style=\"width:{share:.1f}%\"></span></span>"
    return f"<td class=\"value\">{escape(figure.text)}{note}{width}</td>"
