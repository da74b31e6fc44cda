"""Every French sentence intake shows to office staff, in one place.

Rejection reasons name the column as the register calls it and quote the value as it was
typed: ``Date de réception « 31/02/2026 » n'existe pas.`` The rejection copy puts them beside
the row as it was, with the line a person sees in the file. Whole-file messages say what to
do next.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

from automation.registers.schema import REGISTERS_BY_KEY

ERRORS_HEADER: Final = "Erreurs à corriger"
LINE_HEADER: Final = "Ligne d'origine"
REJECTION_SHEET: Final = "À corriger"
ACCEPTED_FORMATS: Final = ".xlsx, .xlsm, .xls, .ods, .csv"



def quoted(text: str, *, limit: int = 60) -> str:
    """« text », cut when long so a message stays readable."""
    text = " ".join(text.split())
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return f"« {text} »"


def listing(items: Sequence[str]) -> str:
    return ", ".join(items)


def register_name(key: str) -> str:
    """``reclamations`` → ``registre des réclamations, difficultés et aléas``."""
    schema = REGISTERS_BY_KEY.get(key)
    return schema.title[0].lower() + schema.title[1:] if schema else f"registre « {key} »"


# --- values -------------------------------------------------------------------------------

def required_empty(header: str) -> str:
    return f"{header} est obligatoire : la cellule est vide."


def date_missing(header: str, raw: str) -> str:
    return f"{header} {quoted(raw)} n'est pas une date reconnue (exemple attendu : 12/03/2026)."


def datetime_missing(header: str, raw: str) -> str:
    return (f"{header} {quoted(raw)} n'est pas une date reconnue "
            "(exemple attendu : 12/03/2026 14:30).")


def date_without_year(header: str, raw: str) -> str:
    return f"{header} {quoted(raw)} : l'année manque (exemple attendu : 12/03/2026)."


def date_nonexistent(header: str, raw: str) -> str:
    return f"{header} {quoted(raw)} n'existe pas."


def time_invalid(header: str, raw: str) -> str:
    return f"{header} {quoted(raw)} : l'heure n'existe pas (exemple attendu : 14:30)."


def choice_unknown(header: str, raw: str, choices: Sequence[str]) -> str:
    return (f"{header} {quoted(raw)} n'est pas une valeur possible. "
            f"Valeurs possibles : {listing(choices)}.")


def email_invalid(header: str, raw: str) -> str:
    return f"{header} {quoted(raw)} n'est pas une adresse e-mail valide."


def score_invalid(header: str, raw: str, low: int, high: int) -> str:
    return f"{header} {quoted(raw)} doit être un nombre entier de {low} à {high}."


def number_invalid(header: str, raw: str) -> str:
    return f"{header} {quoted(raw)} n'est pas un nombre (exemple attendu : 3,5)."


# --- whole files --------------------------------------------------------------------------

def unreadable(name: str, why: str) -> str:
    return f"Le fichier {quoted(name)} n'a pas pu être lu : {why}"


CORRUPT: Final = ("il est endommagé ou incomplet. Ouvrez-le dans Excel (ou LibreOffice), "
                  "enregistrez-le à nouveau puis déposez-le.")
ENCRYPTED: Final = ("il est protégé par un mot de passe. Enregistrez une copie sans mot de passe "
                    "puis déposez-la.")
NOT_A_WORKBOOK: Final = ("son contenu n'est pas celui d'un classeur Excel ou OpenDocument. "
                         "Ouvrez-le dans Excel et enregistrez-le au format .xlsx.")
NO_DATA: Final = "il ne contient aucune donnée."
STILL_OPEN: Final = "il est encore ouvert ou en cours de copie ; il sera relu plus tard."
EMPTY_FILE: Final = "il est vide (0 octet) ; il sera relu quand sa copie sera terminée."


def unsupported(suffix: str) -> str:
    return (f"le format {quoted(suffix or 'sans extension')} n'est pas pris en charge "
            f"(formats acceptés : {ACCEPTED_FORMATS}).")


def _mb(value: float) -> str:
    return f"{value:.1f}".replace(".", ",").removesuffix(",0")


def too_large(size_mb: float, limit_mb: float) -> str:
    return (f"il fait {_mb(size_mb)} Mo, au-delà de la limite de {_mb(limit_mb)} Mo. "
            "Découpez-le en plusieurs fichiers.")


def too_expanded(limit_mb: float) -> str:
    return (f"son contenu décompressé dépasse la limite de sécurité de {_mb(limit_mb)} Mo ; "
            "il est refusé sans être ouvert. Découpez-le en plusieurs fichiers.")


def too_compressed(ratio: float) -> str:
    return (f"une de ses parties est compressée plus de {_mb(ratio)} fois, ce qui n'arrive pas "
            "dans un classeur ordinaire ; il est refusé par sécurité. Ouvrez-le dans Excel, "
            "enregistrez-le à nouveau puis déposez-le.")


def too_many_parts(count: int) -> str:
    return (f"il contient plus de {count} parties internes ; il est refusé par sécurité. "
            "Enregistrez-le à nouveau au format .xlsx.")


def too_many_rows(sheet: str, limit: int) -> str:
    return (f"la feuille {quoted(sheet)} compte plus de {_count(limit)} lignes, la limite. "
            "Découpez-la en plusieurs fichiers.")


def sheet_too_large(sheet: str, corner: str, cells: int, *, declared: bool, max_cells: int,
                    max_rows: int) -> str:
    reach = (f"déclare une étendue allant jusqu'à la cellule {corner}" if declared
             else f"s'étend jusqu'à la cellule {corner}")
    return (f"la feuille {quoted(sheet)} {reach}, soit {_count(cells)} cellules à partir de A1, "
            f"au-delà de la limite de sécurité ({_count(max_rows)} lignes, {_count(max_cells)} "
            "cellules) ; elle est refusée sans être ouverte. Copiez les seules lignes utiles "
            "dans un nouveau classeur, enregistrez-le puis déposez-le.")


def mixed_encoding(lines: Sequence[int]) -> str:
    shown = [str(n) for n in lines[:10]]
    more = f" et {len(lines) - 10} autre(s)" if len(lines) > 10 else ""
    which = (f"la ligne {shown[0]}" if len(lines) == 1
             else f"les lignes {', '.join(shown)}{more}")
    return (f"ses caractères accentués ne sont pas tous écrits de la même façon : le fichier "
            f"est en UTF-8, sauf {which}, écrite(s) dans un autre encodage (sans doute "
            "Windows-1252, collée(s) depuis un autre fichier). Rien n'a été importé, pour ne "
            "pas changer « Zoé » en « ZoÃ© ». Ouvrez le fichier dans Excel ou LibreOffice, "
            "corrigez les accents de ces lignes, enregistrez-le au format « CSV UTF-8 » puis "
            "déposez-le à nouveau.")


def reader_crashed(memory_mb: float) -> str:
    return (f"sa lecture demandait plus que la limite de mémoire de sécurité ({_mb(memory_mb)} "
            "Mo) ou a fait s'arrêter le lecteur ; elle a été interrompue sans conséquence pour "
            "le reste des dépôts. Le fichier est peut-être endommagé, ou construit pour nuire. "
            "Ouvrez-le dans Excel (ou LibreOffice), enregistrez-le à nouveau puis déposez-le.")


def reader_too_long(seconds: float) -> str:
    return (f"sa lecture a duré plus que la limite de sécurité ({_mb(seconds)} s de calcul) et "
            "a été interrompue sans conséquence pour le reste des dépôts. Ouvrez-le dans "
            "Excel (ou LibreOffice), enregistrez-le à nouveau, découpé s'il est très grand, "
            "puis déposez-le.")


TOOL_UPDATED: Final = ("L'outil a été mis à jour pendant qu'il fonctionnait : rien n'est lu "
                       "avant qu'il soit relancé. Les fichiers et les courriels attendent, rien "
                       "n'est perdu. Relancez la commande (le service redémarre de lui-même la "
                       "surveillance).")
READER_BUG: Final = ("une erreur inattendue du lecteur l'a arrêté ; rien n'a été importé. Le "
                     "détail est dans le journal technique : transmettez ce fichier à la "
                     "personne qui administre l'outil.")
LINK: Final = ("c'est un lien (raccourci) vers un autre fichier, et non le fichier lui-même ; "
               "il n'a pas été ouvert. Déposez une copie du fichier dans le dossier de dépôt.")
HARD_LINK: Final = ("c'est un second nom (lien physique) d'un fichier rangé hors du dossier de "
                    "l'organisme ; il n'a pas été ouvert. Déposez une copie du fichier dans le "
                    "dossier de dépôt.")
NOT_A_FILE: Final = ("ce n'est pas un fichier ordinaire (un tube, un périphérique ou un "
                     "dossier spécial) ; il n'a pas été ouvert.")


def internal_error(kind: str) -> str:
    return ("Ce fichier n'a pas pu être traité, à plusieurs reprises, à la suite d'une erreur "
            f"interne de l'outil ({kind}) ; aucune de ses lignes n'a été enregistrée. Il a été "
            "mis de côté ici pour ne pas être perdu : transmettez-le, avec ce message, à la "
            "personne qui administre l'outil.")


def register_unwritable(register: str, detail: str) -> str:
    return (f"le registre « {register} » n'a pas pu être écrit ({detail}) ; les lignes sont "
            "enregistrées dans le journal de l'outil et seront écrites dans le registre dès "
            "qu'il pourra l'être. Rien n'est perdu.")


def _count(value: int) -> str:
    return f"{value:,}".replace(",", "\u202f")


# --- routing ------------------------------------------------------------------------------

def columns_missing(register: str, missing: Sequence[str], found: Sequence[str]) -> str:
    found_text = listing([quoted(h) for h in found]) if found else "aucune"
    return (f"Il manque des colonnes obligatoires pour le {register_name(register)} : "
            f"{listing(missing)}. Colonnes trouvées : {found_text}. Ajoutez ces colonnes "
            "(ou renommez les en-têtes) puis déposez le fichier à nouveau.")


def no_register_fits(register: str, missing: Sequence[str], found: Sequence[str]) -> str:
    return ("Ce fichier ne correspond à aucun registre. Le plus proche est le "
            f"{register_name(register)}, mais il manque les colonnes obligatoires : "
            f"{listing(missing)}. Colonnes trouvées : "
            f"{listing([quoted(h) for h in found]) if found else 'aucune'}. Ajoutez ou renommez "
            "ces colonnes, ou déposez le fichier dans le sous-dossier du registre voulu, "
            "puis déposez-le à nouveau.")


# --- rejection note -----------------------------------------------------------------------

def rejection_note(name: str, message: str) -> str:
    return "\n".join([
        f"Le fichier {quoted(name, limit=200)} n'a pas été importé.",
        "",
        message,
        "",
        "Corrigez le fichier puis déposez-le à nouveau dans le dossier de dépôt.",
        "Ce fichier LISEZ-MOI peut ensuite être supprimé.",
    ])


# --- survey exports (automation.intake.forms, automation.intake.answers) ------------------

def score_off_scale(header: str, raw: str, scale: str) -> str:
    low, _, high = scale.partition("-")
    return (f"{header} {quoted(raw)} n'est pas une note de l'échelle {low} à {high} de cette "
            "question.")


def score_word_unknown(header: str, raw: str, scale: str = "") -> str:
    return (f"{header} {quoted(raw)} n'est ni une note ni une réponse connue (par exemple "
            "« Très satisfait », « Satisfait », « Peu satisfait »). Déclarez l'échelle de cette "
            "question dans [[surveys.forms]] ou corrigez la réponse.")


def survey_unrecognised(tool: str, missing: Sequence[str], found: Sequence[str]) -> str:
    found_text = listing([quoted(h) for h in found]) if found else "aucune"
    return (f"Ce fichier ressemble à un export {tool}, mais aucune de ses questions ne donne "
            f"{listing(missing)}. Questions trouvées : {found_text}. Indiquez quelle question "
            "donne quoi avec « automation surveys adopt <fichier> --field \"question=champ\" », "
            "puis déposez le fichier à nouveau.")
