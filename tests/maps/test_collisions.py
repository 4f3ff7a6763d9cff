"""Nothing hides text on a map (issue 14): measured on the rendered SVG of the 21 MIWG
reference models and the shipped example, in both styles. Text boxes come from the SVG text
positions and the DejaVu Sans advance widths (fontTools), flows from the SVG paths, nodes from
their outlines (see :func:`tests.maps.geometry.collisions`)."""

from __future__ import annotations

import re
import shutil
from functools import lru_cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from lxml import etree

from workbench import bpmn
from workbench.bpmn.namespaces import WB
from workbench.maps import process_map
from workbench.maps.examples import gewerbe_ist, gewerbe_soll

from .conftest import REFERENCE, REFERENCE_MODELS, ROOT, SVG, needs_dot
from .geometry import FONTS, collisions, text_boxes

SHIPPED = sorted((ROOT / "processes").glob("*/*.bpmn"))
FIM = Path("/work/shared/data/fim/fim-prozess-mutterschutz-anzeige.xprozess.xml")
if (ROOT.parent / "shared" / "data" / "fim").is_dir():
    FIM = ROOT.parent / "shared" / "data" / "fim" / FIM.name
#: the models the last session named with hidden text in auto style
DEFECTS = ["C.9.2", "C.3.0", "C.2.0", "A.4.1", "B.1.0"]
KINDS = ("text", "edge", "node", "frame")


@lru_cache(maxsize=128)
def _svg(path: Path, style: str) -> str:
    return process_map(bpmn.read(path), style=style).svg


def _hidden(found: dict[str, list[tuple[str, str]]]) -> list[tuple[str, str, str]]:
    return [(kind, *pair) for kind in ("text", "edge", "node") for pair in found[kind]]


def _assert_clean(found: dict[str, list[tuple[str, str]]]) -> None:
    """No collision of any kind: text over text, flow through text, text over a foreign
    element, text across a pool, lane, sub-process or group frame."""
    assert {kind: found[kind] for kind in KINDS if found[kind]} == {}


def test_collisions_are_measured_on_real_geometry():
    """The measure itself: a label moved onto a flow, onto a node and onto another label is
    caught; the untouched drawing is clean."""
    svg = process_map(gewerbe_ist(), style="di").svg
    assert _hidden(collisions(svg)) == []
    root = etree.fromstring(svg.encode("utf-8"))
    flow = next(g for g in root.iter(SVG + "g") if "bpmn-sequenceFlow" in (g.get("class") or ""))
    x, y = re.findall(r"-?\d+(?:\.\d+)?", flow.find(SVG + "path").get("d"))[:2]
    label = etree.SubElement(flow.getparent(), SVG + "text", x=str(float(x) - 5), y=str(float(y) + 4))
    label.text = "verdeckt"
    task = next(g for g in root.iter(SVG + "g") if "bpmn-activity" in (g.get("class") or ""))
    rect = task.find(SVG + "rect")
    other = etree.SubElement(task.getparent(), SVG + "text", x=rect.get("x"),
                             y=str(float(rect.get("y")) + 20))
    other.text = "über der Aufgabe"
    found = collisions(etree.tostring(root, encoding="unicode"))
    assert ("verdeckt", "Fluss " + flow.get("data-bpmn-id")) in found["edge"]
    assert ("über der Aufgabe", "Element " + task.get("data-bpmn-id")) in found["node"]
    twin = etree.SubElement(flow.getparent(), SVG + "text", x=label.get("x"), y=label.get("y"))
    twin.text = "doppelt"
    assert ("verdeckt", "doppelt") in collisions(etree.tostring(root, encoding="unicode"))["text"]
    lane = next(g for g in root.iter(SVG + "g") if "bpmn-lane" in (g.get("class") or ""))
    bottom = float(lane.find(SVG + "rect").get("y")) + float(lane.find(SVG + "rect").get("height"))
    across = etree.SubElement(lane.getparent(), SVG + "text", x=rect.get("x"), y=str(bottom + 3))
    across.text = "über der Lane-Grenze"
    found = collisions(etree.tostring(root, encoding="unicode"))
    assert ("über der Lane-Grenze", "Rahmen " + lane.get("data-bpmn-id")) in found["frame"]


@needs_dot
@pytest.mark.parametrize("name", DEFECTS)
def test_named_defects_hide_no_text_in_auto_style(name):
    found = collisions(_svg(REFERENCE / f"{name}.bpmn", "auto"))
    assert found["text"] == [] and found["node"] == []
    assert found["edge"] == []


@needs_dot
@pytest.mark.parametrize("style", ["auto", "di"])
@pytest.mark.parametrize("model", [gewerbe_ist, gewerbe_soll], ids=["ist", "soll"])
def test_example_maps_hide_no_text(model, style):
    _assert_clean(collisions(process_map(model(), style=style).svg))


@needs_dot
@pytest.mark.parametrize("style", ["auto", "di"])
@pytest.mark.parametrize("path", SHIPPED, ids=[f"{p.parent.name}/{p.name}" for p in SHIPPED])
def test_shipped_models_hide_no_text(path, style):
    """Every shipped model, both styles: no text over text, no flow through text, no text
    over an element, no text across a pool, lane or sub-process frame."""
    svg = _svg(path, style)
    assert len(text_boxes(svg)) > 20
    _assert_clean(collisions(svg))


@needs_dot
@pytest.mark.slow
@pytest.mark.parametrize("style", ["auto", "di"])
@pytest.mark.parametrize("path", REFERENCE_MODELS, ids=[p.stem for p in REFERENCE_MODELS])
def test_miwg_models_hide_no_text(path, style):
    """Each of the 21 MIWG reference models, both styles, map by map (no total with a
    tolerance)."""
    _assert_clean(collisions(_svg(path, style)))


@pytest.fixture(scope="module")
def fim_model(tmp_path_factory) -> Path:
    """The real FIM file imported as a user would: ``workbench import xprozess`` into a copy
    of the shipped knowledge base (3 pools, 12 sub-processes, no minutes, no
    probabilities)."""
    if not FIM.exists():
        pytest.skip("FIM-Datei aus shared/data fehlt")
    from workbench.cli import main

    kb = tmp_path_factory.mktemp("fim") / "kb"
    shutil.copytree(ROOT / "processes", kb)
    with (kb / "leistungen.yaml").open("a", encoding="utf-8") as out:
        out.write("  - id: mutterschutz\n    name: Mutterschutz-Anzeige\n"
                  "    fachbereich: Ordnung\n    prozesstyp: Kernprozess\n")
    assert main(["import", "xprozess", str(FIM), "--leistung", "mutterschutz", "--variant",
                 "soll", "--repository", str(kb)]) == 0
    return kb / "mutterschutz" / "soll.bpmn"


@needs_dot
@pytest.mark.parametrize("style", ["auto", "di"])
def test_imported_fim_model_hides_no_text(fim_model, style):
    defs = bpmn.read(fim_model)
    assert len(defs.participants) == 3
    assert not any(a.get_ext("minutes") for a in defs.activities())
    _assert_clean(collisions(_svg(fim_model, style)))


@pytest.fixture(scope="module")
def bare_model(tmp_path_factory) -> Path:
    """A shipped model (Fundsachen IST: fan-out, Medienbrüche) with every minute and every
    probability taken out: decision labels without "(75 %)", activities without minutes."""
    root = etree.parse(str(ROOT / "processes" / "fundsachen" / "ist.bpmn"))
    removed = 0
    for el in root.iter():
        for key in (f"{{{WB}}}minutes", f"{{{WB}}}probability"):
            if key in el.attrib:
                del el.attrib[key]
                removed += 1
    assert removed > 10
    path = tmp_path_factory.mktemp("bare") / "ohne_werte.bpmn"
    root.write(str(path), xml_declaration=True, encoding="UTF-8")
    return path


@needs_dot
@pytest.mark.parametrize("style", ["auto", "di"])
def test_model_without_probabilities_and_minutes_hides_no_text(bare_model, style):
    svg = _svg(bare_model, style)
    assert "%" not in "".join(text for text, _, _ in text_boxes(svg) if "(" in text)
    _assert_clean(collisions(svg))


@lru_cache(maxsize=1)
def _dejavu() -> set[int]:
    codes: set[int] = set()
    for name in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf"):
        codes |= set(TTFont(FONTS / name).getBestCmap())
    return codes


@needs_dot
@pytest.mark.parametrize("style", ["auto", "di"])
def test_every_character_on_a_map_is_in_the_font(style):
    """No missing-glyph box: every character the maps write exists in DejaVu Sans (C.9.2's
    parallel multi-instance marker was U+2980, which it lacks)."""
    missing = set()
    for path in [*REFERENCE_MODELS, *SHIPPED]:
        for text, _, _ in text_boxes(_svg(path, style)):
            missing |= {(path.stem, char, f"U+{ord(char):04X}") for char in text
                        if ord(char) not in _dejavu()}
    assert missing == set()


@needs_dot
def test_processes_outside_the_pools_are_numbered_pools():
    svg = _svg(REFERENCE / "B.1.0.bpmn", "auto")
    shown = {text for text, _, _ in text_boxes(svg)}
    assert {"Pool 3", "Pool 4"} <= shown
    assert not any("ohne Namen" in text for text in shown)
    tips = [t.text for t in etree.fromstring(svg.encode("utf-8")).iter(SVG + "title")]
    assert any(t and t.startswith("Pool 3 – ohne Namen, ID ") for t in tips)


def _box_of(svg: str, bpmn_id: str) -> tuple[float, float, float, float]:
    from .geometry import _shape_box_any

    root = etree.fromstring(svg.encode("utf-8"))
    group = next(g for g in root.iter(SVG + "g") if g.get("data-bpmn-id") == bpmn_id
                 and "node" in (g.get("class") or ""))
    box = _shape_box_any(group)
    assert box is not None
    return box


@needs_dot
def test_annotation_sits_beside_its_element():
    """MIWG B.1.0: the text annotation belongs to "Call Activity Collapsed"; dot put it below
    the next activity, its association crossing that activity. Now it touches its element's
    side (gap ≤ 20 px) and no flow runs through any text."""
    svg = _svg(REFERENCE / "B.1.0.bpmn", "auto")
    note = _box_of(svg, "_4815ea6a-ede2-489b-8b37-2cdb2835b02c")
    host = _box_of(svg, "_1237e756-d53c-4591-a731-dafffbf0b3f9")
    gap_x = max(note[0] - host[2], host[0] - note[2], 0)
    gap_y = max(note[1] - host[3], host[1] - note[3], 0)
    assert max(gap_x, gap_y) <= 20, (note, host)
    assert collisions(svg)["edge"] == []



def _named(defs, style: str) -> set[str]:
    """Names a map must show: flow nodes, sequence and message flows, lanes and pools (in the DI
    style those the drawn diagram has a shape or edge for)."""
    elements = [*defs.flow_nodes(), *defs.message_flows, *defs.participants]
    for process in defs.processes:
        elements += [*process.all_sequence_flows, *process.all_lanes]
    if style == "di":
        from workbench.maps.di import select_diagram

        diagram = select_diagram(defs)
        drawn = {s.bpmn_element for s in diagram.shapes} | {e.bpmn_element for e in diagram.edges}
        elements = [e for e in elements if e.id in drawn]
    return {" ".join(e.name.split()) for e in elements if e.name and e.name.strip()}


@needs_dot
@pytest.mark.slow
@pytest.mark.parametrize("style", ["auto", "di"])
def test_no_name_is_dropped(style):
    """Moving a label never drops text: every name of a flow node, flow, lane or pool stays in
    the SVG, as text (perhaps wrapped and hyphenated) or in full in a tooltip (shortened text
    ends in '…')."""
    missing = []
    for path in [*REFERENCE_MODELS, *SHIPPED]:
        defs = bpmn.read(path)
        root = etree.fromstring(_svg(path, style).encode("utf-8"))
        tips = " | ".join(" ".join((t.text or "").split()) for t in root.iter(SVG + "title"))
        shown = " ".join(" ".join("".join(t.itertext()).split()) for t in root.iter(SVG + "text"))
        missing += [(path.stem, name) for name in _named(defs, style)
                    if name not in tips and name not in shown]
    assert missing == []


PAIRS = sorted(d for d in (ROOT / "processes").iterdir()
               if (d / "ist.bpmn").exists() and (d / "soll.bpmn").exists())


@needs_dot
@pytest.mark.parametrize("folder", PAIRS, ids=[d.name for d in PAIRS])
def test_comparison_maps_hide_no_text(folder):
    """The IST/SOLL comparison map of every shipped pair (two sections, one above the other)."""
    from workbench.maps.compare import compare_models

    svg = compare_models(bpmn.read(folder / "ist.bpmn"), bpmn.read(folder / "soll.bpmn")).svg
    assert len(text_boxes(svg)) > 40
    _assert_clean(collisions(svg))


def test_centred_room_beside_boundary_events():
    """Hand-computed: a name centred at x = 100 in an 80 wide activity; a boundary event from
    x = 125 on the right edge leaves 2 × (125 − 100 − 2) = 46, one from the left ending at 70
    leaves 2 × 28 = 56; an event above or below the text does not count."""
    from workbench.maps.di_labels import centred_room

    assert centred_room(100, 0, 20, 80, [(125, 5, 145, 25)]) == 46
    assert centred_room(100, 0, 20, 80, [(50, 5, 70, 25)]) == 56
    assert centred_room(100, 0, 20, 80, [(125, 30, 145, 50)]) == 80


@needs_dot
@pytest.mark.slow
@pytest.mark.parametrize("folder", PAIRS, ids=[d.name for d in PAIRS])
def test_comparison_maps_in_print_rows_hide_no_text(folder):
    """The comparison map as the Kommune report draws it for print (rows of 4, 3 or 2
    columns, :data:`workbench.report_content.kommune.PRINT_WRAPS`)."""
    from workbench.maps.compare import compare_models
    from workbench.report_content.kommune import PRINT_WRAPS

    ist, soll = bpmn.read(folder / "ist.bpmn"), bpmn.read(folder / "soll.bpmn")
    for wrap in PRINT_WRAPS:
        _assert_clean(collisions(compare_models(ist, soll, wrap=wrap).svg))
