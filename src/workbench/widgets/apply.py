"""Write table edits into an existing model when its structure is unchanged (keeps DI)."""

from __future__ import annotations

import copy

from lxml import etree

from .. import bpmn
from ..bpmn import namespaces as ns
from ..bpmn.model import Definitions, FlowNode

_ATTRIBUTES = ("minutes", "waitDays", "medium", "system", "phase", "automation", "activityType")


def _structure(defs: Definitions, rename: dict[str, str] | None = None
               ) -> tuple[dict[str, tuple[str, str]], set[tuple[str, str]]]:
    """Nodes (id → type, lane) and flows (source, target) of all processes; ids renamed."""
    rename = rename or {}
    nodes: dict[str, tuple[str, str]] = {}
    flows: set[tuple[str, str]] = set()
    for process in defs.processes:
        for node in process.flow_nodes:
            lane = node.lane
            nodes[rename.get(node.id, node.id)] = (node.local_name, lane.name if lane else "")
            for flow in node.outgoing:
                flows.add((rename.get(flow.source_id, flow.source_id),
                           rename.get(flow.target_id, flow.target_id)))
    return nodes, flows


def apply_table_to_model(original: Definitions, built: Definitions, origin: dict[str, str]
                         ) -> Definitions | None:
    """A copy of ``original`` with the names and workbench attributes of ``built``, or None.

    ``built`` is the model of the edited step table (ids ``Schritt_<Nr>``); ``origin`` maps each
    table Nr to the id of the original element. Returns None when nodes, their types, lanes or
    flows differ — then the caller saves ``built`` with a fresh layout instead.
    """
    from ..steptable.model import node_id

    rename = {node_id(nr): original_id for nr, original_id in origin.items()}
    if set(rename.values()) != set(_structure(original)[0]):
        return None
    built_nodes, built_flows = _structure(built, rename)
    orig_nodes, orig_flows = _structure(original)
    if built_nodes != orig_nodes or built_flows != orig_flows:
        return None
    root = copy.deepcopy(original.root)
    target = Definitions(root, source=original.source, warnings=list(original.warnings))
    for built_id, original_id in rename.items():
        source_node = built.get(built_id)
        node = target.get(original_id)
        if not isinstance(source_node, FlowNode) or not isinstance(node, FlowNode):
            continue
        if source_node.name != node.name and source_node.name:
            node.name = source_node.name
        for attribute in _ATTRIBUTES:
            node.set_ext(attribute, source_node.get_ext(attribute))
        _copy_flows(source_node, node, rename)
    return bpmn.read(etree.tostring(root, xml_declaration=True, encoding="UTF-8"),
                     name=original.source)


def _copy_flows(source_node: FlowNode, node: FlowNode, rename: dict[str, str]) -> None:
    wanted = {rename.get(f.target_id, f.target_id): f for f in source_node.outgoing}
    for flow in node.outgoing:
        edited = wanted.get(flow.target_id)
        if edited is None:
            continue
        flow.probability = edited.probability
        if edited.name and edited.name != flow.name:
            flow.name = edited.name
        condition = flow.element.find(ns.q(ns.BPMN, "conditionExpression"))
        if condition is not None and edited.condition and condition.text != edited.condition:
            condition.text = edited.condition
