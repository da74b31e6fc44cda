"""One French line in the log for what became of each file and each mail.

:func:`log_file` and :func:`log_mail` write it, with the technical detail (paths, counts,
ids) below in English, as :mod:`automation.logs` lays entries out. The watcher, ``ingest`` and
the mailbox call them once per file and per mail.
"""

from __future__ import annotations

import logging

from automation.logs import detail
from automation.pipeline.report import Report

log = logging.getLogger(__name__)


def file_line(report: Report) -> str:
    """« plaintes.xlsx : 3 ligne(s) ajoutée(s) à reclamations, 1 refusée(s) → processed/ »."""
    name = report.name
    filed = f" ; classé dans {report.filed_to.parent.name}/" if report.filed_to else ""
    if report.message and not report.accepted:
        return f"{name} : {report.message}{filed}"
    parts = [f"{report.accepted} ligne(s) ajoutée(s) à {report.register or '—'}"]
    if report.rejected:
        parts.append(f"{report.rejected} refusée(s) (copie à corriger : "
                     f"{report.rejection_copy.name if report.rejection_copy else '—'})")
    if report.duplicates:
        parts.append(f"{report.duplicates} déjà présente(s)")
    if report.letters:
        parts.append(f"{len(report.letters)} courrier(s) écrit(s)")
    if report.waiting:
        parts.append(f"en attente : {report.waiting}")
    return f"{name} : {', '.join(parts)}{filed}"


def log_file(report: Report) -> None:
    level = logging.INFO if report.ok else logging.WARNING
    log.log(level, "%s", file_line(report), extra=detail(
        file=report.path or report.place, register=report.register, accepted=report.accepted,
        rejected=report.rejected, duplicates=report.duplicates, filed_to=report.filed_to,
        rejection_copy=report.rejection_copy,
        letters=", ".join(str(p) for p in report.letters)))


def mail_line(report: Report) -> str:
    """« courriel « Retard du formateur » : ligne REC-2026-0004 (reclamations), brouillon »."""
    subject = f"courriel « {report.subject or 'sans objet'} »"
    if report.left_for_a_person:
        return f"{subject} : laissé pour une personne — {report.left_for_a_person}"
    if report.duplicate:
        return f"{subject} : déjà enregistré ({report.record_id or '—'})"
    answer = {"draft": ", réponse en brouillon", "sent": ", réponse envoyée"}.get(
        report.answered, "")
    read = [child for child in report.attachments if child.accepted or child.duplicates]
    extra = f", {len(read)} tableau(x) joint(s) lu(s)" if read else ""
    kept = f", {len(report.kept)} pièce(s) jointe(s) conservée(s)" if report.kept else ""
    return (f"{subject} : ligne {report.record_id or '—'} ajoutée à {report.register or '—'}"
            f"{answer}{extra}{kept}")


def log_mail(report: Report) -> None:
    level = logging.WARNING if report.unreadable else logging.INFO
    log.log(level, "%s", mail_line(report), extra=detail(
        place=report.place, register=report.register, record_id=report.record_id,
        rule=report.rule, answered=report.answered,
        attachments=", ".join(child.name for child in report.attachments),
        kept=", ".join(str(p) for p in report.kept)))
