"""The semantic difference of two models: added, removed, changed, moved, re-wired elements.

Like bpmn-js-differ, but with the matching of :mod:`.match` (ids, explicit links, names in the
same lane – never row numbers). ``A`` is the reference (IST, or the Verbund IST), ``B`` the
other model (SOLL, or a Kommune's IST).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ..bpmn import extensions as ext
from ..bpmn import vocabulary as voc
from ..bpmn.model import Definitions, FlowNode
from .match import Matching, category, lane_name, match

#: Attributes compared on matched elements (German labels in :func:`attribute_label`).
COMPARED = ("name", "type", *[a for a in ext.ATTRIBUTES if a not in ("probability", "replaces")])


def attribute_label(name: str) -> str:
    if name == "name":
        return "Name"
    if name == "type":
        return "Typ"
    return ext.ATTRIBUTES[name].label


@dataclass(frozen=True)
class ElementDiff:
    """One element of either model and what happened to it."""

    kind: str  # added | removed | changed | unchanged
    a_id: str | None
    b_id: str | None
    name: str
    type: str  # BPMN local name (of B when present)
    category: str  # activity | event | gateway
    matched_by: str | None = None  # id | ersetzt | name | name-lane
    attributes: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    lane: tuple[str, str] | None = None  # (A lane, B lane) when the element moved lanes
    predecessors: tuple[tuple[str, ...], tuple[str, ...]] | None = None  # (removed, added)
    successors: tuple[tuple[str, ...], tuple[str, ...]] | None = None
    merged: tuple[str, ...] = ()  # further A ids this B element replaces

    @property
    def moved(self) -> bool:
        return self.lane is not None

    @property
    def rewired(self) -> bool:
        return self.predecessors is not None or self.successors is not None

    @property
    def is_step(self) -> bool:
        return self.category == "activity"

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind, "a_id": self.a_id, "b_id": self.b_id, "name": self.name,
            "type": self.type, "category": self.category, "matched_by": self.matched_by,
            "attributes": {k: [_plain(v[0]), _plain(v[1])] for k, v in self.attributes.items()},
            "moved": list(self.lane) if self.lane else None,
            "rewired": self.rewired,
            "predecessors": [list(p) for p in self.predecessors] if self.predecessors else None,
            "successors": [list(s) for s in self.successors] if self.successors else None,
            "merged": list(self.merged),
        }


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, (str, int, float)) else str(value)


@dataclass
class ModelDiff:
    """All element differences of two models, in the order of A then new elements of B."""

    elements: list[ElementDiff]
    matching: Matching
    a_label: str = "IST"
    b_label: str = "SOLL"

    # ---- selections
    def of_kind(self, kind: str, *, steps_only: bool = False) -> list[ElementDiff]:
        return [e for e in self.elements if e.kind == kind and (e.is_step or not steps_only)]

    @property
    def added(self) -> list[ElementDiff]:
        return self.of_kind("added")

    @property
    def removed(self) -> list[ElementDiff]:
        return self.of_kind("removed")

    @property
    def changed(self) -> list[ElementDiff]:
        return self.of_kind("changed")

    @property
    def moved(self) -> list[ElementDiff]:
        return [e for e in self.elements if e.moved]

    @property
    def rewired(self) -> list[ElementDiff]:
        return [e for e in self.elements if e.rewired]

    @property
    def identical(self) -> bool:
        return all(e.kind == "unchanged" for e in self.elements)

    def counts(self, *, steps_only: bool = False) -> dict[str, int]:
        pick = [e for e in self.elements if e.is_step or not steps_only]
        return {
            "hinzugefuegt": sum(e.kind == "added" for e in pick),
            "entfallen": sum(e.kind == "removed" for e in pick),
            "geaendert": sum(e.kind == "changed" for e in pick),
            "verschoben": sum(e.moved for e in pick),
            "neu_verbunden": sum(e.rewired for e in pick),
            "unveraendert": sum(e.kind == "unchanged" for e in pick),
        }

    def summary(self, *, steps_only: bool = True) -> str:
        """'Schritte: 3 entfallen, 2 neu, 4 geändert, 1 verschoben' (German)."""
        c = self.counts(steps_only=steps_only)
        what = "Schritte" if steps_only else "Elemente"
        return (f"{what}: {c['entfallen']} entfallen, {c['hinzugefuegt']} neu, "
                f"{c['geaendert']} geändert, {c['verschoben']} verschoben")

    def overlays(self) -> dict[str, dict[str, str]]:
        """Per model, element id → marker: removed/added/changed/moved/rewired/unchanged."""
        a: dict[str, str] = {}
        b: dict[str, str] = {}
        for e in self.elements:
            marker = e.kind
            if e.kind in ("changed", "unchanged") and e.moved:
                marker = "moved"
            elif e.kind == "unchanged" and e.rewired:
                marker = "rewired"
            if e.a_id:
                a[e.a_id] = marker
            for extra in e.merged:
                a[extra] = marker
            if e.b_id:
                b[e.b_id] = marker
        return {"a": a, "b": b}

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict for the modeler's diff overlays and for ``workbench diff --json``."""
        return {
            "version": 1, "a": self.a_label, "b": self.b_label,
            "counts": self.counts(), "counts_steps": self.counts(steps_only=True),
            "summary": self.summary(),
            "elements": [e.as_dict() for e in self.elements],
            "overlays": self.overlays(),
        }

    def lines(self, *, steps_only: bool = False) -> list[str]:
        """German lines, one per difference (unchanged elements left out)."""
        out = []
        for e in self.elements:
            if steps_only and not e.is_step:
                continue
            label = f"{voc.german_type(e.type)} „{e.name}“" if e.name else \
                f"{voc.german_type(e.type)} {e.b_id or e.a_id}"
            if e.kind == "added":
                out.append(f"neu: {label}")
            elif e.kind == "removed":
                out.append(f"entfällt: {label}")
            else:
                parts = [f"{attribute_label(k)} {_show(v[0], k)} → {_show(v[1], k)}"
                         for k, v in e.attributes.items()]
                if e.lane:
                    parts.append(f"Lane {e.lane[0] or '–'} → {e.lane[1] or '–'}")
                if e.rewired:
                    parts.append("anders verbunden")
                if e.merged:
                    parts.append(f"ersetzt auch {', '.join(e.merged)}")
                if parts:
                    out.append(f"geändert: {label}: " + "; ".join(parts))
        return out


def _show(value: Any, key: str = "") -> str:
    if value is None:
        return "–"
    if key == "type":
        return voc.german_type(str(value))
    spec = ext.ATTRIBUTES.get(key)
    if spec is not None and spec.values and str(value) in spec.values:
        return spec.values[str(value)]
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    return f"„{value}“" if isinstance(value, str) else str(value)


#: Diffs kept per process (a report batch's kernel diffs the same few pairs many times).
MEMO_SIZE = 64  # ~35 KiB per pair of example models: at most ~2 MiB
_memo: dict[bytes, tuple[tuple[ElementDiff, ...], Matching]] = {}


def diff_models(a: Definitions, b: Definitions, *, a_label: str = "IST",
                b_label: str = "SOLL") -> ModelDiff:
    """The semantic difference of ``a`` → ``b`` (see module docstring).

    Computed once per process for the same pair of model contents (the XML trees, not the
    objects): a model edited in place is diffed anew. Each call gets its own list and matching;
    the :class:`ElementDiff` values are shared (frozen)."""
    key = content_key(a) + content_key(b)
    known = _memo.get(key)
    if known is None:
        diff = _diff_models(a, b)
        while len(_memo) >= MEMO_SIZE:
            _memo.pop(next(iter(_memo)))
        known = _memo[key] = (tuple(diff.elements), diff.matching)
    elements, matching = known
    return ModelDiff(list(elements), Matching(dict(matching.pairs), dict(matching.how),
                                              dict(matching.merged)), a_label, b_label)


def content_key(model: Definitions) -> bytes:
    """SHA-256 of the model's XML tree as it is now (``tostring`` leaves the tree untouched):
    the key of the per-process memos of what is computed from a model's content alone."""
    return hashlib.sha256(etree.tostring(model.root)).digest()


def _diff_models(a: Definitions, b: Definitions) -> ModelDiff:
    matching = match(a, b)
    nodes_a = {n.id: n for n in a.flow_nodes() if n.id}
    nodes_b = {n.id: n for n in b.flow_nodes() if n.id}
    to_b = {k: v for k, v in matching.pairs.items()}
    to_b.update(matching.merged)
    to_a = {v: k for k, v in matching.pairs.items()}
    elements: list[ElementDiff] = []
    merged_into: dict[str, list[str]] = {}
    for a_id, b_id in matching.merged.items():
        merged_into.setdefault(b_id, []).append(a_id)
    for a_id, node in nodes_a.items():
        if a_id in matching.merged:
            continue
        b_id = matching.pairs.get(a_id)
        if b_id is None:
            elements.append(ElementDiff("removed", a_id, None, node.name, node.local_name,
                                        category(node)))
            continue
        other = nodes_b[b_id]
        attributes = _attributes(node, other)
        lane_a, lane_b = lane_name(node), lane_name(other)
        moved = (_lane_label(node), _lane_label(other)) if lane_a != lane_b else None
        predecessors = _neighbours(node, other, to_b, incoming=True)
        successors = _neighbours(node, other, to_b, incoming=False)
        merged = tuple(merged_into.get(b_id, ()))
        kind = "changed" if attributes or moved or merged else "unchanged"
        elements.append(ElementDiff(kind, a_id, b_id, other.name or node.name, other.local_name,
                                    category(other), matching.how.get(a_id), attributes,
                                    moved, predecessors, successors, merged))
    for b_id, node in nodes_b.items():
        if b_id not in to_a:
            elements.append(ElementDiff("added", None, b_id, node.name, node.local_name,
                                        category(node)))
    return ModelDiff(elements, matching)


def _attributes(a: FlowNode, b: FlowNode) -> dict[str, tuple[Any, Any]]:
    out: dict[str, tuple[Any, Any]] = {}
    for key in COMPARED:
        if key == "name":
            old, new = a.name, b.name
            if " ".join(old.split()) == " ".join(new.split()):
                continue
        elif key == "type":
            old, new = a.local_name, b.local_name
        else:
            old, new = a.get_ext(key), b.get_ext(key)
        if old != new:
            out[key] = (old, new)
    return out


def _lane_label(node: FlowNode) -> str:
    lane = node.lane
    if lane is not None:
        return lane.name or lane.id
    part = node.process.participant
    return (part.name if part else "") or node.process.name or ""


def _neighbours(a: FlowNode, b: FlowNode, to_b: dict[str, str], *, incoming: bool
                ) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """(B ids no longer connected, B ids newly connected) – None when the same."""
    flows_a = a.incoming if incoming else a.outgoing
    flows_b = b.incoming if incoming else b.outgoing
    end = "source_id" if incoming else "target_id"
    mapped = {to_b.get(getattr(f, end), "?" + getattr(f, end)) for f in flows_a}
    now = {getattr(f, end) for f in flows_b}
    if mapped == now:
        return None
    return tuple(sorted(mapped - now)), tuple(sorted(now - mapped))
