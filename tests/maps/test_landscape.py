"""The Prozesslandkarte from a plain DataFrame."""

from __future__ import annotations

import pandas as pd
import pytest

from workbench.maps import landscape_map
from workbench.maps.landscape import DIGITAL_SCALE, NO_VALUE, process_type

from .conftest import ROOT, SVG, all_text, needs_dot, parse_svg

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


# --------------------------------------------------------------------------- poster layout

def _poster_ratio(svg: str) -> float:
    from workbench.maps.export import svg_size

    width, height = svg_size(svg)
    return max(width, height) / min(width, height)


def _large_catalogue() -> pd.DataFrame:
    """60 Leistungen in 9 Fachbereiche of uneven size, three process types."""
    areas = ["Bürgerservice", "Ordnung", "Standesamt", "Finanzen", "Bauen und Umwelt",
             "Soziales/Kita", "Wahlen", "Personal", "Schulen und Sport"]
    sizes = [14, 10, 8, 7, 6, 5, 4, 3, 3]
    kinds = ["Kernprozess", "Kernprozess", "Unterstützungsprozess", "Steuerungsprozess"]
    rows = []
    for area, size in zip(areas, sizes, strict=True):
        for i in range(size):
            n = len(rows)
            rows.append({"id": f"l{n}", "name": f"Leistung {n} Verwaltungsvorgang",
                         "fachbereich": area, "prozesstyp": kinds[(n + i) % 4],
                         "prioritaet": float(n), "digitalanteil": (n % 11) / 10})
    return pd.DataFrame(rows)


def _boxes(root, cls: str) -> list[tuple[float, float, float, float]]:
    """(x0, y0, x1, y1) of the first polygon of every element with class ``cls``."""
    out = []
    for el in root.iter():
        if isinstance(el.tag, str) and cls in (el.get("class") or "").split():
            shape = next(c for c in el.iter() if isinstance(c.tag, str)
                         and c.tag.endswith("polygon"))
            pts = [tuple(map(float, p.split(","))) for p in shape.get("points").split()]
            xs, ys = [p[0] for p in pts], [p[1] for p in pts]
            out.append((min(xs), min(ys), max(xs), max(ys)))
    return out


def test_shipped_example_is_a_near_a_format_poster():
    from workbench.maps.kb import repository_landscape
    from workbench.repository import Repository

    example_repo = Repository.load(ROOT / "processes")
    for color in ("prioritaet", "digitalanteil", "reifegrad"):
        ratio = _poster_ratio(repository_landscape(example_repo, color).svg)
        assert 1.2 <= ratio <= 1.6, (color, ratio)


def test_large_catalogue_wraps_into_rows_near_a_format():
    frame = _large_catalogue()
    result = landscape_map(frame, "digitalanteil", subtitle="60 Leistungen")
    assert 1.2 <= _poster_ratio(result.svg) <= 1.6
    root = parse_svg(result.svg)
    assert set(_tiles(root)) == set(frame["id"])
    text = " ".join(all_text(root).split())
    for area in frame["fachbereich"].unique():
        assert area in text


def test_nothing_overlaps():
    """Tiles never overlap each other, and each tile's text stays inside its tile."""
    for frame in (_frame(), _large_catalogue()):
        root = parse_svg(landscape_map(frame, "prioritaet").svg)
        boxes = _boxes(root, "leistung-kachel")
        assert len(boxes) == len(frame)
        for i, a in enumerate(boxes):
            for b in boxes[i + 1:]:
                assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
        for el in root.iter():
            if "leistung-kachel" not in (el.get("class") or "").split():
                continue
            x0, y0, x1, y1 = _boxes(el, "leistung-kachel")[0]
            for t in el.iter(f"{SVG}text"):
                size = float(t.get("font-size"))
                # graphviz measures the text with the real font and centers it in the tile:
                # a line wider than the tile would start left of the tile's edge
                x, y = float(t.get("x")), float(t.get("y"))
                assert t.get("text-anchor") == "start"
                assert x0 < x < (x0 + x1) / 2, (t.text, x0, x1)
                assert y0 <= y - size * 0.8 and y <= y1, (t.text, y0, y1)


def test_missing_medium_data_is_grey_keine_angabe(example_copy):
    """A model whose steps carry no medium is 'keine Angabe' in grey, never red 'digital 0 %'."""
    import re

    from workbench.maps.kb import repository_landscape
    from workbench.repository import Repository

    path = example_copy / "hundeanmeldung" / "ist.bpmn"
    path.write_text(re.sub(r'\swb:medium="[^"]*"', "", path.read_text(encoding="utf-8")),
                    encoding="utf-8")
    result = repository_landscape(Repository.load(example_copy), "digitalanteil")
    root = parse_svg(result.svg)
    tile = _tiles(root)["hundeanmeldung"]
    shape = next(c for c in tile.iter() if c.tag.endswith("polygon"))
    assert shape.get("fill") == NO_VALUE
    assert "keine Angabe" in " ".join(tile.itertext())
    assert "digital 0 %" not in " ".join(all_text(root).split())
    assert any("hundeanmeldung" in w and "Medium" in w for w in result.warnings)
    # the legend names the grey too
    legend = [el for el in root.iter() if el.tag.endswith("polygon")
              and el.get("fill") == NO_VALUE]
    assert len(legend) >= 2  # the tile(s) and the legend swatch


def test_example_reads_on_a4_landscape():
    """Printed on A4 landscape (277 × 190 mm inside 10 mm margins) the smallest text of the
    example's Landkarte is at least 7 pt."""
    from workbench.maps.kb import repository_landscape
    from workbench.repository import Repository

    svg = repository_landscape(Repository.load(ROOT / "processes"), "digitalanteil").svg
    root = parse_svg(svg)
    width, height = (float(root.get(k).removesuffix("pt")) for k in ("width", "height"))
    scale = min(277 / 25.4 * 72 / width, 190 / 25.4 * 72 / height, 1.0)
    smallest = min(float(t.get("font-size")) for t in root.iter(f"{SVG}text"))
    assert smallest * scale >= 7.0, (smallest, scale)
