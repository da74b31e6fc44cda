"""Build the audit pack's default template (Word .docx, docxtpl tags) with python-docx.

    .venv/bin/python scripts/build_audit_template.py

Writes ``automation/defaults/dossier-audit.docx`` (shipped in the package, copied by ``init``)
and ``templates/dossier-audit.docx`` (the letters' templates are ``build_templates.py``'s). The
procedure texts are the office's: written here from the seed procedures (dropouts' 8 steps,
complaints' acknowledgment and answer, cancellations), an office rewrites them in Word.
Output is reproducible: same code, same bytes.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Final

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table

ROOT: Final = Path(__file__).resolve().parents[1]
NAME: Final = "dossier-audit.docx"
FONT: Final = "Calibri"
BLUE: Final = RGBColor(0x1F, 0x38, 0x64)
GREY: Final = RGBColor(0x59, 0x59, 0x59)
FIXED_TIME: Final = datetime(2026, 1, 1)
ZIP_TIME: Final = (2026, 1, 1, 0, 0, 0)
TEXT_WIDTH: Final = 17.0  # cm between the margins of an A4 portrait page


class Builder:
    def __init__(self) -> None:
        self.doc: DocumentObject = Document()
        _page(self.doc)
        _styles(self.doc)
        _footer(self.doc)
        _properties(self.doc)

    def p(self, text: str = "", style: str | None = None, *, bold: bool = False,
          italic: bool = False) -> None:
        paragraph = self.doc.add_paragraph(style=style)
        if text:
            run = paragraph.add_run(text)
            run.bold = bold or None
            run.italic = italic or None

    def tag(self, text: str) -> None:
        """A paragraph holding only a ``{%p … %}`` tag (docxtpl removes it)."""
        self.doc.add_paragraph(text)

    def h(self, text: str, level: int) -> None:
        self.doc.add_heading(text, level=level)

    def table(self, headers: Sequence[str], cells: Sequence[str], loop: str,
              widths: Sequence[float], *, size: float = 8.5) -> None:
        """A table: the header row, then one row per item of ``loop`` (``f in figures``)."""
        table = self.doc.add_table(rows=4, cols=len(headers))
        table.style = self.doc.styles["Table Grid"]
        table.autofit = False
        _cells(table, 0, headers, size=size, bold=True, shade=True)
        _repeat_header(table)
        _cells(table, 1, [f"{{%tr for {loop} %}}", *[""] * (len(headers) - 1)], size=size)
        _cells(table, 2, cells, size=size)
        _cells(table, 3, ["{%tr endfor %}", *[""] * (len(headers) - 1)], size=size)
        for column, width in zip(table.columns, widths, strict=True):
            column.width = Cm(width)  # the grid LibreOffice lays the table out from
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=True):
                cell.width = Cm(width)  # and each cell's own width, which Word uses
        _fixed_layout(table)


def _cells(table: Table, row: int, texts: Sequence[str], *, size: float, bold: bool = False,
           shade: bool = False) -> None:
    for cell, text in zip(table.rows[row].cells, texts, strict=True):
        paragraph = cell.paragraphs[0]
        paragraph.paragraph_format.space_after = Pt(0)
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold or None
        if shade:
            fill = OxmlElement("w:shd")
            fill.set(qn("w:val"), "clear")
            fill.set(qn("w:color"), "auto")
            fill.set(qn("w:fill"), "D9E2F3")
            cell._tc.get_or_add_tcPr().append(fill)


def _fixed_layout(table: Table) -> None:
    layout = OxmlElement("w:tblLayout")
    layout.set(qn("w:type"), "fixed")
    table._tbl.tblPr.append(layout)


def _repeat_header(table: Table) -> None:
    properties = table.rows[0]._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    properties.append(header)


def _page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)


def _styles(doc: DocumentObject) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    lang.set(qn("w:val"), "fr-FR")
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(10.5)
    normal.paragraph_format.space_after = Pt(6)
    for name, size, before in (("Heading 1", 16, 0), ("Heading 2", 13, 12),
                               ("Heading 3", 11, 10), ("Title", 24, 0)):
        style = doc.styles[name]
        style.font.name, style.font.size, style.font.color.rgb = FONT, Pt(size), BLUE
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.keep_with_next = True
    doc.styles["Heading 1"].paragraph_format.page_break_before = True
    for name, size, italic in (("Note", 9, True), ("Légende", 8.5, True),
                               ("Courrier", 9, False), ("Couverture", 13, False)):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.quick_style = True
        style.font.size = Pt(size)
        style.font.italic = italic or None
        if name in ("Note", "Légende"):
            style.font.color.rgb = GREY
    doc.styles["Légende"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.styles["Couverture"].paragraph_format.space_after = Pt(10)
    doc.styles["Courrier"].paragraph_format.left_indent = Cm(0.8)


def _footer(doc: DocumentObject) -> None:
    footer = doc.sections[0].footer
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run("{{ org.name }} — dossier d'audit Qualiopi — {{ period.label }} — "
                            "page ")
    run.font.size = Pt(8)
    _page_field(paragraph)


def _page_field(paragraph: object) -> None:
    run = paragraph.add_run()  # type: ignore[attr-defined]
    run.font.size = Pt(8)
    for kind, text in (("begin", ""), ("", " PAGE "), ("end", "")):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)


def _properties(doc: DocumentObject) -> None:
    props = doc.core_properties
    props.title = "Dossier d'audit Qualiopi"
    props.subject = ""
    props.author = ""
    props.comments = "Modèle du dossier d'audit ; variables décrites dans README.md"
    props.keywords = "modèle de dossier d'audit"
    props.category = ""
    props.language = "fr-FR"
    props.last_modified_by = ""
    props.revision = 1
    props.created = props.modified = FIXED_TIME
    package = doc.part.package
    for key, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:
            del package.rels[key]


# --- the document ------------------------------------------------------------------------------

def cover(b: Builder) -> None:
    b.p("Dossier de preuves — audit Qualiopi", "Title")
    b.p("{{ org.name }}", "Couverture", bold=True)
    b.p("Numéro de déclaration d'activité : {{ org.nda }}", "Couverture")
    b.tag("{%p if org.siret %}")
    b.p("SIRET : {{ org.siret }}", "Couverture")
    b.tag("{%p endif %}")
    b.tag("{%p if org.address %}")
    b.p("{{ org.address }}", "Couverture")
    b.tag("{%p endif %}")
    b.p("Période : {{ period.label }}, du {{ period.start }} au {{ period.end }}", "Couverture",
        bold=True)
    b.p("Référentiel en vigueur à la fin de la période : {{ ref.title }}", "Couverture")
    b.p("{{ ref.decree }} · {{ ref.guide }} · en vigueur à partir du {{ ref.in_force }}.",
        "Note")
    b.p("Dossier établi le {{ generated }} à partir des registres et des courriers de "
        "l'organisme, tels qu'ils sont ; rien n'y est ajouté, et une rubrique sans preuve le dit. "
        "Les fichiers cités sont dans l'archive {{ archive }} ; l'index des preuves, en fin de "
        "dossier, donne l'empreinte SHA-256 de chacun.")
    b.h("Sommaire", 2)
    for line in ("1. Chiffres clés et modalités de calcul",
                 "2. Indicateur 2 — résultats diffusés",
                 "3. Indicateur 30 — recueil des appréciations",
                 "4. Indicateur 31 — réclamations, difficultés et aléas",
                 "5. Indicateur 32 — amélioration continue et analyse des risques",
                 "6. Index des preuves"):
        b.p(line)


def key_figures(b: Builder) -> None:
    b.h("Chiffres clés et modalités de calcul", 1)
    b.p("Chaque chiffre est calculé sur la période à partir des registres ; sa modalité de "
        "calcul dit comment. Un chiffre sans donnée le dit : il n'est jamais affiché comme 0.")
    b.table(("Chiffre", "Valeur", "Calcul", "Modalité de calcul"),
            ("{{ f.label }}", "{{ f.value }}", "{{ f.basis }}", "{{ f.method }}"),
            "f in key_figures", (4.0, 2.6, 3.0, 7.4))


def section_head(b: Builder, s: str) -> None:
    b.h(f"{{{{ {s}.title }}}}{{% if {s}.criterion %}} — critère {{{{ {s}.criterion }}}}"
        "{% endif %}", 1)
    b.p(f"« {{{{ {s}.wording }}}} »", italic=True)
    b.tag(f"{{%p if {s}.addition %}}")
    b.p(f"Ajout : {{{{ {s}.addition }}}} ({{{{ {s}.addition_source }}}}).", italic=True)
    b.tag("{%p endif %}")
    b.tag(f"{{%p if {s}.note %}}")
    b.p(f"{{{{ {s}.note }}}}", "Note")
    b.tag("{%p endif %}")
    b.p(f"Source du libellé : {{{{ {s}.source }}}}.", "Note")


def section_evidence(b: Builder, s: str) -> None:
    b.h("Chiffres de la période", 2)
    b.tag(f"{{%p if {s}.figures %}}")
    b.table(("Chiffre", "Valeur", "Calcul", "Modalité de calcul"),
            ("{{ f.label }}", "{{ f.value }}", "{{ f.basis }}", "{{ f.method }}"),
            f"f in {s}.figures", (4.0, 2.6, 3.0, 7.4))
    b.tag("{%p else %}")
    b.p(f"{{{{ {s}.no_figures }}}}")
    b.tag("{%p endif %}")
    b.h("Graphiques", 2)
    b.tag(f"{{%p for c in {s}.charts %}}")
    b.p("{{ c.image }}", "Légende")
    b.p("{{ c.title }} — {{ c.caption }}", "Légende")
    b.tag("{%p endfor %}")
    b.tag(f"{{%p if not {s}.charts %}}")
    b.p(f"{{{{ {s}.no_charts }}}}")
    b.tag("{%p endif %}")
    b.h("Extrait des registres de la période", 2)
    b.tag(f"{{%p for r in {s}.registers %}}")
    b.h("{{ r.title }}", 3)
    b.p("{{ r.summary }}")
    b.tag("{%p if r.rows %}")
    b.table(("{{ r.headers[0] }}", "{{ r.headers[1] }}", "{{ r.headers[2] }}",
             "{{ r.headers[3] }}"),
            ("{{ x.record_id }}", "{{ x.day }}", "{{ x.about }}", "{{ x.follow_up }}"),
            "x in r.rows", (2.7, 2.2, 6.3, 5.8), size=8)
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")


def cases(b: Builder, s: str) -> None:
    b.h("Cas présentés", 2)
    b.tag(f"{{%p for case in {s}.cases %}}")
    b.h("Cas {{ case.record_id }} — {{ case.title }}", 3)
    b.p("{{ case.facts }}")
    b.table(("Date", "Étape (d'après le registre)"), ("{{ st.day }}", "{{ st.what }}"),
            "st in case.steps", (3.0, 14.0))
    b.tag("{%p for l in case.letters %}")
    b.p("Courrier « {{ l.heading }} » — {{ l.state }}", bold=True)
    b.tag("{%p if l.text %}")
    b.p("{{r l.text }}", "Courrier")
    b.p("Fichier : {{ l.files }}", "Note")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.tag("{%p endfor %}")
    b.tag(f"{{%p if not {s}.cases %}}")
    b.p(f"{{{{ {s}.no_cases }}}}")
    b.tag("{%p endif %}")


PROCEDURE_2: Final = (
    "Les résultats sont calculés à partir des registres de l'organisme (satisfaction, abandons, "
    "annulations) et du planning des sessions : taux de satisfaction, note moyenne, "
    "recommandation (NPS), taux de réponse, taux d'abandon et taux d'achèvement.",
    "Ils sont diffusés avec leur modalité de calcul, leur période et le nombre de réponses sur "
    "lequel chacun repose (page « résultats » et fichier CSV). Un chiffre d'enquête reposant sur "
    "moins de {{ rules.min_answers }} réponses n'est pas présenté comme significatif.",
)
PROCEDURE_30: Final = (
    "À la fin de chaque session, chaque participant est invité à répondre au questionnaire « à "
    "chaud » ; {{ rules.cold_after_months }} mois après la fin de la session, au questionnaire "
    "« à froid ». Ceux qui n'ont pas répondu sont relancés ({{ rules.survey_reminders }} jours "
    "après l'invitation). Les financeurs et les entreprises sont sollicités une fois par an. "
    "Chaque questionnaire laisse place à un commentaire libre.",
    "Les réponses sont versées au registre de satisfaction. Une note globale de "
    "{{ rules.low_score }} sur 5 ou moins ouvre une « Difficulté » au registre des réclamations : "
    "la personne est contactée individuellement, et l'analyse peut conduire à une action "
    "d'amélioration (indicateur 32).",
)
PROCEDURE_31: Final = (
    "Toute réclamation, difficulté ou aléa, quel que soit le canal (courriel, courrier, "
    "téléphone, formulaire, enquête), est enregistré au registre des réclamations avec sa date "
    "de réception. Un accusé de réception est adressé au déclarant dans les "
    "{{ rules.acknowledge_days }} jours ouvrés.",
    "La réclamation est qualifiée (nature, catégorie, gravité) et analysée (causes) ; une "
    "réponse est apportée au déclarant dans les {{ rules.answer_days }} jours ouvrés, et la "
    "réclamation est close dans les {{ rules.close_days }} jours ouvrés après vérification "
    "auprès du déclarant que la solution lui convient. Les dates d'envoi portées au registre "
    "sont celles où les courriers sont partis, non celles où ils ont été préparés.",
    "Annulation ou report à l'initiative de l'organisme ou du formateur : les participants sont "
    "informés dans les {{ rules.inform_days }} jour(s) ouvré(s) par courriel ou courrier, et une "
    "solution leur est proposée (report, distanciel, autre session, remboursement ou avoir). "
    "Annulation par un apprenant : plus de 24 heures avant le début, la séance est "
    "rattrapable ; moins de 24 heures avant, elle ne l'est pas ; une absence au-delà d'un tiers "
    "de la durée de la séance est enregistrée comme « Absence », non rattrapable. La "
    "facturation suit les conditions générales de vente.",
    "Toute action corrective décidée est reportée au registre des actions d'amélioration "
    "(indicateur 32), dont le numéro figure dans la colonne « Mesure d'amélioration liée ».",
)
PROCEDURE_32: Final = (
    "Les mesures d'amélioration naissent des réclamations et des difficultés (action "
    "corrective), des résultats des enquêtes de satisfaction, de l'analyse des causes des "
    "abandons, de l'analyse des risques, des audits et de la veille. Chacune est inscrite au "
    "registre des actions d'amélioration avec son origine, le constat, la cause, l'action, un "
    "responsable et une échéance ({{ rules.due_days }} jours ouvrés par défaut) ; son "
    "efficacité est vérifiée {{ rules.check_after_months }} mois après sa réalisation.",
    "Gestion des abandons : 1) sans nouvelle du bénéficiaire après un délai raisonnable, le "
    "prescripteur est informé de son absence ({{ rules.prescriber_days }} jours ouvrés) ; 2) le "
    "stagiaire est invité à indiquer les raisons de sa décision ({{ rules.reasons_days }} jours "
    "ouvrés) ; 3) les causes sont analysées ; 4) une solution adaptée aux causes est "
    "recherchée ; 5) les alternatives sont discutées avec le bénéficiaire et le prescripteur ; "
    "6) une relance avec une proposition d'alternative est adressée "
    "({{ rules.reminder_days }} jours ouvrés) ; 7) l'abandon est validé ou invalidé "
    "({{ rules.decision_days }} jours ouvrés) ; 8) une attestation d'abandon de formation est "
    "envoyée au stagiaire pour signature ({{ rules.attestation_days }} jours ouvrés).",
    "Analyse des risques : les risques pesant sur la qualité des formations délivrées sont "
    "cotés (probabilité et impact de 1 à 4), les mesures de maîtrise et les actions décidées "
    "sont notées en regard de chacun ; l'analyse est revue au moins tous les "
    "{{ rules.risk_review_months }} mois.",
)


def procedure(b: Builder, texts: Sequence[str]) -> None:
    b.h("Procédure suivie", 2)
    for text in texts:
        b.p(text)


def improvement(b: Builder) -> None:
    b.h("Actions et origines, dans les deux sens", 2)
    b.p("Pour chaque action de la période : les lignes qu'elle nomme dans « Références "
        "d'origine », et les réclamations qui la nomment dans « Mesure d'amélioration liée ».")
    b.tag("{%p if actions_links %}")
    b.table(("Action", "Origine", "Références d'origine", "Nommée par", "Liens"),
            ("{{ a.action }}", "{{ a.origin }}", "{{ a.origins }}", "{{ a.named_by }}",
             "{{ a.check }}"), "a in actions_links", (2.8, 2.6, 3.4, 3.4, 4.8), size=8)
    b.tag("{%p else %}")
    b.p("Aucune action d'amélioration sur la période.")
    b.tag("{%p endif %}")
    b.h("Analyse des risques", 2)
    b.p("{{ risks.summary }}")
    b.tag("{%p if risks.rows %}")
    b.table(("N°", "Risque", "P", "I", "Score", "Mesures de maîtrise", "Actions", "Revue le"),
            ("{{ k.ref }}", "{{ k.risk }}", "{{ k.likelihood }}", "{{ k.impact }}",
             "{{ k.score }}", "{{ k.measures }}", "{{ k.actions }}", "{{ k.reviewed }}"),
            "k in risks.rows", (1.2, 5.0, 0.7, 0.7, 1.1, 4.6, 2.0, 1.7), size=7.5)
    b.tag("{%p endif %}")


def evidence_index(b: Builder) -> None:
    b.h("Index des preuves", 1)
    b.p("Chaque fichier de l'archive {{ archive }}, avec son empreinte SHA-256 (qui change si "
        "un seul octet du fichier change : sha256sum sous Linux, Get-FileHash sous Windows), sa "
        "date et ce qu'il prouve.")
    b.table(("Fichier", "SHA-256", "Date", "Ce qu'il prouve"),
            ("{{ e.name }}", "{{ e.sha256 }}", "{{ e.date }}", "{{ e.proves }}"),
            "e in index", (4.4, 4.6, 2.2, 5.8), size=7)


def build_document() -> DocumentObject:
    b = Builder()
    cover(b)
    key_figures(b)
    for number, texts in ((2, PROCEDURE_2), (30, PROCEDURE_30), (31, PROCEDURE_31),
                          (32, PROCEDURE_32)):
        s = f"s{number}"
        section_head(b, s)
        section_evidence(b, s)
        procedure(b, texts)
        if number in (31, 32):
            cases(b, s)
        if number == 32:
            improvement(b)
    evidence_index(b)
    return b.doc


def template_bytes() -> bytes:
    buffer = io.BytesIO()
    build_document().save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def main() -> None:
    data = template_bytes()
    (ROOT / "automation" / "defaults" / NAME).write_bytes(data)
    shutil.copyfile(ROOT / "automation" / "defaults" / NAME, ROOT / "templates" / NAME)
    print(f"wrote automation/defaults/{NAME} and templates/{NAME}")


if __name__ == "__main__":
    main()
