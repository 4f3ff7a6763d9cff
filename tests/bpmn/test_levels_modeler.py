"""The editor copes with the FIM groups: in the real bpmn-js modeler (npm, headless Chromium) a
step is drawn into a FIM activity group; the save merges into the stored model as a patch, and
metrics, levels and maps count the group by its new content."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import SHARED
from tests.interop.harness import BpmnJsModeler, Unavailable, open_modeler
from workbench import bpmn, metrics
from workbench.bpmn.levels import find_sub_process, level_model, levels
from workbench.edit import merge_canvas_xml
from workbench.kb.xprozess import read_xprozess
from workbench.maps import process_map

pytestmark = pytest.mark.browser

FIM = SHARED / "data" / "fim" / "fim-prozess-mutterschutz-anzeige.xprozess.xml"
#: Draw a task inside the sub-process (as a user does on the canvas) and give it minutes.
DRAW_INSIDE = """([id, name, minutes]) => {
  const registry = modeler.get('elementRegistry');
  const modeling = modeler.get('modeling');
  const group = registry.get(id);
  const task = modeling.createShape({ type: 'bpmn:Task' },
    { x: group.x + group.width / 2, y: group.y + group.height / 2 }, group);
  modeling.updateLabel(task, name);
  modeling.updateProperties(task, { 'wb:minutes': minutes });
  return task.id;
}"""


@pytest.fixture(scope="module")
def modeler() -> Iterator[BpmnJsModeler]:
    try:
        with open_modeler() as page:
            yield page
    except Unavailable as exc:
        pytest.skip(str(exc))


def test_a_step_drawn_into_a_fim_group_counts_as_its_content(modeler: BpmnJsModeler) -> None:
    original = read_xprozess(FIM).model.to_bytes()
    baseline = modeler.round_trip(original)
    group = find_sub_process(bpmn.read(original), "Anzeige empfangen")
    task = modeler.page.evaluate(DRAW_INSIDE, [group.id, "Eingang erfassen", "7"])
    merged = merge_canvas_xml(original, modeler.save(), baseline=baseline)
    assert merged.changed
    # a patch: the vendor data of the FIM model stays
    assert merged.xml.count(b"<adonis:record") == original.count(b"<adonis:record")
    defs = bpmn.read(merged.xml)
    inner = find_sub_process(defs, "Anzeige empfangen")
    assert [n.id for n in inner.flow_nodes] == [task]
    assert [lv.name for lv in levels(defs) if lv.depth == 1] == ["Anzeige empfangen"]
    # the group now counts with its content (7 min), not as an empty step; the other FIM
    # groups have no minutes and count with standard values (issue 10)
    m = metrics.compute(defs)
    assert m.expected_minutes - m.standard_minutes == pytest.approx(7.0)
    assert inner.id not in {v.activity_id for v in m.standard_values}
    level = level_model(defs, "Anzeige empfangen")
    assert [s.bpmn_element for s in level.diagrams[0].shapes] == [task]
    assert f'data-bpmn-id="{task}"' in process_map(level, style="di").svg


#: Open the page of a collapsed sub-process (bpmn-js drill-down) and draw a task there.
DRILL_DOWN = """([id, name, minutes]) => {
  const registry = modeler.get('elementRegistry');
  const modeling = modeler.get('modeling');
  const page = registry.get(id + '_plane');
  modeler.get('canvas').setRootElement(page);
  const task = modeling.createShape({ type: 'bpmn:Task' }, { x: 400, y: 300 }, page);
  modeling.updateLabel(task, name);
  modeling.updateProperties(task, { 'wb:minutes': minutes });
  return task.id;
}"""


def test_a_step_drawn_on_the_page_of_a_collapsed_group_keeps_its_page(
        modeler: BpmnJsModeler) -> None:
    """Drawn collapsed (isExpanded="false"), bpmn-js shows the group's content on a page of its
    own; the merge keeps that page (it does not put the step on the main page)."""
    defs = read_xprozess(FIM).model
    group = find_sub_process(defs, "Anzeige empfangen")
    defs.diagrams[0].shape_for(group.id).element.set("isExpanded", "false")
    original = defs.to_bytes()
    baseline = modeler.round_trip(original)
    task = modeler.page.evaluate(DRILL_DOWN, [group.id, "Eingang erfassen", "7"])
    merged = merge_canvas_xml(original, modeler.save(), baseline=baseline)
    result = bpmn.read(merged.xml)
    main, page = result.diagrams
    assert len(main.shapes) == len(defs.diagrams[0].shapes)  # the main page is unchanged
    assert page.plane_element == group.id
    assert [s.bpmn_element for s in page.shapes] == [task]
    # maps: the main page shows the group collapsed with its total, the level its own page
    svg = process_map(result, style="di").svg
    start = svg.index(f'data-bpmn-id="{group.id}"')
    assert "Σ 7 Min." in svg[start:svg.index("</g>", start)]
    assert f'data-bpmn-id="{task}"' not in svg
    assert f'data-bpmn-id="{task}"' in process_map(level_model(result, group.id),
                                                   style="di").svg
    # opened and saved again without an edit: nothing changes
    again = modeler.round_trip(merged.xml)
    assert merge_canvas_xml(merged.xml, again, baseline=again).xml == merged.xml
