"""Answers written straight to bytes (``reply_bytes``) are the email package's answers.

Each case builds the same answer twice — ``reply_message(...).as_bytes()`` (the email package's
MIME classes and generator) and ``reply_bytes(...)`` — and requires the same bytes once the
random boundary is set aside, then parses the hand-written one back with the default policy
and checks what a mail client uses: headers, threading, the text, the letter's bytes.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from automation.clock import PARIS
from automation.config import Organisation
from automation.errors import LetterError
from automation.letters import LetterKind, produce_letter
from automation.letters.mime import reply_bytes
from automation.letters.smtp import reply_message
from automation.records import StoredRow

REPO = Path(__file__).resolve().parent.parent
WHEN = datetime(2026, 11, 23, 9, 30, tzinfo=PARIS)
_BOUNDARY = re.compile(rb'boundary="([^"]+)"')
# Text as it reaches an answer: any character but lone surrogates (they cannot be encoded).
_TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=300)


def _without_boundary(data: bytes) -> bytes:
    found = _BOUNDARY.search(data)
    return data.replace(found.group(1), b"BOUNDARY") if found else data


def _both(**answer: object) -> tuple[bytes, bytes]:
    theirs = reply_message(**answer).as_bytes()  # type: ignore[arg-type]
    ours = reply_bytes(**answer)  # type: ignore[arg-type]
    return theirs, ours


def _acknowledgment(outbox: Path) -> Path:
    row = StoredRow("reclamations", "REC-2026-0007", {
        "received_on": date(2026, 11, 16), "channel": "Email", "stakeholder": "Apprenant",
        "name": "Hélène Lefèvre", "nature": "Réclamation",
        "subject": "Facture de 1 250 € & « relance »"}, source="test")
    return produce_letter(kind=LetterKind.ACKNOWLEDGMENT, org=Organisation(name="Organisme"),
                          templates_dir=REPO / "templates", outbox_dir=outbox, row=row,
                          today=date(2026, 11, 23), person="Hélène Lefèvre")


def test_a_draft_with_its_letter_is_the_email_packages_draft(tmp_path: Path) -> None:
    letter = _acknowledgment(tmp_path)
    answer = {
        "from_address": "Service qualité <qualite@organisme-exemple.fr>",
        "to": "Hélène Lefèvre <helene@exemple-apprenant.fr>",
        "subject": "RE: Réclamation n°7 : facture de 1 250 € et relance du mois dernier "
                   "restée sans réponse de votre part",
        "body": "Madame, Monsieur,\n\nNous avons bien reçu votre message du 16 novembre.\n",
        "attachment": letter, "in_reply_to": "<declarante-7@exemple-apprenant.fr>",
        "references": "<premier@exemple-apprenant.fr> <collegue-fwd@organisme-exemple.fr>",
        "when": WHEN, "message_id": "<answer.REC-2026-0007@organisme-exemple.fr>"}
    theirs, ours = _both(**answer)
    assert _without_boundary(ours) == _without_boundary(theirs)

    draft = message_from_bytes(ours, policy=policy.default)
    assert isinstance(draft, EmailMessage)
    assert draft["To"].addresses[0].display_name == "Hélène Lefèvre"
    assert draft["From"].addresses[0].addr_spec == "qualite@organisme-exemple.fr"
    assert str(draft["Subject"]) == answer["subject"]
    assert draft["Message-ID"] == answer["message_id"]
    assert draft["In-Reply-To"] == "<declarante-7@exemple-apprenant.fr>"
    assert draft["References"].split() == ["<premier@exemple-apprenant.fr>",
                                           "<collegue-fwd@organisme-exemple.fr>",
                                           "<declarante-7@exemple-apprenant.fr>"]
    assert draft["Date"].datetime == WHEN
    body = draft.get_body(("plain",))
    assert body is not None
    assert body.get_content().replace("\r\n", "\n") == answer["body"]  # as written: CRLF
    (attached,) = draft.iter_attachments()
    assert attached.get_filename() == letter.name
    assert attached.get_content_type() == ("application/vnd.openxmlformats-officedocument."
                                           "wordprocessingml.document")
    assert attached.get_content() == letter.read_bytes()
    assert all(len(line) <= 998 for line in ours.split(b"\r\n"))  # RFC 5322
    assert b"\n" not in ours.replace(b"\r\n", b"")  # CRLF line ends only


def test_a_letter_named_in_accented_letters_keeps_its_name(tmp_path: Path) -> None:
    letter = tmp_path / "Réponse à Mme Lefèvre – REC-2026-0007 (copie définitive).pdf"
    letter.write_bytes(b"%PDF-1.4\n" + bytes(range(256)) * 40)
    theirs, ours = _both(from_address="qualite@organisme-exemple.fr", to="h@exemple.fr",
                         subject="RE:", body="Bonjour", attachment=letter, when=WHEN,
                         draft=True, message_id="<m@organisme-exemple.fr>")
    assert _without_boundary(ours) == _without_boundary(theirs)
    draft = message_from_bytes(ours, policy=policy.default)
    assert isinstance(draft, EmailMessage)
    assert draft["X-Unsent"] == "1"
    (attached,) = draft.iter_attachments()
    assert attached.get_filename() == letter.name
    assert attached.get_content() == letter.read_bytes()


def test_an_answer_without_a_letter_is_the_email_packages_answer() -> None:
    theirs, ours = _both(from_address="Qualité <q@organisme-exemple.fr>",
                         to="Robert Duncan <r@exemple.fr>, « Zoé » <z@exemple.fr>",
                         subject="Votre avis", body="Ligne 1\r\nLigne 2\rfin", when=WHEN,
                         message_id="<x@organisme-exemple.fr>")
    assert ours == theirs


def test_an_empty_letter_is_attached_empty(tmp_path: Path) -> None:
    letter = tmp_path / "vide.docx"
    letter.write_bytes(b"")
    theirs, ours = _both(from_address="q@o.fr", to="p@e.fr", subject="x", body="x",
                         attachment=letter, when=WHEN, message_id="<m@o.fr>")
    assert _without_boundary(ours) == _without_boundary(theirs)


def test_a_missing_letter_is_a_letter_error(tmp_path: Path) -> None:
    with pytest.raises(LetterError, match="cannot be read"):
        reply_bytes(from_address="a@b.fr", to="c@d.fr", subject="x", body="x",
                    attachment=tmp_path / "absente.docx")


@settings(max_examples=150)
@given(subject=_TEXT, body=_TEXT, name=st.text(max_size=60), letter=st.binary(max_size=4000),
       file_name=st.sampled_from(["accuse.docx", "Accusé de réception.docx", "a b.pdf",
                                  "sans-extension"]),
       references=st.lists(st.from_regex(r"<[a-z0-9.]{1,30}@[a-z]{1,12}\.fr>",
                                         fullmatch=True), max_size=8),
       attached=st.booleans(), draft=st.booleans())
def test_any_answer_is_written_as_the_email_package_writes_it(
        tmp_path_factory: pytest.TempPathFactory, subject: str, body: str, name: str,
        letter: bytes, file_name: str, references: list[str], attached: bool,
        draft: bool) -> None:
    path = None
    if attached:
        path = tmp_path_factory.mktemp("letter") / file_name
        path.write_bytes(letter)
    answer = {"from_address": "Qualité <qualite@organisme-exemple.fr>",
              "to": f"{name} <personne@exemple.fr>", "subject": subject, "body": body,
              "attachment": path, "in_reply_to": "<mail@exemple.fr>",
              "references": " ".join(references), "when": WHEN, "draft": draft,
              "message_id": "<answer@organisme-exemple.fr>"}
    theirs, ours = _both(**answer)
    assert _without_boundary(ours) == _without_boundary(theirs)
    if path is not None:
        parsed = message_from_bytes(ours, policy=policy.default)
        assert isinstance(parsed, EmailMessage)
        (part,) = parsed.iter_attachments()
        assert part.get_content() == letter
