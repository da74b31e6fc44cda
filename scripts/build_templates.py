"""Build the default letter templates (Word .docx, docxtpl tags) with python-docx.

    .venv/bin/python scripts/build_templates.py

Writes ``automation/defaults/<letter>.docx`` (shipped in the package, copied by ``init``) and
the same files to ``templates/``, and copies ``templates/README.md`` (the variables each
template receives) to ``automation/defaults/README.md``. Output is reproducible: same code,
same bytes. The wording is ours; an office edits its own copy in Word.
"""

from __future__ import annotations

import io
import shutil
import zipfile
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import Final

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE as RT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Length, Pt, RGBColor
from docx.text.paragraph import Paragraph

from automation.letters.catalog import LetterKind
from automation.letters.typography import french_spacing

ROOT: Final = Path(__file__).resolve().parents[1]
DEFAULTS: Final = ROOT / "automation" / "defaults"
TEMPLATES: Final = ROOT / "templates"
README: Final = "README.md"
FIXED_TIME: Final = datetime(2026, 1, 1)  # fixed, for reproducible files
ZIP_TIME: Final = (2026, 1, 1, 0, 0, 0)
FONT: Final = "Calibri"
BLUE: Final = RGBColor(0x1F, 0x38, 0x64)
DOTS: Final = "…" * 24

# A run is plain text, or (text, "b") for bold.
Run = str | tuple[str, str]
DATE_LINE: Final = "{% if org.city %}{{ org.city }}, le {% else %}Le {% endif %}{{ today }}"
CLOSING: Final = ("vous prions d’agréer, {{ salutation }}, l’expression de nos salutations "
                  "distinguées.")
# The recipient's block, placed in the window of a DL envelope (110 × 220 mm, window 45 × 100 mm
# at 20 mm from the right and 15 mm from the bottom): an A4 folded in three shows this area.
WINDOW: Final = {"x": Cm(11), "y": Cm(5), "w": Cm(8.5), "h": Cm(4)}
BELOW_WINDOW: Final = 193  # points from the top margin (3.2 cm) to 10 cm: under the window


def alternatives(value: str = "row.alternative") -> str:
    """The offer of « Solution proposée » ``value``, ending the sentence « nous vous proposons … »
    of the cancellation, postponement and learner's-cancellation letters."""
    return (
        f"{{% if {value} == 'Report' %}}de reporter votre participation à une prochaine "
        "session, dont nous vous communiquerons la date dès que possible"
        f"{{% elif {value} == 'Distanciel' %}}de suivre cette formation à distance"
        f"{{% elif {value} == 'Autre session' %}}de vous inscrire à une autre session de la "
        "même formation"
        f"{{% elif {value} == 'Remboursement' %}}le remboursement intégral des sommes versées"
        f"{{% elif {value} == 'Avoir' %}}un avoir valable sur une prochaine session"
        f"{{% else %}}la solution suivante : {{{{ {value} }}}}{{% endif %}}")


# Why a whole session is cancelled or postponed, in words a participant reads.
BECAUSE: Final = (
    "{% if row.motive == 'Formateur indisponible' %} en raison de l’indisponibilité du "
    "formateur{% elif row.motive == 'Effectif insuffisant' %} faute d’un nombre suffisant de "
    "participants{% elif row.motive == 'Force majeure' %} pour un cas de force majeure"
    "{% endif %}")
# What the office's policy says of a learner's cancellation: billed or not, made up or not.
BILLING: Final = (
    "{% if cancellation.billable == 'Oui' %}Conformément à nos conditions générales de vente, "
    "cette session vous sera facturée{% if cancellation.recoverable == 'Non' %} et ne pourra "
    "pas être rattrapée{% endif %}.{% elif cancellation.billable == 'Non' %}Cette session ne "
    "vous sera pas facturée{% if cancellation.recoverable == 'Non' %} ; elle ne pourra "
    "cependant pas être rattrapée{% endif %}.{% else %}Cette session ne pourra pas être "
    "rattrapée.{% endif %}{% if cancellation.recoverable == 'Non' %} Pour suivre la formation "
    "à une autre date, une nouvelle inscription sera nécessaire.{% endif %}")
SESSION: Final = ("« {{ training }} »{% if session.ref %} (réf. {{ session.ref }}){% endif %}")
REASONS: Final = ("Manque de temps", "Manque de motivation pour la thématique",
                  "Caractère obligatoire de la formation")


class Letter:
    """A template being written: paragraphs added in order to a prepared document."""

    def __init__(self, kind: LetterKind) -> None:
        self.kind = kind
        self.doc = Document()
        _prepare(self.doc, kind)

    def p(self, *runs: Run, style: str | None = None) -> Paragraph:
        paragraph = self.doc.add_paragraph(style=style)
        _add_runs(paragraph, runs)
        return paragraph

    def when(self, condition: str, *paragraphs: Callable[[], object],
             otherwise: Iterable[Callable[[], object]] = ()) -> None:
        """Paragraphs kept only when ``condition`` holds (docxtpl ``{%p if %}`` blocks)."""
        self.doc.add_paragraph(f"{{%p if {condition} %}}")
        for add in paragraphs:
            add()
        others = list(otherwise)
        if others:
            self.doc.add_paragraph("{%p else %}")
            for add in others:
                add()
        self.doc.add_paragraph("{%p endif %}")

    def window(self) -> None:
        """The recipient's name and postal address, where an envelope's window shows them."""
        paragraph = self.p("{{ recipient_block }}", style="Destinataire")
        _frame(paragraph, **WINDOW)

    def opening(self, subject: str) -> None:
        self.window()
        self.p(DATE_LINE, style="Date du courrier")
        self.p(("Réf. : ", "b"), "{{ ref }}", style="Référence")
        self.p(("Objet : ", "b"), subject, style="Objet")
        self.p("{{ salutation }},")

    def signature(self) -> None:
        self.p("{{ org.signatory }}", style="Signature").paragraph_format.space_before = Pt(24)
        self.when("org.signatory_title",
                  lambda: self.p("{{ org.signatory_title }}", style="Signature"))


def _add_runs(paragraph: Paragraph, runs: Iterable[Run]) -> None:
    for run in runs:
        text, bold = (run, False) if isinstance(run, str) else (run[0], "b" in run[1])
        paragraph.add_run(french_spacing(text)).bold = bold or None


def _frame(paragraph: Paragraph, *, x: Length, y: Length, w: Length, h: Length) -> None:
    """Place ``paragraph`` at a fixed spot of the page (a Word frame, ``w:framePr``)."""
    frame = OxmlElement("w:framePr")
    for name, value in (("w", w), ("h", h), ("x", x), ("y", y)):
        frame.set(qn(f"w:{name}"), str(value.twips))
    frame.set(qn("w:hRule"), "exact")
    frame.set(qn("w:wrap"), "around")
    frame.set(qn("w:hAnchor"), "page")
    frame.set(qn("w:vAnchor"), "page")
    properties = paragraph._p.get_or_add_pPr()
    properties.insert_element_before(frame, *FRAME_SUCCESSORS)


# What follows w:framePr in a paragraph's properties (ECMA-376 order).
FRAME_SUCCESSORS: Final = (
    "w:widowControl", "w:numPr", "w:suppressLineNumbers", "w:pBdr", "w:shd", "w:tabs",
    "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct", "w:topLinePunct",
    "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap",
    "w:jc", "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl",
    "w:divId", "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange")


# --- the document: page, styles, letterhead -------------------------------------------------

def _prepare(doc: DocumentObject, kind: LetterKind) -> None:
    _page(doc)
    _styles(doc)
    _letterhead(doc)
    _legal_footer(doc)
    _properties(doc, kind)
    # python-docx starts from a document with no paragraph; nothing to remove.


def _page(doc: DocumentObject) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.3)
    section.top_margin, section.bottom_margin = Cm(3.2), Cm(2.5)
    section.header_distance, section.footer_distance = Cm(1), Cm(1)


def _styles(doc: DocumentObject) -> None:
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    lang = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:lang')}")
    lang.set(qn("w:val"), "fr-FR")
    normal = doc.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(11)
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.line_spacing = 1.1
    for name in ("Header", "Footer"):
        style = doc.styles[name]
        style.font.size = Pt(9)
        style.paragraph_format.space_after = Pt(0)
    doc.styles["Footer"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    doc.styles["Footer"].font.color.rgb = RGBColor(0x59, 0x59, 0x59)
    organisation = _style(doc, "Organisme", base="Header", size=14, bold=True)
    organisation.font.color.rgb = BLUE
    _style(doc, "Destinataire", after=0)
    # Below the envelope window (it ends 9.5 cm from the top): from the top margin (3.2 cm)
    # to 10 cm.
    _style(doc, "Date du courrier", indent=8.7, before=BELOW_WINDOW, after=18)
    _style(doc, "Référence", after=0)
    _style(doc, "Objet", after=14)
    _style(doc, "Citation", indent=1, italic=True)
    _style(doc, "Case à cocher", indent=1, after=3)
    _style(doc, "Signature", indent=8.7, after=0)
    doc.styles["Signature"].paragraph_format.keep_with_next = True
    title = doc.styles["Title"]
    title.font.name, title.font.size, title.font.color.rgb = FONT, Pt(16), BLUE
    title.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER


def _style(doc: DocumentObject, name: str, *, base: str = "Normal", indent: float = 0,
           before: float | None = None, after: float | None = None, size: float | None = None,
           bold: bool = False, italic: bool = False) -> object:
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles[base]
    style.quick_style = True
    fmt = style.paragraph_format
    if indent:
        fmt.left_indent = Cm(indent)
    if before is not None:
        fmt.space_before = Pt(before)
    if after is not None:
        fmt.space_after = Pt(after)
    if size:
        style.font.size = Pt(size)
    style.font.bold = bold or None
    style.font.italic = italic or None
    return style


def _letterhead(doc: DocumentObject) -> None:
    header = doc.sections[0].header
    header.is_linked_to_previous = False
    first = header.paragraphs[0]
    first.style = doc.styles["Organisme"]
    first.add_run("{{ org.name }}")
    for text in ("{%p if org.address %}", "{{ org.address }}", "{%p endif %}",
                 "{%p if org.phone or org.email %}",
                 french_spacing("{% if org.phone %}Tél. : {{ org.phone }}{% endif %}"
                                "{% if org.phone and org.email %} · {% endif %}"
                                "{% if org.email %}{{ org.email }}{% endif %}"),
                 "{%p endif %}"):
        header.add_paragraph(text, style=doc.styles["Header"])


def _legal_footer(doc: DocumentObject) -> None:
    footer = doc.sections[0].footer
    footer.is_linked_to_previous = False
    first = footer.paragraphs[0]
    first.style = doc.styles["Footer"]
    first.add_run(french_spacing("{{ org.name }}{% if org.address_line %} · "
                                 "{{ org.address_line }}{% endif %}"
                                 "{% if org.siret %} · SIRET {{ org.siret }}{% endif %}"))
    for text in ("{%p if org.nda %}",
                 "Déclaration d’activité enregistrée sous le numéro {{ org.nda }}. "
                 "Cet enregistrement ne vaut pas agrément de l’État.",
                 "{%p endif %}"):
        footer.add_paragraph(text, style=doc.styles["Footer"])


def _properties(doc: DocumentObject, kind: LetterKind) -> None:
    props = doc.core_properties
    props.title = kind.heading
    props.subject = ""
    props.author = ""
    props.comments = "Modèle de courrier ; variables décrites dans README.md"
    props.keywords = "modèle de courrier"
    props.category = ""
    props.language = "fr-FR"
    props.last_modified_by = ""
    props.revision = 1
    props.created = props.modified = FIXED_TIME
    package = doc.part.package
    for key, rel in list(package.rels.items()):
        if rel.reltype == RT.THUMBNAIL:  # python-docx's own thumbnail, not our letter
            del package.rels[key]


# --- the eight letters ---------------------------------------------------------------------
#
# Each letter says only what is meant for its recipient (no note, analysis or comment of the
# office), greets the recipient by the civility their name carries, and reads as one
# correspondence with the letters before it (the dropout's steps 1, 2, 6 and 8).

def acknowledgment(letter: Letter) -> None:
    letter.opening("Accusé de réception de votre réclamation")
    letter.p("Nous avons bien reçu{% if row.received_on %}, le {{ row.received_on }},{% endif %} "
             "votre réclamation{% if row.subject %} concernant « {{ row.subject }} »{% endif %}"
             "{% if row.training %}, relative à la formation « {{ row.training }} »{% endif %}. "
             "Merci de nous l’avoir signalée.")
    letter.p("Elle est enregistrée sous la référence {{ ref }}, à rappeler dans vos échanges "
             "avec nous. Nous l’examinons avec attention et vous apporterons une réponse dans "
             "les meilleurs délais.")
    letter.p("Restant à votre disposition pour tout complément d’information, nous " + CLOSING)
    letter.signature()


def complaint_response(letter: Letter) -> None:
    letter.opening("Réponse à votre réclamation"
                   "{% if row.subject %} « {{ row.subject }} »{% endif %}")
    letter.p("Vous nous avez adressé{% if row.received_on %}, le {{ row.received_on }},"
             "{% endif %} une réclamation{% if row.training %} relative à la formation "
             "« {{ row.training }} »{% endif %}, enregistrée sous la référence {{ ref }}. "
             "Merci de votre patience pendant son examen.")
    letter.when("row.response",
                lambda: letter.p("Après analyse, voici la réponse que nous pouvons vous "
                                 "apporter :"),
                lambda: letter.p("{{ row.response|sentence }}", style="Citation"))
    letter.when("row.mediation == 'Oui'",
                lambda: letter.p("Si elle ne vous donne pas satisfaction, vous pouvez recourir "
                                 "à une médiation ; nous vous en communiquerons les modalités "
                                 "sur simple demande."))
    letter.p("Toujours à votre écoute, nous " + CLOSING)
    letter.signature()


def cancellation_notice(letter: Letter) -> None:
    letter.opening("Annulation de la session « {{ row.training }} »")
    letter.p("Nous avons le regret de vous informer que la session de formation "
             "« {{ row.training }} »{% if row.session_ref %} (réf. {{ row.session_ref }})"
             "{% endif %}{% if row.session_start %} prévue le {{ row.session_start }}{% endif %} "
             "est annulée" + BECAUSE + ".")
    letter.when("row.billable == 'Oui'",
                lambda: letter.p("Conformément à nos conditions générales de vente, elle vous "
                                 "sera néanmoins facturée."))
    letter.when("row.billable == 'Non'",
                lambda: letter.p("Cette annulation ne vous sera pas facturée."))
    letter.when("row.recoverable == 'Non'",
                lambda: letter.p("Cette session ne pourra pas être rattrapée."),
                otherwise=[lambda: letter.when(
                    "row.alternative and row.alternative != 'Aucune'",
                    lambda: letter.p("Pour limiter la gêne occasionnée, nous vous proposons "
                                     + alternatives() + ". Merci de nous dire si cette "
                                     "proposition vous convient."),
                    otherwise=[lambda: letter.p("Nous reviendrons vers vous très prochainement "
                                                "pour vous proposer une solution.")])])
    letter.p("Veuillez nous excuser pour ce contretemps. Restant à votre disposition pour toute "
             "question, nous " + CLOSING)
    letter.signature()


def postponement_notice(letter: Letter) -> None:
    letter.opening("Report de la session « {{ row.training }} »")
    letter.p("Nous vous informons que la session de formation « {{ row.training }} »"
             "{% if row.session_ref %} (réf. {{ row.session_ref }}){% endif %}"
             "{% if row.session_start %}, initialement prévue le {{ row.session_start }},"
             "{% endif %} est reportée{% if row.new_start %} au {{ row.new_start }}{% endif %}"
             + BECAUSE + ".")
    letter.when("not row.new_start",
                lambda: letter.p("La nouvelle date vous sera communiquée dès qu’elle sera "
                                 "fixée."))
    unsuitable = ("Si {% if row.new_start %}cette nouvelle date{% else %}ce report{% endif %} "
                  "ne vous convient pas, ")
    letter.when("row.alternative and row.alternative not in ('Aucune', 'Report')",
                lambda: letter.p(unsuitable + "nous vous proposons " + alternatives() + "."),
                otherwise=[lambda: letter.p(unsuitable + "merci de nous le faire savoir : "
                                            "nous rechercherons ensemble une autre solution.")])
    letter.p("Merci de nous confirmer votre participation{% if org.email %} à l’adresse "
             "{{ org.email }}{% endif %}.")
    letter.p("Avec nos excuses pour ce changement, nous " + CLOSING)
    letter.signature()


def prescriber_absence(letter: Letter) -> None:
    """Step 1 of a dropout: the prescriber is told of the absence, nothing more is
    claimed (the office does not know yet why the learner is absent)."""
    letter.opening("Absence de {{ row.learner }}{% if row.training %} – formation "
                   "« {{ row.training }} »{% endif %}")
    letter.p("Nous vous informons de l’absence de {{ row.learner }}"
             "{% if row.training %} à la formation « {{ row.training }} »{% endif %}"
             "{% if row.absence_noted_on %} depuis le {{ row.absence_noted_on }}{% endif %}"
             "{% if row.start %} (formation commencée le {{ row.start }}){% endif %}.")
    letter.when("row.hours_planned",
                lambda: letter.p("À ce jour, sa présence représente {{ row.hours_done or '0' }} h "
                                 "sur les {{ row.hours_planned }} h prévues."))
    letter.p("Nous prenons contact avec {{ row.learner }} pour connaître les raisons de cette "
             "absence et vous tiendrons informé{{ recipient_e }} de la suite. Si vous disposez "
             "d’éléments sur sa situation, merci de nous les communiquer : nous pourrons ainsi "
             "rechercher ensemble la meilleure solution pour la poursuite de son parcours.")
    letter.p("Nous " + CLOSING)
    letter.signature()


def dropout_reasons(letter: Letter) -> None:
    """Step 2 of a dropout: the learner is asked why they are absent; the letter claims no wish
    of theirs to stop."""
    letter.opening("Votre absence à la formation « {{ row.training }} »")
    letter.p("Nous constatons votre absence à la formation « {{ row.training }} »"
             "{% if row.absence_noted_on %} depuis le {{ row.absence_noted_on }}{% endif %}"
             "{% if row.start %} (formation commencée le {{ row.start }}){% endif %}, et "
             "souhaitons comprendre ce qui vous empêche de la poursuivre.")
    letter.p("Pourriez-vous nous en indiquer la ou les raisons, en cochant les cases ci-dessous "
             "et en nous retournant ce courrier{% if org.email %}, ou en nous écrivant à "
             "{{ org.email }}{% endif %} ?")
    for reason in (*REASONS, f"Autre (précisez) : {DOTS}"):
        letter.p(f"☐ {reason}", style="Case à cocher")
    letter.p("Dès réception de votre réponse, nous l’analyserons afin de vous proposer une "
             "solution adaptée à vos attentes ou à vos contraintes.")
    letter.p("Disponibles pour en parler{% if org.phone %} au {{ org.phone }}{% endif %}, nous "
             + CLOSING)
    letter.signature()


def alternative_proposal(letter: Letter) -> None:
    """Step 6 of a dropout; also the answer to a learner's cancellation, which says what the
    office's policy gives: billed or not, made up or not. That part
    reads only variables every register has (``cancellation.*``, ``session.*``)."""
    letter.opening("{% if register == 'annulations' %}"
                   "{% if cancellation.motive == 'Absence' %}Votre absence à la session"
                   "{% else %}Votre annulation – session{% endif %} « {{ training }} »"
                   "{% else %}Proposition pour la suite de votre formation "
                   "« {{ row.training }} »{% endif %}")
    letter.when("register == 'annulations'", lambda: _cancellation_answer(letter),
                otherwise=[lambda: _dropout_alternative(letter)])
    letter.p("Nous " + CLOSING)
    letter.signature()
    letter.when("register != 'annulations' and row.prescriber",
                lambda: letter.p("Copie : {{ row.prescriber }}", style="Référence"))


# How a learner's cancellation came, in the first sentence of the answer (its motive).
NOTICE: Final = (
    "{% if cancellation.motive == 'Annulation plus de 24 h avant' %}, reçue plus de 24 heures "
    "avant son début{% elif cancellation.motive == 'Annulation moins de 24 h avant' %}, reçue "
    "moins de 24 heures avant son début{% endif %}")
CHOSEN: Final = "cancellation.alternative and cancellation.alternative != 'Aucune'"


def _cancellation_answer(letter: Letter) -> None:
    start = "{% if session.start %} du {{ session.start }}{% endif %}"
    letter.when(
        "cancellation.motive == 'Absence'",
        lambda: letter.p("Nous avons constaté votre absence à la session " + SESSION + start
                         + "."),
        otherwise=[lambda: letter.when(
            "cancellation.after_start",
            lambda: letter.p("Nous avons bien noté que vous avez dû interrompre votre "
                             "participation à la session " + SESSION + start + "."),
            otherwise=[lambda: letter.p(
                "Nous avons bien reçu votre demande d’annulation de votre participation à la "
                "session " + SESSION + "{% if session.start %} prévue le {{ session.start }}"
                "{% endif %}" + NOTICE + ".")])])
    letter.when("cancellation.billable in ('Oui', 'Non') or cancellation.recoverable == 'Non'",
                lambda: letter.p(BILLING))
    letter.when(
        "cancellation.recoverable == 'Oui'",
        lambda: letter.p(
            f"{{% if {CHOSEN} %}}Nous vous proposons "
            + alternatives("cancellation.alternative")
            + "{% else %}Afin que vous puissiez suivre cette formation, nous vous proposons de "
            "vous inscrire à une autre session ou, si vous le préférez, de la suivre à distance"
            "{% endif %}. Merci de nous indiquer ce qui vous convient{% if org.email %} à "
            "l’adresse {{ org.email }}{% endif %} : nous vous en confirmerons alors les dates "
            "et les modalités."),
        otherwise=[lambda: letter.when(
            "cancellation.recoverable != 'Non'",
            lambda: letter.p("Nous reviendrons vers vous pour convenir de la suite à donner."))])


def _dropout_alternative(letter: Letter) -> None:
    letter.p("Nous faisons suite à notre courrier{% if row.reasons_requested_on %} du "
             "{{ row.reasons_requested_on }}{% endif %} au sujet de votre absence à la formation "
             "« {{ row.training }} »{% if row.absence_noted_on %} depuis le "
             "{{ row.absence_noted_on }}{% endif %}.")
    letter.when("row.reason and row.reason != 'Autre'",
                lambda: letter.p("Vous nous en avez indiqué la raison : "
                                 "{{ row.reason|lower }}. Après l’avoir étudiée, voici ce que "
                                 "nous vous proposons pour poursuivre votre parcours :"),
                otherwise=[lambda: letter.p("Afin que vous puissiez poursuivre votre parcours, "
                                            "voici ce que nous vous proposons :")])
    letter.when("row.proposal",
                lambda: letter.p("{{ row.proposal|sentence }}", style="Citation"),
                otherwise=[lambda: letter.p("une solution que nous vous présenterons lors d’un "
                                            "prochain échange, à votre convenance.",
                                            style="Citation")])
    letter.p("Merci de nous faire connaître votre décision dans les meilleurs délais. Sans "
             "réponse de votre part, nous serons amenés à constater l’abandon de la formation.")


def dropout_attestation(letter: Letter) -> None:
    """Step 8 of a dropout: the form the learner completes and signs; the only default letter
    with « Fait à … le … », left for the signer to fill."""
    letter.window()
    letter.p("Attestation d’abandon de formation", style="Title").paragraph_format.space_before = (
        Pt(BELOW_WINDOW))
    letter.p(("Réf. : ", "b"), "{{ ref }} – établie le {{ today }}", style="Objet")
    letter.p("Je soussigné{{ recipient_e }}, {{ recipient_addressed or row.learner }}, certifie "
             "vouloir abandonner définitivement la formation « {{ row.training }} »"
             "{% if row.start and row.end %} prévue du {{ row.start }} au {{ row.end }}"
             "{% elif row.start %} commencée le {{ row.start }}{% endif %}, dispensée par "
             "{{ org.name }}.")
    letter.when("row.reason",
                lambda: letter.p("Motif de l’abandon : {{ row.reason }}."))
    letter.p("Pour valoir ce que de droit.")
    letter.p(f"Fait à {DOTS[:16]}, le {DOTS[:12]}")
    table = letter.doc.add_table(rows=1, cols=2)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    learner, office = table.rows[0].cells
    learner.paragraphs[0].add_run("Le stagiaire").bold = True
    signing = learner.add_paragraph(french_spacing("Signature :"))
    signing.paragraph_format.space_after = Pt(72)  # room to sign
    office.paragraphs[0].add_run("Pour {{ org.name }}").bold = True
    office.add_paragraph("{{ org.signatory }}")
    office.add_paragraph("{% if org.signatory_title %}{{ org.signatory_title }}{% endif %}")
    letter.p("")
    letter.p("Merci de nous retourner cette attestation complétée et signée{% if org.email %}, "
             "par courrier ou à {{ org.email }}{% endif %}.", style="Référence")


BUILDERS: Final[dict[LetterKind, Callable[[Letter], None]]] = {
    LetterKind.ACKNOWLEDGMENT: acknowledgment,
    LetterKind.COMPLAINT_RESPONSE: complaint_response,
    LetterKind.CANCELLATION_NOTICE: cancellation_notice,
    LetterKind.POSTPONEMENT_NOTICE: postponement_notice,
    LetterKind.PRESCRIBER_ABSENCE: prescriber_absence,
    LetterKind.DROPOUT_REASONS: dropout_reasons,
    LetterKind.ALTERNATIVE_PROPOSAL: alternative_proposal,
    LetterKind.DROPOUT_ATTESTATION: dropout_attestation,
}



# --- « suite à votre avis »: a low survey score, the difficulty it opened -------------------

def survey_follow_up(letter: Letter) -> None:
    """To call or write to a respondent whose survey answer opened a « Difficulté »
    (automation.surveys.followup): the row is the REC- difficulty; its description holds the
    answer's scores and comment, its source the SAT- answer."""
    letter.opening("Suite à votre avis{% if row.training %} sur la formation "
                   "« {{ row.training }} »{% endif %}")
    letter.p("Vous avez bien voulu répondre{% if row.received_on %}, le {{ row.received_on }},"
             "{% endif %} à notre questionnaire de satisfaction{% if row.training %} sur la "
             "formation « {{ row.training }} »{% endif %}, et nous vous en remercions.")
    letter.p("Votre réponse nous montre que cette formation n’a pas été à la hauteur de vos "
             "attentes. Nous souhaitons comprendre ce qui vous a déçu et voir avec vous ce que "
             "nous pouvons faire.")
    letter.when("row.description",
                lambda: letter.p("Voici ce que nous avons retenu de votre réponse :"),
                lambda: letter.p("{{ row.description }}", style="Citation"))
    contact = ("{% if org.phone %} ; vous pouvez aussi nous joindre au {{ org.phone }}{% endif %}"
               "{% if org.email %}{% if org.phone %} ou{% else %} ; vous pouvez aussi{% endif %}"
               " nous écrire à {{ org.email }}{% endif %}.")
    letter.p("Nous vous contacterons dans les prochains jours pour en parler" + contact)
    letter.p("Votre retour est enregistré sous la référence {{ ref }} ; il sera examiné avec "
             "attention et nous aidera à améliorer nos formations.")
    letter.p("Avec nos remerciements, nous " + CLOSING)
    letter.signature()


BUILDERS[LetterKind.SURVEY_FOLLOW_UP] = survey_follow_up


# --- writing -------------------------------------------------------------------------------

def template_bytes(kind: LetterKind) -> bytes:
    """The .docx of ``kind``, with fixed zip timestamps so that builds are reproducible."""
    letter = Letter(kind)
    BUILDERS[kind](letter)
    buffer = io.BytesIO()
    letter.doc.save(buffer)
    out = io.BytesIO()
    with zipfile.ZipFile(buffer) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            target.writestr(info, source.read(item.filename))
    return out.getvalue()


def build(folder: Path) -> list[Path]:
    """Write every default template and README.md into ``folder``; return their paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind in LetterKind:
        path = folder / kind.template
        path.write_bytes(template_bytes(kind))
        written.append(path)
    readme = folder / README
    readme.write_text(readme_text(written), encoding="utf-8", newline="\n")
    return [*written, readme]


# --- README.md: the variables, generated from the schemas and the templates themselves --------

COMMON: Final = (
    ("ref", "the register id the letter answers", "REC-2026-0001"),
    ("today", "the letter's date, French long form", "22 novembre 2026"),
    ("recipient", "whom the letter is addressed to (the person given to the pipeline, "
     "else the row's person)", "Marie Dupont"),
    ("person", "the person the row is about (declarant, learner, participant)", "Marie Dupont"),
    ("training", "the row's training (`row.training`)", "Excel avancé"),
    ("session.ref / session.start / session.end / session.new_start", "the session the row is "
     "about, whatever the register (a cancellation's start, a dropout's dates)",
     "12 mars 2026 à 14 h 30"),
    ("email", "the row's email (`row.email`)", "marie.dupont@example.fr"),
    ("register", "the register's key", "reclamations"),
    ("org.name", "organisation: name (configuration `[organisation]`)", "Formations Azur"),
    ("org.address", "postal address; line breaks are kept", "12 rue de France\\n06000 Nice"),
    ("org.address_line", "the address on one line", "12 rue de France, 06000 Nice"),
    ("org.siret", "SIRET number", "123 456 789 00012"),
    ("org.nda", "numéro de déclaration d'activité", "93 06 12345 06"),
    ("org.email / org.phone", "contact shown on letters", "contact@formations-azur.fr"),
    ("org.signatory / org.signatory_title", "who signs, and their title",
     "Claire Martin / Directrice"),
    ("org.city / city", "city the letter is dated from (« Nice, le … »)", "Nice"),
    ("salutation", "how the recipient is greeted: the civility their name carries, else "
     "« Madame, Monsieur » (the letter adds the comma)", "Madame"),
    ("recipient_name / recipient_addressed", "the recipient's name without its civility / "
     "with it spelt out, as on an envelope", "Élodie Faure / Madame Élodie Faure"),
    ("recipient_address", "the recipient's postal address, one line per element (the row's "
     "« Adresse postale » or « Adresse du prescripteur », else the planning's)",
     "3 rue des Lilas\\n06100 NICE"),
    ("recipient_block", "name and address together: the block of the envelope's window", ""),
    ("recipient_e / person_e", "the feminine ending for words about the recipient / the "
     "row's person: « e », « » or « (e) » when the civility is unknown", "e"),
    ("cancellation.motive / .billable / .recoverable / .alternative", "a cancellation row's "
     "values under names every register has (empty elsewhere)", "Oui"),
    ("cancellation.after_start", "true when the cancellation came once the session had begun",
     ""),
    ("row.<field>", "a value of the row, as people read it (table below)", ""),
    ("raw.<field>", "the same value untouched (a date object, a number)", ""),
)
SHOWN: Final = {"date": "22 novembre 2026", "datetime": "12 mars 2026 à 14 h 30",
                "number": "3,5", "score": "4"}
README_HEAD: Final = """# Letter templates

Word documents (.docx) rendered by [docxtpl](https://docxtpl.readthedocs.io/) into the outbox.
Edit them in Word: change the wording, the layout, the logo; keep the tags. This file is
generated by `scripts/build_templates.py` with the default templates.

- `{{ name }}` prints a value; `{% if … %}…{% endif %}` keeps text only when a value is set;
  a paragraph holding only `{%p if … %}`, `{%p else %}` or `{%p endif %}` keeps or drops the
  paragraphs between them (the tag's own paragraph disappears).
- Every variable below is always defined; an empty cell is an empty text, so
  `{% if row.subject %}` is the way to leave out a sentence. A misspelt name stops the letter
  with an error naming the template, the name and the paragraph.
- Values are escaped for Word: `&`, `<` and quotes in a complaint print as typed. Do not use
  `|safe`. Line breaks in a value (an address, an answer) become line breaks in the letter.
- Keep the file names: the tool looks templates up by name. Delete a template and run
  `automation init` to get the default one back.
- `{{ row.response|sentence }}` ends a value with a full stop when it has none. Every value is
  already spaced the French way (non-breaking spaces before « : ; ! ? » and inside « »), and
  `row.subject` comes without the « TR: » or « RE: » of a mail.
- Some fields are the office's own and no default letter prints them: INTERNAL. A template may
  still name one (`{{ row.notes }}`) when the office wants it in a letter.
- The recipient's block (`{{ recipient_block }}`) is in a Word frame at 11 cm from the left and
  5 cm from the top, in the window of a DL envelope; move the frame in Word if the office's
  envelopes differ.
"""


def readme_text(templates: Iterable[Path]) -> str:
    from automation.letters.context import INTERNAL_FIELDS
    from automation.letters.render import template_variables
    from automation.registers.schema import REGISTERS_BY_KEY

    head = README_HEAD.replace("INTERNAL", ", ".join(f"`row.{k}`" for k in sorted(
        INTERNAL_FIELDS)))
    lines = [head, "## Variables every template receives", "",
             "| Variable | What | Example |", "|---|---|---|"]
    lines += [f"| `{n}` | {what} | {ex} |" for n, what, ex in COMMON]
    lines += ["", "Dates and numbers in `row` are already French text. The pipeline may pass "
              "more variables for a given letter; they win over these.", ""]
    by_name = {path.name: path for path in templates}
    lines += ["## The letters", "", "Each default letter shows the letterhead (`org.*`) in its "
              "header and footer, and uses:", ""]
    for kind in LetterKind:
        used = ", ".join(f"`{v}`" for v in template_variables(by_name[kind.template])
                         if not v.startswith("org."))
        lines += [f"### `{kind.template}` — {kind.heading}", "",
                  f"Answers a row of the `{kind.register}` register; uses {used}.", ""]
    lines += ["## Values of a row (`row.<field>`)", ""]
    for key in dict.fromkeys(kind.register for kind in LetterKind):
        schema = REGISTERS_BY_KEY[key]
        lines += [f"### {schema.title} (`{key}`)", "", "| Variable | Column | Shown as |",
                  "|---|---|---|"]
        for field in schema.fields:
            shown = (" · ".join(field.choices) if field.choices
                     else SHOWN.get(str(field.kind), "text"))
            lines.append(f"| `row.{field.key}` | {field.header} | {shown} |")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    for path in build(DEFAULTS):
        shutil.copyfile(path, TEMPLATES / path.name)
        print(f"wrote automation/defaults/{path.name} and templates/{path.name}")


if __name__ == "__main__":
    main()
