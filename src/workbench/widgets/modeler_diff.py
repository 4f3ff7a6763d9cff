"""Diff overlays on the canvas: the model being edited against a reference, from the semantic
diff of :mod:`workbench.diff` (matching by id, ``wb:replaces``, name in the same lane).

A SOLL is compared with its IST, a Kommune's own IST with the Verbund IST. On the canvas: new
elements green, changed ones amber (the changed attributes in the tooltip), elements in another
lane purple; what the reference has and the canvas no longer has is listed as a finding.
"""

from __future__ import annotations

from typing import Any

from ..bpmn import Definitions
from ..diff import ModelDiff, diff_models
from ..diff.model import attribute_label

_BADGES = {"added": "neu", "changed": "geändert", "moved": "andere Lane"}


def _change_title(element: Any) -> str:
    parts = [attribute_label(name) for name in element.attributes]
    if element.moved:
        parts.append(f"Lane: {element.lane[0]} → {element.lane[1]}")
    if element.merged:
        parts.append(f"ersetzt zusätzlich {', '.join(element.merged)}")
    return "Geändert: " + ", ".join(parts) if parts else "Geändert"


def diff_payload(reference: Definitions, current: Definitions, *, reference_label: str,
                 label: str) -> dict[str, Any]:
    """Per element of ``current``: diff marker and badge; summary line; removed elements."""
    diff: ModelDiff = diff_models(reference, current, a_label=reference_label, b_label=label)
    elements: dict[str, dict[str, Any]] = {}
    for element in diff.elements:
        if element.b_id is None or element.kind == "unchanged":
            continue
        only_moved = element.moved and not element.attributes and not element.merged
        kind = "moved" if element.kind == "changed" and only_moved else element.kind
        title = {"added": f"Neu gegenüber {reference_label}",
                 "moved": _change_title(element)}.get(kind, _change_title(element))
        elements[element.b_id] = {
            "markers": [f"wb-diff-{kind}"],
            "badges": [{"kind": kind, "text": _BADGES[kind], "title": title}],
        }
    removed = [e.name or e.a_id or "" for e in diff.removed if e.is_step]
    findings = []
    if removed:
        findings.append({"level": "info", "severity": "Vergleich", "element": None,
                         "message": f"Entfallen gegenüber {reference_label}: "
                                    + "; ".join(removed) + "."})
    return {"elements": elements, "findings": findings,
            "summary": [f"ggü. {reference_label}", diff.summary(),
                        f"Vergleich mit {reference_label} (nach ID, Ersetzt-Verweis und Name)"]}


def merge_into(payload: dict[str, Any], extra: dict[str, Any]) -> None:
    """Add diff markers, badges, findings and the summary item to an analysis payload."""
    for element_id, info in extra["elements"].items():
        target = payload["elements"].setdefault(element_id, {"badges": [], "markers": []})
        target["markers"] = [*target.get("markers", []), *info["markers"]]
        target["badges"] = [*info["badges"], *target.get("badges", [])]
    payload["findings"] = [*extra["findings"], *payload.get("findings", [])]
    payload["summary"] = [*payload.get("summary", []), extra["summary"]]
