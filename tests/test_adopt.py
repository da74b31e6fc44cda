"""Adopting an office's own register: header found, columns mapped, mapping recorded."""

from __future__ import annotations

import tomllib
from pathlib import Path

import openpyxl
import pytest

from automation.config import load_config
from automation.errors import ConfigError, RegisterError
from automation.registers.adopt import adopt_register, mapping_rows
from automation.registers.adoption_record import adoption_toml, record_adoption
from automation.registers.headers import match_headers
from automation.registers.schema import ABANDONS, RECLAMATIONS

DATA = Path(__file__).resolve().parent / "data"
FIXTURE = DATA / "reg-office-reclamations.xlsx"


def workbook_with(path: Path, rows: list[list[object]], *, title: str = "Feuil1") -> Path:
    workbook = openpyxl.Workbook()
    workbook.active.title = title
    for row in rows:
        workbook.active.append(row)
    workbook.save(path)
    return path


def test_office_headers_are_mapped_with_synonyms_and_accents() -> None:
    adoption = adopt_register(FIXTURE, "reclamations", sheet=None)
    assert adoption.sheet == "Registre"
    assert adoption.header_row == 5
    assert adoption.mapping == {
        "id": "N°", "received_on": "Reçu le", "channel": "Canal",
        "stakeholder": "Type de déclarant", "name": "Nom", "email": "E-mail",
        "training": "Formation", "nature": "Nature", "subject": "Objet",
        "description": "Description", "status": "Statut", "responded_on": "Date de réponse",
        "source": "Source"}
    assert adoption.extra == ("Délai (jours)", "Retard", "Suivi qualité")
    # what the tool records and this workbook has no column for: added, or refused
    assert adoption.without_column == ("category", "severity", "acknowledged_on", "owner",
                                       "notes", "imported_at")
    assert not adoption.complete
    assert adoption.lists["status"] == ("Nouvelle", "En cours", "Résolue", "Close")
    assert adoption.values["status"]["Accusé envoyé"] == "En cours"
    assert "Sans suite" not in adoption.values["status"]  # nothing stands for it: as is
    assert adoption.ids is None and adoption.next_id == "REC-2026-0013"  # our own scheme


def test_case_accents_and_spacing_do_not_matter() -> None:
    headers = ["  DATE DE RECEPTION ", "nom-du-déclarant", "OBJET", "n°"]
    assert match_headers(RECLAMATIONS, headers) == {
        "id": "n°", "received_on": "  DATE DE RECEPTION ", "name": "nom-du-déclarant",
        "subject": "OBJET"}


def test_a_field_own_header_wins_over_another_field_synonym() -> None:
    # "Date" is a synonym of absence_noted_on; "Début" is the header of start.
    mapping = match_headers(ABANDONS, ["Date", "Début", "Apprenant", "Formation"])
    assert mapping["start"] == "Début"
    assert mapping["absence_noted_on"] == "Date"


def test_missing_required_fields_are_named_with_the_closest_headers(tmp_path: Path) -> None:
    path = workbook_with(tmp_path / "plaintes.xlsx", [
        ["Suivi des plaintes 2026"], [],
        ["Numéro", "Date récept.", "Canal", "Partie prenante", "Nom", "Nature", "Objets",
         "Commentaire"]])
    adoption = adopt_register(path, "reclamations", sheet=None)
    assert adoption.header_row == 3
    assert not adoption.complete
    missing = {m.key: m.closest for m in adoption.missing}
    assert set(missing) == {"received_on", "subject"}
    assert missing["received_on"][0] == "Date récept."
    assert missing["subject"][0] == "Objets"
    table = mapping_rows(adoption)
    assert ("subject", "Objet *", "MANQUANT — proches : « Objets »") in table
    assert ("", "", "Commentaire (colonne de l'organisme, laissée telle quelle)") in table


def test_the_best_matching_sheet_is_chosen_unless_one_is_named(tmp_path: Path) -> None:
    path = tmp_path / "classeur.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["Nom", "Commentaire"])
    register = workbook.create_sheet("Plaintes")
    register.append(["N°", "Date de réception", "Nom du déclarant", "Objet"])
    workbook.save(path)
    assert adopt_register(path, "reclamations", sheet=None).sheet == "Plaintes"
    assert adopt_register(path, "reclamations", sheet="notes").sheet == "Notes"
    with pytest.raises(RegisterError, match=r"« Registre » .*« Notes », « Plaintes »"):
        adopt_register(path, "reclamations", sheet="Registre")


def test_only_xlsx_and_xlsm_can_be_adopted(tmp_path: Path) -> None:
    path = tmp_path / "ancien.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(RegisterError, match=r"\.xlsx et \.xlsm"):
        adopt_register(path, "reclamations", sheet=None)
    with pytest.raises(ConfigError, match="registre inconnu"):
        adopt_register(FIXTURE, "plaintes", sheet=None)


def test_sheet_without_any_known_header_is_refused(tmp_path: Path) -> None:
    path = workbook_with(tmp_path / "autre.xlsx", [["Article", "Prix"], ["Stylo", 2]])
    with pytest.raises(RegisterError, match="aucune ligne d'en-têtes"):
        adopt_register(path, "reclamations", sheet=None)


def test_adoption_is_recorded_in_automation_toml_keeping_the_rest(tmp_path: Path) -> None:
    registers = tmp_path / "registers"
    registers.mkdir()
    workbook = registers / "Registre qualité.xlsx"
    workbook.write_bytes(FIXTURE.read_bytes())
    config = tmp_path / "automation.toml"
    config.write_text(
        "# Configuration de l'organisme\n[organisation]\nname = \"Form'Action\"  # raison sociale\n"
        "\n[registers.reclamations]\nfile = \"ancien.xlsx\"\n\n"
        "[registers.reclamations.columns]\nname = \"Déclarant\"\n\n"
        "# Dossiers\n[paths]\ninbox = \"depot\"\n", encoding="utf-8")
    adoption = adopt_register(workbook, "reclamations", sheet=None)
    record_adoption(config, adoption, registers_dir=registers)
    text = config.read_text(encoding="utf-8")
    assert text.startswith("# Configuration de l'organisme\n[organisation]\n"
                           "name = \"Form'Action\"  # raison sociale\n")
    assert "# Dossiers\n[paths]\ninbox = \"depot\"\n" in text
    assert "ancien.xlsx" not in text
    record_adoption(config, adoption, registers_dir=registers)  # again: same file
    assert config.read_text(encoding="utf-8") == text

    loaded = load_config(tmp_path, environ={})
    binding = loaded.binding("reclamations")
    assert binding.path == registers / "Registre qualité.xlsx"
    assert binding.sheet_name == "Registre"
    assert binding.adopted
    assert binding.header_of("received_on") == "Reçu le"
    assert binding.header_of("category") == "Catégorie"  # not in their workbook: not written
    assert loaded.paths.inbox == "depot"


def test_adoption_toml_is_valid_toml_with_quotes_in_headers(tmp_path: Path) -> None:
    path = workbook_with(tmp_path / "q.xlsx", [["N°", 'Objet "court"', "Date de réception"]])
    adoption = adopt_register(path, "reclamations", sheet=None)
    parsed = tomllib.loads(adoption_toml(adoption))
    assert parsed["registers"]["reclamations"]["columns"]["id"] == "N°"
    assert parsed["registers"]["reclamations"]["file"] == path.as_posix()


def test_inline_register_setting_is_not_silently_duplicated(tmp_path: Path) -> None:
    config = tmp_path / "automation.toml"
    config.write_text('[registers]\nreclamations = { file = "x.xlsx" }\n', encoding="utf-8")
    adoption = adopt_register(FIXTURE, "reclamations", sheet=None)
    with pytest.raises(ConfigError, match="écrit sur une ligne"):
        record_adoption(config, adoption, registers_dir=tmp_path)
    assert config.read_text(encoding="utf-8") == '[registers]\nreclamations = { file = "x.xlsx" }\n'
