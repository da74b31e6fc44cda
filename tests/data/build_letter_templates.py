"""Build an office's own letter template, in the shape Word saves one.

Run from the repository root: ``.venv/bin/python tests/data/build_letter_templates.py``.

``tpl-office-accuse-reception.docx`` is the acknowledgment an office made for itself in Word
from its letterhead: a logo in the header (an image part with its own relationship) beside the
organisation's name, a first-page header without any tag (its own image), a footer with the
page number field and the reference, a second logo in the body (a drawing docxtpl renumbers),
a table of the complaint's details whose « Responsable » row is kept only when the row names
one (``{%tr if %}`` … ``{%tr endif %}``, three rows as docxtpl wants them), and tags that Word
split across runs around spell-check marks (``{{`` / ``row.name`` / ``}}``). The package is
then written the way Word writes it: XML declarations in double quotes followed by CRLF, the
parts in Word's order, a ``docProps/custom.xml`` part — so that python-docx's re-serialisation
of the untouched parts shows (docxtpl's output differs from the template there, and the
prepared renderer must give docxtpl's bytes, not the template's).
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Final

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from docx.text.paragraph import Paragraph

HERE: Final = Path(__file__).resolve().parent
OUT: Final = HERE / "tpl-office-accuse-reception.docx"
ZIP_TIME: Final = (2026, 1, 5, 9, 30, 0)
WORD_ORDER: Final = ("[Content_Types].xml", "_rels/.rels", "word/document.xml")
CUSTOM_XML: Final = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n<Properties xmlns="http://sch'
    'emas.openxmlformats.org/officeDocument/2006/custom-properties" xmlns:vt="http://schemas.o'
    'penxmlformats.org/officeDocument/2006/docPropsVTypes"><property fmtid="{D5CDD505-2E9C-101B'
    '-9397-08002B2CF9AE}" pid="2" name="Service"><vt:lpwstr>Qualité</vt:lpwstr></property>'
    '</Properties>')
CUSTOM_REL: Final = ('<Relationship Id="rId99" Type="http://schemas.openxmlformats.org/officeDo'
                     'cument/2006/relationships/custom-properties" Target="docProps/custom.xml"/>')
CUSTOM_TYPE: Final = ('<Override PartName="/docProps/custom.xml" ContentType="application/vnd.op'
                      'enxmlformats-officedocument.custom-properties+xml"/>')


def png(width: int, height: int, colour: tuple[int, int, int]) -> bytes:
    """A small RGB PNG: a plain block with a white band across it (a logo stand-in)."""
    rows = b""
    for y in range(height):
        band = height // 3 <= y < 2 * height // 3
        pixel = bytes((255, 255, 255)) if band else bytes(colour)
        rows += b"\x00" + pixel * width
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(rows, 9)) + chunk(b"IEND", b""))


def split_tag(paragraph: Paragraph, before: str, name: str, after: str) -> None:
    """``before {{ name }} after`` in five runs, with Word's spell-check marks around ``name``."""
    paragraph.add_run(before)
    paragraph.add_run("{{ ")
    start = OxmlElement("w:proofErr")
    start.set(qn("w:type"), "spellStart")
    paragraph._p.append(start)
    paragraph.add_run(name).bold = True
    end = OxmlElement("w:proofErr")
    end.set(qn("w:type"), "spellEnd")
    paragraph._p.append(end)
    paragraph.add_run(" }}")
    paragraph.add_run(after)


def page_field(paragraph: Paragraph) -> None:
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def build() -> bytes:
    document = Document()
    section = document.sections[0]
    section.different_first_page_header_footer = True
    logo = io.BytesIO(png(48, 24, (0x1F, 0x38, 0x64)))
    seal = io.BytesIO(png(24, 24, (0x8B, 0x1A, 0x1A)))

    first = section.first_page_header.paragraphs[0]
    first.add_run().add_picture(io.BytesIO(seal.getvalue()), width=Cm(1.5))
    first.add_run("  Organisme certifié Qualiopi — Service qualité")
    header = section.header.paragraphs[0]
    header.add_run().add_picture(logo, width=Cm(3))
    header.add_run("  {{ org.name }}").bold = True
    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("Réf. {{ ref }} — page ")
    page_field(footer)
    first_footer = section.first_page_footer.paragraphs[0]
    first_footer.add_run("{{ org.name }}{% if org.siret %} — SIRET {{ org.siret }}{% endif %}")

    document.add_paragraph().add_run().add_picture(io.BytesIO(logo.getvalue()), width=Cm(4))
    document.add_paragraph("{{ org.city }}, le {{ today }}").alignment = WD_ALIGN_PARAGRAPH.RIGHT
    split_tag(document.add_paragraph(), "À l’attention de ", "row.name", "")
    document.add_paragraph("Objet : accusé de réception de votre réclamation {{ ref }}")
    document.add_paragraph("{{ salutation }},")
    document.add_paragraph(
        "Nous avons bien reçu votre réclamation du {{ row.received_on }} concernant la "
        "formation « {{ row.training }} ». Elle est enregistrée dans notre registre sous la "
        "référence {{ ref }} et sera traitée dans les meilleurs délais.")
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value in (("Référence", "{{ ref }}"), ("Objet", "{{ row.subject }}"),
                         ("Formation", "{{ row.training }}")):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    for label, value in (("{%tr if row.owner %}", ""), ("Responsable", "{{ row.owner }}"),
                         ("{%tr endif %}", "")):
        cells = table.add_row().cells
        cells[0].text, cells[1].text = label, value
    closing = document.add_paragraph(
        "Nous vous prions d’agréer, {{ salutation }}, l’expression de nos salutations "
        "distinguées.")
    closing.paragraph_format.space_before = Pt(12)
    document.add_paragraph("{{ org.signatory }}")
    document.core_properties.title = "Accusé de réception — modèle du service qualité"
    document.core_properties.author = "Service qualité"
    saved = io.BytesIO()
    document.save(saved)
    return as_word_saves(saved.getvalue())


def as_word_saves(data: bytes) -> bytes:
    """The package rewritten in Word's manner (declarations, CRLF, order, custom part)."""
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts["docProps/custom.xml"] = CUSTOM_XML.encode("utf-8")
    parts["_rels/.rels"] = parts["_rels/.rels"].replace(
        b"</Relationships>", CUSTOM_REL.encode() + b"</Relationships>")
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", CUSTOM_TYPE.encode() + b"</Types>")
    declaration = re.compile(rb"^<\?xml version='1.0' encoding='UTF-8' standalone='yes'\?>\n")
    word = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\r\n'
    for name, blob in parts.items():
        if name.endswith((".xml", ".rels")):
            parts[name] = declaration.sub(word, blob)
    order = [*WORD_ORDER, *sorted(n for n in parts if n not in WORD_ORDER)]
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as package:
        for name in order:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(info, parts[name])
    return out.getvalue()


def main() -> None:
    OUT.write_bytes(build())
    print(f"wrote {OUT.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    main()
