"""What the default letters say, read back from Word (python-docx) and from LibreOffice: only
what is meant for the recipient, the recipient's civility and postal address (in an envelope's
window), the office's billing policy, one correspondence across a dropout's steps, and French
typography."""

from __future__ import annotations

import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import docx
import pytest

from automation.config import Organisation
from automation.letters import LetterKind, convert_to_pdf, letter_context, render_letter
from automation.letters.context import INTERNAL_FIELDS
from automation.procedures.cancellation import completion
from automation.procedures.config import Cancellations
from automation.records import StoredRow
from automation.registers.schema import REGISTERS_BY_KEY

from .conftest import REPO

TEMPLATES = REPO / "templates"
TODAY = date(2026, 11, 23)
ORG = Organisation(name="Formations Azur", address="12 rue de France\n06000 Nice",
                   siret="12345678900012", nda="93060000006", email="contact@formations-azur.fr",
                   phone="04 93 00 00 00", signatory="Claire Martin",
                   signatory_title="Directrice", city="Nice")
NBSP = "\u00a0"
MM = 72 / 25.4  # PDF points in a millimetre
IDS = {"reclamations": "REC-2026-0001", "annulations": "ANN-2026-0002",
       "abandons": "ABD-2026-0003"}
# A row of each register as an office fills it, up to the last step of its procedure.
ROWS: dict[str, dict[str, Any]] = {
    "reclamations": {
        "received_on": date(2026, 11, 20), "channel": "Email", "stakeholder": "Apprenant",
        "name": "Mme Élodie Faure-Lemoine", "email": "elodie@exemple.fr",
        "training": "Excel avancé", "nature": "Réclamation", "subject": "TR: RE: Salle froide",
        "status": "Résolue", "response": "Le chauffage de la salle a été réparé",
        "mediation": "Oui"},
    "annulations": {
        "requested_on": datetime(2026, 11, 20, 10, 0), "session_ref": "S-2026-031",
        "training": "Excel avancé", "session_start": datetime(2026, 12, 1, 9, 0),
        "session_hours": 7, "initiator": "Formateur", "person": "M. Jean Petit",
        "kind": "Report", "motive": "Formateur indisponible", "recoverable": "Oui",
        "billable": "Non", "new_start": datetime(2026, 12, 8, 9, 0),
        "alternative": "Distanciel"},
    "abandons": {
        "learner": "Mme Julie Morel", "email": "julie@exemple.fr",
        "training": "Anglais professionnel", "start": date(2026, 10, 5),
        "end": date(2026, 12, 18), "hours_planned": 70, "hours_done": 21,
        "prescriber": "France Travail Nice", "prescriber_email": "conseil@ft-exemple.fr",
        "absence_noted_on": date(2026, 11, 16), "reasons_requested_on": date(2026, 11, 20),
        "reason": "Manque de temps", "proposal": "Suivre les heures restantes à distance",
        "reminder_on": date(2026, 11, 27), "decision": "Abandon validé",
        "decided_on": date(2026, 12, 16)},
}
RECIPIENT_KEY = {LetterKind.PRESCRIBER_ABSENCE: "prescriber"}


def recipient_of(kind: LetterKind, values: Mapping[str, Any]) -> str:
    key = RECIPIENT_KEY.get(kind, REGISTERS_BY_KEY[kind.register].person_key)
    return str(values.get(key) or "")


def render(letter: LetterKind, out: Path, *, register: str | None = None,
           address: str = "", **values: Any) -> Path:
    register = register or letter.register
    row = {**ROWS[register], **values}
    context = letter_context(ORG, StoredRow(register, IDS[register], row, "t"), today=TODAY,
                             extra={"recipient": recipient_of(letter, row),
                                    "recipient_address": address})
    return render_letter(TEMPLATES / letter.template, context, out / f"{letter.value}.docx")


def word_text(path: Path) -> str:
    """The letter as python-docx reads it: body, tables, header and footer."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs + section.footer.paragraphs]
    return "\n".join(parts)


def plain(text: str) -> str:
    return " ".join(text.replace(NBSP, " ").split())


def libreoffice_text(paths: list[Path], out: Path) -> dict[Path, str]:
    """Each letter as LibreOffice reads it (converted to PDF in one call, then to text)."""
    pdfs = convert_to_pdf(paths, out)
    return {path: plain(_pdftotext(pdf)) for path, pdf in zip(paths, pdfs, strict=True)}


def _pdftotext(pdf: Path, *extra: str) -> str:
    program = shutil.which("pdftotext")
    if program is None:
        pytest.fail("pdftotext is not installed (Debian: poppler-utils); "
                    "scripts/install-system-deps installs it", pytrace=False)
    return subprocess.run([program, *extra, str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=60).stdout


# --- only what is meant for the recipient -----------------------------------------------------

def test_no_internal_field_reaches_any_default_letter(tmp_path: Path) -> None:
    letters: list[Path] = []
    for kind in LetterKind:
        folder = tmp_path / kind.value
        folder.mkdir()
        internal = {key: f"INTERNE-{key}" for key in INTERNAL_FIELDS
                    if REGISTERS_BY_KEY[kind.register].has(key)}
        internal.update(motive_detail="Formateur hospitalisé, session annulée",
                        corrective_action="Recadrage du formateur",
                        reason_detail="Pas motivée, a trouvé un CDI")
        letter = render(kind, folder, **{k: v for k, v in internal.items()
                                          if REGISTERS_BY_KEY[kind.register].has(k)})
        letters.append(letter)
        text = word_text(letter)
        assert "INTERNE-" not in text, kind
        for phrase in ("hospitalisé", "Recadrage", "CDI"):
            assert phrase not in text, (kind, phrase)
    for letter, text in libreoffice_text(letters, tmp_path / "pdf").items():
        assert "INTERNE-" not in text and "hospitalisé" not in text, letter.name
        assert "{{" not in text and "{%" not in text


# --- greeting and envelope ----------------------------------------------------------------------

@pytest.mark.parametrize(("name", "greeting", "block"), [
    ("Mme Élodie Faure-Lemoine", "Madame", "Madame Élodie Faure-Lemoine"),
    ("M. Jean Petit", "Monsieur", "Monsieur Jean Petit"),
    ("Monsieur Luc Martin", "Monsieur", "Monsieur Luc Martin"),
    ("Élodie Faure-Lemoine", "Madame, Monsieur", "Élodie Faure-Lemoine"),
])
def test_the_letter_greets_the_recipient_by_the_civility_their_name_carries(
        name: str, greeting: str, block: str, tmp_path: Path) -> None:
    for kind in LetterKind:
        key = RECIPIENT_KEY.get(kind, REGISTERS_BY_KEY[kind.register].person_key)
        folder = tmp_path / kind.value
        folder.mkdir()
        paragraphs = [p.text for p in docx.Document(str(render(kind, folder, **{key: name})))
                      .paragraphs]
        assert paragraphs[0] == block, kind  # the envelope's block, civility spelt out
        if kind is LetterKind.DROPOUT_ATTESTATION:
            continue  # a form, not a letter: no greeting
        assert f"{greeting}," in paragraphs, kind
        assert any(f"agréer, {greeting}, l’expression" in p for p in paragraphs), kind
        if kind is not LetterKind.PRESCRIBER_ABSENCE:
            assert (greeting == "Madame, Monsieur") == ("Madame, Monsieur," in paragraphs)


def test_the_attestation_agrees_with_the_learner_s_civility(tmp_path: Path) -> None:
    text = plain(word_text(render(LetterKind.DROPOUT_ATTESTATION, tmp_path)))
    assert "Je soussignée, Madame Julie Morel, certifie vouloir abandonner définitivement" in text
    neutral = plain(word_text(render(LetterKind.DROPOUT_ATTESTATION, tmp_path,
                                     learner="Julie Morel")))
    assert "Je soussigné(e), Julie Morel, certifie" in neutral


def test_the_postal_address_sits_in_the_window_of_a_dl_envelope(tmp_path: Path) -> None:
    letter = render(LetterKind.ACKNOWLEDGMENT, tmp_path,
                    address="3, rue des Lilas, Appartement 12, 06100 Nice")
    first = docx.Document(str(letter)).paragraphs[0]
    assert first.text == "Madame Élodie Faure-Lemoine\n3 rue des Lilas\nAppartement 12\n06100 NICE"
    (pdf,) = convert_to_pdf([letter], tmp_path / "pdf")
    words = re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" '
                       r'yMax="([\d.]+)">([^<]*)</word>', _pdftotext(pdf, "-bbox", "-l", "1"))
    block = [(float(x0) / MM, float(y0) / MM, float(x1) / MM, float(y1) / MM)
             for x0, y0, x1, y1, word in words if word in ("Élodie", "Lilas", "NICE")]
    assert len(block) == 3
    # a DL envelope (220 × 110 mm) shows 100 × 45 mm at 20 mm from its right, 15 mm from its
    # bottom: on the A4 folded in three, x from 100 to 200 mm and y from 50 to 95 mm
    for x0, y0, x1, y1 in block:
        assert x0 >= 100 and x1 <= 200 and y0 >= 50 and y1 <= 95, block
    dated = [float(y0) / MM for _, y0, _, _, word in words if word == "novembre"]
    assert dated and min(dated) > 95  # the letter's date comes below the window, not in it


def test_the_planning_s_address_reaches_the_letter_when_the_row_has_none(
        office: Any, tmp_path: Path) -> None:
    from automation.pipeline.files import ingest_file
    from automation.pipeline.followup import catch_up

    from .conftest import DATA
    from .spine import write_xlsx

    shutil.copyfile(DATA / "plan-sessions-addresses.xlsx",
                    office.config.registers_dir / "sessions.xlsx")
    ingest_file(office, write_xlsx(office.config.inbox_dir / "abandons" / "a.xlsx", [
        ["Apprenant", "Formation", "Absence constatée le"],
        ["Marie Dupont", "Excel avancé", "16/11/2026"]]))
    catch_up(office)
    (letter,) = office.config.outbox_dir.glob("ABD-2026-0001*.docx")
    block = docx.Document(str(letter)).paragraphs[0].text
    assert block == "OPCO Atlas\nOPCO Atlas – Délégation Sud\n45 avenue Jean Médecin\n06000 NICE"


# --- a cancellation answered as the office's policy says -------------------------------------

START = datetime(2026, 12, 1, 9, 0)
LEARNER_MOTIVES = {  # when the learner's request came, against a 7-hour session at START
    "plus de 24 h": START - timedelta(days=3),
    "moins de 24 h": START - timedelta(hours=10),
    "partie après 2 h sur 7": START + timedelta(hours=2),
    "absent passé le tiers": START + timedelta(hours=4),
}
POLICIES = {
    "défaut": Cancellations(),
    "indulgente": Cancellations(billable_late_cancellation=False, billable_absence=False),
    "stricte": Cancellations(billable_early_cancellation=True),
}


def learner_cancellation(requested: datetime, policy: Cancellations) -> dict[str, Any]:
    values: dict[str, Any] = {
        "requested_on": requested, "session_ref": "S-2026-031", "training": "Excel avancé",
        "session_start": START, "session_hours": 7, "initiator": "Apprenant",
        "person": "M. Jean Petit", "kind": "Annulation", "motive": None, "recoverable": None,
        "billable": None, "new_start": None, "alternative": None}
    values.update(completion(values, policy))  # as intake fills the row (seed 004)
    return values


@pytest.mark.parametrize("policy", list(POLICIES), ids=str)
@pytest.mark.parametrize("when", list(LEARNER_MOTIVES), ids=str)
def test_a_learner_s_cancellation_is_answered_with_the_policy_s_billing_and_make_up(
        when: str, policy: str, tmp_path: Path) -> None:
    values = learner_cancellation(LEARNER_MOTIVES[when], POLICIES[policy])
    letter = render(LetterKind.ALTERNATIVE_PROPOSAL, tmp_path, register="annulations",
                    **values)
    text = plain(word_text(letter))
    opening = {
        "plus de 24 h": "Nous avons bien reçu votre demande d’annulation de votre participation "
                        "à la session « Excel avancé » (réf. S-2026-031) prévue le 1er décembre "
                        "2026 à 9 h, reçue plus de 24 heures avant son début.",
        "moins de 24 h": "reçue moins de 24 heures avant son début.",
        "partie après 2 h sur 7": "Nous avons bien noté que vous avez dû interrompre votre "
                                  "participation à la session « Excel avancé »",
        "absent passé le tiers": "Nous avons constaté votre absence à la session "
                                 "« Excel avancé » (réf. S-2026-031) du 1er décembre 2026 à 9 h.",
    }[when]
    assert opening in text
    assert "vous ne pourrez pas participer" not in text
    billed = {"Oui": "Conformément à nos conditions générales de vente, cette session vous "
                     "sera facturée",
              "Non": "Cette session ne vous sera pas facturée"}[values["billable"]]
    assert billed in text
    if values["recoverable"] == "Oui":
        assert "nous vous proposons de vous inscrire à une autre session" in text
        assert "rattrapée" not in text
    else:
        assert "ne pourra pas être rattrapée" in text or "ne pourra cependant pas" in text
        assert "une nouvelle inscription sera nécessaire" in text
        assert "autre session" not in text and "à distance" not in text
    subject = "Votre absence à la session" if when == "absent passé le tiers" else (
        "Votre annulation – session")
    assert f"Objet : {subject} « Excel avancé »" in text


@pytest.mark.parametrize("billable", [False, True], ids=["non facturée", "facturée"])
@pytest.mark.parametrize("motive", ["Formateur indisponible", "Effectif insuffisant",
                                    "Force majeure"])
def test_a_session_cancelled_by_the_office_says_whether_it_is_billed(
        motive: str, billable: bool, tmp_path: Path) -> None:
    setting = {"Formateur indisponible": "billable_trainer_unavailable",
               "Effectif insuffisant": "billable_too_few_participants",
               "Force majeure": "billable_force_majeure"}[motive]
    policy = Cancellations(**{setting: billable})
    values: dict[str, Any] = {**ROWS["annulations"], "kind": "Annulation",
                              "initiator": "Organisme", "motive": motive, "recoverable": None,
                              "billable": None, "alternative": None, "new_start": None}
    values.update(completion(values, policy))
    text = plain(word_text(render(LetterKind.CANCELLATION_NOTICE, tmp_path, **values)))
    because = {"Formateur indisponible": "en raison de l’indisponibilité du formateur",
               "Effectif insuffisant": "faute d’un nombre suffisant de participants",
               "Force majeure": "pour un cas de force majeure"}[motive]
    assert f"est annulée {because}." in text
    assert ("elle vous sera néanmoins facturée" in text) is billable
    assert ("Cette annulation ne vous sera pas facturée." in text) is not billable
    assert "Nous reviendrons vers vous très prochainement" in text


# --- a dropout, one correspondence ----------------------------------------------------------

def test_the_dropout_letters_read_as_one_correspondence(tmp_path: Path) -> None:
    steps = [LetterKind.PRESCRIBER_ABSENCE, LetterKind.DROPOUT_REASONS,
             LetterKind.ALTERNATIVE_PROPOSAL, LetterKind.DROPOUT_ATTESTATION]
    letters = []
    for kind in steps:
        folder = tmp_path / kind.value
        folder.mkdir()
        letters.append(render(kind, folder))
    texts = libreoffice_text(letters, tmp_path / "pdf")
    prescriber, reasons, reminder, attestation = (texts[p] for p in letters)
    for text in texts.values():
        for claim in ("votre souhait", "fait part", "sans nous en avoir fait connaître"):
            assert claim not in text  # nobody said they wanted to stop
    assert ("Nous vous informons de l’absence de Mme Julie Morel à la formation « Anglais "
            "professionnel » depuis le 16 novembre 2026") in prescriber
    assert "sa présence représente 21 h sur les 70 h prévues" in prescriber
    assert ("Nous constatons votre absence à la formation « Anglais professionnel » depuis le "
            "16 novembre 2026") in reasons
    assert "Pourriez-vous nous en indiquer la ou les raisons" in reasons
    # step 6 answers step 2: the letter sent the day « Motifs demandés le » says
    assert ("Nous faisons suite à notre courrier du 20 novembre 2026 au sujet de votre absence "
            "à la formation « Anglais professionnel »") in reminder
    assert "Vous nous en avez indiqué la raison : manque de temps." in reminder
    assert "Suivre les heures restantes à distance." in reminder
    assert "Copie : France Travail Nice" in reminder
    assert "Je soussignée, Madame Julie Morel, certifie vouloir abandonner" in attestation
    assert "Fait à" in attestation and all("Fait à" not in t for t in (prescriber, reasons,
                                                                        reminder))


# --- French typography and sentences ----------------------------------------------------------

def every_letter(folder: Path, **values: Any) -> Iterator[tuple[LetterKind, Path]]:
    for kind in LetterKind:
        here = folder / kind.value
        here.mkdir()
        known = {k: v for k, v in values.items() if REGISTERS_BY_KEY[kind.register].has(k)}
        yield kind, render(kind, here, **known)


def test_every_default_letter_keeps_french_spacing(tmp_path: Path) -> None:
    typed = {"subject": "Salle: trop froide !", "response": "Voici « notre réponse »: désolés ?",
             "proposal": "Reprendre le 4 janvier ; à distance", "training": "Excel «avancé»"}
    for kind, letter in every_letter(tmp_path, **typed):
        for paragraph in word_text(letter).split("\n"):
            assert not re.search(r" [:;!?»]", paragraph), (kind, paragraph)
            assert ("« " not in paragraph and "«\u00a0" in paragraph) or "«" not in paragraph, (
                kind, paragraph)


def test_a_forwarded_subject_is_quoted_without_its_prefix(tmp_path: Path) -> None:
    for kind in (LetterKind.ACKNOWLEDGMENT, LetterKind.COMPLAINT_RESPONSE):
        text = plain(word_text(render(kind, tmp_path)))
        assert "« Salle froide »" in text and "TR:" not in text and "RE:" not in text


def test_every_sentence_of_a_letter_ends_with_its_full_stop(tmp_path: Path) -> None:
    for kind, letter in every_letter(tmp_path):
        for paragraph in docx.Document(str(letter)).paragraphs:
            text = paragraph.text.strip()
            style = paragraph.style.name if paragraph.style is not None else ""
            if (not text or style in ("Destinataire", "Date du courrier", "Référence", "Objet",
                                      "Signature", "Title", "Case à cocher")
                    or text.endswith(",")  # the greeting
                    or text.startswith("Fait à")):
                continue
            assert text[-1] in ".:?!", (kind, text)


def test_no_word_is_repeated_in_two_consecutive_sentences(tmp_path: Path) -> None:
    names = {w.casefold() for v in (*ROWS["reclamations"].values(), *ROWS["annulations"]
                                    .values(), *ROWS["abandons"].values(), *vars(ORG).values())
             for w in re.findall(r"\w+", str(v))}
    common = {"formation", "session"}  # the letter's subject: named again on purpose
    for kind, letter in every_letter(tmp_path):
        body = [p.text for p in docx.Document(str(letter)).paragraphs
                if p.style is not None and p.style.name in ("Normal", "Citation")]
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", plain(" ".join(body))) if s]
        for first, second in pairwise(sentences):
            words = [{w.casefold() for w in re.findall(r"\w{7,}", s)} - names - common
                     for s in (first, second)]
            assert not words[0] & words[1], (kind, first, second)
