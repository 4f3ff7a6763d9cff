"""merge_canvas_xml without a browser: canonical comparison, patches, refusals, three-way mode.

The edited documents here are written the way bpmn-js writes them (other prefixes, defaults
left out, other number formats); ``test_merge_bpmnjs.py`` uses the real bpmn-js.
"""

from __future__ import annotations

import pytest

from workbench import bpmn
from workbench.edit import EditRefused, merge_canvas_xml

OMG = "http://www.omg.org/spec"
ROOT_ATTRS = (f'xmlns:bpmndi="{OMG}/BPMN/20100524/DI" xmlns:vendor="urn:vendor" id="defs" '
              'targetNamespace="urn:t"')
ORIGINAL = f"""<?xml version='1.0' encoding='UTF-8'?>
<definitions xmlns="{OMG}/BPMN/20100524/MODEL" xmlns:omgdc="{OMG}/DD/20100524/DC"
   xmlns:omgdi="{OMG}/DD/20100524/DI" {ROOT_ATTRS}
   typeLanguage="http://www.w3.org/2001/XMLSchema">
   <process id="p" isExecutable="false">
      <startEvent id="s" name="Start" isInterrupting="true">
         <outgoing>f1</outgoing>
      </startEvent>
      <task id="t" name="Antrag prüfen" completionQuantity="1" vendor:color="red">
         <extensionElements>
            <vendor:meta key="a" value="1"/>
         </extensionElements>
         <incoming>f1</incoming>
         <outgoing>f2</outgoing>
      </task>
      <endEvent id="e" name="Ende">
         <incoming>f2</incoming>
      </endEvent>
      <sequenceFlow id="f1" sourceRef="s" targetRef="t"/>
      <sequenceFlow id="f2" sourceRef="t" targetRef="e"/>
   </process>
   <bpmndi:BPMNDiagram id="d">
      <bpmndi:BPMNPlane id="pl" bpmnElement="p">
         <bpmndi:BPMNShape id="s_di" bpmnElement="s">
            <omgdc:Bounds x="100.0" y="100.0" width="36.0" height="36.0"/>
         </bpmndi:BPMNShape>
         <bpmndi:BPMNShape id="t_di" bpmnElement="t">
            <omgdc:Bounds x="200.0" y="78.0" width="100.0" height="80.0"/>
         </bpmndi:BPMNShape>
         <bpmndi:BPMNShape id="e_di" bpmnElement="e">
            <omgdc:Bounds x="360.0" y="100.0" width="36.0" height="36.0"/>
         </bpmndi:BPMNShape>
         <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1">
            <omgdi:waypoint x="136.0" y="118.0"/>
            <omgdi:waypoint x="200.0" y="118.0"/>
         </bpmndi:BPMNEdge>
         <bpmndi:BPMNEdge id="f2_di" bpmnElement="f2">
            <omgdi:waypoint x="300.0" y="118.0"/>
            <omgdi:waypoint x="360.0" y="118.0"/>
         </bpmndi:BPMNEdge>
      </bpmndi:BPMNPlane>
   </bpmndi:BPMNDiagram>
</definitions>""".encode()
ORIGINAL = bpmn.read(ORIGINAL).to_bytes()  # as the knowledge base stores it


F2_EDGE = ('<bpmndi:BPMNEdge id="f2_di" bpmnElement="f2">'
           '<di:waypoint x="300" y="118" /><di:waypoint x="360" y="118" /></bpmndi:BPMNEdge>')
T_SHAPE = ('<bpmndi:BPMNShape id="t_di" bpmnElement="t">\n'
           '        <dc:Bounds x="200" y="78" width="100" height="80" /></bpmndi:BPMNShape>')


def bpmnjs_style(task: str = '<bpmn:task id="t" name="Antrag prüfen" vendor:color="red">',
                 ext: str = '<vendor:meta key="a" value="1" />', extra: str = "",
                 shapes: str = "", task_x: str = "200") -> str:
    """The original as bpmn-js would write it (prefixes, no defaults, integers)."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{OMG}/BPMN/20100524/MODEL" xmlns:dc="{OMG}/DD/20100524/DC"
  xmlns:di="{OMG}/DD/20100524/DI" xmlns:wb="urn:prozess-werkbench:bpmn:1" {ROOT_ATTRS}>
  <bpmn:process id="p" isExecutable="false">
    <bpmn:startEvent id="s" name="Start">
      <bpmn:outgoing>f1</bpmn:outgoing>
    </bpmn:startEvent>
    {task}
      <bpmn:extensionElements>
        {ext}
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming>
      <bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:{task.split()[0][1:].split(':')[1]}>
    <bpmn:endEvent id="e" name="Ende">
      <bpmn:incoming>f2</bpmn:incoming>
    </bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="t" />
    <bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" />
    {extra}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="d">
    <bpmndi:BPMNPlane id="pl" bpmnElement="p">
      <bpmndi:BPMNShape id="s_di" bpmnElement="s">
        <dc:Bounds x="100" y="100" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="t_di" bpmnElement="t">
        <dc:Bounds x="{task_x}" y="78" width="100" height="80" /></bpmndi:BPMNShape>
      <bpmndi:BPMNShape id="e_di" bpmnElement="e">
        <dc:Bounds x="360" y="100" width="36" height="36" /></bpmndi:BPMNShape>
      <bpmndi:BPMNEdge id="f1_di" bpmnElement="f1">
        <di:waypoint x="136" y="118" /><di:waypoint x="200" y="118" /></bpmndi:BPMNEdge>
      {F2_EDGE}
      {shapes}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def changed_lines(before: bytes, after: bytes) -> list[tuple[str, str]]:
    a, b = before.decode().splitlines(), after.decode().splitlines()
    assert len(a) == len(b), "Zeilenzahl geändert"
    return [(x, y) for x, y in zip(a, b, strict=True) if x != y]


def test_serialisation_without_edits_gives_the_original_bytes() -> None:
    result = merge_canvas_xml(ORIGINAL, bpmnjs_style())
    assert result.changes == []
    assert result.xml == ORIGINAL


def test_a_raw_file_without_edits_is_returned_as_it_was() -> None:
    raw = ORIGINAL.replace(b"\n", b"\r\n")
    assert merge_canvas_xml(raw, bpmnjs_style()).xml == raw


def test_a_rename_changes_only_the_name_attribute() -> None:
    edited = bpmnjs_style(task='<bpmn:task id="t" name="Antrag prüfen und buchen" '
                               'vendor:color="red">')
    result = merge_canvas_xml(ORIGINAL, edited)
    assert result.changes == ['Aufgabe „Antrag prüfen“ (t): Name „Antrag prüfen“ → '
                              '„Antrag prüfen und buchen“']
    [(old, new)] = changed_lines(ORIGINAL, result.xml)
    assert old.replace('name="Antrag prüfen"', 'name="Antrag prüfen und buchen"') == new


def test_a_workbench_attribute_is_added_with_its_namespace_on_the_root() -> None:
    edited = bpmnjs_style(task='<bpmn:task id="t" name="Antrag prüfen" vendor:color="red" '
                               'wb:minutes="7.5">')
    result = merge_canvas_xml(ORIGINAL, edited)
    assert bpmn.read(result.xml)["t"].minutes == 7.5
    changes = changed_lines(ORIGINAL, result.xml)
    assert len(changes) == 2
    assert changes[0][1].startswith("<definitions") and 'xmlns:wb="urn:prozess-werkbench' in \
        changes[0][1]
    assert changes[1][1] == changes[1][0].replace('vendor:color="red"',
                                                  'vendor:color="red" wb:minutes="7.5"')


def test_a_moved_shape_changes_only_its_bounds() -> None:
    result = merge_canvas_xml(ORIGINAL, bpmnjs_style(task_x="230"))
    [(old, new)] = changed_lines(ORIGINAL, result.xml)
    assert 'x="200.0"' in old and 'x="230"' in new and "Bounds" in new
    assert result.changes == ["Diagramm: Aufgabe „Antrag prüfen“ (t) verschoben oder in der "
                              "Größe geändert"]


def test_a_new_task_with_flow_and_di_is_inserted_and_nothing_else_moves() -> None:
    extra = ('<bpmn:userTask id="neu" name="Bescheid senden"><bpmn:incoming>f3</bpmn:incoming>'
             '</bpmn:userTask><bpmn:sequenceFlow id="f3" sourceRef="t" targetRef="neu" />')
    shapes = ('<bpmndi:BPMNShape id="neu_di" bpmnElement="neu"><dc:Bounds x="200" y="200" '
              'width="100" height="80" /></bpmndi:BPMNShape><bpmndi:BPMNEdge id="f3_di" '
              'bpmnElement="f3"><di:waypoint x="250" y="158" /><di:waypoint x="250" y="200" />'
              '</bpmndi:BPMNEdge>')
    edited = bpmnjs_style(extra=extra, shapes=shapes)
    edited = edited.replace("<bpmn:outgoing>f2</bpmn:outgoing>\n    </bpmn:task>",
                            "<bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing>"
                            "\n    </bpmn:task>")
    result = merge_canvas_xml(ORIGINAL, edited)
    merged = bpmn.read(result.xml)
    assert merged["neu"].name == "Bescheid senden"
    assert {f.target_id for f in merged["t"].outgoing} == {"e", "neu"}
    assert merged.diagrams[0].shape_for("neu").bounds.y == 200
    assert "Neu: Benutzeraufgabe „Bescheid senden“ (neu)" in result.changes
    # every original line is still there, in order: only insertions
    before = ORIGINAL.decode().splitlines()
    after = result.xml.decode().splitlines()
    it = iter(after)
    assert all(any(line == other for other in it) for line in before)
    assert 'xmlns:bpmn=' not in result.xml.decode()  # the original's prefixes are used


def test_dropped_vendor_extension_is_refused() -> None:
    with pytest.raises(EditRefused) as err:
        merge_canvas_xml(ORIGINAL, bpmnjs_style(ext=""))
    assert "vendor:meta" in str(err.value) and "Antrag prüfen" in str(err.value)


def test_dropped_vendor_attribute_is_refused() -> None:
    with pytest.raises(EditRefused, match="vendor:color"):
        merge_canvas_xml(ORIGINAL, bpmnjs_style(task='<bpmn:task id="t" name="Antrag prüfen">'))


def test_deleting_an_element_takes_its_vendor_content_along() -> None:
    edited = bpmnjs_style()
    start, end = edited.index("<bpmn:task "), edited.index("</bpmn:task>") + len("</bpmn:task>")
    edited = edited[:start] + edited[end:]
    edited = edited.replace(T_SHAPE, "")
    edited = edited.replace('targetRef="t"', 'targetRef="e"').replace(
        '<bpmn:sequenceFlow id="f2" sourceRef="t" targetRef="e" />', "")
    edited = edited.replace(F2_EDGE, "")
    edited = edited.replace("<bpmn:incoming>f2</bpmn:incoming>",
                            "<bpmn:incoming>f1</bpmn:incoming>")
    result = merge_canvas_xml(ORIGINAL, edited)
    merged = bpmn.read(result.xml)
    assert merged.get("t") is None and merged.get("f2") is None
    assert "vendor:meta" not in result.xml.decode()
    assert "Entfernt: Aufgabe „Antrag prüfen“ (t)" in result.changes


def test_three_way_keeps_what_bpmnjs_never_loaded() -> None:
    baseline = bpmnjs_style(ext="")  # bpmn-js dropped the vendor element on import
    edited = bpmnjs_style(ext="", task='<bpmn:task id="t" name="Prüfen" vendor:color="red">')
    result = merge_canvas_xml(ORIGINAL, edited, baseline=baseline)
    assert b'<vendor:meta key="a" value="1"/>' in result.xml
    assert bpmn.read(result.xml)["t"].name == "Prüfen"
    assert len(changed_lines(ORIGINAL, result.xml)) == 1


def test_duplicate_ids_are_refused() -> None:
    doubled = ORIGINAL.replace(b'<endEvent id="e"', b'<endEvent id="t"')
    with pytest.raises(EditRefused, match="doppelte ID"):
        merge_canvas_xml(doubled, bpmnjs_style())


def test_not_bpmn_is_rejected_with_a_german_message() -> None:
    with pytest.raises(bpmn.BpmnRejected):
        merge_canvas_xml(ORIGINAL, "<html/>")
