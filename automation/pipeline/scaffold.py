"""``automation init``: a ready office folder, without ever overwriting a file."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from automation.clock import Clock
from automation.config import CONFIG_FILE, declared_settings, load_config
from automation.pipeline.inbox import MAIL_FOLDER
from automation.pipeline.sent import SENT_FOLDER
from automation.registers.schema import DEFAULT_REGISTERS
from automation.registers.workbook import create_register


def default_toml() -> str:
    """A commented ``automation.toml`` listing every setting with its default."""
    lines = ["# Configuration de l'outil — every line is optional: remove the # to change it.",
             "# Environment variables AUTOMATION_<SECTION>_<KEY> override this file.", ""]
    section = ""
    for info in declared_settings():
        name, key = info.name.rsplit(".", 1)
        if name != section:
            section = name
            lines += ["", f"[{section}]"]
        lines.append(f"# {info.help}")
        lines.append(f"# {key} = {_toml_value(info.default)}")
    return "\n".join(lines).lstrip() + "\n"


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list | dict) and not value:
        return "[]" if isinstance(value, list) else "{}"
    return str(value)


def init_office(root: Path, *, clock: Clock) -> list[Path]:
    """Create what is missing in ``root``; return the paths created."""
    created: list[Path] = []
    root.mkdir(parents=True, exist_ok=True)
    config_path = root / CONFIG_FILE
    if not config_path.exists():
        config_path.write_text(default_toml(), encoding="utf-8")
        created.append(config_path)
    config = load_config(root)
    for folder in (config.inbox_dir, *(config.inbox_dir / s.key for s in DEFAULT_REGISTERS),
                   config.inbox_dir / MAIL_FOLDER, config.registers_dir, config.templates_dir,
                   config.outbox_dir / SENT_FOLDER):
        if not folder.exists():
            folder.mkdir(parents=True)
            created.append(folder)
    for binding in config.bindings():
        if not binding.path.exists():
            created.append(create_register(binding, today=clock.now().date()))
    defaults = resources.files("automation") / "defaults"
    for entry in defaults.iterdir():
        if entry.name.endswith((".docx", ".md")):
            target = config.templates_dir / entry.name
            if not target.exists():
                with resources.as_file(entry) as source:
                    shutil.copyfile(source, target)
                created.append(target)
    return created
