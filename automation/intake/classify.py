"""Which register a mail belongs to: rules the office edits, first match wins.

The office's ``[[mail.rules]]`` come first, then (unless ``mail.default_rules = false``) the
French defaults below. A keyword matches at the start of a word, accents and case ignored
(``annul`` finds « Annulée », ``mecontent`` finds « mécontente »); a ``re:`` pattern is a
regular expression tried on the text as written and on its folded form. A rule whose register
is empty leaves the mail alone (auto-replies, bounces).

Order of the defaults matters: automatic mails first (an "Absent du bureau" reply is not a
cancellation), then dropouts before complaints and cancellations (« j'arrête la formation »
also speaks of absences), complaints before cancellations (« réclamation suite à
l'annulation »), survey returns before cancellations.

A forwarded mail is classified on what it passes on too (the customer's subject and text,
and sender for ``sender`` patterns), its subject without the RE:/TR: prefixes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final, NamedTuple

from automation.intake.forward import clean_subject
from automation.intake.mail import ParsedMail
from automation.mail_config import REGEX_PREFIX, MailConfig, MailRule
from automation.text import fold

DEFAULT_RULES: Final[tuple[MailRule, ...]] = (
    MailRule(
        name="réponse automatique", register=None, automatic=True),
    MailRule(
        name="absence du bureau", register=None,
        subject=("réponse automatique", "absent du bureau", "absente du bureau",
                 "absence du bureau", "out of office", "automatic reply", "autoreply",
                 "undelivered mail", "non remis", "delivery status notification",
                 "mail delivery failed", "returned mail")),
    MailRule(
        name="dossier réclamations", register="reclamations", folder=("reclamations",)),
    MailRule(
        name="dossier annulations", register="annulations", folder=("annulations",)),
    MailRule(
        name="dossier abandons", register="abandons", folder=("abandons",)),
    MailRule(
        name="dossier satisfaction", register="satisfaction", folder=("satisfaction",)),
    MailRule(
        name="abandon", register="abandons",
        text=("abandon", "arrêter la formation", "arrêter ma formation",
              "arrêt de la formation", "arrêt de ma formation", "arrête la formation",
              "arrête ma formation", "quitter la formation", "interrompre la formation",
              "interrompre ma formation", "interruption de formation",
              "interruption de ma formation", "ne plus suivre la formation",
              "ne souhaite plus suivre", "ne souhaite pas poursuivre", "ne pas poursuivre")),
    MailRule(
        name="réclamation", register="reclamations",
        text=("réclamation", "réclamer", "plainte", "mécontent", "insatisf",
              "pas satisfait", "pas satisfaite", "inadmissible", "inacceptable", "scandal",
              "déçu", "déception", "litige", "je conteste", "contestation")),
    MailRule(
        name="enquête de satisfaction", register="satisfaction",
        subject=("enquête", "questionnaire", "avis", "évaluation", "satisfaction")),
    MailRule(
        name="questionnaire rempli", register="satisfaction",
        body=("questionnaire de satisfaction", "enquête de satisfaction",
              "évaluation de la formation", "mon avis sur la formation")),
    MailRule(
        name="annulation ou report", register="annulations",
        text=("annul", "report", "décaler", "décalage", "empêchement", "empêché",
              "absence", "absent", "ne pourrai pas", "ne pourrais pas", "ne pourra pas",
              "indisponible", "arrêt maladie", "malade", "désister", "désistement")),
)


class Classification(NamedTuple):
    register: str | None  # None: leave the mail alone and list it for a person
    rule: str  # the rule that decided ("" when none matched)
    values: Mapping[str, str] = {}  # fields the rule presets
    attachments: str = ""  # the rule's word on attached spreadsheets (MailRule.attachments)


@dataclass(frozen=True)
class _Matcher:
    keywords: tuple[re.Pattern[str], ...]  # on folded text
    regexes: tuple[re.Pattern[str], ...]  # on the text as written and folded

    def __call__(self, text: str) -> bool:
        folded = fold(text)
        return (any(k.search(folded) for k in self.keywords)
                or any(r.search(text) or r.search(folded) for r in self.regexes))


def _matcher(patterns: Sequence[str]) -> _Matcher | None:
    if not patterns:
        return None
    keywords, regexes = [], []
    for pattern in patterns:
        if pattern.startswith(REGEX_PREFIX):
            regexes.append(re.compile(pattern[len(REGEX_PREFIX):], re.IGNORECASE))
        elif folded := fold(pattern):
            keywords.append(re.compile(r"(?<![0-9a-z])" + re.escape(folded)))
    return _Matcher(tuple(keywords), tuple(regexes))


@dataclass(frozen=True)
class _CompiledRule:
    rule: MailRule
    fields: Mapping[str, _Matcher]

    def matches(self, texts: Mapping[str, str], *, automatic: bool) -> bool:
        if self.rule.automatic is not None and self.rule.automatic != automatic:
            return False
        return all(match(texts[name]) for name, match in self.fields.items())


class Classifier:
    """Rules compiled once; :meth:`classify` is called for every mail."""

    def __init__(self, rules: Sequence[MailRule]) -> None:
        self._rules = tuple(_compile(rule) for rule in rules)

    @classmethod
    def from_config(cls, config: MailConfig) -> Classifier:
        rules = (*config.rules, *(DEFAULT_RULES if config.mail.default_rules else ()))
        return cls(rules)

    def classify(self, mail: ParsedMail, *, folder: str = "") -> Classification:
        """The register of ``mail`` found in ``folder`` (a mailbox folder or an inbox path)."""
        body, sender = mail.body, f"{mail.sender_name} <{mail.sender_address}>"
        if mail.forwarded:  # what the colleague passed on speaks for the mail
            for original in _originals(mail):
                body = f"{body}\n{original[2]}"
                sender = f"{sender}\n{original[0]} <{original[1]}>"
        subject = clean_subject(mail.subject)
        texts = {"subject": subject, "body": body, "sender": sender,
                 "folder": folder, "text": f"{subject}\n{body}"}
        for compiled in self._rules:
            if compiled.matches(texts, automatic=mail.automatic):
                rule = compiled.rule
                return Classification(rule.register, rule.name, dict(rule.values),
                                      rule.attachments)
        return Classification(None, "")


def _originals(mail: ParsedMail) -> list[tuple[str, str, str]]:
    """(name, address, text) of the messages a forwarded mail carries."""
    found = [(m.sender_name, m.sender_address, f"{m.subject}\n{m.body}") for m in mail.enclosed]
    if mail.chain is not None:
        found.extend((q.sender_name, q.sender_address, f"{q.subject}\n{q.text}")
                     for q in mail.chain.messages)
    return found


def _compile(rule: MailRule) -> _CompiledRule:
    fields = {name: _matcher(getattr(rule, name))
              for name in ("subject", "body", "sender", "folder", "text")}
    return _CompiledRule(rule, {k: m for k, m in fields.items() if m is not None})


_DEFAULT: Final = Classifier(DEFAULT_RULES)


def classify(mail: ParsedMail, *, folder: str = "") -> Classification:
    """Classify with the default French rules only."""
    return _DEFAULT.classify(mail, folder=folder)
