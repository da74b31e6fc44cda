"""Survey exports read by intake: tools recognised, questions mapped, scales by written rules."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from automation.errors import HeaderMismatch
from automation.intake.answers import Scale, parse_scale, scale_of
from automation.intake.config import Intake
from automation.intake.forms import FormEntry, question_field
from automation.intake.headers import route
from automation.intake.spreadsheet import read_spreadsheet
from automation.intake.tables import Row, SpreadsheetIntake, Table
from automation.intake.values import InvalidValue, parse_moment

from .conftest import DATA


def sample(prefix: str) -> Path:
    return next(DATA.glob(f"drop-survey-{prefix} *"))


def read(prefix: str, *, hint: str | None = None,
         forms: tuple[FormEntry, ...] = ()) -> SpreadsheetIntake:
    path = sample(prefix)
    return read_spreadsheet(path.name, path.read_bytes(), hint=hint, limits=Intake(),
                            source_name=path.name,
                            forms=forms)


def table(rows: list[list[object]]) -> Table:
    return Table("Feuille1", tuple(Row(n, tuple(r)) for n, r in enumerate(rows, start=1)))


@pytest.mark.parametrize(("text", "expected"), [
    ("2026/03/12 10:15:32 UTC+1", datetime(2026, 3, 12, 10, 15, 32,
                                           tzinfo=timezone(timedelta(hours=1)))),
    ("2020/10/30 3:08:44 PM GMT+1", datetime(2020, 10, 30, 15, 8, 44,
                                             tzinfo=timezone(timedelta(hours=1)))),
    ("2018/01/22 12:49:23 AM UTC+1", datetime(2018, 1, 22, 0, 49, 23,
                                              tzinfo=timezone(timedelta(hours=1)))),
    ("2026/07/12 23:30:00 GMT-05:30", datetime(2026, 7, 12, 23, 30,
                                               tzinfo=timezone(-timedelta(hours=5, minutes=30)))),
    ("2026-06-14 22:30:05 UTC", datetime(2026, 6, 14, 22, 30, 5, tzinfo=UTC)),
])
def test_google_forms_timestamps_are_read_with_their_zone(text: str, expected: datetime) -> None:
    assert parse_moment(text) == expected


def test_american_dates_are_read_month_first_only_when_asked() -> None:
    assert parse_moment("3/12/2026 10:15:32") == datetime(2026, 12, 3, 10, 15, 32)
    assert parse_moment("3/12/2026 10:15:32", month_first=True) == datetime(2026, 3, 12, 10,
                                                                              15, 32)


@pytest.mark.parametrize(("scale", "answers"), [
    (Scale(1, 10), {10: 5, 9: 5, 8: 4, 7: 4, 6: 3, 5: 3, 4: 2, 3: 2, 2: 1, 1: 1}),
    (Scale(0, 10), {10: 5, 5: 3, 0: 1}),
    (Scale(1, 4), {1: 1, 2: 2, 3: 4, 4: 5}),
    (Scale(1, 5), {1: 1, 3: 3, 5: 5}),
    (Scale(0, 10, nps=True), {0: 0, 6: 6, 10: 10}),
])
def test_scores_are_brought_to_one_to_five_by_the_written_rule(scale: Scale,
                                                               answers: dict[int, int]) -> None:
    assert {given: scale.score("Note", given) for given in answers} == answers


def test_words_take_their_place_on_one_to_five_in_french_and_english() -> None:
    words = Scale(words=True)
    assert [words.score("Accueil", w) for w in (
        "Très satisfait", "Satisfaite", "Satisfait(e)", "Moyennement satisfait", "Peu satisfait",
        "Pas du tout satisfait", "Very satisfied", "Dissatisfied", "Excellent", "Passable",
        "Tout à fait d'accord", "Pas du tout d'accord")] == [5, 4, 4, 3, 2, 1, 5, 2, 5, 2, 5, 1]


def test_quiz_points_and_labelled_figures_are_read_on_their_own_scale() -> None:
    assert Scale(1, 5).score("Note", "8 / 10") == 4
    assert Scale(1, 5).score("Note", "4 - Satisfait") == 4


def test_an_answer_off_the_scale_is_refused_in_french() -> None:
    with pytest.raises(InvalidValue, match="n'est pas une note de l'échelle 1 à 5"):
        Scale(1, 5).score("Note globale", 7)
    with pytest.raises(InvalidValue, match="ni une note ni une réponse connue"):
        Scale(words=True).score("Accueil", "Bof bof")


def test_a_column_scale_comes_from_the_question_else_from_all_its_answers() -> None:
    assert scale_of("Contenu (1 à 10)", [3, 4]) == Scale(1, 10)
    assert scale_of("Note sur 10", ["2"]) == Scale(1, 10)
    assert scale_of("Contenu", [3, 4, 8]) == Scale(1, 10)
    assert scale_of("Contenu", [0, 3]) == Scale(0, 5)
    assert scale_of("Contenu", ["Satisfait", None, "Très satisfait"]) == Scale(words=True)
    assert scale_of("Recommanderiez-vous ?", [3], nps=True) == Scale(0, 10, nps=True)
    assert scale_of("Contenu", [3], declared=parse_scale("1-4")) == Scale(1, 4)


@pytest.mark.parametrize(("question", "field"), [
    ("Globalement, quel est votre niveau de satisfaction concernant cette formation ?",
     "overall"),
    ("Recommanderiez-vous cette formation à un collègue ?", "nps"),
    ("How likely are you to recommend this training to a colleague?", "nps"),
    ("Comment évaluez-vous l'accueil et l'organisation ?", "welcome"),
    ("Le contenu de la formation a-t-il répondu à vos attentes ?", "content"),
    ("Le formateur maîtrisait-il son sujet ?", "team"),
    ("Les supports et moyens pédagogiques étaient-ils adaptés ?", "means"),
    ("Were the training materials and equipment suitable?", "means"),
    ("Avez-vous été bien accompagné(e) pendant la formation ?", "support"),
    ("Pensez-vous pouvoir mettre en pratique ce que vous avez appris ?", "applied"),
    ("Avez-vous pu mettre en œuvre les acquis de la formation ?", "applied"),
    ("Qu'est-ce qui pourrait être amélioré ?", "comment"),
    ("Any other comments?", "comment"),
    ("Quelle formation avez-vous suivie ?", "training"),
    ("Nom et prénom", "name"),
    ("What's your email address?", "email"),
    ("Date de la formation", ""),
    ("Nom de votre entreprise", ""),
])
def test_a_question_gives_the_field_it_asks_for(question: str, field: str) -> None:
    assert question_field(question) == field


def test_google_forms_export_lands_in_the_right_columns() -> None:
    intake = read("google-forms-fr")
    assert intake.register == "satisfaction" and not intake.rejections
    first, second, third = (r.values for r in intake.records)
    assert first["answered_on"] == date(2026, 6, 14)
    assert (first["survey"], first["training"], first["name"], first["email"]) == (
        "À chaud", "Excel avancé", "Marie Dupont", "marie.dupont@exemple.fr")
    assert [first[k] for k in ("overall", "nps", "welcome", "content", "team", "means",
                               "support", "applied")] == [5, 9, 5, 5, 5, 4, 5, "Oui"]
    assert first["comment"] == "Très bonne formation, merci !"
    assert first["notes"] is None  # nothing left over in « Autres informations »
    assert (second["overall"], second["content"], second["means"]) == (2, 2, 1)
    assert (third["answered_on"], third["support"], third["applied"]) == (
        date(2026, 6, 15), None, "Partiellement")
    assert "Contenu : note sur 1 à 10 ramenée à 1 à 5" in intake.records[0].note


def test_google_sheets_american_export_is_read_month_first_and_quiz_points_skipped() -> None:
    intake = read("google-sheets-en-quiz")
    first, second = (r.values for r in intake.records)
    assert (first["answered_on"], second["answered_on"]) == (date(2026, 6, 14),
                                                             date(2026, 6, 15))
    assert (first["overall"], second["overall"]) == (5, 2)
    assert first["training"] == "Excel avancé"
    assert first["notes"] is None  # « Score » and « … [Score] » are the quiz's, not answers


def test_two_name_columns_are_joined_and_two_open_questions_kept_apart() -> None:
    intake = read("google-sheets-fr")
    luc, sophie = (r.values for r in intake.records)
    assert luc["name"] == "Luc Martin"
    assert (luc["survey"], luc["applied"], luc["nps"]) == ("À froid", "Oui", 10)
    assert luc["comment"] == "Points forts de la formation : Les mises en situation"
    assert sophie["comment"] == ("Qu'est-ce qui pourrait être amélioré ? : Tout : "
                                 "inadmissible, je demande un remboursement")
    assert (sophie["overall"], sophie["applied"]) == (1, "Non")


def test_microsoft_forms_anonymous_answers_have_no_name_nor_address() -> None:
    intake = read("ms-forms-fr")
    marie, anonymous, jean = (r.values for r in intake.records)
    assert (marie["answered_on"], marie["overall"], marie["nps"], marie["welcome"],
            marie["team"]) == (date(2026, 6, 14), 5, 10, 4, 5)
    assert (anonymous["name"], anonymous["email"]) == (None, None)
    assert anonymous["comment"] == "Trop de théorie, formatrice pas à l'écoute"
    assert jean["email"] == "jean.petit@exemple.fr"
    assert all(r.missing == ("survey", "training") for r in intake.records)


def test_typeform_times_are_utc_and_limesurvey_scores_on_ten() -> None:
    (awa,) = (r.values for r in read("typeform-en").records)
    assert awa["answered_on"] == date(2026, 6, 15)  # 22:30 UTC is past midnight in Paris
    luc, other = (r.values for r in read("limesurvey-fr").records)
    assert (luc["overall"], other["overall"], luc["survey"]) == (4, 3, "À froid")


def test_microsoft_forms_export_at_the_top_of_the_inbox_is_not_taken_for_dropouts() -> None:
    for prefix in ("ms-forms-fr", "ms-forms-en", "google-forms-fr", "limesurvey-fr"):
        assert read(prefix, hint=None).register == "satisfaction"


def test_a_google_export_without_an_overall_question_says_what_is_missing() -> None:
    with pytest.raises(HeaderMismatch) as caught:
        route(table([["Horodateur", "Adresse e-mail", "Votre entreprise", "Remarques"],
                     ["2026/06/14 10:00:00 UTC+2", "a@b.fr", "ACME", "RAS"]]), None)
    assert "ressemble à un export Google Forms" in str(caught.value)
    assert caught.value.missing == ("Note globale",)


def test_our_own_satisfaction_headers_are_still_read_as_before() -> None:
    match = route(table([["Date de réponse", "Enquête", "Formation", "Note globale"],
                         ["20/03/2026", "à chaud", "Excel", "4"]]), None)
    assert match.register == "satisfaction" and match.survey is None


def test_an_office_form_entry_maps_and_scales_its_questions() -> None:
    entry = FormEntry(
        name="Feedback", questions={"How relevant was the course content?": "content",
                                    "Any other comments?": ""},
        scales={"How relevant was the course content?": parse_scale("1-4")},
        survey="À chaud", training="Excel avancé")
    intake = read("google-forms-en", forms=(entry,))
    marie, jean = (r.values for r in intake.records)
    assert (marie["content"], jean["content"]) == (5, 2)  # 4 and 2 on 1–4
    assert (marie["survey"], marie["training"]) == ("À chaud", "Excel avancé")
    assert marie["comment"] is None and marie["notes"] == "Any other comments? : Great course"
    assert intake.records[0].missing == ()


def test_a_score_question_answered_in_sentences_is_kept_as_text() -> None:
    match = route(table([
        ["Horodateur", "Globalement, êtes-vous satisfait ?", "Commentaires sur le formateur",
         "Le formateur était-il clair ?"],
        ["2026/06/14 10:00:00 UTC+2", "4", "Très clair et à l'écoute de tous", "5"],
        ["2026/06/14 10:05:00 UTC+2", "3", "Un peu rapide sur la fin", "3"],
    ]), None)
    assert match.columns == {0: "answered_on", 1: "overall", 2: "comment", 3: "team"}


@given(low=st.sampled_from([0, 1]), high=st.sampled_from([4, 5, 6, 7, 10]),
       data=st.data())
def test_any_score_lands_on_one_to_five_keeping_its_order(low: int, high: int,
                                                          data: st.DataObject) -> None:
    scale = Scale(low, high)
    first = data.draw(st.integers(low, high))
    second = data.draw(st.integers(first, high))
    a, b = scale.score("Note", first), scale.score("Note", second)
    assert a is not None and b is not None
    assert 1 <= a <= b <= 5
    assert (scale.score("Note", low), scale.score("Note", high)) == (1, 5)
