"""The typed view over the tree: every construct of the issue, on the reference models where
they contain it, on small documents where they do not (transaction, ad-hoc sub-process, nested
lanes, complex gateway, script task)."""

from __future__ import annotations

from functools import cache

import pytest

from workbench import bpmn
from workbench.bpmn import vocabulary as voc
from workbench.bpmn.model import Association, TextAnnotation

from .helpers import MIWG, doc, process


@cache
def ref(name: str) -> bpmn.Definitions:
    return bpmn.read(MIWG / f"{name}.bpmn")


def nodes_of(defs: bpmn.Definitions, local: str) -> list[bpmn.FlowNode]:
    return [n for n in defs.flow_nodes() if n.local_name == local]


# --------------------------------------------------------------------------- definitions


def test_definitions_basics_a10() -> None:
    defs = ref("A.1.0")
    assert defs.id and defs.processes and len(defs.diagrams) == 1
    process_ = defs.main_process()
    assert [n.local_name for n in process_.flow_nodes].count("task") == 3
    assert len(process_.sequence_flows) == 4
    start = nodes_of(defs, "startEvent")[0]
    assert isinstance(start, bpmn.Event) and start.incoming == [] and len(start.outgoing) == 1
    assert start.outgoing[0].target.local_name == "task"
    assert defs[start.id] == start and defs.get("gibt-es-nicht") is None
    with pytest.raises(KeyError, match="Kein Element"):
        defs["gibt-es-nicht"]
    assert start.line and start.type_label == "Startereignis"
    assert "Definitions" in repr(defs) or "Prozess" in repr(defs)


def test_every_task_type_has_the_activity_view() -> None:
    seen: dict[str, str] = {}
    for name in ("B.2.0", "C.4.0", "C.7.0"):
        for node in ref(name).flow_nodes():
            if node.local_name in voc.TASKS:
                assert isinstance(node, bpmn.Activity) and not node.is_sub_process
                seen[node.local_name] = name
    # all but scriptTask occur in the reference set (see test_small_constructs for that one)
    assert set(seen) == voc.TASKS - {"scriptTask"}, seen


def test_loop_markers_b20() -> None:
    loops = sorted(a.loop for a in ref("B.2.0").activities() if a.loop)
    assert loops == ["parallel", "parallel", "sequential", "standard"]


def test_sub_processes_and_call_activities() -> None:
    defs = ref("B.2.0")
    subs = nodes_of(defs, "subProcess")
    assert len(subs) == 5 and all(isinstance(s, bpmn.SubProcess) for s in subs)
    expanded = [s for s in subs if s.flow_nodes]
    assert expanded, "B.2.0 hat aufgeklappte Teilprozesse mit Inhalt"
    inner = expanded[0].flow_nodes[0]
    assert inner.container == expanded[0] and inner.process.id == expanded[0].process.id
    assert len(defs.main_process().all_flow_nodes) > len(defs.main_process().flow_nodes)
    calls = [n for n in defs.flow_nodes() if n.local_name == "callActivity"]
    assert len(calls) == 3 and all(isinstance(c, bpmn.Activity) for c in calls)
    assert all(c.element.get("calledElement") is not None or c.name for c in calls)


@pytest.mark.parametrize(("name", "count"), [("C.6.0", 1), ("C.9.0", 2), ("C.9.2", 3)])
def test_event_sub_processes(name: str, count: int) -> None:
    subs = [s for s in nodes_of(ref(name), "subProcess") if s.triggered_by_event]
    assert len(subs) == count
    for sub in subs:
        starts = [n for n in sub.flow_nodes if n.local_name == "startEvent"]
        assert starts, "ein Ereignis-Teilprozess beginnt mit einem Startereignis"


def test_boundary_events_with_definitions_a30() -> None:
    defs = ref("A.3.0")
    boundaries = nodes_of(defs, "boundaryEvent")
    assert sorted(k for b in boundaries for k in b.event_definitions) == ["escalation", "message"]
    for b in boundaries:
        host = defs.get(b.attached_to)
        assert isinstance(host, bpmn.Activity)
        assert isinstance(b.cancel_activity, bool)


def test_event_definitions_of_all_kinds_b20_c60() -> None:
    kinds = {k for name in ("B.2.0", "C.6.0", "B.1.0") for n in ref(name).flow_nodes()
             if isinstance(n, bpmn.Event) for k in n.event_definitions}
    assert kinds == {"message", "timer", "error", "escalation", "conditional", "link", "signal",
                     "terminate", "compensate"}
    positions = {n.local_name for n in ref("B.2.0").flow_nodes() if isinstance(n, bpmn.Event)}
    assert positions == {"startEvent", "endEvent", "intermediateCatchEvent",
                         "intermediateThrowEvent", "boundaryEvent"}


def test_gateway_types_and_directions() -> None:
    kinds = {n.gateway_type for name in ("B.2.0", "C.1.0") for n in ref(name).flow_nodes()
             if isinstance(n, bpmn.Gateway)}
    assert kinds == {"exclusive", "parallel", "inclusive", "eventBased"}
    directions = {g.direction for g in ref("A.2.0").flow_nodes() if isinstance(g, bpmn.Gateway)}
    assert directions == {"split", "join"}


def test_sequence_flow_conditions_and_defaults() -> None:
    defs = ref("C.1.1")
    flows = [f for p in defs.processes for f in p.all_sequence_flows]
    conditional = [f for f in flows if f.condition]
    assert len(conditional) == 4
    assert all(isinstance(f.source, bpmn.Gateway) for f in conditional)
    defaults = [f for p in ref("A.2.1").processes for f in p.all_sequence_flows if f.is_default]
    assert defaults
    for flow in defaults:
        assert flow.source.default_flow_id == flow.id


def test_collaboration_pools_lanes_message_flows_a41() -> None:
    defs = ref("A.4.1")
    (collab,) = defs.collaborations
    assert len(collab.participants) == 2
    for pool in collab.participants:
        assert pool.process is not None and pool.process.participant == pool
    assert len(defs.message_flows) == 2
    for flow in defs.message_flows:
        assert defs.get(flow.source_id) is not None and defs.get(flow.target_id) is not None
    lanes = [lane for p in defs.processes for lane in p.lanes]
    assert len(lanes) == 3 and all(lane.depth == 0 and lane.parent is None for lane in lanes)
    for lane in lanes:
        for node_id in lane.flow_node_ids:
            assert defs[node_id].lane == lane  # type: ignore[attr-defined]


def test_data_objects_stores_references_associations_b10() -> None:
    defs = ref("B.1.0")
    data = {e.local_name for p in defs.processes for e in p.data_elements}
    assert {"dataObject", "dataObjectReference", "dataStoreReference"} <= data
    store_ref = next(e for p in defs.processes for e in p.data_elements
                     if e.local_name == "dataStoreReference")
    store = defs.get(store_ref.element.get("dataStoreRef"))
    assert store is not None and store.local_name == "dataStore"
    assert store.element.getparent() is defs.root  # a root element, referenced from the process
    artifacts = [a for p in defs.processes for a in p.artifacts]
    annotations = [a for a in artifacts if isinstance(a, TextAnnotation)]
    associations = [a for a in artifacts if isinstance(a, Association)]
    assert annotations and annotations[0].text
    assert associations and defs.get(associations[0].source_id) is not None


def test_data_stores_c40() -> None:
    defs = ref("C.4.0")
    refs = [e for p in defs.processes for e in p.data_elements
            if e.local_name == "dataStoreReference"]
    assert len(refs) == 6
    assert {defs[r.element.get("dataStoreRef")].local_name for r in refs} == {"dataStore"}


def test_groups_b20() -> None:
    defs = ref("B.2.0")
    groups = [el for el in defs.iter_elements() if el.tag.endswith("}group")]
    assert len(groups) == 1
    group = defs[groups[0].get("id")]
    assert group.local_name == "group" and group.element.get("categoryValueRef")
    shape = next(s for d in defs.diagrams for s in d.shapes if s.bpmn_element == group.id)
    assert shape.bounds is not None


def test_text_annotation_c40() -> None:
    defs = ref("C.4.0")
    annotations = [defs.view(el) for el in defs.iter_elements() if el.tag.endswith("}textAnnotation")]
    assert len(annotations) == 1 and isinstance(annotations[0], TextAnnotation)
    assert annotations[0].text


@pytest.mark.parametrize(("name", "count"), [("C.4.0", 4), ("C.5.0", 2)])
def test_several_diagrams(name: str, count: int) -> None:
    defs = ref(name)
    assert len(defs.diagrams) == count
    planes = [d.plane_element for d in defs.diagrams]
    assert all(defs.get(p) is not None for p in planes)
    for diagram in defs.diagrams:
        assert diagram.shapes
        for shape in diagram.shapes:
            assert defs.get(shape.bpmn_element) is not None
            assert diagram.shape_for(shape.bpmn_element) is not None


def test_shapes_expanded_labels_and_edges_b20() -> None:
    defs = ref("B.2.0")
    (diagram,) = defs.diagrams
    expanded = {s.bpmn_element: s.is_expanded for s in diagram.shapes if s.is_expanded is not None}
    assert set(expanded.values()) == {True, False}
    for sub_id, is_expanded in expanded.items():
        sub = defs[sub_id]
        assert isinstance(sub, bpmn.Activity)  # sub-processes and call activities
        if is_expanded and isinstance(sub, bpmn.SubProcess):
            assert sub.flow_nodes
    assert any(s.label_bounds is not None for s in diagram.shapes)
    assert all(len(e.waypoints) >= 2 for e in diagram.edges)
    assert any(e.label_bounds is not None for e in diagram.edges)
    b = diagram.shapes[0].bounds
    assert b is not None and b.center == (b.x + b.width / 2, b.y + b.height / 2)
    assert defs.has_di


def test_pools_are_horizontal_in_c20() -> None:
    defs = ref("C.2.0")
    assert len(defs.participants) == 4
    pool_shapes = [s for d in defs.diagrams for s in d.shapes
                   if defs.get(s.bpmn_element) in defs.participants]
    assert pool_shapes and all(s.bounds.width > 0 for s in pool_shapes)


# --------------------------------------------------------------------------- small documents

SMALL = doc(process(
    '<bpmn:laneSet id="LS"><bpmn:lane id="Amt" name="Amt">'
    '<bpmn:flowNodeRef>s</bpmn:flowNodeRef>'
    '<bpmn:childLaneSet id="CLS"><bpmn:lane id="Sachbearbeitung" name="Sachbearbeitung">'
    '<bpmn:flowNodeRef>s</bpmn:flowNodeRef><bpmn:flowNodeRef>tx</bpmn:flowNodeRef>'
    '<bpmn:childLaneSet id="CLS2"><bpmn:lane id="Team" name="Team A">'
    '<bpmn:flowNodeRef>adhoc</bpmn:flowNodeRef></bpmn:lane></bpmn:childLaneSet>'
    '</bpmn:lane><bpmn:lane id="Leitung" name="Leitung"><bpmn:flowNodeRef>cg</bpmn:flowNodeRef>'
    '</bpmn:lane></bpmn:childLaneSet></bpmn:lane></bpmn:laneSet>'
    '<bpmn:startEvent id="s" name="Start"/>'
    '<bpmn:transaction id="tx" name="Zahlung buchen" method="##Compensate">'
    '<bpmn:startEvent id="tx_s"/><bpmn:scriptTask id="tx_t" name="Buchen"/>'
    '<bpmn:endEvent id="tx_e"><bpmn:cancelEventDefinition id="c1"/></bpmn:endEvent>'
    '<bpmn:sequenceFlow id="tf1" sourceRef="tx_s" targetRef="tx_t"/>'
    '<bpmn:sequenceFlow id="tf2" sourceRef="tx_t" targetRef="tx_e"/></bpmn:transaction>'
    '<bpmn:boundaryEvent id="cancel" attachedToRef="tx" cancelActivity="false">'
    '<bpmn:cancelEventDefinition id="c2"/></bpmn:boundaryEvent>'
    '<bpmn:adHocSubProcess id="adhoc" name="Unterlagen sichten" ordering="Parallel">'
    '<bpmn:task id="a1" name="Lesen"/><bpmn:task id="a2" name="Notieren"/></bpmn:adHocSubProcess>'
    '<bpmn:complexGateway id="cg" name="Mehrheit?"/>'
    '<bpmn:implicitThrowEvent id="it"/>'
    '<bpmn:endEvent id="e" name="Ende"/>'
    '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="tx"/>'
    '<bpmn:sequenceFlow id="f2" sourceRef="tx" targetRef="adhoc"/>'
    '<bpmn:sequenceFlow id="f3" sourceRef="adhoc" targetRef="cg"/>'
    '<bpmn:sequenceFlow id="f4" sourceRef="cg" targetRef="e"/>'
))


def test_small_constructs_transaction_adhoc_complex_nested_lanes() -> None:
    defs = bpmn.read(SMALL)
    tx, adhoc, cg = defs["tx"], defs["adhoc"], defs["cg"]
    assert isinstance(tx, bpmn.SubProcess) and tx.local_name == "transaction"
    assert [n.id for n in tx.flow_nodes] == ["tx_s", "tx_t", "tx_e"]
    assert defs["tx_t"].local_name == "scriptTask" and isinstance(defs["tx_t"], bpmn.Activity)
    assert defs["tx_e"].event_definitions == ["cancel"]
    cancel = defs["cancel"]
    assert cancel.attached_to == "tx" and cancel.cancel_activity is False
    assert isinstance(adhoc, bpmn.SubProcess) and adhoc.local_name == "adHocSubProcess"
    assert len(adhoc.flow_nodes) == 2
    assert isinstance(cg, bpmn.Gateway) and cg.gateway_type == "complex"
    assert isinstance(defs["it"], bpmn.Event)
    # nested lanes: three levels
    (top,) = defs.main_process().lanes
    assert [lane.id for lane in top.child_lanes] == ["Sachbearbeitung", "Leitung"]
    team = defs["Team"]
    assert team.depth == 2 and team.parent.id == "Sachbearbeitung"
    assert len(defs.main_process().all_lanes) == 4
    assert defs["s"].lane.id == "Sachbearbeitung"  # the innermost lane wins
    assert defs["adhoc"].lane.id == "Team"
    assert defs["cg"].lane.id == "Leitung"
    assert defs["e"].lane is None
    # the whole process, sub-process content included
    ids = [n.id for n in defs.main_process().all_flow_nodes]
    assert ids.index("tx_t") > ids.index("tx") and "a2" in ids


def test_views_write_through_to_the_tree() -> None:
    defs = bpmn.read(SMALL)
    task = defs["a1"]
    task.name = "Gründlich lesen"
    assert task.element.get("name") == "Gründlich lesen"
    again = bpmn.read(defs.to_bytes())
    assert again["a1"].name == "Gründlich lesen"
    assert task == defs["a1"] and hash(task) == hash(defs["a1"]) and task != defs["a2"]


def test_view_after_direct_tree_changes_with_invalidate() -> None:
    defs = bpmn.read(SMALL)
    assert [f.id for f in defs["s"].outgoing] == ["f1"]
    flow = defs["f1"].element
    flow.getparent().remove(flow)
    defs.invalidate()
    assert defs["s"].outgoing == [] and defs.get("f1") is None


def test_documentation_and_labels() -> None:
    defs = bpmn.read(doc(process(
        '<bpmn:task id="t"><bpmn:documentation>Erste Zeile</bpmn:documentation>'
        '<bpmn:documentation>Zweite</bpmn:documentation></bpmn:task>'
        '<bpmn:userTask id="u" name="  Antrag prüfen "/>')))
    assert defs["t"].documentation == "Erste Zeile\nZweite"
    assert defs["t"].label == "Aufgabe t"
    assert defs["u"].name == "Antrag prüfen" and defs["u"].label == "Antrag prüfen"


def test_main_process_without_process_is_a_german_error() -> None:
    defs = bpmn.read(doc(""))
    with pytest.raises(ValueError, match="keinen Prozess"):
        defs.main_process()
