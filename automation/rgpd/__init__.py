"""Personal data kept no longer than needed (RGPD): export, anonymise, purge.

``automation rgpd export NAME`` gathers what the office holds about a person (right of
access); ``anonymise NAME`` replaces them by a stable pseudonym everywhere the tool keeps
data — registers, their ``Journal`` sheet and backups, the journal, the letter index — and
removes their letters, drafts, attachments and saved mails; ``purge`` does the same for
every row past ``[rgpd] retention_years``.

* :mod:`.person` — who a request is about; finding and replacing their mentions;
* :mod:`.fields` — where personal data sits in each register, which date starts retention;
* :mod:`.plan` — what an erasure changes in a row, a text, a journal entry;
* :mod:`.targets` — one person, or the rows past retention;
* :mod:`.scope` — everything a request touches, found before anything changes;
* :mod:`.workbook`, :mod:`.files` — rewriting workbooks (XML level) and kept copies;
* :mod:`.erase` — carrying a scope out; :mod:`.retention` — the purge's old copies;
* :mod:`.export` — the right-of-access archive; :mod:`.requests` — the three requests.

This package imports nothing at its top: :mod:`automation.config` reads :mod:`.config`.
"""
