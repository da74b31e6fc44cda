"""Print the Markdown table of every setting; ``--write`` puts it into README.md."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from automation.config import declared_settings

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"(<!-- settings:start[^\n]*-->\n).*?(<!-- settings:end -->)", re.DOTALL)


def table() -> str:
    lines = ["| setting | environment variable | default | meaning |", "| --- | --- | --- | --- |"]
    for info in declared_settings():
        default = repr(info.default) if info.default not in ("", [], {}) else "—"
        lines.append(f"| `{info.name}` | `{info.env}` | {default} | {info.help} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    if "--write" in sys.argv:
        text = README.read_text(encoding="utf-8")
        README.write_text(BLOCK.sub(lambda m: m.group(1) + table() + m.group(2), text),
                          encoding="utf-8")
    else:
        sys.stdout.write(table())


if __name__ == "__main__":
    main()
