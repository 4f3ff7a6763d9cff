"""No label hides another (issue 14): text boxes measured with DejaVu Sans metrics must not
intersect, on the shipped models and the 21 MIWG reference models."""

from __future__ import annotations

import pytest

from workbench import bpmn
from workbench.maps import process_map

from .conftest import REFERENCE_MODELS, ROOT, needs_dot
from .geometry import overlaps, text_boxes, text_width

SHIPPED = sorted((ROOT / "processes").glob("*/*.bpmn"))
#: measured 2026-12-05 with label placement (before it: 110 overlaps in auto style on the
#: shipped and MIWG models): B.2.0, names of boundary events inside an expanded sub-process
MIWG_AUTO_BOUND = 0  # since labels avoid flows too (placed after the routes)
MIWG_DI_BOUND = 3  # B.2.0: the author's own label bounds overlap
#: DI style, shipped models: the author's label bounds (anmeldung_einwohner/soll: two flow
#: labels) and a badge beside an event name (geburtsurkunde/soll, melderegisterauskunft/ist)
SHIPPED_DI_BOUND = 3


def test_metrics_are_the_real_font():
    assert abs(text_width("Medienbruch", 10) - 65.03) < 0.1  # DejaVu Sans advance widths
    assert text_width("WWW", 10) > text_width("iii", 10) * 2


@needs_dot
@pytest.mark.parametrize("path", SHIPPED, ids=[f"{p.parent.name}/{p.name}" for p in SHIPPED])
def test_shipped_models_have_no_overlapping_labels(path):
    svg = process_map(bpmn.read(path)).svg
    assert len(text_boxes(svg)) > 20
    assert overlaps(svg) == []


def test_shipped_models_in_di_style_overlap_at_most_the_measured_bound():
    total = sum(len(overlaps(process_map(bpmn.read(p), style="di").svg)) for p in SHIPPED)
    assert total <= SHIPPED_DI_BOUND


@needs_dot
@pytest.mark.slow
def test_miwg_models_overlap_at_most_the_measured_bound():
    auto = di = 0
    for path in REFERENCE_MODELS:
        model = bpmn.read(path)
        auto += len(overlaps(process_map(model).svg))
        di += len(overlaps(process_map(model, style="di").svg))
    assert auto <= MIWG_AUTO_BOUND
    assert di <= MIWG_DI_BOUND
