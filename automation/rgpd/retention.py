"""What ``purge`` does beyond the rows: the inbox's copies of old files.

A file the inbox kept (``processed/``…) goes once every row that came from it is past its
retention period; a file that also brought rows still kept stays, rewritten like any copy
(the people named only in expired rows are replaced by their pseudonym). A file that
brought no row (refused, duplicate, unclassified) goes once the year it was filed in is past
the retention period.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from automation.pipeline.office import Office
from automation.rgpd.plan import RetentionTarget, RowKey
from automation.rgpd.scope import Scope, filed_files, origin_name


def with_old_files(office: Office, scope: Scope, target: RetentionTarget, *, years: int,
                   today: date) -> Scope:
    """``scope`` with the inbox copies the purge removes or rewrites."""
    origins = office.journal.row_origins()
    rows_by_name: dict[str, list[RowKey]] = defaultdict(list)
    for key, origin in origins.items():
        rows_by_name[origin_name(origin)].append(key)
    files = filed_files(office)
    remove: list[Path] = []
    gone = set(scope.outbox) | {m.path for m in scope.mails}
    for path in files:
        if path in gone:
            continue
        keys = rows_by_name.get(path.name, [])
        if keys:
            if all(k in target.rows for k in keys):
                remove.append(path)
        elif datetime.fromtimestamp(path.stat().st_mtime).year + years < today.year:
            remove.append(path)
    return replace(scope, outbox=(*scope.outbox, *remove),
                   copies=tuple(p for p in scope.copies if p not in remove))
