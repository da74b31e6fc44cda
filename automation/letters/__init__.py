"""Letters: Word documents rendered from the office's docxtpl templates, optionally as PDF.

``produce_letter`` is what the pipeline calls; the modules beneath it are small steps:
``catalog`` (the default letters, what sending one means for its row), ``context`` (the
variables a template receives), ``civility`` (« Madame, » from « Mme Faure »), ``address``
(the window envelope's lines), ``typography`` (French spacing, subjects, full stops),
``render`` (docxtpl, with errors translated), ``naming`` (safe file names), ``pdf``
(LibreOffice), ``smtp`` (answers by mail) and ``dates`` (French dates).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from automation.lazy import lazy_exports

if TYPE_CHECKING:
    from automation.letters.catalog import LetterKind
    from automation.letters.context import letter_context
    from automation.letters.dates import french_datetime, french_long_date
    from automation.letters.naming import letter_filename, unique_path
    from automation.letters.pdf import convert_to_pdf, libreoffice_available
    from automation.letters.produce import produce_letter
    from automation.letters.render import check_template, render_letter

# Imported on first use: a module of the package (the catalog, the dates) is used without
# loading docxtpl and LibreOffice's helpers.
__getattr__ = lazy_exports(__name__, {
    "LetterKind": "automation.letters.catalog",
    "letter_context": "automation.letters.context",
    "french_datetime": "automation.letters.dates",
    "french_long_date": "automation.letters.dates",
    "letter_filename": "automation.letters.naming",
    "unique_path": "automation.letters.naming",
    "convert_to_pdf": "automation.letters.pdf",
    "libreoffice_available": "automation.letters.pdf",
    "produce_letter": "automation.letters.produce",
    "check_template": "automation.letters.render",
    "render_letter": "automation.letters.render",
})

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
