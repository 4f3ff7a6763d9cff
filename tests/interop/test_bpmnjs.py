"""bpmn.io opens the BPMN we write: the real bpmn-js viewer (npm) in headless Chromium.

* Every generated model (processes/**/*.bpmn, written by ``ModelBuilder`` with automatic layout)
  imports without error and without a single bpmn-js warning, every flow node and sequence flow
  is rendered as an SVG element, lanes are horizontal bands, and the layout is tidy: no shapes on
  top of each other, no flow line through a shape that it does not connect or through a label,
  no label on a shape or on another label.
* Every lossless round trip (``bpmn.read(path).to_bytes()``) of the 21 MIWG reference models and
  of the vendor exports adds no bpmn-js warning to those of the original file.
"""

from __future__ import annotations

import itertools
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.interop.harness import ROOT, BpmnJsViewer
from workbench import bpmn

pytestmark = pytest.mark.browser

MIWG = ROOT.parent / "shared" / "data" / "miwg-reference"
if not MIWG.is_dir():  # CI clones main with shared/ beside it
    MIWG = Path("/work/shared/data/miwg-reference")
VENDOR = ROOT / "tests" / "fixtures" / "bpmn" / "vendor"
GENERATED = sorted((ROOT / "processes").glob("**/*.bpmn"))
MIWG_FILES = sorted(MIWG.glob("*.bpmn"))
VENDOR_FILES = sorted(VENDOR.glob("*.bpmn"))
EXAMPLE = ROOT / "processes" / "hundeanmeldung" / "ist.bpmn"
TOLERANCE = 0.5  # diagram units; DI coordinates are written with one decimal at most


def _rel(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else path.name


def _overlap(a: dict[str, float], b: dict[str, float], margin: float = TOLERANCE) -> bool:
    return (a["x"] < b["x"] + b["width"] - margin and b["x"] < a["x"] + a["width"] - margin
            and a["y"] < b["y"] + b["height"] - margin and b["y"] < a["y"] + a["height"] - margin)


def _segment_box(p: dict[str, float], q: dict[str, float]) -> dict[str, float]:
    return {"x": min(p["x"], q["x"]), "y": min(p["y"], q["y"]),
            "width": abs(p["x"] - q["x"]), "height": abs(p["y"] - q["y"])}


def _crosses(segment: dict[str, float], shape: dict[str, float]) -> bool:
    """An axis-parallel segment runs through the inside of a shape (touching the border is fine)."""
    return (segment["x"] < shape["x"] + shape["width"] - TOLERANCE
            and shape["x"] + TOLERANCE < segment["x"] + segment["width"]
            and segment["y"] < shape["y"] + shape["height"] - TOLERANCE
            and shape["y"] + TOLERANCE < segment["y"] + segment["height"])


def test_the_corpus_is_complete() -> None:
    assert len(GENERATED) >= 30, "Beispielmodelle in processes/ fehlen"
    assert len(MIWG_FILES) == 21, f"Erwartet 21 MIWG-Referenzmodelle in {MIWG}"
    assert len(VENDOR_FILES) >= 15, f"Herstellerexporte in {VENDOR} fehlen"


# --------------------------------------------------------------------------- generated models


@pytest.mark.parametrize("path", GENERATED, ids=_rel)
def test_generated_model_opens_clean(bpmnjs: BpmnJsViewer, path: Path) -> None:
    defs = bpmn.read(path)
    bpmnjs.console_errors.clear()
    result = bpmnjs.load(path.read_text(encoding="utf-8"))
    assert result.error is None, f"bpmn-js kann {_rel(path)} nicht öffnen: {result.error}"
    assert result.warnings == [], f"bpmn-js warnt bei {_rel(path)}: {result.warnings}"
    assert bpmnjs.console_errors == []

    shapes = {s["id"]: s for s in bpmnjs.shapes()}
    connections = {c["id"]: c for c in bpmnjs.connections()}
    flow_nodes = defs.flow_nodes()
    flows = [f for p in defs.processes for f in p.all_sequence_flows]
    assert flow_nodes and flows
    # every flow node and sequence flow is an SVG element that bpmn-js actually drew
    for node in flow_nodes:
        shape = shapes.get(node.id)
        assert shape is not None and shape["svg"], f"{node.id} fehlt im SVG"
        assert shape["screen"] and shape["screen"]["width"] > 0 and shape["screen"]["height"] > 0
    for flow in flows:
        conn = connections.get(flow.id)
        assert conn is not None and conn["svg"], f"{flow.id} fehlt im SVG"
        assert (conn["source"], conn["target"]) == (flow.source_id, flow.target_id)
    _assert_horizontal_lanes(shapes)
    _assert_tidy([shapes[n.id] for n in flow_nodes], [connections[f.id] for f in flows], shapes)


def _assert_horizontal_lanes(shapes: dict[str, dict[str, Any]]) -> None:
    pools = [s for s in shapes.values() if s["type"] == "bpmn:Participant"]
    lanes = [s for s in shapes.values() if s["type"] == "bpmn:Lane"]
    assert pools and all(p["horizontal"] for p in pools), "Pools müssen horizontal sein"
    assert lanes, "generierte Modelle haben Lanes"
    for parent, group in itertools.groupby(sorted(lanes, key=lambda s: (s["parent"], s["y"])),
                                           key=lambda s: s["parent"]):
        band = list(group)
        outer = shapes[parent]
        assert all(lane["horizontal"] for lane in band)
        # bpmn-js' own bounds: same x and width, stacked without gap, filling the pool
        assert {(lane["x"], lane["width"]) for lane in band} == {(band[0]["x"], band[0]["width"])}
        for upper, lower in itertools.pairwise(band):
            assert lower["y"] == pytest.approx(upper["y"] + upper["height"], abs=TOLERANCE)
        assert band[0]["y"] == pytest.approx(outer["y"], abs=TOLERANCE)
        assert band[-1]["y"] + band[-1]["height"] == pytest.approx(
            outer["y"] + outer["height"], abs=TOLERANCE)
        assert band[0]["x"] + band[0]["width"] == pytest.approx(
            outer["x"] + outer["width"], abs=TOLERANCE)
        # and what the browser drew: the rendered boxes line up the same way (screen pixels)
        boxes = [lane["screen"] for lane in band]
        for box in boxes:
            assert box["x"] == pytest.approx(boxes[0]["x"], abs=1)
            assert box["width"] == pytest.approx(boxes[0]["width"], abs=1)
        for upper, lower in itertools.pairwise(boxes):
            assert upper["y"] < lower["y"]
            assert lower["y"] == pytest.approx(upper["y"] + upper["height"], abs=1.5)


def _assert_tidy(nodes: list[dict[str, Any]], connections: list[dict[str, Any]],
                 shapes: dict[str, dict[str, Any]]) -> None:
    lanes = [s for s in shapes.values() if s["type"] == "bpmn:Lane"]
    for a, b in itertools.combinations(nodes, 2):
        assert not _overlap(a, b), f"{a['id']} und {b['id']} liegen übereinander"
    for node in nodes:
        inside = [lane for lane in lanes
                  if lane["x"] <= node["x"] and node["x"] + node["width"] <= lane["x"] + lane["width"]
                  and lane["y"] <= node["y"] and node["y"] + node["height"] <= lane["y"] + lane["height"]]
        assert inside, f"{node['id']} liegt in keiner Lane"
    # labels as bpmn-js lays them out (height fitted to the text): on no shape, on no other label
    labels = {f"Beschriftung von {e['id']}": e["label"] for e in nodes + connections if e["label"]}
    for name, label in labels.items():
        for node in nodes:
            assert not _overlap(label, node), f"{name} liegt auf {node['id']}"
    for (a, la), (b, lb) in itertools.combinations(labels.items(), 2):
        assert not _overlap(la, lb), f"{a} und {b} liegen übereinander"
    # flows: orthogonal, through no shape they do not connect and through no label
    for conn in connections:
        for p, q in itertools.pairwise(conn["waypoints"]):
            assert p["x"] == q["x"] or p["y"] == q["y"], f"{conn['id']}: schräges Segment"
            segment = _segment_box(p, q)
            for node in nodes:
                if node["id"] not in (conn["source"], conn["target"]):
                    assert not _crosses(segment, node), f"{conn['id']} läuft durch {node['id']}"
            for name, label in labels.items():
                assert not _crosses(segment, label), f"{conn['id']} läuft durch die {name}"


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("path", MIWG_FILES + VENDOR_FILES, ids=_rel)
def test_round_trip_adds_no_warning(bpmnjs: BpmnJsViewer, path: Path) -> None:
    data = path.read_bytes()
    # like Camunda Modeler, read the original as UTF-8 (bpmn-js warns about other encodings)
    original = bpmnjs.load(data.decode("utf-8", errors="replace"))
    ours = bpmnjs.load(bpmn.read(path).to_bytes().decode("utf-8"))
    added = Counter(ours.warnings) - Counter(original.warnings)
    assert not added, f"Unser Export von {path.name} bringt neue bpmn-js-Warnungen: {list(added)}"
    if original.error is None:
        assert ours.error is None, f"bpmn-js kann unseren Export von {path.name} nicht öffnen"
    else:  # e.g. a model without diagram: we keep it lossless, so bpmn-js says the same
        assert ours.error in (None, original.error)


# --------------------------------------------------------------------------- screenshot


def test_screenshot_of_an_example_model(bpmnjs: BpmnJsViewer, tmp_path: Path) -> None:
    from PIL import Image

    result = bpmnjs.load(EXAMPLE.read_text(encoding="utf-8"))
    assert result.error is None and result.warnings == []
    png = bpmnjs.screenshot(tmp_path / "bpmnjs-hundeanmeldung-ist.png")
    with Image.open(png) as image:
        width, height = image.size
        assert width > 600 and height > 150
        assert width > height, "Lanes laufen von links nach rechts"
        colours = image.convert("L").getcolors(maxcolors=256 * 256)
    dark = sum(count for count, value in colours if value < 128)
    assert dark > 0.01 * width * height, "das Bild ist leer"
