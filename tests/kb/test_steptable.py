"""Step tables ⇄ BPMN: reading, errors, findings, conversion both ways, round trips."""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench import bpmn
from workbench.bpmn import to_networkx
from workbench.bpmn.lint import has_errors, lint
from workbench.bpmn.xsd import validate_xsd
from workbench.steptable import (
    COLUMNS,
    ELEMENTS,
    StepTable,
    StepTableError,
    bpmn_to_step_table,
    read_step_table,
    step_table_from_bpmn,
    step_table_to_bpmn,
    write_step_table,
)
from workbench.steptable.parse import is_default_label

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures" / "steptables"
EXAMPLES = sorted((ROOT / "examples" / "osterholz" / "schritte").glob("*/*.csv"))
MIWG = Path("/work/shared/data/miwg-reference")
REFERENCE_MODELS = sorted(MIWG.glob("*.bpmn")) if MIWG.is_dir() else []
HEADER = ";".join(COLUMNS)


def build(table: StepTable | Path) -> bpmn.Definitions:
    return step_table_to_bpmn(table, name="Testprozess", pool="Gemeinde Test",
                              process_id="Prozess_Test")


def write_csv(tmp_path: Path, body: str, name: str = "tabelle.csv", header: str = HEADER) -> Path:
    path = tmp_path / name
    path.write_text(f"{header}\n{body}\n", encoding="utf-8")
    return path


def graph_signature(defs: bpmn.Definitions) -> tuple[dict, dict]:
    """Node and edge attributes of the main process (edges keyed by flow id)."""
    graph = to_networkx(defs.main_process())
    nodes = {n: dict(attrs) for n, attrs in graph.nodes(data=True)}
    edges = {key: {**attrs, "source": u, "target": v}
             for u, v, key, attrs in graph.edges(keys=True, data=True)}
    return nodes, edges


# --------------------------------------------------------------------------- reading


def test_read_fixture_values_and_successors() -> None:
    table = read_step_table(FIXTURES / "einfach.csv")  # UTF-8 with BOM
    assert table.findings == []
    assert len(table) == 17
    assert table.roles == ["Bürger:in", "Bürgerbüro", "Kasse", "Fachverfahren", "Poststelle"]
    first = table.rows[0]
    assert (first.nr, first.element, first.line) == ("1", "Start (Nachricht)", 2)
    check = table.row("3")
    assert (check.minutes, check.wait_days, check.medium, check.phase, check.automation) == (
        2.5, 0.5, "fachverfahren", "antrag", "regelbasiert")
    assert table.row("2").activity_type == "antrag_entgegennehmen"  # German label → key
    assert table.row("2").medium == "portal"
    decision = table.row("4")
    assert decision.successors == ("6", "5")
    assert decision.conditions == ("ja", "nein")
    assert decision.default == 1
    assert decision.probabilities == (0.8, 0.2)
    assert table.row("5").successors == ("5a",)  # empty Weiter = next row
    assert table.row("5a").successors == ("3",)  # loop back
    assert table.row("5a").wait_days == 4
    assert table.row("16").successors == ()  # nothing after an end
    assert table.row("10").conditions == ("Postfach", "sonst")
    assert table.row("10").default == 1


def test_cp1252_fallback_with_finding() -> None:
    table = read_step_table(FIXTURES / "excel_cp1252.csv")
    assert [f.code for f in table.findings] == ["encoding-cp1252"]
    assert "Windows-1252" in table.findings[0].message
    assert table.roles == ["Bürger:in", "Bürgerbüro"]
    assert table.row("3").step == "Gebührenbescheid über Maßnahme erstellen"
    assert table.row("3").medium == "persoenlich"
    assert table.row("2").minutes == 4.5


def test_comma_separator_is_sniffed() -> None:
    table = read_step_table(FIXTURES / "komma.csv")
    assert table.row("2").minutes == 1.5
    decision = table.row("3")
    assert decision.successors == ("4", "2")
    assert decision.probabilities == (0.9, 0.1)
    assert decision.default == 1


def test_tolerant_column_names_and_unknown_column() -> None:
    table = read_step_table(FIXTURES / "tolerant.csv")
    assert [f.code for f in table.findings] == ["unknown-column"]
    assert "„Bemerkung“" in table.findings[0].message
    row = table.row("2")
    assert row.step == "Daten erfassen"
    assert row.element == "Benutzeraufgabe"
    assert (row.activity_type, row.medium, row.minutes, row.wait_days) == (
        "daten_erfassen", "fachverfahren", 3, 1)
    assert (row.system, row.phase, row.automation) == ("Meldewesen", "bearbeitung",
                                                       "regelbasiert")
    assert table.row("1").element == "Start"
    assert table.row("3").element == "Ende"


def test_dataframe_input_with_numbers_and_missing_values() -> None:
    frame = pd.DataFrame({
        "Nr": [1, 2, 3], "Schritt": ["Los", "Prüfen", "Fertig"],
        "Element": ["Start", None, "Ende"], "Minuten": [math.nan, 2.5, math.nan],
        "Rolle": ["Amt", "Amt", "Amt"],
    })
    table = read_step_table(frame)
    assert [r.nr for r in table.rows] == ["1", "2", "3"]
    assert table.row("2").element == "Aufgabe"
    assert table.row("2").minutes == 2.5
    assert table.row("1").successors == ("2",)


def test_without_nr_column_rows_are_numbered(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "Start;Start\nPrüfen;\nEnde;Ende", header="Schritt;Element")
    table = read_step_table(path)
    assert [r.nr for r in table.rows] == ["1", "2", "3"]
    assert table.row("2").successors == ("3",)
    assert [f.code for f in table.findings] == []


def test_blank_lines_keep_excel_row_numbers(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "1;Start;Start\n\n2;Prüfen;Aufgabe\n3;Ende;Ende",
                     header="Nr;Schritt;Element")
    table = read_step_table(path)
    assert [r.line for r in table.rows] == [2, 4, 5]
    assert table.row("1").successors == ("2",)


# --------------------------------------------------------------------------- errors


ERROR_CASES = {
    "missing-schritt": ("Nr;Element;Rolle", "1;Start;Amt", 1, "Schritt",
                        "Pflichtspalte „Schritt“ fehlt", "Kopfzeile"),
    "unknown-element": (HEADER, "1;Start;Start;Amt\n2;Prüfen;Aufgabenblock;Amt", 3, "Element",
                        "Unbekanntes Element „Aufgabenblock“", "Erlaubt sind: Start"),
    "unknown-target": (HEADER, "1;Start;Start;Amt;;;;;;;;2\n2;Prüfen;;Amt;;;;;;;;7,15",
                       3, "Weiter", "Nr „7,15“, die es nicht gibt", "mit | trennen"),
    "conditions-count": (HEADER, "1;Start;Start\n2;Wahl;Entscheidung;;;;;;;;;1a|1b;ja\n"
                                 "1a;A\n1b;B;Ende", 3, "Bedingungen",
                         "1 Eintrag/Einträge, Weiter aber 2 Nachfolger (1a|1b)",
                         "je Nachfolger genau einen Eintrag"),
    "probabilities-count": (HEADER, "1;Start;Start\n2;Wahl;Entscheidung;;;;;;;;;3|4;ja|nein;"
                                    "0,5|0,3|0,2\n3;A\n4;B;Ende", 3, "Wahrscheinlichkeiten",
                            "3 Eintrag/Einträge, Weiter aber 2 Nachfolger", "getrennt durch |"),
    "minutes-not-a-number": (HEADER, "1;Start;Start\n2;Prüfen;;Amt;;;drei", 3, "Minuten",
                             "„drei“ ist keine Zahl ≥ 0", "Dezimalkomma erlaubt"),
    "minutes-negative": (HEADER, "1;Start;Start\n2;Prüfen;;Amt;;;-2", 3, "Minuten",
                         "„-2“ ist keine Zahl ≥ 0", "Dezimalkomma erlaubt"),
    "duplicate-nr": (HEADER, "1;Start;Start\n2;Prüfen\n2;Bescheiden\n3;Ende;Ende", 4, "Nr",
                     "Nr „2“ kommt doppelt vor (zuerst in Zeile 3)", "nur einmal vergeben"),
    "end-with-successor": (HEADER, "1;Start;Start\n2;Ende;Ende;;;;;;;;;1", 3, "Weiter",
                           "Ein Ende („Ende“) hat keine Nachfolger", "Weiter leeren"),
    "target-is-start": (HEADER, "1;Start;Start\n2;Prüfen;;;;;;;;;;1\n3;Ende;Ende", 3, "Weiter",
                        "ein Start kann aber keinen Vorgänger haben", "nach dem Start"),
    "two-defaults": (HEADER, "1;Start;Start\n2;Wahl;Entscheidung;;;;;;;;;3|4;sonst|x (sonst)\n"
                             "3;A;Ende\n4;B;Ende", 3, "Bedingungen", "„sonst“ steht 2-mal",
                     "nur einen Zweig"),
    "probability-range": (HEADER, "1;Start;Start\n2;Wahl;Entscheidung;;;;;;;;;3|4;;80|20\n"
                                  "3;A;Ende\n4;B;Ende", 3, "Wahrscheinlichkeiten",
                          "„80“ ist keine Wahrscheinlichkeit", "25 %"),
}


@pytest.mark.parametrize("case", sorted(ERROR_CASES))
def test_fatal_errors_name_file_row_column_and_fix(tmp_path: Path, case: str) -> None:
    header, body, row, column, problem, hint = ERROR_CASES[case]
    path = write_csv(tmp_path, body, name=f"{case}.csv", header=header)
    with pytest.raises(StepTableError) as info:
        read_step_table(path)
    error = info.value
    assert (error.source, error.row, error.column) == (f"{case}.csv", row, column)
    message = str(error)
    assert message.startswith(f"{case}.csv, Zeile {row}, Spalte „{column}“: ")
    assert problem in message
    assert hint in message


def test_error_names_the_column_as_written_in_the_file(tmp_path: Path) -> None:
    path = write_csv(tmp_path, "1;Prüfen;viel", header="Nr;Step;Bearbeitungszeit (Min.)")
    with pytest.raises(StepTableError, match=r"Zeile 2, Spalte „Bearbeitungszeit \(Min\.\)“"):
        read_step_table(path)


def test_xlsx_title_rows_blank_rows_and_sheet_choice(tmp_path: Path) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = "Hinweise"
    sheet = book.create_sheet("Schritte")
    for values in (["Schritttabelle Hundeanmeldung"], [], ["Nr", "Schritt", "Element", "Minuten"],
                   [1, "Los", "Start"], [], [2, "Prüfen", None, 1.5], [3, "Fertig", "Ende"],
                   [4, "Kaputt", None, "abc"]):
        sheet.append(values)
    book.save(tmp_path / "t.xlsx")
    with pytest.raises(StepTableError, match=r"t\.xlsx, Zeile 8, Spalte „Minuten“"):
        read_step_table(tmp_path / "t.xlsx")
    sheet.delete_rows(8)
    book.save(tmp_path / "t.xlsx")
    table = read_step_table(tmp_path / "t.xlsx")
    assert [(r.nr, r.line, r.successors) for r in table.rows] == [
        ("1", 4, ("2",)), ("2", 6, ("3",)), ("3", 7, ())]
    assert [f.code for f in table.findings] == ["sheet"]


def test_default_marker_forms(tmp_path: Path) -> None:
    body = ("1;Start;Start\n2;Wahl;Entscheidung;;;;;;;;;3|4|5;ja|Nein (Sonst)|vielleicht\n"
            "3;A;Ende\n4;B;Ende\n5;C\n6;Los;Start\n7;Teilen;Parallel;;;;;;;;;8|9;sonst|\n"
            "8;D;Ende\n9;E;Ende")
    table = read_step_table(write_csv(tmp_path, body))
    assert (table.row("2").conditions, table.row("2").default) == (("ja", "Nein", "vielleicht"), 1)
    assert table.row("6").successors == ("7",)
    assert table.row("7").default is None  # parallel gateways have no default flow
    assert table.row("5").successors == ()  # the next row is a start: no implicit flow
    assert [f.code for f in table.findings] == ["default-not-allowed", "roles-missing",
                                                "dead-end"]


def test_file_errors(tmp_path: Path) -> None:
    with pytest.raises(StepTableError, match="nicht gefunden"):
        read_step_table(tmp_path / "fehlt.csv")
    (tmp_path / "alt.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    with pytest.raises(StepTableError, match=r"\.xls wird nicht unterstützt.*\.xlsx"):
        read_step_table(tmp_path / "alt.xls")
    (tmp_path / "leer.csv").write_text("\n\n", encoding="utf-8")
    with pytest.raises(StepTableError, match="leer"):
        read_step_table(tmp_path / "leer.csv")
    (tmp_path / "kaputt.xlsx").write_bytes(b"kein zip")
    with pytest.raises(StepTableError, match="keine lesbare Excel-Datei"):
        read_step_table(tmp_path / "kaputt.xlsx")


# --------------------------------------------------------------------------- findings


def test_non_fatal_problems_are_findings(tmp_path: Path) -> None:
    body = ("1;Start;Start;Amt\n"
            "2;Prüfen;;Amt;Zauberei;Fax;3\n"
            "3;Wahl;Entscheidung;;;;;;;;;4|5;ja|nein;0,5|0,3\n"
            "4;A;Ende;Amt\n5;B;Ende;Amt")
    table = read_step_table(write_csv(tmp_path, body))
    by_code = {f.code: f for f in table.findings}
    assert set(by_code) == {"medium-unknown", "activity-type-unknown", "probability-sum",
                            "role-missing"}
    assert by_code["medium-unknown"].line == 3
    assert "Medium „Fax“ ist unbekannt" in by_code["medium-unknown"].message
    assert "ergeben 0,80 statt 1" in by_code["probability-sum"].message
    assert by_code["role-missing"].line == 4
    assert str(by_code["role-missing"]).startswith("tabelle.csv, Zeile 4: ")
    assert table.row("2").medium is None
    assert table.row("2").activity_type == "Zauberei"
    # the row without role goes into the lane of the row before it
    defs = build(table)
    assert defs["Schritt_3"].lane.name == "Amt"


def test_extra_cells_are_reported(tmp_path: Path) -> None:
    table = read_step_table(write_csv(tmp_path, "1;Start;Start\n2;Prüfen;;nein\n3;Ende;Ende",
                                      header="Nr;Schritt;Element"))
    assert [(f.code, f.line) for f in table.findings] == [("extra-cells", 3)]
    assert table.row("2").element == "Aufgabe"


def test_structure_findings(tmp_path: Path) -> None:
    table = read_step_table(write_csv(tmp_path, "1;Prüfen\n2;Bescheiden;;;;;;;;;;-\n3;Ablegen",
                                      header="Nr;Schritt;Element;Rolle;Aktivitätstyp;Medium;"
                                             "Minuten;Wartezeit;System;Phase;Automatisierung;"
                                             "Weiter"))
    codes = [f.code for f in table.findings]
    assert "start-missing" in codes and "end-missing" in codes
    assert codes.count("dead-end") == 2  # row 2 ("-") and the last row
    assert "roles-missing" in codes and "role-missing" not in codes


# --------------------------------------------------------------------------- to BPMN


def test_table_to_bpmn_ids_lanes_flows_attributes() -> None:
    table = read_step_table(FIXTURES / "einfach.csv")
    defs = build(table)
    process = defs.main_process()
    assert process.id == "Prozess_Test"
    assert defs.participants[0].name == "Gemeinde Test"
    assert [n.id for n in process.flow_nodes] == [f"Schritt_{r.nr}" for r in table.rows]
    assert [lane.name for lane in process.lanes] == table.roles
    assert defs["Schritt_1"].event_definitions == ["message"]
    assert defs["Schritt_4"].gateway_type == "exclusive"
    assert defs["Schritt_6"].gateway_type == "parallel"
    assert defs["Schritt_10"].gateway_type == "inclusive"
    assert defs["Schritt_14"].event_definitions == ["timer"]
    assert defs["Schritt_15"].local_name == "scriptTask"
    task = defs["Schritt_3"]
    assert (task.minutes, task.wait_days, task.medium, task.system) == (
        2.5, 0.5, "fachverfahren", "Meldewesen")
    assert defs["Schritt_5a"].get_ext("waitDays") == 4  # attributes on events are kept
    assert defs["Schritt_7"].lane.name == "Kasse"
    yes, no = defs["Schritt_4"].outgoing
    assert (yes.id, yes.name, yes.condition, yes.probability, yes.is_default) == (
        "Fluss_4_6", "ja", "ja", 0.8, False)
    assert (no.id, no.name, no.condition, no.probability, no.is_default) == (
        "Fluss_4_5", "nein", None, 0.2, True)
    assert defs["Fluss_5a_3"].target_id == "Schritt_3"
    assert not has_errors(lint(defs))
    assert validate_xsd(defs) == []
    assert defs.has_di


def test_flow_ids_stay_unique_for_parallel_edges(tmp_path: Path) -> None:
    body = "1;Start;Start\n2;Wahl;Entscheidung;;;;;;;;;3|3;ja|auch ja\n3;Ende;Ende"
    defs = build(read_step_table(write_csv(tmp_path, body)))
    assert [f.id for f in defs["Schritt_2"].outgoing] == ["Fluss_2_3", "Fluss_2_3_2"]


def test_build_accepts_path_and_dataframe() -> None:
    from_path = build(FIXTURES / "komma.csv")
    frame = read_step_table(FIXTURES / "komma.csv").to_dataframe()
    assert graph_signature(from_path) == graph_signature(build(frame))


# --------------------------------------------------------------------------- round trips


def assert_table_round_trip(table: StepTable) -> None:
    defs = build(table)
    back = step_table_from_bpmn(defs)
    assert back.findings == []
    assert back.rows == table.rows  # same order, values, successors, conditions, probabilities
    again = read_step_table(bpmn_to_step_table(defs))
    assert again.rows == table.rows


def assert_bpmn_round_trip(table: StepTable) -> None:
    defs = build(table)
    rebuilt = build(read_step_table(bpmn_to_step_table(defs)))
    assert graph_signature(rebuilt) == graph_signature(defs)


@pytest.mark.parametrize("path", [FIXTURES / "einfach.csv", FIXTURES / "komma.csv",
                                  FIXTURES / "tolerant.csv", FIXTURES / "excel_cp1252.csv"],
                         ids=lambda p: p.name)
def test_round_trips_fixtures(path: Path) -> None:
    table = read_step_table(path)
    assert_table_round_trip(table)
    assert_bpmn_round_trip(table)


@pytest.mark.skipif(not EXAMPLES, reason="noch keine Beispieltabellen")
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_round_trips_osterholz_examples(path: Path) -> None:
    table = read_step_table(path)
    assert table.findings == []
    assert_table_round_trip(table)
    assert_bpmn_round_trip(table)
    assert not has_errors(lint(build(table)))


def test_dataframe_has_exact_columns_and_german_labels() -> None:
    frame = bpmn_to_step_table(build(FIXTURES / "einfach.csv"))
    assert list(frame.columns) == list(COLUMNS)
    assert frame.attrs["findings"] == []
    row = frame.set_index("Nr").loc["3"]
    assert (row["Medium"], row["Phase"], row["Automatisierung"], row["Minuten"]) == (
        "Fachverfahren", "Antrag", "regelbasiert", 2.5)
    decision = frame.set_index("Nr").loc["4"]
    assert (decision["Weiter"], decision["Bedingungen"], decision["Wahrscheinlichkeiten"]) == (
        "6|5", "ja|nein (sonst)", "0.8|0.2")
    assert frame.set_index("Nr").loc["5", "Weiter"] == ""  # next row: left empty
    assert frame.set_index("Nr").loc["8", "Element"] == "Benutzeraufgabe"


def test_csv_write_uses_semicolon_decimal_comma_and_bom(tmp_path: Path) -> None:
    table = read_step_table(FIXTURES / "einfach.csv")
    target = write_step_table(bpmn_to_step_table(build(table)), tmp_path / "aus.csv")
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf" + HEADER.encode("utf-8"))
    text = raw.decode("utf-8-sig")
    assert "3;Antrag formell prüfen;Aufgabe;Bürgerbüro;formell_pruefen;Fachverfahren;2,5;0,5;" \
           in text
    assert ";6|5;ja|nein (sonst);0,8|0,2" in text
    assert [p.name for p in tmp_path.iterdir()] == ["aus.csv"]  # no temp files left
    assert read_step_table(target).rows == table.rows


def test_xlsx_round_trip(tmp_path: Path) -> None:
    import openpyxl

    table = read_step_table(FIXTURES / "einfach.csv")
    target = write_step_table(bpmn_to_step_table(build(table)), tmp_path / "schritte.xlsx")
    sheet = openpyxl.load_workbook(target).active
    assert sheet.title == "Schritte"
    assert [c.value for c in sheet[1]] == list(COLUMNS)
    assert sheet["G4"].value == 2.5  # Minuten as a number
    again = read_step_table(target)
    assert again.rows == table.rows
    assert graph_signature(build(again)) == graph_signature(build(table))


def test_write_rejects_unknown_extension(tmp_path: Path) -> None:
    frame = read_step_table(FIXTURES / "komma.csv").to_dataframe()
    with pytest.raises(StepTableError, match=r"\.csv oder \.xlsx"):
        write_step_table(frame, tmp_path / "x.ods")


# --------------------------------------------------------------------------- any model → table


@pytest.mark.skipif(not REFERENCE_MODELS, reason="MIWG-Referenzmodelle fehlen")
@pytest.mark.parametrize("path", REFERENCE_MODELS, ids=lambda p: p.name)
def test_reference_models_convert_and_round_trip(path: Path) -> None:
    frame = bpmn_to_step_table(bpmn.read(path))
    assert list(frame.columns) == list(COLUMNS)
    assert len(frame) > 0
    table = read_step_table(frame)  # the table is valid
    rebuilt = build(table)
    assert not any(f.severity == "error" for f in validate_xsd(rebuilt))
    assert step_table_from_bpmn(rebuilt).rows == table.rows  # stable from here on


@pytest.mark.skipif(not (MIWG / "B.2.0.bpmn").exists(), reason="MIWG B.2.0 fehlt")
def test_lost_constructs_are_reported() -> None:
    findings = bpmn_to_step_table(bpmn.read(MIWG / "B.2.0.bpmn")).attrs["findings"]
    codes = {f.code for f in findings}
    assert {"sub-process", "call-activity", "boundary-event", "message-flows", "pool-merged",
            "event-definition", "loop-marker", "gateway-type", "data", "artifact"} <= codes
    messages = " ".join(f.message for f in findings)
    assert "Teilprozess „Expanded Sub-Process 1“" in messages
    assert "wurde als Aufgabe übernommen" in messages


def test_foreign_model_flattening_and_flow_order() -> None:
    xml = """<?xml version="1.0" encoding="UTF-8"?>
<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" targetNamespace="t">
  <process id="p">
    <laneSet><lane id="l1" name="Amt"><flowNodeRef>end</flowNodeRef><flowNodeRef>start</flowNodeRef>
      <flowNodeRef>sub</flowNodeRef><flowNodeRef>gw</flowNodeRef></lane></laneSet>
    <endEvent id="end" name="Fertig"><terminateEventDefinition/></endEvent>
    <exclusiveGateway id="gw" name="OK?" default="f4"/>
    <subProcess id="sub" name="Prüfen">
      <startEvent id="s2"/><task id="inner"/><sequenceFlow id="fi" sourceRef="s2" targetRef="inner"/>
    </subProcess>
    <boundaryEvent id="b" name="Frist" attachedToRef="sub"><timerEventDefinition/></boundaryEvent>
    <startEvent id="start" name="Los"/>
    <sequenceFlow id="f1" sourceRef="start" targetRef="sub"/>
    <sequenceFlow id="f2" sourceRef="sub" targetRef="gw"/>
    <sequenceFlow id="f3" name="ja" sourceRef="gw" targetRef="end">
      <conditionExpression>${ok}</conditionExpression></sequenceFlow>
    <sequenceFlow id="f4" sourceRef="gw" targetRef="sub"/>
    <sequenceFlow id="f5" sourceRef="b" targetRef="end"/>
  </process>
</definitions>"""
    table = step_table_from_bpmn(bpmn.read(xml))
    assert [(r.nr, r.step, r.element) for r in table.rows] == [
        ("1", "Los", "Start"), ("2", "Prüfen", "Aufgabe"), ("3", "OK?", "Entscheidung"),
        ("4", "Frist", "Zwischenereignis (Zeit)"), ("5", "Fertig", "Ende")]
    assert table.row("2").successors == ("3", "4")
    assert table.row("3").successors == ("5", "2")
    assert table.row("3").conditions == ("ja", "sonst")
    assert table.row("3").default == 1
    assert table.row("4").role == "Amt"  # boundary event takes its host's lane
    codes = [f.code for f in table.findings]
    assert codes.count("sub-process") == 1
    assert {"event-definition", "boundary-event", "condition-expression"} <= set(codes)
    assert any("2 inneren Elemente" in f.message for f in table.findings)
    assert read_step_table(table.to_dataframe()).rows == table.rows


def test_edited_model_keeps_step_numbers() -> None:
    defs = build(FIXTURES / "komma.csv")
    process = defs.main_process().element
    new = process.makeelement(process[0].tag.replace("laneSet", "task"), id="Activity_neu",
                              name="Neu")
    process.append(new)
    defs.invalidate()
    table = step_table_from_bpmn(defs)
    assert [r.nr for r in table.rows][:4] == ["1", "2", "3", "4"]
    assert table.row("5").step == "Neu"


# --------------------------------------------------------------------------- property test

LABEL = st.text(alphabet="abcdefgh ÄÖÜäöüß?-", max_size=12).map(str.strip).filter(
    lambda s: not is_default_label(s))
TASKS = [label for label, e in ELEMENTS.items() if e.category == "task"]
MEDIA = ["", "Papier", "persönlich", "Telefon", "E-Mail", "Scan", "Fachverfahren",
         "Online-Portal", "automatisch"]
NUMBER = st.one_of(st.just(""), st.integers(0, 240).map(str),
                   st.integers(1, 99).map(lambda n: f"{n // 2},5"))


@st.composite
def step_tables(draw: st.DrawFn) -> pd.DataFrame:
    """Valid tables: Start, a chain of tasks/events with XOR splits (forward, back, self), Ende."""
    middle = draw(st.integers(1, 8))
    size = middle + 2
    nrs = draw(st.lists(st.from_regex(r"[1-9][0-9]{0,2}[a-c]?", fullmatch=True), unique=True,
                        min_size=size, max_size=size))
    roles = draw(st.lists(st.sampled_from(["Bürger:in", "Bürgerbüro", "Fachamt", "Kasse"]),
                          min_size=size, max_size=size))
    rows = [{"Nr": nrs[0], "Schritt": "Antrag gestellt", "Element": "Start", "Rolle": roles[0]}]
    for i in range(1, size - 1):
        kind = draw(st.sampled_from(["task", "task", "event", "xor", "or"]))
        row: dict[str, str] = {"Nr": nrs[i], "Schritt": draw(LABEL), "Rolle": roles[i]}
        if kind in ("xor", "or"):
            count = draw(st.integers(2, 3))
            targets = draw(st.lists(st.sampled_from(nrs[1:]), min_size=count, max_size=count))
            labels = draw(st.lists(LABEL, min_size=count, max_size=count))
            default = draw(st.one_of(st.none(), st.integers(0, count - 1)))
            if default is not None:
                labels[default] = draw(st.sampled_from(["sonst", f"{labels[default]} (sonst)"]))
            cuts = sorted(draw(st.lists(st.integers(0, 100), min_size=count - 1,
                                        max_size=count - 1)))
            shares = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
            row |= {"Element": "Entscheidung" if kind == "xor" else "Oder",
                    "Weiter": "|".join(targets), "Bedingungen": "|".join(labels),
                    "Wahrscheinlichkeiten": "|".join(f"{s / 100:g}".replace(".", ",")
                                                     for s in shares)}
        elif kind == "event":
            row |= {"Element": draw(st.sampled_from(["Zwischenereignis (Nachricht)",
                                                     "Zwischenereignis (Zeit)"])),
                    "Wartezeit (Tage)": draw(NUMBER)}
        else:
            row |= {"Element": draw(st.sampled_from(["", *TASKS])),
                    "Medium": draw(st.sampled_from(MEDIA)), "Minuten": draw(NUMBER),
                    "Wartezeit (Tage)": draw(NUMBER),
                    "Phase": draw(st.sampled_from(["", "Antrag", "Bearbeitung", "Bescheid"])),
                    "Automatisierung": draw(st.sampled_from(["", "keine", "assistiert", "ki"])),
                    "Aktivitätstyp": draw(st.sampled_from(["", "formell_pruefen", "Drucken"])),
                    "System": draw(st.sampled_from(["", "Meldewesen", "DMS/E-Akte"]))}
        rows.append(row)
    rows.append({"Nr": nrs[-1], "Schritt": "Erledigt", "Element": "Ende", "Rolle": roles[-1]})
    return pd.DataFrame([{c: r.get(c, "") for c in COLUMNS} for r in rows], columns=list(COLUMNS))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(step_tables())
def test_property_round_trips(frame: pd.DataFrame) -> None:
    table = read_step_table(frame)
    assert len(table) == len(frame)
    assert_table_round_trip(table)
    assert_bpmn_round_trip(table)
    with tempfile.TemporaryDirectory() as folder:
        for name in ("t.csv", "t.xlsx"):
            path = write_step_table(bpmn_to_step_table(build(table)), Path(folder) / name)
            assert read_step_table(path).rows == table.rows
