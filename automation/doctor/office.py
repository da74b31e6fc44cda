"""Checks of the office folder: folders, journal, registers, templates, the log."""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import date, datetime
from pathlib import Path

from automation.config import Config
from automation.doctor import Finding, note, ok, to_fix
from automation.errors import AutomationError
from automation.files import temporary_beside
from automation.letters import LetterKind, check_template, letter_context, render_letter
from automation.pipeline.housekeeping import owner_notices
from automation.records import CellValue, StoredRow
from automation.registers.adopt import adopt_register
from automation.registers.binding import RegisterBinding
from automation.registers.journal.database import SCHEMA_VERSION
from automation.registers.reader import read_register
from automation.registers.schema import REGISTERS_BY_KEY, Field, Kind
from automation.text import fold


def _writable(folder: Path) -> str:
    """"" when a file can be created in ``folder``, else why not."""
    try:
        probe = temporary_beside(folder / "doctor")
        probe.unlink()
    except OSError as exc:
        return exc.strerror or str(exc)
    return ""


def folders(config: Config) -> list[Finding]:
    found: list[Finding] = []
    for label, folder in (("Dossier inbox", config.inbox_dir),
                          ("Dossier registers", config.registers_dir),
                          ("Dossier templates", config.templates_dir)):
        if not folder.is_dir():
            found.append(to_fix(label, f"{folder} absent",
                                f"automation init {config.root} le crée (sans rien écraser)"))
        elif why := _writable(folder):
            found.append(to_fix(label, f"{folder} : écriture impossible ({why})",
                                "donnez le droit d'écriture au compte qui fait tourner l'outil"))
        else:
            found.append(ok(label, f"{folder} (lecture et écriture)"))
    outbox = config.outbox_dir
    where = outbox if outbox.is_dir() else outbox.parent
    if why := _writable(where):
        found.append(to_fix("Dossier outbox", f"{outbox} : écriture impossible ({why})",
                            "donnez le droit d'écriture au compte qui fait tourner l'outil"))
    else:
        found.append(ok("Dossier outbox", f"{outbox}" + ("" if outbox.is_dir()
                                                          else " (créé au premier courrier)")))
    return found


JOURNAL = "Journal des lignes"


def journal(config: Config) -> list[Finding]:
    path = config.journal_path
    if not path.is_file():
        return [ok(JOURNAL, f"{path} : créé au premier démarrage")]
    try:
        with sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True) as db:
            (version,) = db.execute("PRAGMA user_version").fetchone()
            (rows,) = db.execute("SELECT count(*) FROM rows").fetchone()
            pending = db.execute("SELECT count(*) FROM rows WHERE written_at IS NULL"
                                 ).fetchone()[0]
    except sqlite3.Error as exc:
        return [to_fix(JOURNAL, f"{path} illisible : {exc}",
                       "restaurez la dernière copie de registers/.backup/, ou demandez de l'aide")]
    if version > SCHEMA_VERSION:
        return [to_fix(JOURNAL, f"écrit par une version plus récente de l'outil (version "
                       f"{version}, celle-ci lit jusqu'à {SCHEMA_VERSION})",
                       "réinstallez la version récente : pipx upgrade qualiopi-registres")]
    text = f"{rows} ligne(s) enregistrée(s), {pending} en attente d'écriture"
    if version < SCHEMA_VERSION:
        return [note(JOURNAL, f"{text} ; format d'une version précédente : mis à jour au "
                     "prochain démarrage (une copie est gardée dans registers/.backup/)")]
    return [ok("Journal des lignes", text)]


def registers(config: Config, *, now: datetime) -> list[Finding]:
    found: list[Finding] = []
    open_files = {n.register: n for n in owner_notices(config, now=now)}
    for binding in config.bindings():
        label = f"Registre {binding.key}"
        if not binding.path.is_file():
            found.append(
                to_fix(label, f"{binding.path.name} introuvable", "corrigez [registers."
                       f"{binding.key}] file dans automation.toml") if binding.adopted
                else ok(label, f"{binding.path.name} : créé au premier usage"))
            continue
        try:
            rows = read_register(binding)
            mismatch = _mapping_mismatch(binding) if binding.adopted else ""
        except AutomationError as exc:
            found.append(to_fix(label, str(exc), "ouvrez le classeur dans Excel pour vérifier "
                                "la feuille et la ligne d'en-têtes"))
            continue
        if mismatch:
            found.append(to_fix(label, mismatch, f"renommez la colonne dans le classeur, ou "
                                f"relancez automation adopt \"{binding.path}\" --as "
                                f"{binding.key}"))
            continue
        notice = open_files.get(binding.key)
        if notice is not None:
            found.append(note(label, notice.sentence()))
        else:
            found.append(ok(label, f"{binding.path.name} : {len(rows)} ligne(s) lisible(s)"))
    return found


def _mapping_mismatch(binding: RegisterBinding) -> str:
    """Columns of the recorded mapping that the workbook's header row no longer has."""
    adoption = adopt_register(binding.path, binding.key, sheet=binding.sheet)
    present = {fold(h) for h in (*adoption.mapping.values(), *adoption.extra)}
    gone = [f"« {header} »" for header in binding.columns.values() if fold(header) not in present]
    if not gone:
        return ""
    return (f"{binding.path.name} : colonne(s) de la correspondance enregistrée absente(s) "
            f"de la ligne d'en-têtes : {', '.join(gone)}")


def sample_value(item: Field, index: int) -> CellValue:
    match item.kind:
        case Kind.DATE:
            return date(2026, 11, 2 + index % 26)
        case Kind.DATETIME:
            return datetime(2026, 11, 2, 14, 30)
        case Kind.NUMBER:
            return 7
        case Kind.SCORE:
            return item.bounds[0] if item.bounds else 1
        case Kind.ENUM:
            return item.choices[0] if item.choices else "x"
        case Kind.EMAIL:
            return "personne@exemple.fr"
        case _:
            return f"{item.header} (essai)"


def templates(config: Config) -> list[Finding]:
    found: list[Finding] = []
    with tempfile.TemporaryDirectory(prefix="automation-doctor-") as scratch:
        for kind in LetterKind:
            template = config.templates_dir / kind.template
            label = f"Modèle {kind.template}"
            if not template.is_file():
                found.append(to_fix(label, "absent", f"automation init {config.root} remet le "
                                    "modèle par défaut (sans rien écraser)"))
                continue
            schema = REGISTERS_BY_KEY[kind.register]
            values = {f.key: sample_value(f, i) for i, f in enumerate(schema.fields)}
            row = StoredRow(kind.register, f"{schema.prefix}-2026-0001", values, "doctor")
            context = letter_context(config.organisation, row, today=date(2026, 11, 23))
            try:
                missing = check_template(template, context)
                if not missing:
                    render_letter(template, context, Path(scratch) / kind.template)
            except AutomationError as exc:
                found.append(to_fix(label, str(exc), "corrigez le modèle dans Word"))
                continue
            if missing:
                found.append(to_fix(label, f"variable(s) inconnue(s) : {', '.join(missing)}",
                                    "corrigez l'orthographe dans Word (liste des variables : "
                                    "templates/README.md)"))
            else:
                found.append(ok(label, "se remplit sans erreur"))
    return found


def log_file(config: Config) -> Finding:
    folder = config.logs_dir
    where = folder if folder.is_dir() else folder.parent
    why = _writable(where) if where.is_dir() else "dossier absent"
    if why:
        return note("Journal d'activité", f"{folder} : écriture impossible ({why})",
                    "l'outil écrira alors son journal dans ~/.automation/logs")
    return ok("Journal d'activité", f"{folder / 'automation.log'}")
