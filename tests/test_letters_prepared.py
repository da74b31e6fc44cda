"""The prepared renderer gives docxtpl's letter: every part, byte for byte, and the same text.

docxtpl itself (a new ``DocxTemplate`` per letter, ``autoescape=True``, the letters' Jinja
environment) is the reference. The templates: every default template, and an office's own
acknowledgment saved the way Word saves (``tests/data/build_letter_templates.py``: tables with
a ``{%tr if %}`` row, headers with images, a first-page header without tags, tags split across
runs, Word's XML declarations, a custom properties part).
"""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
import zipfile
from pathlib import Path

import docx
import pytest
from docxtpl import DocxTemplate

from automation.audit.document import TEMPLATE as AUDIT_TEMPLATE
from automation.errors import TemplateError
from automation.letters import LetterKind, convert_to_pdf, letter_context, render_letter
from automation.letters.render import clean_context, environment
from automation.records import StoredRow
from tests.test_letters import FULL_ORG, TODAY, full_row, make_template

REPO = Path(__file__).resolve().parent.parent
DEFAULTS = REPO / "automation" / "defaults"
OFFICE_TEMPLATE = REPO / "tests" / "data" / "tpl-office-accuse-reception.docx"
KIND_OF = {kind.template: kind for kind in LetterKind}
# The audit pack's document is no letter: docxtpl renders it (images, loops over sections).
TEMPLATES = [*sorted(p for p in DEFAULTS.glob("*.docx") if p.name != AUDIT_TEMPLATE),
             OFFICE_TEMPLATE]
IDENTITY = "REC-2026-0001|accuse-reception-reclamation|Marie Dupont"


def register_of(template: Path) -> str:
    kind = KIND_OF.get(template.name)
    return kind.register if kind else "reclamations"


ADDRESS = "Mme Marie Dupont\n3 rue Masséna\n06000 Nice"


def full_context(template: Path) -> dict[str, object]:
    return letter_context(FULL_ORG, full_row(register_of(template)), today=TODAY,
                          extra={"recipient": "Marie Dupont", "recipient_address": ADDRESS})


def awkward_context(template: Path) -> dict[str, object]:
    """Values that test escaping and docxtpl's listing rules: & < > quotes, line breaks, a
    tab, braces; no optional value (the « Responsable » row disappears)."""
    row = full_row(register_of(template))
    values = {key: value for key, value in row.values.items() if key != "owner"}
    values["subject"] = "Salle froide & bruyante <urgent> « vraiment »\n2e ligne\tet {{ x }}"
    values["name"] = "Zoé O'Hara & fils"
    return letter_context(FULL_ORG, StoredRow(row.register, row.record_id, values, "t"),
                          today=TODAY, extra={"recipient": "Zoé O'Hara & fils"})


def docxtpl_letter(template: Path, context: dict[str, object], out: Path) -> Path:
    """The letter as docxtpl alone writes it, with the identifier the pipeline stores."""
    doc = DocxTemplate(template)
    doc.render(clean_context(context), jinja_env=environment(), autoescape=True)
    doc.docx.core_properties.identifier = IDENTITY
    doc.save(out)
    return out


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None
        return {info.filename: package.read(info) for info in package.infolist()}


def text_of(path: Path) -> list[str]:
    """Every paragraph python-docx reads: body, tables, each header and footer."""
    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    lines += [c.text for t in document.tables for r in t.rows for c in r.cells]
    for section in document.sections:
        for part in (section.header, section.footer, section.first_page_header,
                     section.first_page_footer):
            lines += [p.text for p in part.paragraphs]
    return lines


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: p.name)
@pytest.mark.parametrize("make_context", [full_context, awkward_context],
                         ids=["full", "awkward"])
def test_prepared_letter_is_docxtpls_letter_byte_for_byte(template: Path, make_context: object,
                                                          tmp_path: Path) -> None:
    assert callable(make_context)
    context = make_context(template)
    reference = members(docxtpl_letter(template, context, tmp_path / "docxtpl.docx"))
    ours = members(render_letter(template, context, tmp_path / "ours.docx", identifier=IDENTITY))
    assert sorted(ours) == sorted(reference)
    differing = [name for name in reference if ours[name] != reference[name]]
    assert differing == []
    assert text_of(tmp_path / "ours.docx") == text_of(tmp_path / "docxtpl.docx")
    assert docx.Document(str(tmp_path / "ours.docx")).core_properties.identifier == IDENTITY


def test_office_template_parts_come_out_as_python_docx_writes_them(tmp_path: Path) -> None:
    """Word's declarations are re-serialised (as docxtpl does), images copied as they are."""
    template = members(OFFICE_TEMPLATE)
    letter = members(render_letter(OFFICE_TEMPLATE, full_context(OFFICE_TEMPLATE),
                                   tmp_path / "l.docx"))
    assert template["word/styles.xml"].startswith(b'<?xml version="1.0"')
    assert letter["word/styles.xml"].startswith(b"<?xml version='1.0'")
    for name in ("word/media/image1.png", "word/media/image2.png", "docProps/custom.xml",
                 "word/stylesWithEffects.xml"):
        assert letter[name] == template[name]
    body = letter["word/document.xml"].decode("utf-8")
    assert "Responsable n° 14" in body and "{%" not in body and "{{" not in body
    first_page = [name for name in letter if name.startswith("word/header")
                  and "Service qualité".encode() in letter[name]]  # the header without tags
    assert len(first_page) == 1 and b"r:embed" in letter[first_page[0]]


def test_awkward_values_print_as_typed(tmp_path: Path) -> None:
    out = render_letter(OFFICE_TEMPLATE, awkward_context(OFFICE_TEMPLATE), tmp_path / "a.docx")
    lines = text_of(out)
    assert "À l’attention de Zoé O'Hara & fils" in lines
    assert "Salle froide & bruyante <urgent> «\xa0vraiment\xa0»\n2e ligne\tet {{ x }}" in lines
    assert "Responsable" not in lines  # the row of an empty owner is removed


def test_a_template_edited_in_place_is_prepared_again(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "Première version {{ ref }}")
    context = full_context(template)
    first = render_letter(template, context, tmp_path / "1.docx")
    make_template(template, "Seconde version {{ ref }}")
    second = render_letter(template, context, tmp_path / "2.docx")
    assert "Première version REC-2026-0001" in text_of(first)
    assert "Seconde version REC-2026-0001" in text_of(second)


def test_a_broken_template_fixed_in_place_renders_again(tmp_path: Path) -> None:
    template = make_template(tmp_path / "t.docx", "Madame {{ ref ")
    with pytest.raises(TemplateError, match=r"t\.docx: syntax error in the body"):
        render_letter(template, full_context(template), tmp_path / "1.docx")
    with pytest.raises(TemplateError, match=r"t\.docx: syntax error in the body"):
        render_letter(template, full_context(template), tmp_path / "1.docx")  # said again
    make_template(template, "Madame {{ ref }}")
    assert "Madame REC-2026-0001" in text_of(render_letter(template, full_context(template),
                                                           tmp_path / "1.docx"))


def test_the_same_template_under_two_names_names_each_in_its_errors(tmp_path: Path) -> None:
    one = make_template(tmp_path / "un.docx", "{{ nope }}")
    two = tmp_path / "deux.docx"
    shutil.copyfile(one, two)
    for template in (one, two):
        with pytest.raises(TemplateError, match=rf"{template.name}: unknown variable 'nope'"):
            render_letter(template, full_context(template), tmp_path / "o.docx")


def test_unknown_variable_in_the_office_footer_names_the_footer(tmp_path: Path) -> None:
    template = tmp_path / "office.docx"
    with zipfile.ZipFile(OFFICE_TEMPLATE) as source, zipfile.ZipFile(template, "w") as out:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "word/footer1.xml":
                data = data.replace(b"{{ ref }}", b"{{ org.fax }}")
            out.writestr(info, data)
    with pytest.raises(TemplateError, match=r"unknown variable 'org\.fax' in the footer, "
                                            r"paragraph « Réf\. \{\{ org\.fax \}\} — page 1 »"):
        render_letter(template, full_context(template), tmp_path / "o.docx")


def test_letters_rendered_from_many_threads_are_each_their_own(tmp_path: Path) -> None:
    results: dict[int, list[str]] = {}

    def work(number: int) -> None:
        row = full_row("reclamations")
        values = {**row.values, "name": f"Personne {number}"}
        context = letter_context(FULL_ORG, StoredRow("reclamations", row.record_id, values, "t"),
                                 today=TODAY)
        out = render_letter(OFFICE_TEMPLATE, context, tmp_path / f"{number}.docx")
        results[number] = text_of(out)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for number in range(8):
        assert f"À l’attention de Personne {number}" in results[number]


@pytest.mark.slow
def test_libreoffice_reads_the_same_letter_from_both_renderers(tmp_path: Path) -> None:
    context = full_context(OFFICE_TEMPLATE)
    reference = docxtpl_letter(OFFICE_TEMPLATE, context, tmp_path / "docxtpl.docx")
    ours = render_letter(OFFICE_TEMPLATE, context, tmp_path / "ours.docx")
    pdfs = convert_to_pdf([reference, ours], tmp_path / "pdf")
    texts = [subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True,
                            capture_output=True, text=True).stdout for pdf in pdfs]
    assert "À l’attention de Nom du déclarant n° 4" in texts[1]
    assert "Formations Azur — SIRET 12345678900012" in texts[1]  # the first page's footer
    assert texts[0] == texts[1]


def test_the_letter_is_a_zip_python_docx_and_zipfile_accept(tmp_path: Path) -> None:
    out = render_letter(OFFICE_TEMPLATE, full_context(OFFICE_TEMPLATE), tmp_path / "z.docx")
    with zipfile.ZipFile(io.BytesIO(out.read_bytes())) as package:
        names = package.namelist()
        assert package.testzip() is None
    assert len(names) == len(set(names))  # every part once
    assert names[0] == "[Content_Types].xml"
    assert docx.Document(str(out)).core_properties.title.startswith("Accusé de réception")
