"""A classified mail becomes one register row; what a mail cannot give is left to a person."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from automation.intake.classify import classify
from automation.intake.mail import ParsedMail, parse_mail
from automation.intake.mail_records import mail_record
from automation.mail_config import MailSettings

DATA = Path(__file__).resolve().parent / "data"
WHEN = datetime(2026, 3, 2, 9, 0)


def sample(name: str) -> ParsedMail:
    return parse_mail((DATA / name).read_bytes(), fallback_date=WHEN)


def test_a_complaint_mail_fills_the_complaints_register() -> None:
    mail = sample("mail-iso8859-euro-reclamation.eml")
    register, rule, values, _ = classify(mail)
    assert register == "reclamations"
    record = mail_record(mail, register, rule=rule, folder_label="imap INBOX", preset=values)
    assert record.register == "reclamations"
    assert record.values["received_on"] == date(2026, 3, 2)
    assert record.values["channel"] == "Email"
    assert record.values["name"] == "Hélène Lefèvre"
    assert record.values["email"] == "helene.lefevre@exemple-apprenant.fr"
    assert record.values["nature"] == "Réclamation"
    assert record.values["subject"] == "Réclamation : facture de 1 250 €"
    assert "1 250 € reçue" in str(record.values["description"])
    assert record.values["training"] == "Excel avancé — session S26-014"  # « Formation / session »
    assert record.missing == ("stakeholder",)  # nobody can tell from a mail
    assert record.values["status"] == "À compléter"
    assert "stakeholder" not in record.values
    assert record.fingerprint == mail.fingerprint
    assert record.note == "règle réclamation"
    assert "<iso8859-euro-0001@exemple-apprenant.fr>" in record.source
    assert "imap INBOX" in record.source


def test_a_rule_preset_completes_the_row() -> None:
    mail = sample("mail-html-only-reclamation.eml")
    record = mail_record(mail, "reclamations", rule="entreprises", folder_label="x",
                         preset={"stakeholder": "Entreprise"})
    assert record.missing == ()
    assert record.values["stakeholder"] == "Entreprise"
    assert record.values["status"] == "Nouvelle"


def test_a_cancellation_mail_fills_the_cancellations_register() -> None:
    mail = sample("mail-cp1252-annulation.eml")
    record = mail_record(mail, "annulations", rule="annulation ou report",
                         folder_label="inbox/mails")
    values = record.values
    assert values["requested_on"] == datetime(2026, 3, 3, 18, 40, 12)
    assert values["person"] == "Dupré, François"
    assert values["email"] == "f.dupre@exemple-apprenant.fr"
    assert values["initiator"] == "Apprenant"
    assert values["kind"] == "Report"  # "possible de la reporter"
    assert values["session_ref"] == "S26-021"
    assert values["training"] == "Gestion de projet"
    assert str(values["motive_detail"]).startswith("Annulation de ma participation")
    assert record.missing == ("session_start",)
    assert "status" not in values  # "À compléter" is not one of its choices


def test_a_cancellation_without_postponement_words_is_an_annulation() -> None:
    raw = ("From: Organisme <planning@organisme-exemple.fr>\r\nSubject: Annulation session"
           "\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLa séance est annulée.").encode()
    mail = parse_mail(raw, fallback_date=WHEN)
    record = mail_record(mail, "annulations", rule="x", folder_label="x",
                         settings=MailSettings(own_domains=["organisme-exemple.fr"]))
    assert record.values["kind"] == "Annulation"
    assert record.values["initiator"] == "Organisme"
    assert set(record.missing) == {"training", "session_start"}


def test_a_dropout_mail_fills_the_dropouts_register() -> None:
    mail = sample("mail-reply-chain-abandon.eml")
    record = mail_record(mail, "abandons", rule="abandon", folder_label="x")
    assert record.values["learner"] == "Julie Moreau"
    assert record.values["absence_noted_on"] == date(2026, 3, 10)
    assert str(record.values["reason_detail"]).startswith("Bonjour,")
    assert "Objet du mail : Re : Votre absence" in str(record.values["notes"])
    assert record.missing == ("training",)


def test_a_survey_return_fills_the_satisfaction_register() -> None:
    mail = sample("mail-satisfaction.eml")
    record = mail_record(mail, "satisfaction", rule="enquête", folder_label="x")
    assert record.values["answered_on"] == date(2026, 3, 11)
    assert record.values["training"] == "Comptabilité"
    assert "formatrice à l’écoute" in str(record.values["comment"])
    assert set(record.missing) == {"survey", "overall"}


def test_attachments_and_remarks_go_to_the_notes() -> None:
    mail = sample("mail-winmail-dat.eml")
    record = mail_record(mail, "annulations", rule="x", folder_label="x")
    notes = str(record.values["notes"])
    assert "Pièces jointes gardées avec la ligne : winmail.dat (1 Ko)" in notes
    assert "format Outlook" in notes


def test_a_sender_without_a_name_leaves_the_name_to_complete() -> None:
    raw = b"From: jean@exemple.fr\r\nSubject: Plainte\r\n\r\nInadmissible."
    record = mail_record(parse_mail(raw, fallback_date=WHEN), "reclamations", rule="x",
                         folder_label="x")
    assert "name" in record.missing
    assert record.values["email"] == "jean@exemple.fr"


def test_the_same_mail_in_two_folders_gives_one_fingerprint() -> None:
    raw = (DATA / "mail-satisfaction.eml").read_bytes()
    copy = b"X-Copied: yes\r\n" + raw
    first = mail_record(parse_mail(raw, fallback_date=WHEN), "satisfaction", rule="a",
                        folder_label="INBOX")
    second = mail_record(parse_mail(copy, fallback_date=WHEN), "satisfaction", rule="a",
                         folder_label="Archives")
    assert first.fingerprint == second.fingerprint
