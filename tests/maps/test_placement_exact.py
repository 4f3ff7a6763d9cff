"""The label placement's quick paths give exactly the spots of its plain definitions.

:class:`workbench.maps.placement.Placer` finds the first spot of cost 0 with a quick test (and
weighs the costs only when even the ring search found nothing), sorts the frames near a label
in one pass and measures a ring spot's distance to its flow per column
and row of the ring. Here every choice made while drawing real maps (comparison maps of shipped
pairs, MIWG reference models) is repeated with the plain definitions written out below (cost of
every candidate, frames by :func:`straddles`, distance of every spot to every route point) and
must come out the same, to the last bit.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from workbench import bpmn
from workbench.maps import compare_models, process_map, restack
from workbench.maps.placement import (
    RING_REACH,
    RING_STEP,
    Placer,
    _box,
    _holds,
    _offset_array,
    _offset_axes,
    _offsets,
    _Region,
    sample_route,
)
from workbench.maps.plane import straddles

from .conftest import REFERENCE_MODELS, ROOT, needs_dot


def _contains(frame, box) -> bool:
    return frame[0] <= box[0] and box[2] <= frame[2] and frame[1] <= box[1] and box[3] <= frame[3]


def _plain_region(placer: Placer, candidates, w, h, anchors) -> _Region:
    xs, ys = [c[0] for c in candidates], [c[1] for c in candidates]
    reach_x, reach_y = w + RING_REACH[0] + 1, h + RING_REACH[1] + 1
    area = (min(xs) - reach_x, min(ys) - reach_y, max(xs) + reach_x, max(ys) + reach_y)
    near = [f for f in placer.frames if straddles(area, f)]
    if not anchors:
        return _Region(near, None)
    far = [f for f in placer.frames if not straddles(area, f)]
    around = tuple(_contains(f, area) for f in far)
    allowed = set()
    for x, y in anchors:
        if tuple(_holds(f, x, y) for f in far) == around:
            allowed.add(tuple(_holds(f, x, y) for f in near))
    return _Region(near, allowed)


def _plain_ring(placer: Placer, start, w, h, on_line, region, route=None):
    offsets = _offset_array(int((w / 2 + RING_REACH[0]) // RING_STEP),
                            int((h / 2 + RING_REACH[1]) // RING_STEP))
    if route:
        pts = np.asarray(route, dtype=float).reshape(-1, 2)
        gap_x = np.maximum(np.abs(start[0] + offsets[:, 0, None] - pts[:, 0]) - w / 2, 0)
        gap_y = np.maximum(np.abs(start[1] + offsets[:, 1, None] - pts[:, 1]) - h / 2, 0)
        near = (gap_x * gap_x + gap_y * gap_y).min(axis=1)
        offsets = offsets[np.argsort(near, kind="stable")]
    hit = placer._first_free(start[0] + offsets[:, 0], start[1] + offsets[:, 1], w, h,
                             on_line, region)
    return None if hit is None else (start[0] + float(offsets[hit, 0]),
                                     start[1] + float(offsets[hit, 1]))


def _plain_choice(placer: Placer, candidates, w, h, on_line, anchors, route):
    """The spot :meth:`Placer.choose` took before its quick paths (without placing it) and
    what it noted as a miss (or None)."""
    region = _plain_region(placer, candidates, w, h, anchors)
    best, best_cost = candidates[0], float("inf")
    for cx, cy in candidates:
        cost = placer.cost(_box(cx, cy, w, h), on_line, region)
        if cost == 0.0:
            best, best_cost = (cx, cy), 0.0
            break
        if cost < best_cost:
            best, best_cost = (cx, cy), cost
    miss = None
    if best_cost > 0.0:
        spot = _plain_ring(placer, candidates[0], w, h, on_line, region,
                           sample_route(route) if route else None)
        if spot is None:
            miss = (_box(best[0], best[1], w, h), anchors or [best])
            if region.allowed is not None:
                spot = _plain_ring(placer, candidates[0], w, h, on_line,
                                   _Region(region.frames, None))
        best = spot or best
    return best, miss


#: what the checked placers did (reset by the test)
COUNTS = {"choose": 0, "ring": 0, "route": 0, "miss": 0}


class _Checked(Placer):

    def choose(self, candidates, w, h, on_line=False, anchors=None, route=None):
        expected, miss = _plain_choice(self, candidates, w, h, on_line, anchors, route)
        misses = len(self.misses)
        region = self._region(candidates, w, h, anchors)
        plain = _plain_region(self, candidates, w, h, anchors)
        assert (region.frames, region.allowed) == (plain.frames, plain.allowed)
        spot = super().choose(candidates, w, h, on_line, anchors, route)
        assert spot == expected
        assert self.misses[misses:] == ([miss] if miss else [])
        COUNTS["miss"] += bool(miss)
        COUNTS["choose"] += 1
        return spot

    def _ring_spot(self, start, w, h, on_line, region, route=None):
        spot = super()._ring_spot(start, w, h, on_line, region, route)
        assert spot == _plain_ring(self, start, w, h, on_line, region, route)
        COUNTS["ring"] += 1
        COUNTS["route"] += bool(route)
        return spot


def test_offset_axes_give_every_offset():
    for nx, ny in ((1, 1), (30, 15), (44, 21)):
        steps_x, steps_y, column, row = _offset_axes(nx, ny)
        rebuilt = np.stack([steps_x[column], steps_y[row]], axis=1)
        assert np.array_equal(rebuilt, np.array(_offsets(nx, ny)))


@needs_dot
def test_placement_takes_the_spots_of_the_plain_definitions(monkeypatch):
    monkeypatch.setattr(restack, "Placer", _Checked)
    COUNTS.update(choose=0, ring=0, route=0, miss=0)
    processes = ROOT / "processes"
    for name in ("gewerbeanmeldung", "anmeldung_einwohner", "melderegisterauskunft"):
        folder = processes / name
        soll = bpmn.read(folder / "soll.bpmn")
        for ist in sorted(Path(folder).glob("ist*.bpmn"))[:2]:
            for wrap in (4, 3):
                compare_models(bpmn.read(ist), soll, wrap=wrap)
    for path in REFERENCE_MODELS:
        process_map(bpmn.read(path))
    assert COUNTS["choose"] > 300
    assert COUNTS["route"] > 0  # flow labels that went to the ring search were checked too
    assert COUNTS["miss"] > 0  # and labels that found no free spot at all
