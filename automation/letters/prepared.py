"""A letter template prepared once per process, then rendered part by part.

docxtpl opens the whole package for every letter: python-docx parses every XML part (the
default templates carry 350 KB of styles), docxtpl patches and compiles the Jinja source of
the body, headers and footers, and python-docx serialises and compresses everything again.
:func:`prepare` does all of that once per template: it asks docxtpl for each part's patched
source and compiles it once, asks python-docx for the package exactly as it would save it,
and keeps the parts without a tag — styles, images, settings, a header without variables —
already compressed in a zip. :meth:`PreparedTemplate.render` then renders only the parts that
hold variables, with the same steps docxtpl takes for each (``resolve_listing``,
``fix_tables``, the drawings' ids renumbered, the same parser and serialiser), and appends
them to a copy of that zip: the letter's untouched parts are byte for byte docxtpl's.

Errors are raised as :class:`PartFailure` (which part, its Jinja source, the library's
exception) or :class:`Unreadable`; :mod:`automation.letters.render` turns them into
:class:`~automation.errors.TemplateError` naming the template and the paragraph. A prepared
template holds only bytes, strings and compiled Jinja templates: threads may share it.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

import jinja2
from docx.opc.constants import CONTENT_TYPE
from docx.opc.coreprops import CoreProperties
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import nsmap
from docx.oxml.parser import parse_xml
from docxtpl import DocxTemplate
from lxml import etree

from automation.letters.typography import sentence

PROPERTIES: Final = "properties"  # the part name errors in the document properties carry
# The core properties docxtpl renders as templates (python-docx attribute names).
RENDERED_PROPERTIES: Final = ("author", "comments", "identifier", "language", "subject",
                              "title")
_TAGS: Final = ("{{", "{%", "{#")
_PARAGRAPH: Final = re.compile(r"<w:p([ >])")
_PARAGRAPH_BACK: Final = re.compile(r"\n<w:p([ >])")
_FIRST_DRAWING_ID: Final = 1001  # docxtpl numbers the body's drawings from 1001
# python-docx's part parser: how docxtpl's rendered headers and footers are read back.
_PART_PARSER: Final = etree.XMLParser(remove_blank_text=True, resolve_entities=False)
# What opening something that is not a sound .docx raises.
_UNREADABLE: Final = (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError,
                      etree.XMLSyntaxError, OSError, zlib.error, EOFError)
# docxtpl's string helpers (patch_xml, resolve_listing, fix_tables) use no document.
_DOCXTPL: Final = DocxTemplate(io.BytesIO())


class PartFailure(Exception):
    """``error`` raised while compiling or rendering ``part`` (its patched Jinja ``source``)."""

    def __init__(self, part: str, source: str, error: BaseException) -> None:
        super().__init__(f"{part}: {error}")
        self.part, self.source, self.error = part, source, error


class Unreadable(Exception):
    """The template is not a .docx python-docx can open."""


def environment() -> jinja2.Environment:
    """The Jinja environment of every letter: escaped values, unknown names are errors, and
    the filter ``sentence`` (a value ending a sentence gets its full stop)."""
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    env.filters["sentence"] = sentence
    return env


class PartKind(StrEnum):
    """How a rendered part becomes the bytes docxtpl saves for it."""

    BODY = "body"  # parsed, tables fixed, drawings renumbered, put back in the document
    HEADER = "header"  # headers and footers: parsed and serialised as python-docx does
    RAW = "raw"  # footnotes: saved as rendered


@dataclass(frozen=True)
class VariablePart:
    """A part of the template and its patched source, compiled once."""

    name: str  # part name, "/word/header1.xml"
    kind: PartKind
    source: str  # the patched XML, as docxtpl renders it (for error messages)
    template: jinja2.Template
    encoding: str = "utf-8"

    @property
    def member(self) -> str:
        return self.name.lstrip("/")

    @property
    def has_tags(self) -> bool:
        return any(tag in self.source for tag in _TAGS)


@dataclass(frozen=True)
class Shell:
    """document.xml without its body, as python-docx parsed it, and where the body goes."""

    document: bytes
    body_index: int


@dataclass(frozen=True)
class PreparedTemplate:
    """Everything a letter needs from its template, computed once."""

    package: bytes  # a zip of every part that holds no variable, as docxtpl would save it
    parts: tuple[VariablePart, ...]  # with tags, in docxtpl's order: body, headers, footers…
    shell: Shell
    core_member: str  # "docProps/core.xml"
    core: bytes  # the core properties as python-docx would save them
    properties: tuple[tuple[str, jinja2.Template | str], ...]  # rendered into them

    def render(self, context: Mapping[str, Any], *, identifier: str = "") -> bytes:
        """The letter's .docx bytes; :class:`PartFailure` when a part cannot be rendered."""
        members = [(part.member, _render(part, context, self.shell)) for part in self.parts]
        members.append((self.core_member, self._core(context, identifier)))
        buffer = io.BytesIO(self.package)
        with zipfile.ZipFile(buffer, "a", compression=zipfile.ZIP_DEFLATED) as package:
            for member, data in members:
                package.writestr(member, data)
        return buffer.getvalue()

    def _core(self, context: Mapping[str, Any], identifier: str) -> bytes:
        element = parse_xml(self.core)
        properties = CoreProperties(element)  # type: ignore[arg-type]  # python-docx's own
        try:
            for name, value in self.properties:
                setattr(properties, name, value if isinstance(value, str)
                        else value.render(context))
        except Exception as exc:  # a filter, a value too long: the template's error
            raise PartFailure(PROPERTIES, "", exc) from exc
        if identifier:
            properties.identifier = identifier
        return _serialise(element)


def prepare(data: bytes) -> PreparedTemplate:
    """Prepare the template whose .docx bytes are ``data``.

    :class:`Unreadable` when it is no .docx, :class:`PartFailure` on a syntax error (the
    first in docxtpl's order: body, headers, footers, properties, footnotes).
    """
    try:
        return _prepare(data)
    except _UNREADABLE as exc:
        raise Unreadable(str(exc)) from exc


def _prepare(data: bytes) -> PreparedTemplate:
    doc = DocxTemplate(io.BytesIO(data))
    doc.init_docx()
    document = doc.docx
    core = document.core_properties  # a template without any gets python-docx's default
    env = environment()
    sources = [(str(document.part.partname), PartKind.BODY, doc.get_xml(), "utf-8")]
    for uri in (doc.HEADER_URI, doc.FOOTER_URI):
        for _, part in doc.get_headers_footers(uri):
            xml = doc.get_part_xml(part)
            sources.append((str(part.partname), PartKind.HEADER, xml,
                            doc.get_headers_footers_encoding(xml)))
    compiled = [_compiled(env, *each, patch=doc.patch_xml) for each in sources]
    properties = tuple((name, _property(env, getattr(core, name)))
                       for name in RENDERED_PROPERTIES)
    package_parts = list(document.part.package.parts)
    if len(document.sections):  # docxtpl renders footnotes through the sections
        compiled.extend(_compiled(env, str(part.partname), PartKind.RAW,
                                  part.blob.decode("utf-8"), "utf-8", patch=doc.patch_xml)
                        for part in package_parts
                        if part.content_type == CONTENT_TYPE.WML_FOOTNOTES)
    core_member = next(str(part.partname) for part in package_parts
                       if part.content_type == CONTENT_TYPE.OPC_CORE_PROPERTIES).lstrip("/")
    saved = io.BytesIO()
    document.save(saved)  # every part as python-docx writes it, in its order
    root = document.element
    body_index = root.index(root.body)
    root.remove(root.body)
    shell = Shell(_serialise(root), body_index)
    parts = tuple(part for part in compiled if part.has_tags)
    static = {part.member: _render(part, {}, shell) for part in compiled if not part.has_tags}
    with zipfile.ZipFile(saved) as written:
        members = [(info.filename, written.read(info)) for info in written.infolist()]
    rendered = {part.member for part in parts} | {core_member}
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", compression=zipfile.ZIP_DEFLATED) as out:
        for member, blob in members:
            if member not in rendered:
                out.writestr(member, static.get(member, blob))
    return PreparedTemplate(package.getvalue(), parts, shell, core_member,
                            dict(members)[core_member], properties)


def _compiled(env: jinja2.Environment, name: str, kind: PartKind, xml: str, encoding: str, *,
              patch: Callable[[str], str]) -> VariablePart:
    """The part's source patched by docxtpl and compiled, lines as docxtpl numbers them."""
    source = patch(xml)
    try:
        template = env.from_string(_PARAGRAPH.sub(r"\n<w:p\1", source))
    except jinja2.TemplateSyntaxError as exc:
        raise PartFailure(name, source, exc) from exc
    return VariablePart(name, kind, source, template, encoding)


def _property(env: jinja2.Environment, text: str) -> jinja2.Template | str:
    """A core property compiled, or rendered once when it holds no tag."""
    try:
        template = env.from_string(text)
        return template if any(tag in text for tag in _TAGS) else template.render()
    except jinja2.TemplateError as exc:
        raise PartFailure(PROPERTIES, "", exc) from exc


def _render(part: VariablePart, context: Mapping[str, Any], shell: Shell) -> bytes:
    """The part rendered, as docxtpl saves it."""
    try:
        xml = _finish(part.template.render(context))
        if part.kind is PartKind.BODY:
            return _document(xml, shell)
        if part.kind is PartKind.HEADER:
            return _serialise(etree.fromstring(xml.encode(part.encoding), _PART_PARSER))
        return xml.encode("utf-8")
    except Exception as exc:  # every error here is the template's, said by render.py
        raise PartFailure(part.name, part.source, exc) from exc


def _document(xml: str, shell: Shell) -> bytes:
    """document.xml around the rendered body: tables fixed and drawings numbered by docxtpl's
    rules, the body back in its place."""
    etree.fromstring(xml)  # docxtpl parses with recover=True, which hides a broken body
    body = _DOCXTPL.fix_tables(xml)
    for number, drawing in enumerate(body.xpath("//wp:docPr", namespaces=nsmap),
                                     start=_FIRST_DRAWING_ID):
        drawing.attrib["id"] = str(number)
    document = etree.fromstring(shell.document, _PART_PARSER)
    document.insert(shell.body_index, body)
    return _serialise(document)


def _finish(xml: str) -> str:
    """What docxtpl does to a part's rendered XML before it is parsed."""
    xml = _PARAGRAPH_BACK.sub(r"<w:p\1", xml)
    xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%").replace("%_}", "%}")
    return str(_DOCXTPL.resolve_listing(xml))


def _serialise(element: Any) -> bytes:
    """python-docx's serialisation of an XML part."""
    return bytes(etree.tostring(element, encoding="UTF-8", standalone=True))
