"""Reading cell values the way French office staff type them."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.intake import values as values_module
from automation.intake.values import InvalidValue, parse_value
from automation.records import CellValue
from automation.registers.schema import ABANDONS, ANNULATIONS, RECLAMATIONS, SATISFACTION, Field
from automation.text import EXCEL_CELL_LIMIT

RECEIVED = RECLAMATIONS.field("received_on")
REQUESTED = ANNULATIONS.field("requested_on")
CHANNEL = RECLAMATIONS.field("channel")
SUBJECT = RECLAMATIONS.field("subject")
DESCRIPTION = RECLAMATIONS.field("description")
EMAIL = RECLAMATIONS.field("email")
OVERALL = SATISFACTION.field("overall")
NPS = SATISFACTION.field("nps")
HOURS = ABANDONS.field("hours_done")
MEDIATION = RECLAMATIONS.field("mediation")


def reason(field: Field, raw: CellValue) -> str:
    with pytest.raises(InvalidValue) as caught:
        parse_value(field, raw)
    return str(caught.value)


@pytest.mark.parametrize("raw", [
    "12/03/2026", "12/03/26", "12-03-2026", "12.03.2026", "12 mars 2026", "12 MARS 2026",
    "jeudi 12 mars 2026", "2026-03-12", "2026/03/12", date(2026, 3, 12),
    datetime(2026, 3, 12, 15, 45), 46093, 46093.0, "46093", "12/03/2026 14:30",
    " 12/03/2026 ",
])
def test_dates_in_french_iso_excel_forms(raw: CellValue) -> None:
    assert parse_value(RECEIVED, raw) == date(2026, 3, 12)


def test_first_of_the_month_and_abbreviated_months() -> None:
    assert parse_value(RECEIVED, "1er mars 2026") == date(2026, 3, 1)
    assert parse_value(RECEIVED, "3 févr. 2026") == date(2026, 2, 3)
    assert parse_value(RECEIVED, "15 août 2026") == date(2026, 8, 15)
    assert parse_value(RECEIVED, "5 déc 26") == date(2026, 12, 5)


def test_impossible_date_is_named_as_such() -> None:
    assert reason(RECEIVED, "31/02/2026") == "Date de réception « 31/02/2026 » n'existe pas."


def test_day_and_month_without_a_year_is_refused() -> None:
    assert reason(RECEIVED, "12 mars") == (
        "Date de réception « 12 mars » : l'année manque (exemple attendu : 12/03/2026).")
    assert "l'année manque" in reason(RECEIVED, "12/03")


def test_text_that_is_no_date() -> None:
    assert reason(RECEIVED, "la semaine dernière") == (
        "Date de réception « la semaine dernière » n'est pas une date reconnue "
        "(exemple attendu : 12/03/2026).")
    assert "n'est pas une date reconnue" in reason(RECEIVED, 12)  # not a plausible serial


@pytest.mark.parametrize(("raw", "expected"), [
    ("12/03/2026 14:30", datetime(2026, 3, 12, 14, 30)),
    ("12/03/2026 14h30", datetime(2026, 3, 12, 14, 30)),
    ("12/03/2026 14 h 30", datetime(2026, 3, 12, 14, 30)),
    ("12/03/2026 à 9h", datetime(2026, 3, 12, 9, 0)),
    ("12 mars 2026 14:30:15", datetime(2026, 3, 12, 14, 30, 15)),
    ("2026-03-12T14:30", datetime(2026, 3, 12, 14, 30)),
    ("2026-03-12T13:30:00Z", datetime(2026, 3, 12, 14, 30)),  # UTC → Paris (winter)
    ("2026-07-12T12:30:00+00:00", datetime(2026, 7, 12, 14, 30)),  # UTC → Paris (summer)
    ("12/03/2026", datetime(2026, 3, 12)),
    (date(2026, 3, 12), datetime(2026, 3, 12)),
    (datetime(2026, 3, 12, 14, 30, 0, 500), datetime(2026, 3, 12, 14, 30)),
    (46093.5, datetime(2026, 3, 12, 12, 0)),
])
def test_datetimes(raw: CellValue, expected: datetime) -> None:
    assert parse_value(REQUESTED, raw) == expected


def test_impossible_time_is_refused() -> None:
    assert reason(REQUESTED, "12/03/2026 25:00") == (
        "Date de la demande « 12/03/2026 25:00 » : l'heure n'existe pas "
        "(exemple attendu : 14:30).")


@pytest.mark.parametrize(("raw", "expected"), [
    ("Email", "Email"), ("email", "Email"), ("E-mail", "Email"), ("mail", "Email"),
    ("courriel", "Email"), ("TÉLÉPHONE", "Téléphone"), ("tel", "Téléphone"),
    ("courrier", "Courrier"), ("enquete de satisfaction", "Enquête de satisfaction"),
    ("Formul", "Formulaire"),
])
def test_channel_choices(raw: str, expected: str) -> None:
    assert parse_value(CHANNEL, raw) == expected


@pytest.mark.parametrize(("raw", "expected"), [
    ("oui", "Oui"), ("O", "Oui"), ("yes", "Oui"), ("x", "Oui"), ("1", "Oui"), (1.0, "Oui"),
    ("VRAI", "Oui"), ("non", "Non"), ("n", "Non"), ("0", "Non"), ("faux", "Non"),
])
def test_yes_no_aliases(raw: CellValue, expected: str) -> None:
    assert parse_value(MEDIATION, raw) == expected


def test_other_aliases() -> None:
    assert parse_value(RECLAMATIONS.field("nature"), "reclamation") == "Réclamation"
    assert parse_value(RECLAMATIONS.field("stakeholder"), "stagiaire") == "Apprenant"
    assert parse_value(SATISFACTION.field("survey"), "a chaud") == "À chaud"
    assert parse_value(ANNULATIONS.field("initiator"), "entreprise") == "Entreprise / financeur"


def test_unknown_choice_lists_the_allowed_values() -> None:
    assert reason(CHANNEL, "Fax") == (
        "Canal « Fax » n'est pas une valeur possible. Valeurs possibles : Email, Courrier, "
        "Téléphone, Formulaire, Enquête de satisfaction, Oral, Autre.")
    assert "n'est pas une valeur possible" in reason(ANNULATIONS.field("motive"), "Annulation")


@pytest.mark.parametrize(("raw", "expected"), [
    (" Jean.Dupont@Exemple.FR ", "Jean.Dupont@exemple.fr"),
    ("Jean Dupont <jean@exemple.fr>", "jean@exemple.fr"),
    ("mailto:jean@exemple.fr", "jean@exemple.fr"),
])
def test_emails(raw: str, expected: str) -> None:
    assert parse_value(EMAIL, raw) == expected


@pytest.mark.parametrize("raw", ["jean", "jean@", "jean@exemple", "a b@exemple.fr",
                                 "jean..d@exemple.fr", "a@b.fr; c@d.fr"])
def test_invalid_emails(raw: str) -> None:
    assert reason(EMAIL, raw).endswith("n'est pas une adresse e-mail valide.")


@pytest.mark.parametrize(("raw", "expected"), [("4", 4), (4.0, 4), ("4/5", 4), ("4,0", 4),
                                               (5, 5), (" 1 ", 1)])
def test_scores(raw: CellValue, expected: int) -> None:
    assert parse_value(OVERALL, raw) == expected


@pytest.mark.parametrize("raw", ["0", "6", "4,5", "8/10", "bien", 4.5])
def test_invalid_scores(raw: CellValue) -> None:
    assert reason(OVERALL, raw).endswith("doit être un nombre entier de 1 à 5.")


def test_nps_bounds() -> None:
    assert parse_value(NPS, "0") == 0 and parse_value(NPS, "10/10") == 10
    assert "de 0 à 10" in reason(NPS, "11")


@pytest.mark.parametrize(("raw", "expected"), [
    ("3,5", 3.5), ("3.5", 3.5), (3.0, 3), ("7", 7), ("1 234,5", 1234.5), ("1\u202f234", 1234),
    ("7h30", 7.5), ("7 h", 7), ("7:30", 7.5), (10.25, 10.25),
])
def test_numbers(raw: CellValue, expected: float) -> None:
    value = parse_value(HOURS, raw)
    assert value == expected and type(value) is type(expected)


def test_invalid_number() -> None:
    assert reason(HOURS, "deux") == (
        "Heures réalisées « deux » n'est pas un nombre (exemple attendu : 3,5).")


def test_text_fields_keep_formula_like_text_and_all_digits() -> None:
    assert parse_value(SUBJECT, "=1+1") == "=1+1"
    assert parse_value(SUBJECT, "+33 6 12") == "+33 6 12"
    assert parse_value(SUBJECT, "@moi") == "@moi"
    assert parse_value(SUBJECT, "-5 %") == "-5 %"
    assert parse_value(SUBJECT, 12345678901234.0) == "12345678901234"
    assert parse_value(SUBJECT, 42) == "42"
    assert parse_value(SUBJECT, "  deux   mots\n ici ") == "deux mots ici"
    assert parse_value(SUBJECT, date(2026, 3, 12)) == "12/03/2026"
    assert parse_value(SUBJECT, "   ") is None
    assert parse_value(SUBJECT, None) is None


def test_long_text_keeps_its_lines() -> None:
    assert parse_value(DESCRIPTION, "  Ligne 1\r\nLigne 2\x07  ") == "Ligne 1\nLigne 2"


@given(st.text())
def test_any_text_through_a_text_field_is_safe_for_a_cell(text: str) -> None:
    for field in (SUBJECT, DESCRIPTION):
        value = parse_value(field, text)
        assert value is None or isinstance(value, str)
        if isinstance(value, str):
            assert len(value) <= EXCEL_CELL_LIMIT
            assert not any(ord(c) < 32 and c not in "\t\n" for c in value)
            assert not any(0xD800 <= ord(c) <= 0xDFFF for c in value)
            assert value == value.strip()


@given(st.text(min_size=1, max_size=20), st.integers(min_value=1_600, max_value=40_000))
def test_any_long_text_fits_in_a_cell(piece: str, times: int) -> None:
    for field in (SUBJECT, DESCRIPTION):
        value = parse_value(field, piece * times)
        assert value is None or len(str(value)) <= EXCEL_CELL_LIMIT


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2099, 12, 31)))
def test_any_date_written_the_french_way_reads_back(day: date) -> None:
    assert parse_value(RECEIVED, day.strftime("%d/%m/%Y")) == day
    serial = (day - date(1899, 12, 30)).days
    assert parse_value(RECEIVED, serial) == day
    assert parse_value(REQUESTED, day.isoformat() + "T08:05") == datetime.combine(
        day, datetime.min.time()) + timedelta(hours=8, minutes=5)


@given(st.text(alphabet=st.characters(max_codepoint=0x7F)) | st.text())
def test_a_date_text_is_compared_decomposed_and_case_folded_ascii_or_not(text: str) -> None:
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    assert values_module._ascii(text) == " ".join(plain.split())
