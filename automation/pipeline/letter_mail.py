"""Letters that also go by mail when a mailbox is configured (the dropout procedure's step 1).

The prescriber is told of a learner's absence by letter *and* by mail. Whatever the mailbox
backend, the mail is either sent through ``[mail.smtp]`` (``letters.send = "send"``) or left
as a draft ``.eml`` beside the letter in ``outbox/``, which Outlook opens ready to send
(``letters.send = "draft"``, the default once a mailbox is configured).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Final

from automation.arrival import Source
from automation.errors import MailboxError
from automation.letters.catalog import LetterKind
from automation.pipeline.office import Office
from automation.records import StoredRow

log = logging.getLogger(__name__)

# Letter → the row's field holding the address it is mailed to.
MAILED: Final = {LetterKind.PRESCRIBER_ABSENCE: "prescriber_email"}


def mail_letter(office: Office, kind: LetterKind, row: StoredRow, letter: Path) -> str:
    """Send or draft the mail carrying ``letter``: "sent", "draft", or "" when none is due."""
    config = office.config
    field = MAILED.get(kind)
    address = str(row.values.get(field) or "").strip() if field else ""
    mailbox = Source(config.mail.mail.source) is not Source.FOLDER
    mode = config.letters.send_mode(mailbox=mailbox)
    if not address or not mailbox or mode == "none":
        return ""
    from automation.letters.smtp import SmtpSender, reply_message  # loaded when a mail is due

    learner = str(row.values.get("learner") or "")
    message = reply_message(
        from_address=config.mail.smtp.from_address or config.organisation.email
        or config.mail.imap.username,
        to=address, subject=f"{kind.heading} — {learner} ({row.record_id})",
        body=(f"Madame, Monsieur,\n\nVeuillez trouver ci-joint notre courrier concernant "
              f"{learner or 'votre stagiaire'} (réf. {row.record_id}).\n\n"
              f"{config.organisation.signatory}\n{config.organisation.name}\n"),
        attachment=letter, when=office.clock.now(), draft=mode != "send")
    if mode == "send" and config.mail.smtp.host:
        try:
            SmtpSender.from_settings(config.mail.smtp).send(message)
        except MailboxError as exc:
            log.error("%s: the mail to %s was not sent (%s); a draft is kept", row.record_id,
                      address, exc)
        else:
            return "sent"
    draft = letter.with_suffix(".eml")
    draft.write_bytes(message.as_bytes())
    return "draft"
