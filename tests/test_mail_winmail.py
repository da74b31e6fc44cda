"""Outlook's winmail.dat (TNEF) is replaced by the files it wraps; a damaged one is kept."""

from __future__ import annotations

import importlib.util
from datetime import datetime
from pathlib import Path

from automation.intake.mail import parse_mail
from automation.intake.tnef import tnef_contents

DATA = Path(__file__).resolve().parent / "data"
WHEN = datetime(2026, 12, 1, 9, 0)


def builder():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("build", DATA / "build_forward_samples.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_files_inside_a_winmail_dat_become_the_mails_attachments() -> None:
    mail = parse_mail((DATA / "mail-complaint-with-list.eml").read_bytes(), fallback_date=WHEN)
    names = [a.name for a in mail.attachments]
    assert "winmail.dat" not in names
    (pdf,) = [a for a in mail.attachments if a.name == "Relevé des séances.pdf"]
    assert pdf.data == builder().PDF
    assert pdf.content_type == "application/pdf"
    assert any("fichiers extraits : Relevé des séances.pdf" in note for note in mail.notes)


def test_a_winmail_dat_gives_its_files_names_and_text() -> None:
    build = builder()
    contents = tnef_contents(build.tnef([("Feuille d'émargement — semaine 48.xlsx", b"PK\x03"),
                                         ("b.txt", b"abc")]))
    assert contents is not None
    assert contents.files == (("Feuille d'émargement — semaine 48.xlsx", b"PK\x03"),
                              ("b.txt", b"abc"))
    assert contents.body == "Bonjour, voici les pièces."


def test_a_damaged_winmail_dat_is_kept_and_explained() -> None:
    mail = parse_mail((DATA / "mail-winmail-dat.eml").read_bytes(), fallback_date=WHEN)
    assert [a.name for a in mail.attachments] == ["winmail.dat"]
    assert any("n'est pas lisible" in note for note in mail.notes)


def test_data_that_is_not_tnef_is_not_read_and_garbage_never_raises() -> None:
    assert tnef_contents(b"PK\x03\x04 a workbook") is None
    damaged = tnef_contents(b"\x78\x9f\x3e\x22" + b"\xff" * 40)
    assert damaged is None or damaged.files == ()
