"""Rendering one letter from a docxtpl template, with errors a person can act on.

Each template is prepared once per process (:mod:`automation.letters.prepared`: its parts
compiled once, the parts without variables kept as they are) and known by its content, so a
template the office edits is prepared again at its next letter. Letters render with
``autoescape=True`` (without it a ``&`` in a complaint silently cuts the letter short) and
``StrictUndefined`` (without it a typo in a tag prints nothing). docxtpl, Jinja, zip and lxml
errors become one :class:`TemplateError` that names the template and the paragraph.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import secrets
import threading
from collections import OrderedDict
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Final

import jinja2
from docxtpl import DocxTemplate
from jinja2 import nodes
from lxml import etree

from automation import crashpoints
from automation.errors import LetterError, TemplateError
from automation.letters.prepared import (
    PROPERTIES,
    PartFailure,
    PreparedTemplate,
    Unreadable,
    environment,
    prepare,
)
from automation.text import clean_text

__all__ = ["check_template", "clean_context", "environment", "render_letter",
           "template_variables"]

_PARAGRAPH: Final = re.compile(r"<w:p([ >])")
_TAG: Final = re.compile(r"<[^>]+>")
_UNDEFINED: Final = re.compile(r"'([^']+)' is undefined")
_NO_ATTRIBUTE: Final = re.compile(r"has no attribute '([^']+)'")
_NOT_XML: Final = re.compile("[\ufffe\uffff]")  # non-characters XML 1.0 refuses
_SHOWN: Final = 80  # characters of a paragraph quoted in a message
# What a template's own code can raise while it runs (a filter on the wrong type, …).
_RUNTIME: Final = (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError)
_KEPT: Final = 32  # prepared templates kept per process (an office has about ten)
_prepared: OrderedDict[bytes, PreparedTemplate | PartFailure | Unreadable] = OrderedDict()
_prepared_lock = threading.Lock()


def render_letter(template: Path, context: Mapping[str, object], out: Path, *,
                  identifier: str = "") -> Path:
    """Render ``template`` with ``context`` into ``out`` (replaced atomically); return ``out``.

    ``identifier`` is stored in the document's properties, to recognise the letter later.
    """
    prepared = prepared_template(template)
    try:
        data = prepared.render(clean_context(context), identifier=clean_context(identifier))
    except PartFailure as failure:
        raise _template_error(template, failure, context) from failure.error
    _save(data, out, template)
    return out


def prepared_template(template: Path) -> PreparedTemplate:
    """``template`` prepared, once per content; :class:`TemplateError` when it cannot be."""
    if not template.is_file():
        raise TemplateError(f"{template}: template not found", template=template)
    try:
        data = template.read_bytes()
    except OSError as exc:
        raise TemplateError(f"{template}: not a readable Word document (.docx): {exc}",
                            template=template) from exc
    key = hashlib.sha256(data).digest()
    with _prepared_lock:
        found = _prepared.get(key)
        if found is None:
            try:
                found = prepare(data)
            except (PartFailure, Unreadable) as exc:
                found = exc
            _prepared[key] = found
            while len(_prepared) > _KEPT:
                _prepared.popitem(last=False)
        _prepared.move_to_end(key)
    if isinstance(found, Unreadable):
        raise TemplateError(f"{template}: not a readable Word document (.docx): {found}",
                            template=template) from found
    if isinstance(found, PartFailure):
        raise _template_error(template, found, {}) from found.error
    return found


def _template_error(template: Path, failure: PartFailure,
                    context: Mapping[str, object]) -> TemplateError:
    """The error of a part, in words that name the template and the paragraph."""
    exc, part, source = failure.error, failure.part, failure.source
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return TemplateError(f"{template}: syntax error {_where(part, source, exc.lineno)}: "
                             f"{exc.message}", template=template)
    if isinstance(exc, jinja2.UndefinedError):
        line = _template_line(exc.__traceback__)
        name = _missing_name(str(exc.message), _line_text(source, line))
        return TemplateError(f"{template}: unknown variable '{name}' "
                             f"{_where(part, source, line)} "
                             f"(available: {', '.join(sorted(context))})", template=template)
    if isinstance(exc, etree.XMLSyntaxError):
        return TemplateError(f"{template}: the letter is not valid Word XML after rendering "
                             f"{_where(part, source, None)} ({exc}); check the tags there",
                             template=template)
    if isinstance(exc, _RUNTIME):
        return TemplateError(f"{template}: the template failed "
                             f"{_where(part, source, _template_line(exc.__traceback__))}: {exc}",
                             template=template)
    raise exc


def check_template(template: Path, context: Mapping[str, object]) -> list[str]:
    """Names the template uses that ``context`` lacks: ``["foo", "org.nam"]`` (sorted)."""
    doc = _open(template)
    used = _used_names(doc, template)  # first: its syntax errors say where they are
    try:
        missing = set(doc.get_undeclared_template_variables(jinja_env=environment(),
                                                            context=context))
    except jinja2.TemplateSyntaxError as exc:  # an unknown filter or test
        raise TemplateError(f"{template}: {exc.message}", template=template) from exc
    for name in used:
        head, _, attr = name.partition(".")
        value = context.get(head)
        if attr and isinstance(value, Mapping) and attr not in value:
            missing.add(name)
    return sorted(missing)


def template_variables(template: Path) -> list[str]:
    """Every variable the template reads, ``org.name`` style, sorted (for docs and checks)."""
    return sorted(_used_names(_open(template), template))


def _used_names(doc: Any, template: Path) -> set[str]:
    """``name`` and ``name.attr`` for each variable read; names the template sets are left out."""
    source = _source(doc)
    try:
        tree = environment().parse(_PARAGRAPH.sub(r"\n<w:p\1", source))
    except jinja2.TemplateSyntaxError as exc:
        text = _line_text(source, exc.lineno)
        where = f" near « {text} »" if text else ""
        raise TemplateError(f"{template}: syntax error{where}: {exc.message}",
                            template=template) from exc
    local = {n.name for n in tree.find_all(nodes.Name) if n.ctx in ("store", "param")}
    used = {n.name for n in tree.find_all(nodes.Name) if n.ctx == "load" and n.name not in local}
    for node in tree.find_all(nodes.Getattr):
        if isinstance(node.node, nodes.Name) and node.node.name not in local:
            used.discard(node.node.name)
            used.add(f"{node.node.name}.{node.attr}")
    return used


def clean_context(value: Any) -> Any:
    """``value`` with every string made safe for a .docx (see :func:`clean_text`)."""
    if isinstance(value, str):
        return _NOT_XML.sub("", clean_text(value))
    if isinstance(value, Mapping):
        return {str(k): clean_context(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_context(v) for v in value]
    return value


def _open(template: Path) -> Any:
    """docxtpl's template, for reading its variables (the template prepared first, which
    says what is wrong with a file that is not a sound template)."""
    prepared_template(template)
    doc = DocxTemplate(template)
    doc.init_docx()
    return doc


def _save(data: bytes, out: Path, template: Path) -> None:
    tmp: Path | None = None
    try:
        tmp = _new_file(out.parent, f".{out.stem[:40]}.", ".tmp")
        tmp.write_bytes(data)
        crashpoints.reached("during-letter-write")
        tmp.replace(out)
    except OSError as exc:
        raise LetterError(f"{out}: cannot write the letter ({exc.strerror or exc}); "
                          "is it open in Word?", template=template) from exc
    finally:
        if tmp is not None:
            tmp.unlink(missing_ok=True)


def _new_file(folder: Path, prefix: str, suffix: str) -> Path:
    """A new empty file with the folder's usual permissions (0666 less the umask), unlike
    ``mkstemp``'s 0600 that would keep the office's other accounts out of the letter."""
    for _ in range(100):
        path = folder / f"{prefix}{secrets.token_hex(6)}{suffix}"
        try:
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
        except FileExistsError:
            continue
        return path
    raise FileExistsError(f"{folder}: no free temporary name")


def _source(doc: Any) -> str:
    """The Jinja source docxtpl builds: body, then headers and footers."""
    parts = [doc.patch_xml(doc.get_xml())]
    for uri in (doc.HEADER_URI, doc.FOOTER_URI):
        parts.extend(doc.patch_xml(doc.get_part_xml(part))
                     for _, part in doc.get_headers_footers(uri))
    return "".join(parts)


def _where(part: str, source: str, lineno: int | None) -> str:
    place = ("in the header" if "header" in part else "in the footer" if "footer" in part
             else "in the footnotes" if "footnotes" in part
             else "in the document properties" if part == PROPERTIES else "in the body")
    text = _line_text(source, lineno)
    return f"{place}, paragraph « {text} »" if text else place


def _line_text(source: str, lineno: int | None) -> str:
    """The visible text of line ``lineno`` of a part's Jinja source (about one paragraph)."""
    if not lineno or not source:
        return ""
    lines = _PARAGRAPH.sub(r"\n<w:p\1", source).splitlines()
    if lineno > len(lines):
        return ""
    text = " ".join(html.unescape(_TAG.sub("", lines[lineno - 1])).split())
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _template_line(tb: TracebackType | None) -> int | None:
    """The template line Jinja puts in the traceback of an error raised while rendering."""
    line = None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == "<template>":
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _missing_name(message: str, text: str) -> str:
    """``foo`` from "'foo' is undefined"; ``org.nam`` from "has no attribute 'nam'"."""
    if found := _UNDEFINED.search(message):
        return found.group(1)
    if found := _NO_ATTRIBUTE.search(message):
        attr = found.group(1)
        dotted = re.search(rf"[A-Za-z_][\w.]*\.{re.escape(attr)}\b", text)
        return dotted.group(0) if dotted else attr
    return message
