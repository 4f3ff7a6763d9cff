"""The sequence-flow graph of a process as a networkx DiGraph."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .model import Activity, Element, Event, FlowNode, Gateway, Process, SubProcess

if TYPE_CHECKING:  # imported when a graph is built (fast start of the command line)
    import networkx as nx


def to_networkx(process: Process | SubProcess, *, recursive: bool = False) -> nx.MultiDiGraph:
    """Nodes are flow-node ids, edges sequence flows (key = flow id).

    Node attributes: ``type`` (BPMN local name), ``kind`` (activity/event/gateway), ``name``,
    ``lane``, ``parent`` (container id) and the workbench attributes; edge attributes: ``id``,
    ``name``, ``condition``, ``default``, ``probability``. With ``recursive=True`` nodes and flows
    inside sub-processes are included too.
    """
    import networkx as nx

    graph = nx.MultiDiGraph(id=process.id, name=process.name)
    nodes: list[FlowNode] = process.all_flow_nodes if recursive else process.flow_nodes
    for node in nodes:
        lane = node.lane
        graph.add_node(
            node.id,
            type=node.local_name,
            kind=_kind(node),
            name=node.name,
            lane=lane.name if lane else None,
            parent=node.element.getparent().get("id"),
            **node.ext,
        )
    flows = process.all_sequence_flows if recursive and isinstance(process, Process) else (
        [f for n in nodes for f in n.outgoing]
    )
    for flow in flows:
        if flow.source_id in graph and flow.target_id in graph:
            graph.add_edge(
                flow.source_id, flow.target_id, key=flow.id, id=flow.id, name=flow.name,
                condition=flow.condition, default=flow.is_default, probability=flow.probability,
            )
    return graph


def _kind(node: Element) -> str:
    if isinstance(node, Activity):
        return "activity"
    if isinstance(node, Gateway):
        return "gateway"
    if isinstance(node, Event):
        return "event"
    return "other"
