"""``automation audit-pack``: the document of the known year 2026 read back with python-docx,
its PDF converted by LibreOffice and looked at page by page, its index checked against the
archive."""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import subprocess
import zipfile
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document
from docx.document import Document as DocumentObject
from docx.table import Table

from automation.audit.pack import AuditPack, make_audit_pack
from automation.cli import main
from automation.clock import FixedClock
from automation.config import load_config
from automation.indicators.period import year
from automation.pipeline.office import open_office
from automation.referential import referential_for

from .audit_office import AUDIT_DAY, year_2026
from .conftest import REPO


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> AuditPack:
    root, clock = year_2026(tmp_path_factory.mktemp("audit") / "office")
    with open_office(root, clock=clock) as office:
        return make_audit_pack(office, year(2026), pdf=True)


@pytest.fixture(scope="module")
def document(pack: AuditPack) -> DocumentObject:
    return Document(str(pack.document))


def texts(doc: DocumentObject) -> list[str]:
    return [p.text for p in doc.paragraphs]


def headings(doc: DocumentObject, level: int) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def table_after(doc: DocumentObject, *header: str) -> list[list[str]]:
    """The first table whose first header cells are ``header``, as text."""
    for table in doc.tables:
        if [c.text for c in table.rows[0].cells[:len(header)]] == list(header):
            return [[c.text for c in row.cells] for row in table.rows]
    raise AssertionError(f"no table headed {header!r}")


def tables_headed(doc: DocumentObject, first: str) -> list[Table]:
    return [t for t in doc.tables if t.rows[0].cells[0].text == first]


def section(doc: DocumentObject, title: str) -> list[str]:
    """The paragraphs' texts from the heading ``title`` to the next heading of level 1."""
    paragraphs = doc.paragraphs
    start = next(i for i, p in enumerate(paragraphs) if p.text.startswith(title)
                 and p.style.name == "Heading 1")
    found = []
    for p in paragraphs[start + 1:]:
        if p.style.name == "Heading 1":
            break
        found.append(p.text)
    return found


def test_the_pack_is_a_document_its_pdf_an_archive_and_an_index(pack: AuditPack) -> None:
    assert pack.folder.name == "2026" and pack.folder.parent.name == "audit"
    assert pack.document.name == "dossier-audit-2026.docx"
    assert pack.pdf is not None and pack.pdf.read_bytes()[:5] == b"%PDF-"
    assert pack.archive.name == "preuves-2026.zip"
    assert pack.index.read_bytes()[:3] == b"\xef\xbb\xbf"  # UTF-8 with BOM, for Excel


def test_cover_names_the_organisation_its_nda_the_period_and_the_referential(
        document: DocumentObject) -> None:
    cover = "\n".join(texts(document)[:12])
    assert "Formations Azur" in cover
    assert "Numéro de déclaration d'activité : 93 06 12345 06" in cover
    assert "année 2026, du 1 janvier 2026 au 31 décembre 2026" in cover.replace("1er", "1")
    in_force = referential_for(date(2026, 12, 31))
    assert in_force.version == "2026" and in_force.title in cover


def test_one_section_per_indicator_with_its_wording_from_the_referential(
        document: DocumentObject) -> None:
    ref = referential_for(date(2026, 12, 31))
    titles = headings(document, 1)
    for number in (2, 30, 31, 32):
        indicator = ref.indicator(number)
        assert indicator is not None
        title = f"Indicateur {number} — critère {indicator.criterion}"
        assert title in titles
        body = section(document, title)
        assert f"« {indicator.wording} »" in body
        for part in ("Chiffres de la période", "Graphiques", "Extrait des registres de la période",
                     "Procédure suivie"):
            assert part in body, (number, part)
    assert "« ainsi qu'une analyse des risques sur la qualité des formations délivrées »" in \
        " ".join(section(document, "Indicateur 32"))
    assert titles[-1] == "Index des preuves"


def test_key_figures_are_those_of_the_registers_with_their_methods(
        document: DocumentObject) -> None:
    figures = {row[0]: row[1:] for row in table_after(document, "Chiffre")[1:]}
    assert figures["Stagiaires"][0] == "8"  # the planning's participants of 2026
    assert figures["Réclamations reçues"][0] == "4"  # REC-2026-0001, 2, 3 and 5
    assert figures["Réclamations accusées dans le délai"][:2] == ["75\u00a0%", "3 / 4"]
    value, basis, method = figures["Taux de satisfaction"]
    assert value == "75\u00a0%" and basis == "6 / 8 (8 réponse(s))"
    assert "note globale est de 4 ou 5 sur 5" in method
    assert figures["Actions ouvertes sur la période"][0] == "4"


def test_indicator_32_shows_the_actions_linked_both_ways_and_the_risk_analysis(
        document: DocumentObject) -> None:
    links = {row[0]: row[1:] for row in table_after(document, "Action")[1:]}
    assert links["ACT-2026-0001"] == ["Réclamation", "REC-2026-0001", "REC-2026-0001",
                                      "liée dans les deux sens"]
    assert links["ACT-2026-0002"][:3] == ["Abandon", "ABD-2026-0001", "—"]
    assert links["ACT-2026-0003"][2:] == ["REC-2026-0002, REC-2026-0003",
                                          "origine ajoutée par REC-2026-0003"]
    risks = {row[0]: row for row in table_after(document, "N°", "Risque")[1:]
             if row[0].startswith("R-")}
    assert risks["R-06"][2:5] == ["3", "3", "9"] and risks["R-06"][6] == "ACT-2026-0003"
    assert risks["R-06"][7] == "22/12/2026"
    assert risks["R-01"][2:5] == ["", "", ""]  # not evaluated: left empty, never guessed
    body = " ".join(section(document, "Indicateur 32"))
    assert "dont 3 coté(s)" in body and "dernière revue le 22/12/2026" in body
    figures = {row[0]: row[1] for t in tables_headed(document, "Chiffre") for row in
               [[c.text for c in r.cells] for r in t.rows]}
    assert figures["Efficacité vérifiée"] == "100\u00a0%"
    assert figures["Réclamations avec action corrective reliée à une action"] == "100\u00a0%"


def test_complete_cases_show_their_letters_and_whether_they_were_sent(
        document: DocumentObject) -> None:
    complaints = " ".join(section(document, "Indicateur 31"))
    assert "Cas REC-2026-0001 — Réclamation — Support de cours incomplet" in complaints
    assert ("Courrier « Accusé de réception de réclamation » — préparé le 12/03/2026, envoyé "
            "le 13/03/2026 — déclaré envoyé (automation letters sent)") in complaints
    assert "Le support complet vous a été envoyé par courriel le 19 mars" in complaints
    dropouts = " ".join(section(document, "Indicateur 32"))
    assert "Cas ABD-2026-0001 — Abandon — Bruno Petit, Excel avancé" in dropouts
    for heading in ("Information du prescripteur d'une absence", "Demande des motifs d'abandon",
                    "Proposition d'alternative", "Attestation d'abandon de formation"):
        assert f"Courrier « {heading} »" in dropouts, heading
    assert "Action d'amélioration ouverte : ACT-2026-0002." in dropouts


def test_a_register_without_rows_in_the_period_says_so(document: DocumentObject) -> None:
    body = section(document, "Indicateur 31")
    assert any(t.startswith("Aucune ligne sur la période (année 2026) dans annulations.xlsx")
               for t in body)


def test_charts_are_images_of_the_archive(document: DocumentObject, pack: AuditPack) -> None:
    blobs = {hashlib.sha256(shape._inline.graphic.graphicData.pic.blipFill.blip.embed
                            .encode()).hexdigest() for shape in document.inline_shapes}
    assert blobs
    images = [part for part in document.part.package.parts
              if part.partname.endswith(".png")]
    in_document = {hashlib.sha256(part.blob).hexdigest() for part in images}
    with zipfile.ZipFile(pack.archive) as archive:
        charts = {hashlib.sha256(archive.read(name)).hexdigest(): name
                  for name in archive.namelist() if name.startswith("graphiques/")}
    assert set(charts) == in_document
    assert {Path(n).stem for n in charts.values()} == {
        "satisfaction-mois", "criteres", "reclamations-mois", "reclamations-categories",
        "delais", "abandons-motifs", "actions"}
    for part in images:
        assert part.blob[:8] == b"\x89PNG\r\n\x1a\n"


def test_index_lists_every_file_of_the_archive_with_its_sha256(
        document: DocumentObject, pack: AuditPack) -> None:
    index = table_after(document, "Fichier")
    assert index[0] == ["Fichier", "SHA-256", "Date", "Ce qu'il prouve"]
    listed = {row[0]: row for row in index[1:]}
    with zipfile.ZipFile(pack.archive) as archive:
        assert archive.testzip() is None
        members = {name: hashlib.sha256(archive.read(name)).hexdigest()
                   for name in archive.namelist()}
    assert set(listed) == set(members)
    for name, digest in members.items():
        assert listed[name][1] == digest, name
        assert listed[name][3], name  # what it proves
    csv_rows = list(csv.reader(io.StringIO(pack.index.read_text("utf-8-sig")), delimiter=";"))
    assert {row[0]: row[1] for row in csv_rows[1:]} == members
    for name in ("registres/reclamations.xlsx", "registres/actions.xlsx",
                 "extraits/reclamations-2026.xlsx", "indicateurs/indicateurs-2026.csv"):
        assert name in members
    letters = [n for n in members if n.startswith("courriers/REC-2026-0001/")]
    assert len(letters) == 2  # its acknowledgment and its answer, as written


def test_the_pdf_converted_by_libreoffice_has_every_section(
        pack: AuditPack, tmp_path: Path) -> None:
    assert pack.pdf is not None
    for program in ("pdftotext", "pdftoppm"):
        if shutil.which(program) is None:
            pytest.fail(f"{program} is not installed (Debian: poppler-utils)", pytrace=False)
    text = subprocess.run(["pdftotext", "-layout", str(pack.pdf), "-"], capture_output=True,
                          text=True, check=True, timeout=60).stdout
    for words in ("Dossier de preuves", "Indicateur 2", "Indicateur 30", "Indicateur 31",
                  "Indicateur 32", "Analyse des risques", "Index des preuves",
                  "REC-2026-0001"):
        assert words in text, words
    subprocess.run(["pdftoppm", "-png", "-r", "40", str(pack.pdf), str(tmp_path / "page")],
                   check=True, timeout=120)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == text.count("\f") and len(pages) >= 10
    assert all(p.stat().st_size > 2000 for p in pages)  # a page drawn, not blank


def test_the_office_s_restyled_template_is_the_one_used(tmp_path: Path) -> None:
    root, clock = tmp_path / "office", FixedClock(AUDIT_DAY)
    from automation.pipeline.scaffold import init_office

    init_office(root, clock=clock)
    template = root / "templates" / "dossier-audit.docx"
    doc = Document(str(template))
    procedure = next(p for p in doc.paragraphs if p.text.startswith("Toute réclamation"))
    for run in procedure.runs[1:]:
        run.text = ""
    procedure.runs[0].text = "Notre procédure maison : tout appel est noté le jour même."
    doc.save(str(template))
    config = replace(load_config(root))
    with open_office(root, clock=clock, config=config) as office:
        made = make_audit_pack(office, year(2026), pdf=False)
    body = texts(Document(str(made.document)))
    assert "Notre procédure maison : tout appel est noté le jour même." in body
    assert made.pdf is None


def test_an_office_without_a_year_of_data_gets_a_pack_that_says_so(tmp_path: Path) -> None:
    root = tmp_path / "office"
    result = CliRunner().invoke(main, ["--dir", str(root), "init"])
    assert result.exit_code == 0, result.output
    result = CliRunner().invoke(main, ["--dir", str(root), "audit-pack", "--period", "2025",
                                       "--no-pdf"])
    assert result.exit_code == 0, result.output
    assert "preuves-2025.zip" in result.output
    doc = Document(str(root / "outbox" / "audit" / "2025" / "dossier-audit-2025.docx"))
    body = texts(doc)
    assert "Aucun graphique : les registres n'ont pas de données de la période pour cet " \
           "indicateur." in body
    assert any(t.startswith("Aucun cas présenté") for t in body)
    figures = {row[0]: row[1] for row in table_after(doc, "Chiffre")[1:]}
    assert figures["Taux de satisfaction"].startswith("pas de données")
    assert not doc.inline_shapes


def test_the_default_template_is_what_the_build_script_makes() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "build_audit_template", REPO / "scripts" / "build_audit_template.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    built = module.template_bytes()

    def members(data: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return {n: archive.read(n) for n in archive.namelist()}

    for place in ("automation/defaults", "templates"):
        shipped = (REPO / place / "dossier-audit.docx").read_bytes()
        assert members(built) == members(shipped), f"{place}: run build_audit_template.py"
