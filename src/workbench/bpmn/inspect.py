"""Element counts of a BPMN document, for ``workbench bpmn inspect``."""

from __future__ import annotations

from collections import Counter

from . import namespaces as ns
from .model import Definitions

_COUNTED = (ns.BPMN, ns.BPMNDI)


def element_counts(defs: Definitions) -> dict[str, int]:
    """Counts by local name of every element in the BPMN model and BPMN DI namespaces."""
    counts: Counter[str] = Counter()
    for uri in _COUNTED:
        for el in defs.root.iter(f"{{{uri}}}*"):
            counts[ns.local_name(el.tag)] += 1
    return dict(sorted(counts.items()))
