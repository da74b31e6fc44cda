"""The referential as data: both versions load, say where each text comes from, and the right one
is in force on each day."""

from __future__ import annotations

from datetime import date

import pytest
from click.testing import CliRunner

from automation.cli import main
from automation.errors import ReferentialError
from automation.indicators.compute import KEYS
from automation.letters.catalog import LetterKind
from automation.referential import _load, referential, referential_for, referentials
from automation.registers.schema import REGISTERS_BY_KEY

V10_PENDING = "libellé à confirmer (guide V10 non publié)"


def test_two_versions_ship_with_32_and_33_indicators() -> None:
    assert [(r.version, len(r.indicators)) for r in referentials()] == [("2019-v9", 32),
                                                                         ("2026", 33)]
    old = referential("2019-v9")
    assert old.in_force_from == date(2024, 1, 8)
    assert "V9" in old.guide and "2019-565" in old.decree
    assert [c.number for c in old.criteria] == list(range(1, 8))


def test_version_in_force_is_decided_by_the_day() -> None:
    assert referential_for(date(2026, 10, 31)).version == "2019-v9"
    assert referential_for(date(2026, 11, 1)).version == "2026"
    assert referential_for(date(2021, 3, 1)).version == "2019-v9"  # before the first: the first


def test_2019_wording_of_indicators_30_to_32_is_the_decree_text() -> None:
    old = referential("2019-v9")
    assert old.indicator(31).wording == (  # type: ignore[union-attr]
        "Le prestataire met en œuvre des modalités de traitement des difficultés rencontrées "
        "par les parties prenantes, des réclamations exprimées par ces dernières, des aléas "
        "survenus en cours de prestation.")
    assert old.indicator(31).criterion == 7  # type: ignore[union-attr]
    assert old.indicator(30).wording_source == "decret-2019"  # type: ignore[union-attr]
    assert old.indicator(32).expected_level == (  # type: ignore[union-attr]
        "Démontrer la mise en place d'une démarche d'amélioration continue.")
    assert old.indicator(17).expected_level == ""  # not grounded here: left empty, never written


def test_2026_changes_are_quoted_or_marked_to_be_confirmed() -> None:
    new = referential("2026")
    two, twelve, thirty_two, last = (new.indicator(n) for n in (2, 12, 32, 33))
    assert two is not None and twelve is not None and thirty_two is not None
    assert last is not None
    assert "leurs modalités de calcul" in two.text and two.addition_source == "decret-2026"
    assert "une analyse des risques sur la qualité des formations délivrées" in thirty_two.text
    assert "violences" in twelve.wording_note and "harcèlement" in twelve.wording_note
    assert V10_PENDING in twelve.wording_note
    assert last.wording == V10_PENDING and last.subject == "Apprentissage"
    assert last.criterion is None and last.wording_source == ""
    assert all(i.expected_level == "" for i in new.indicators)  # the V10 guide is not out
    assert "V10" in new.expected_levels_note


@pytest.mark.parametrize("version", ["2019-v9", "2026"])
def test_every_text_names_a_known_source_and_evidence_names_what_exists(version: str) -> None:
    ref = referential(version)
    for item in ref.indicators:
        assert item.wording_source in ref.sources or "à confirmer" in item.wording
        assert all(key in ref.sources for key in item.source_keys)
        assert set(item.evidence.registers) <= set(REGISTERS_BY_KEY)
        assert set(item.evidence.letters) <= {kind.value for kind in LetterKind}
        assert set(item.evidence.results) <= set(KEYS)
    assert ref.evidencing("acknowledged_in_time") == (31,)
    assert set(ref.evidencing("nps")) == {2, 30}


def test_unknown_version_is_refused_naming_the_known_ones() -> None:
    with pytest.raises(ReferentialError, match="2019-v9, 2026"):
        referential("2030")


def test_malformed_data_file_is_refused() -> None:
    good = (
        'version = "x"\ntitle = "t"\ndecree = "d"\nguide = "g"\nin_force_from = 2030-01-01\n'
        'indicator_count = 1\n[sources.s]\ntitle = "S"\n[[criteria]]\nnumber = 1\n'
        'wording = "c"\nsource = "s"\n[[indicators]]\nnumber = 1\ncriterion = 1\n'
        'wording = "w"\nwording_source = "s"\n')
    assert _load("x.toml", good).indicator(1).text == "w"  # type: ignore[union-attr]
    with pytest.raises(ReferentialError, match="numbered 1 to 2"):
        _load("x.toml", good.replace("indicator_count = 1", "indicator_count = 2"))
    with pytest.raises(ReferentialError, match="unknown source"):
        _load("x.toml", good.replace('wording_source = "s"', 'wording_source = "nope"'))
    with pytest.raises(ReferentialError, match="without a source"):
        _load("x.toml", good.replace('wording_source = "s"\n', ""))
    with pytest.raises(ReferentialError, match="malformed"):
        _load("x.toml", good.replace("in_force_from = 2030-01-01", 'in_force_from = "soon"'))


def test_referentiel_command_prints_a_version_with_its_sources() -> None:
    result = CliRunner().invoke(main, ["referentiel", "--version", "2019-v9"])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "32 indicateurs" in flat and "en vigueur à partir du 08/01/2024" in flat
    assert "decret-2019 : Décret n° 2019-565 du 6 juin 2019, annexe" in flat
    assert "guide-v9 : Guide de lecture" in flat
    unknown = CliRunner().invoke(main, ["referentiel", "--version", "V12"])
    assert unknown.exit_code == 2 and "inconnue" in unknown.output
