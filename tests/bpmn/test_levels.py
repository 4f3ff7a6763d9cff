"""Levels of a model (drill-down into sub-processes): the real FIM file and a MIWG reference
model. Totals are computed by hand in the comments."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import MIWG, SHARED
from workbench import bpmn, metrics
from workbench.bpmn import namespaces as ns
from workbench.bpmn.levels import LevelError, find_sub_process, inner_totals, level_model, levels
from workbench.cli import main
from workbench.drilldown import level_metrics, level_rows
from workbench.kb.xprozess import read_xprozess
from workbench.maps import process_map

FIM = SHARED / "data" / "fim" / "fim-prozess-mutterschutz-anzeige.xprozess.xml"
B = "{" + ns.BPMN + "}"
DI = "{" + ns.BPMNDI + "}"
DC = "{" + ns.DC + "}"


def _with_minutes(path: Path, minutes: dict[str, float]) -> bpmn.Definitions:
    defs = bpmn.read(path)
    for node in defs.activities():
        if node.name in minutes:
            node.set_ext("minutes", minutes[node.name])
    return bpmn.read(defs.to_bytes())


# --------------------------------------------------------------------------- MIWG C.6.0


@pytest.fixture(scope="module")
def booking() -> bpmn.Definitions:
    """C.6.0: „Make Booking“ is reached in 1 of 3 branches (no probabilities: 1/3 each) and
    books hotel and flight in parallel; the cancel tasks only run on compensation (never)."""
    return _with_minutes(MIWG / "C.6.0.bpmn", {"Book Flight": 6, "Book Hotel": 9,
                                                "Cancel Hotel": 100, "Make Booking": 50})


def test_levels_of_a_miwg_model(booking: bpmn.Definitions) -> None:
    found = [(lv.name, lv.kind, lv.depth) for lv in levels(booking)]
    assert found == [("Simple Travel Booking", "Prozess", 0), ("Make Booking", "Teilprozess", 1),
                     ("Handle Compensation", "Ereignis-Teilprozess", 2)]


def test_a_sub_process_counts_with_the_minutes_of_its_content(booking: bpmn.Definitions) -> None:
    sub = find_sub_process(booking, "Make Booking")
    m = metrics.compute(booking)
    total = inner_totals(booking, m.visits)[sub.id]
    # per execution: Book Flight 6 + Book Hotel 9 = 15 (Cancel Hotel never runs; the 50 minutes
    # on the sub-process itself do not count, its content does); per case: 15 · 1/3 = 5
    assert total.executions == pytest.approx(1 / 3)
    assert total.minutes_per_execution == pytest.approx(15.0)
    assert total.minutes_per_case == pytest.approx(5.0)
    # the model's other steps carry no minutes: they count with standard values (issue 10)
    assert m.expected_minutes - m.standard_minutes == pytest.approx(5.0)
    assert any("eigene Zeiten und einen Inhalt" in w for w in m.warnings)
    assert level_metrics(booking, "make booking").expected_minutes == pytest.approx(15.0)


def test_level_model_keeps_the_content_and_its_drawing(booking: bpmn.Definitions) -> None:
    sub = find_sub_process(booking, "Make Booking")
    level = level_model(booking, sub.id)
    process = level.main_process()
    assert (process.id, process.name) == (sub.id, "Make Booking")
    assert sorted(n.id for n in process.all_flow_nodes) == sorted(n.id for n in sub.all_flow_nodes)
    inner = {n.id for n in sub.all_flow_nodes} | {f.id for f in sub.sequence_flows}
    shapes = {s.bpmn_element for s in level.diagrams[0].shapes}
    assert shapes and shapes <= inner | {s.id for s in sub.all_flow_nodes}
    svg = process_map(level, style="di").svg
    assert "Book Flight" in svg and "Book Hotel" in svg and "Travel Booking" not in svg
    assert booking.get(sub.id) is not None  # the source model is untouched


def test_unknown_or_empty_sub_process_is_a_german_message(booking: bpmn.Definitions) -> None:
    with pytest.raises(LevelError, match=r"nicht gefunden\. Vorhanden: „Make Booking“"):
        level_model(booking, "Buchen")
    fim = read_xprozess(FIM).model
    with pytest.raises(LevelError, match="zugeklappt und hat keinen Inhalt"):
        level_model(fim, "Korrektur anfordern")


# --------------------------------------------------------------------------- the FIM file


def _detailed_fim(group: str = "Anzeige empfangen", *, own_page: bool = False) -> bytes:
    """The real FIM model with one activity group detailed by the Verbund: start → „Eingang
    erfassen“ (10 min) → „Akte anlegen“ (5 min) → end inside the collapsed sub-process;
    with ``own_page`` drawn on a diagram of its own (as bpmn-js draws collapsed content)."""
    root = etree.fromstring(read_xprozess(FIM).model.to_bytes())
    sub = next(el for el in root.iter(B + "subProcess") if el.get("name") == group)
    sub.set("{" + ns.WB + "}minutes", "99")  # the group's own estimate, replaced by its content
    items = [("startEvent", "s1", None), ("task", "t1", ("Eingang erfassen", "10")),
             ("task", "t2", ("Akte anlegen", "5")), ("endEvent", "e1", None)]
    for tag, key, task in items:
        el = etree.SubElement(sub, B + tag, id=key)
        if task:
            el.set("name", task[0])
            el.set("{" + ns.WB + "}minutes", task[1])
    for n, (a, b) in enumerate([("s1", "t1"), ("t1", "t2"), ("t2", "e1")]):
        etree.SubElement(sub, B + "sequenceFlow", id=f"f{n}", sourceRef=a, targetRef=b)
    if own_page:
        diagram = etree.SubElement(root, DI + "BPMNDiagram", id="page2")
        plane = etree.SubElement(diagram, DI + "BPMNPlane", id="page2_plane",
                                 bpmnElement=sub.get("id"))
        for n, (_, key, _task) in enumerate(items):
            shape = etree.SubElement(plane, DI + "BPMNShape", id=f"{key}_di", bpmnElement=key)
            etree.SubElement(shape, DC + "Bounds", x=str(100 + 150 * n), y="100", width="100",
                             height="80")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_fim_collapsed_group_with_content_counts_its_content() -> None:
    defs = bpmn.read(_detailed_fim())
    m = metrics.compute(defs)
    # 10 + 5 inside, not the 99 outside; the FIM steps without minutes count with standard
    # values (issue 10)
    assert m.expected_minutes - m.standard_minutes == pytest.approx(15.0)
    rows, _ = level_rows(defs)
    group = next(r for r in rows if r.level.name == "Anzeige empfangen")
    assert (group.level.depth, group.level.steps) == (1, 2)
    assert group.minutes_per_execution == pytest.approx(15.0)
    assert [r.level.depth for r in rows].count(0) == 2  # main pool and the call-activity pool


def test_fim_drill_down_map_and_the_total_on_the_collapsed_group(tmp_path: Path) -> None:
    path = tmp_path / "fim.bpmn"
    path.write_bytes(_detailed_fim(own_page=True))
    defs = bpmn.read(path)
    level = level_model(defs, "Anzeige empfangen")
    assert [d.plane_element for d in level.diagrams] == [level.main_process().id]
    assert len(level.diagrams[0].shapes) == 4  # the page of its own, taken over
    svg = process_map(defs, style="di").svg  # the main page: vertical pools, group collapsed
    group = find_sub_process(defs, "Anzeige empfangen")
    start = svg.index(f'data-bpmn-id="{group.id}"')
    shape = svg[start:svg.index("</g>", start)]
    assert "Σ 15 Min." in shape and "Eingang erfassen" not in svg
    out = tmp_path / "ebene.svg"
    assert main(["map", str(path), "--teilprozess", "anzeige empfangen", "--stil", "di",
                 "-o", str(out)]) == 0
    drawn = out.read_text(encoding="utf-8")
    assert 'data-bpmn-id="t1"' in drawn and 'data-bpmn-id="t2"' in drawn
    assert "Eingang" in drawn and "Zuständigkeit" not in drawn


def test_levels_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "fim.bpmn"
    path.write_bytes(_detailed_fim())
    assert main(["bpmn", "ebenen", str(path)]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "Anzeige empfangen" in x)
    assert line.split()[-3:] == ["1,00", "15,0", "15,0"]
    assert main(["bpmn", "ebenen", str(path), "--teilprozess", "Anzeige empfangen"]) == 0
    assert "Erwartete Bearbeitungszeit der Verwaltung je Fall  15,0 Minuten" in \
        capsys.readouterr().out
    assert main(["bpmn", "ebenen", str(path), "--teilprozess", "Korrektur anfordern"]) == 2
    err = capsys.readouterr().err
    assert "zugeklappt und hat keinen Inhalt" in err and "Traceback" not in err
    before = path.read_bytes()
    assert main(["map", str(path), "--teilprozess", "Gibt es nicht", "-o",
                 str(tmp_path / "x.svg")]) == 2
    assert "nicht gefunden" in capsys.readouterr().err
    assert not (tmp_path / "x.svg").exists() and path.read_bytes() == before


def test_plain_fim_model_is_unchanged_by_the_level_logic() -> None:
    """Without content nothing changes: every group is one step, the map shows the plus sign."""
    defs = read_xprozess(FIM).model
    assert [lv.depth for lv in levels(defs)] == [0, 0]
    svg = process_map(copy.deepcopy(defs), style="di").svg
    assert "Σ" not in svg


def test_steps_without_minutes_inside_count_with_their_standard_value() -> None:
    """The level total uses the same minutes as the metrics: a step inside without minutes
    counts with the standard value the metrics assumed for it (issue 10)."""
    root = etree.fromstring(_detailed_fim())
    task = next(el for el in root.iter(B + "task") if el.get("id") == "t2")
    del task.attrib["{" + ns.WB + "}minutes"]
    defs = bpmn.read(etree.tostring(root))
    m = metrics.compute(defs)
    assumed = {v.activity_id: v.minutes for v in m.standard_values}
    assert "t2" in assumed and "t1" not in assumed
    group = find_sub_process(defs, "Anzeige empfangen")
    total = inner_totals(defs, m.visits, assumed)[group.id]
    assert total.minutes_per_execution == pytest.approx(10.0 + assumed["t2"])
    assert total.standard_minutes_per_case == pytest.approx(assumed["t2"])
    assert total.missing_minutes == 0
    without = inner_totals(defs, m.visits)[group.id]  # no standard values given: 0 and named
    assert (without.minutes_per_execution, without.missing_minutes) == (pytest.approx(10.0), 1)
    rows, _ = level_rows(defs)
    row = next(r for r in rows if r.level.id == group.id)
    assert row.minutes_per_execution == pytest.approx(10.0 + assumed["t2"])
