"""Canonical forms of BPMN XML, so two serialisations of the same model compare equal.

bpmn-js (bpmn-moddle) writes a model differently from the tool that made it: other namespace
prefixes, metamodel order of children, attributes equal to the metamodel default left out,
``100.0`` as ``100``, new indentation. Here every element that has an identity gets a *key*
(its id; a DI shape or edge: its diagram and the element it draws) and a canonical *content*
(tag, attributes, text, and its children without identity, recursively) that ignores exactly
those differences. Children with identity are not part of their parent's content: they are
compared on their own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from lxml import etree

from ..bpmn import namespaces as ns

_B = "{" + ns.BPMN + "}"
_DI = "{" + ns.BPMNDI + "}"
_DC = "{" + ns.DC + "}"
_OMGDI = "{" + ns.DI + "}"
_XSI_TYPE = "{" + ns.XSI + "}type"
_EXPRESSION = _B + "expression"
#: Namespaces whose elements are the model itself (not vendor extensions).
MODEL_NAMESPACES = frozenset({ns.BPMN, ns.BPMNDI, ns.DC, ns.DI})

#: Attribute defaults of the BPMN metamodel (bpmn-moddle's ``bpmn.json``, inherited through the
#: type hierarchy): bpmn-js leaves an attribute out when it has this value, so a missing
#: attribute and the default compare equal.
_ACTIVITY = {"completionQuantity": "1", "isForCompensation": "false", "startQuantity": "1"}
_GATEWAY = {"gatewayDirection": "Unspecified"}
DEFAULTS: dict[str, dict[str, str]] = {
    **{t: _ACTIVITY for t in ("task", "userTask", "manualTask", "serviceTask", "sendTask",
                              "scriptTask", "businessRuleTask", "callActivity")},
    "receiveTask": {**_ACTIVITY, "instantiate": "false"},
    "subProcess": {**_ACTIVITY, "triggeredByEvent": "false"},
    "transaction": {**_ACTIVITY, "triggeredByEvent": "false"},
    "adHocSubProcess": {**_ACTIVITY, "triggeredByEvent": "false",
                        "cancelRemainingInstances": "true"},
    **{t: _GATEWAY for t in ("exclusiveGateway", "parallelGateway", "inclusiveGateway",
                             "complexGateway")},
    "eventBasedGateway": {**_GATEWAY, "instantiate": "false", "eventGatewayType": "Exclusive"},
    "startEvent": {"isInterrupting": "true", "parallelMultiple": "false"},
    "intermediateCatchEvent": {"parallelMultiple": "false"},
    "boundaryEvent": {"cancelActivity": "true", "parallelMultiple": "false"},
    "compensateEventDefinition": {"waitForCompletion": "true"},
    "dataInput": {"isCollection": "false"},
    "dataOutput": {"isCollection": "false"},
    "dataObject": {"isCollection": "false"},
    "dataStore": {"isUnlimited": "true"},
    "itemDefinition": {"isCollection": "false"},
    "participantMultiplicity": {"minimum": "0", "maximum": "1"},
    "multiInstanceLoopCharacteristics": {"isSequential": "false", "behavior": "All"},
    "standardLoopCharacteristics": {"testBefore": "false"},
    "documentation": {"textFormat": "text/plain"},
    "textAnnotation": {"textFormat": "text/plain"},
    "definitions": {"expressionLanguage": "http://www.w3.org/1999/XPath",
                    "typeLanguage": "http://www.w3.org/2001/XMLSchema"},
    "extension": {"mustUnderstand": "false"},
}
_BOOLEAN_TRUE = {"true", "1"}
_MODEL_SHAPES = (_DI + "BPMNShape", _DI + "BPMNEdge")
#: Children whose order is content (a line's waypoints).
ORDERED = frozenset({_OMGDI + "waypoint"})
#: Attributes whose value is the id of another element. bpmn-js drops a reference it cannot
#: resolve, so a dangling one is not content that an edit could change.
REFERENCE_ATTRIBUTES = frozenset({
    "sourceRef", "targetRef", "attachedToRef", "processRef", "default", "messageRef",
    "errorRef", "signalRef", "escalationRef", "itemSubjectRef", "structureRef", "dataStoreRef",
    "dataObjectRef", "calledElement", "operationRef", "implementationRef", "categoryValueRef",
    "activityRef", "bpmnElement", "sourceElement", "targetElement", "labelStyle",
    "definitionalCollaborationRef", "calledCollaborationRef", "parameterRef", "dataInputRef",
    "dataOutputRef",
})
#: Elements whose text is the id of another element (dropped by bpmn-js when unresolved).
REFERENCE_ELEMENTS = frozenset({
    _B + t for t in (
        "incoming", "outgoing", "flowNodeRef", "inMessageRef", "outMessageRef", "sourceRef",
        "targetRef", "dataInputRefs", "dataOutputRefs", "optionalInputRefs",
        "optionalOutputRefs", "whileExecutingInputRefs", "whileExecutingOutputRefs",
        "inputSetRefs", "outputSetRefs", "eventDefinitionRef", "supportedInterfaceRef",
        "interfaceRef", "errorRef", "resourceRef", "categoryValueRef",
    )
})


def is_model_element(el: etree._Element) -> bool:
    """True for elements of BPMN and its DI (not vendor extensions, comments, PIs)."""
    return isinstance(el.tag, str) and ns.namespace_of(el.tag) in MODEL_NAMESPACES


def is_foreign(name: str) -> bool:
    """True for a vendor tag or attribute name: a namespace other than BPMN, DI, xsi, ``wb``."""
    uri = ns.namespace_of(name)
    return bool(uri) and uri not in MODEL_NAMESPACES and uri not in (ns.XSI, ns.WB,
                                                                     "http://www.w3.org/XML/1998/namespace")


def number(text: str) -> str:
    """A number's canonical text ('100.0' → '100', '1e2' → '100'); other text unchanged."""
    try:
        value = float(text)
    except ValueError:
        return text
    if not math.isfinite(value):
        return text
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def resolve_qname(el: etree._Element, value: str) -> str:
    """``prefix:local`` → ``{uri}local`` with the element's namespaces (xsi:type values)."""
    prefix, sep, local = value.partition(":")
    if not sep:
        uri = el.nsmap.get(None)
        return f"{{{uri}}}{value}" if uri else value
    uri = el.nsmap.get(prefix)
    return f"{{{uri}}}{local}" if uri else value


def _same_default(value: str, default: str) -> bool:
    value = value.strip()
    if default in ("true", "false"):
        return (value.lower() in _BOOLEAN_TRUE) == (default == "true")
    return number(value) == default if default.isdigit() else value == default


def _own_type(el: etree._Element) -> str:
    """The xsi:type an element has anyway: ``bpmn:tFormalExpression`` on formalExpression."""
    if el.tag == _OMGDI + "waypoint":
        return _DC + "Point"
    uri, _, local = el.tag[1:].partition("}")
    return "{" + uri + "}t" + local[:1].upper() + local[1:]


Canon = tuple  # (tag, attributes, text, children): hashable; children sorted (order is not content)


class Snapshot:
    """One document seen through its keys: the keyed elements and their canonical content."""

    def __init__(self, root: etree._Element, *, frozen: bool = False) -> None:
        """``frozen``: the tree will not change, so canonical contents may be cached."""
        self.root = root
        self._cache: dict[etree._Element, Canon] | None = {} if frozen else None
        self.ids = {el.get("id") for el in root.iter() if isinstance(el.tag, str) and el.get("id")}
        self.entries: dict[str, Entry] = {}
        self.duplicates: list[str] = []
        self._diagram: dict[etree._Element, str] = {}
        self._index()

    # ---- keys
    def key(self, el: etree._Element) -> str | None:
        """The identity of an element (see :func:`element_key`)."""
        return element_key(el, self._diagram.get(el))

    def _index(self) -> None:
        for i, diagram in enumerate(self.root.iterchildren(_DI + "BPMNDiagram")):
            name = diagram.get("id") or f"#{i}"
            for el in diagram.iter():
                self._diagram[el] = name
        self.entries["definitions"] = Entry("definitions", self.root, None, ())
        self._walk(self.root, "definitions", ())

    def _walk(self, el: etree._Element, parent: str, path: tuple[str, ...]) -> None:
        for child in el:
            if not isinstance(child.tag, str):
                continue
            key = self.key(child)
            if key is not None and key not in self.entries:
                self.entries[key] = Entry(key, child, parent, path)
                self._walk(child, key, ())
            elif key is not None:
                self.duplicates.append(key)
            elif key is None and is_model_element(child):
                self._walk(child, parent, (*path, child.tag))

    # ---- content
    def attributes(self, el: etree._Element) -> dict[str, str]:
        """Canonical attributes: defaults and dangling references left out, numbers normalised."""
        tag = el.tag
        local = ns.local_name(tag)
        defaults = DEFAULTS.get(local, {}) if tag.startswith(_B) else {}
        numeric = not tag.startswith(_B) and is_model_element(el)
        out: dict[str, str] = {}
        for key, value in el.attrib.items():
            if key in defaults and _same_default(value, defaults[key]):
                continue
            if key in REFERENCE_ATTRIBUTES and is_model_element(el) and value not in self.ids:
                continue
            if key == _XSI_TYPE:
                value = resolve_qname(el, value)
                if value == _own_type(el) or tag == _EXPRESSION:
                    continue
            elif numeric:
                value = number(value)
            out[key] = " ".join(value.split())
        if tag in _MODEL_SHAPES and out.get("isMarkerVisible") == "true":
            del out["isMarkerVisible"]  # bpmn-js sets it on import; absent shows the marker too
        return out

    def children(self, el: etree._Element) -> list[etree._Element]:
        """Element children without identity (keyed children are compared on their own)."""
        out = []
        for child in el:
            if not isinstance(child.tag, str) or self.key(child) is not None:
                continue
            if child.tag in REFERENCE_ELEMENTS and text(child) not in self.ids:
                continue
            out.append(child)
        return out

    def content(self, el: etree._Element) -> Canon:
        """Canonical content of an element without its keyed descendants (see module doc)."""
        if self._cache is not None:
            found = self._cache.get(el)
            if found is None:
                found = self._cache[el] = self._content(el)
            return found
        return self._content(el)

    def _content(self, el: etree._Element) -> Canon:
        children = self.children(el)
        ordered = tuple(self.content(c) for c in children if c.tag in ORDERED)
        rest = tuple(sorted(self.content(c) for c in children if c.tag not in ORDERED))
        if ordered:  # waypoints: their order is the line's course
            rest += (("#ordered", ordered),)
        return (canonical_tag(el), tuple(sorted(self.attributes(el).items())), text(el), rest)


def canonical_tag(el: etree._Element) -> str:
    """The tag, with ``<expression xsi:type="tFormalExpression">`` read as ``<formalExpression>``.

    bpmn-moddle writes a formal expression as its abstract head element plus ``xsi:type``.
    """
    if el.tag == _EXPRESSION:
        value = el.get(_XSI_TYPE)
        if value:
            uri, _, local = resolve_qname(el, value)[1:].partition("}")
            if uri == ns.BPMN and local.startswith("t"):
                return _B + local[1:2].lower() + local[2:]
    return el.tag


def text(el: etree._Element) -> str:
    """Text of an element with whitespace runs collapsed (indentation is not content)."""
    return " ".join((el.text or "").split())


def element_key(el: etree._Element, diagram: str | None = None) -> str | None:
    """The identity of an element: its id; a DI element without id: diagram + drawn element.

    Only BPMN and BPMN DI elements have identity: ``id`` attributes of vendor extension
    elements are content (MID Innovator repeats them inside ``extensionElements``).
    """
    tag = el.tag
    if not isinstance(tag, str) or not (tag.startswith(_B) or tag.startswith(_DI)):
        return None
    if el.get("id"):
        return el.get("id")
    if tag in _MODEL_SHAPES and el.get("bpmnElement") and diagram is not None:
        return f"di:{diagram}:{el.get('bpmnElement')}"
    if tag == _DI + "BPMNPlane" and diagram is not None:
        return f"plane:{diagram}"
    if tag == _DI + "BPMNDiagram" and diagram is not None:
        return f"diagram:{diagram}"
    return None


@dataclass
class Entry:
    """One keyed element: where it sits (nearest keyed ancestor, unkeyed containers between)."""

    key: str
    element: etree._Element
    parent: str | None
    path: tuple[str, ...]

    @property
    def tag(self) -> str:
        return self.element.tag
