"""Shared helpers for the BPMN tests: reference files, a canonical form, small documents."""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from pathlib import Path

from lxml import etree

from workbench.bpmn import namespaces as ns

REPO = Path(__file__).resolve().parents[2]
MIWG = REPO.parent / "shared" / "data" / "miwg-reference"
FIXTURES = REPO / "tests" / "fixtures" / "bpmn"


def miwg_files() -> list[Path]:
    files = sorted(MIWG.glob("*.bpmn"))
    assert len(files) == 21, f"Erwartet 21 MIWG-Referenzmodelle in {MIWG}, gefunden {len(files)}"
    return files


# --------------------------------------------------------------------------- canonical form

_QNAME = re.compile(r"([A-Za-z_][\w.\-]*):([A-Za-z_][\w.\-]*)")
_PLAIN = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, recover=False,
                         huge_tree=False)


def raw_tree(data: bytes) -> etree._Element:
    """The input parsed by bare lxml, without any of our repairs (the 'original' to compare)."""
    return etree.fromstring(data, _PLAIN)


def _map_name(name: str, uri_map: Mapping[str, str]) -> str:
    if name.startswith("{"):
        uri, _, local = name[1:].partition("}")
        return "{" + uri_map.get(uri, uri) + "}" + local
    return name


def _resolve(value: str, nsmap: Mapping[str | None, str], uri_map: Mapping[str, str]) -> str:
    """A QName-like value ``prefix:local`` resolved to ``{uri}local`` when the prefix is bound.

    QName values (xsi:type, structureRef, typeRef …) depend on namespace declarations; if a
    writer dropped a declaration the value would change its meaning, and this makes it visible.
    """
    match = _QNAME.fullmatch(value.strip())
    if match and match.group(1) in nsmap:
        uri = nsmap[match.group(1)]
        return "{" + uri_map.get(uri, uri) + "}" + match.group(2)
    return value


def canonical(
    root: etree._Element,
    uri_map: Mapping[str, str] | None = None,
    *,
    skip_attr_ns: tuple[str, ...] = (),
) -> list[tuple[object, ...]]:
    """Every element, attribute, text, comment and PI in document order, prefix-independent.

    Each entry: (path of child indexes, tag, sorted attributes, text, tail). Whitespace-only
    text is formatting and compares as empty; other text is compared stripped.
    ``uri_map`` maps namespace URIs (variant → standard) before comparing;
    attributes in a namespace listed in ``skip_attr_ns`` are left out.
    """
    uri_map = uri_map or {}
    out: list[tuple[object, ...]] = []

    def walk(el: etree._Element, path: tuple[int, ...]) -> None:
        text = (el.text or "").strip()
        tail = (el.tail or "").strip()
        if not isinstance(el.tag, str):  # comment or processing instruction
            out.append((path, "#" + type(el).__name__, (), text, tail))
            return
        nsmap = el.nsmap
        attrs = []
        for key, value in el.attrib.items():
            if key.startswith("{") and key[1:].partition("}")[0] in skip_attr_ns:
                continue
            attrs.append((_map_name(key, uri_map), _resolve(value, nsmap, uri_map)))
        out.append((path, _map_name(el.tag, uri_map), tuple(sorted(attrs)),
                    _resolve(text, nsmap, uri_map) if len(el) == 0 else text, tail))
        for i, child in enumerate(el):
            walk(child, (*path, i))

    walk(root, ())
    return out


def assert_same(original: etree._Element, roundtripped: etree._Element,
                uri_map: Mapping[str, str] | None = None, **kw: object) -> None:
    """Semantic equality with a readable message at the first difference."""
    a = canonical(original, uri_map, **kw)  # type: ignore[arg-type]
    b = canonical(roundtripped, None, **kw)  # type: ignore[arg-type]
    for left, right in zip(a, b, strict=False):
        assert left == right, f"Erster Unterschied:\n  vorher:  {left}\n  nachher: {right}"
    assert len(a) == len(b), f"{len(a)} Knoten vorher, {len(b)} nachher"


# --------------------------------------------------------------------------- small documents

NSDECL = (
    f'xmlns:bpmn="{ns.BPMN}" xmlns:bpmndi="{ns.BPMNDI}" xmlns:dc="{ns.DC}" xmlns:di="{ns.DI}" '
    f'xmlns:xsi="{ns.XSI}" xmlns:wb="{ns.WB}"'
)


def doc(body: str, di: str = "", *, decl: str = '<?xml version="1.0" encoding="UTF-8"?>\n',
        extra_ns: str = "") -> str:
    """A BPMN document around ``body`` (children of definitions) and optional DI plane content."""
    diagram = ""
    if di:
        diagram = (f'<bpmndi:BPMNDiagram id="Diagramm"><bpmndi:BPMNPlane id="Ebene" '
                   f'bpmnElement="P">{di}</bpmndi:BPMNPlane></bpmndi:BPMNDiagram>')
    return (f'{decl}<bpmn:definitions {NSDECL} {extra_ns} id="Defs" '
            f'targetNamespace="urn:test">{body}{diagram}</bpmn:definitions>')


def process(content: str, pid: str = "P", attrs: str = "") -> str:
    return f'<bpmn:process id="{pid}" isExecutable="false" {attrs}>{content}</bpmn:process>'


def chain(*ids: str, kinds: Mapping[str, str] | None = None, names: bool = True) -> str:
    """Flow nodes connected in a line: the first is a startEvent, the last an endEvent."""
    kinds = dict(kinds or {})
    parts = []
    for i, node in enumerate(ids):
        tag = kinds.get(node) or ("startEvent" if i == 0 else "endEvent" if i == len(ids) - 1
                                  else "task")
        name = f' name="{node.capitalize()}"' if names else ""
        parts.append(f'<bpmn:{tag} id="{node}"{name}/>')
    for a, b in itertools.pairwise(ids):
        parts.append(f'<bpmn:sequenceFlow id="{a}_{b}" sourceRef="{a}" targetRef="{b}"/>')
    return "".join(parts)


def problems(defs: object) -> list[object]:
    """Import warnings without the info that a small test document has no DI."""
    return [w for w in defs.warnings if w.code != "missing-di"]  # type: ignore[attr-defined]
