"""The builder: XSD-valid, lint-clean BPMN with a tidy automatic layout, and random models
(hypothesis) that survive write → read → compare."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import bpmn
from workbench.bpmn.builder import ModelBuilder, safe_id
from workbench.bpmn.lint import lint
from workbench.bpmn.xsd import validate_xsd

from .helpers import assert_same, raw_tree


def hundeanmeldung() -> ModelBuilder:
    b = ModelBuilder("Hundeanmeldung", pool="Gemeinde Grasberg")
    start = b.event("Antrag eingegangen", "start", lane="Bürger:in", definition="message")
    check = b.task("Antrag prüfen", lane="Bürgerbüro", kind="userTask", minutes=5,
                   medium="papier", phase="bearbeitung", automation="regelbasiert")
    gate = b.gateway("Vollständig?", lane="Bürgerbüro")
    ask = b.task("Unterlagen nachfordern", lane="Bürger:in", kind="sendTask", wait_days=7)
    fee = b.task("Gebühr festsetzen", lane="Kasse", kind="serviceTask", system="H&H")
    wait = b.event("Zahlung eingegangen", "intermediateCatch", lane="Kasse", definition="message")
    end = b.event("Steuermarke ausgegeben", "end", lane="Bürgerbüro")
    b.flow(start, check)
    b.flow(check, gate)
    b.flow(gate, fee, name="ja", probability=0.8, condition="vollständig")
    b.flow(gate, ask, name="nein", probability=0.2, default=True)
    b.flow(ask, check)  # a loop back
    b.flow(fee, wait)
    b.flow(wait, end)
    return b


def test_builder_output_is_xsd_valid_lint_clean_and_complete() -> None:
    defs = hundeanmeldung().build()
    assert validate_xsd(defs) == []
    assert lint(defs) == []
    assert defs.warnings == []
    (pool,) = defs.participants
    assert pool.name == "Gemeinde Grasberg" and pool.process == defs.main_process()
    assert [lane.name for lane in defs.main_process().lanes] == ["Bürger:in", "Bürgerbüro", "Kasse"]
    check = next(a for a in defs.activities() if a.name == "Antrag prüfen")
    assert check.local_name == "userTask" and check.minutes == 5 and check.medium == "papier"
    gate = next(n for n in defs.flow_nodes() if isinstance(n, bpmn.Gateway))
    assert sorted(f.probability for f in gate.outgoing) == [0.2, 0.8]
    assert sum(f.is_default for f in gate.outgoing) == 1
    assert next(f for f in gate.outgoing if not f.is_default).condition == "vollständig"
    starts = [n for n in defs.flow_nodes() if n.local_name == "startEvent"]
    assert starts[0].event_definitions == ["message"]
    # every node and flow has DI
    (diagram,) = defs.diagrams
    shaped = {s.bpmn_element for s in diagram.shapes}
    assert {n.id for n in defs.flow_nodes()} | {pool.id} | {
        lane.id for lane in defs.main_process().lanes} <= shaped
    assert {e.bpmn_element for e in diagram.edges} == {
        f.id for f in defs.main_process().sequence_flows}


def _layout(defs: bpmn.Definitions) -> tuple[dict, dict, dict, set]:
    (diagram,) = defs.diagrams
    bounds = {s.bpmn_element: s.bounds for s in diagram.shapes}
    edges = {e.bpmn_element: e.waypoints for e in diagram.edges}
    lanes = {lane.id: lane for lane in defs.main_process().all_lanes}
    back = _back_edges(defs)
    return bounds, edges, lanes, back


def _back_edges(defs: bpmn.Definitions) -> set[str]:
    """Flows that close a loop (target can reach the source without this flow)."""
    import networkx as nx

    graph = bpmn.to_networkx(defs.main_process())
    loops = set()
    for u, v, key in graph.edges(keys=True):
        g = nx.DiGraph(graph)
        g.remove_edge(u, v)
        if nx.has_path(g, v, u):
            loops.add(key)
    return loops


def assert_tidy(defs: bpmn.Definitions) -> None:
    bounds, edges, lanes, back = _layout(defs)
    pool = bounds[defs.participants[0].id]
    lane_bounds = [bounds[lane_id] for lane_id in lanes]
    # lanes are horizontal bands stacked top to bottom inside the pool
    for upper, lower in itertools.pairwise(lane_bounds):
        assert lower.y == pytest.approx(upper.y + upper.height)
    if lane_bounds:
        assert {(b.x, b.width) for b in lane_bounds} == {(lane_bounds[0].x, lane_bounds[0].width)}
        assert lane_bounds[0].y == pool.y
        assert lane_bounds[-1].y + lane_bounds[-1].height == pytest.approx(pool.y + pool.height)
        assert lane_bounds[0].x > pool.x
        assert lane_bounds[0].x + lane_bounds[0].width == pytest.approx(pool.x + pool.width)
    # every node lies inside its lane band (and the pool)
    for node in defs.flow_nodes():
        b = bounds[node.id]
        band = bounds[node.lane.id] if node.lane else pool
        assert band.x <= b.x and b.x + b.width <= band.x + band.width, node
        assert band.y <= b.y and b.y + b.height <= band.y + band.height, node
    # no two nodes overlap
    shapes = [bounds[n.id] for n in defs.flow_nodes()]
    for i, a in enumerate(shapes):
        for b in shapes[i + 1:]:
            assert (a.x + a.width <= b.x or b.x + b.width <= a.x or a.y + a.height <= b.y
                    or b.y + b.height <= a.y), (a, b)
    # flow runs left to right; edges start and end at their nodes and stay in the pool
    for flow in defs.main_process().sequence_flows:
        src, tgt = bounds[flow.source_id], bounds[flow.target_id]
        points = edges[flow.id]
        assert len(points) >= 2
        if flow.id not in back:
            assert tgt.x >= src.x, flow
        for x, y in points:
            assert pool.x <= x <= pool.x + pool.width and pool.y <= y <= pool.y + pool.height, (
                flow, (x, y))
        (x0, y0), (x1, y1) = points[0], points[-1]
        assert src.x <= x0 <= src.x + src.width and src.y <= y0 <= src.y + src.height
        assert tgt.x <= x1 <= tgt.x + tgt.width and tgt.y <= y1 <= tgt.y + tgt.height
        for (ax, ay), (bx, by) in itertools.pairwise(points):
            assert ax == bx or ay == by, "orthogonal segments"


def test_layout_is_tidy() -> None:
    assert_tidy(hundeanmeldung().build())


def test_builder_without_lanes_and_with_sub_process_and_call_activity() -> None:
    b = ModelBuilder("Ohne Lanes")
    s = b.event("Start")
    sub = b.task("Teilprozess", kind="subProcess")
    call = b.task("Aufruf", kind="callActivity")
    e = b.event("Ende", "end", definition="terminate")
    b.flow(s, sub)
    b.flow(sub, call)
    b.flow(call, e)
    defs = b.build()
    assert validate_xsd(defs) == [] and defs.main_process().lanes == []
    shape = defs.diagrams[0].shape_for(sub)
    assert shape.is_expanded is False
    assert_tidy(defs)


def test_builder_rejects_mistakes_in_german() -> None:
    b = ModelBuilder("Fehler")
    t = b.task("A")
    with pytest.raises(ValueError, match="Unbekannter Aufgabentyp"):
        b.task("B", kind="zauberTask")
    with pytest.raises(ValueError, match="Unbekannte Ereignisart"):
        b.event("E", "mittendrin")
    with pytest.raises(ValueError, match="Unbekannte Ereignisdefinition"):
        b.event("E", "start", definition="telepathie")
    with pytest.raises(ValueError, match="Unbekannter Gateway-Typ"):
        b.gateway("G", "vielleicht")
    with pytest.raises(ValueError, match="unbekannten Knoten"):
        b.flow(t, "gibt_es_nicht")
    with pytest.raises(ValueError, match="nicht zwischen 0 und 1"):
        b.flow(t, t, probability=1.5)
    with pytest.raises(ValueError, match="Ungültiger Wert"):
        b.task("C", medium="Brieftaube")
    with pytest.raises(ValueError, match="bereits vergeben"):
        b.task("D", id=t)


def test_safe_id() -> None:
    assert safe_id("Antrag prüfen") == "Antrag_pruefen"
    assert safe_id("123") == "Element_123" and safe_id("") == "Element"
    assert safe_id("Größe/Maß") == "Groesse_Mass"


def test_build_round_trip_is_exact() -> None:
    defs = hundeanmeldung().build()
    out = defs.to_bytes()
    assert_same(raw_tree(out), raw_tree(bpmn.read(out).to_bytes()))
    assert out.count(b"xmlns:wb=") == 1


# --------------------------------------------------------------------------- hypothesis


@st.composite
def random_models(draw: st.DrawFn) -> tuple[ModelBuilder, dict]:
    """A random but valid process: lanes, tasks, XOR splits with probabilities, loops."""
    lanes = draw(st.lists(st.sampled_from(["Bürgerbüro", "Fachamt", "Kasse", "Leitung",
                                            "Bürger:in"]), min_size=0, max_size=4, unique=True))
    lane = st.sampled_from(lanes) if lanes else st.none()
    b = ModelBuilder(draw(st.sampled_from(["Hundeanmeldung", "Wohngeld", "Baugenehmigung"])))
    expected: dict = {"tasks": {}, "probabilities": {}}
    current = b.event("Start", "start", lane=draw(lane))
    for step in range(draw(st.integers(1, 6))):
        name = f"Schritt {step} – {draw(st.sampled_from(['prüfen', 'erfassen', 'bescheiden']))}"
        minutes = draw(st.none() | st.integers(1, 600).map(float))
        medium = draw(st.none() | st.sampled_from(["papier", "email", "fachverfahren"]))
        task = b.task(name, lane=draw(lane), minutes=minutes, medium=medium,
                      kind=draw(st.sampled_from(["task", "userTask", "serviceTask"])))
        expected["tasks"][task] = (name, minutes, medium)
        b.flow(current, task)
        current = task
        if draw(st.booleans()):  # an XOR split: go on, or loop back / skip ahead
            gate = b.gateway(f"OK {step}?", lane=draw(lane))
            b.flow(current, gate)
            p = draw(st.integers(1, 99)) / 100
            rework = b.task(f"Nacharbeit {step}", lane=draw(lane))
            go_on = b.flow(gate, b.gateway(lane=draw(lane), kind="exclusive"),
                           probability=1 - p, name="ja")
            back = b.flow(gate, rework, probability=p, name="nein", condition="nein")
            b.flow(rework, task)  # the loop
            expected["probabilities"][go_on] = round(1 - p, 6)
            expected["probabilities"][back] = p
            current = next(f.target for f in b.flows if f.id == go_on)
    end = b.event("Ende", "end", lane=draw(lane))
    b.flow(current, end)
    expected["lanes"] = b.lanes  # the lanes nodes were put in, in order of first use
    assert set(b.lanes) <= set(lanes)
    return b, expected


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_models())
def test_random_models_build_write_read_compare(model) -> None:
    builder, expected = model
    defs = builder.build()
    out = defs.to_bytes()
    again = bpmn.read(out)
    assert again.warnings == []
    assert_same(raw_tree(out), raw_tree(again.to_bytes()))
    assert_same(defs.root, raw_tree(out))
    # the view reads back what was built
    for task_id, (name, minutes, medium) in expected["tasks"].items():
        task = again[task_id]
        assert (task.name, task.minutes, task.medium) == (name, minutes, medium)
    for flow_id, p in expected["probabilities"].items():
        assert again[flow_id].probability == pytest.approx(p, abs=1e-6)
    assert [lane.name for lane in again.main_process().lanes] == expected["lanes"]
    assert validate_xsd(again) == []
    assert [f for f in lint(again) if f.severity == "error"] == []
    assert_tidy(again)
