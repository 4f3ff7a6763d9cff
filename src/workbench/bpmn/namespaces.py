"""XML namespaces of BPMN 2.0, its DI, and the workbench extension namespace."""

from __future__ import annotations

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
#: Our own extension namespace: a URN, no host name. Other tools ignore and keep these attributes.
WB = "urn:prozess-werkbench:bpmn:1"

#: Attributes in the workbench namespace get the prefix ``wb`` wherever lxml has to declare it.
etree.register_namespace("wb", WB)

PREFIXES: dict[str, str] = {
    "bpmn": BPMN,
    "bpmndi": BPMNDI,
    "dc": DC,
    "di": DI,
    "xsi": XSI,
    "wb": WB,
}

#: Namespace URIs real tools write instead of the standard ones (lenient reading maps them).
VARIANTS: dict[str, str] = {}


def _register_variants() -> None:
    canon = {"MODEL": BPMN, "DI": BPMNDI}
    for kind, target in canon.items():
        base = f"www.omg.org/spec/BPMN/20100524/{kind}"
        for scheme in ("http://", "https://"):
            for variant in (base, base + "/", base.lower(), base.upper(), base.lower() + "/"):
                uri = scheme + variant
                if uri != target:
                    VARIANTS[uri] = target
                    VARIANTS[uri.upper()] = target
    for scheme in ("http://", "https://"):
        for variant in ("www.omg.org/spec/DD/20100524/DC", "www.omg.org/spec/DD/20100524/DI"):
            target = DC if variant.endswith("DC") else DI
            for uri in (scheme + variant, scheme + variant + "/"):
                if uri != target:
                    VARIANTS[uri] = target
    # The pre-final BPMN 2.0 beta namespaces some old tools still write.
    VARIANTS["http://schema.omg.org/spec/BPMN/2.0"] = BPMN
    VARIANTS["http://schema.omg.org/spec/BPMN/2.0/"] = BPMN
    VARIANTS["http://www.omg.org/spec/BPMN/2.0"] = BPMN
    VARIANTS["http://schema.omg.org/spec/BPMN/DI/2.0"] = BPMNDI
    VARIANTS["http://www.omg.org/spec/BPMN/DI/2.0"] = BPMNDI


_register_variants()


def q(ns: str, local: str) -> str:
    """Clark notation ``{ns}local`` for lxml."""
    return f"{{{ns}}}{local}"


def local_name(tag: object) -> str:
    """Local part of an lxml tag ('' for comments and processing instructions)."""
    if not isinstance(tag, str):
        return ""
    return tag.rpartition("}")[2]


def namespace_of(tag: object) -> str:
    """Namespace URI of an lxml tag ('' when none)."""
    if not isinstance(tag, str) or not tag.startswith("{"):
        return ""
    return tag[1:].partition("}")[0]
