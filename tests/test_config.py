from __future__ import annotations

from pathlib import Path

import pytest

from automation.config import Config, declared_settings, load_config
from automation.errors import ConfigError
from automation.pipeline.scaffold import default_toml

REPO = Path(__file__).resolve().parent.parent


def test_everything_works_on_defaults_without_a_file(tmp_path: Path) -> None:
    config = load_config(tmp_path, environ={})
    assert config.inbox_dir == tmp_path.resolve() / "inbox"
    assert config.binding("reclamations").path.name == "reclamations.xlsx"
    assert config.watch.settle_seconds > 0


def test_file_values_are_read_and_environment_wins(tmp_path: Path) -> None:
    (tmp_path / "automation.toml").write_text(
        '[organisation]\nname = "Formations du Sud"\ncity = "Nice"\n[watch]\nsettle_seconds = 5\n',
        encoding="utf-8")
    config = load_config(tmp_path, environ={"AUTOMATION_ORGANISATION_CITY": "Lyon"})
    assert config.organisation.name == "Formations du Sud"
    assert config.organisation.city == "Lyon"
    assert config.watch.settle_seconds == 5.0


@pytest.mark.parametrize(("toml", "named"), [
    ("[watch]\nsettle_seconds = \"vite\"\n", "watch.settle_seconds"),
    ("[watch]\nsettle = 3\n", "watch.settle"),
    ("[organisaton]\nname = \"x\"\n", "organisaton"),
    ("[registers.reclamations]\ncolumns = { nom = \"Nom\" }\n", "nom"),
])
def test_a_bad_setting_stops_the_start_and_is_named(tmp_path: Path, toml: str, named: str) -> None:
    (tmp_path / "automation.toml").write_text(toml, encoding="utf-8")
    with pytest.raises(ConfigError, match=named):
        load_config(tmp_path, environ={})


def test_a_bad_environment_value_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="AUTOMATION_INTAKE_MAX_ROWS"):
        load_config(tmp_path, environ={"AUTOMATION_INTAKE_MAX_ROWS": "beaucoup"})


def test_register_overrides_name_the_office_columns(tmp_path: Path) -> None:
    (tmp_path / "automation.toml").write_text(
        '[registers.reclamations]\nfile = "Registre 2026.xlsx"\nsheet = "Suivi"\n'
        'columns = { name = "Client" }\n', encoding="utf-8")
    binding = load_config(tmp_path, environ={}).binding("reclamations")
    assert binding.path.name == "Registre 2026.xlsx"
    assert binding.sheet_name == "Suivi"
    assert binding.header_of("name") == "Client"
    assert binding.header_of("email") == "Email"


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    missing = [s.name for s in declared_settings() if f"`{s.name}`" not in readme]
    assert missing == []


def test_the_generated_default_file_loads_to_the_defaults(tmp_path: Path) -> None:
    (tmp_path / "automation.toml").write_text(default_toml(), encoding="utf-8")
    assert load_config(tmp_path, environ={}) == Config(root=tmp_path.resolve())
