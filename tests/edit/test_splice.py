"""Byte-preserving writes: an edit changes the bytes of the touched element's start tag only.

Property over every MIWG reference model, every vendor export and the shipped models, on the
files exactly as the tools wrote them (encodings, quotes, CRLF, namespace prefixes): one
attribute changed through the canvas merge or through a step table changes nothing outside that
element's start tag (plus the ``wb`` namespace declaration when the file had none).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lxml import etree

from tests.edit.helpers import WB_DECLARATION, assert_only_start_tag_changed, start_tag_span
from workbench import bpmn
from workbench.bpmn import namespaces as ns
from workbench.edit import merge_canvas_xml
from workbench.edit.splice import EditableModel
from workbench.edit.steps import apply_step_table
from workbench.steptable import read_step_table, step_table_from_bpmn

ROOT = Path(__file__).resolve().parents[2]
MIWG = ROOT.parent / "shared" / "data" / "miwg-reference"
if not MIWG.is_dir():
    MIWG = Path("/work/shared/data/miwg-reference")
VENDOR = ROOT / "tests" / "fixtures" / "bpmn" / "vendor"
FILES = sorted(MIWG.glob("*.bpmn")) + sorted(VENDOR.glob("*.bpmn")) + sorted(
    (ROOT / "processes").glob("*/*.bpmn"))[:6]
TASK_ELEMENTS = {"Aufgabe", "Benutzeraufgabe", "Manuelle Aufgabe", "Serviceaufgabe",
                 "Sendeaufgabe", "Empfangsaufgabe", "Skriptaufgabe", "Geschäftsregelaufgabe"}
TASKS = tuple(f"{{{ns.BPMN}}}{t}" for t in ("task", "userTask", "manualTask", "serviceTask",
                                              "sendTask", "receiveTask", "scriptTask",
                                              "businessRuleTask"))


def _first_task(defs: bpmn.Definitions) -> etree._Element:
    return next(defs.root.iter(*TASKS))


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_unchanged_model_is_written_as_read(path: Path) -> None:
    data = path.read_bytes()
    document = EditableModel(data)
    assert document.map is not None, "every corpus file can be mapped"
    assert document.map.render(document.defs.root) == data


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_canvas_merge_of_one_attribute_touches_only_thatstart_tag_span(path: Path) -> None:
    """The canvas document (re-serialised everywhere) differs by one wb attribute."""
    data = path.read_bytes()
    edited = bpmn.read(data)
    task = _first_task(edited)
    task.set(f"{{{ns.WB}}}minutes", "7")
    result = merge_canvas_xml(data, edited.to_bytes())
    assert any("Bearbeitungszeit" in line for line in result.changes), result.changes
    assert_only_start_tag_changed(data, result.xml, task.get("id"), 'wb:minutes="7"')


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_canvas_rename_rewrites_only_the_name_attribute(path: Path) -> None:
    data = path.read_bytes()
    edited = bpmn.read(data)
    task = _first_task(edited)
    task.set("name", "Gebühr prüfen & buchen")
    result = merge_canvas_xml(data, edited.to_bytes())
    assert result.changed
    reread = bpmn.read(result.xml).element_by_id(task.get("id"))
    assert reread.get("name") == "Gebühr prüfen & buchen"
    start, stop = start_tag_span(data, task.get("id"))
    assert result.xml[:start] == data[:start]
    assert result.xml.endswith(data[stop:])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_step_table_minutes_on_the_original_file(path: Path) -> None:
    """``import schritte --aktualisieren`` on the vendor's own bytes (not a re-serialisation)."""
    data = path.read_bytes()
    model = bpmn.read(data)
    exported = step_table_from_bpmn(model)
    frame = exported.to_dataframe()
    row = next(i for i, r in frame.iterrows() if r["Element"] in TASK_ELEMENTS)
    element_id = exported.origin[frame.at[row, "Nr"]]
    frame.at[row, "Minuten"] = 3.0 if frame.at[row, "Minuten"] == 17.5 else 17.5
    result = apply_step_table(model, read_step_table(frame), original=data)
    assert result.changed
    value = "3" if frame.at[row, "Minuten"] == 3.0 else "17.5"
    assert_only_start_tag_changed(data, result.xml, element_id, f'wb:minutes="{value}"')


def test_vendor_encoding_crlf_and_quotes_survive_an_edit() -> None:
    """windows-1252 stays windows-1252 (umlauts as its bytes), CRLF stays CRLF."""
    source = (VENDOR / "enterprise-architect__c1-roundtrip-cp1252.bpmn").read_bytes()
    edited = bpmn.read(source)
    task = _first_task(edited)
    task.set("name", "Prüfung")
    doc = etree.SubElement(task, f"{{{ns.BPMN}}}documentation")
    doc.text = "Zeile 1\nZeile 2"
    task.insert(0, doc)
    result = merge_canvas_xml(source, edited.to_bytes())
    assert result.xml.startswith(b'<?xml version="1.0" encoding="windows-1252"?>')
    assert "Prüfung".encode("windows-1252") in result.xml
    reread = bpmn.read(result.xml).element_by_id(task.get("id"))
    assert reread.get("name") == "Prüfung"
    assert reread.find(f"{{{ns.BPMN}}}documentation").text == "Zeile 1\nZeile 2"

    crlf = (VENDOR / "yaoqiang__a1-export.bpmn").read_bytes()
    assert b"\r\n" in crlf
    edited = bpmn.read(crlf)
    task = _first_task(edited)
    doc = etree.SubElement(task, f"{{{ns.BPMN}}}documentation")
    doc.text = "a\nb"
    result = merge_canvas_xml(crlf, edited.to_bytes())
    assert result.xml.count(b"\n") == result.xml.count(b"\r\n")
    assert bpmn.read(result.xml).element_by_id(task.get("id")).find(
        f"{{{ns.BPMN}}}documentation").text == "a\nb"


def test_utf16_file_keeps_its_encoding_and_byte_order_mark() -> None:
    text = (VENDOR / "signavio-bpmnjs__pool-with-extensions.bpmn").read_text(encoding="utf-8")
    text = re.sub(r'encoding="[^"]*"', 'encoding="UTF-16"', text, count=1)
    data = "\ufeff".encode("utf-16-le") + text.encode("utf-16-le")
    edited = bpmn.read(data)
    task = _first_task(edited)
    task.set(f"{{{ns.WB}}}minutes", "4")
    result = merge_canvas_xml(data, edited.to_bytes())
    assert result.xml.startswith(b"\xff\xfe")
    assert result.xml.decode("utf-16").replace(' wb:minutes="4"', "").replace(
        WB_DECLARATION, "") == data.decode("utf-16")


def test_no_change_and_a_removal_keep_the_rest() -> None:
    """An unchanged table writes the file as it was; a removed task leaves the bytes before it."""
    data = (VENDOR / "signavio__a1-export.bpmn").read_bytes()
    model = bpmn.read(data)
    exported = step_table_from_bpmn(model)
    frame = exported.to_dataframe()
    result = apply_step_table(model, read_step_table(frame), original=data)
    assert not result.changed and result.xml == data
    saved = EditableModel(data)
    task = _first_task(saved.defs)
    task.getparent().remove(task)
    out = saved.to_bytes()
    assert bpmn.read(out).element_by_id(task.get("id")) is None
    start, _ = start_tag_span(data, task.get("id"))
    assert out[:start] == data[:start]


def test_input_that_cannot_be_mapped_falls_back_to_a_lossless_serialisation() -> None:
    text = (VENDOR / "signavio__a1-export.bpmn").read_text(encoding="utf-8")
    data = "\ufeff".encode("utf-32-le") + text.encode("utf-32-le")
    document = EditableModel(data)
    assert document.map is None
    _first_task(document.defs).set("name", "X")
    assert bpmn.read(document.to_bytes()).root.iter(*TASKS).__next__().get("name") == "X"
