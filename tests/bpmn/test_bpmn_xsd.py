"""XSD validation against the OMG schemas shipped in SpiffWorkflow's wheel (not in this repo)."""

from __future__ import annotations

import subprocess
from importlib import resources

from workbench import bpmn
from workbench.bpmn import xsd
from workbench.bpmn.builder import ModelBuilder

from .helpers import REPO, chain, doc, process

INVALID = doc(process(
    '<bpmn:task id="t" name="Prüfen" erfunden="ja"><bpmn:outgoing>t_e</bpmn:outgoing>'
    '<bpmn:incoming>s_t</bpmn:incoming></bpmn:task>'
    '<bpmn:startEvent id="s" name="S"/><bpmn:endEvent id="e" name="E"/>'
    '<bpmn:sequenceFlow id="s_t" sourceRef="s" targetRef="t"/>'
    '<bpmn:sequenceFlow id="t_e" sourceRef="t" targetRef="e"/>'
    '<bpmn:sequenceFlow id="ohne" targetRef="e"/>',
    attrs='processType="Geheim"'))


def test_schemas_come_from_the_spiffworkflow_package_not_from_this_repo() -> None:
    folder = resources.files(xsd._SCHEMA_PACKAGE)
    assert {"BPMN20.xsd", "BPMNDI.xsd", "DC.xsd", "DI.xsd", "Semantic.xsd"} <= {
        p.name for p in folder.iterdir()}
    try:
        tracked = subprocess.run(["git", "ls-files", "*.xsd", "**/*.xsd"], cwd=REPO,
                                 capture_output=True, text=True, check=True).stdout
    except (OSError, subprocess.CalledProcessError):  # not a git checkout
        tracked = ""
    assert tracked.strip() == ""
    assert not list((REPO / "src").rglob("*.xsd"))
    assert xsd.schema() is xsd.schema()  # compiled once


def test_deliberately_invalid_file_gives_german_warnings_with_line_and_id() -> None:
    defs = bpmn.read(INVALID)
    findings = xsd.validate_xsd(defs)
    assert findings and all(f.code == "xsd" and f.severity == "warning" for f in findings)
    assert all(f.line and f.message.startswith("Verstößt gegen das BPMN-2.0-Schema: ")
               for f in findings)
    by_id = {(f.element_id, f.message) for f in findings}
    assert any(i == "P" and "'Geheim' ist nicht erlaubt; erlaubt sind" in m for i, m in by_id)
    assert any(i == "t" and "Das Attribut 'erfunden' ist hier nicht erlaubt" in m
               for i, m in by_id)
    assert any(i == "t" and "falsche Reihenfolge" in m and "bpmn:outgoing" in m
               for i, m in by_id)
    assert any(i == "ohne" and "Das Pflichtattribut 'sourceRef' fehlt" in m for i, m in by_id)
    # prefixes instead of namespace URIs
    assert not any("{http://www.omg.org" in f.message for f in findings)


def test_duplicate_ids_and_default_namespace_documents() -> None:
    text = doc(process(chain("s", "e") + '<bpmn:task id="s" name="Doppelt"/>'), decl="")
    text = text.replace("bpmn:", "").replace('xmlns:bpmn="', 'xmlns="')
    findings = xsd.validate_xsd(bpmn.read(text))
    assert any(f.element_id == "s" and "keine gültige ID" in f.message for f in findings)


def test_valid_models_have_no_findings() -> None:
    b = ModelBuilder("Gültig")
    b.flow(b.event("Start"), b.event("Ende", "end"))
    assert xsd.validate_xsd(b.build()) == []


def test_german_message_keeps_unknown_messages() -> None:
    assert xsd.german_message("Something else entirely.") == "Something else entirely."
