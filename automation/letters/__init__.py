"""Letters: Word documents rendered from the office's docxtpl templates, optionally as PDF.

``produce_letter`` is what the pipeline calls; the modules beneath it are small steps:
``catalog`` (the default letters, what sending one means for its row), ``context`` (the
variables a template receives), ``civility`` (« Madame, » from « Mme Faure »), ``address``
(the window envelope's lines), ``typography`` (French spacing, subjects, full stops),
``render`` (docxtpl, with errors translated), ``naming`` (safe file names), ``pdf``
(LibreOffice), ``smtp`` (answers by mail) and ``dates`` (French dates).
"""

from automation.letters.catalog import LetterKind
from automation.letters.context import letter_context
from automation.letters.dates import french_datetime, french_long_date
from automation.letters.naming import letter_filename, unique_path
from automation.letters.pdf import convert_to_pdf, libreoffice_available
from automation.letters.produce import produce_letter
from automation.letters.render import check_template, render_letter

__all__ = [
    "LetterKind",
    "check_template",
    "convert_to_pdf",
    "french_datetime",
    "french_long_date",
    "letter_context",
    "letter_filename",
    "libreoffice_available",
    "produce_letter",
    "render_letter",
    "unique_path",
]
