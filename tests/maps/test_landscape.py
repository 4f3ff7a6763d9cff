"""The Prozesslandkarte from a plain DataFrame."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.maps import landscape_map
from workbench.maps.landscape import DIGITAL_SCALE, NO_VALUE, process_type

from .conftest import all_text, needs_dot, parse_svg

pytestmark = needs_dot


def _frame() -> pd.DataFrame:
    return pd.DataFrame([
        {"id": "gewerbe", "name": "Gewerbeanmeldung", "fachbereich": "Ordnung",
         "prozesstyp": "Kernprozess", "prioritaet": 80.0, "digitalanteil": 0.9},
        {"id": "hund", "name": "Hundeanmeldung", "fachbereich": "Finanzen",
         "prozesstyp": "Kernprozess", "prioritaet": 20.0, "digitalanteil": 0.1},
        {"id": "sepa", "name": "SEPA-Mandat", "fachbereich": "Finanzen",
         "prozesstyp": "Unterstützungsprozess", "prioritaet": 50.0, "digitalanteil": None},
        {"id": "boese", "name": "<script>alert(1)</script>", "fachbereich": None,
         "prozesstyp": None, "prioritaet": None, "digitalanteil": 0.5},
    ])


def _tiles(root):
    return {el.get("data-leistung"): el for el in root.iter()
            if "leistung-kachel" in (el.get("class") or "").split()}


def test_every_leistung_is_a_tile_grouped_and_labelled():
    result = landscape_map(_frame(), "prioritaet", subtitle="Beispielwerte")
    root = parse_svg(result.svg)
    assert set(_tiles(root)) == {"gewerbe", "hund", "sepa", "boese"}
    text = " ".join(all_text(root).split())
    for heading in ("Prozesslandkarte", "Ordnung", "Finanzen", "ohne Fachbereich",
                    "Kernprozesse", "Unterstützungs", "Legende", "keine Angabe"):
        assert heading in text
    assert "<script" not in result.svg


def test_digital_share_colors():
    root = parse_svg(landscape_map(_frame(), "digitalanteil").svg)
    tiles = _tiles(root)

    def fill(key: str) -> str:
        shape = next(c for c in tiles[key].iter() if c.tag.endswith("polygon"))
        return shape.get("fill")

    assert fill("gewerbe") == DIGITAL_SCALE[4]
    assert fill("hund") == DIGITAL_SCALE[0]
    assert fill("sepa") == NO_VALUE


def test_percent_values_are_accepted():
    frame = _frame().assign(digitalanteil=[90, 10, None, 50])
    root = parse_svg(landscape_map(frame, "digitalanteil").svg)
    assert "digital 90 %" in " ".join(all_text(root).split())


def test_unknown_value_column_is_a_german_error():
    with pytest.raises(ValueError, match="Spalte 'wert'"):
        landscape_map(_frame(), "wert")


def test_process_type_spellings():
    assert process_type("Führungsprozess") == "Führungs- und Steuerungsprozesse"
    assert process_type("Steuerungsprozess") == "Führungs- und Steuerungsprozesse"
    assert process_type("Kern-/Leistungsprozess") == "Kernprozesse"
    assert process_type("Unterstützungsprozess") == "Unterstützungsprozesse"
    assert process_type(None) == "ohne Prozesstyp"


def test_deterministic():
    assert landscape_map(_frame()).svg == landscape_map(_frame()).svg
