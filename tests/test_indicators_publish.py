"""Published results: the page and the CSV of a known year, read back; the page in headless
Chromium shows the figures and loads nothing from outside."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.config import load_config
from automation.indicators.config import Indicators
from automation.indicators.load import office_data, office_rules
from automation.indicators.page import CSP
from automation.indicators.period import year
from automation.indicators.publish import publication, publish_office, write_publication

from .chromium import load_page
from .indicator_office import NOW, year_office

PNG = b"\x89PNG\r\n\x1a\n"


def rows(path: Path) -> list[dict[str, str]]:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("\ufeff")  # Excel in French opens it as UTF-8
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


def test_publish_writes_page_and_csv_with_method_period_answers_and_date(tmp_path: Path) -> None:
    config = load_config(year_office(tmp_path / "office"))
    files = publish_office(config, year(2026), now=NOW)
    assert files.html == config.outbox_dir / "resultats" / "resultats-2026.html"
    table = rows(files.csv)
    office = {r["Clé"]: r for r in table if r["Périmètre"] == "Ensemble"}
    satisfaction = office["satisfaction_rate"]
    assert (satisfaction["Valeur"], satisfaction["Unité"], satisfaction["Numérateur"],
            satisfaction["Dénominateur"], satisfaction["Réponses"]) == ("77,78", "%", "7", "9",
                                                                        "9")
    assert satisfaction["Période"] == "année 2026" and satisfaction["Du"] == "01/01/2026"
    assert satisfaction["Mis à jour le"] == "15 janvier 2027"
    assert satisfaction["Méthode"].startswith("Réponses dont la note globale est de 4 ou 5")
    assert office["mean_team"]["Statut"] == "pas de données"
    assert office["mean_team"]["Valeur"] == ""  # never a 0
    english = {r["Clé"]: r for r in table if r["Périmètre"] == "Formation : Anglais professionnel"}
    assert english["satisfaction_rate"]["Statut"] == "non publié"  # 3 answers < 5
    assert english["satisfaction_rate"]["Valeur"] == ""
    assert english["satisfaction_rate"]["Remarque"] == "3 réponses, moins de 5"
    assert english["dropout_rate"]["Statut"] == "publié"  # not a survey figure
    assert files.withheld == 4 and files.warned == 0
    html = files.html.read_text(encoding="utf-8")
    assert "Mis à jour le 15 janvier 2027" in html and "77,8" in html
    assert "Modalités de calcul" in html and "3 réponses, moins de 5" in html


def test_small_samples_can_be_shown_with_a_warning(tmp_path: Path) -> None:
    config = load_config(year_office(tmp_path / "office"))
    item = publication(office_data(config), year(2026), office_rules(config, NOW.date()),
                       Indicators(min_answers=3, small_sample="warn"),
                       organisation="Formations Azur", generated_at=NOW)
    english = dict(item.trainings)["Anglais professionnel"]
    rate = next(f for f in english if f.result.key == "response_rate")  # 2 answers
    assert rate.text == "100\u00a0%" and rate.note == "calculé sur 2 réponses seulement"
    files = write_publication(item, tmp_path / "outbox")
    assert files.warned == 1 and files.withheld == 0


def test_page_needs_nothing_from_outside_and_escapes_register_text(tmp_path: Path) -> None:
    config = load_config(year_office(tmp_path / "office"))
    item = publication(office_data(config), year(2026), office_rules(config, NOW.date()),
                       config.indicators, organisation='=HYPERLINK("x") <b>&',
                       generated_at=NOW)
    files = write_publication(item, tmp_path / "outbox")
    html = files.html.read_text(encoding="utf-8")
    assert f'<meta http-equiv="Content-Security-Policy" content="{CSP}">' in html
    assert "default-src 'none'" in CSP
    assert not re.search(r"https?:|//|\bsrc=|\bhref=|url\(|@import|<script|<link|<img", html,
                         re.IGNORECASE), "the page must not reference anything outside it"
    assert "&lt;b&gt;&amp;" in html and "<b>" not in html


@pytest.mark.slow
def test_published_page_in_chromium_shows_the_figures_and_loads_nothing(tmp_path: Path) -> None:
    config = load_config(year_office(tmp_path / "office"))
    result = CliRunner().invoke(main, ["--dir", str(config.root), "publish", "--period",
                                       "2026"])
    assert result.exit_code == 0, result.output
    page = config.outbox_dir / "resultats" / "resultats-2026.html"
    loaded = load_page(page, tmp_path / "chromium")
    assert loaded.requests == ()
    assert "Nos résultats — année 2026" in loaded.dom
    assert "77,8&nbsp;%" in loaded.dom and "Excel avancé" in loaded.dom  # as serialised
    shot = loaded.screenshot.read_bytes()
    assert shot.startswith(PNG) and len(shot) > 20_000  # a drawn page, not a blank one


@pytest.mark.slow
def test_request_check_sees_a_page_that_loads_from_outside(tmp_path: Path) -> None:
    """The control: the same check finds an external image on a page without our policy."""
    page = tmp_path / "outside.html"
    page.write_text('<!DOCTYPE html><html><body><img src="http://127.0.0.1:9/logo.png">'
                    '</body></html>', encoding="utf-8")
    assert load_page(page, tmp_path / "chromium").requests == ("http://127.0.0.1:9/logo.png",)
