"""Checks of the mail servers: the mailbox the office reads, the SMTP server it sends through."""

from __future__ import annotations

from automation.config import Config
from automation.doctor import Finding, ok, to_fix
from automation.errors import AutomationError
from automation.letters.smtp import SmtpSender
from automation.pipeline.mailbox import open_source


def mailbox(config: Config) -> list[Finding]:
    if config.mail.mail.source == "folder":
        return [ok("Boîte aux lettres", "aucune configurée : les courriels enregistrés dans "
                   f"{config.inbox_dir} sont lus")]
    try:
        source = open_source(config)
        if source is None:
            return []
        try:
            answer = source.check()
        finally:
            source.close()
    except AutomationError as exc:
        return [to_fix("Boîte aux lettres", f"{config.mail.mail.source} : {exc}",
                       "vérifiez [mail] dans automation.toml et le mot de passe "
                       "(automation mail check)")]
    return [ok("Boîte aux lettres", f"joignable et autorisée : {answer}")]


def smtp(config: Config) -> list[Finding]:
    settings = config.mail.smtp
    if not settings.host:
        return [ok("Envoi (SMTP)", "aucun serveur configuré : réponses en brouillon, pas de "
                   "rappel quotidien par courriel")]
    try:
        answer = SmtpSender.from_settings(settings).check()
    except AutomationError as exc:
        return [to_fix("Envoi (SMTP)", str(exc), "vérifiez [mail.smtp] dans automation.toml "
                       "et AUTOMATION_SMTP_PASSWORD")]
    return [ok("Envoi (SMTP)", f"joignable : {answer}")]
