"""Map text that is never lost (issue 14): flow labels beside Medienbruch badges, full reasons
in the legend, names instead of ids for unnamed pools and lanes, titles, tooltips."""

from __future__ import annotations

import re

import pytest

from workbench import bpmn
from workbench.maps import auto_map, di_map, process_map

from .conftest import REFERENCE, ROOT, SVG, needs_dot, parse_svg

SHIPPED = sorted((ROOT / "processes").glob("*/*.bpmn"))


def _visible_text(root) -> str:
    """All text a reader sees (tooltips left out)."""
    return " ".join("".join(t.itertext()) for t in root.iter(SVG + "text"))


def _group(root, bpmn_id: str):
    return [g for g in root.iter(SVG + "g") if g.get("data-bpmn-id") == bpmn_id]


@needs_dot
@pytest.mark.parametrize("path", SHIPPED, ids=[f"{p.parent.name}/{p.name}" for p in SHIPPED])
def test_flow_labels_survive_medienbruch_badges(path):
    model = bpmn.read(path)
    result = process_map(model)
    root = parse_svg(result.svg)
    badges = [g for g in root.iter(SVG + "g")
              if "medienbruch-etikett" in (g.get("class") or "").split()]
    numbers = sorted(int(g.get("data-nummer")) for g in badges)
    assert numbers == list(range(1, len(numbers) + 1))
    legend = _visible_text(root)
    for badge in badges:  # the reason in full: tooltip of the badge and words in the legend
        reason = badge.find(SVG + "title").text.removeprefix("Medienbruch: ")
        for word in reason.split():
            assert word in legend or word.rstrip(")") in legend, (word, reason)
    for flow in model.main_process().sequence_flows:
        label = flow.name
        if flow.probability is not None:
            label = f"{label} ({flow.probability * 100:.0f} %)" if label else (
                f"{flow.probability * 100:.0f} %")
        if not label:
            continue
        groups = _group(root, flow.id)
        assert groups, flow.id
        drawn = " ".join(" ".join("".join(t.itertext()) for t in g.iter(SVG + "text"))
                         for g in groups)
        flat = re.sub(r"-\s", "", drawn).replace(" ", "").replace("\xa0", "")
        assert flat.startswith(label.replace(" ", "")[:8]), (flow.id, label, drawn)


@needs_dot
def test_decision_label_and_badge_on_the_same_flow():
    model = bpmn.read(ROOT / "processes/hundeanmeldung/ist.bpmn")
    root = parse_svg(process_map(model).svg)
    (flow,) = _group(root, "Fluss_6_9")  # "vollständig (85 %)" is also a Medienbruch
    assert "medienbruch" in flow.get("class").split()
    assert "vollständig" in " ".join("".join(t.itertext()) for t in flow.iter(SVG + "text"))
    assert [g for g in root.iter(SVG + "g") if g.get("class") == "node medienbruch-etikett"]
    edges = [g for g in root.iter(SVG + "g") if "edge" in (g.get("class") or "").split()]
    assert edges and not [g for g in edges if "Medienbruch" in _visible_text(g)], \
        "keine langen Medienbruch-Beschriftungen mehr an den Flüssen"


@pytest.mark.parametrize("style", ["auto", "di"])
def test_unnamed_lanes_are_counted_and_the_id_is_only_a_tooltip(style):
    if style == "auto":
        needs_dot(lambda: None)
    model = bpmn.read(REFERENCE / "C.1.0.bpmn")
    svg = auto_map(model).svg if style == "auto" else di_map(model).svg
    root = parse_svg(svg)
    visible = _visible_text(root)
    assert "Lane 1" in visible
    assert "sid-744AEFB3" not in visible
    tips = [t.text for t in root.iter(SVG + "title") if t.text]
    assert any("sid-744AEFB3" in t and t.startswith("Lane 1") for t in tips)


@needs_dot
def test_title_is_the_collaboration_name_not_an_id():
    data = (ROOT / "tests/fixtures/bpmn/vendor/camunda-modeler__a21-export.bpmn").read_bytes()
    result = auto_map(bpmn.read(data, name="a21.bpmn"))
    assert not re.search(r"Process_[0-9a-z]{7}", result.title)
    assert "Process_05abo3f" not in _visible_text(parse_svg(result.svg))
    shipped = (ROOT / "processes/briefwahl/ist.bpmn").read_text("utf-8")
    named = shipped.replace('<bpmn:collaboration id="Kollaboration_briefwahl_ist">',
                            '<bpmn:collaboration id="Kollaboration_briefwahl_ist" '
                            'name="Briefwahl im Verbund">')
    assert named != shipped
    assert auto_map(bpmn.read(named)).title == "Briefwahl im Verbund"
    assert di_map(bpmn.read(named)).title == "Briefwahl im Verbund"


@needs_dot
def test_long_names_keep_their_full_text_in_a_tooltip():
    model = bpmn.read(REFERENCE / "C.5.0.bpmn")
    root = parse_svg(auto_map(model).svg)
    for node in model.flow_nodes():
        if len(node.name) > 60:
            groups = _group(root, node.id)
            tips = [t.text for g in groups for t in g.findall(SVG + "title")]
            assert any(" ".join(node.name.split()) in (t or "") for t in tips), node.id
