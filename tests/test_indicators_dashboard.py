"""The dashboard's « Indicateurs » sheets and native charts, written by ``due`` and read back
with openpyxl and LibreOffice."""

from __future__ import annotations

import posixpath
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from openpyxl import load_workbook

from automation.clock import FixedClock
from automation.deadlines.dashboard import DASHBOARD_FILE, SHEET, write_dashboard
from automation.pipeline.deadlines import due_now
from automation.pipeline.office import open_office

from .indicator_office import NOW, year_office


@pytest.fixture
def dashboard(tmp_path: Path) -> Path:
    root = year_office(tmp_path / "office")
    with open_office(root, clock=FixedClock(NOW)) as office:
        due_now(office)
    return root / "registers" / DASHBOARD_FILE


REL = "{http://schemas.openxmlformats.org/package/2006/relationships}Relationship"
MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _targets(package: zipfile.ZipFile, part: str) -> dict[str, str]:
    """The relationships of ``part``: id -> target part (a path inside the package)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{name}.rels")
    if rels not in package.namelist():
        return {}
    found = {}
    for rel in etree.fromstring(package.read(rels)).iter(REL):
        target = rel.get("Target", "")
        found[rel.get("Id", "")] = target.lstrip("/") if target.startswith("/") \
            else posixpath.normpath(posixpath.join(folder, target))
    return found


def charts(path: Path) -> dict[str, int]:
    """Charts per sheet name, read from the package itself."""
    with zipfile.ZipFile(path) as package:
        workbook = etree.fromstring(package.read("xl/workbook.xml"))
        parts = _targets(package, "xl/workbook.xml")
        found = {}
        for sheet in workbook.iter(f"{MAIN}sheet"):
            drawings = _targets(package, parts[sheet.get(R_ID, "")]).values()
            found[sheet.get("name", "")] = sum(
                "/charts/" in target for drawing in drawings if "/drawings/" in drawing
                for target in _targets(package, drawing).values())
    return found


def test_due_writes_indicator_sheets_per_year_with_office_and_training_figures(
        dashboard: Path) -> None:
    workbook = load_workbook(dashboard)
    assert workbook.sheetnames == [SHEET, "Indicateurs 2026", "Indicateurs 2026 par mois",
                                   "Indicateurs 2027", "Indicateurs 2027 par mois"]
    sheet = workbook["Indicateurs 2026"]
    assert [c.value for c in sheet[4]] == ["Indicateur", "Unité", "Ensemble",
                                           "Anglais professionnel", "Excel avancé", "Méthode"]
    by_label = {row[0].value: row for row in sheet.iter_rows(min_row=5, max_row=31)}
    satisfaction = by_label["Taux de satisfaction"]
    assert [c.value for c in satisfaction[2:5]] == [77.78, 100, 66.67]
    assert satisfaction[2].number_format == '0.0" %"'
    assert satisfaction[5].value.startswith("Réponses dont la note globale")
    team = by_label["Note moyenne « Équipe pédagogique »"][2]
    assert team.value == "pas de données"
    assert team.comment.text == "aucune réponse ne donne de note « Équipe pédagogique »"
    assert [c.value for c in by_label["Réclamations reçues"][2:5]] == [3, 1, 2]
    monthly = workbook["Indicateurs 2026 par mois"]
    months = {row[0].value: [c.value for c in row[1:]] for row in
              monthly.iter_rows(min_row=6, max_row=17)}
    assert months["mars 2026"][:4] == [66.67, 66.67, 1, 1]  # satisfaction, NPS, REC, ABD
    assert months["février 2026"][:3] == [None, None, 0]  # no answer: no point, not 0
    assert months["juin 2026"][5:9] == [3, 2, 10, 15]  # delays against their targets


def test_dashboard_holds_native_charts_and_keeps_them_when_rewritten(dashboard: Path) -> None:
    expected = {SHEET: 0, "Indicateurs 2026": 0, "Indicateurs 2026 par mois": 6,
                "Indicateurs 2027": 0, "Indicateurs 2027 par mois": 3}
    assert charts(dashboard) == expected
    # the « À traiter » refresh alone (no new figures) loads and saves the workbook: the
    # charts must come out of it whole, not lost nor doubled
    write_dashboard(dashboard, [], generated_at=NOW)
    assert charts(dashboard) == expected
    assert load_workbook(dashboard)["Indicateurs 2026"]["C5"].value == 10


def test_a_sheet_a_person_added_stays(dashboard: Path) -> None:
    workbook = load_workbook(dashboard)
    workbook.create_sheet("Indicateurs")["A1"] = "mes notes"
    workbook.save(dashboard)
    root = dashboard.parent.parent
    with open_office(root, clock=FixedClock(NOW)) as office:
        due_now(office)
    reread = load_workbook(dashboard)
    assert reread["Indicateurs"]["A1"].value == "mes notes"
    assert reread.sheetnames.count("Indicateurs 2026") == 1


def test_a_dashboard_of_the_tools_own_sheets_is_rebuilt_whole(dashboard: Path) -> None:
    """Nothing but the tool's sheets: the refresh starts from a new workbook, and gives the
    same sheets, charts and figures as the first."""
    names, drawn = load_workbook(dashboard).sheetnames, charts(dashboard)
    root = dashboard.parent.parent
    with open_office(root, clock=FixedClock(NOW)) as office:
        items = due_now(office)
    reread = load_workbook(dashboard)
    assert reread.sheetnames == names
    assert charts(dashboard) == drawn
    assert reread["Indicateurs 2026"]["C5"].value == 10
    assert reread[SHEET].max_row == 3 + max(len(items), 1)


@pytest.mark.slow
def test_libreoffice_opens_the_dashboard_and_reads_its_charts(dashboard: Path,
                                                              tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is required: scripts/install-system-deps"
    out = tmp_path / "lo"
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    for target in ("pdf", "xlsx"):
        subprocess.run([soffice, profile, "--headless", "--convert-to", target, "--outdir",
                        str(out / target), str(dashboard)], check=True, capture_output=True,
                       timeout=300)
    pdf = (out / "pdf" / "tableau-de-bord.pdf").read_bytes()
    assert pdf.startswith(b"%PDF") and pdf.count(b"/Type /Page") + pdf.count(b"/Type/Page") > 4
    # What LibreOffice saves back has the charts it read: they were understood, not dropped.
    again = charts(out / "xlsx" / "tableau-de-bord.xlsx")
    assert again["Indicateurs 2026 par mois"] == 6
