"""All 21 MIWG reference models render in both styles, with every flow node present."""

from __future__ import annotations

import pytest

from workbench import bpmn
from workbench.maps import auto_map, di_map

from .conftest import REFERENCE_MODELS, ids_by_class, needs_dot, parse_svg

pytestmark = pytest.mark.skipif(len(REFERENCE_MODELS) < 21,
                                reason="MIWG-Referenzmodelle nicht gefunden")
IDS = [p.stem for p in REFERENCE_MODELS]


def _drawn(root) -> set[str]:
    return ids_by_class(root, "bpmn-activity") | ids_by_class(root, "bpmn-event") | (
        ids_by_class(root, "bpmn-gateway"))


@pytest.mark.parametrize("path", REFERENCE_MODELS, ids=IDS)
def test_di_drawing(path):
    model = bpmn.read(path)
    for index, diagram in enumerate(d for d in model.diagrams if d.shapes):
        root = parse_svg(di_map(model, diagram=index).svg)
        expected = {s.bpmn_element for s in diagram.shapes} & {n.id for n in model.flow_nodes()}
        assert expected <= _drawn(root), sorted(expected - _drawn(root))


@needs_dot
@pytest.mark.parametrize("path", REFERENCE_MODELS, ids=IDS)
def test_auto_map(path):
    model = bpmn.read(path)
    root = parse_svg(auto_map(model).svg)
    expected = {n.id for n in model.flow_nodes()}
    assert expected <= _drawn(root), sorted(expected - _drawn(root))
