"""merge_canvas_xml with the real bpmn-js modeler (npm, headless Chromium).

* Every MIWG reference model, every vendor export with a diagram and the shipped models go
  through bpmn-js (import, saveXML) and merge back to exactly the original bytes (three-way);
  two-way, the files where bpmn-js drops content are refused, naming what it dropped.
* Scripted canvas edits (modeling API) land as exactly that edit.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree
from playwright.sync_api import Error as PlaywrightError

from tests.edit.helpers import assert_only_start_tag_changed, line_changes
from tests.interop.harness import ROOT, BpmnJsModeler, Unavailable, open_modeler
from workbench import bpmn
from workbench.bpmn import namespaces as ns
from workbench.edit import EditRefused, merge_canvas_xml

pytestmark = pytest.mark.browser

MIWG = ROOT.parent / "shared" / "data" / "miwg-reference"
if not MIWG.is_dir():
    MIWG = Path("/work/shared/data/miwg-reference")
VENDOR = ROOT / "tests" / "fixtures" / "bpmn" / "vendor"
CORPUS = sorted(MIWG.glob("*.bpmn")) + sorted(
    p for p in VENDOR.glob("*.bpmn") if bpmn.read(p).has_di) + [
    ROOT / "processes" / "hundeanmeldung" / "ist.bpmn",
    ROOT / "processes" / "fundsachen" / "ist.03356.bpmn",
]
#: Files where bpmn-js 18 drops content on import (checked by hand): DI of elements outside
#: the shown collaboration (B.1.0, B.2.0), an edge without model element (C.7.0), a vendor
#: attribute spelled twice with and without prefix (C.8.1).
BPMNJS_DROPS = {"B.1.0.bpmn", "B.2.0.bpmn", "C.7.0.bpmn", "C.8.1.bpmn"}
SIGNAVIO = VENDOR / "signavio-bpmnjs__pool-with-extensions.bpmn"
SIGNAVIO_TASK = "sid-7EA7F87B-2016-46D6-8DA2-921B8B14013B"
CAMUNDA = VENDOR / "camunda-eclipse__collaboration-message-flows.bpmn"


@pytest.fixture(scope="module")
def modeler() -> Iterator[BpmnJsModeler]:
    try:
        with open_modeler() as page:
            yield page
    except Unavailable as exc:
        pytest.skip(str(exc))


def stored(path: Path) -> bytes:
    """The file as the knowledge base stores it (lossless import, lxml serialisation)."""
    return bpmn.read(path).to_bytes()


def test_round_trip_of_every_file_merges_to_the_original_bytes(modeler: BpmnJsModeler) -> None:
    refused = {}
    for path in CORPUS:
        original = stored(path)
        saved = modeler.round_trip(original)
        three_way = merge_canvas_xml(original, saved, baseline=saved)
        assert three_way.changes == [], f"{path.name}: {three_way.changes}"
        assert three_way.xml == original, path.name
        try:
            two_way = merge_canvas_xml(original, saved)
        except EditRefused as err:
            refused[path.name] = err
            continue
        assert two_way.changes == [], f"{path.name}: {two_way.changes}"
        assert two_way.xml == original, path.name
    assert set(refused) == BPMNJS_DROPS
    assert "Startereignis „Start Event None 1“" in str(refused["B.1.0.bpmn"])
    assert "triso:constraintsType" in str(refused["C.8.1.bpmn"])


def test_rename_and_attributes_on_a_multi_pool_vendor_model(modeler: BpmnJsModeler) -> None:
    original = stored(SIGNAVIO)
    baseline = modeler.round_trip(original)
    modeler.edit("rename", SIGNAVIO_TASK, "Schaden prüfen")
    modeler.edit("setProperty", SIGNAVIO_TASK, "wb:minutes", "12")
    modeler.edit("setProperty", SIGNAVIO_TASK, "wb:medium", "fachverfahren")
    edited = modeler.save()
    for result in (merge_canvas_xml(original, edited),
                   merge_canvas_xml(original, edited, baseline=baseline)):
        removed, added = line_changes(original, result.xml)
        assert len(removed) == len(added) == 2  # the root (xmlns:wb) and the task's start tag
        assert removed[1].replace('name="Schaden erfassen"', 'name="Schaden prüfen" '
                                  'wb:medium="fachverfahren" wb:minutes="12"') == added[1]
        task = bpmn.read(result.xml)[SIGNAVIO_TASK]
        assert (task.name, task.minutes, task.medium) == ("Schaden prüfen", 12.0, "fachverfahren")
        assert len(result.changes) == 3


def test_appended_task_lands_with_flow_lane_and_di(modeler: BpmnJsModeler) -> None:
    original = stored(SIGNAVIO)
    modeler.round_trip(original)
    ids = modeler.edit("append", SIGNAVIO_TASK, "bpmn:UserTask", "Rückfrage stellen")
    result = merge_canvas_xml(original, modeler.save())
    removed, _ = line_changes(original, result.xml)
    assert removed == []  # only insertions: every original line is still there
    merged = bpmn.read(result.xml)
    task = merged[ids["shape"]]
    assert task.name == "Rückfrage stellen" and task.local_name == "userTask"
    assert task.lane is not None and merged[SIGNAVIO_TASK].lane == task.lane
    assert merged.diagrams[0].shape_for(ids["shape"]) is not None
    assert merged.diagrams[0].shape_for(ids["flow"]) is None  # an edge, not a shape
    assert any(e.bpmn_element == ids["flow"] for e in merged.diagrams[0].edges)
    before = bpmn.read(original)
    assert len(merged.participants) == len(before.participants)
    assert len(merged.message_flows) == len(before.message_flows)
    assert f"Neu: Benutzeraufgabe „Rückfrage stellen“ ({ids['shape']})" in result.changes


def test_removed_task_goes_with_its_shape_and_flows_only(modeler: BpmnJsModeler) -> None:
    original = stored(SIGNAVIO)
    modeler.round_trip(original)
    modeler.edit("remove", SIGNAVIO_TASK)
    result = merge_canvas_xml(original, modeler.save())
    merged = bpmn.read(result.xml)
    assert merged.get(SIGNAVIO_TASK) is None
    assert SIGNAVIO_TASK not in result.xml.decode()
    before = bpmn.read(original)
    assert len(merged.message_flows) == len(before.message_flows)
    assert result.xml.count(b"signavio:signavioMetaData") == \
        original.count(b"signavio:signavioMetaData") - 8  # the task's 7 and its flow's 1


def test_moving_a_shape_in_a_collaboration_changes_only_di(modeler: BpmnJsModeler) -> None:
    original = stored(CAMUNDA)
    modeler.round_trip(original)
    modeler.edit("move", "Task_2", 30, 0)
    result = merge_canvas_xml(original, modeler.save())
    removed, added = line_changes(original, result.xml)
    assert removed and all("Bounds" in line or "waypoint" in line for line in removed + added)
    assert all(line.startswith("Diagramm: ") for line in result.changes)


def test_canvas_attribute_on_every_raw_file_changes_only_that_start_tag(
        modeler: BpmnJsModeler) -> None:
    """The files exactly as the tools wrote them (encodings, quotes, CRLF, prefixes): bpmn-js
    gets the text the widget sends, one attribute is set on the canvas, the three-way merge
    writes it into the original bytes. Outside that task's start tag (and the wb declaration on
    the root) every byte stays."""
    tasks = tuple(f"{{{ns.BPMN}}}{t}" for t in ("task", "userTask", "manualTask",
                                                             "serviceTask", "sendTask"))
    checked = 0
    for path in CORPUS:
        raw = path.read_bytes()
        text = etree.tostring(bpmn.read(raw).root, encoding="unicode")  # as BpmnModeler.load
        baseline = modeler.round_trip(text)
        assert merge_canvas_xml(raw, baseline, baseline=baseline).xml == raw, path.name
        task = next(bpmn.read(raw).root.iter(*tasks), None)
        if task is None:
            continue
        try:
            modeler.edit("setProperty", task.get("id"), "wb:minutes", "12")
        except PlaywrightError:  # not on the canvas (bpmn-js shows one collaboration)
            continue
        result = merge_canvas_xml(raw, modeler.save(), baseline=baseline)
        assert_only_start_tag_changed(raw, result.xml, task.get("id"), 'wb:minutes="12"')
        checked += 1
    assert checked >= 30
