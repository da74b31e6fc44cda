"""Header row detection, column naming and routing to a register."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from automation.errors import HeaderMismatch, UnroutableFile
from automation.intake.headers import name_field, route, route_tables
from automation.intake.spreadsheet import make_table
from automation.intake.tables import Table
from automation.records import CellValue

COMPLAINT_HEADERS = ["Reçu le", "Canal", "Partie prenante", "Nom", "Nature", "Objet"]


def table(rows: Sequence[Sequence[CellValue]], sheet: str = "Feuil1") -> Table:
    return make_table(sheet, rows)


@pytest.mark.parametrize("header", [
    "Date de réception", "DATE DE RECEPTION", "  date   de   réception ", "Date de réception :",
    "Date de réception *", "Date de réception (jj/mm/aaaa)", "date_de_reception", "received_on",
    "Reçu le", "reçue le",
])
def test_header_variants_name_the_field(header: str) -> None:
    named = name_field(header, "reclamations")
    assert named is not None and named[0] == "received_on"


def test_header_row_below_title_and_blank_rows_is_found() -> None:
    rows: list[list[CellValue]] = [["Registre 2026"], ["Mis à jour le 03/03/2026"], [],
                                   COMPLAINT_HEADERS, ["02/03/2026", "Email", "Apprenant", "A",
                                                       "Réclamation", "B"]]
    match = route(table(rows), None)
    assert (match.register, match.header_line, match.routed_by_headers) == (
        "reclamations", 4, True)
    assert match.columns == {0: "received_on", 1: "channel", 2: "stakeholder", 3: "name",
                             4: "nature", 5: "subject"}


def test_unknown_columns_are_remembered_and_our_own_columns_ignored() -> None:
    headers = ["Erreurs à corriger", "Ligne d'origine", *COMPLAINT_HEADERS, "Téléphone", ""]
    match = route(table([headers]), "reclamations")
    assert match.ignored == (0, 1)
    assert match.unknown == {8: "Téléphone"}
    assert match.routed_by_headers is False


def test_the_exact_header_wins_over_a_synonym_for_the_same_field() -> None:
    headers = ["Nom", *COMPLAINT_HEADERS[:3], "Nom du déclarant", *COMPLAINT_HEADERS[4:]]
    match = route(table([headers]), "reclamations")
    assert match.columns[4] == "name"
    assert match.unknown == {0: "Nom"}


@pytest.mark.parametrize(("headers", "register"), [
    (COMPLAINT_HEADERS, "reclamations"),
    (["Demandé le", "Formation", "Début de la session", "Initiative", "Type"], "annulations"),
    (["Stagiaire", "Formation", "Absence constatée le", "Motif"], "abandons"),
    (["Horodateur", "Type d'enquête", "Formation", "Note globale", "Commentaires"],
     "satisfaction"),
])
def test_routing_by_headers_finds_each_register(headers: list[str], register: str) -> None:
    assert route(table([headers]), None).register == register


def test_no_register_fits_names_the_closest_and_its_missing_columns() -> None:
    with pytest.raises(UnroutableFile) as caught:
        route(table([["Date", "Nom", "Objet", "Remarque"]]), None)
    error = caught.value
    assert isinstance(error, HeaderMismatch)
    assert error.register == "reclamations"
    assert error.missing == ("Canal", "Partie prenante", "Nature")
    assert str(error) == (
        "Ce fichier ne correspond à aucun registre. Le plus proche est le registre des "
        "réclamations, difficultés et aléas, mais il manque les colonnes obligatoires : "
        "Canal, Partie prenante, Nature. Colonnes trouvées : « Date », « Nom », « Objet », "
        "« Remarque ». Ajoutez ou renommez ces colonnes, ou déposez le fichier dans le "
        "sous-dossier du registre voulu, puis déposez-le à nouveau.")


def test_hinted_register_missing_columns_are_named() -> None:
    with pytest.raises(HeaderMismatch) as caught:
        route(table([["Titre"], ["Répondu le", "Formation", "Commentaire"]]), "satisfaction")
    assert str(caught.value) == (
        "Il manque des colonnes obligatoires pour le registre des enquêtes de satisfaction : "
        "Enquête, Note globale. Colonnes trouvées : « Répondu le », « Formation », "
        "« Commentaire ». Ajoutez ces colonnes (ou renommez les en-têtes) puis déposez le "
        "fichier à nouveau.")
    assert caught.value.missing == ("Enquête", "Note globale")
    assert caught.value.found == ("Répondu le", "Formation", "Commentaire")


def test_header_row_is_searched_only_near_the_top() -> None:
    rows: list[list[CellValue]] = [[f"ligne {n}"] for n in range(1, 41)]
    rows.append(COMPLAINT_HEADERS)
    with pytest.raises(HeaderMismatch):
        route(table(rows), None)


def test_the_sheet_that_fits_best_is_chosen() -> None:
    lists = table([["Canal"], ["Email"], ["Courrier"]], sheet="Listes")
    data = table([COMPLAINT_HEADERS], sheet="Plaintes")
    assert route_tables([lists, data], None).sheet == "Plaintes"


def test_unknown_hint_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown register"):
        route(table([COMPLAINT_HEADERS]), "inconnu")
