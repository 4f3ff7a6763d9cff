"""Forms and documents per step (data objects/stores on data associations) and the legal basis
per step (``wb:rechtsgrundlage``), read from MIWG reference files and the shipped example."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import EXAMPLE, MIWG
from workbench import bpmn
from workbench.bpmn.documents import step_documents
from workbench.bpmn.extensions import legal_bases


def _labels(path: Path) -> dict[str, list[str]]:
    defs = bpmn.read(path)
    return {defs.get(k).name: [link.label for link in v] for k, v in step_documents(defs).items()}


def test_miwg_data_stores_in_and_out() -> None:
    # C.4.0: "Create domain account" reads the Employee Details store, writes User Management
    docs = _labels(MIWG / "C.4.0.bpmn")
    assert docs["Create domain account"] == ["Employee Details (Datenspeicher, Eingang)",
                                             "User Management (Datenspeicher, Ergebnis)"]
    assert docs["Update payroll system"] == ["Payroll system (Datenspeicher, Ergebnis)"]
    assert len(docs) == 7


def test_miwg_data_objects_and_line_breaks_in_names() -> None:
    # C.8.0 (Trisotech): two inputs and two outputs on the approval task
    docs = _labels(MIWG / "C.8.0.bpmn")
    assert docs["Vacation Approval"] == ["From (Eingang)", "To (Eingang)",
                                         "Vacation Approval (Ergebnis)", "Reason (Ergebnis)"]
    # B.1.0: the store's name is drawn over two lines ("Data&#10;Store Reference")
    assert _labels(MIWG / "B.1.0.bpmn")["Service Task 7"] == [
        "Data Object (Eingang)", "Data Store Reference (Datenspeicher, Ergebnis)"]


def test_undirected_association_and_data_state(tmp_path: Path) -> None:
    path = tmp_path / "m.bpmn"
    path.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="urn:x">
  <process id="p">
    <task id="t" name="Antrag prüfen">
      <dataInputAssociation id="i"><sourceRef>ref</sourceRef><targetRef>t</targetRef></dataInputAssociation>
    </task>
    <dataObject id="obj" name="Antrag"/>
    <dataObjectReference id="ref" dataObjectRef="obj"><dataState name="eingegangen"/></dataObjectReference>
    <dataObjectReference id="ref2" name="Checkliste" dataObjectRef="obj"/>
    <association id="a" sourceRef="ref2" targetRef="t"/>
  </process>
</definitions>""", encoding="utf-8")
    assert _labels(path) == {"Antrag prüfen": ["Antrag [eingegangen] (Eingang)",
                                               "Checkliste (verbunden)"]}


def test_shipped_example_carries_documents_and_legal_bases() -> None:
    defs = bpmn.read(EXAMPLE / "hundeanmeldung" / "soll.bpmn")
    docs = step_documents(defs)
    assert [link.label for link in docs["Schritt_6"]] == ["Nachweise zur Ermäßigung (Eingang)"]
    assert [link.label for link in docs["Schritt_9"]] == ["Hundesteuerbescheid (Ergebnis)"]
    assert legal_bases(defs["Schritt_9"].get_ext("rechtsgrundlage")) == ["§ 3 NKAG (Steuern)"]
    defs = bpmn.read(EXAMPLE / "anmeldung_einwohner" / "soll.bpmn")
    assert legal_bases(defs["Schritt_19"].get_ext("rechtsgrundlage")) == [
        "§ 19 BMG (Mitwirkung des Wohnungsgebers)", "§ 23 BMG (Erfüllung der allgemeinen Meldepflicht)"]


def test_legal_bases_split_at_semicolons() -> None:
    assert legal_bases(" § 17 BMG ;; § 19  BMG; § 17 BMG ") == ["§ 17 BMG", "§ 19 BMG"]
    assert legal_bases(None) == [] and legal_bases("") == []


def test_step_table_update_keeps_legal_basis_and_documents() -> None:
    """Step tables have no column for them: ``import schritte --aktualisieren`` leaves both."""
    from workbench.edit.steps import apply_step_table
    from workbench.steptable import step_table_from_bpmn

    path = EXAMPLE / "hundeanmeldung" / "soll.bpmn"
    original = path.read_bytes()
    model = bpmn.read(path)
    table = step_table_from_bpmn(model)
    next(r for r in table.rows if table.origin.get(r.nr) == "Schritt_9").minutes = 3
    result = apply_step_table(model, table, original=original)
    assert len(result.changes) == 1
    assert original.count(b"wb:rechtsgrundlage=") == result.xml.count(b"wb:rechtsgrundlage=") == 3
    for part in (b"<bpmn:dataOutputAssociation id=\"Datenfluss_9_Bescheid\">",
                 b"<bpmn:dataInputAssociation id=\"Datenfluss_Nachweise_6\">",
                 b"bpmnElement=\"Dokument_Steuerbescheid\""):
        assert part in result.xml
