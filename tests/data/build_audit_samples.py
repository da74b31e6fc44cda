"""Regenerate ``reg-audit-2026/``: a training organisation's year 2026, as it happened.

Run from the repository root: ``.venv/bin/python tests/data/build_audit_samples.py``.

The folder holds what arrived during the year, in the shapes real tools produce — complaints
exported from Excel as « CSV (séparateur : point-virgule) » (Windows-1252, CRLF), dropouts as
an .xlsx list, the survey answers as a UTF-8 CSV with a BOM, the planning as the office keeps
it — and ``year-2026.json``, the timeline a test replays day by day with the tool's own
pipeline: on each ``day``, ``drop`` a file into the inbox, ``edit`` a register row as a person
does in Excel (headers as the register shows them; ``YYYY-MM-DD`` texts are dates), or
``sent`` (a person says the prepared letters of these ids left that day). The ids are those
the tool gives, in order of arrival: ACT-2026-0001 from REC-2026-0001 (20 March),
ACT-2026-0002 from the dropout ABD-2026-0001 (1 April), ACT-2026-0003 from REC-2026-0002, which
a person links REC-2026-0003 to, ACT-2026-0004 from the difficulty REC-2026-0004.
``tests/test_improvement_actions.py`` and ``tests/test_audit_pack.py`` state what the year
must give: the actions opened and linked, the due items, the audit pack.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from openpyxl import Workbook

HERE: Final = Path(__file__).resolve().parent
OUT: Final = HERE / "reg-audit-2026"
EXCEL: Final = "Excel avancé"
ENGLISH: Final = "Anglais professionnel"
FT: Final = ("France Travail Nice", "conseiller.nice@francetravail.example.fr")

PLANNING: Final = [
    # ref, training, start, end, hours, trainer, [(learner, email)]
    ("S-EXC-01", EXCEL, datetime(2026, 3, 10, 9), datetime(2026, 3, 11, 17), 14,
     "Claire Formatrice", [("Alice Martin", "alice.martin@exemple.fr"),
                           ("Bruno Petit", "bruno.petit@exemple.fr"),
                           ("Chloé Durand", "chloe.durand@exemple.fr")]),
    ("S-ANG-01", ENGLISH, datetime(2026, 6, 2, 9), datetime(2026, 6, 3, 17), 14, "John Smith",
     [("Inès Robert", "ines.robert@exemple.fr"), ("Jules Moreau", "jules.moreau@exemple.fr")]),
    ("S-EXC-02", EXCEL, datetime(2026, 9, 15, 9), datetime(2026, 9, 16, 17), 14,
     "Claire Formatrice", [("Félix Laurent", "felix.laurent@exemple.fr"),
                           ("Gaëlle Michel", "gaelle.michel@exemple.fr"),
                           ("Hugo Garcia", "hugo.garcia@exemple.fr")]),
]
COMPLAINT_HEADERS: Final = ["Date de réception", "Canal", "Partie prenante", "Nom du déclarant",
                            "Email", "Formation / session", "Nature", "Catégorie", "Objet",
                            "Description"]
COMPLAINTS: Final = {
    # file stem -> row (the day of the drop is the day of receipt)
    "2025-12-10": ["10/12/2025", "Email", "Apprenant", "Xavier Roux", "xavier.roux@exemple.fr",
                   EXCEL, "Réclamation", "Administrative", "Convocation reçue en retard",
                   "La convocation est arrivée la veille de la session."],
    "2026-03-12": ["12/03/2026", "Email", "Apprenant", "Alice Martin", "alice.martin@exemple.fr",
                   f"{EXCEL} — S-EXC-01", "Réclamation", "Pédagogique",
                   "Support de cours incomplet",
                   "Il manque les exercices du chapitre 4 dans le support remis."],
    "2026-06-03": ["03/06/2026", "Courrier", "Apprenant", "Inès Robert",
                   "ines.robert@exemple.fr", f"{ENGLISH} — S-ANG-01", "Réclamation",
                   "Logistique", "Salle trop froide", "Salle à 16 °C les deux jours."],
    "2026-06-04": ["04/06/2026", "Téléphone", "Apprenant", "Jules Moreau",
                   "jules.moreau@exemple.fr", f"{ENGLISH} — S-ANG-01", "Réclamation",
                   "Logistique", "Salle froide", "Même remarque que sa collègue sur la salle."],
    "2026-09-16": ["16/09/2026", "Email", "Apprenant", "Hugo Garcia", "hugo.garcia@exemple.fr",
                   f"{EXCEL} — S-EXC-02", "Difficulté", "Technique",
                   "Logiciel non installé sur les postes",
                   "Excel 365 absent de deux postes le premier matin."],
    "2026-10-05": ["05/10/2026", "Courrier", "Entreprise", "Société Durand & Fils",
                   "compta@durand-fils.example.fr", EXCEL, "Réclamation", "Financière",
                   "Facture erronée", "Deux jours facturés pour une session d'un jour et demi."],
    "2026-11-20": ["20/11/2026", "Téléphone", "Entreprise", "Société Durand & Fils", "",
                   ENGLISH, "Demande d'information", "Administrative",
                   "Dates des prochaines sessions", ""],
}
DROPOUT_HEADERS: Final = ["Apprenant", "Email", "Formation", "Début", "Fin", "Heures prévues",
                          "Heures réalisées", "Prescripteur / financeur",
                          "Email du prescripteur", "Absence constatée le"]
DROPOUTS: Final = {
    "2026-03-11": ["Bruno Petit", "bruno.petit@exemple.fr", EXCEL, datetime(2026, 3, 10),
                   datetime(2026, 3, 11), 14, 7, *FT, datetime(2026, 3, 11)],
    "2026-09-16": ["Félix Laurent", "felix.laurent@exemple.fr", EXCEL, datetime(2026, 9, 15),
                   datetime(2026, 9, 16), 14, 7, *FT, datetime(2026, 9, 16)],
}
ANSWER_HEADERS: Final = ["Date de réponse", "Enquête", "Répondant", "Nom", "Email", "Formation",
                         "Réf. session", "Note globale", "Recommandation", "Accueil",
                         "Contenu", "Équipe pédagogique", "Moyens", "Accompagnement",
                         "Commentaire"]
ANSWERS: Final = [
    ["11/03/2026", "À chaud", "Apprenant", "Alice Martin", "alice.martin@exemple.fr", EXCEL,
     "S-EXC-01", 4, 8, 5, 3, 5, 4, 4, "Support à compléter"],
    ["11/03/2026", "À chaud", "Apprenant", "Chloé Durand", "chloe.durand@exemple.fr", EXCEL,
     "S-EXC-01", 5, 10, 5, 5, 5, 5, 5, "Formatrice excellente"],
    ["03/06/2026", "À chaud", "Apprenant", "Inès Robert", "ines.robert@exemple.fr", ENGLISH,
     "S-ANG-01", 3, 6, 2, 4, 4, 2, 4, "Salle froide"],
    ["03/06/2026", "À chaud", "Apprenant", "Jules Moreau", "jules.moreau@exemple.fr", ENGLISH,
     "S-ANG-01", 4, 8, 3, 4, 5, 3, 4, ""],
    ["16/09/2026", "À chaud", "Apprenant", "Hugo Garcia", "hugo.garcia@exemple.fr", EXCEL,
     "S-EXC-02", 4, 9, 4, 4, 5, 3, 4, "Bon contenu malgré le souci de poste"],
    ["17/09/2026", "À chaud", "Apprenant", "Gaëlle Michel", "gaelle.michel@exemple.fr", EXCEL,
     "S-EXC-02", 2, 3, 3, 2, 2, 2, 2, "Rythme trop rapide, je suis déçue"],
    ["15/06/2026", "À froid", "Apprenant", "Chloé Durand", "chloe.durand@exemple.fr", EXCEL,
     "S-EXC-01", 5, 9, "", "", "", "", "", "J'utilise les tableaux croisés chaque semaine"],
    ["20/12/2026", "À froid", "Apprenant", "Hugo Garcia", "hugo.garcia@exemple.fr", EXCEL,
     "S-EXC-02", 4, 8, "", "", "", "", "", ""],
]
RESOLVED: Final = "Résolue"

TIMELINE: Final[list[dict[str, Any]]] = [
    {"day": "2025-12-10", "drop": "reclamations/reclamation-2025-12-10.csv"},
    {"day": "2025-12-11", "sent": ["REC-2025-0001"]},
    {"day": "2026-03-11", "drop": "abandons/abandons-2026-03-11.xlsx"},
    {"day": "2026-03-12", "sent": ["ABD-2026-0001"]},
    {"day": "2026-03-12", "drop": "reclamations/reclamation-2026-03-12.csv"},
    {"day": "2026-03-13", "sent": ["REC-2026-0001"]},
    {"day": "2026-03-13", "edit": "abandons", "id": "ABD-2026-0001",
     "values": {"Motifs demandés le": "2026-03-13"}},
    {"day": "2026-03-13", "sent": ["ABD-2026-0001"]},
    {"day": "2026-03-20", "edit": "reclamations", "id": "REC-2026-0001", "values": {
        "Statut": RESOLVED, "Responsable": "Claire Martin",
        "Analyse des causes": "Version du support non mise à jour après la refonte du module 4.",
        "Action corrective / d'amélioration": "Contrôle des supports par la formatrice "
                                              "référente avant chaque session.",
        "Réponse apportée": "Le support complet vous a été envoyé par courriel le 19 mars."}},
    {"day": "2026-03-20", "edit": "abandons", "id": "ABD-2026-0001", "values": {
        "Motif": "Manque de temps", "Précision": "Horaires de travail incompatibles",
        "Analyse des causes": "Sessions en journées complètes incompatibles avec un emploi à "
                              "temps plein.",
        "Solution proposée": "Suivre la formation en cours du soir à distance",
        "Relance le": "2026-03-20"}},
    {"day": "2026-03-23", "sent": ["REC-2026-0001", "ABD-2026-0001"]},
    {"day": "2026-04-01", "edit": "abandons", "id": "ABD-2026-0001", "values": {
        "Décision": "Abandon validé", "Décidé le": "2026-04-01"}},
    {"day": "2026-04-02", "sent": ["ABD-2026-0001"]},
    {"day": "2026-04-10", "edit": "reclamations", "id": "REC-2026-0001", "values": {
        "Statut": "Close", "Date de clôture": "2026-04-10",
        "Vérification auprès du déclarant": "Appel du 10/04 : l'apprenante a tout reçu."}},
    {"day": "2026-04-15", "edit": "actions", "id": "ACT-2026-0001", "values": {
        "Statut": "Réalisée", "Réalisée le": "2026-04-15",
        "Modalité de vérification": "Aucun support incomplet signalé sur 3 mois"}},
    {"day": "2026-06-03", "drop": "reclamations/reclamation-2026-06-03.csv"},
    {"day": "2026-06-04", "drop": "reclamations/reclamation-2026-06-04.csv"},
    {"day": "2026-06-04", "sent": ["REC-2026-0002", "REC-2026-0003"]},
    {"day": "2026-06-15", "edit": "reclamations", "id": "REC-2026-0002", "values": {
        "Statut": RESOLVED, "Responsable": "Marc Logistique",
        "Analyse des causes": "Chauffage de la salle B en panne, non signalé.",
        "Action corrective / d'amélioration": "Contrôle de la salle la veille de chaque "
                                              "session (chauffage, matériel).",
        "Réponse apportée": "Le chauffage a été réparé ; un contrôle est fait la veille."}},
    {"day": "2026-06-15", "edit": "reclamations", "id": "REC-2026-0003", "values": {
        "Statut": RESOLVED, "Mesure d'amélioration liée": "ACT-2026-0003",
        "Action corrective / d'amélioration": "Même action que REC-2026-0002.",
        "Réponse apportée": "Le chauffage a été réparé ; un contrôle est fait la veille."}},
    {"day": "2026-06-16", "sent": ["REC-2026-0002", "REC-2026-0003"]},
    {"day": "2026-07-15", "edit": "actions", "id": "ACT-2026-0001", "values": {
        "Statut": "Efficace", "Vérification d'efficacité le": "2026-07-15",
        "Résultat de la vérification": "Aucun support incomplet signalé depuis avril."}},
    {"day": "2026-09-16", "drop": "abandons/abandons-2026-09-16.xlsx"},
    {"day": "2026-09-16", "drop": "reclamations/reclamation-2026-09-16.csv"},
    {"day": "2026-09-17", "sent": ["ABD-2026-0002", "REC-2026-0004"]},
    {"day": "2026-09-22", "edit": "reclamations", "id": "REC-2026-0004", "values": {
        "Statut": RESOLVED, "Analyse des causes": "Image des postes non mise à jour.",
        "Action corrective / d'amélioration": "Liste de contrôle des logiciels avant chaque "
                                              "session.",
        "Réponse apportée": "Les postes ont été réinstallés le jour même."}},
    {"day": "2026-09-25", "edit": "abandons", "id": "ABD-2026-0002", "values": {
        "Décision": "Abandon invalidé", "Décidé le": "2026-09-25"}},
    {"day": "2026-10-01", "edit": "actions", "id": "ACT-2026-0004", "values": {
        "Statut": "Réalisée", "Réalisée le": "2026-10-01"}},
    {"day": "2026-10-05", "drop": "reclamations/reclamation-2026-10-05.csv"},
    {"day": "2026-11-20", "drop": "reclamations/reclamation-2026-11-20.csv"},
    {"day": "2026-12-21", "drop": "satisfaction/reponses-2026.csv"},
    {"day": "2026-12-22", "risks": {"R-02": [2, 3, "2026-12-22", ""],
                                     "R-06": [3, 3, "2026-12-22", "ACT-2026-0003"],
                                     "R-10": [2, 4, "2026-12-22", "ACT-2026-0001"]}},
]


def _planning(path: Path) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Planning"
    sheet.append(["Réf. session", "Formation", "Début", "Fin", "Durée (h)", "Formateur",
                  "Lieu / lien", "Apprenant", "Email", "Prescripteur / financeur",
                  "Email du prescripteur"])
    for ref, training, start, end, hours, trainer, people in PLANNING:
        for index, (learner, email) in enumerate(people):
            head = [ref, training, start, end, hours, trainer, "Nice, salle B"] if index == 0 \
                else [ref, None, None, None, None, None, None]
            sheet.append([*head, learner, email, *FT])
    workbook.save(path)


def _excel_csv(path: Path, rows: list[list[Any]]) -> None:
    """As Excel in French saves « CSV (séparateur : point-virgule) »: cp1252, CRLF."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode("cp1252"))


def _utf8_csv(path: Path, rows: list[list[Any]]) -> None:
    """As Excel saves « CSV UTF-8 »: a BOM, semicolons, CRLF."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerows(rows)
    path.write_bytes(("\ufeff" + buffer.getvalue()).encode("utf-8"))


def _xlsx(path: Path, rows: list[list[Any]]) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Abandons"
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = "DD/MM/YYYY"
    workbook.save(path)


def main() -> None:
    if OUT.exists():
        shutil.rmtree(OUT)
    for folder in ("reclamations", "abandons", "satisfaction"):
        (OUT / folder).mkdir(parents=True)
    _planning(OUT / "sessions.xlsx")
    for day, row in COMPLAINTS.items():
        _excel_csv(OUT / "reclamations" / f"reclamation-{day}.csv", [COMPLAINT_HEADERS, row])
    for day, row in DROPOUTS.items():
        _xlsx(OUT / "abandons" / f"abandons-{day}.xlsx", [DROPOUT_HEADERS, row])
    _utf8_csv(OUT / "satisfaction" / "reponses-2026.csv", [ANSWER_HEADERS, *ANSWERS])
    (OUT / "year-2026.json").write_text(json.dumps(TIMELINE, ensure_ascii=False, indent=1),
                                        encoding="utf-8")
    print(f"wrote {OUT.relative_to(HERE.parent.parent)}")


if __name__ == "__main__":
    main()
