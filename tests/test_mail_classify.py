"""Classification rules: French defaults, the office's own rules first, first match wins."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from automation.intake.classify import DEFAULT_RULES, Classifier, classify
from automation.intake.mail import ParsedMail, parse_mail
from automation.mail_config import MailRule, load_mail_config

DATA = Path(__file__).resolve().parent / "data"
WHEN = datetime(2026, 3, 2, 9, 0)


def mail(subject: str, body: str = "", *, sender: str = "Jean Martin <jean@exemple.fr>",
         extra: str = "") -> ParsedMail:
    raw = (f"From: {sender}\r\nSubject: {subject}\r\n{extra}MIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n"
           ).encode() + body.encode()
    return parse_mail(raw, fallback_date=WHEN)


@pytest.mark.parametrize(("name", "register"), [
    ("mail-iso8859-euro-reclamation.eml", "reclamations"),
    ("mail-html-only-reclamation.eml", "reclamations"),
    ("mail-cp1252-annulation.eml", "annulations"),
    ("mail-reply-chain-abandon.eml", "abandons"),  # speaks of absence, but drops out
    ("mail-satisfaction.eml", "satisfaction"),
    ("mail-winmail-dat.eml", "annulations"),  # "sera absent demain"
    ("mail-auto-reply.eml", None),
    ("mail-path-traversal.eml", None),
])
def test_default_rules_on_french_samples(name: str, register: str | None) -> None:
    parsed = parse_mail((DATA / name).read_bytes(), fallback_date=WHEN)
    assert classify(parsed).register == register


@pytest.mark.parametrize(("subject", "body", "register"), [
    ("RECLAMATION", "", "reclamations"),
    ("Plainte", "", "reclamations"),
    ("Formation", "Je suis très mécontente du formateur.", "reclamations"),
    ("Formation", "Nous sommes insatisfaits de la prestation.", "reclamations"),
    ("Retard", "C'est inadmissible !", "reclamations"),
    ("Réclamation suite à l'annulation", "", "reclamations"),  # complaint before cancellation
    ("Séance de jeudi", "Je dois annuler ma venue.", "annulations"),
    ("Séance de jeudi", "Pourrions-nous la reporter ?", "annulations"),
    ("Empêchement", "", "annulations"),
    ("Absence lundi", "Je serai absent lundi.", "annulations"),
    ("Absence", "Je vais abandonner la formation.", "abandons"),  # dropout before absence
    ("Formation", "J'ai décidé d'arrêter la formation.", "abandons"),
    ("Arrêt de la formation", "", "abandons"),
    ("Questionnaire de satisfaction", "Voici mes réponses.", "satisfaction"),
    ("Enquête à froid", "", "satisfaction"),
    ("Votre avis", "Très bien.", "satisfaction"),
    ("Facture", "Merci de nous envoyer la facture.", None),
    ("Rapport annuel", "", None),  # "report" is a word start, not inside "rapport"
])
def test_default_rules_french_words_any_case_or_accents(subject: str, body: str,
                                                        register: str | None) -> None:
    result = classify(mail(subject, body))
    assert result.register == register, result.rule


def test_an_out_of_office_reply_is_left_alone_even_without_headers() -> None:
    result = classify(mail("Absent du bureau", "Je suis absent jusqu'au 20 mars."))
    assert result.register is None and result.rule == "absence du bureau"


def test_the_folder_a_mail_was_found_in_decides_first() -> None:
    result = classify(mail("Bonjour", "Je serai absent."), folder="inbox/reclamations")
    assert result.register == "reclamations"
    assert result.rule == "dossier réclamations"


def test_the_office_rules_come_before_the_defaults() -> None:
    config = load_mail_config({"rules": [
        {"name": "OPCO", "register": "reclamations", "sender": "@opco-exemple.fr",
         "values": {"stakeholder": "Financeur", "nature": "Difficulté"}},
        {"name": "newsletter", "register": "", "subject": "re:^\\[lettre\\]"},
    ]})
    classifier = Classifier.from_config(config)
    opco = classifier.classify(mail("Report de session", sender="Opco <a@opco-exemple.fr>"))
    assert opco.register == "reclamations" and opco.rule == "OPCO"
    assert opco.values == {"stakeholder": "Financeur", "nature": "Difficulté"}
    assert classifier.classify(mail("[Lettre] Annulation des frais")).register is None
    assert classifier.classify(mail("Annulation")).register == "annulations"


def test_without_default_rules_only_the_office_rules_apply() -> None:
    config = load_mail_config({"default_rules": False, "rules": [
        {"name": "tout", "register": "reclamations", "text": "formation"}]})
    classifier = Classifier.from_config(config)
    assert classifier.classify(mail("Annulation")).register is None
    assert classifier.classify(mail("Formation")).rule == "tout"


def test_every_field_of_a_rule_must_match() -> None:
    rule = MailRule(name="both", register="abandons", subject=("absence",),
                    sender=("@entreprise.fr",))
    classifier = Classifier([rule])
    assert classifier.classify(mail("Absence", sender="a@entreprise.fr")).rule == "both"
    assert classifier.classify(mail("Absence", sender="a@autre.fr")).rule == ""


def test_a_regex_is_tried_on_the_text_as_written_and_folded() -> None:
    classifier = Classifier([MailRule(name="ref", register="annulations",
                                      subject=("re:S\\d{2}-\\d{3}",)),
                             MailRule(name="accent", register="reclamations",
                                      body=("re:d[ée]çu",))])
    assert classifier.classify(mail("Session S26-014")).rule == "ref"
    assert classifier.classify(mail("x", "Très DÉÇU")).rule == "accent"


def test_the_default_rules_are_in_the_documented_order() -> None:
    order = [rule.register for rule in DEFAULT_RULES if rule.register and not rule.folder]
    assert order.index("abandons") < order.index("annulations")
    assert order.index("reclamations") < order.index("annulations")
