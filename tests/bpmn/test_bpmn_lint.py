"""Lint rules: one focused test per rule, each with a model that triggers it and one that
does not. Messages are German and name the element id (and name, where it has one)."""

from __future__ import annotations

import pytest

from workbench import bpmn
from workbench.bpmn.lint import RULES, has_errors, lint

from .helpers import MIWG, chain, doc, process

CLEAN = doc(process(chain("start", "pruefen", "ende")))


def codes(xml: str, rule: str) -> list[tuple[str, str | None, str]]:
    return [(f.code, f.element_id, f.severity) for f in lint(bpmn.read(xml), [rule])]


def test_clean_model_has_no_findings_at_all() -> None:
    assert lint(bpmn.read(CLEAN)) == []


def test_start_and_end_events_required() -> None:
    no_start = doc(process(chain("a", "b", "ende", kinds={"a": "task"})))
    no_end = doc(process(chain("start", "b", "c", kinds={"c": "task"})))
    assert codes(no_start, "start-end") == [("start-event-required", "P", "error")]
    assert codes(no_end, "start-end") == [("end-event-required", "P", "error")]
    assert codes(CLEAN, "start-end") == []
    finding = lint(bpmn.read(no_start), ["start-end"])[0]
    assert "kein Startereignis" in finding.message and "(P)" in finding.message


def test_start_end_also_inside_sub_processes_but_not_ad_hoc() -> None:
    inner = ('<bpmn:subProcess id="sp" name="Teil"><bpmn:task id="x" name="X"/></bpmn:subProcess>')
    adhoc = ('<bpmn:adHocSubProcess id="sp" name="Teil"><bpmn:task id="x" name="X"/>'
             '</bpmn:adHocSubProcess>')
    flows = ('<bpmn:startEvent id="s" name="S"/><bpmn:endEvent id="e" name="E"/>'
             '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="sp"/>'
             '<bpmn:sequenceFlow id="f2" sourceRef="sp" targetRef="e"/>')
    assert {c for c, _, _ in codes(doc(process(inner + flows)), "start-end")} == {
        "start-event-required", "end-event-required"}
    assert codes(doc(process(adhoc + flows)), "start-end") == []


def test_dangling_references() -> None:
    broken = doc(process(chain("start", "a", "ende") +
                         '<bpmn:sequenceFlow id="weg" sourceRef="a" targetRef="nirgends"/>'
                         '<bpmn:boundaryEvent id="b" attachedToRef="fehlt"/>'
                         '<bpmn:laneSet id="ls"><bpmn:lane id="l"><bpmn:flowNodeRef>verloren'
                         '</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>'))
    found = codes(broken, "references")
    assert ("dangling-reference", "weg", "error") in found
    assert ("dangling-reference", "b", "error") in found
    assert ("dangling-reference", "l", "error") in found
    message = next(f.message for f in lint(bpmn.read(broken), ["references"])
                   if f.element_id == "weg")
    assert "'nirgends'" in message and "nicht gibt" in message
    assert codes(CLEAN, "references") == []


def test_dangling_secondary_references_are_warnings() -> None:
    """Bizagi exports a messageRef to an undeclared message; stale incoming/outgoing too."""
    model = doc(
        '<bpmn:message id="m1" name="Antrag"/>'
        + process(chain("start", "a", "ende").replace(
            '<bpmn:startEvent id="start" name="Start"/>',
            '<bpmn:startEvent id="start" name="Start"><bpmn:outgoing>alt</bpmn:outgoing>'
            '<bpmn:messageEventDefinition id="med" messageRef="fehlt"/></bpmn:startEvent>')
            .replace('<bpmn:endEvent id="ende" name="Ende"/>',
                     '<bpmn:endEvent id="ende" name="Ende"><bpmn:messageEventDefinition id="m2" '
                     'messageRef="tns:m1"/><bpmn:messageEventDefinition id="m3" '
                     'messageRef="ext:Fremd"/></bpmn:endEvent>')),
        extra_ns='xmlns:tns="urn:test" xmlns:ext="urn:anderes-modell"')
    found = codes(model, "references")
    assert ("dangling-reference", "med", "warning") in found  # messageRef="fehlt"
    assert ("dangling-reference", "start", "warning") in found  # outgoing "alt"
    assert len(found) == 2  # tns:m1 resolves, ext:Fremd points into an import: not checked


def test_dangling_references_ignore_vendor_extension_elements() -> None:
    vendor = doc(process(chain("start", "a", "ende").replace(
        '<bpmn:task id="a" name="A"/>',
        '<bpmn:task id="a" name="A"><bpmn:extensionElements><x:field default="Hallo" '
        'sourceRef="egal"/></bpmn:extensionElements></bpmn:task>')),
        extra_ns='xmlns:x="urn:vendor"')
    assert codes(vendor, "references") == []


def test_qname_style_references_resolve() -> None:
    qname = CLEAN.replace('sourceRef="start"', 'sourceRef="bpmn:start"')
    assert codes(qname, "references") == []


def test_disconnected_and_unreachable() -> None:
    model = doc(process(chain("start", "a", "ende") +
                        '<bpmn:task id="einsam" name="Einsam"/>'
                        '<bpmn:task id="insel" name="Insel"/><bpmn:task id="insel2" name="I2"/>'
                        '<bpmn:sequenceFlow id="i1" sourceRef="insel" targetRef="insel2"/>'
                        '<bpmn:sequenceFlow id="i2" sourceRef="insel2" targetRef="insel"/>'))
    found = codes(model, "connectivity")
    assert ("disconnected", "einsam", "error") in found
    assert ("unreachable", "insel", "warning") in found
    assert ("unreachable", "insel2", "warning") in found
    assert codes(CLEAN, "connectivity") == []


def test_connectivity_knows_boundary_events_and_event_sub_processes() -> None:
    defs = bpmn.read(MIWG / "C.6.0.bpmn")  # boundary events, compensation, event sub-process
    assert [f for f in lint(defs, ["connectivity"])] == []


def test_unlabeled_activities() -> None:
    unnamed = doc(process(chain("start", "a", "ende", names=False)))
    assert codes(unnamed, "labels") == [("label-required", "a", "warning")]
    assert codes(CLEAN, "labels") == []


def test_implicit_split() -> None:
    model = doc(process(
        chain("start", "a", "ende") + '<bpmn:endEvent id="ende2" name="E2"/>'
        '<bpmn:sequenceFlow id="x" sourceRef="a" targetRef="ende2"/>'))
    assert codes(model, "splits-joins") == [("implicit-split", "a", "warning")]
    conditional = model.replace(
        '<bpmn:sequenceFlow id="x" sourceRef="a" targetRef="ende2"/>',
        '<bpmn:sequenceFlow id="x" sourceRef="a" targetRef="ende2"><bpmn:conditionExpression>'
        'y</bpmn:conditionExpression></bpmn:sequenceFlow>').replace(
        '<bpmn:task id="a" name="A"/>', '<bpmn:task id="a" name="A" default="a_ende"/>')
    assert codes(conditional, "splits-joins") == []


def test_empty_condition_expression_still_marks_a_conditional_flow() -> None:
    """MIWG A.2.1 models a conditional flow with an empty expression: no implicit split."""
    model = doc(process(
        chain("start", "a", "ende") + '<bpmn:endEvent id="ende2" name="E2"/>'
        '<bpmn:sequenceFlow id="x" sourceRef="a" targetRef="ende2"><bpmn:conditionExpression '
        'xsi:type="bpmn:tFormalExpression"/></bpmn:sequenceFlow>').replace(
        '<bpmn:task id="a" name="A"/>', '<bpmn:task id="a" name="A" default="a_ende"/>'))
    assert codes(model, "splits-joins") == []
    a21 = bpmn.read(MIWG / "A.2.1.bpmn")
    assert [f.code for f in lint(a21)] == []


def test_gateway_that_splits_and_joins() -> None:
    mixed = doc(process(
        '<bpmn:startEvent id="s1" name="S1"/><bpmn:startEvent id="s2" name="S2"/>'
        '<bpmn:exclusiveGateway id="g" name="Beides"/>'
        '<bpmn:endEvent id="e1" name="E1"/><bpmn:endEvent id="e2" name="E2"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="s1" targetRef="g"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="s2" targetRef="g"/>'
        '<bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="e1"/>'
        '<bpmn:sequenceFlow id="f4" sourceRef="g" targetRef="e2"/>'))
    assert codes(mixed, "splits-joins") == [("split-and-join", "g", "warning")]
    message = lint(bpmn.read(mixed), ["splits-joins"])[0].message
    assert "„Beides“ (g)" in message
    split_only = mixed.replace('<bpmn:sequenceFlow id="f2" sourceRef="s2" targetRef="g"/>', "")
    assert codes(split_only, "splits-joins") == []


def test_sequence_flow_crossing_pool_border() -> None:
    two = doc(
        '<bpmn:collaboration id="C"><bpmn:participant id="PA" processRef="P"/>'
        '<bpmn:participant id="PB" processRef="Q"/></bpmn:collaboration>'
        + process(chain("start", "a", "ende"))
        + process('<bpmn:startEvent id="qs" name="QS"/><bpmn:endEvent id="qe" name="QE"/>'
                  '<bpmn:sequenceFlow id="q1" sourceRef="qs" targetRef="qe"/>'
                  '<bpmn:sequenceFlow id="quer" sourceRef="qs" targetRef="a"/>', pid="Q"))
    assert codes(two, "pool-borders") == [("flow-crosses-pool", "quer", "error")]
    as_message_flow = two.replace(
        '<bpmn:sequenceFlow id="quer" sourceRef="qs" targetRef="a"/>', "").replace(
        "</bpmn:collaboration>",
        '<bpmn:messageFlow id="quer" sourceRef="qs" targetRef="a"/></bpmn:collaboration>')
    assert codes(as_message_flow, "pool-borders") == []


def _split(p1: str, p2: str, kind: str = "exclusiveGateway") -> str:
    a1 = f' wb:probability="{p1}"' if p1 else ""
    a2 = f' wb:probability="{p2}"' if p2 else ""
    return doc(process(
        f'<bpmn:startEvent id="s" name="S"/><bpmn:{kind} id="g" name="Vollständig?"/>'
        '<bpmn:endEvent id="e1" name="E1"/><bpmn:endEvent id="e2" name="E2"/>'
        '<bpmn:sequenceFlow id="f0" sourceRef="s" targetRef="g"/>'
        f'<bpmn:sequenceFlow id="ja" sourceRef="g" targetRef="e1"{a1}/>'
        f'<bpmn:sequenceFlow id="nein" sourceRef="g" targetRef="e2"{a2}/>'))


@pytest.mark.parametrize(("p1", "p2", "expected"), [
    ("0.7", "0.3", []),
    ("0.8", "0.3", [("probability-sum", "g", "warning")]),
    ("0.5", "0.4", [("probability-sum", "g", "warning")]),
    ("0.7", "", [("probability-missing", "g", "warning")]),
    ("", "", []),
    ("0.3333", "0.6667", []),
])
def test_split_probabilities_sum_to_one(p1: str, p2: str, expected: list) -> None:
    assert codes(_split(p1, p2), "probabilities") == expected


def test_probability_sum_message_is_german() -> None:
    finding = lint(bpmn.read(_split("0.8", "0.3")), ["probabilities"])[0]
    assert "ergeben 1.10 statt 1" in finding.message and "„Vollständig?“" in finding.message


def test_inclusive_split_may_exceed_one() -> None:
    assert codes(_split("0.8", "0.6", "inclusiveGateway"), "probabilities") == []


def test_duplicate_ids() -> None:
    dup = CLEAN.replace('<bpmn:task id="pruefen" name="Pruefen"/>',
                        '<bpmn:task id="pruefen" name="Pruefen"/><bpmn:task id="pruefen" name="X"/>')
    defs = bpmn.read(dup)
    assert [w.code for w in defs.warnings if w.code == "duplicate-id"] == ["duplicate-id"]
    assert [(f.code, f.element_id, f.severity) for f in lint(defs, ["duplicate-ids"])] == [
        ("duplicate-id", "pruefen", "error")]
    assert codes(CLEAN, "duplicate-ids") == []


def test_duplicate_ids_in_vendor_extensions_are_not_bpmn_ids() -> None:
    vendor = CLEAN.replace(
        '<bpmn:task id="pruefen" name="Pruefen"/>',
        '<bpmn:task id="pruefen" name="Pruefen"><bpmn:extensionElements>'
        '<x:prop id="pruefen"/><x:prop id="gleich"/><x:prop id="gleich"/>'
        '</bpmn:extensionElements></bpmn:task>').replace(
        "<bpmn:definitions ", '<bpmn:definitions xmlns:x="urn:vendor" ')
    defs = bpmn.read(vendor)
    assert [w for w in defs.warnings if w.code == "duplicate-id"] == []
    assert defs["pruefen"].local_name == "task"
    assert lint(defs) == []


def test_every_rule_has_a_test_here() -> None:
    assert set(RULES) == {"start-end", "references", "connectivity", "labels", "splits-joins",
                          "pool-borders", "probabilities", "duplicate-ids"}


def test_findings_sorted_and_has_errors() -> None:
    findings = lint(bpmn.read(doc(process(chain("a", "b", "c", kinds={"a": "task", "c": "task"},
                                                names=False)))))
    assert has_errors(findings)
    lines = [f.line or 0 for f in findings]
    assert lines == sorted(lines)
    assert not has_errors(lint(bpmn.read(CLEAN)))

