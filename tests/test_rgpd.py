"""RGPD: a person's data exported, anonymised everywhere the tool keeps it, or purged when old.

Every test builds a real office (``init``), drops real files through the front door, lets
the letters be produced and a person save a register the way Excel does, then checks every
cell of every workbook (registers, their backups, the dashboard), the raw bytes of the
journal file, the letters and the inbox's copies.
"""

from __future__ import annotations

import csv
import io
import shutil
import sqlite3
import subprocess
import warnings
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from hypothesis import given
from hypothesis import strategies as st

from automation.cli import main
from automation.clock import PARIS, FixedClock
from automation.config import load_config
from automation.letters.pdf import convert_to_pdf, libreoffice_available
from automation.pipeline.files import ingest_file
from automation.pipeline.followup import catch_up
from automation.pipeline.office import Office, open_office
from automation.pipeline.register_watch import look_at_register
from automation.registers.reader import read_register
from automation.rgpd.person import Person, Scrubber
from automation.rgpd.requests import cutoff_year, purge, purge_scope
from automation.text import fold

from .conftest import DATA
from .spine import write_xlsx
from .test_register_watch import save_as_excel_does

ZOE = ("zoe dupre", "dupre zoe", "zoe.dupre", "12 rue des lilas", "06 12 34 56 78")
JEANNE = "Jeanne Martin"


def run(office_dir: Path, *args: str, answer: str | None = None) -> Result:
    return CliRunner().invoke(main, ["--dir", str(office_dir), *args], input=answer,
                              terminal_width=200)


def drop(office: Office, sample: str, folder: str) -> None:
    target = office.config.inbox_dir / folder / sample
    shutil.copyfile(DATA / sample, target)
    ingest_file(office, target)


@pytest.fixture
def traces(office_dir: Path, clock: FixedClock) -> Path:
    """Zoé Dupré in two registers (a CSV, a saved mail with an attachment, a survey), her
    letters produced, and a person saving the register in Excel (its texts then sit in the
    shared string table) to mark her complaint in progress."""
    with open_office(office_dir, clock=clock) as office:
        drop(office, "mail-rgpd-plainte-dupre.eml", "mails")
        drop(office, "mail-rgpd-merci.eml", "mails")
        drop(office, "drop-rgpd-reclamations.csv", "reclamations")
        drop(office, "drop-rgpd-satisfaction.csv", "satisfaction")
        catch_up(office)
        register = office.config.binding("reclamations").path
        save_as_excel_does(register, "REC-2026-0002", {"Statut": "En cours",
                                                       "Responsable": "Claire Martin"})
        look_at_register(office, office.config.binding("reclamations"))
        catch_up(office)
    return office_dir


def every_text(path: Path) -> Iterator[str]:
    """Every part of a workbook or zip, inflated, as text (XML, shared strings, notes…)."""
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            yield archive.read(name).decode("utf-8", errors="replace")


def cells(path: Path) -> Iterator[tuple[str, str, object]]:
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is not None:
                    yield sheet.title, cell.coordinate, cell.value


def names_zoe(text: str) -> bool:
    folded = fold(text)
    return any(fold(trace) in folded for trace in ZOE)


def workbooks(office_dir: Path) -> list[Path]:
    registers = office_dir / "registers"
    return sorted([*registers.glob("*.xlsx"), *(registers / ".backup").glob("*.xlsx")])


def column(path: Path, sheet: str, header: str) -> dict[str, object]:
    worksheet = openpyxl.load_workbook(path)[sheet]
    rows = list(worksheet.iter_rows(values_only=True))
    header_row = next(i for i, r in enumerate(rows) if "N°" in r)
    index = rows[header_row].index(header)
    return {r[0]: r[index] for r in rows[header_row + 1:] if r[0]}


# -- anonymise ---------------------------------------------------------------------------------

def test_anonymise_leaves_no_trace_of_the_person_in_any_workbook_backup_or_journal(
        traces: Path) -> None:
    before = {p: sorted(cells(p)) for p in workbooks(traces)}
    assert any(names_zoe(str(v)) for p in before for _, _, v in before[p])

    result = run(traces, "rgpd", "anonymise", "Zoé Dupré", "--yes")
    assert result.exit_code == 0, result.output
    assert "Personne anonymisée" in result.output

    for path in workbooks(traces):  # every cell openpyxl sees, then every byte of every part
        found = [(s, c, v) for s, c, v in cells(path) if names_zoe(str(v))]
        assert found == [], path
        assert not any(names_zoe(text) for text in every_text(path)), path
    register = traces / "registers" / "reclamations.xlsx"
    names = column(register, "Réclamations", "Nom du déclarant")
    code = str(names["REC-2026-0001"]).removeprefix("Personne anonymisée ")
    assert len(code) == 4
    assert names["REC-2026-0002"] == f"Personne anonymisée {code}"
    assert names["REC-2026-0003"] == JEANNE and names["REC-2026-0004"] == "Paul Girard"
    emails = column(register, "Réclamations", "Email")
    assert emails["REC-2026-0002"] == f"personne-{code.lower()}@anonyme.invalid"
    described = column(register, "Réclamations", "Description")
    assert described["REC-2026-0003"] == (f"Comme Personne anonymisée {code}, elle a attendu "
                                          "40 minutes")
    assert described["REC-2026-0002"] == f"Mme Personne anonymisée {code} signale 15 °C dans " \
        "la salle B"
    notes = column(register, "Réclamations", "Autres informations")
    postal = column(register, "Réclamations", "Adresse postale")
    assert postal["REC-2026-0002"] == "[supprimé]"
    assert "Téléphone : [supprimé]" in str(notes["REC-2026-0002"])
    assert "3 place Bellecour" in str(postal["REC-2026-0004"])  # another person's, kept
    status = column(register, "Réclamations", "Statut")
    assert status["REC-2026-0002"] == "En cours"  # what the person typed in Excel stays
    survey = traces / "registers" / "satisfaction.xlsx"
    assert column(survey, "Satisfaction", "Email")["SAT-2026-0001"] == \
        f"personne-{code.lower()}@anonyme.invalid"  # the same pseudonym in every register
    assert column(survey, "Satisfaction", "Note globale")["SAT-2026-0001"] == 2  # counts stay

    journal_sheet = [r for r in openpyxl.load_workbook(register)["Journal"].iter_rows(
        values_only=True) if r[1] == "Anonymisation (RGPD)"]
    # REC-2026-0005 is the « Difficulté » her low survey score opened: it names her too.
    assert sorted(r[3] for r in journal_sheet) == ["REC-2026-0001", "REC-2026-0002",
                                                   "REC-2026-0003", "REC-2026-0005"]
    assert all("demande de la personne" in r[4] for r in journal_sheet)
    assert len(list((traces / "registers" / ".backup").glob("*.xlsx"))) >= 3


def test_anonymise_rewrites_the_journal_file_itself_and_removes_her_letters_and_mail(
        traces: Path) -> None:
    outbox = traces / "outbox"
    kept_letter = next(outbox.glob("REC-2026-0003 *.docx"))
    assert list(outbox.glob("REC-2026-0001 pièces jointes/thermometre.pdf"))
    assert list((traces / "inbox" / "processed").glob("mail-rgpd-plainte-dupre.eml"))
    assert list((traces / "inbox" / "unclassified").glob("mail-rgpd-merci.eml"))

    assert run(traces, "rgpd", "anonymise", "zoe.dupre@exemple.fr", "--yes").exit_code == 0

    journal = traces / "registers" / ".journal.sqlite3"
    for part in journal.parent.glob(".journal.sqlite3*"):  # the file, its log, its index
        raw = part.read_bytes()
        for trace in (b"Dupr\xc3\xa9", b"dupre", b"Lilas", b"Zo\xc3\xa9"):
            assert trace not in raw, (part.name, trace)
    with sqlite3.connect(journal) as db:
        paths = [p for (p,) in db.execute("SELECT path FROM letters ORDER BY record_id")]
        assert "Personne anonymisée" in paths[0] and "Personne anonymisée" in paths[1]
        assert paths[2] == str(kept_letter)
        senders = [s for (s,) in db.execute("SELECT sender FROM mails")]
        assert senders and all(s.endswith("@anonyme.invalid") for s in senders)
        (erasures,) = db.execute("SELECT COUNT(*) FROM erasures").fetchone()
        assert erasures == 1
        dumped = "\n".join(db.iterdump())
    assert not names_zoe(dumped)
    assert JEANNE in dumped

    assert list(outbox.glob("REC-2026-0001*")) == [] and list(outbox.glob("REC-2026-0002*")) == []
    assert kept_letter.exists()
    assert list((traces / "inbox" / "processed").glob("*.eml")) == []
    assert list((traces / "inbox" / "unclassified").glob("*.eml")) == []  # hers, left for a person
    processed = (traces / "inbox" / "processed" / "drop-rgpd-reclamations.csv").read_text(
        encoding="utf-8-sig")
    assert not names_zoe(processed) and JEANNE in processed


def test_the_watcher_takes_the_anonymisation_as_the_tools_own_write(traces: Path,
                                                                    clock: FixedClock) -> None:
    assert run(traces, "rgpd", "anonymise", "Zoé Dupré", "--yes").exit_code == 0
    with open_office(traces, clock=clock) as office:
        report = look_at_register(office, office.config.binding("reclamations"))
        assert report is None  # the file as the tool left it: nothing to compare
        assert not any(c.entry.author != "automation" and c.entry.field == "name"
                       for c in office.journal.changes(register="reclamations"))


def test_a_second_request_for_the_same_person_gives_the_same_pseudonym(
        traces: Path, clock: FixedClock) -> None:
    assert run(traces, "rgpd", "anonymise", "Zoé Dupré", "--yes").exit_code == 0
    register = traces / "registers" / "reclamations.xlsx"
    first = column(register, "Réclamations", "Nom du déclarant")["REC-2026-0001"]
    with open_office(traces, clock=clock) as office:  # she writes again, under her name
        rows = [["Date de réception", "Canal", "Partie prenante", "Nom du déclarant",
                 "Nature", "Objet"],
                ["10/03/2026", "Oral", "Apprenant", "DUPRÉ Zoé", "Difficulté", "Badge"]]
        ingest_file(office, write_xlsx(office.config.inbox_dir / "reclamations" / "z.xlsx",
                                       rows))
    assert run(traces, "rgpd", "anonymise", "Zoé Dupré", "--yes").exit_code == 0
    names = column(register, "Réclamations", "Nom du déclarant")
    assert names["REC-2026-0005"] == first


def test_dry_run_lists_what_would_change_and_changes_nothing(traces: Path) -> None:
    before = {p: p.read_bytes() for p in traces.rglob("*") if p.is_file()}
    result = run(traces, "rgpd", "anonymise", "Zoé Dupré", "--dry-run")
    assert result.exit_code == 0, result.output
    for shown in ("REC-2026-0001", "REC-2026-0002", "SAT-2026-0001", "la mentionne",
                  "Nom du déclarant", "REC-2026-0001 pièces jointes",
                  "mail-rgpd-plainte-dupre.eml"):
        assert shown in result.output, shown
    assert "REC-2026-0004" not in result.output
    after = {p: p.read_bytes() for p in traces.rglob("*") if p.is_file()}
    assert after == before


def test_answering_no_changes_nothing(traces: Path) -> None:
    register = traces / "registers" / "reclamations.xlsx"
    before = register.read_bytes()
    result = run(traces, "rgpd", "anonymise", "Zoé Dupré", answer="n\n")
    assert result.exit_code == 1
    assert "Rien n'a été modifié" in result.output
    assert register.read_bytes() == before


def test_a_register_open_in_excel_stops_the_anonymisation_before_anything_changes(
        traces: Path) -> None:
    register = traces / "registers" / "reclamations.xlsx"
    owner = register.with_name("~$" + register.name)
    owner.write_bytes(b"\x0cClaire Martin")
    letters = sorted((traces / "outbox").iterdir())
    result = run(traces, "rgpd", "anonymise", "Zoé Dupré", "--yes")
    assert result.exit_code == 2
    assert "Rien n'a été modifié" in result.output and "ouvert dans Excel" in result.output
    assert sorted((traces / "outbox").iterdir()) == letters
    owner.unlink()
    assert run(traces, "rgpd", "anonymise", "Zoé Dupré", "--yes").exit_code == 0


def test_the_anonymised_register_opens_in_libreoffice(traces: Path, tmp_path: Path) -> None:
    assert libreoffice_available(), "LibreOffice (soffice) is required for this check"
    assert run(traces, "rgpd", "anonymise", "Zoé Dupré", "--yes").exit_code == 0
    (pdf,) = convert_to_pdf([traces / "registers" / "reclamations.xlsx"], tmp_path)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                          capture_output=True, text=True).stdout
    assert "Personne anonymisée" in text and "Jeanne Martin" in text
    assert not names_zoe(text)


# -- export ------------------------------------------------------------------------------------

def test_export_gathers_her_rows_letters_mail_and_journal_entries_in_a_zip(
        traces: Path, tmp_path: Path) -> None:
    out = tmp_path / "acces.zip"
    result = run(traces, "rgpd", "export", "Zoé Dupré", "--output", str(out))
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(out) as archive:
        names = archive.namelist()
        readme = archive.read("README.txt").decode("utf-8")
        rows = list(csv.reader(io.StringIO(
            archive.read("registres/reclamations.csv").decode("utf-8-sig")), delimiter=";"))
        survey = archive.read("registres/satisfaction.csv").decode("utf-8-sig")
        journal = archive.read("journal.csv").decode("utf-8-sig")
        workbook = openpyxl.load_workbook(io.BytesIO(archive.read("registres.xlsx")))
    assert "demande d'accès" in readme and "Zoé Dupré" in readme
    # REC-2026-0005: the « Difficulté » her low survey score opened.
    assert [r[0] for r in rows[1:]] == ["REC-2026-0001", "REC-2026-0002", "REC-2026-0005"]
    assert "Nom du déclarant" in rows[0] and all("zoe.dupre@exemple.fr" in r for r in rows[1:])
    assert "Jeanne" not in "".join(",".join(r) for r in rows)  # another person's rows: not hers
    assert "SAT-2026-0001" in survey and "SAT-2026-0002" not in survey
    # Two acknowledgments and the « suite à votre avis » letter of her low score.
    assert sum(n.startswith("courriers/") and n.endswith(".docx") for n in names) == 3
    assert "mails/mail-rgpd-plainte-dupre.eml" in names
    assert "mails/mail-rgpd-merci.eml" in names
    assert "pieces-jointes/REC-2026-0001/thermometre.pdf" in names
    assert "Nom du déclarant : Zoé Dupré" in journal and "modification" in journal
    assert workbook.sheetnames == ["reclamations", "satisfaction"]
    lines = [tuple(r) for r in workbook["reclamations"].iter_rows(values_only=True)]
    assert ("N°", "REC-2026-0001") in lines and ("Nom du déclarant", "Zoé Dupré") in lines
    assert (traces / "outbox" / "REC-2026-0001 pièces jointes").exists()  # nothing removed


# -- purge -------------------------------------------------------------------------------------

def test_purge_anonymises_only_the_rows_past_the_retention_period(
        traces: Path, clock: FixedClock) -> None:
    with open_office(traces, clock=clock) as office:  # 23 November 2026
        assert cutoff_year(office) == 2020
        preview = purge_scope(office)
        assert [r.record_id for r in preview.changed_rows] == ["REC-2026-0004"]
        done = purge(office)
        assert done.outcome.rows == {"reclamations": 1}
        assert purge_scope(office).empty  # done once: nothing left for a second run
    register = traces / "registers" / "reclamations.xlsx"
    names = column(register, "Réclamations", "Nom du déclarant")
    assert str(names["REC-2026-0004"]).startswith("Personne anonymisée ")
    assert names["REC-2026-0002"] == "Zoé Dupré" and names["REC-2026-0003"] == JEANNE
    notes = column(register, "Réclamations", "Autres informations")
    assert "3 place Bellecour" not in str(notes["REC-2026-0004"])
    assert list((traces / "outbox").glob("REC-2026-0004*")) == []
    assert list((traces / "outbox").glob("REC-2026-0003*"))
    for path in workbooks(traces):
        assert not any("girard" in fold(text) for text in every_text(path)), path
    lines = [r for r in openpyxl.load_workbook(register)["Journal"].iter_rows(values_only=True)
             if r[1] == "Anonymisation (RGPD)"]
    assert [r[3] for r in lines] == ["REC-2026-0004"]
    assert "durée de conservation de 5 ans échue" in lines[0][4]
    processed = (traces / "inbox" / "processed" / "drop-rgpd-reclamations.csv").read_text(
        encoding="utf-8-sig")
    assert "Girard" not in processed and "Zoé Dupré" in processed  # a file still in use


def test_purge_says_which_date_decides_and_asks_before_it_acts(traces: Path) -> None:
    dry = run(traces, "rgpd", "purge", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "« Date de réception »" in dry.output and "« Date de réponse »" in dry.output
    assert "« Début de la session » ; à défaut « Date de la demande »" in dry.output
    assert "« Fin » ; à défaut « Début » ; à défaut « Absence constatée le »" in dry.output
    assert f"{datetime.now(PARIS).year - 6} et avant" in dry.output  # the year the CLI runs
    assert "REC-2026-0004" in dry.output  # 2019: past any 5-year period from now on
    refused = run(traces, "rgpd", "purge", answer="\n")
    assert refused.exit_code == 1 and "Rien n'a été modifié" in refused.output
    register = traces / "registers" / "reclamations.xlsx"
    assert column(register, "Réclamations", "Nom du déclarant")["REC-2026-0004"] == "Paul Girard"
    done = run(traces, "rgpd", "purge", "--yes")
    assert done.exit_code == 0, done.output
    assert str(column(register, "Réclamations", "Nom du déclarant")["REC-2026-0004"]
               ).startswith("Personne anonymisée ")


def test_retention_years_is_the_offices_to_set(traces: Path, clock: FixedClock) -> None:
    config = traces / "automation.toml"
    text = config.read_text(encoding="utf-8")
    assert "# retention_years = 5" in text  # init wrote the setting, commented, under [rgpd]
    config.write_text(text.replace("# retention_years = 5", "retention_years = 8"),
                      encoding="utf-8")
    with open_office(traces, clock=clock) as office:
        assert office.config.rgpd.retention_years == 8
        assert cutoff_year(office) == 2017
        assert purge_scope(office).empty  # 2019 + 8 years: kept until the end of 2027


def test_purge_in_a_later_year_takes_every_row_of_that_training_year(
        traces: Path) -> None:
    later = FixedClock(datetime(2032, 1, 2, 9, 0, tzinfo=PARIS))
    with open_office(traces, clock=later) as office:
        done = purge(office)
    # Four complaints of 2026 and the « Difficulté » a low survey score opened.
    assert done.outcome.rows == {"reclamations": 5, "satisfaction": 2}
    for path in workbooks(traces):
        found = [v for _, _, v in cells(path) if names_zoe(str(v)) or JEANNE in str(v)]
        assert found == [], path
    assert list((traces / "inbox" / "processed").iterdir()) == []


# -- finding a person in a text ----------------------------------------------------------------

@given(before=st.text(alphabet="abc xyz,.;:!?()'\n-", max_size=20),
       after=st.text(alphabet="abc xyz,.;:!?()'\n-", max_size=20),
       spelling=st.sampled_from(["Zoé Dupré", "ZOE DUPRE", "Dupré, Zoé", "zoé  dupré",
                                 "Mme Dupré", "zoe.dupre@exemple.fr", "Zoe.Dupre@Exemple.fr"]))
def test_any_spelling_of_her_name_in_any_text_is_replaced(before: str, after: str,
                                                         spelling: str) -> None:
    scrubber = Scrubber(Person.of(["Zoé Dupré"], ["zoe.dupre@exemple.fr"]), "3F2A")
    text = f"{before} {spelling} {after}"
    scrubbed = scrubber.scrub(text)
    assert not names_zoe(scrubbed)
    assert scrubbed.startswith(before) and scrubbed.endswith(after)


def test_names_that_only_look_alike_are_left_alone() -> None:
    scrubber = Scrubber(Person.of(["Zoé Dupré"]), "3F2A")
    for text in ("Zoé Duprez", "Dupré seul", "Zoé Martin", "Duprézoé", "jeanne@exemple.fr"):
        assert scrubber.scrub(text) == text


def test_an_adopted_workbook_keeps_every_part_it_built_when_a_person_is_anonymised(
        office_dir: Path, tmp_path: Path) -> None:
    register = office_dir / "registers" / "Registre réclamations.xlsx"
    shutil.copyfile(DATA / "reg-office-reclamations.xlsx", register)
    adopted = run(office_dir, "adopt", str(register), "--as", "reclamations", "--add-columns")
    assert adopted.exit_code == 0, adopted.output
    with zipfile.ZipFile(register) as archive:
        before = {name: archive.read(name) for name in archive.namelist()}
    assert any("Déclarant 2" in data.decode("utf-8", "replace") for data in before.values())

    result = run(office_dir, "rgpd", "anonymise", "Déclarant 2", "--yes")
    assert result.exit_code == 0, result.output
    with zipfile.ZipFile(register) as archive:
        after = {name: archive.read(name) for name in archive.namelist()}
    assert list(after) == list(before)
    changed = {name for name in before if after[name] != before[name]}
    assert changed <= {"xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml",
                       "xl/workbook.xml", "xl/worksheets/sheet3.xml"}, changed  # 3: Journal
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl: the x14 extensions it does not read
        workbook = openpyxl.load_workbook(register, read_only=True)  # holds the file until closed
        journal = [r for r in workbook["Journal"].iter_rows(values_only=True)
                   if "Anonymisation (RGPD)" in r]
        workbook.close()
    assert len(journal) == 1 and "REC-2026-0002" in journal[0]
    for kept in ("xl/drawings/drawing1.xml", "xl/media/image1.png", "xl/comments1.xml",
                 "xl/tables/table1.xml", "xl/worksheets/sheet2.xml", "customXml/item1.xml"):
        assert after[kept] == before[kept], kept
    texts = [data.decode("utf-8", "replace") for data in after.values()]
    assert not any("Déclarant 2<" in t or "declarant2@" in t for t in texts)
    assert any("Déclarant 3" in t for t in texts)
    names = {r.record_id: r.values for r in read_register(load_config(office_dir).binding(
        "reclamations"))}
    assert str(names["REC-2026-0002"]["name"]).startswith("Personne anonymisée ")
    assert names["REC-2026-0003"]["name"] == "Déclarant 3"
    assert str(names["REC-2026-0002"]["email"]).endswith("@anonyme.invalid")
