"""Print the Markdown table of every setting, for the README's configuration section."""

from __future__ import annotations

from automation.config import declared_settings


def main() -> None:
    print("| setting | environment variable | default | meaning |")
    print("| --- | --- | --- | --- |")
    for info in declared_settings():
        default = repr(info.default) if info.default not in ("", [], {}) else "—"
        print(f"| `{info.name}` | `{info.env}` | {default} | {info.help} |")


if __name__ == "__main__":
    main()
