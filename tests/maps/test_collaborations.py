"""Collaborations in the auto style (issue 14): one frame per pool, every message flow drawn,
routed between the pools instead of across their content, no overlapping labels."""

from __future__ import annotations

import itertools

import pytest

from workbench import bpmn
from workbench.maps import auto_map

from .conftest import REFERENCE, ROOT, SVG, needs_dot, parse_svg
from .geometry import _shape_box, message_crossings, overlaps

pytestmark = needs_dot
VENDOR = ROOT / "tests" / "fixtures" / "bpmn"
FILES = [REFERENCE / "C.2.0.bpmn", REFERENCE / "C.1.0.bpmn", REFERENCE / "C.4.0.bpmn",
         REFERENCE / "A.4.1.bpmn", VENDOR / "vendor" / "bizagi__c1-roundtrip-dup-attr.bpmn",
         VENDOR / "vendor" / "camunda-eclipse__collaboration-message-flows.bpmn",
         VENDOR / "vendor" / "enterprise-architect__c1-roundtrip-cp1252.bpmn",
         VENDOR / "messy" / "structure__collaboration-two-pools.bpmn"]
#: message flow × node crossings measured 2026-12-05: before (flows as diagonal curves) 24 on
#: these files, C.2.0 alone 10; after (routed through the gaps between pools) 3 and 1
CROSSINGS_BOUND = {"C.2.0": 1}
TOTAL_CROSSINGS_BOUND = 3


def _frames(root):
    """Pool frames: the cluster of a pool with lanes, or the band of a lane-less pool."""
    out = {}
    for g in root.iter(SVG + "g"):
        classes = (g.get("class") or "").split()
        if "cluster" in classes and "bpmn-pool" in classes:
            out.setdefault(g.get("data-bpmn-id"), _shape_box(g))
    return out


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_pool_is_its_own_frame_and_every_message_flow_is_drawn(path):
    model = bpmn.read(path)
    root = parse_svg(auto_map(model).svg)
    frames = _frames(root)
    pools = [p for p in model.participants]
    assert {p.id for p in pools} <= set(frames), sorted({p.id for p in pools} - set(frames))
    boxes = sorted(frames[p.id] for p in pools)
    by_y = sorted(boxes, key=lambda b: b[1])
    for upper, lower in itertools.pairwise(by_y):
        assert upper[3] < lower[1], "Pools liegen getrennt übereinander, nicht als Lanes"
    text = " ".join("".join(t.itertext()) for t in root.iter(SVG + "text"))
    for index, pool in enumerate(pools, start=1):
        assert (pool.name.split()[0] if pool.name.strip() else f"Pool {index}") in text
    drawn = {g.get("data-bpmn-id") for g in root.iter(SVG + "g")
             if "bpmn-messageFlow" in (g.get("class") or "").split()}
    assert {m.id for m in model.message_flows} <= drawn
    assert overlaps(auto_map(model).svg) == []


def test_message_flows_run_between_the_pools():
    total = 0
    for path in FILES:
        crossings = message_crossings(auto_map(bpmn.read(path)).svg)
        assert crossings <= CROSSINGS_BOUND.get(path.stem, TOTAL_CROSSINGS_BOUND), path.stem
        total += crossings
    assert total <= TOTAL_CROSSINGS_BOUND
