"""One front door: every file takes the same staged path, and none is half-read or lost."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from automation.arrival import Source
from automation.errors import FileNotReady
from automation.pipeline.files import ingest_file
from automation.pipeline.office import Office, open_office
from automation.pipeline.report import Verdict
from automation.pipeline.runner import run
from automation.pipeline.watch import run_watcher
from automation.sources.completeness import Tail, held_for_writing, tail_of
from automation.sources.files import file_arrival

from .conftest import DATA
from .spine import register_rows

FORTY = DATA / "drop-reclamations-excel-40.csv"
WRITER = textwrap.dedent("""
    import sys, time
    source, target, cut, pause = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
    data = open(source, "rb").read()
    with open(target, "wb") as out:
        out.write(data[:cut]); out.flush()
        time.sleep(pause)
        out.write(data[cut:]); out.flush()
""")


def _complaints(office: Office) -> list[str]:
    rows = register_rows(office.config.binding("reclamations").path, "Réclamations")
    return [str(row["Objet"].value) for row in rows]


def _wait_for(condition, timeout: float = 180.0) -> None:
    """Wait until ``condition()``; the bound only keeps a broken watcher from hanging CI."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.1)


@pytest.mark.parametrize("where", ["mid-line", "line-boundary"])
def test_a_copy_that_pauses_longer_than_the_settle_time_gives_every_row_once(
        office_dir: Path, clock, where: str) -> None:
    (office_dir / "automation.toml").write_text(
        "[watch]\nsettle_seconds = 0.3\nrescan_seconds = 0.5\nretry_seconds = 0.3\n",
        encoding="utf-8")
    data = FORTY.read_bytes()
    half = len(data) // 2
    cut = half if where == "mid-line" else data.index(b"\r\n", half) + 2
    assert (data[cut - 1:cut] == b"\n") is (where == "line-boundary")
    target = office_dir / "inbox" / "reclamations" / "plaintes.csv"
    stop = threading.Event()
    with open_office(office_dir, clock=clock) as office:
        reports: list = []
        watcher = threading.Thread(target=lambda: reports.extend(
            run_watcher(office, stop=stop, dashboard_every=3600)), daemon=True)
        watcher.start()
        try:
            # Another program copies the file and stalls half-way, ten settle times long.
            copy = subprocess.Popen([sys.executable, "-c", WRITER, str(FORTY), str(target),
                                     str(cut), "3"])
            assert copy.wait(timeout=120) == 0
            _wait_for(lambda: not target.exists())
        finally:
            stop.set()
            watcher.join(60)
        expected = [f"Réclamation n° {n} : café froid à l'accueil" for n in range(1, 41)]
        assert _complaints(office) == expected
        assert [(r.accepted, r.verdict) for r in reports] == [(40, Verdict.RECORDED)]


def test_a_file_that_changes_after_it_was_read_is_read_again_not_filed_stale(
        office: Office) -> None:
    target = office.config.inbox_dir / "reclamations" / "plaintes.csv"
    lines = FORTY.read_bytes().split(b"\r\n")
    target.write_bytes(b"\r\n".join(lines[:11]) + b"\r\n")
    config = office.config
    arrival = file_arrival(target, source=Source.FOLDER, inbox=config.inbox_dir,
                           registers=["reclamations"], max_spreadsheet_bytes=2**20,
                           max_mail_bytes=2**20)
    with target.open("ab") as more:  # the copy goes on after the tool read the first part
        more.write(b"\r\n".join(lines[11:]))
    os.utime(target, ns=(time.time_ns(), time.time_ns() + 1_000_000))
    with pytest.raises(FileNotReady, match="changed after it was read"):
        run(office, arrival)
    assert office.journal.count_rows("reclamations") == 0
    assert target.exists()
    report = ingest_file(office, target)
    assert (report.accepted, report.verdict) == (40, Verdict.RECORDED)


def test_a_file_refused_in_the_wrong_folder_is_read_again_in_the_right_one(
        office: Office) -> None:
    wrong = office.config.inbox_dir / "abandons" / "plaintes.csv"
    shutil.copyfile(FORTY, wrong)
    refused = ingest_file(office, wrong)
    assert refused.verdict is Verdict.REFUSED
    assert refused.filed_to is not None and refused.filed_to.parent.name == "rejected"
    note = refused.filed_to.with_name(refused.filed_to.name + ".LISEZ-MOI.txt")
    assert "déposez" in note.read_text(encoding="utf-8-sig")
    # As the note says: the same file, unchanged, dropped again in the right folder.
    right = office.config.inbox_dir / "reclamations" / "plaintes.csv"
    shutil.move(refused.filed_to, right)
    again = ingest_file(office, right)
    assert (again.verdict, again.accepted) == (Verdict.RECORDED, 40)
    assert len(_complaints(office)) == 40
    # Rows actually recorded are what makes a duplicate.
    shutil.copyfile(FORTY, right)
    assert ingest_file(office, right).verdict is Verdict.DUPLICATE


def _cli(office_dir: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "automation", "--dir", str(office_dir),
                           *arguments], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "COLUMNS": "200"})


def test_ingest_leaves_a_file_kept_elsewhere_where_it_was(office_dir: Path,
                                                          tmp_path: Path) -> None:
    documents = tmp_path / "Documents"
    documents.mkdir()
    mine = documents / "plaintes du mois.csv"
    shutil.copyfile(FORTY, mine)
    before = mine.read_bytes()
    done = _cli(office_dir, "ingest", str(mine))
    assert done.returncode == 0, done.stdout + done.stderr
    assert mine.read_bytes() == before  # still there, untouched
    assert (office_dir / "inbox" / "processed" / mine.name).read_bytes() == before
    with open_office(office_dir) as office:
        assert len(_complaints(office)) == 40


def test_ingest_reads_a_saved_mail_from_anywhere(office_dir: Path, tmp_path: Path) -> None:
    mail = tmp_path / "Bureau" / "plainte.eml"
    mail.parent.mkdir()
    shutil.copyfile(DATA / "mail-iso8859-euro-reclamation.eml", mail)
    done = _cli(office_dir, "ingest", str(mail))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    assert mail.exists()
    with open_office(office_dir) as office:
        assert len(_complaints(office)) == 1


def test_a_formula_without_a_cached_value_is_kept_as_its_text(office: Office) -> None:
    dropped = office.config.inbox_dir / "reclamations" / "export-portail.xlsx"
    shutil.copyfile(DATA / "drop-reclamations-web-formulas.xlsx", dropped)
    report = ingest_file(office, dropped)
    assert (report.accepted, report.rejected) == (2, 0)
    path = office.config.binding("reclamations").path
    rows = register_rows(path, "Réclamations")
    assert rows[0]["Objet"].value == "=Facture en double"
    assert rows[0]["Description"].value == (
        '=HYPERLINK("https://portail.exemple.fr/dossiers/42","dossier 42")')
    assert rows[1]["Description"].value == '=A2&" (relance)"'
    with zipfile.ZipFile(path) as package:
        sheet = package.read("xl/worksheets/sheet1.xml").decode()
    assert "Facture en double" not in re.findall(r"<f>(.*?)</f>", sheet)
    assert not any("HYPERLINK" in formula for formula in re.findall(r"<f>(.*?)</f>", sheet))
    book = openpyxl.load_workbook(path)
    assert book["Réclamations"].cell(row=rows[0]["Objet"].row,
                                     column=rows[0]["Objet"].column).data_type == "s"


PEAK_MEMORY = textwrap.dedent("""
    import atexit, pathlib, sys
    from automation.cli import main
    def peak():  # VmHWM: this process's own high-water mark since it started (not its parent's)
        status = pathlib.Path("/proc/self/status").read_text()
        line = next(l for l in status.splitlines() if l.startswith("VmHWM:"))
        pathlib.Path(sys.argv[1]).write_text(line.split()[1])
    atexit.register(peak)
    main(sys.argv[2:])
""")


def test_a_3_gb_file_is_refused_with_flat_memory(office_dir: Path, tmp_path: Path) -> None:
    big = office_dir / "inbox" / "reclamations" / "export-complet.csv"
    with big.open("wb") as sparse:
        sparse.truncate(3 * 1024**3)  # a sparse file: 3 GB long, nothing on the disk
    peak = tmp_path / "peak-kb"
    done = subprocess.run([sys.executable, "-c", PEAK_MEMORY, str(peak), "--dir",
                           str(office_dir), "ingest", str(big)], capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr
    peak_mb = int(peak.read_text()) / 1024
    assert peak_mb < 200, f"peak memory {peak_mb:.0f} MB"
    rejected = office_dir / "inbox" / "rejected"
    note = rejected / "export-complet.csv.LISEZ-MOI.txt"
    assert "au-delà de la limite de 50 Mo" in note.read_text(encoding="utf-8-sig")
    assert (rejected / "export-complet.csv").stat().st_size == 3 * 1024**3  # moved, not copied


def test_a_file_held_open_by_the_program_writing_it_is_seen_as_such(tmp_path: Path) -> None:
    target = tmp_path / "copie.csv"
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys, time
        with open({str(target)!r}, "wb") as out:
            out.write(b"a;b\\n"); out.flush()
            print("open", flush=True)
            sys.stdin.readline()
    """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        assert held_for_writing(target)
    finally:
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.close()
        holder.wait(timeout=60)
        holder.stdout.close()
    assert not held_for_writing(target)


def test_a_file_whose_end_is_missing_is_told_apart(tmp_path: Path) -> None:
    complete = tmp_path / "complet.xlsx"
    shutil.copyfile(DATA / "drop-reclamations-web-formulas.xlsx", complete)
    cut = tmp_path / "coupé.xlsx"
    cut.write_bytes(complete.read_bytes()[:-200])
    csv_open = tmp_path / "export.csv"
    csv_open.write_bytes(b"Nom;Date\r\nMarc;12/03/2026")
    ole = tmp_path / "vieux.xls"
    ole.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1000)
    assert [tail_of(p) for p in (complete, cut, csv_open, FORTY, ole)] == [
        Tail.COMPLETE, Tail.TRUNCATED, Tail.OPEN_LINE, Tail.COMPLETE, Tail.TRUNCATED]
