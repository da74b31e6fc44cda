"""A person's edit in a register opens the actions it calls for (indicator 32).

The register watcher hands over the rows a person typed or changed; the rules are those of
intake (:mod:`automation.improvement.opening`): a complaint given a corrective action, a
dropout validated with its analysis of causes, each opens one action, recorded like any row
(:func:`automation.pipeline.store.record`) and written at the next flush; the complaint's
« Mesure d'amélioration liée » is filled at the next write-back, if it is still empty.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from automation.clock import paris_naive
from automation.improvement.opening import link_back, openings, shared_origins
from automation.pipeline import store
from automation.pipeline.office import Office
from automation.records import CellValue, StoredRow
from automation.registers.binding import RegisterBinding
from automation.registers.schema import ABANDONS, RECLAMATIONS

log = logging.getLogger(__name__)

Values = Mapping[str, CellValue]


def open_after_edits(office: Office, binding: RegisterBinding, rows: Mapping[str, Values],
                     before: Mapping[str, Values], *, author: str) -> tuple[StoredRow, ...]:
    """Open the actions the rows a person typed or changed call for; the actions stored."""
    key = binding.key
    if key not in (RECLAMATIONS.key, ABANDONS.key) or not rows:
        return ()
    config = office.config
    now = office.clock.now()
    with office.journal.transaction():
        shared_origins(office, key, ((rid, values, before.get(rid))
                                     for rid, values in rows.items()), author=author, now=now)
    opened = openings(key, rows.items(), today=paris_naive(now).date(),
                      settings=config.improvement, calendar=config.deadlines.calendar())
    if not opened:
        return ()
    result = store.record(office, [o.record for o in opened],
                          origin=f"register:{binding.path.name}",
                          also=lambda r: link_back(office, opened, r.stored, pending=False,
                                                   now=now))
    if result.stored:
        log.info("%s: %d improvement action(s) opened: %s", binding.path.name,
                 len(result.stored), ", ".join(row.record_id for row in result.stored))
    return result.stored
