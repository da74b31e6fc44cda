"""Print the French public holidays table the package ships; ``--write`` writes it.

The table (``automation/deadlines/french_holidays.json``) holds what the ``holidays`` library
gives for metropolitan France and for Alsace-Moselle over the years
:data:`~automation.deadlines.workdays.SHIPPED_YEARS`, so that counting working days does not
import the library (see :mod:`automation.deadlines.workdays`). Write it again after upgrading
the library: a test compares the two.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import holidays

from automation.deadlines.workdays import (
    HOLIDAYS_TABLE,
    SHIPPED_YEARS,
    SUBDIVISIONS,
    library_holidays,
)

TABLE = Path(__file__).resolve().parent.parent / "automation" / "deadlines" / HOLIDAYS_TABLE


def table() -> str:
    codes = ["", *sorted(set(SUBDIVISIONS.values()))]
    days = {code: [day.isoformat() for year in SHIPPED_YEARS
                   for day in sorted(library_holidays(year, code or None))]
            for code in codes}
    document = {"source": f"holidays {holidays.__version__}, country FR",
                "years": [SHIPPED_YEARS.start, SHIPPED_YEARS.stop - 1], "days": days}
    return json.dumps(document, indent=0) + "\n"


def main() -> None:
    if "--write" in sys.argv:
        TABLE.write_text(table(), encoding="utf-8")
    else:
        sys.stdout.write(table())


if __name__ == "__main__":
    main()
