"""What ``purge`` does beyond the rows: the inbox's copies of old files.

A file the inbox kept (``processed/``…) goes once every row that came from it is past its
retention period; a file that also brought rows still kept is rewritten without the names
of the expired rows' people. A file that brought no row (refused, duplicate, unclassified)
goes once the year it was filed in is past the retention period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from automation.pipeline.office import Office
from automation.rgpd.plan import MentionTarget, RetentionTarget, RowKey
from automation.rgpd.scope import REWRITABLE, Scope, filed_files, origin_name


def with_old_files(office: Office, scope: Scope, target: RetentionTarget, *, years: int,
                   today: date) -> Scope:
    """``scope`` with the inbox copies the purge removes or rewrites."""
    origins = office.journal.row_origins()
    rows_by_name: dict[str, list[RowKey]] = defaultdict(list)
    for key, origin in origins.items():
        rows_by_name[origin_name(origin)].append(key)
    files = filed_files(office)
    remove: list[Path] = []
    rewrite: list[Path] = []
    scrubbers = []
    gone = set(scope.outbox) | {m.path for m in scope.mails}
    for path in files:
        if path in gone:
            continue
        keys = rows_by_name.get(path.name, [])
        if keys:
            expired = [k for k in keys if k in target.rows]
            if len(expired) == len(keys):
                remove.append(path)
            elif expired and path.suffix.lower() in REWRITABLE:
                rewrite.append(path)
                scrubbers.extend(s for k in expired for _, s in target.rows[k].scrubbers)
        elif datetime.fromtimestamp(path.stat().st_mtime).year + years < today.year:
            remove.append(path)
    return replace(scope, outbox=(*scope.outbox, *remove), copies=tuple(rewrite),
                   copies_target=MentionTarget(tuple(scrubbers)))
