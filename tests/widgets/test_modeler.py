"""The modeler widget without a browser: schema generated from our extension attributes, the
analysis behind the overlays (hand-computed), the edit path from the canvas, static output.
The browser tests (tests/browser/test_modeler.py) drive the same code through bpmn-js."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from tests.conftest import EXAMPLE, ROOT
from workbench.bpmn import extensions as ext
from workbench.bpmn import namespaces as ns
from workbench.bpmn import to_bytes
from workbench.bpmn.builder import ModelBuilder
from workbench.widgets import BpmnModeler, ModelerWorkspace
from workbench.widgets.modeler import SaveRefused
from workbench.widgets.modeler_analysis import analyse
from workbench.widgets.modeler_schema import bpmn_types, moddle_descriptor, panel_schema

VENDOR = ROOT / "tests" / "fixtures" / "bpmn" / "vendor"


def _loop_model() -> bytes:
    """start → A (Papier, 5 Min.) → gateway → B (E-Mail, 3 Min.) → end; gateway → A with 25 %."""
    b = ModelBuilder("Schleife", pool="Verwaltung")
    start = b.event("Start", lane="Sachbearbeitung")
    a = b.task("Antrag prüfen", id="A", lane="Sachbearbeitung", medium="papier", minutes=5)
    gate = b.gateway("Vollständig?", id="G", lane="Sachbearbeitung")
    task_b = b.task("Bescheid mailen", id="B", lane="Sachbearbeitung", medium="email", minutes=3)
    end = b.event("Ende", "end", lane="Sachbearbeitung")
    b.flow(start, a)
    b.flow(a, gate, id="F_AG")
    b.flow(gate, a, probability=0.25, name="nein", id="F_GA")
    b.flow(gate, task_b, probability=0.75, name="ja", id="F_GB")
    b.flow(task_b, end)
    return to_bytes(b.build())


def _canvas_edit(modeler: BpmnModeler, xpath: str, minutes: str, seq: int = 1) -> None:
    """What the canvas sends after the minutes of one element were changed in the panel."""
    root = etree.fromstring(modeler.xml.encode())
    root.find(xpath).set(ext.qname("minutes"), minutes)
    modeler.receive(etree.tostring(root, encoding="unicode"), seq=seq)


# --------------------------------------------------------------------------- schema


def test_descriptor_declares_every_attribute_once_for_its_bpmn_types() -> None:
    descriptor = moddle_descriptor()
    assert descriptor["uri"] == ns.WB == "urn:prozess-werkbench:bpmn:1"
    assert descriptor["prefix"] == "wb"
    declared = [(p["name"], tuple(t["extends"])) for t in descriptor["types"]
                for p in t["properties"]]
    assert sorted(name for name, _ in declared) == sorted(ext.ATTRIBUTES)
    for name, extends in declared:
        assert extends == bpmn_types(ext.ATTRIBUTES[name])
        assert all(e.startswith("bpmn:") for e in extends)
    props = {p["name"]: p for t in descriptor["types"] for p in t["properties"]}
    assert all(p["isAttr"] and p["type"] == "String" for p in props.values())
    assert props["minutes"] and "bpmn:Activity" in bpmn_types(ext.ATTRIBUTES["minutes"])
    assert bpmn_types(ext.ATTRIBUTES["probability"]) == ("bpmn:SequenceFlow",)


def test_panel_schema_takes_labels_and_values_from_extensions() -> None:
    schema = panel_schema()
    fields = {f["name"]: f for f in schema["attributes"]}
    assert set(fields) == set(ext.ATTRIBUTES)
    assert fields["medium"]["values"] == [[k, v] for k, v in ext.MEDIA.items()]
    assert fields["phase"]["values"] == [[k, v] for k, v in ext.PHASES.items()]
    assert fields["minutes"]["label"] == ext.ATTRIBUTES["minutes"].label
    assert ["formell_pruefen", "Formell prüfen"] in fields["activityType"]["suggestions"]
    assert set(schema["medium_colors"]) == set(ext.MEDIA)


def test_unknown_applies_to_is_an_error() -> None:
    odd = ext.Attribute("x", "X", "text", "activity pool")
    with pytest.raises(ValueError, match="applies_to 'pool'"):
        bpmn_types(odd)


# --------------------------------------------------------------------------- analysis


def test_analysis_of_a_loop_hand_computed() -> None:
    payload = analyse(_loop_model(), seq=7).payload
    assert payload["ok"] and payload["seq"] == 7
    a, b = payload["elements"]["A"], payload["elements"]["B"]
    assert a["medium"] == "papier" and b["medium"] == "email"
    # A is visited 1 / (1 - 0.25) = 4/3 times per case; B once
    assert [x["text"] for x in a["badges"]] == ["5 Min.", "1,33×"]
    assert [x["text"] for x in b["badges"]] == ["3 Min."]
    # Papier → E-Mail is a Medienbruch on the way A → G → B (not on the loop back to A)
    # B (E-Mail, no activity type) types in what is on paper: a manual re-entry as well
    assert set(payload["flows"]) == {"F_AG", "F_GB"}
    assert payload["flows"]["F_GB"]["text"] == "Neuerfassung"
    assert "Papier → E-Mail" in payload["flows"]["F_GB"]["title"]
    assert all(f["markers"] == ["wb-medienbruch", "wb-neuerfassung"]
               for f in payload["flows"].values())
    summary = dict((label, value) for label, value, _ in payload["summary"])
    # B is reached 4/3 · 0.75 = 1 time: 5 · 4/3 + 3 · 1 = 9.67 minutes per case; 1 break
    assert summary["Bearbeitung je Fall"] == "9,7 Min."
    assert summary["Medienbrüche"] == "1,0"


def test_analysis_marks_reentries_on_flows_with_their_expected_count() -> None:
    """Papier → „prüfen“ im Meldewesen is a Medienbruch but no re-entry (the step checks, it
    does not type in); Meldewesen → booking in the Finanzwesen (no activity type: it types in)
    is a manual re-entry (händische Neuerfassung, workbench.indicators). The loop repeats with
    50 %: B and C run 1 / (1 − 0.5) = 2 times, so B → C happens twice per case, C → B once."""
    b = ModelBuilder("Neuerfassung", pool="Verwaltung")
    start = b.event("Start", lane="SB")
    a = b.task("Antrag annehmen", id="A", lane="SB", medium="papier", minutes=2)
    task_b = b.task("Antrag im Meldewesen prüfen", id="B", lane="SB", medium="fachverfahren",
                    minutes=4, system="Meldewesen", activity_type="formell_pruefen")
    task_c = b.task("Gebühr buchen", id="C", lane="SB", medium="fachverfahren", minutes=3,
                    system="Finanzwesen")
    gate = b.gateway("Korrektur nötig?", id="G", lane="SB")
    end = b.event("Ende", "end", lane="SB")
    b.flow(start, a)
    b.flow(a, task_b, id="F_AB")
    b.flow(task_b, task_c, id="F_BC")
    b.flow(task_c, gate, id="F_CG")
    b.flow(gate, task_b, probability=0.5, name="ja", id="F_GB")
    b.flow(gate, end, probability=0.5, name="nein", id="F_GE")
    payload = analyse(to_bytes(b.build())).payload
    flows = payload["flows"]
    assert set(flows) == {"F_AB", "F_BC", "F_CG", "F_GB"}
    assert flows["F_AB"]["text"] == "Medienbruch"
    assert flows["F_AB"]["markers"] == ["wb-medienbruch"]
    assert "erwartet" not in flows["F_AB"]["title"]  # A runs once
    assert flows["F_BC"]["text"] == "Neuerfassung" and flows["F_BC"]["kind"] == "neuerfassung"
    assert flows["F_BC"]["markers"] == ["wb-medienbruch", "wb-neuerfassung"]
    assert flows["F_BC"]["title"] == (
        "Händische Neuerfassung von Meldewesen in Finanzwesen; Medienbruch: Systemwechsel "
        "Meldewesen → Finanzwesen (Daten werden erneut erfasst) – erwartet 2× je Fall")
    # the way back C → G → B changes the system too, but B checks: a Medienbruch only
    assert flows["F_GB"]["text"] == "Medienbruch"
    assert flows["F_CG"]["markers"] == flows["F_GB"]["markers"] == ["wb-medienbruch"]
    assert [x["text"] for x in payload["elements"]["B"]["badges"]] == ["4 Min.", "2×"]
    summary = dict((label, value) for label, value, _ in payload["summary"])
    assert summary["Medienbrüche"] == "4,0"  # 1 (A → B) + 2 (B → C twice) + 1 (C → B)


def test_analysis_badges_a_step_that_types_over_by_its_activity_type() -> None:
    b = ModelBuilder("Übertragen", pool="Verwaltung")
    start = b.event("Start", lane="SB")
    t = b.task("Daten ins Finanzwesen übertragen", id="T", lane="SB", medium="fachverfahren",
               minutes=5, system="Finanzwesen", activity_type="daten_uebertragen")
    end = b.event("Ende", "end", lane="SB")
    b.flow(start, t)
    b.flow(t, end)
    badges = analyse(to_bytes(b.build())).payload["elements"]["T"]["badges"]
    assert [x["text"] for x in badges] == ["5 Min.", "Neuerfassung"]
    assert badges[1]["kind"] == "reentry" and "Daten übertragen" in badges[1]["title"]


def test_analysis_marks_missing_minutes_and_keeps_going() -> None:
    xml = _loop_model().replace(b' wb:minutes="3"', b"")
    payload = analyse(xml).payload
    assert [x["kind"] for x in payload["elements"]["B"]["badges"]] == ["nominutes"]
    assert any("ohne Bearbeitungszeit" in f["message"] for f in payload["findings"])


def test_unreadable_canvas_xml_gives_a_german_finding() -> None:
    result = analyse("<bpmn:definitions xmlns:bpmn='nope'/>")
    assert result.definitions is None and result.payload["ok"] is False
    assert result.payload["findings"][0]["severity"] == "Fehler"
    assert "BPMN" in result.payload["findings"][0]["message"]


def test_a_process_still_being_drawn_gets_overlays_and_a_finding() -> None:
    """No end event yet: the metrics cannot be computed, the minutes are still shown."""
    b = ModelBuilder("Entwurf", pool="Verwaltung")
    start = b.event("Start")
    b.flow(start, b.task("Prüfen", id="P", minutes=4))
    payload = analyse(to_bytes(b.build())).payload
    assert payload["ok"] and payload["elements"]["P"]["badges"][0]["text"] == "4 Min."


# --------------------------------------------------------------------------- widget


def test_canvas_edit_is_read_measured_and_sent_back(tmp_path: Path) -> None:
    path = tmp_path / "schleife.bpmn"
    path.write_bytes(_loop_model())
    modeler = BpmnModeler(path)
    assert modeler.analysis["seq"] is None and "A" in modeler.analysis["elements"]
    seen = []
    modeler.on_change(seen.append)
    root = etree.fromstring(modeler.xml.encode())
    task = root.find(".//*[@id='A']")
    task.set(ext.qname("minutes"), "11")
    edited = etree.tostring(root, encoding="unicode")
    result = modeler.receive(edited, seq=3)
    assert seen == [result] and modeler.xml == edited
    assert modeler.analysis["seq"] == 3
    assert modeler.analysis["elements"]["A"]["badges"][0]["text"] == "11 Min."
    assert modeler.definitions is not None and modeler.definitions.get("A").minutes == 11
    assert path.read_bytes() == _loop_model()  # an edit is not a save


def test_unreadable_edit_keeps_the_last_good_model(tmp_path: Path) -> None:
    modeler = BpmnModeler(_loop_model())
    modeler.receive("kein XML", seq=1)
    assert modeler.analysis["ok"] is False
    assert modeler.definitions is not None and modeler.definitions.get("A") is not None


def test_blank_model_is_valid_with_start_and_end() -> None:
    modeler = BpmnModeler()
    kinds = {n.local_name for n in modeler.definitions.flow_nodes()}
    assert {"startEvent", "endEvent"} <= kinds and modeler.analysis["ok"]


def test_encoding_of_a_vendor_file_does_not_reach_the_canvas() -> None:
    """Enterprise Architect writes windows-1252; the canvas gets the same model as text."""
    path = VENDOR / "enterprise-architect__c1-roundtrip-cp1252.bpmn"
    modeler = BpmnModeler(path)
    assert modeler.original == path.read_bytes()
    assert "<?xml" not in modeler.xml and modeler.analysis["ok"]
    assert {p.name for p in modeler.definitions.participants} >= {"Team-Assistant"}


def test_static_html_for_notebooks_without_kernel() -> None:
    static = BpmnModeler(EXAMPLE / "hundeanmeldung" / "ist.bpmn").static_html()
    assert static.startswith("<div class='wb-modeler-static'>")
    assert "<svg" in static and "statische Ansicht" in static


def test_workspace_loads_soll_with_ist_candidates_and_kommune_fallback(example_copy: Path) -> None:
    space = ModelerWorkspace(example_copy, "hundeanmeldung", "soll")
    assert space.modeler.title == "Hundeanmeldung – SOLL"
    assert any("Formular entgegennehmen" in label for _, label in space.modeler.candidates)
    space.variant.value = "ist"
    assert space.modeler.candidates == []
    space.kommune.value = "033560011"
    assert "eigene Variante" in space.note.value and "ist.033560011.bpmn" in space.note.value
    assert "<svg" in space.modeler.static_html()


def test_workspace_offers_a_template_where_no_model_exists(example_copy: Path) -> None:
    (example_copy / "hundeanmeldung" / "soll.bpmn").unlink()
    space = ModelerWorkspace(example_copy, "hundeanmeldung", "soll")
    assert "Noch kein Modell" in space.note.value
    assert space.modeler.definitions.participants[0].name == "Verbund im Landkreis Osterholz"


@pytest.mark.slow
def test_nbconvert_html_shows_the_model_as_svg(tmp_path: Path) -> None:
    """papermill/nbconvert output has no widget state: the HTML falls back to the static SVG."""
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(
        "from workbench.widgets import BpmnModeler\n"
        f"BpmnModeler({str(EXAMPLE / 'fundsachen' / 'soll.bpmn')!r})")]
    NotebookClient(notebook, timeout=300, kernel_name="python3").execute()
    outputs = notebook.cells[0].outputs
    assert [sorted(o.data) for o in outputs] == [
        ["text/html", "text/plain"],
        ["application/vnd.jupyter.widget-view+json", "text/plain"]]
    body, _ = HTMLExporter().from_notebook_node(notebook)
    assert "statische Ansicht" in body and "<svg" in body


def test_one_attribute_save_keeps_vendor_bytes(tmp_path: Path) -> None:
    """The canvas edit of one attribute, saved: the file differs by exactly that attribute."""
    source = VENDOR / "enterprise-architect__c1-roundtrip-cp1252.bpmn"
    path = tmp_path / "ea.bpmn"
    path.write_bytes(source.read_bytes())
    modeler = BpmnModeler(path)
    _canvas_edit(modeler, ".//*[@name='Assign approver']", "7")
    assert "Bearbeitungszeit" in modeler.save()
    saved = path.read_bytes()
    attribute, declaration = b' wb:minutes="7"', f' xmlns:wb="{ns.WB}"'.encode()
    assert saved.count(attribute) == 1
    assert saved.replace(attribute, b"").replace(declaration, b"") == source.read_bytes()


def test_save_patches_only_the_edit_into_our_own_file(tmp_path: Path) -> None:
    path = tmp_path / "ist.bpmn"
    source = (EXAMPLE / "hundeanmeldung" / "ist.bpmn").read_bytes()
    path.write_bytes(source)
    modeler = BpmnModeler(path)
    _canvas_edit(modeler, ".//*[@id='Schritt_3']", "17")
    assert any("Bearbeitungszeit" in line for line in modeler.changes())
    modeler.save_from_canvas(1)
    assert modeler.status["kind"] == "saved" and "1 Änderung" in modeler.status["text"]
    saved = path.read_bytes()
    assert saved.replace(b' wb:minutes="17"', b' wb:minutes="2"') == source
    assert modeler.changes() == []  # saved: nothing left to save


def test_save_that_would_lose_content_is_refused_in_german(tmp_path: Path) -> None:
    """A canvas document without the vendor's extension elements: refused, file untouched."""
    source = VENDOR / "signavio-bpmnjs__pool-with-extensions.bpmn"
    path = tmp_path / "signavio.bpmn"
    path.write_bytes(source.read_bytes())
    modeler = BpmnModeler(path)
    root = etree.fromstring(modeler.xml.encode())
    for extension in root.findall(f".//{{{ns.BPMN}}}extensionElements"):
        extension.getparent().remove(extension)
    modeler.receive(etree.tostring(root, encoding="unicode"), seq=2)
    modeler.save_from_canvas(2)
    assert modeler.status["kind"] == "error"
    assert modeler.status["text"].startswith("Nicht gespeichert")
    assert path.read_bytes() == source.read_bytes()


def test_save_needs_a_target() -> None:
    with pytest.raises(SaveRefused, match="kein Speicherort"):
        BpmnModeler(_loop_model()).save()


def test_diff_overlays_against_the_ist(example_copy: Path) -> None:
    """A SOLL step linked to the IST by wb:replaces is 'changed' (minutes), an unlinked new one
    'neu'; IST steps without counterpart are listed as dropped."""
    ist = ModelBuilder("Test IST", pool="Verwaltung")
    s, a, b, e = (ist.event("Start", lane="SB"), ist.task("Antrag prüfen", id="I1", lane="SB",
                  minutes=5), ist.task("Akte drucken", id="I2", lane="SB", minutes=2),
                  ist.event("Ende", "end", lane="SB"))
    for x, y in ((s, a), (a, b), (b, e)):
        ist.flow(x, y)
    soll = ModelBuilder("Test SOLL", pool="Verwaltung")
    s2, c, n, e2 = (soll.event("Start", lane="SB"), soll.task("Antrag online prüfen", id="S1",
                    lane="SB", minutes=3), soll.task("Bescheid senden", id="S2", lane="SB",
                    minutes=1), soll.event("Ende", "end", lane="SB"))
    for x, y in ((s2, c), (c, n), (n, e2)):
        soll.flow(x, y)
    soll_xml = to_bytes(soll.build()).replace(b'id="S1"', b'id="S1" wb:replaces="I1"', 1)
    modeler = BpmnModeler(soll_xml)
    modeler.compare_with(ist.build(), reference_label="IST", label="SOLL")
    elements = modeler.analysis["elements"]
    assert elements["S1"]["markers"][-1] == "wb-diff-changed"
    assert "Bearbeitungszeit" in elements["S1"]["badges"][0]["title"]
    assert elements["S2"]["markers"][-1] == "wb-diff-added"
    assert elements["S2"]["badges"][0]["text"] == "neu"
    dropped = [f["message"] for f in modeler.analysis["findings"] if f["severity"] == "Vergleich"]
    assert dropped == ["Entfallen gegenüber IST: Akte drucken."]
    modeler.compare_with(None)
    markers = [m for info in modeler.analysis["elements"].values() for m in info["markers"]]
    assert not any(m.startswith("wb-diff") for m in markers)
