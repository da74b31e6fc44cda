"""Actions and their origins, both ways: what each action names, and what names it.

An action names its origins in « Références d'origine » (REC-, ABD-, SAT- ids…); a complaint
names its action in « Mesure d'amélioration liée »; a person may link several complaints to one
action by writing its ACT- id. The pack shows each action with both, and says when one side is
missing (an id that names an action the register does not hold, an origin that does not name
the action back).
"""

from __future__ import annotations

import re
from collections import defaultdict
from typing import Final

from automation.audit.gather import AuditData
from automation.improvement.opening import action_ids
from automation.registers.schema import ACTIONS, RECLAMATIONS

RECORD_ID: Final = re.compile(r"\b[A-Z]{3}-\d{4}-\d{3,}\b")


def action_links(data: AuditData) -> list[dict[str, str]]:
    """One row per action of the period, plus one per unknown ACT- id a complaint names."""
    actions = data.register(ACTIONS.key)
    known = {rid for rid, _ in actions.rows}
    named_by: dict[str, list[str]] = defaultdict(list)
    for rid, values in data.register(RECLAMATIONS.key).rows:
        for act in action_ids(values.get("improvement_ref")):
            named_by[act].append(rid)
    rows: list[dict[str, str]] = []
    for act, values in actions.in_period:
        origins = RECORD_ID.findall(str(values.get("origin_ids") or ""))
        naming = named_by.get(act, [])
        complaints = [o for o in origins if o.startswith("REC-")]
        one_way = [o for o in complaints if o not in naming]
        extra = [n for n in naming if n not in origins]
        notes = []
        if one_way:
            notes.append(f"{', '.join(one_way)} ne renvoie pas à l'action")
        if extra:
            notes.append(f"origine ajoutée par {', '.join(extra)}")
        rows.append({"action": act, "origin": str(values.get("origin") or ""),
                     "origins": ", ".join(origins) or "—",
                     "named_by": ", ".join(naming) or "—",
                     "check": " ; ".join(notes) or "liée dans les deux sens"
                     if complaints or naming else "origine hors réclamations"})
    for act in sorted(set(named_by) - known):
        rows.append({"action": act, "origin": "", "origins": "—",
                     "named_by": ", ".join(named_by[act]),
                     "check": "action absente du registre des actions"})
    return rows
