"""Regenerate the ``drop-survey-*`` exports the survey tests read, in the shapes the tools write.

Run from the repository root: ``.venv/bin/python tests/data/build_survey_samples.py``.

- Google Forms, downloaded from the form's « Réponses » tab (« Télécharger les réponses
  (.csv) »): every field quoted, comma-separated, UTF-8, the timestamp as Google writes it
  there — ``2026/06/14 16:45:10 UTC+2`` in French, ``2026/06/14 4:45:10 PM GMT+2`` in English —
  then one column per question titled with the question.
- Google Sheets, the linked sheet « Réponses au formulaire 1 » / « Form Responses 1 » saved
  with « Fichier > Télécharger > CSV »: the timestamp in the sheet's locale (``15/06/2026
  10:15:32``, or ``6/14/2026 16:45:10`` for a United States sheet), fields quoted only when
  needed; the English one is a quiz (« Score », ``… [Score]`` and ``… [Feedback]`` columns).
- Microsoft Forms, « Ouvrir dans Excel » / « Open in Excel »: ``ID, Heure de début, Heure de
  fin, Adresse de messagerie, Nom, Heure de la dernière modification`` (``ID, Start time,
  Completion time, Email, Name, Last modified time``), then for a quiz ``Total points`` and the
  quiz feedback, then per question the answer, ``Points - …`` and ``Commentaires - …``
  (``Feedback - …``); real date cells; « anonymous » for an anonymous answer.
- LimeSurvey, « Exporter les réponses » in CSV with full question texts: ``ID de la réponse;
  Date de soumission; Dernière page; Langue de départ; Tête de série; Date de lancement; Date
  de la dernière action`` then the questions, semicolon-separated.
- Typeform, « Download responses » CSV: ``#``, the questions, then ``Response Type, Start
  Date (UTC), Stage Date (UTC), Submit Date (UTC), Network ID, Tags`` (times in UTC).

The respondents are those of the planning the survey tests build (Excel avancé ended on
14 June 2026, Management d'équipe on 13 March 2026).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook

HERE: Final = Path(__file__).resolve().parent

Q_OVERALL: Final = ("Globalement, quel est votre niveau de satisfaction concernant cette "
                    "formation ?")
Q_NPS: Final = ("Recommanderiez-vous cette formation à un collègue ? (0 = pas du tout, "
                "10 = certainement)")
Q_WELCOME: Final = "Comment évaluez-vous l'accueil et l'organisation ?"
Q_CONTENT: Final = "Le contenu de la formation a-t-il répondu à vos attentes ? (1 à 10)"
Q_TEAM: Final = "Le formateur maîtrisait-il son sujet et savait-il le transmettre ?"
Q_MEANS: Final = "Les supports et moyens pédagogiques étaient-ils adaptés ?"
Q_SUPPORT: Final = "Avez-vous été bien accompagné(e) pendant la formation ?"
Q_APPLIED: Final = "Pensez-vous pouvoir mettre en pratique ce que vous avez appris ?"
Q_COMMENT: Final = "Vos commentaires et suggestions"


def _csv(rows: list[list[object]], *, quote_all: bool, delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\r\n",
                        quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL)
    writer.writerows(rows)
    return out.getvalue()


def google_forms_fr(out: Path) -> None:
    """The à chaud form, downloaded from Google Forms (French)."""
    rows: list[list[object]] = [
        ["Horodateur", "Adresse e-mail", "Nom et prénom",
         "Quelle formation avez-vous suivie ?", Q_OVERALL, Q_NPS, Q_WELCOME, Q_CONTENT, Q_TEAM,
         Q_MEANS, Q_SUPPORT, Q_APPLIED, Q_COMMENT],
        ["2026/06/14 16:45:10 UTC+2", "marie.dupont@exemple.fr", "Marie Dupont",
         "Excel avancé", "5", "9", "Très satisfait", "9", "5", "Satisfait", "5", "Oui",
         "Très bonne formation, merci !"],
        ["2026/06/14 16:52:03 UTC+2", "jean.petit@exemple.fr", "Jean Petit", "Excel avancé",
         "2", "4", "Peu satisfait", "3", "2", "Pas du tout satisfait", "2", "Non",
         "Formateur pas préparé, très déçu."],
        ["2026/06/15 08:05:44 UTC+2", "awa.diallo@exemple.fr", "Awa Diallo", "Excel avancé",
         "4", "7", "Satisfaite", "7", "4", "Moyennement satisfait", "", "En partie", ""],
    ]
    out.write_text(_csv(rows, quote_all=True), encoding="utf-8", newline="")


def google_sheets_fr(out: Path) -> None:
    """The à froid form's linked sheet, saved as CSV from Google Sheets (French locale)."""
    rows: list[list[object]] = [
        ["Horodateur", "Adresse e-mail", "Nom", "Prénom", "Formation suivie",
         "Dans l'ensemble, êtes-vous satisfait(e) de la formation ?",
         "Avez-vous mis en pratique les compétences acquises ?",
         "Recommanderiez-vous cette formation ? (de 0 à 10)",
         "Qu'est-ce qui pourrait être amélioré ?", "Points forts de la formation"],
        ["15/06/2026 10:15:32", "luc.martin@exemple.fr", "Martin", "Luc",
         "Management d'équipe", "Très satisfait", "Oui, tout à fait", "10", "",
         "Les mises en situation"],
        ["16/06/2026 09:02:11", "sophie.bernard@exemple.fr", "Bernard", "Sophie",
         "Management d'équipe", "Pas du tout satisfait", "Pas encore", "3",
         "Tout : inadmissible, je demande un remboursement", ""],
    ]
    out.write_text(_csv(rows, quote_all=False), encoding="utf-8", newline="")


def google_forms_en(out: Path) -> None:
    """An English form downloaded from Google Forms: 12-hour times, GMT offset."""
    rows: list[list[object]] = [
        ["Timestamp", "Email Address", "Your name",
         "Overall, how satisfied were you with this training?",
         "How likely are you to recommend this training to a colleague?",
         "How would you rate the welcome and organisation?",
         "How relevant was the course content?", "How would you rate the trainer?",
         "Were the training materials and equipment suitable?",
         "Did you receive enough support during the course?",
         "Do you think you will be able to apply what you learned?", "Any other comments?"],
        ["2026/06/14 4:45:10 PM GMT+2", "marie.dupont@exemple.fr", "Marie Dupont",
         "Very satisfied", "9", "Excellent", "4", "5", "Good", "Very satisfied", "Yes",
         "Great course"],
        ["2026/06/15 9:02:11 AM GMT+2", "jean.petit@exemple.fr", "Jean Petit", "Dissatisfied",
         "3", "Fair", "2", "2", "Poor", "Neutral", "Partially", ""],
    ]
    out.write_text(_csv(rows, quote_all=True), encoding="utf-8", newline="")


def google_sheets_en_quiz(out: Path) -> None:
    """An English quiz form's sheet saved as CSV from a United States Google Sheet."""
    overall = "Overall satisfaction (1-10)"
    rows: list[list[object]] = [
        ["Timestamp", "Email Address", "Score", "Full name", overall, f"{overall} [Score]",
         f"{overall} [Feedback]", "Which course did you attend?", "Comments"],
        ["6/14/2026 16:45:10", "marie.dupont@exemple.fr", "0 / 0", "Marie Dupont", "10",
         "-- / 0", "", "Excel avancé", "Parfait"],
        ["6/15/2026 9:02:11", "jean.petit@exemple.fr", "0 / 0", "Jean Petit", "3", "-- / 0",
         "", "Excel avancé", ""],
    ]
    out.write_text(_csv(rows, quote_all=False), encoding="utf-8", newline="")


def _ms_forms(out: Path, *, sheet: str, bookkeeping: list[str], quiz: list[str],
              feedback: str, questions: list[str], answers: list[list[object]]) -> None:
    """A Microsoft Forms quiz workbook: bookkeeping, quiz totals, then per question the
    answer, its points and the grader's feedback."""
    workbook = Workbook()
    worksheet = workbook.active
    assert worksheet is not None
    worksheet.title = sheet
    header = [*bookkeeping, *quiz]
    for question in questions:
        header += [question, f"Points - {question}", f"{feedback} - {question}"]
    worksheet.append(header)
    for number, (start, end, email, name, *given) in enumerate(answers, start=1):
        row: list[object] = [number, start, end, email, name, None, None, None]
        for value in given:
            row += [value, None, None]
        worksheet.append(row)
    for cells in worksheet.iter_rows(min_row=2, min_col=2, max_col=3):
        for cell in cells:
            cell.number_format = "m/d/yy h:mm"
    workbook.save(out)


# The French export's sheet and columns: ``_ms_forms(out, **MS_FORMS_FR, answers=…)``.
MS_FORMS_FR: Final[dict[str, Any]] = {
    "sheet": "Feuil1",
    "bookkeeping": ["ID", "Heure de début", "Heure de fin", "Adresse de messagerie", "Nom",
                    "Heure de la dernière modification"],
    "quiz": ["Total points", "Commentaires sur le questionnaire"], "feedback": "Commentaires",
    "questions": ["Globalement, êtes-vous satisfait de la formation ?",
                  "Quelle est la probabilité que vous recommandiez cette formation à un "
                  "collègue ?",
                  "L'accueil et l'organisation", "Qu'avez-vous pensé de la formatrice ?",
                  "Remarques"],
}


def ms_forms_fr(out: Path) -> None:
    _ms_forms(
        out, **MS_FORMS_FR,
        answers=[
            [datetime(2026, 6, 14, 16, 30, 5), datetime(2026, 6, 14, 16, 38, 47),
             "marie.dupont@exemple.fr", "Marie Dupont", "Très satisfait", 10, "Satisfait", 5,
             "RAS"],
            [datetime(2026, 6, 14, 16, 41, 0), datetime(2026, 6, 14, 16, 44, 12), "anonymous",
             "anonymous", "Peu satisfait", 5, "Moyennement satisfait", 2,
             "Trop de théorie, formatrice pas à l'écoute"],
            [datetime(2026, 6, 15, 9, 0, 0), datetime(2026, 6, 15, 9, 3, 30),
             "jean.petit@exemple.fr", "Jean Petit", "Satisfait", 8, "Très satisfait", 4, None],
        ])


def ms_forms_en(out: Path) -> None:
    _ms_forms(
        out, sheet="Sheet1",
        bookkeeping=["ID", "Start time", "Completion time", "Email", "Name",
                     "Last modified time"],
        quiz=["Total points", "Quiz feedback"], feedback="Feedback",
        questions=["Overall, how satisfied are you with this training?",
                   "How likely are you to recommend this training to a friend or colleague?",
                   "Rate the trainer", "Please share any comments"],
        answers=[
            [datetime(2026, 6, 14, 16, 30, 5), datetime(2026, 6, 14, 16, 38, 47),
             "awa.diallo@exemple.fr", "Awa Diallo", "Satisfied", 9, 4, "Useful"],
            [datetime(2026, 6, 15, 8, 0, 0), datetime(2026, 6, 15, 8, 4, 0), "anonymous",
             "anonymous", "Very dissatisfied", 2, 1, None],
        ])


def limesurvey_fr(out: Path) -> None:
    rows: list[list[object]] = [
        ["ID de la réponse", "Date de soumission", "Dernière page", "Langue de départ",
         "Tête de série", "Date de lancement", "Date de la dernière action",
         "Adresse de courriel", "Quelle formation avez-vous suivie ?",
         "Votre satisfaction globale (sur 10)",
         "Avez-vous pu mettre en œuvre les acquis de la formation ?", "Commentaires"],
        ["1", "2026-06-16 10:15:32", "3", "fr", "1492783210", "2026-06-16 10:10:02",
         "2026-06-16 10:15:32", "luc.martin@exemple.fr", "Management d'équipe", "8", "Oui", ""],
        ["2", "2026-06-17 18:40:00", "3", "fr", "771239044", "2026-06-17 18:31:15",
         "2026-06-17 18:40:00", "", "Management d'équipe", "6", "En partie",
         "Bien, mais trop court"],
    ]
    out.write_text(_csv(rows, quote_all=True, delimiter=";"), encoding="utf-8-sig",
                   newline="")


def typeform_en(out: Path) -> None:
    rows: list[list[object]] = [
        ["#", "What's your name?", "What's your email address?",
         "How satisfied are you with the training overall?",
         "How likely are you to recommend us to a friend?",
         "Anything else you'd like to tell us?", "Response Type", "Start Date (UTC)",
         "Stage Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags"],
        ["k3j2h1g0", "Awa Diallo", "awa.diallo@exemple.fr", "4", "8", "", "completed",
         "2026-06-14 22:26:40", "", "2026-06-14 22:30:05", "a1b2c3d4e5", ""],
    ]
    out.write_text(_csv(rows, quote_all=False), encoding="utf-8", newline="")


SAMPLES: Final = {
    "drop-survey-google-forms-fr - Satisfaction à chaud Excel avancé.csv": google_forms_fr,
    "drop-survey-google-sheets-fr - Questionnaire à froid (réponses) - Réponses au "
    "formulaire 1.csv": google_sheets_fr,
    "drop-survey-google-forms-en - Course feedback.csv": google_forms_en,
    "drop-survey-google-sheets-en-quiz - Course quiz (Responses) - Form Responses 1.csv":
        google_sheets_en_quiz,
    "drop-survey-ms-forms-fr - Enquête de satisfaction(1-3).xlsx": ms_forms_fr,
    "drop-survey-ms-forms-en - Training feedback(1-2).xlsx": ms_forms_en,
    "drop-survey-limesurvey-fr - enquête à froid.csv": limesurvey_fr,
    "drop-survey-typeform-en - responses.csv": typeform_en,
}


def main() -> None:
    for name, build in SAMPLES.items():
        build(HERE / name)


if __name__ == "__main__":
    main()
