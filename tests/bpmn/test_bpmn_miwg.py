"""The 21 MIWG reference models: import without findings and round-trip semantically equal."""

from __future__ import annotations

import pytest

from workbench import bpmn
from workbench.bpmn import namespaces as ns
from workbench.bpmn.inspect import element_counts
from workbench.bpmn.lint import lint
from workbench.bpmn.xsd import validate_xsd

from .helpers import assert_same, miwg_files, raw_tree

FILES = miwg_files()
IDS = [f.name for f in FILES]


@pytest.fixture(scope="module", params=FILES, ids=IDS)
def reference(request: pytest.FixtureRequest) -> tuple[bytes, bpmn.Definitions]:
    data = request.param.read_bytes()
    return data, bpmn.read(data, name=request.param.name)


def test_all_21_reference_models_are_there() -> None:
    assert len(FILES) == 21


@pytest.mark.parametrize("path", FILES, ids=IDS)
def test_imports_from_path_bytes_and_text_without_warnings(path) -> None:
    data = path.read_bytes()
    from_path = bpmn.read(path)
    from_bytes = bpmn.read(data)
    from_text = bpmn.read(data.decode("utf-8"))
    from_str_path = bpmn.read(str(path))
    for defs in (from_path, from_bytes, from_text, from_str_path):
        assert defs.warnings == [], [str(w) for w in defs.warnings]
        assert defs.processes or defs.collaborations
    assert from_path.source == str(path)
    assert element_counts(from_path) == element_counts(from_bytes) == element_counts(from_text)


def test_round_trip_is_semantically_equal(reference) -> None:
    data, defs = reference
    out = defs.to_bytes()
    assert_same(raw_tree(data), raw_tree(out))
    again = bpmn.read(out)
    assert again.warnings == []
    assert element_counts(again) == element_counts(defs)
    # a second round trip is a fixed point
    assert_same(raw_tree(out), raw_tree(again.to_bytes()))


def test_round_trip_via_text_and_file(reference, tmp_path) -> None:
    data, defs = reference
    target = bpmn.write(defs, tmp_path / "out.bpmn")
    assert_same(raw_tree(data), raw_tree(target.read_bytes()))
    text = bpmn.read(data.decode("utf-8")).to_bytes()
    assert_same(raw_tree(data), raw_tree(text))


def _di_numbers(defs: bpmn.Definitions) -> dict[str, object]:
    out: dict[str, object] = {}
    for diagram in defs.diagrams:
        for shape in diagram.shapes:
            out[shape.id or shape.bpmn_element] = (shape.bounds, shape.label_bounds,
                                                   shape.is_expanded, shape.is_horizontal)
        for edge in diagram.edges:
            out[edge.id or edge.bpmn_element] = (edge.waypoints, edge.label_bounds)
    return out


def test_every_di_bound_and_waypoint_survives(reference) -> None:
    _, defs = reference
    before = _di_numbers(defs)
    assert before, "jedes Referenzmodell hat DI"
    after = _di_numbers(bpmn.read(defs.to_bytes()))
    assert after == before
    shapes = [s for d in defs.diagrams for s in d.shapes]
    assert all(s.bounds is not None for s in shapes)


def test_extension_attribute_added_keeps_everything_else(reference) -> None:
    """Writing a wb: attribute must not lose namespace declarations other values rely on."""
    data, _ = reference
    defs = bpmn.read(data)
    activities = defs.activities()
    flows = [f for p in defs.processes for f in p.all_sequence_flows]
    for act in activities:
        act.set_ext("minutes", 7.5)
    for flow in flows[:3]:
        flow.probability = 0.5
    out = defs.to_bytes()
    assert_same(raw_tree(data), raw_tree(out), skip_attr_ns=(ns.WB,))
    again = bpmn.read(out)
    assert again.warnings == []
    assert [a.minutes for a in again.activities()] == [7.5] * len(activities)


def test_reference_models_are_xsd_valid(reference) -> None:
    _, defs = reference
    assert validate_xsd(defs) == []


def test_reference_models_have_no_lint_errors(reference) -> None:
    """The references are correct models: any lint *error* here would be a false positive."""
    _, defs = reference
    errors = [str(f) for f in lint(defs) if f.severity == "error"]
    assert errors == []
