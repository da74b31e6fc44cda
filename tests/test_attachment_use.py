"""A spreadsheet attached to a mail is evidence kept with the row, unless it clearly is a list
for a register: its headers fit that register well and the mail's classification or the
office's rule agrees. The spreadsheets are the ones the sample mails carry (real .xlsx files,
read by the intake's own reader)."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from automation.errors import ConfigError, HeaderMismatch
from automation.intake.attachment_use import (
    WELL_FIT,
    DocumentKind,
    Evidence,
    RegisterRows,
    attachment_use,
    document_kind,
)
from automation.intake.classify import Classifier, classify
from automation.intake.config import Intake
from automation.intake.headers import HeaderMatch, route_tables
from automation.intake.mail import ParsedMail, parse_mail
from automation.intake.mail_records import MailOffice, attachment_lines, mail_record
from automation.intake.spreadsheet import Spreadsheet
from automation.intake.tables import Table
from automation.mail_config import load_mail_config

DATA = Path(__file__).resolve().parent / "data"
WHEN = datetime(2026, 12, 3, 9, 0)


def sample(name: str) -> ParsedMail:
    return parse_mail((DATA / name).read_bytes(), fallback_date=WHEN)


def read(data: bytes, name: str, folder: Path) -> tuple[HeaderMatch | None, list[Table]]:
    """The header match and first rows of an attached spreadsheet, as the intake reads them."""
    with Spreadsheet(name, data, Intake()) as spreadsheet:
        tables = [spreadsheet.table(sheet, head=30) for sheet in spreadsheet.sheets]
    try:
        return route_tables(tables, None), tables
    except HeaderMismatch:
        return None, tables


def use_of(mail_name: str, attachment: str, folder: Path, *, register: str | None = "",
           office_rule: str = "") -> Evidence | RegisterRows:
    mail = sample(mail_name)
    data = next(a.data for a in mail.attachments if a.name == attachment)
    assert data is not None
    match, tables = read(data, attachment, folder)
    mail_register = classify(mail).register if register == "" else register
    return attachment_use(mail_register=mail_register, match=match, tables=tables,
                          name=attachment, office_rule=office_rule)


def workbook(rows: list[list[object]], *, title: str = "Feuil1") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def test_an_attendance_sheet_attached_to_a_complaint_is_evidence(tmp_path: Path) -> None:
    """Date | Nom | Prénom | Formation | Matin | Après-midi fits the dropouts register's
    required columns: it once became five dropout cases. It is the customer's evidence."""
    use = use_of("mail-fwd-outlook-fr.eml", "Emargement CAC-2611.xlsx", tmp_path)
    assert isinstance(use, Evidence)
    assert use.kind is DocumentKind.ATTENDANCE
    assert "feuille d'émargement" in use.reason


@pytest.mark.parametrize("office_rule", ["", "abandons"])
def test_an_attendance_sheet_never_becomes_rows_even_when_everything_says_dropouts(
        tmp_path: Path, office_rule: str) -> None:
    use = use_of("mail-fwd-outlook-fr.eml", "Emargement CAC-2611.xlsx", tmp_path,
                 register="abandons", office_rule=office_rule)
    assert isinstance(use, Evidence) and use.kind is DocumentKind.ATTENDANCE


def test_an_invoice_is_evidence(tmp_path: Path) -> None:
    use = use_of("mail-complaint-with-list.eml", "facture F2026-118.xlsx", tmp_path)
    assert isinstance(use, Evidence) and use.kind is DocumentKind.INVOICE


def test_a_partners_list_of_complaints_becomes_complaint_rows(tmp_path: Path) -> None:
    mail = sample("mail-partner-complaints-list.eml")
    assert classify(mail).register == "reclamations"
    use = use_of("mail-partner-complaints-list.eml", "Réclamations novembre.xlsx", tmp_path)
    assert use == RegisterRows("reclamations",
                               "colonnes reconnues à 100 %, confirmé par le classement du "
                               "courriel")


def test_a_list_whose_headers_fit_but_whose_mail_is_a_complaint_is_evidence(
        tmp_path: Path) -> None:
    """Claire Dupont complains and attaches the sessions that were cancelled: the table fits
    the cancellations register, but her mail is a complaint — it is her evidence."""
    mail = sample("mail-complaint-with-list.eml")
    assert classify(mail).register == "reclamations"
    use = use_of("mail-complaint-with-list.eml", "séances annulées.xlsx", tmp_path)
    assert isinstance(use, Evidence) and use.kind is None
    assert use.reason == ("ses colonnes ressemblent au « Registre des annulations et reports "
                          "», mais le courriel relève du « Registre des réclamations, "
                          "difficultés et aléas »")


def test_the_offices_rule_can_take_a_list_from_such_a_mail(tmp_path: Path) -> None:
    use = use_of("mail-complaint-with-list.eml", "séances annulées.xlsx", tmp_path,
                 office_rule="annulations")
    assert isinstance(use, RegisterRows) and use.register == "annulations"
    assert "règle de l'organisme" in use.reason


def test_the_offices_rule_can_keep_every_list_as_evidence(tmp_path: Path) -> None:
    use = use_of("mail-partner-complaints-list.eml", "Réclamations novembre.xlsx", tmp_path,
                 office_rule="evidence")
    assert isinstance(use, Evidence)


def test_a_rule_naming_another_register_than_the_lists_keeps_it_as_evidence(
        tmp_path: Path) -> None:
    use = use_of("mail-partner-complaints-list.eml", "Réclamations novembre.xlsx", tmp_path,
                 office_rule="satisfaction")
    assert isinstance(use, Evidence)
    assert "la règle de l'organisme attend le « Registre des enquêtes de satisfaction »" in (
        use.reason)


def test_a_list_attached_to_an_unclassified_mail_is_evidence(tmp_path: Path) -> None:
    use = use_of("mail-partner-complaints-list.eml", "Réclamations novembre.xlsx", tmp_path,
                 register=None)
    assert isinstance(use, Evidence)


def test_a_sheet_whose_headers_only_partly_fit_is_evidence(tmp_path: Path) -> None:
    data = workbook([["Date", "Nom", "Objet", "Canal", "Partie prenante", "Nature", "Ville",
                      "Code postal", "Téléphone", "Âge", "Profession"],
                     [datetime(2026, 11, 2), "Paul", "Retard", "Email", "Apprenant",
                      "Réclamation", "Nice", "06000", "0600000000", 40, "Cariste"]])
    match, tables = read(data, "contacts.xlsx", tmp_path)
    assert match is not None and match.fits
    use = attachment_use(mail_register="reclamations", match=match, tables=tables,
                         name="contacts.xlsx")
    assert isinstance(use, Evidence)
    assert "en partie" in use.reason and f"{round(6 / 11 * 100)} %" in use.reason
    assert WELL_FIT > 6 / 11


def test_a_sheet_that_fits_no_register_is_evidence(tmp_path: Path) -> None:
    match, tables = read(PDF_LIKE_TABLE, "notes.xlsx", tmp_path)
    assert match is None
    use = attachment_use(mail_register="reclamations", match=match, tables=tables)
    assert isinstance(use, Evidence) and "aucun registre" in use.reason


PDF_LIKE_TABLE = workbook([["Remarques"], ["Le formateur était en retard."]])


def test_a_programme_is_evidence(tmp_path: Path) -> None:
    data = workbook([["Programme de formation — Excel avancé"], [],
                     ["Jour", "Horaires", "Module", "Objectifs", "Formation", "Date"],
                     ["J1", "9h-12h", "Tableaux croisés", "Analyser", "Excel avancé",
                      datetime(2026, 11, 2)]])
    match, tables = read(data, "programme.xlsx", tmp_path)
    use = attachment_use(mail_register="reclamations", match=match, tables=tables,
                         name="programme.xlsx")
    assert isinstance(use, Evidence) and use.kind is DocumentKind.PROGRAMME


@pytest.mark.parametrize(("header", "titles", "name", "kind"), [
    (["Date", "Nom", "Prénom", "Formation", "Matin", "Après-midi"], [], "", "ATTENDANCE"),
    (["Nom", "Signature"], [], "", "ATTENDANCE"),
    (["Nom", "Formation", "AM", "PM"], [], "", "ATTENDANCE"),
    (["Nom", "Date"], ["Feuille de présence du 23/11"], "", "ATTENDANCE"),
    (["Nom", "Date"], [], "Emargement_semaine_48.xlsx", "ATTENDANCE"),
    (["Désignation", "Quantité", "Montant HT"], [], "", "INVOICE"),
    (["Nom", "Date"], [], "Facture 2026-118.xlsx", "INVOICE"),
    (["Module", "Durée", "Intervenant"], [], "", "PROGRAMME"),
    (["Date de réception", "Nom du déclarant", "Objet"], [], "reclamations.xlsx", None),
    (["Date", "Nom", "Montant"], [], "remboursements factures.xlsx", None),
])
def test_documents_are_told_by_headers_titles_and_names(
        header: list[str], titles: list[str], name: str, kind: str | None) -> None:
    found = document_kind(header, titles, name)
    assert found is (DocumentKind[kind] if kind else None)


def test_the_row_says_what_was_attached_where_it_is_kept_and_what_went_to_a_register(
        tmp_path: Path) -> None:
    mail = sample("mail-complaint-with-list.eml")
    uses = {a.name: use_of("mail-complaint-with-list.eml", a.name, tmp_path,
                           office_rule="annulations" if a.name.startswith("séances") else "")
            for a in mail.attachments if a.suffix == ".xlsx"}
    record = mail_record(mail, "reclamations", rule="réclamation", folder_label="x",
                         office=MailOffice(), attachments=uses,
                         kept_in="outbox/REC-2026-0042 pièces jointes")
    notes = str(record.values["notes"]).split("\n")
    assert ("Pièces jointes gardées avec la ligne dans « outbox/REC-2026-0042 pièces jointes » "
            ": facture F2026-118.xlsx (facture, 4 Ko), Relevé des séances.pdf (1 Ko)") in notes
    assert any(line.startswith("Tableau joint « séances annulées.xlsx » versé au registre "
                               "« Registre des annulations et reports »") for line in notes)
    assert any("winmail.dat" in line and "Relevé des séances.pdf" in line for line in notes)


def test_without_uses_every_file_is_listed_as_kept() -> None:
    mail = sample("mail-fwd-outlook-fr.eml")
    lines = attachment_lines(list(mail.attachments), {})
    assert lines == ["Pièces jointes gardées avec la ligne : Réclamation Dupont.pdf (1 Ko), "
                     "Emargement CAC-2611.xlsx (5 Ko)"]


def test_a_rules_attachments_word_is_read_and_checked() -> None:
    config = load_mail_config({"rules": [{"name": "OPCO", "register": "reclamations",
                                          "sender": ["@opco-exemple.fr"],
                                          "attachments": "reclamations"}]}, environ={})
    classification = Classifier(config.rules).classify(
        sample("mail-partner-complaints-list.eml"))
    assert classification.rule == "OPCO" and classification.attachments == "reclamations"
    with pytest.raises(ConfigError, match="attachments must be"):
        load_mail_config({"rules": [{"name": "x", "register": "reclamations", "text": "a",
                                     "attachments": "registre"}]}, environ={})
