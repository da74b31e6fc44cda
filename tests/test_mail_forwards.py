"""Complaints as offices receive them: forwarded by a colleague, replied to, attached whole.

The corpus (``tests/data/mail-fwd-*``, ``mail-reply-*``, built by
``tests/data/build_forward_samples.py``) is written as Outlook FR/EN, Gmail, Thunderbird and
Apple Mail write forwards and replies; ``mail-fwd-expected.json`` says what each must give.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from automation.config import Config, Organisation
from automation.intake.classify import classify
from automation.intake.declarant import author_of, own_addresses
from automation.intake.forward import clean_subject, find_chain, is_forward_subject
from automation.intake.mail import ParsedMail, parse_mail
from automation.intake.mail_records import MailOffice, mail_office, mail_record
from automation.intake.quoted_dates import loose_date
from automation.letters.catalog import LetterKind
from automation.letters.produce import produce_letter
from automation.mail_config import ImapSettings, MailConfig, MailSettings
from automation.procedures.planning import Participant, Planning, Session
from automation.records import StoredRow
from tests.spine import docx_text

DATA = Path(__file__).resolve().parent / "data"
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
EXPECTED: dict[str, dict[str, Any]] = json.loads(
    (DATA / "mail-fwd-expected.json").read_text(encoding="utf-8"))
WHEN = datetime(2026, 12, 3, 9, 0)
OWN = own_addresses(mailboxes=["reclamations@of-exemple.fr"])
PLANNING = Planning(sessions=(
    Session(ref="CAC-2611", training="Conduite de chariots élévateurs",
            start=datetime(2026, 11, 23, 8, 30), hours=35.0,
            participants=(Participant("Marie Dupont", "marie.dupont@gmail.com"),)),
    Session(ref="PRAP-2612", training="Prévention des risques liés à l'activité physique",
            start=datetime(2026, 12, 7, 9, 0)),
))


def sample(name: str) -> ParsedMail:
    return parse_mail((DATA / name).read_bytes(), fallback_date=WHEN)


def test_the_corpus_covers_every_client_and_its_expectations_are_the_scripts() -> None:
    import importlib.util

    spec = importlib.util.spec_from_file_location("build", DATA / "build_forward_samples.py")
    assert spec is not None and spec.loader is not None
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    assert set(build.SAMPLES) == set(EXPECTED)
    for name, (_, expectation) in build.SAMPLES.items():
        assert (DATA / name).is_file(), f"{name}: run build_forward_samples.py"
        assert EXPECTED[name] == expectation
    assert len([n for n in EXPECTED if n.startswith("mail-fwd-")]) >= 9


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_mail_gives_the_original_declarant_date_subject_and_text(name: str) -> None:
    expected = EXPECTED[name]
    author = author_of(sample(name), OWN)
    assert author.name == expected["name"]
    assert author.address == expected["email"]
    assert author.sent == datetime.fromisoformat(expected["sent"])
    assert author.subject == expected["subject"]
    assert author.text.startswith(expected["description"])
    assert author.text.endswith(expected["description_end"])
    assert (author.forwarder_address if author.second_hand else "") == expected["forwarded_by"]
    if "message_id" in expected:
        assert author.message_id == expected["message_id"]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_mail_becomes_the_declarants_complaint_row(name: str) -> None:
    expected = EXPECTED[name]
    mail = sample(name)
    record = mail_record(mail, "reclamations", rule="réclamation", folder_label="imap INBOX",
                         office=MailOffice(own=OWN, planning=PLANNING))
    values = record.values
    assert values.get("name", "") == expected["name"]
    assert values.get("email", "") == expected["email"]
    assert values["received_on"] == datetime.fromisoformat(expected["sent"]).date()
    assert values["subject"] == expected["subject"]
    assert str(values["description"]).startswith(expected["description"])
    training = str(values.get("training", ""))
    assert expected["session"] in training
    assert expected["training"] in training
    if expected["forwarded_by"]:
        assert "transféré par" in record.source or not expected["name"]
        assert expected["forwarded_by"] in record.source
    for prefix in ("TR:", "TR :", "Fwd:", "FW:", "RE:", "Re:"):
        assert not str(values["subject"]).startswith(prefix)


def test_the_outlook_forward_of_the_issue_is_the_customers_complaint() -> None:
    """The front desk forwarded Marie Dupont's complaint from Outlook (TR:, signature and
    disclaimer above, a PDF and a signed attendance sheet attached)."""
    mail = sample("mail-fwd-outlook-fr.eml")
    assert mail.forwarded
    record = mail_record(mail, "reclamations", rule="réclamation", folder_label="imap INBOX",
                         office=MailOffice(own=OWN, planning=PLANNING))
    values = record.values
    assert values["name"] == "Marie Dupont"
    assert values["email"] == "marie.dupont@gmail.com"
    assert values["received_on"] == date(2026, 11, 23)  # the customer's, not the forward's
    assert values["subject"] == "Réclamation session CAC-2611"
    description = str(values["description"])
    assert "deux heures de retard" in description and description.endswith("06 11 22 33 44")
    assert "confidentiels" not in description  # the colleague's disclaimer stays out
    assert values["training"] == ("Conduite de chariots élévateurs — session CAC-2611 du "
                                  "23/11/2026")
    assert record.source.startswith("Mail de marie.dupont@gmail.com du 23/11/2026 09:14, "
                                    "transféré par Julie Martin <accueil@of-exemple.fr> le "
                                    "24/11/2026 11:02")
    notes = str(values["notes"])
    assert "Session CAC-2611 trouvée dans le planning" in notes
    assert "Réclamation Dupont.pdf" in notes and "Emargement CAC-2611.xlsx" in notes
    assert "owner" not in values


def test_the_office_can_make_the_forwarder_the_person_in_charge() -> None:
    mail = sample("mail-fwd-outlook-fr.eml")
    record = mail_record(mail, "reclamations", rule="x", folder_label="x",
                         office=MailOffice(own=OWN, forwarder_is_owner=True))
    assert record.values["owner"] == "Julie Martin"
    plain = mail_record(sample("mail-reply-customer-chain.eml"), "reclamations", rule="x",
                        folder_label="x", office=MailOffice(own=OWN, forwarder_is_owner=True))
    assert "owner" not in plain.values  # the customer wrote herself: nobody forwarded it


def test_the_setting_alone_makes_the_forwarder_the_person_in_charge() -> None:
    settings = MailSettings(own_domains=["of-exemple.fr"], forwarder_is_owner=True)
    record = mail_record(sample("mail-fwd-thunderbird-fr.eml"), "reclamations", rule="x",
                         folder_label="x", settings=settings)
    assert record.values["owner"] == "Secrétariat"
    assert record.values["name"] == "Luc Petit"


def test_a_colleagues_own_mail_never_makes_her_the_declarant() -> None:
    record = mail_record(sample("mail-reply-colleague-phone-note.eml"), "reclamations",
                         rule="x", folder_label="x", office=MailOffice(own=OWN))
    assert "name" not in record.values and "email" not in record.values
    assert "name" in record.missing
    assert record.values["status"] == "À compléter"
    assert "Courriel d'un membre de l'organisme" in str(record.values["notes"])


def test_without_the_office_addresses_a_forward_still_gives_the_original() -> None:
    record = mail_record(sample("mail-fwd-gmail-fr.eml"), "reclamations", rule="x",
                         folder_label="x")
    assert record.values["name"] == "Sophie Bernard"
    assert record.values["email"] == "sophie.bernard@orange.fr"


def test_a_forwarded_learners_cancellation_is_the_learners_not_the_offices() -> None:
    mail = sample("mail-fwd-gmail-html-only.eml")
    record = mail_record(mail, "annulations", rule="x", folder_label="x",
                         office=MailOffice(own=OWN))
    assert record.values["initiator"] == "Apprenant"
    assert record.values["person"] == "Nadia Haddad"
    assert record.values["requested_on"] == datetime(2026, 11, 25, 7, 58)
    assert record.values["session_ref"] == "ANG-2611"


def test_a_session_missing_from_the_planning_is_said_in_the_notes() -> None:
    record = mail_record(sample("mail-fwd-outlook-en.eml"), "reclamations", rule="x",
                         folder_label="x", office=MailOffice(own=OWN, planning=PLANNING))
    assert "Session « SST-2611 » nommée dans le mail : absente du planning." in str(
        record.values["notes"])
    assert record.values["training"] == "Sauveteur secouriste du travail — session SST-2611"


def test_a_dropout_naming_a_planned_session_gets_its_training() -> None:
    record = mail_record(sample("mail-fwd-outlook-fr.eml"), "abandons", rule="x",
                         folder_label="x", office=MailOffice(own=OWN, planning=PLANNING))
    assert record.values["training"] == "Conduite de chariots élévateurs"
    assert record.values["learner"] == "Marie Dupont"


@pytest.mark.parametrize("name", ["mail-fwd-outlook-fr.eml", "mail-fwd-gmail-fr.eml",
                                  "mail-fwd-thunderbird-fr.eml", "mail-fwd-apple-mail-fr.eml",
                                  "mail-fwd-outlook-fr-message-d-origine.eml",
                                  "mail-fwd-gmail-html-only.eml", "mail-fwd-as-attachment.eml"])
def test_forwarded_complaints_are_classified_on_the_customers_words(name: str) -> None:
    assert classify(sample(name)).register == "reclamations"


def test_office_addresses_come_from_the_mailboxes_and_the_organisation(tmp_path: Path) -> None:
    config = Config(root=tmp_path, organisation=Organisation(email="contact@of-exemple.fr"),
                    mail=MailConfig(mail=MailSettings(own_domains=["formations-azur.fr"]),
                                    imap=ImapSettings(host="imap.gmail.com",
                                                      username="of.exemple@gmail.com")))
    own = mail_office(config).own
    assert own.owns("accueil@of-exemple.fr")  # the organisation's domain
    assert own.owns("Julie@Formations-Azur.fr")  # mail.own_domains
    assert own.owns("of.exemple@gmail.com")  # the mailbox itself
    assert not own.owns("marie.dupont@gmail.com")  # a public domain is nobody's
    assert not own.owns("")


@pytest.mark.parametrize(("subject", "clean"), [
    ("TR: Réclamation", "Réclamation"), ("TR : RE: Réclamation", "Réclamation"),
    ("Fwd: Fw: plainte", "plainte"), ("RE[2]: Réf. : Absence", "Absence"),
    ("Réf. : Re : Convocation", "Convocation"), ("WG: AW: Beschwerde", "Beschwerde"),
    ("Réf. session CAC-2611", "Réf. session CAC-2611"), ("Trop tard", "Trop tard"),
    ("Reclamation: certificate missing", "Reclamation: certificate missing"),
])
def test_reply_and_forward_prefixes_are_removed_from_subjects(subject: str, clean: str) -> None:
    assert clean_subject(subject) == clean


def test_forward_prefixes_are_told_from_reply_prefixes() -> None:
    assert is_forward_subject("TR: x") and is_forward_subject("RE: Fwd: x")
    assert not is_forward_subject("RE: x") and not is_forward_subject("Transfert de dossier")


@pytest.mark.parametrize(("printed", "moment"), [
    ("lundi 23 novembre 2026 09:14", datetime(2026, 11, 23, 9, 14)),  # Outlook FR
    ("Monday, November 23, 2026 4:45 PM", datetime(2026, 11, 23, 16, 45)),  # Outlook EN
    ("jeudi, 28 octobre 2021 à 12:06", datetime(2021, 10, 28, 12, 6)),  # new Outlook FR
    ("Thursday, 28 October 2021 at 12:46", datetime(2021, 10, 28, 12, 46)),  # new Outlook EN
    ("lun. 23 nov. 2026 à 09:14", datetime(2026, 11, 23, 9, 14)),  # Gmail FR
    ("Mon, Nov 23, 2026 at 9:14 AM", datetime(2026, 11, 23, 9, 14)),  # Gmail EN
    ("22 novembre 2026 à 21:03:44 UTC+1", datetime(2026, 11, 22, 21, 3, 44)),  # Apple Mail
    ("October 26, 2021 at 2:25:08 PM GMT+3", datetime(2021, 10, 26, 13, 25, 8)),
    ("Mon, 23 Nov 2026 20:41:07 +0100", datetime(2026, 11, 23, 20, 41, 7)),  # Thunderbird
    ("Mon, 23 Nov 2026 19:41:07 +0000", datetime(2026, 11, 23, 20, 41, 7)),
    ("23/11/2026 à 09:14", datetime(2026, 11, 23, 9, 14)),  # reply lines
    ("1er décembre 2026 8h05", datetime(2026, 12, 1, 8, 5)),
    ("samedi 28 mars 2026 23:30", datetime(2026, 3, 28, 23, 30)),
])
def test_dates_are_read_as_each_client_prints_them(printed: str, moment: datetime) -> None:
    assert loose_date(printed) == moment


@pytest.mark.parametrize("printed", ["", "demain matin", "31 février 2026 10:00", "99/99/2026"])
def test_a_date_that_is_not_one_gives_none(printed: str) -> None:
    assert loose_date(printed) is None


def test_an_unreadable_original_date_falls_back_to_the_forward_and_says_so() -> None:
    raw = ("From: Julie <accueil@of-exemple.fr>\r\nSubject: TR: Plainte\r\n"
           "Date: Tue, 24 Nov 2026 10:00:00 +0100\r\nContent-Type: text/plain; charset=utf-8"
           "\r\n\r\n-----Message d'origine-----\r\nDe : Paul <paul@exemple.fr>\r\n"
           "Envoyé : un jour de pluie\r\nObjet : Plainte\r\n\r\nC'est inadmissible.\r\n"
           ).encode()
    author = author_of(parse_mail(raw, fallback_date=WHEN), OWN)
    assert author.address == "paul@exemple.fr"
    assert author.sent == datetime(2026, 11, 24, 10, 0)
    assert any("date du transfert" in note for note in author.notes)


def test_an_outlook_block_naming_only_a_person_keeps_her_name_and_asks_for_the_address() -> None:
    raw = ("From: Julie <accueil@of-exemple.fr>\r\nSubject: TR: Plainte\r\n"
           "Content-Type: text/plain; charset=utf-8\r\n\r\nDe : Paul Martin\r\n"
           "Envoyé : lundi 23 novembre 2026 09:14\r\nÀ : Accueil\r\nObjet : Plainte\r\n\r\n"
           "Texte.\r\n").encode()
    author = author_of(parse_mail(raw, fallback_date=WHEN), OWN)
    assert (author.name, author.address) == ("Paul Martin", "")
    assert any("adresse" in note for note in author.notes)


def test_a_text_quoting_nothing_has_no_chain() -> None:
    assert find_chain("Bonjour,\nDe : Nice à Paris, le train est en retard.\nMerci.") is None


def test_a_deep_chain_is_read_outermost_first() -> None:
    chain = sample("mail-fwd-outlook-fr-message-d-origine.eml").chain
    assert chain is not None
    assert [m.sender_name for m in chain.messages] == ["Pierre Lambert", "Accueil"]
    assert chain.note == "Pour suite à donner.\nJulie"


def test_the_acknowledgment_of_a_forwarded_complaint_thanks_the_customer(
        tmp_path: Path) -> None:
    """Rendered from the row the forward gives: addressed to Marie Dupont, about her subject
    (no « TR: »), received on the day she wrote, for her session."""
    record = mail_record(sample("mail-fwd-outlook-fr.eml"), "reclamations", rule="réclamation",
                         folder_label="imap INBOX", office=MailOffice(own=OWN, planning=PLANNING))
    row = StoredRow(register="reclamations", record_id="REC-2026-0042", values=record.values,
                    source=record.source)
    letter = produce_letter(kind=LetterKind.ACKNOWLEDGMENT, org=Organisation(name="Organisme"),
                            templates_dir=TEMPLATES, outbox_dir=tmp_path, row=row,
                            today=date(2026, 11, 24), person=str(record.values["name"]))
    assert letter.name == "REC-2026-0042 accuse de reception - Marie Dupont.docx"
    text = docx_text(letter)
    assert "Marie Dupont" in text and "Julie" not in text and "accueil@" not in text
    assert "le 23 novembre 2026, votre réclamation concernant « Réclamation session CAC-2611 »" \
        in " ".join(text.split())
    assert "TR:" not in text
    assert "Conduite de chariots élévateurs — session CAC-2611" in text
