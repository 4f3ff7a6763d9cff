"""bewertung.yaml: tolerant defaults with findings, strict German errors where it matters."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from workbench.scoring_model import ScoringModelError, load_scoring_model, parse_scoring_model

from ..conftest import EXAMPLE


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "bewertung.yaml"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


MINIMAL = """
    skala: {min: 0, max: 3}
    fehlende_bewertung: renormalisieren
    gruppen:
      - id: n
        name: Nutzen
        dimension: nutzen
        gewicht: 2
        kriterien:
          - {id: fallzahl, name: Fallzahl, gewicht: 1, richtung: hoch, quelle: "berechnet:fallzahl"}
          - {id: qualitaet, name: Qualität, gewicht: 3, richtung: hoch}
      - id: e
        name: Eignung
        dimension: eignung
        kriterien:
          - {id: kosten, name: Kosten, gewicht: 1, richtung: niedrig}
"""


def test_shipped_model_loads_without_findings() -> None:
    model = load_scoring_model(EXAMPLE / "bewertung.yaml")
    assert model.findings == ()
    assert model.missing_policy == "neutral"
    assert {c.source for c in model.computed} == {
        "fallzahl", "stunden_gespart", "digitalanteil_zuwachs", "ozg_luecke"}
    assert sum(model.effective_weights().values()) == pytest.approx(1)


def test_defaults_are_tolerated_with_findings(tmp_path: Path) -> None:
    model = load_scoring_model(_write(tmp_path, MINIMAL))
    assert model.groups[1].weight == 1.0
    assert any("Gruppe 'e'" in f and "Gewicht fehlt" in f for f in model.findings)
    assert model.missing_policy == "renormalisieren"
    weights = model.effective_weights()
    # Nutzen and Eignung count half each; within Nutzen 2·1 : 2·3
    assert weights == pytest.approx({"fallzahl": 0.125, "qualitaet": 0.375, "kosten": 0.5})
    assert [c.id for c in model.rated] == ["qualitaet", "kosten"]


@pytest.mark.parametrize(("change", "message"), [
    (("dimension: eignung", "dimension: wirkung"),
     r"bewertung.yaml, Gruppe 'e': unbekannte Dimension 'wirkung'"),
    (("gewicht: 3, richtung: hoch", "gewicht: -1, richtung: hoch"),
     r"bewertung.yaml, Kriterium 'qualitaet': Gewicht -1 ist negativ"),
    (("gewicht: 3, richtung: hoch", "gewicht: viel, richtung: hoch"),
     r"Kriterium 'qualitaet': Gewicht 'viel' ist keine Zahl"),
    (("richtung: niedrig", "richtung: runter"),
     r"Kriterium 'kosten': 'richtung: runter' ist nicht erlaubt"),
    (('quelle: "berechnet:fallzahl"', 'quelle: "berechnet:einwohner"'),
     r"Kriterium 'fallzahl': unbekannte Quelle 'berechnet:einwohner'"),
    (("fehlende_bewertung: renormalisieren", "fehlende_bewertung: ignorieren"),
     r"'fehlende_bewertung: ignorieren' ist nicht erlaubt"),
    (("id: kosten", "id: qualitaet"), r"Kriterium 'qualitaet': die Kriteriums-ID kommt mehrfach"),
    (("- {id: kosten, name: Kosten, gewicht: 1, richtung: niedrig}",
      "- {id: kosten, name: Kosten, gewicht: 0, richtung: niedrig}"),
     r"Dimension 'eignung' \(Eignung\) hat kein Kriterium mit Gewicht über 0"),
])
def test_strict_errors_name_file_and_criterion(tmp_path: Path, change: tuple[str, str],
                                               message: str) -> None:
    path = _write(tmp_path, MINIMAL.replace(*change))
    with pytest.raises(ScoringModelError, match=message) as info:
        load_scoring_model(path)
    assert str(path) in str(info.value)


def test_broken_yaml_names_the_line(tmp_path: Path) -> None:
    path = _write(tmp_path, "gruppen:\n  - id: [unclosed\n")
    with pytest.raises(ScoringModelError, match=r"Zeile \d+: kein gültiges YAML"):
        load_scoring_model(path)


def test_missing_file_and_empty_groups(tmp_path: Path) -> None:
    with pytest.raises(ScoringModelError, match="Datei nicht gefunden"):
        load_scoring_model(tmp_path / "fehlt.yaml")
    with pytest.raises(ScoringModelError, match="'gruppen' fehlt"):
        parse_scoring_model({"gruppen": []}, "x.yaml")


def test_assumptions_state_policy_and_weights(tmp_path: Path) -> None:
    a = load_scoring_model(_write(tmp_path, MINIMAL)).assumptions()
    assert a["fehlende_bewertung"] == "renormalisieren"
    assert set(a["gewichte"]) == {"fallzahl", "qualitaet", "kosten"}


def test_old_media_break_source_is_accepted_with_a_note() -> None:
    model = parse_scoring_model({
        "skala": {"min": 0, "max": 3},
        "gruppen": [{"id": "n", "name": "N", "dimension": "nutzen", "gewicht": 1, "kriterien": [
            {"id": "mb", "gewicht": 1, "richtung": "hoch",
             "quelle": "berechnet:medienbrueche_vermieden"}]},
            {"id": "e", "name": "E", "dimension": "eignung", "gewicht": 1, "kriterien": [
                {"id": "k", "gewicht": 1, "richtung": "hoch"}]}]}, "alt.yaml")
    assert any("veraltet" in f and "digitalanteil_zuwachs" in f for f in model.findings)
