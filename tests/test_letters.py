"""Letters: real .docx files rendered from the default templates, written and read back."""

from __future__ import annotations

import importlib.util
import tempfile
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path
from types import ModuleType

import docx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from automation.config import Organisation
from automation.errors import LetterError, TemplateError
from automation.letters import (
    LetterKind,
    check_template,
    convert_to_pdf,
    french_datetime,
    french_long_date,
    letter_context,
    letter_filename,
    libreoffice_available,
    produce_letter,
    render_letter,
    unique_path,
)
from automation.letters.naming import MAX_NAME, safe_stem
from automation.letters.produce import stored_identity
from automation.letters.typography import french_spacing
from automation.records import StoredRow
from automation.registers.schema import ABANDONS, REGISTERS_BY_KEY, Field, Kind

REPO = Path(__file__).resolve().parent.parent
TEMPLATES = REPO / "templates"
DEFAULTS = REPO / "automation" / "defaults"
TODAY = date(2026, 11, 22)
IDS = {"reclamations": "REC-2026-0001", "annulations": "ANN-2026-0002",
       "abandons": "ABD-2026-0003"}
WINDOWS_FORBIDDEN = set('<>:"/\\|?*')
WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
                    *(f"LPT{i}" for i in range(1, 10))}

FULL_ORG = Organisation(
    name="Formations Azur", address="12 rue de France\n06000 Nice", siret="12345678900012",
    nda="93060000006", email="contact@formations-azur.fr", phone="04 93 00 00 00",
    signatory="Claire Martin", signatory_title="Directrice", city="Nice")


def sample_value(field: Field, index: int) -> object:
    """A plausible value of every kind, so that each template branch has something to show."""
    match field.kind:
        case Kind.DATE:
            return date(2026, 11, 1 + index % 28)
        case Kind.DATETIME:
            return datetime(2026, 3, 12, 14, 30)
        case Kind.NUMBER:
            return 7.5
        case Kind.SCORE:
            return 4
        case Kind.ENUM:
            return field.choices[0]
        case Kind.EMAIL:
            return "marie.dupont@example.fr"
        case _:
            return f"{field.header} n° {index}"


def full_row(register: str) -> StoredRow:
    schema = REGISTERS_BY_KEY[register]
    values = {f.key: sample_value(f, i) for i, f in enumerate(schema.fields) if f.key != "id"}
    return StoredRow(register, IDS[register], values, source="test")


def letter_text(path: Path) -> str:
    """Every paragraph of a letter, tables, header and footer included, spaces normalised."""
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    parts += [c.text for t in document.tables for r in t.rows for c in r.cells]
    for section in document.sections:
        parts += [p.text for p in section.header.paragraphs]
        parts += [p.text for p in section.footer.paragraphs]
    return "\n".join(parts).replace("\u00a0", " ")


def body_paragraphs(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


def make_template(path: Path, *paragraphs: str, header: str = "") -> Path:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if header:
        document.sections[0].header.paragraphs[0].text = header
    document.save(str(path))
    return path


def acknowledgment_context(**values: object) -> dict[str, object]:
    row = StoredRow("reclamations", "REC-2026-0001",
                    {"received_on": date(2026, 11, 20), "name": "Marie Dupont", **values}, "t")
    return letter_context(FULL_ORG, row, today=TODAY)


# --- the eight default templates --------------------------------------------------------------

@pytest.mark.parametrize("kind", list(LetterKind), ids=str)
def test_each_default_template_renders_with_a_full_context(kind: LetterKind,
                                                           tmp_path: Path) -> None:
    template = TEMPLATES / kind.template
    context = letter_context(FULL_ORG, full_row(kind.register), today=TODAY)
    assert check_template(template, context) == []
    out = render_letter(template, context, tmp_path / kind.template)
    text = letter_text(out)
    attestation = kind is LetterKind.DROPOUT_ATTESTATION
    dated = "établie le 22 novembre 2026" if attestation else "Nice, le 22 novembre 2026"
    for expected in ("Formations Azur", IDS[kind.register], dated, "Claire Martin",
                     "Directrice", "SIRET 12345678900012", "93060000006",
                     "contact@formations-azur.fr", "Réf. : " + IDS[kind.register]):
        assert expected in text, f"{expected!r} missing from {kind.template}"
    assert "{{" not in text and "{%" not in text
    assert ("Fait à" in text) is attestation  # « Fait à … le … » only on attestations


@pytest.mark.parametrize("kind", list(LetterKind), ids=str)
def test_empty_optional_values_leave_no_dangling_labels(kind: LetterKind, tmp_path: Path) -> None:
    schema = REGISTERS_BY_KEY[kind.register]
    row = StoredRow(kind.register, IDS[kind.register],
                    {f.key: sample_value(f, i) for i, f in enumerate(schema.fields)
                     if f.required}, "t")
    context = letter_context(Organisation(name="Formations Azur"), row, today=TODAY)
    assert check_template(TEMPLATES / kind.template, context) == []
    text = letter_text(render_letter(TEMPLATES / kind.template, context, tmp_path / "l.docx"))
    for label in ("SIRET", "Déclaration d’activité", "Tél.", "réf. )", "(motif",
                  "Motif de l’abandon", " : \n", "« »", " , ", " .", "Copie :"):
        assert label not in text, f"{label!r} left in {kind.template}"
    attestation = kind is LetterKind.DROPOUT_ATTESTATION
    assert ("établie le 22 novembre 2026" if attestation else "Le 22 novembre 2026") in text


def test_dropout_reasons_letter_lists_the_register_choices(tmp_path: Path) -> None:
    context = letter_context(FULL_ORG, full_row("abandons"), today=TODAY)
    out = render_letter(TEMPLATES / LetterKind.DROPOUT_REASONS.template, context,
                        tmp_path / "motifs.docx")
    text = letter_text(out)
    for choice in ABANDONS.field("reason").choices:
        assert f"☐ {choice}" in text


def test_attestation_names_the_learner_the_training_and_its_dates(tmp_path: Path) -> None:
    row = StoredRow("abandons", "ABD-2026-0003",
                    {"learner": "Luc Martin", "training": "Anglais professionnel",
                     "start": date(2026, 1, 5), "end": date(2026, 6, 30),
                     "absence_noted_on": date(2026, 2, 1)}, "t")
    out = render_letter(TEMPLATES / LetterKind.DROPOUT_ATTESTATION.template,
                        letter_context(FULL_ORG, row, today=TODAY), tmp_path / "att.docx")
    text = letter_text(out)
    assert ("Je soussigné(e), Luc Martin, certifie vouloir abandonner définitivement la "
            "formation « Anglais professionnel » prévue du 5 janvier 2026 au 30 juin 2026") in text
    assert "Fait à ……" in text and "Signature :" in text


def test_postponement_letter_gives_the_new_date_and_the_alternative(tmp_path: Path) -> None:
    row = StoredRow("annulations", "ANN-2026-0002",
                    {"training": "Word", "session_start": datetime(2026, 3, 12, 14, 30),
                     "new_start": datetime(2026, 4, 1, 9, 0), "alternative": "Distanciel",
                     "kind": "Report", "initiator": "Formateur", "person": "Jean Petit"}, "t")
    out = render_letter(TEMPLATES / LetterKind.POSTPONEMENT_NOTICE.template,
                        letter_context(FULL_ORG, row, today=TODAY), tmp_path / "report.docx")
    text = letter_text(out)
    assert ("initialement prévue le 12 mars 2026 à 14 h 30, est reportée au "
            "1er avril 2026 à 9 h") in text
    assert "nous vous proposons de suivre cette formation à distance" in text


def test_templates_folder_and_package_defaults_hold_identical_files() -> None:
    names = {kind.template for kind in LetterKind} | {"README.md"}
    assert names <= {p.name for p in TEMPLATES.iterdir()}
    for name in names:
        assert (TEMPLATES / name).read_bytes() == (DEFAULTS / name).read_bytes(), name


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("build_templates",
                                                  REPO / "scripts" / "build_templates.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _members(data: bytes | Path) -> dict[str, bytes]:
    source = data if isinstance(data, Path) else __import__("io").BytesIO(data)
    with zipfile.ZipFile(source) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def test_default_templates_and_readme_are_what_the_build_script_makes() -> None:
    script = _build_script()
    for kind in LetterKind:
        assert _members(script.template_bytes(kind)) == _members(TEMPLATES / kind.template), (
            f"{kind.template} is stale: run scripts/build_templates.py")
    readme = script.readme_text([TEMPLATES / kind.template for kind in LetterKind])
    assert (TEMPLATES / "README.md").read_text(encoding="utf-8") == readme


def test_templates_declare_french_language_and_a_calibri_normal_style() -> None:
    document = docx.Document(str(TEMPLATES / LetterKind.ACKNOWLEDGMENT.template))
    assert document.styles["Normal"].font.name == "Calibri"
    assert document.core_properties.language == "fr-FR"
    assert document.core_properties.title == "Accusé de réception de réclamation"


# --- escaping, cleaning, errors -----------------------------------------------------------------

def test_complaint_text_with_ampersand_and_brackets_gives_a_complete_letter(
        tmp_path: Path) -> None:
    hostile = 'Salle "B" <froide> & bruyante, l\'accueil > 0 & <w:p> ]]>'
    context = acknowledgment_context(subject=hostile, training="Excel & <VBA>")
    out = render_letter(TEMPLATES / LetterKind.ACKNOWLEDGMENT.template, context,
                        tmp_path / "ar.docx")
    assert zipfile.ZipFile(out).testzip() is None
    text = letter_text(out)
    assert f"concernant « {hostile} »" in text
    assert "« Excel & <VBA> »" in text
    assert body_paragraphs(out)[-2:] == ["Claire Martin", "Directrice"]  # nothing cut off


def test_ampersand_in_the_organisation_name_keeps_header_and_footer_valid(
        tmp_path: Path) -> None:
    org = Organisation(name="Dupont & Fils <Formation>", siret="12345678900012")
    row = StoredRow("reclamations", "REC-2026-0009", {"name": "Marie"}, "t")
    out = render_letter(TEMPLATES / LetterKind.ACKNOWLEDGMENT.template,
                        letter_context(org, row, today=TODAY), tmp_path / "ar.docx")
    header = docx.Document(str(out)).sections[0].header.paragraphs[0].text
    assert header == "Dupont & Fils <Formation>"


@settings(max_examples=25, deadline=None)
@given(st.text(max_size=200))
def test_any_complaint_text_gives_a_valid_letter_holding_it(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        out = render_letter(TEMPLATES / LetterKind.COMPLAINT_RESPONSE.template,
                            acknowledgment_context(response=text), Path(folder) / "r.docx")
        rendered = letter_text(out)  # reopening parses every part strictly
        shown = french_spacing(_printable(text)).replace("\u00a0", " ")
        assert " ".join(shown.split()) in " ".join(rendered.split())
        assert body_paragraphs(out)[-1] == "Directrice"


def _printable(text: str) -> str:
    """What of ``text`` a letter can hold: no control characters, surrogates replaced."""
    from automation.letters.render import clean_context

    return str(clean_context(text))


def test_control_characters_and_lone_surrogates_are_cleaned(tmp_path: Path) -> None:
    context = acknowledgment_context(subject="a\x00b\x1bc\ud800d")
    out = render_letter(TEMPLATES / LetterKind.ACKNOWLEDGMENT.template, context,
                        tmp_path / "ar.docx")
    assert "« abc\ufffdd »" in letter_text(out)


def test_line_breaks_in_an_answer_become_line_breaks_in_the_letter(tmp_path: Path) -> None:
    context = acknowledgment_context(response="Première ligne\nDeuxième ligne")
    out = render_letter(TEMPLATES / LetterKind.COMPLAINT_RESPONSE.template, context,
                        tmp_path / "r.docx")
    assert "Première ligne\nDeuxième ligne." in body_paragraphs(out)  # and its full stop


def test_missing_variable_raises_template_error_naming_it_and_the_template(
        tmp_path: Path) -> None:
    template = TEMPLATES / LetterKind.ACKNOWLEDGMENT.template
    context = acknowledgment_context()
    del context["today"]
    with pytest.raises(TemplateError) as caught:
        render_letter(template, context, tmp_path / "ar.docx")
    assert "unknown variable 'today'" in str(caught.value)
    assert str(template) in str(caught.value)
    assert caught.value.template == template
    assert not (tmp_path / "ar.docx").exists()


def test_misspelt_attribute_is_named_with_its_paragraph(tmp_path: Path) -> None:
    template = make_template(tmp_path / "typo.docx", "Bonjour", "Madame {{ org.nam }},")
    context = acknowledgment_context()
    assert check_template(template, context) == ["org.nam"]
    with pytest.raises(TemplateError, match=r"typo\.docx: unknown variable 'org\.nam' in the "
                                            r"body, paragraph « Madame \{\{ org\.nam \}\}, »"):
        render_letter(template, context, tmp_path / "out.docx")


def test_unknown_variable_in_the_header_says_header(tmp_path: Path) -> None:
    template = make_template(tmp_path / "h.docx", "Corps", header="{{ org.logo }}")
    with pytest.raises(TemplateError, match="in the header"):
        render_letter(template, acknowledgment_context(), tmp_path / "out.docx")


@pytest.mark.parametrize("broken", ["Madame {{ foo ", "{% if row.owner %}Madame",
                                    "Madame {% endif %}", "{{ ref|nosuchfilter }}"])
def test_broken_template_raises_template_error_naming_the_template(broken: str,
                                                                   tmp_path: Path) -> None:
    template = make_template(tmp_path / "broken.docx", "Bonjour", broken, "Fin")
    context = acknowledgment_context()
    for call in (lambda: render_letter(template, context, tmp_path / "out.docx"),
                 lambda: check_template(template, context)):
        with pytest.raises(TemplateError, match=r"broken\.docx: ") as caught:
            call()
        assert caught.value.template == template
    assert not (tmp_path / "out.docx").exists()


def test_safe_filter_that_breaks_the_xml_raises_template_error(tmp_path: Path) -> None:
    template = make_template(tmp_path / "safe.docx", "{{ row.subject|safe }}")
    with pytest.raises(TemplateError, match="not valid Word XML"):
        render_letter(template, acknowledgment_context(subject="a & b"), tmp_path / "o.docx")


def test_missing_or_unreadable_template_raises_template_error(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match="template not found"):
        render_letter(tmp_path / "absent.docx", {}, tmp_path / "o.docx")
    (tmp_path / "text.docx").write_text("not a zip", encoding="utf-8")
    with pytest.raises(TemplateError, match=r"text\.docx: not a readable Word document"):
        render_letter(tmp_path / "text.docx", {}, tmp_path / "o.docx")


def test_failed_render_keeps_the_previous_letter_and_leaves_no_temporary_file(
        tmp_path: Path) -> None:
    out = tmp_path / "ar.docx"
    render_letter(TEMPLATES / LetterKind.ACKNOWLEDGMENT.template, acknowledgment_context(), out)
    before = out.read_bytes()
    broken = make_template(tmp_path / "broken.docx", "{{ nope }}")
    with pytest.raises(TemplateError):
        render_letter(broken, acknowledgment_context(), out)
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ar.docx", "broken.docx"]


def test_unwritable_outbox_raises_letter_error(tmp_path: Path) -> None:
    with pytest.raises(LetterError, match="cannot write the letter"):
        render_letter(TEMPLATES / LetterKind.ACKNOWLEDGMENT.template, acknowledgment_context(),
                      tmp_path / "no such folder" / "ar.docx")


# --- context ------------------------------------------------------------------------------------

def test_context_has_every_register_field_even_empty() -> None:
    context = acknowledgment_context()
    row = context["row"]
    assert isinstance(row, dict)
    assert set(row) == {f.key for f in REGISTERS_BY_KEY["reclamations"].fields}
    assert row["owner"] == "" and row["id"] == "REC-2026-0001"
    assert context["ref"] == "REC-2026-0001" and context["today"] == "22 novembre 2026"
    assert context["person"] == context["recipient"] == "Marie Dupont"


def test_context_shows_dates_and_numbers_in_french_and_keeps_raw_values() -> None:
    row = StoredRow("annulations", "ANN-2026-0002",
                    {"session_start": datetime(2026, 3, 12, 14, 30), "session_hours": 3.5,
                     "requested_on": "2026-03-01T09:05:00", "participants_informed_on": None},
                    "t")
    context = letter_context(FULL_ORG, row, today=TODAY, extra={"deadline": date(2027, 1, 1)})
    shown, raw = context["row"], context["raw"]
    assert isinstance(shown, dict) and isinstance(raw, dict)
    assert shown["session_start"] == "12 mars 2026 à 14 h 30"
    assert shown["session_hours"] == "3,5"
    assert shown["requested_on"] == "1er mars 2026 à 9 h 05"
    assert shown["participants_informed_on"] == ""
    assert raw["session_start"] == datetime(2026, 3, 12, 14, 30)
    assert context["deadline"] == "1er janvier 2027"
    assert context["org"] == {**{k: str(v) for k, v in vars(FULL_ORG).items()},
                              "address_line": "12 rue de France, 06000 Nice"}


def test_extra_values_win_over_the_row() -> None:
    context = letter_context(FULL_ORG, full_row("annulations"), today=TODAY,
                             extra={"recipient": "Paul Participant", "note": None})
    assert context["recipient"] == "Paul Participant"
    assert context["note"] == ""


# --- French dates -----------------------------------------------------------------------------

@pytest.mark.parametrize(("day", "expected"), [
    (date(2027, 1, 1), "1er janvier 2027"),
    (date(2026, 2, 1), "1er février 2026"),
    (date(2026, 3, 2), "2 mars 2026"),
    (date(2026, 4, 30), "30 avril 2026"),
    (date(2026, 5, 8), "8 mai 2026"),
    (date(2026, 6, 21), "21 juin 2026"),
    (date(2026, 7, 14), "14 juillet 2026"),
    (date(2026, 8, 15), "15 août 2026"),
    (date(2026, 9, 11), "11 septembre 2026"),
    (date(2026, 10, 31), "31 octobre 2026"),
    (date(2026, 11, 22), "22 novembre 2026"),
    (date(2026, 12, 22), "22 décembre 2026"),
])
def test_french_long_date(day: date, expected: str) -> None:
    assert french_long_date(day) == expected


@pytest.mark.parametrize(("moment", "expected"), [
    (datetime(2026, 3, 12, 14, 30), "12 mars 2026 à 14 h 30"),
    (datetime(2026, 3, 1, 9, 5), "1er mars 2026 à 9 h 05"),
    (datetime(2026, 3, 12, 14, 0), "12 mars 2026 à 14 h"),
    (datetime(2026, 7, 1, 7, 30, tzinfo=UTC), "1er juillet 2026 à 9 h 30"),  # Paris summer time
])
def test_french_datetime(moment: datetime, expected: str) -> None:
    assert french_datetime(moment) == expected


# --- file names --------------------------------------------------------------------------------

def test_letter_filename_reads_id_label_and_person() -> None:
    assert (letter_filename("REC-2026-0001", LetterKind.ACKNOWLEDGMENT, "Dupont")
            == "REC-2026-0001 accuse de reception - Dupont.docx")
    assert (letter_filename("ABD-2026-0003", LetterKind.DROPOUT_ATTESTATION, "Zoé Lœwy / Ça?")
            == "ABD-2026-0003 attestation d'abandon - Zoe Loewy Ca.docx")
    assert (letter_filename("REC-2026-0001", LetterKind.ACKNOWLEDGMENT, "  ")
            == "REC-2026-0001 accuse de reception.docx")


@pytest.mark.parametrize("name", ["CON", "nul", "Com1", "LPT9.txt", "aux."])
def test_reserved_windows_names_are_never_produced(name: str) -> None:
    assert safe_stem(name).split(".")[0].upper() not in WINDOWS_RESERVED


@settings(max_examples=300)
@given(record_id=st.text(), person=st.text(), kind=st.sampled_from(list(LetterKind)))
def test_any_text_gives_a_file_name_windows_accepts(record_id: str, person: str,
                                                    kind: LetterKind) -> None:
    name = letter_filename(record_id, kind, person)
    assert name.endswith(".docx") and len(name) <= MAX_NAME
    assert name.isascii() and name.isprintable()
    assert not WINDOWS_FORBIDDEN & set(name)
    stem = name.removesuffix(".docx")
    assert stem and stem == stem.strip(" .")
    assert stem.split(".")[0].strip().upper() not in WINDOWS_RESERVED


def test_long_person_name_is_cut_but_the_id_kept() -> None:
    name = letter_filename("REC-2026-0001", LetterKind.ACKNOWLEDGMENT, "Nom " * 100)
    assert name.startswith("REC-2026-0001 accuse de reception - Nom")
    assert len(name) <= MAX_NAME


def test_unique_path_never_replaces_a_different_file(tmp_path: Path) -> None:
    (tmp_path / "a.docx").write_text("someone else's", encoding="utf-8")
    assert unique_path(tmp_path, "a.docx") == tmp_path / "a (2).docx"
    assert unique_path(tmp_path, "a.docx", reuse=lambda p: True) == tmp_path / "a.docx"
    assert unique_path(tmp_path, "b.docx") == tmp_path / "b.docx"


# --- produce_letter: what the pipeline calls ------------------------------------------------------

def _produce(tmp_path: Path, *, person: str = "Marie Dupont", row: StoredRow | None = None,
             kind: LetterKind = LetterKind.ACKNOWLEDGMENT) -> Path:
    return produce_letter(kind=kind, org=FULL_ORG, templates_dir=TEMPLATES,
                          outbox_dir=tmp_path / "outbox", row=row or full_row(kind.register),
                          today=TODAY, person=person)


def test_produce_letter_writes_a_safely_named_letter_to_the_outbox(tmp_path: Path) -> None:
    path = _produce(tmp_path)
    assert path == tmp_path / "outbox" / "REC-2026-0001 accuse de reception - Marie Dupont.docx"
    assert "Marie Dupont" in body_paragraphs(path)[0]
    assert stored_identity(path) == "REC-2026-0001|accuse-reception-reclamation|Marie Dupont"


def test_same_letter_produced_twice_replaces_the_first(tmp_path: Path) -> None:
    first = _produce(tmp_path)
    second = _produce(tmp_path)
    assert first == second
    assert [p.name for p in (tmp_path / "outbox").iterdir()] == [first.name]


def test_cancellation_letters_to_two_participants_are_both_kept(tmp_path: Path) -> None:
    kind = LetterKind.CANCELLATION_NOTICE
    paths = {_produce(tmp_path, kind=kind, person=p) for p in ("Jean Petit", "Anne Grand")}
    assert len(paths) == 2 and all(p.exists() for p in paths)


def test_names_that_fold_alike_never_replace_each_other(tmp_path: Path) -> None:
    first = _produce(tmp_path, person="Müller")
    second = _produce(tmp_path, person="Muller")
    assert first != second and second.name.endswith("Muller (2).docx")
    assert "Müller" in body_paragraphs(first)[0]


def test_a_file_of_someone_else_with_the_letter_name_is_kept(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox"
    outbox.mkdir()
    foreign = outbox / "REC-2026-0001 accuse de reception - Marie Dupont.docx"
    foreign.write_bytes(b"typed by a person")
    path = _produce(tmp_path)
    assert foreign.read_bytes() == b"typed by a person"
    assert path.name == "REC-2026-0001 accuse de reception - Marie Dupont (2).docx"


def test_another_record_letter_is_never_replaced(tmp_path: Path) -> None:
    one = _produce(tmp_path)
    other = full_row("reclamations")
    two = _produce(tmp_path, row=StoredRow("reclamations", "REC-2026-0002", other.values, "t"))
    assert one != two and one.exists() and two.exists()


# --- PDF ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_letters_convert_to_pdf_in_one_call(tmp_path: Path) -> None:
    assert libreoffice_available(), "LibreOffice (soffice) is required for the PDF tests"
    letters = [_produce(tmp_path, person=p) for p in ("Marie Dupont", "Jean Petit", "Anne Grand")]
    pdfs = convert_to_pdf(letters, tmp_path / "pdf")
    assert [p.name for p in pdfs] == [f"{p.stem}.pdf" for p in letters]
    for pdf in pdfs:
        assert pdf.read_bytes().startswith(b"%PDF-")
    assert sorted(p.name for p in (tmp_path / "pdf").iterdir()) == sorted(p.name for p in pdfs)


def test_pdf_without_libreoffice_raises_letter_error(tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert not libreoffice_available()
    with pytest.raises(LetterError, match="LibreOffice is not installed"):
        convert_to_pdf([_produce(tmp_path)], tmp_path / "pdf")
