"""to_networkx: the sequence-flow graph for analysis."""

from __future__ import annotations

import networkx as nx

from workbench import bpmn

from .helpers import MIWG, doc, process


def test_graph_of_a20_is_the_flow() -> None:
    defs = bpmn.read(MIWG / "A.2.0.bpmn")
    proc = defs.main_process()
    graph = bpmn.to_networkx(proc)
    assert isinstance(graph, nx.MultiDiGraph)
    assert set(graph.nodes) == {n.id for n in proc.flow_nodes}
    assert graph.number_of_edges() == len(proc.sequence_flows)
    start = next(n for n in proc.flow_nodes if n.local_name == "startEvent")
    end = next(n for n in proc.flow_nodes if n.local_name == "endEvent")
    assert nx.has_path(graph, start.id, end.id)
    assert graph.nodes[start.id]["kind"] == "event"
    kinds = {data["kind"] for _, data in graph.nodes(data=True)}
    assert kinds == {"event", "activity", "gateway"}
    for u, v, key, data in graph.edges(keys=True, data=True):
        assert data["id"] == key and defs[key].source_id == u and defs[key].target_id == v


def test_recursive_graph_includes_sub_process_content() -> None:
    defs = bpmn.read(MIWG / "B.2.0.bpmn")
    proc = defs.main_process()
    flat = bpmn.to_networkx(proc)
    deep = bpmn.to_networkx(proc, recursive=True)
    assert deep.number_of_nodes() > flat.number_of_nodes()
    assert deep.number_of_edges() > flat.number_of_edges()
    inner = [n for n, data in deep.nodes(data=True) if data["parent"] != proc.id]
    assert inner
    sub = next(n for n in proc.flow_nodes if isinstance(n, bpmn.SubProcess) and n.flow_nodes)
    assert set(bpmn.to_networkx(sub).nodes) == {n.id for n in sub.flow_nodes}


def test_graph_carries_lanes_extensions_conditions_and_probabilities() -> None:
    defs = bpmn.read(doc(process(
        '<bpmn:laneSet id="ls"><bpmn:lane id="L" name="Bürgerbüro">'
        '<bpmn:flowNodeRef>t</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>'
        '<bpmn:startEvent id="s"/>'
        '<bpmn:task id="t" name="Prüfen" wb:minutes="5" wb:medium="papier"/>'
        '<bpmn:exclusiveGateway id="g" default="f3"/><bpmn:endEvent id="e"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="g"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="e" wb:probability="0.7"/>'
        '<bpmn:sequenceFlow id="f4" sourceRef="g" targetRef="t" wb:probability="0.3">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">unvollständig'
        '</bpmn:conditionExpression></bpmn:sequenceFlow>')))
    graph = bpmn.to_networkx(defs.main_process())
    assert graph.nodes["t"]["lane"] == "Bürgerbüro" and graph.nodes["s"]["lane"] is None
    assert graph.nodes["t"]["minutes"] == 5.0 and graph.nodes["t"]["medium"] == "papier"
    assert graph.nodes["g"]["type"] == "exclusiveGateway"
    f3 = graph.edges["g", "e", "f3"]
    f4 = graph.edges["g", "t", "f4"]
    assert f3["default"] is True and f3["probability"] == 0.7 and f3["condition"] is None
    assert f4["default"] is False and f4["probability"] == 0.3
    assert f4["condition"] == "unvollständig"
    assert list(nx.simple_cycles(nx.DiGraph(graph))) == [["t", "g"]] or \
        sorted(next(iter(nx.simple_cycles(nx.DiGraph(graph))))) == ["g", "t"]


def test_flows_to_unknown_nodes_are_left_out() -> None:
    defs = bpmn.read(doc(process(
        '<bpmn:startEvent id="s"/><bpmn:sequenceFlow id="f" sourceRef="s" targetRef="weg"/>')))
    graph = bpmn.to_networkx(defs.main_process())
    assert list(graph.nodes) == ["s"] and graph.number_of_edges() == 0
