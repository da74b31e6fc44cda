"""The printed page of a controlled document: the header and footer every register sheet has."""

from __future__ import annotations

from typing import Any


def controlled_page(sheet: Any, *, title: str, reference: str, font: str) -> None:
    """A4 landscape; ``title`` in the header, the document's ``reference`` and the page number
    in the footer (Excel's codes: ``&P`` the page, ``&N`` the count)."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape"
    sheet.oddHeader.left.text = title
    sheet.oddHeader.left.size = 10
    sheet.oddHeader.left.font = f"{font},Bold"
    sheet.oddFooter.left.text = f"Document maîtrisé — Réf. {reference} — Révision 1"
    sheet.oddFooter.left.size = 8
    sheet.oddFooter.right.text = "Page &P / &N"
    sheet.oddFooter.right.size = 8
