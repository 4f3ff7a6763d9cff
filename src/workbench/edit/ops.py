"""Patch operations on a model: attributes, names, types, lanes, steps and flows.

A :class:`Patch` works on the lxml tree of one :class:`~workbench.bpmn.Definitions`. Each
operation changes only the elements it names (and the whitespace next to them); an operation
that would lose content raises :class:`~workbench.edit.errors.EditRefused` before it changes
anything. ``changes`` collects a German line per change.
"""

from __future__ import annotations

from lxml import etree

from ..bpmn import extensions as ext
from ..bpmn import namespaces as ns
from ..bpmn import vocabulary as voc
from ..bpmn.di import Bounds
from ..bpmn.model import Definitions
from . import layout, tree
from .canon import DEFAULTS
from .errors import EditRefused

_B = "{" + ns.BPMN + "}"
_COMMON = frozenset({"documentation", "extensionElements", "auditing", "monitoring",
                     "categoryValueRef", "incoming", "outgoing"})
_ACTIVITY = _COMMON | {"ioSpecification", "property", "dataInputAssociation",
                       "dataOutputAssociation", "resourceRole", "performer", "humanPerformer",
                       "potentialOwner", "standardLoopCharacteristics",
                       "multiInstanceLoopCharacteristics"}
_CATCH = _COMMON | {"dataOutput", "dataOutputAssociation", "outputSet", "eventDefinitionRef"} \
    | voc.EVENT_DEFINITIONS
_THROW = _COMMON | {"dataInput", "dataInputAssociation", "inputSet", "eventDefinitionRef"} \
    | voc.EVENT_DEFINITIONS
#: Children each element type may have (BPMN 2.0 schema), for type changes without loss.
CHILDREN: dict[str, frozenset[str]] = {
    **{t: _ACTIVITY for t in voc.TASKS},
    "scriptTask": _ACTIVITY | {"script"},
    "userTask": _ACTIVITY | {"rendering"},
    **{t: _COMMON for t in voc.GATEWAYS},
    "complexGateway": _COMMON | {"activationCondition"},
    "startEvent": _CATCH, "intermediateCatchEvent": _CATCH, "boundaryEvent": _CATCH,
    "endEvent": _THROW, "intermediateThrowEvent": _THROW,
}
_BASE_ATTRS = frozenset({"id", "name"})
_ACTIVITY_ATTRS = _BASE_ATTRS | {"isForCompensation", "startQuantity", "completionQuantity",
                                 "default"}
#: Attributes each element type may have (BPMN 2.0 schema), for type changes without loss.
ATTRIBUTES: dict[str, frozenset[str]] = {
    **{t: _ACTIVITY_ATTRS for t in voc.TASKS},
    "scriptTask": _ACTIVITY_ATTRS | {"scriptFormat"},
    "serviceTask": _ACTIVITY_ATTRS | {"implementation", "operationRef"},
    "sendTask": _ACTIVITY_ATTRS | {"implementation", "operationRef", "messageRef"},
    "receiveTask": _ACTIVITY_ATTRS | {"implementation", "operationRef", "messageRef",
                                      "instantiate"},
    "userTask": _ACTIVITY_ATTRS | {"implementation"},
    "businessRuleTask": _ACTIVITY_ATTRS | {"implementation"},
    "exclusiveGateway": _BASE_ATTRS | {"gatewayDirection", "default"},
    "inclusiveGateway": _BASE_ATTRS | {"gatewayDirection", "default"},
    "parallelGateway": _BASE_ATTRS | {"gatewayDirection"},
    "complexGateway": _BASE_ATTRS | {"gatewayDirection", "default"},
    "eventBasedGateway": _BASE_ATTRS | {"gatewayDirection", "instantiate", "eventGatewayType"},
    "startEvent": _BASE_ATTRS | {"isInterrupting", "parallelMultiple"},
    "intermediateCatchEvent": _BASE_ATTRS | {"parallelMultiple"},
    "boundaryEvent": _BASE_ATTRS | {"parallelMultiple", "attachedToRef", "cancelActivity"},
    "endEvent": _BASE_ATTRS, "intermediateThrowEvent": _BASE_ATTRS,
}


class Patch:
    """Edits on one model; see the module docstring."""

    def __init__(self, defs: Definitions) -> None:
        self.defs = defs
        self.changes: list[str] = []

    # ------------------------------------------------------------------ lookup and naming
    def element(self, element_id: str) -> etree._Element:
        el = self.defs.element_by_id(element_id)
        if el is None:
            raise KeyError(f"Kein Element mit der ID „{element_id}“ im Modell.")
        return el

    def who(self, element_id: str) -> str:
        el = self.defs.element_by_id(element_id)
        if el is None:
            return element_id
        name = " ".join((el.get("name") or "").split())
        kind = voc.german_type(ns.local_name(el.tag))
        return f"{kind} „{name}“ ({element_id})" if name else f"{kind} {element_id}"

    def _note(self, line: str) -> None:
        if line not in self.changes:
            self.changes.append(line)

    # ------------------------------------------------------------------ attributes
    def set_attribute(self, element_id: str, name: str, value: str | None) -> bool:
        """Set (None: remove) one attribute in place; False when it already had that value."""
        el = self.element(element_id)
        if el.get(name) == value:
            return False
        if value is None:
            del el.attrib[name]
        else:
            el.set(name, value)
        return True

    def set_name(self, element_id: str, name: str | None) -> None:
        before = self.element(element_id).get("name")
        label = self.who(element_id)
        if self.set_attribute(element_id, "name", name or None):
            self._note(f"{label}: Name „{before or ''}“ → „{name or ''}“")

    def set_ext(self, element_id: str, attribute: str, value: float | str | None) -> None:
        """Set a workbench attribute (typed value; None removes it)."""
        text = ext.format_value(attribute, value)
        el = self.element(element_id)
        key = ext.qname(attribute)
        before = el.get(key)
        if before is not None and text is not None and \
                ext.parse_value(attribute, before) == ext.parse_value(attribute, text):
            return  # same value, other spelling (e.g. '5.0'): keep the author's text
        if self.set_attribute(element_id, key, text):
            self._note(f"{self.who(element_id)}: {ext.ATTRIBUTES[attribute].label} "
                       f"{before if before is not None else '–'} → "
                       f"{text if text is not None else '–'}")

    # ------------------------------------------------------------------ types
    def change_type(self, element_id: str, local: str, *,
                    definition: str | bool | None = False) -> None:
        """Change the element type in place (e.g. task → userTask); refuse what would be lost.

        ``definition``: the event definition the new type should have ('message', 'timer',
        None for none); False leaves the event definitions as they are.
        """
        el = self.element(element_id)
        old = ns.local_name(el.tag)
        losses = self._type_losses(el, local)
        wanted = None if definition is False else definition
        current = [c for c in el if ns.local_name(c.tag) in voc.EVENT_DEFINITIONS]
        drop = []
        if definition is not False:
            for c in current:
                kind = ns.local_name(c.tag).removesuffix("EventDefinition")
                if kind != wanted:
                    if len(c) or any(k != "id" for k in c.attrib):
                        losses.append(f"{self.who(element_id)}: Ereignisdefinition <{ns.local_name(c.tag)}> "
                                      "mit Inhalt")
                    drop.append(c)
        if losses:
            raise EditRefused(losses, hint=f"Der Typ von {self.who(element_id)} wurde nicht "
                              "geändert. Bitte im Modellierer ersetzen.")
        label = self.who(element_id)
        for c in drop:
            tree.remove(c)
        for name in list(el.attrib):
            if name in ATTRIBUTES.get(old, ()) and name not in ATTRIBUTES.get(local, ()):
                del el.attrib[name]  # a default value (checked in _type_losses)
        el.tag = _B + local
        if wanted and not any(ns.local_name(c.tag) == f"{wanted}EventDefinition" for c in el):
            index = next((i + 1 for i, c in enumerate(el) if ns.local_name(c.tag) in (
                "documentation", "extensionElements", "incoming", "outgoing")), 0)
            tree.make(el, index, f"{_B}{wanted}EventDefinition",
                      [("id", self._fresh_id(f"{element_id}_{wanted}"))])
        self._resize(element_id, old, local)
        self.defs.invalidate()
        self._note(f"Typ geändert: {label}: {voc.german_type(old)} → {voc.german_type(local)}")

    def _type_losses(self, el: etree._Element, local: str) -> list[str]:
        losses = []
        old = ns.local_name(el.tag)
        if old in voc.SUB_PROCESSES and local not in voc.SUB_PROCESSES:
            inner = [c for c in el if isinstance(c.tag, str) and ns.local_name(c.tag) in (
                voc.FLOW_NODES | {"sequenceFlow"} | voc.DATA | voc.ARTIFACTS)]
            if inner:
                losses.append(f"{self.who(el.get('id') or '')}: {len(inner)} innere Elemente "
                              "des Teilprozesses")
        allowed = CHILDREN.get(local, frozenset())
        for child in el:
            if not isinstance(child.tag, str):
                continue
            name = ns.local_name(child.tag)
            if child.tag.startswith(_B) and name not in allowed and name not in voc.FLOW_NODES \
                    and name not in voc.EVENT_DEFINITIONS:
                losses.append(f"{self.who(el.get('id') or '')}: Inhalt <{name}>")
        keep = ATTRIBUTES.get(local, _BASE_ATTRS)
        defaults = DEFAULTS.get(old, {})
        for name, value in el.attrib.items():
            if name.startswith("{") or name in keep:
                continue
            if defaults.get(name) == value or name not in ATTRIBUTES.get(old, keep):
                continue
            losses.append(f"{self.who(el.get('id') or '')}: Attribut {name}=„{value}“")
        return losses

    def _resize(self, element_id: str, old: str, local: str) -> None:
        """Give the shape the new type's size (an activity keeps the author's size)."""
        shape = layout.shape_of(self.defs, element_id)
        box = layout.bounds_of(shape)
        if box is None:
            return
        width, height = layout.size_of(local)
        if (box.width, box.height) == (width, height) or (
                local in voc.ACTIVITIES and old in voc.ACTIVITIES):
            return
        cx, cy = box.center
        layout.set_bounds(shape, Bounds(cx - width / 2, cy - height / 2, width, height))
        self._reroute_node(element_id)

    # ------------------------------------------------------------------ flows
    def flows_of(self, node_id: str) -> list[etree._Element]:
        return [f for f in self.defs.root.iter(_B + "sequenceFlow")
                if node_id in (f.get("sourceRef"), f.get("targetRef"))]

    def _reroute_node(self, node_id: str) -> None:
        for flow in self.flows_of(node_id):
            layout.reroute(self.defs, flow)

    def _uses_refs(self) -> bool:
        """Whether the document lists <incoming>/<outgoing> in flow nodes (bpmn-js does)."""
        return next(self.defs.root.iter(_B + "incoming", _B + "outgoing"), None) is not None

    def _fresh_id(self, base: str) -> str:
        from ..bpmn.builder import safe_id

        candidate, n = safe_id(base, "Element"), 1
        while self.defs.element_by_id(candidate) is not None:
            n += 1
            candidate = f"{safe_id(base, 'Element')}_{n}"
        return candidate

    def connect(self, source_id: str, target_id: str, *, flow_id: str | None = None,
                name: str | None = None, condition: str | None = None,
                probability: float | None = None, default: bool = False) -> str:
        """A new sequence flow (with refs in both nodes and a DI edge when both are drawn)."""
        source, target = self.element(source_id), self.element(target_id)
        container = source.getparent()
        if target.getparent() is not container:
            raise EditRefused([f"Sequenzfluss von {self.who(source_id)} zu {self.who(target_id)}"
                               " über eine Pool- oder Teilprozessgrenze"],
                              hint="Sequenzflüsse verbinden nur Schritte desselben Prozesses.")
        new_id = self._fresh_id(flow_id or f"Flow_{source_id}_{target_id}")
        attrs = [("id", new_id)]
        if name:
            attrs.append(("name", name))
        attrs += [("sourceRef", source_id), ("targetRef", target_id)]
        last_flow = [c for c in container if c.tag == _B + "sequenceFlow"]
        index = container.index(last_flow[-1]) + 1 if last_flow else len(container)
        flow = tree.make(container, index, _B + "sequenceFlow", attrs)
        if condition:
            prefix = next((p for p, u in flow.nsmap.items() if u == ns.BPMN), None)
            formal = f"{prefix}:tFormalExpression" if prefix else "tFormalExpression"
            expr = tree.make(flow, 0, _B + "conditionExpression")
            if ns.XSI in flow.nsmap.values():
                expr.set("{" + ns.XSI + "}type", formal)
            expr.text = condition
        if probability is not None:
            flow.set(ext.qname("probability"), ext.format_value("probability", probability))
        self.defs.invalidate()
        if default:
            source.set("default", new_id)
        if self._uses_refs():
            self._add_ref(source, "outgoing", new_id)
            self._add_ref(target, "incoming", new_id)
        self._draw_flow(flow)
        self._note(f"Neu: Sequenzfluss {self.who(source_id)} → {self.who(target_id)}")
        return new_id

    def _draw_flow(self, flow: etree._Element) -> None:
        source = layout.shape_of(self.defs, flow.get("sourceRef") or "")
        if source is not None and layout.shape_of(self.defs, flow.get("targetRef") or "") \
                is not None:
            layout.reroute(self.defs, flow)

    def _add_ref(self, node: etree._Element, kind: str, flow_id: str) -> None:
        refs = [c for c in node if c.tag in (_B + "incoming", _B + "outgoing")]
        same = [c for c in refs if c.tag == _B + kind]
        if same:
            index = node.index(same[-1]) + 1
        elif kind == "incoming":
            index = node.index(refs[0]) if refs else self._ref_index(node)
        else:
            index = node.index(refs[-1]) + 1 if refs else self._ref_index(node)
        tree.make(node, index, _B + kind).text = flow_id

    @staticmethod
    def _ref_index(node: etree._Element) -> int:
        """After documentation and extensionElements: where incoming/outgoing belong."""
        index = 0
        for i, child in enumerate(node):
            if ns.local_name(child.tag) in ("documentation", "extensionElements"):
                index = i + 1
        return index

    def _drop_ref(self, node: etree._Element | None, kind: str, flow_id: str) -> None:
        if node is None:
            return
        for child in list(node.iterchildren(_B + kind)):
            if (child.text or "").strip() == flow_id:
                tree.remove(child)

    def disconnect(self, flow_id: str) -> None:
        """Remove a sequence flow with its refs, its default marker and its DI edge."""
        flow = self.element(flow_id)
        label = self._flow_label(flow)
        source = self.defs.element_by_id(flow.get("sourceRef") or "")
        target = self.defs.element_by_id(flow.get("targetRef") or "")
        self._drop_ref(source, "outgoing", flow_id)
        self._drop_ref(target, "incoming", flow_id)
        if source is not None and source.get("default") == flow_id:
            del source.attrib["default"]
        edge = layout.edge_of(self.defs, flow_id)
        if edge is not None:
            tree.remove(edge)
        tree.remove(flow)
        self.defs.invalidate()
        self._note(f"Entfernt: Sequenzfluss {label}")

    def _flow_label(self, flow: etree._Element) -> str:
        return f"{self.who(flow.get('sourceRef') or '')} → {self.who(flow.get('targetRef') or '')}"

    def reconnect(self, flow_id: str, *, source_id: str | None = None,
                  target_id: str | None = None) -> None:
        """Point an existing flow at another source or target (keeps id and content)."""
        flow = self.element(flow_id)
        before = self._flow_label(flow)
        for end, new, kind in (("sourceRef", source_id, "outgoing"),
                               ("targetRef", target_id, "incoming")):
            if new is None or flow.get(end) == new:
                continue
            old_node = self.defs.element_by_id(flow.get(end) or "")
            self._drop_ref(old_node, kind, flow_id)
            if end == "sourceRef" and old_node is not None and old_node.get("default") == flow_id:
                del old_node.attrib["default"]
            flow.set(end, new)
            if self._uses_refs():
                self._add_ref(self.element(new), kind, flow_id)
        self.defs.invalidate()
        self._draw_flow(flow)
        self._note(f"Umgehängt: Sequenzfluss {before} jetzt {self._flow_label(flow)}")

    def set_default(self, source_id: str, flow_id: str | None) -> None:
        if self.set_attribute(source_id, "default", flow_id):
            self._note(f"{self.who(source_id)}: Standardfluss geändert")

    def set_flow_label(self, flow_id: str, label: str) -> None:
        """Set the label a step table shows: the name, and a condition that said the same."""
        flow = self.element(flow_id)
        old = " ".join((flow.get("name") or "").split())
        condition = flow.find(_B + "conditionExpression")
        old_condition = " ".join("".join(condition.itertext()).split()) \
            if condition is not None else ""
        shown = old or old_condition
        if shown == label:
            return
        if condition is not None and old_condition == shown and len(condition) == 0:
            if label:
                condition.text = label
            else:
                tree.remove(condition)
        if flow.get("name") is not None or (label and not (condition is not None
                                                          and old_condition == shown)):
            if label:
                flow.set("name", label)
            elif "name" in flow.attrib:
                del flow.attrib["name"]
        self._note(f"Sequenzfluss {self._flow_label(flow)}: Beschriftung „{shown}“ → „{label}“")

    # ------------------------------------------------------------------ nodes
    def remove_node(self, node_id: str) -> None:
        """Remove a step with its lane refs, shapes and flows (a sub-process with its content).

        Refused when content the step table does not show hangs on it: message flows,
        boundary events, associations pointing at it or at anything inside it.
        """
        el = self.element(node_id)
        inside = {d.get("id") for d in el.iter() if isinstance(d.tag, str) and d.get("id")}
        losses = []
        label = self.who(node_id)
        for other in self.defs.root.iter(_B + "messageFlow", _B + "association"):
            ends = {other.get("sourceRef"), other.get("targetRef")}
            if ends & inside and other.get("id") not in inside:
                kind = "Nachrichtenfluss" if other.tag == _B + "messageFlow" else "Assoziation"
                losses.append(f"{kind} {other.get('id')} an {label}")
        for other in self.defs.root.iter(_B + "boundaryEvent"):
            if other.get("attachedToRef") in inside and other.get("id") not in inside:
                losses.append(f"Randereignis {self.who(other.get('id') or '')} an {label}")
        if losses:
            raise EditRefused(losses, hint=f"{label} wurde nicht entfernt. Bitte diese Elemente "
                              "zuerst im Modellierer entfernen oder umhängen.")
        for flow in self.flows_of(node_id):
            self.disconnect(flow.get("id") or "")
        for ref in list(self.defs.root.iter(_B + "flowNodeRef")):
            if (ref.text or "").strip() == node_id:
                tree.remove(ref)
        for di in list(self.defs.root.iter("{" + ns.BPMNDI + "}BPMNShape",
                                           "{" + ns.BPMNDI + "}BPMNEdge")):
            if di.get("bpmnElement") in inside:
                tree.remove(di)
        inner = sum(1 for c in el.iter() if c is not el and isinstance(c.tag, str)
                    and ns.local_name(c.tag) in voc.FLOW_NODES)
        tree.remove(el)
        self.defs.invalidate()
        more = f" mit {inner} inneren Schritten" if inner else ""
        self._note(f"Entfernt: {label}{more}")

    def insert_node(self, local: str, *, node_id: str, name: str | None, container_id: str,
                    after_id: str | None = None, lane_id: str | None = None,
                    definition: str | None = None, before: list[str] = (),
                    following: list[str] = ()) -> str:
        """A new flow node in a process, its lane and a shape near its neighbours."""
        container = self.element(container_id)
        new_id = self._fresh_id(node_id)
        attrs = [("id", new_id)] + ([("name", name)] if name else [])
        after = self.defs.element_by_id(after_id) if after_id else None
        nodes = [c for c in container if isinstance(c.tag, str)
                 and ns.local_name(c.tag) in voc.FLOW_NODES]
        if after is not None and after.getparent() is container:
            index = container.index(after) + 1
        elif nodes:
            index = container.index(nodes[-1]) + 1
        else:
            index = len(container)
        el = tree.make(container, index, _B + local, attrs)
        if definition:
            tree.make(el, 0, f"{_B}{definition}EventDefinition",
                      [("id", self._fresh_id(f"{new_id}_{definition}"))])
        self.defs.invalidate()
        if lane_id:
            self._lane_ref(self.element(lane_id), new_id)
        self._draw_node(new_id, local, lane_id, list(before), list(following))
        self._note(f"Neu: {self.who(new_id)}")
        return new_id

    def _lane_ref(self, lane: etree._Element, node_id: str) -> None:
        refs = list(lane.iterchildren(_B + "flowNodeRef"))
        index = lane.index(refs[-1]) + 1 if refs else self._ref_index(lane)
        tree.make(lane, index, _B + "flowNodeRef").text = node_id
        self.defs.invalidate()

    def _draw_node(self, node_id: str, local: str, lane_id: str | None,
                   before: list[str], following: list[str]) -> None:
        neighbours = [layout.shape_of(self.defs, n) for n in before + following]
        anchor = next((s for s in neighbours if s is not None), None)
        if anchor is None:
            anchor = self._pool_shape(node_id)
            if anchor is None:
                return  # the model has no diagram: nothing to draw
        plane = anchor.getparent()
        band_shape = layout.shape_of(self.defs, lane_id) if lane_id else self._pool_shape(node_id)
        band = layout.bounds_of(band_shape)
        box = layout.place(
            self.defs, plane, layout.size_of(local),
            before=next((layout.bounds_of(layout.shape_of(self.defs, n)) for n in before
                         if layout.shape_of(self.defs, n) is not None), None),
            after=next((layout.bounds_of(layout.shape_of(self.defs, n)) for n in following
                        if layout.shape_of(self.defs, n) is not None), None),
            band=band, skip=node_id)
        last_shape = next((s for s in reversed(list(plane.iterchildren("{" + ns.BPMNDI
                                                                       + "}BPMNShape")))), None)
        layout.add_shape(self.defs, plane, node_id, box, after=last_shape)
        pool = self._pool_shape(node_id)
        if pool is not None:
            lanes = [layout.shape_of(self.defs, lane.get("id") or "")
                     for lane in self._process_of(node_id).iter(_B + "lane")]
            layout.widen(self.defs, [pool, *[s for s in lanes if s is not None]],
                         box.x + box.width + layout.GAP)

    def _process_of(self, node_id: str) -> etree._Element:
        el = self.element(node_id)
        while el is not None and el.tag != _B + "process":
            el = el.getparent()
        return el

    def _pool_shape(self, node_id: str) -> etree._Element | None:
        process = self._process_of(node_id)
        for participant in self.defs.root.iter(_B + "participant"):
            if participant.get("processRef") == process.get("id"):
                return layout.shape_of(self.defs, participant.get("id") or "")
        return None

    # ------------------------------------------------------------------ lanes and order
    def move_to_lane(self, node_id: str, lane_id: str) -> None:
        """Move a step into another lane: lane refs and its shape into the lane's band."""
        target = self.element(lane_id)
        old_lanes = [ref for ref in self.defs.root.iter(_B + "flowNodeRef")
                     if (ref.text or "").strip() == node_id]
        if any(ref.getparent() is target for ref in old_lanes):
            return
        for ref in old_lanes:
            tree.remove(ref)
        self._lane_ref(target, node_id)
        shape = layout.shape_of(self.defs, node_id)
        box, band = layout.bounds_of(shape), layout.bounds_of(layout.shape_of(self.defs, lane_id))
        if box is not None and band is not None:
            y = band.y + band.height / 2 - box.height / 2
            layout.set_bounds(shape, Bounds(box.x, y, box.width, box.height))
            label = shape.find("{" + ns.BPMNDI + "}BPMNLabel")
            if label is not None:
                tree.remove(label)
            self._reroute_node(node_id)
        self._note(f"Verschoben: {self.who(node_id)} in {self.who(lane_id)}")

    def add_lane(self, process_id: str, name: str) -> str:
        """A new lane at the bottom of the process's pool (refused when it has no lanes)."""
        process = self.element(process_id)
        lane_sets = list(process.iterchildren(_B + "laneSet"))
        if not lane_sets:
            raise EditRefused([f"Rolle „{name}“: {self.who(process_id)} hat keine Lanes"],
                              hint="Rollen (Lanes) bitte zuerst im Modellierer anlegen.")
        lanes = list(lane_sets[0].iterchildren(_B + "lane"))
        index = lane_sets[0].index(lanes[-1]) + 1 if lanes else len(lane_sets[0])
        new_id = self._fresh_id(f"Lane_{name}")
        tree.make(lane_sets[0], index, _B + "lane", [("id", new_id), ("name", name)])
        self.defs.invalidate()
        last = layout.shape_of(self.defs, lanes[-1].get("id") or "") if lanes else None
        box = layout.bounds_of(last)
        if box is not None:
            height = box.height
            layout.add_shape(self.defs, last.getparent(), new_id,
                             Bounds(box.x, box.y + box.height, box.width, height), after=last)
            new_shape = layout.shape_of(self.defs, new_id)
            new_shape.set("isHorizontal", "true")
            participant = next((p for p in self.defs.root.iter(_B + "participant")
                                if p.get("processRef") == process_id), None)
            pool = layout.shape_of(self.defs, participant.get("id") or "") \
                if participant is not None else None
            pool_box = layout.bounds_of(pool)
            if pool_box is not None:
                layout.set_bounds(pool, Bounds(pool_box.x, pool_box.y, pool_box.width,
                                               pool_box.height + height))
        self._note(f"Neu: Lane „{name}“ ({new_id})")
        return new_id

    def reorder(self, container_id: str, node_ids: list[str]) -> None:
        """Put these flow nodes of a container into this document order (others stay)."""
        container = self.element(container_id)
        current = [c for c in container if isinstance(c.tag, str) and (c.get("id") in node_ids)]
        if [c.get("id") for c in current] == node_ids:
            return
        by_id = {c.get("id"): c for c in current}
        slots = [container.index(c) for c in current]
        for el in current:
            tree.remove(el)
        for slot, node_id in zip(sorted(slots), node_ids, strict=True):
            tree.insert(container, slot, by_id[node_id])
        self.defs.invalidate()
