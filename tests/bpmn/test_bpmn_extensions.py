"""The wb: extension attributes: set/get, typed values, German labels, invalid-value warnings."""

from __future__ import annotations

import pytest

from workbench import bpmn
from workbench.bpmn import extensions as ext
from workbench.bpmn import namespaces as ns

from .helpers import assert_same, doc, problems, process, raw_tree


def _one_task(attrs: str = "", flow_attrs: str = "") -> bpmn.Definitions:
    return bpmn.read(doc(process(
        f'<bpmn:startEvent id="s"/><bpmn:userTask id="t" name="Antrag prüfen" {attrs}/>'
        '<bpmn:exclusiveGateway id="g"/><bpmn:endEvent id="e"/>'
        '<bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t"/>'
        '<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="g"/>'
        f'<bpmn:sequenceFlow id="f3" sourceRef="g" targetRef="e" {flow_attrs}/>')))


def test_namespace_is_a_urn_and_every_attribute_has_a_german_label() -> None:
    assert ns.WB == "urn:prozess-werkbench:bpmn:1"
    assert set(ext.ATTRIBUTES) >= {"minutes", "waitDays", "medium", "system", "phase",
                                   "automation", "activityType", "probability",
                                   "participantRole", "laufbahn", "replaces"}
    assert set(ext.FIM_ATTRIBUTES) <= set(ext.ATTRIBUTES)
    for attr in ext.ATTRIBUTES.values():
        assert attr.label and set(attr.applies_to.split()) <= {
            "activity", "event", "gateway", "sequenceFlow", "lane", "participant", "process"}
        if attr.kind == "enum":
            assert attr.values


def test_read_typed_values_from_the_documented_example() -> None:
    defs = _one_task('wb:minutes="6" wb:waitDays="1,5" wb:medium="Fachverfahren/digital" '
                     'wb:system="Meldewesen" wb:phase="bearbeitung" wb:automation="regelbasiert" '
                     'wb:activityType="formell_pruefen"', 'wb:probability="0.2"')
    assert problems(defs) == []
    task = defs["t"]
    assert (task.minutes, task.wait_days, task.medium, task.system, task.phase,
            task.automation, task.activity_type) == (
        6.0, 1.5, "fachverfahren", "Meldewesen", "bearbeitung", "regelbasiert",
        "formell_pruefen")
    assert task.ext == {"minutes": 6.0, "waitDays": 1.5, "medium": "fachverfahren",
                        "system": "Meldewesen", "phase": "bearbeitung",
                        "automation": "regelbasiert", "activityType": "formell_pruefen"}
    assert defs["f3"].probability == 0.2


@pytest.mark.parametrize(("raw", "key"), [
    ("papier", "papier"), ("Papier", "papier"), ("persönlich", "persoenlich"),
    ("E-Mail", "email"), ("mail", "email"), ("Online-Portal", "portal"), ("Scan", "scan"),
    ("automatisiert", "automatisch"),
])
def test_medium_accepts_keys_german_labels_and_aliases(raw: str, key: str) -> None:
    assert ext.normalize_enum("medium", raw) == key


def test_set_get_and_remove_round_trip() -> None:
    defs = _one_task()
    task = defs["t"]
    task.set_ext("minutes", 12.5)
    task.set_ext("medium", "E-Mail")  # stored as the key
    task.set_ext("phase", "Bescheid")
    task.set_ext("automation", "KI-gestützt")
    task.set_ext("system", "OK.VORFAHRT")
    defs["f3"].probability = 0.25
    out = defs.to_bytes()
    assert b'wb:medium="email"' in out and b'xmlns:wb="urn:prozess-werkbench:bpmn:1"' in out
    again = bpmn.read(out)
    assert problems(again) == []
    assert again["t"].ext == {"minutes": 12.5, "medium": "email", "phase": "bescheid",
                              "automation": "ki", "system": "OK.VORFAHRT"}
    assert again["f3"].probability == 0.25
    again["t"].set_ext("minutes", None)
    again["f3"].probability = None
    assert again["t"].minutes is None and again["f3"].probability is None
    assert ext.qname("minutes") not in again["t"].element.attrib


def test_setting_an_invalid_enum_value_is_a_german_error() -> None:
    task = _one_task()["t"]
    with pytest.raises(ValueError, match="Ungültiger Wert 'Brieftaube' für Medium"):
        task.set_ext("medium", "Brieftaube")


@pytest.mark.parametrize(("attrs", "flow_attrs", "fragment"), [
    ('wb:minutes="viele"', "", "keine Zahl"),
    ('wb:minutes="-3"', "", "keine Zahl ≥ 0"),
    ('wb:waitDays="NaN"', "", "keine Zahl"),
    ('wb:medium="Brieftaube"', "", "kein erlaubter Wert"),
    ('wb:phase="irgendwann"', "", "kein erlaubter Wert"),
    ('wb:automation="magisch"', "", "kein erlaubter Wert"),
    ("", 'wb:probability="1.5"', "zwischen 0 und 1"),
    ("", 'wb:probability="hoch"', "zwischen 0 und 1"),
    ('wb:minuten="5"', "", "Unbekanntes Werkbench-Attribut 'wb:minuten'"),
])
def test_invalid_values_give_warnings_with_id_and_line(attrs, flow_attrs, fragment) -> None:
    defs = _one_task(attrs, flow_attrs)
    (warning,) = problems(defs)
    assert warning.code == "invalid-extension-value" and warning.severity == "warning"
    assert fragment in warning.message and "ignoriert" in warning.message
    assert warning.element_id in ("t", "f3") and warning.line
    element = defs[warning.element_id]
    assert element.ext == {}  # the invalid value is ignored, not guessed
    # and it is kept as written: the file is not silently changed
    assert raw_tree(defs.to_bytes()).xpath("//@*[namespace-uri()=$u]", u=ns.WB)


def test_other_tools_attributes_are_untouched_next_to_ours() -> None:
    defs = bpmn.read(doc(process(
        '<bpmn:task id="t" name="A" camunda:asyncBefore="true" wb:minutes="3">'
        '<bpmn:extensionElements><camunda:properties><camunda:property name="x" value="1"/>'
        '</camunda:properties></bpmn:extensionElements></bpmn:task>'),
        extra_ns='xmlns:camunda="http://camunda.org/schema/1.0/bpmn"'))
    defs["t"].set_ext("minutes", 4)
    out = raw_tree(defs.to_bytes())
    task = out.find(f".//{{{ns.BPMN}}}task")
    assert task.get("{http://camunda.org/schema/1.0/bpmn}asyncBefore") == "true"
    assert task.get(ext.qname("minutes")) == "4"
    assert len(task.findall(".//{http://camunda.org/schema/1.0/bpmn}property")) == 1


def test_wb_namespace_is_declared_once_on_the_root_when_first_used() -> None:
    text = doc(process('<bpmn:task id="a" name="A"/><bpmn:task id="b" name="B"/>')).replace(
        f' xmlns:wb="{ns.WB}"', "")
    defs = bpmn.read(text)
    assert ns.WB not in defs.root.nsmap.values()
    defs["a"].set_ext("minutes", 3)
    defs["b"].set_ext("medium", "papier")
    out = defs.to_bytes()
    assert out.count(b'xmlns:wb="urn:prozess-werkbench:bpmn:1"') == 1
    assert raw_tree(out).nsmap["wb"] == ns.WB
    assert b'wb:minutes="3"' in out and b'wb:medium="papier"' in out
    assert_same(raw_tree(text.encode()), raw_tree(out), skip_attr_ns=(ns.WB,))
