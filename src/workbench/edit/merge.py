"""Merging what bpmn-js saved back into the original model, as patches.

bpmn-js writes the whole document anew. The original stays the source of truth: only the
semantic differences between the canvas output and the original (by element identity, see
:mod:`.canon`) are applied to the original tree, and :mod:`.splice` writes just those changes
into the original bytes: everything else stays byte-for-byte (encoding, quotes, line ends).

Two modes:

* **two-way** ``merge_canvas_xml(original, edited)``: the original is the reference. Content the
  canvas output lacks counts as deleted, and a deletion bpmn-js cannot have made on the canvas
  (vendor extensions, vendor attributes, elements without a diagram shape) is refused.
* **three-way** ``merge_canvas_xml(original, edited, baseline=…)``: ``baseline`` is what bpmn-js
  saved right after importing the original, before any edit. Only the differences between
  baseline and edited are applied, so content bpmn-js never loaded stays untouched.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from lxml import etree

from .. import bpmn
from ..bpmn import namespaces as ns
from ..bpmn import vocabulary as voc
from . import tree
from .canon import ORDERED, Snapshot, canonical_tag, is_foreign, text
from .errors import EditRefused
from .splice import EditableModel
from .summary import Summary

_B = "{" + ns.BPMN + "}"
_DI = "{" + ns.BPMNDI + "}"
#: Elements bpmn-js removes on its own when the user deletes something else.
_COMPANIONS = frozenset({
    "laneSet", "childLaneSet", "dataObject", "category", "categoryValue", "collaboration",
    "process", "BPMNDiagram", "BPMNPlane", "conditionExpression", "ioSpecification",
    "inputSet", "outputSet", "dataInput", "dataOutput", "property",
} | voc.EVENT_DEFINITIONS)
_SUB_PROCESSES = frozenset(_B + t for t in voc.SUB_PROCESSES)


@dataclass
class MergeResult:
    """The merged document and a German summary of what changed (empty: nothing)."""

    xml: bytes
    changes: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def merge_canvas_xml(original: bytes | str, edited: bytes | str, *,
                     baseline: bytes | str | None = None) -> MergeResult:
    """Apply the semantic differences of ``edited`` (bpmn-js output) to ``original``.

    Returns the original bytes unchanged when there is no semantic difference. Raises
    :class:`~workbench.edit.errors.EditRefused` (nothing merged) when the edited document
    dropped content that the canvas cannot have deleted; :class:`workbench.bpmn.BpmnRejected`
    when an input is not BPMN.
    """
    document = EditableModel(original, name="Original")
    defs = document.defs
    edit = bpmn.read(edited, name="Modellierer")
    base_root = (bpmn.read(baseline, name="Ausgangsstand").root if baseline is not None
                 else copy.deepcopy(defs.root))
    merger = _Merger(defs.root, base_root, edit.root, strict=baseline is None)
    merger.run()
    if not merger.summary.lines:
        return MergeResult(document.data, [])
    defs.invalidate()
    return MergeResult(document.to_bytes(), merger.summary.lines)


class _Merger:
    """One merge: snapshots of original (O), baseline (B) and edited (E)."""

    def __init__(self, orig: etree._Element, base: etree._Element, edit: etree._Element, *,
                 strict: bool) -> None:
        self.O = Snapshot(orig)
        self.B, self.E = Snapshot(base, frozen=True), Snapshot(edit, frozen=True)
        self.strict = strict
        self.losses: list[str] = []
        self.placed: dict[str, etree._Element] = {}  # key → element in the original tree
        self.skipped: set[str] = set()  # keys of bpmn-js artefacts not merged
        self.summary = Summary(self.O, self.E)
        if self.O.duplicates:
            raise EditRefused([f"doppelte ID „{k}“" for k in self.O.duplicates[:5]],
                              hint="Eine Zuordnung nach ID ist nicht eindeutig. Bitte die IDs "
                              "im Original eindeutig machen (workbench bpmn validate zeigt sie).")

    # ------------------------------------------------------------------ driver
    def run(self) -> None:
        orig, base, edit = self.O.entries, self.B.entries, self.E.entries
        self._declare_namespaces()
        # bpmn-js made these on import (drill-down planes of collapsed sub-processes)
        self.skipped = {k for k in edit if k in base and k not in orig}
        for key, entry in edit.items():
            if key == "definitions":
                self._patch(orig[key].element, base[key].element, entry.element, key)
            elif key not in base:
                self._add(key)
            elif key in orig:
                self._update(key)
        deleted = [k for k in base if k not in edit]
        for key in deleted:
            self._delete(key, set(deleted))
        if self.losses:
            raise EditRefused(self.losses, hint=(
                "bpmn-js hat diese Inhalte nicht übernommen; sie wurden nicht gelöscht und "
                "nichts wurde gespeichert. Bitte das Modell im ursprünglichen Werkzeug bearbeiten "
                "oder den Ausgangsstand (baseline) mitgeben."))

    def _declare_namespaces(self) -> None:
        """Declare namespaces the edited document uses and the original lacks (prefixes of E)."""
        # declared anywhere in the original (vendors declare on inner elements too): a new
        # element or attribute of such a namespace is written with a declaration where needed
        have = {u for el in self.O.root.iter() if isinstance(el.tag, str)
                for u in el.nsmap.values()}
        used: dict[str, str] = {}
        for el in self.E.root.iter():
            if not isinstance(el.tag, str):
                continue
            for name in (el.tag, *el.attrib):
                uri = ns.namespace_of(name)
                if uri and uri not in have and uri != "http://www.w3.org/XML/1998/namespace":
                    prefix = next((p for p, u in el.nsmap.items() if u == uri and p), "ns")
                    used.setdefault(prefix, uri)
        self._pending_namespaces = used

    def _ensure_namespaces(self, el: etree._Element) -> None:
        needed = {ns.namespace_of(n) for e in el.iter() if isinstance(e.tag, str)
                  for n in (e.tag, *e.attrib)}
        todo = {p: u for p, u in self._pending_namespaces.items() if u in needed}
        if todo:
            tree.declare(self.O.root, todo)
            for prefix in todo:
                self._pending_namespaces.pop(prefix, None)

    # ------------------------------------------------------------------ keyed elements
    def _original(self, key: str | None) -> etree._Element | None:
        if key is None:
            return None
        if key in self.placed:
            return self.placed[key]
        entry = self.O.entries.get(key)
        return entry.element if entry is not None else None

    def _is_artefact(self, key: str) -> bool:
        """A drill-down diagram bpmn-js made for a collapsed sub-process on import."""
        el = self.E.entries[key].element
        if el.tag != _DI + "BPMNDiagram":
            return False
        plane = el.find(_DI + "BPMNPlane")
        target = self.E.entries.get(plane.get("bpmnElement") or "") if plane is not None else None
        return target is not None and target.tag in _SUB_PROCESSES and not any(
            e.tag == _DI + "BPMNPlane" and e.element.get("bpmnElement") == target.key
            for e in self.O.entries.values())

    def _main_plane(self, artefact_plane: str) -> etree._Element | None:
        """The original plane that shows the sub-process of a drill-down plane."""
        plane = self.E.entries.get(artefact_plane)
        ref = plane.element.get("bpmnElement") if plane is not None else None
        for entry in self.O.entries.values():
            if entry.tag == _DI + "BPMNShape" and entry.element.get("bpmnElement") == ref:
                return entry.element.getparent()
        return next((e.element for e in self.O.entries.values() if e.tag == _DI + "BPMNPlane"),
                    None)

    def _drilldown_plane(self, key: str) -> etree._Element | None:
        """The original's page for a bpmn-js drill-down plane (made on first use): content drawn
        inside a collapsed sub-process gets a diagram of its own, as bpmn-js shows it, instead
        of landing on the main page at the coordinates of the sub-process's page."""
        if key in self.placed:
            return self.placed[key]
        e_plane = self.E.entries[key].element
        target = e_plane.get("bpmnElement") or ""
        if e_plane.tag != _DI + "BPMNPlane" or self.O.entries.get(target) is None:
            return self._main_plane(key)
        taken = {el.get("id") for el in self.O.root.iter() if isinstance(el.tag, str)}

        def fresh(wanted: str | None, fallback: str) -> str:
            name, n = wanted or fallback, 1
            while name in taken:
                n += 1
                name = f"{wanted or fallback}_{n}"
            taken.add(name)
            return name

        e_diagram = e_plane.getparent()
        diagram = etree.SubElement(self.O.root, _DI + "BPMNDiagram", id=fresh(
            e_diagram.get("id") if e_diagram is not None else None, f"{target}_diagram"))
        plane = etree.SubElement(diagram, _DI + "BPMNPlane",
                                 id=fresh(e_plane.get("id"), f"{target}_plane"),
                                 bpmnElement=target)
        self.placed[key] = plane
        return plane

    def _home(self, key: str) -> tuple[etree._Element, tuple[str, ...]] | None:
        """Where an element of E goes in the original: (container, path below it)."""
        entry = self.E.entries[key]
        parent = entry.parent
        if parent in self.skipped:  # drawn inside a drill-down plane: a page of its own
            plane = self._drilldown_plane(parent)
            return (plane, ()) if plane is not None else None
        target = self._original(parent)
        return (target, entry.path) if target is not None else None

    def _add(self, key: str) -> None:
        entry = self.E.entries[key]
        if self._is_artefact(key) or (entry.parent in self.skipped
                                      and entry.tag == _DI + "BPMNPlane"):
            self.skipped.add(key)
            return
        home = self._home(key)
        if home is None:
            self.losses.append(f"neues Element {key} hat keinen Platz im Original")
            return
        self._ensure_namespaces(entry.element)
        container = self._container(home[0], home[1])
        index = self._position(container, entry.element)
        created = self._graft(container, index, entry.element)
        self.placed[key] = created
        self.summary.added(key)

    def _update(self, key: str) -> None:
        o, b, e = (self.O.entries[key], self.B.entries[key], self.E.entries[key])
        if (b.parent, b.path) == (e.parent, e.path) and b.tag == e.tag and (
                _same_text(b.element, e.element)
                or self.B.content(b.element) == self.E.content(e.element)):
            return  # nothing changed here (the usual case)
        if canonical_tag(b.element) != canonical_tag(e.element):
            if canonical_tag(o.element) != canonical_tag(b.element):
                self.losses.append(f"Typ von {key} ist im Original anders als im Modellierer")
                return
            o.element.tag = e.element.tag
            self.summary.retyped(key, b.element.tag, e.element.tag)
        if (b.parent, b.path) != (e.parent, e.path) and e.parent not in self.skipped \
                and b.parent not in self.skipped:
            home = self._home(key)
            if home is not None:
                container = self._container(*home)
                tree.move(o.element, container, self._position(container, e.element))
                self.summary.moved(key, e.parent)
        self._patch(o.element, b.element, e.element, key)

    def _delete(self, key: str, deleted: set[str]) -> None:
        entry = self.O.entries.get(key)
        if entry is None or entry.element.getroottree().getroot() is not self.O.root:
            return
        parent = self.B.entries[key].parent
        while parent is not None:  # removed together with a deleted ancestor
            if parent in deleted:
                return
            parent = self.B.entries[parent].parent if parent in self.B.entries else None
        if self.strict and not self._deletable(key, deleted):
            self.losses.append(self.summary.lost_element(key))
            return
        tree.remove(entry.element)
        self.summary.removed(key)

    def _deletable(self, key: str, deleted: set[str]) -> bool:
        """Could a user have deleted this element on the canvas (two-way mode)?"""
        el = self.O.entries[key].element
        local = ns.local_name(el.tag)
        if el.tag in (_DI + "BPMNShape", _DI + "BPMNEdge"):
            return (el.get("bpmnElement") or "") in deleted
        if local in _COMPANIONS:
            return True
        return any(e.element.get("bpmnElement") == key for e in self.O.entries.values()
                   if e.tag in (_DI + "BPMNShape", _DI + "BPMNEdge"))

    # ------------------------------------------------------------------ content of one element
    def _patch(self, o: etree._Element, b: etree._Element, e: etree._Element, key: str) -> None:
        """Apply the difference b → e of attributes, text and unkeyed children to o."""
        self._patch_attributes(o, b, e, key)
        if text(b) != text(e) and len(self.B.children(b)) == 0:
            o.text = e.text
            self.summary.text(key, o)
        self._patch_children(o, b, e, key)

    def _patch_attributes(self, o: etree._Element, b: etree._Element, e: etree._Element,
                          key: str) -> None:
        ab, ae = self.B.attributes(b), self.E.attributes(e)
        for name in sorted(set(ab) | set(ae)):
            if ab.get(name) == ae.get(name):
                continue
            if name in ae:
                self._ensure_namespaces(e)
                self.summary.attribute(key, o, name, o.get(name), e.get(name))
                o.set(name, e.get(name))
            elif self.strict and is_foreign(name) and o.get(name) is not None:
                self.losses.append(self.summary.lost_attribute(key, o, name))
            elif o.get(name) is not None:
                self.summary.attribute(key, o, name, o.get(name), None)
                del o.attrib[name]

    def _patch_children(self, o: etree._Element, b: etree._Element, e: etree._Element,
                        key: str) -> None:
        cb, ce, co = self.B.children(b), self.E.children(e), self.O.children(o)
        if self._patch_ordered(o, cb, ce, co, key):
            cb, ce, co = ([c for c in x if c.tag not in ORDERED] for x in (cb, ce, co))
        pairs, removed, added = _pair(cb, ce, self.B, self.E)
        to_orig = dict(_pair(cb, co, self.B, self.O)[0])
        for bc, ec in pairs:
            if self.B.content(bc) == self.E.content(ec):
                continue
            oc = to_orig.get(bc)
            if oc is None:
                self.losses.append(f"{self.summary.who(key)}: geänderter Inhalt "
                                   f"<{ns.local_name(bc.tag)}> ist im Original nicht zu finden")
                continue
            if canonical_tag(oc) != canonical_tag(ec):
                continue
            self._patch(oc, bc, ec, key)
        for bc in removed:
            oc = to_orig.get(bc)
            if oc is None:
                continue
            if self.strict and _has_foreign(oc):
                self.losses.append(self.summary.lost_content(key, oc))
                continue
            tree.remove(oc)
            self.summary.child(key, oc, removed=True)
        for ec in added:
            self._ensure_namespaces(ec)
            created = self._graft(o, self._position(o, ec), ec)
            self.summary.child(key, created, removed=False)

    def _patch_ordered(self, o: etree._Element, cb: list, ce: list, co: list, key: str) -> bool:
        """Replace the waypoints of o when their sequence changed; True when o has any."""
        wb = [self.B.content(c) for c in cb if c.tag in ORDERED]
        we = [c for c in ce if c.tag in ORDERED]
        if not wb and not we:
            return False
        if wb == [self.E.content(c) for c in we]:
            return True
        old = [c for c in co if c.tag in ORDERED]
        index = o.index(old[0]) if old else self._position(o, we[0])
        for c in old:
            tree.remove(c)
        for n, c in enumerate(we):
            self._graft(o, min(index + n, len(o)), c)
        self.summary.waypoints(key)
        return True

    # ------------------------------------------------------------------ building
    def _container(self, target: etree._Element, path: tuple[str, ...]) -> etree._Element:
        """The unkeyed container chain (e.g. laneSet without id) below target; made if missing."""
        for tag in path:
            found = next((c for c in target if c.tag == tag and self.O.key(c) is None), None)
            if found is None:
                found = tree.make(target, len(target), tag)
            target = found
        return target

    def _position(self, container: etree._Element, e_el: etree._Element) -> int:
        """Index in ``container`` after the original counterpart of e_el's previous sibling."""
        sibling = e_el.getprevious()
        while sibling is not None:
            counterpart = self._counterpart(sibling)
            if counterpart is not None and counterpart.getparent() is container:
                return container.index(counterpart) + 1
            sibling = sibling.getprevious()
        sibling = e_el.getnext()
        while sibling is not None:
            counterpart = self._counterpart(sibling)
            if counterpart is not None and counterpart.getparent() is container:
                return container.index(counterpart)
            sibling = sibling.getnext()
        same = [i for i, c in enumerate(container) if c.tag == e_el.tag]
        return same[-1] + 1 if same else len(container)

    def _counterpart(self, e_el: etree._Element) -> etree._Element | None:
        if not isinstance(e_el.tag, str):
            return None
        key = self.E.key(e_el)
        if key is not None:
            return self._original(key)
        return None

    def _graft(self, parent: etree._Element, index: int, e_el: etree._Element) -> etree._Element:
        """Copy an element of E (without keyed descendants) into the original tree."""
        created = tree.make(parent, index, e_el.tag, e_el.attrib.items())
        if e_el.text and e_el.text.strip():
            created.text = e_el.text
        for child in e_el:
            if not isinstance(child.tag, str):
                continue
            if self.E.key(child) is None:
                self._graft(created, len(created), child)
        return created


def _same_text(a: etree._Element, b: etree._Element) -> bool:
    """The same serialisation (baseline and edit both come from bpmn-js): surely unchanged.

    Only for elements without keyed children, whose changes are compared on their own.
    """
    if len(a) > 8 or len(b) > 8:
        return False
    return etree.tostring(a, with_tail=False) == etree.tostring(b, with_tail=False)


def _has_foreign(el: etree._Element) -> bool:
    """True when a subtree holds vendor content (elements or attributes of other namespaces)."""
    return any(isinstance(x.tag, str) and (is_foreign(x.tag) or any(is_foreign(a) for a in x.attrib))
               for x in el.iter())


def _pair(xs: list[etree._Element], ys: list[etree._Element], sx: Snapshot, sy: Snapshot
          ) -> tuple[list[tuple[etree._Element, etree._Element]], list[etree._Element],
                     list[etree._Element]]:
    """Pair children: equal content first, then the same tag in document order."""
    pairs: list[tuple[etree._Element, etree._Element]] = []
    free_y = list(ys)
    by_content: dict[tuple, list[etree._Element]] = {}
    for y in free_y:
        by_content.setdefault(sy.content(y), []).append(y)
    rest_x = []
    for x in xs:
        bucket = by_content.get(sx.content(x))
        if bucket:
            y = bucket.pop(0)
            pairs.append((x, y))
            free_y.remove(y)
        else:
            rest_x.append(x)
    removed = []
    for x in rest_x:
        tag = canonical_tag(x)
        y = next((y for y in free_y if canonical_tag(y) == tag), None)
        if y is None:
            removed.append(x)
        else:
            pairs.append((x, y))
            free_y.remove(y)
    return pairs, removed, free_y
