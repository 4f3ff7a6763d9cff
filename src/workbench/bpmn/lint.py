"""Lint rules in the spirit of bpmnlint, with German messages naming element id and name.

Each rule is a function ``(defs) -> Iterable[Finding]`` registered in :data:`RULES`; severities
are ``error`` (the model is wrong or cannot be analysed) and ``warning`` (it is unclear).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from . import namespaces as ns
from . import vocabulary as voc
from .errors import Finding
from .model import Definitions, Element, Event, FlowNode, Gateway, Process, SubProcess

_B = "{" + ns.BPMN + "}"
PROBABILITY_TOLERANCE = 0.005

Rule = Callable[[Definitions], Iterable[Finding]]


def _who(el: Element) -> str:
    name = f" „{el.name}“" if el.name else ""
    return f"{el.type_label}{name} ({el.id})"


def _finding(defs: Definitions, code: str, el: Element | None, message: str,
             severity: str = "error") -> Finding:
    return Finding(code, message, severity=severity, element_id=el.id if el else None,
                   line=el.line if el else None, file=defs.source)


def _containers(defs: Definitions) -> Iterator[Process | SubProcess]:
    for process in defs.processes:
        yield process
        for node in process.all_flow_nodes:
            if isinstance(node, SubProcess):
                yield node


def _message_stub(defs: Definitions, container: Process | SubProcess) -> bool:
    """A pool that only shows activities of other processes (FIM draws the processes it calls
    this way): no sequence flows, and every node an activity with a message flow."""
    if not isinstance(container, Process) or container.sequence_flows:
        return False
    linked = {ref for flow in defs.message_flows for ref in (flow.element.get("sourceRef"),
                                                            flow.element.get("targetRef"))}
    nodes = container.flow_nodes
    return bool(nodes) and all(n.local_name in ("callActivity", "task", "subProcess")
                               and n.id in linked for n in nodes)


def start_and_end_events(defs: Definitions) -> Iterator[Finding]:
    """Every process and sub-process with flow nodes has a start and an end event (a pool of
    activities reached only by message flows is noted once instead, see :func:`_message_stub`)."""
    for container in _containers(defs):
        nodes = container.flow_nodes
        if not nodes or container.local_name == "adHocSubProcess":
            continue
        if _message_stub(defs, container):
            yield _finding(defs, "message-stub", container,
                           f"{_who(container)} zeigt nur Aktivitäten anderer Prozesse, die über "
                           "Nachrichtenflüsse angesprochen werden (ohne Sequenzflüsse); er wird "
                           "nicht als eigener Ablauf geprüft.", severity="info")
            continue
        kinds = {n.local_name for n in nodes}
        if "startEvent" not in kinds:
            yield _finding(defs, "start-event-required", container,
                           f"{_who(container)} hat kein Startereignis. Bitte ein Startereignis "
                           "ergänzen, damit Beginn und Auslöser klar sind.")
        if "endEvent" not in kinds:
            yield _finding(defs, "end-event-required", container,
                           f"{_who(container)} hat kein Endereignis. Bitte ein Endereignis "
                           "ergänzen, damit das Ergebnis klar ist.")


#: Reference attributes: without their target the model is broken (error) …
_STRUCTURAL_REFS = ("sourceRef", "targetRef", "processRef", "attachedToRef", "default")
#: … or only incomplete (warning): messages, signals, data and categories.
_SECONDARY_REFS = ("messageRef", "errorRef", "signalRef", "escalationRef", "dataObjectRef",
                   "dataStoreRef", "categoryValueRef")
#: Elements whose text is a reference.
_TEXT_REFS = {"flowNodeRef": "error", "eventDefinitionRef": "warning", "incoming": "warning",
              "outgoing": "warning"}
_REQUIRED = {"sequenceFlow": ("sourceRef", "targetRef"), "messageFlow": ("sourceRef", "targetRef"),
             "association": ("sourceRef", "targetRef"), "boundaryEvent": ("attachedToRef",)}


def _resolves(defs: Definitions, el: object, ref: str) -> bool:
    """True when the reference names an element; QName references (``tns:Message_1``) count
    by their local part, and ones into another namespace (an import) are not checked."""
    if defs.element_by_id(ref) is not None:
        return True
    if ":" not in ref:
        return False
    prefix, local = ref.split(":", 1)
    if defs.element_by_id(local) is not None:
        return True
    uri = el.nsmap.get(prefix)  # type: ignore[attr-defined]
    return uri is not None and uri not in (defs.root.get("targetNamespace"), ns.BPMN)


def dangling_references(defs: Definitions) -> Iterator[Finding]:
    """References resolve: flow ends, processRef, attachedToRef, default, flowNodeRef (errors);
    messageRef, errorRef, signalRef, escalationRef, data and category references, incoming,
    outgoing and eventDefinitionRef (warnings)."""
    for el in defs.root.iter(_B + "*"):  # vendor extension elements have their own semantics
        local = ns.local_name(el.tag)
        for attr in _REQUIRED.get(local, ()):
            if not el.get(attr):
                owner = defs.view(el)
                yield _finding(defs, "dangling-reference", owner,
                               f"{_who(owner)}: Pflichtangabe '{attr}' fehlt.")
        refs: list[tuple[str, str, str]] = []
        if el.attrib:
            for attr in _STRUCTURAL_REFS:
                value = el.get(attr)
                if value and not (attr == "processRef" and local != "participant"):
                    refs.append((attr, value.strip(), "error"))
            for attr in _SECONDARY_REFS:
                value = el.get(attr)
                if value:
                    refs.append((attr, value.strip(), "warning"))
        if local in _TEXT_REFS and (el.text or "").strip():
            refs.append((local, (el.text or "").strip(), _TEXT_REFS[local]))
        for attr, ref, severity in refs:
            if _resolves(defs, el, ref):
                continue
            owner = defs.view(el if local not in _TEXT_REFS else el.getparent())
            yield _finding(defs, "dangling-reference", owner,
                           f"{_who(owner)} verweist mit '{attr}' auf '{ref}', das es im Modell "
                           "nicht gibt. Bitte den Verweis korrigieren oder das Element ergänzen.",
                           severity=severity)


def _reachable(container: Process | SubProcess) -> set[str]:
    defs = container.defs
    nodes = container.flow_nodes
    ids = {n.id for n in nodes}
    starts = [n.id for n in nodes if not n.incoming and not (
        isinstance(n, Event) and n.local_name == "boundaryEvent")]
    starts += [n.id for n in nodes if isinstance(n, SubProcess) and n.triggered_by_event]
    seen: set[str] = set()
    stack = list(starts)
    attached: dict[str, list[str]] = {}
    for n in nodes:
        if isinstance(n, Event) and n.attached_to:
            attached.setdefault(n.attached_to, []).append(n.id)
    while stack:
        node = stack.pop()
        if node in seen or node not in ids:
            continue
        seen.add(node)
        stack.extend(f.target_id for f in defs._flows_by_source().get(node, []))
        stack.extend(attached.get(node, []))
    return seen


def connectivity(defs: Definitions) -> Iterator[Finding]:
    """No disconnected flow nodes; every node reachable from a start."""
    for container in _containers(defs):
        if container.local_name == "adHocSubProcess" or _message_stub(defs, container):
            continue
        reachable = _reachable(container)
        for node in container.flow_nodes:
            if (isinstance(node, SubProcess) and node.triggered_by_event) or (
                node.element.get("isForCompensation") == "true"
            ):
                continue  # entered by an event or a compensation association, not by flow
            is_boundary = isinstance(node, Event) and node.local_name == "boundaryEvent"
            if not node.incoming and not node.outgoing and not is_boundary and not (
                node.local_name in ("startEvent", "endEvent") and len(container.flow_nodes) == 1
            ):
                yield _finding(defs, "disconnected", node,
                               f"{_who(node)} ist mit nichts verbunden. Bitte mit Sequenzflüssen "
                               "einbinden oder entfernen.")
            elif node.id not in reachable:
                yield _finding(defs, "unreachable", node,
                               f"{_who(node)} ist vom Startereignis aus nicht erreichbar.",
                               severity="warning")


def labels(defs: Definitions) -> Iterator[Finding]:
    """Activities have a name."""
    for node in defs.flow_nodes():
        if node.local_name in voc.ACTIVITIES and not node.name:
            yield _finding(defs, "label-required", node,
                           f"{_who(node)} hat keine Bezeichnung. Bitte benennen (Verb + Objekt, "
                           "z. B. „Antrag prüfen“).", severity="warning")


def splits_and_joins(defs: Definitions) -> Iterator[Finding]:
    """No implicit splits, no gateway that splits and joins at once."""
    for node in defs.flow_nodes():
        out = node.outgoing
        if isinstance(node, Gateway):
            if node.direction == "mixed":
                yield _finding(defs, "split-and-join", node,
                               f"{_who(node)} verzweigt und führt zusammen zugleich. Bitte in zwei "
                               "Gateways aufteilen (erst zusammenführen, dann verzweigen).",
                               severity="warning")
        elif len(out) > 1 and any(_unconditional(f) and not f.is_default for f in out):
            yield _finding(defs, "implicit-split", node,
                           f"{_who(node)} hat {len(out)} ausgehende Sequenzflüsse ohne Bedingung "
                           "(implizite Parallelisierung). Bitte ein Gateway verwenden.",
                           severity="warning")


def _unconditional(flow: Element) -> bool:
    """No conditionExpression at all; an empty one still marks a conditional flow (the
    diamond in the diagram), as in bpmnlint."""
    return flow.element.find(_B + "conditionExpression") is None


def pool_borders(defs: Definitions) -> Iterator[Finding]:
    """Sequence flows stay inside their process; between pools use message flows."""
    for flow_el in defs.root.iter(_B + "sequenceFlow"):
        flow = defs.view(flow_el)
        home = _process_of(flow_el)
        for ref in (flow_el.get("sourceRef"), flow_el.get("targetRef")):
            target = defs.element_by_id(ref or "")
            if target is not None and home is not None and _process_of(target) is not home:
                yield _finding(defs, "flow-crosses-pool", flow,
                               f"{_who(flow)} überschreitet eine Poolgrenze ('{ref}' liegt in einem "
                               "anderen Prozess). Zwischen Pools bitte Nachrichtenflüsse verwenden.")
                break


def _process_of(el: object) -> object:
    node = el
    while node is not None and getattr(node, "tag", None) != _B + "process":
        node = node.getparent()  # type: ignore[attr-defined]
    return node


def probabilities(defs: Definitions) -> Iterator[Finding]:
    """Probabilities of an exclusive split sum to 1; all or none of its branches carry one."""
    for node in defs.flow_nodes():
        if not isinstance(node, Gateway) or node.gateway_type not in ("exclusive", "inclusive"):
            continue
        out = node.outgoing
        if len(out) < 2:
            continue
        values = [f.probability for f in out]
        given = [v for v in values if v is not None]
        if not given:
            continue
        if len(given) < len(values):
            missing = ", ".join(f.id for f in out if f.probability is None)
            yield _finding(defs, "probability-missing", node,
                           f"{_who(node)}: Nicht alle Zweige haben eine Wahrscheinlichkeit (fehlt bei "
                           f"{missing}). Bitte für jeden Zweig angeben.", severity="warning")
        elif node.gateway_type == "exclusive" and abs(sum(given) - 1) > PROBABILITY_TOLERANCE:
            yield _finding(defs, "probability-sum", node,
                           f"{_who(node)}: Die Wahrscheinlichkeiten der Zweige ergeben "
                           f"{sum(given):.2f} statt 1. Bitte korrigieren; die Analyse normiert sie "
                           "bis dahin.", severity="warning")


def duplicate_ids(defs: Definitions) -> Iterator[Finding]:
    """Ids are unique (import found duplicates)."""
    for w in defs.warnings:
        if w.code == "duplicate-id":
            yield Finding("duplicate-id", w.message, severity="error", element_id=w.element_id,
                          line=w.line, file=defs.source)


RULES: dict[str, Rule] = {
    "start-end": start_and_end_events,
    "references": dangling_references,
    "connectivity": connectivity,
    "labels": labels,
    "splits-joins": splits_and_joins,
    "pool-borders": pool_borders,
    "probabilities": probabilities,
    "duplicate-ids": duplicate_ids,
}


def lint(defs: Definitions, rules: Iterable[str] | None = None) -> list[Finding]:
    """Run the lint rules (all by default); findings sorted by line, then code."""
    selected = RULES if rules is None else {k: RULES[k] for k in rules}
    findings = [f for rule in selected.values() for f in rule(defs)]
    return sorted(findings, key=lambda f: (f.line or 0, f.code, f.element_id or ""))


def has_errors(findings: Iterable[Finding]) -> bool:
    return any(f.severity == "error" for f in findings)


__all__ = ["RULES", "FlowNode", "has_errors", "lint"]
