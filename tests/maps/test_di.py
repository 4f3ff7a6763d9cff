"""Structural tests of the DI drawing (pure Python SVG)."""

from __future__ import annotations

import pytest

from workbench import bpmn
from workbench.maps import Highlights, NoDiagram, di_map, process_map

from .conftest import REFERENCE, all_text, ids_by_class, needs_dot, parse_svg


def test_shapes_at_their_bounds(ist):
    root = parse_svg(di_map(ist).svg)
    shape = ist.diagrams[0].shape_for("pruefen")
    group = next(el for el in root.iter() if el.get("data-bpmn-id") == "pruefen")
    rect = next(c for c in group if c.tag.endswith("rect"))
    assert float(rect.get("x")) == shape.bounds.x and float(rect.get("width")) == shape.bounds.width
    assert ids_by_class(root, "bpmn-activity") == {a.id for a in ist.activities()}
    assert ids_by_class(root, "bpmn-lane") == {"Lane_1", "Lane_2", "Lane_3"}
    assert ids_by_class(root, "bpmn-pool") == {"Pool_gewerbe_ist"}


def test_edges_follow_waypoints(ist):
    root = parse_svg(di_map(ist).svg)
    edge = ist.diagrams[0].edges[0]
    group = next(el for el in root.iter() if el.get("data-bpmn-id") == edge.bpmn_element)
    path = next(c for c in group if c.tag.endswith("path")).get("d")
    x, y = edge.waypoints[0]
    assert path.startswith(f"M{x:g},{y:g}")


def test_highlights_in_di(ist):
    hl = Highlights.of({("pruefen", "erfassen"): "Papier → Fachverfahren/digital"},
                       waste=["drucken"], automatable=["pruefen"])
    root = parse_svg(di_map(ist, hl).svg)
    assert {"vollstaendig_f", "f_ja"} & ids_by_class(root, "medienbruch") == {"f_ja"}
    assert ids_by_class(root, "verschwendung") == {"drucken"}
    assert ids_by_class(root, "automatisierbar") == {"pruefen"}
    assert "Medienbruch" in all_text(root)


def test_escaping_and_umlauts_in_di(tricky):
    svg = di_map(tricky).svg
    assert "<script" not in svg and "<b>" not in svg
    text = all_text(parse_svg(svg))
    assert "<script>" in text and "Straßenmeisterei" in text and "Öhringen" in text


def test_deterministic_and_self_contained(tricky):
    a, b = di_map(tricky).svg, di_map(tricky).svg
    assert a == b
    for forbidden in ("<script", "<image", "href=", "@import", "<!--"):
        assert forbidden not in a


def test_vertical_pools_are_drawn_vertically():
    model = bpmn.read(REFERENCE / "A.4.1.bpmn")
    root = parse_svg(di_map(model).svg)
    assert len(ids_by_class(root, "bpmn-lane")) == 3
    assert len(ids_by_class(root, "bpmn-pool")) == 2
    assert ids_by_class(root, "bpmn-messageFlow")


def test_model_without_di(tricky):
    from lxml import etree

    root = tricky.root
    for diagram in root.findall("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNDiagram"):
        root.remove(diagram)
    model = bpmn.read(etree.tostring(root))
    with pytest.raises(NoDiagram, match="Diagramminformationen"):
        di_map(model)


@needs_dot
def test_di_style_falls_back_to_auto_without_di(tricky):
    from lxml import etree

    root = tricky.root
    for diagram in root.findall("{http://www.omg.org/spec/BPMN/20100524/DI}BPMNDiagram"):
        root.remove(diagram)
    model = bpmn.read(etree.tostring(root))
    result = process_map(model, style="di", with_metrics=False)
    assert result.style == "auto" and result.warnings


def test_selects_diagram_by_number():
    model = bpmn.read(REFERENCE / "C.5.0.bpmn")
    first, second = di_map(model).svg, di_map(model, diagram=1).svg
    assert first != second
    with pytest.raises(NoDiagram):
        di_map(model, diagram=5)
