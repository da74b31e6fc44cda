"""The office's dropdown values, matched to ours: « Ouverte » for Nouvelle, « Clôturée » for Close.

An adopted register keeps its own lists. :func:`propose_values` matches each of our values to
one of the office's (the same word, a word offices use for it, or the value that stands for
it when the office's list is shorter: a complaint « Résolue » is « Clôturée » in a list that
only has Ouverte / En cours / Clôturée). ``automation adopt`` shows the result and records it
in ``automation.toml``; the writer puts the office's value in the cells it writes, and
:class:`ValueMap` reads the office's values back as ours for deadlines, the register
watcher and the indicators.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final

from automation.text import fold

# Words offices use for our values (folded).
SYNONYMS: Final[Mapping[str, tuple[str, ...]]] = {
    "Nouvelle": ("ouverte", "ouvert", "nouveau", "nouvelle", "a traiter", "recue", "recu",
                 "enregistree", "en attente", "non traitee", "a faire"),
    "À compléter": ("a completer", "incomplete", "incomplet", "informations manquantes"),
    "Accusé envoyé": ("ar envoye", "accuse envoye", "accuse de reception envoye", "accusee"),
    "En cours": ("en cours", "en traitement", "en cours de traitement", "traitement en cours",
                 "prise en charge", "pris en charge", "en analyse"),
    "Escaladée": ("escaladee", "remontee", "transmise", "escalade"),
    "Résolue": ("resolue", "resolu", "traitee", "traite", "repondue", "reponse envoyee"),
    "Close": ("close", "clos", "cloturee", "cloture", "fermee", "ferme", "terminee", "termine",
              "archivee", "soldee", "soldé"),
    "Sans suite": ("sans suite", "classee sans suite", "abandonnee", "rejetee", "irrecevable",
                   "non recevable"),
    "Enregistrée": ("enregistree", "nouvelle", "ouverte", "a traiter", "recue"),
    "Participants informés": ("participants informes", "informes", "prevenus",
                              "participants prevenus"),
    "Reprogrammée": ("reprogrammee", "reportee", "replanifiee", "reprogramme"),
    "Abandon validé": ("valide", "validee", "abandon confirme", "confirme", "abandon"),
    "Abandon invalidé": ("invalide", "invalidee", "refuse", "non valide"),
    "Email": ("mail", "e mail", "courriel", "email", "messagerie"),
    "Téléphone": ("tel", "telephone", "appel", "appel telephonique"),
    "Courrier": ("courrier", "lettre", "postal", "voie postale"),
    "Formulaire": ("formulaire", "site", "site web", "formulaire en ligne"),
    "Oral": ("oral", "orale", "en personne", "sur place", "face a face", "visite"),
    "Mineure": ("mineur", "faible", "basse", "minime"),
    "Majeure": ("majeur", "elevee", "haute", "importante", "important"),
    "Critique": ("critique", "grave", "bloquante", "bloquant", "urgente"),
    "Oui": ("oui", "o", "yes", "x", "vrai"),
    "Non": ("non", "n", "no", "faux"),
}
# When the office's list has nothing for a value, the value whose office word stands for it.
FALLBACK: Final[Mapping[str, str]] = {
    "À compléter": "Nouvelle", "Accusé envoyé": "En cours", "Escaladée": "En cours",
    "Résolue": "Close", "Participants informés": "Enregistrée",
    "Reprogrammée": "Enregistrée",
}


def propose_values(choices: Sequence[str], office: Sequence[str]) -> dict[str, str]:
    """Our value -> the office's, for every value of ``choices`` that can be placed."""
    folded = {fold(value): value for value in office if value.strip()}
    direct: dict[str, str] = {}
    for ours in choices:
        if fold(ours) in folded:
            direct[ours] = folded[fold(ours)]
            continue
        for word in SYNONYMS.get(ours, ()):
            if fold(word) in folded and folded[fold(word)] not in direct.values():
                direct[ours] = folded[fold(word)]
                break
    mapped = dict(direct)
    for ours in choices:
        if ours in mapped:
            continue
        step, seen = FALLBACK.get(ours), {ours}
        while step is not None and step not in direct and step not in seen:
            seen.add(step)
            step = FALLBACK.get(step)
        if step is not None and step in direct:
            mapped[ours] = direct[step]
    return {ours: mapped[ours] for ours in choices if ours in mapped}


@dataclass(frozen=True)
class ValueMap:
    """One field's values: ours -> the office's, and the office's read back as ours."""

    choices: tuple[str, ...]
    to_office: Mapping[str, str] = field(default_factory=dict)

    def office(self, value: str) -> str:
        return self.to_office.get(value, value)

    def ours(self, value: str) -> str:
        """The office's ``value`` as one of our values (unchanged when none fits)."""
        return self._reverse.get(fold(value), value)

    @property
    def _reverse(self) -> dict[str, str]:
        cached: dict[str, str] | None = self.__dict__.get("_reverse_cache")
        if cached is None:
            cached = _reverse(self.choices, self.to_office)
            object.__setattr__(self, "_reverse_cache", cached)
        return cached


def _reverse(choices: Sequence[str], to_office: Mapping[str, str]) -> dict[str, str]:
    """Folded office value -> ours: the same word first, then the value it is a word for,
    then the first of ours written as it."""
    reverse: dict[str, tuple[int, int, str]] = {}
    order = {value: index for index, value in enumerate(choices)}
    for ours, theirs in to_office.items():
        key = fold(theirs)
        if key == fold(ours):
            rank = 0
        elif key in {fold(w) for w in SYNONYMS.get(ours, ())}:
            rank = 1
        else:
            rank = 2
        candidate = (rank, order.get(ours, len(order)), ours)
        if key not in reverse or candidate < reverse[key]:
            reverse[key] = candidate
    found = {key: ours for key, (_, _, ours) in reverse.items()}
    for ours in choices:  # our own words always read as themselves
        found.setdefault(fold(ours), ours)
    return found
