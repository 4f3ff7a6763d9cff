"""`workbench bpmn inspect|roundtrip|lint` through workbench.cli.main, exit codes 0/1/2."""

from __future__ import annotations

import json

import pytest

from workbench import bpmn
from workbench.bpmn.builder import ModelBuilder
from workbench.cli import main

from .helpers import MIWG, assert_same, chain, doc, process, raw_tree


@pytest.fixture
def files(tmp_path):
    builder = ModelBuilder("Gut")
    builder.flow(builder.event("Start"), builder.event("Ende", "end"))
    good = bpmn.write(builder.build(), tmp_path / "gut.bpmn")
    bad = tmp_path / "kaputt.bpmn"
    bad.write_bytes(b"<bpmn:definitions")
    latin = tmp_path / "latin.bpmn"
    latin.write_bytes(doc(process(chain("start", "ende")), decl='<?xml version="1.0" '
                          'encoding="ISO-8859-1"?>').replace("Start", "Größe").encode("utf-8"))
    errors = tmp_path / "fehler.bpmn"
    errors.write_text(doc(process(chain("a", "b", kinds={"a": "task", "b": "task"}))),
                      encoding="utf-8")
    return {"good": good, "bad": bad, "latin": latin, "errors": errors}


def lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def test_inspect_json_lines_shape_and_counts(files, capsys) -> None:
    code = main(["bpmn", "inspect", "--json", str(MIWG / "A.1.0.bpmn"), str(files["latin"])])
    assert code == 0
    rows = lines(capsys.readouterr().out)
    assert len(rows) == 2
    for row in rows:
        assert list(row) == ["file", "imported", "counts", "warnings"]
        assert row["imported"] is True and isinstance(row["warnings"], list)
    a10 = rows[0]
    assert a10["file"].endswith("A.1.0.bpmn") and a10["warnings"] == []
    assert a10["counts"]["task"] == 3 and a10["counts"]["definitions"] == 1
    assert a10["counts"]["BPMNShape"] == 5 and "Bounds" not in a10["counts"]  # DC: not counted
    assert any("Zeichenkodierung" in w for w in rows[1]["warnings"])


def test_inspect_counts_only_bpmn_and_di_namespaces(capsys) -> None:
    assert main(["bpmn", "inspect", "--json", str(MIWG / "C.8.0.bpmn")]) == 0
    (row,) = lines(capsys.readouterr().out)
    defs = bpmn.read(MIWG / "C.8.0.bpmn")
    expected: dict[str, int] = {}
    for el in defs.iter_elements():
        uri, _, local = el.tag[1:].partition("}")
        if uri in (bpmn.namespaces.BPMN, bpmn.namespaces.BPMNDI):
            expected[local] = expected.get(local, 0) + 1
    assert row["counts"] == expected
    assert "Bounds" not in row["counts"] and "waypoint" not in row["counts"]


def test_inspect_rejected_file_exit_2_and_still_reports_the_others(files, capsys) -> None:
    code = main(["bpmn", "inspect", "--json", str(files["good"]), str(files["bad"])])
    assert code == 2
    good, bad = lines(capsys.readouterr().out)
    assert good["imported"] is True
    assert bad == {"file": str(files["bad"]), "imported": False, "counts": {},
                   "warnings": [bad["warnings"][0]]}
    assert bad["warnings"][0].startswith("Kein wohlgeformtes XML")


def test_inspect_text_output(files, capsys) -> None:
    assert main(["bpmn", "inspect", str(files["good"]), str(files["latin"])]) == 0
    out = capsys.readouterr().out
    assert "gut.bpmn: importiert, " in out and "startEvent" in out
    assert "Warnung:" in out and "Zeichenkodierung" in out
    assert main(["bpmn", "inspect", str(files["bad"])]) == 2
    assert "NICHT importiert – Kein wohlgeformtes XML" in capsys.readouterr().out


def test_inspect_missing_file_is_exit_2(tmp_path, capsys) -> None:
    assert main(["bpmn", "inspect", str(tmp_path / "fehlt.bpmn")]) == 2
    assert "Datei nicht gefunden" in capsys.readouterr().out


def test_roundtrip_writes_standard_bpmn(tmp_path, capsys) -> None:
    source = MIWG / "C.4.0.bpmn"
    target = tmp_path / "aus" / "C.4.0.bpmn"
    assert main(["bpmn", "roundtrip", str(source), str(target)]) == 0
    assert "Geschrieben:" in capsys.readouterr().out
    assert_same(raw_tree(source.read_bytes()), raw_tree(target.read_bytes()))


def test_roundtrip_prints_warnings_and_rejects(files, tmp_path, capsys) -> None:
    assert main(["bpmn", "roundtrip", str(files["latin"]), str(tmp_path / "o.bpmn")]) == 0
    assert "Warnung:" in capsys.readouterr().out
    assert bpmn.read(tmp_path / "o.bpmn").warnings[0].code == "missing-di"
    assert main(["bpmn", "roundtrip", str(files["bad"]), str(tmp_path / "x.bpmn")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("Fehler: ") and "Kein wohlgeformtes XML" in err
    assert not (tmp_path / "x.bpmn").exists()


def test_lint_exit_codes(files, capsys) -> None:
    assert main(["bpmn", "lint", str(files["good"])]) == 0
    assert "keine Befunde" in capsys.readouterr().out
    assert main(["bpmn", "lint", str(files["errors"])]) == 1
    out = capsys.readouterr().out
    assert "Fehler:" in out and "kein Startereignis" in out
    assert main(["bpmn", "lint", str(files["good"]), str(files["bad"])]) == 2
    assert "Kein wohlgeformtes XML" in capsys.readouterr().err
    # a rejected file wins over content errors
    assert main(["bpmn", "lint", str(files["errors"]), str(files["bad"])]) == 2


def test_lint_json_and_xsd(tmp_path, capsys) -> None:
    invalid = tmp_path / "ungueltig.bpmn"
    invalid.write_text(doc(process(chain("start", "ende")).replace(
        'isExecutable="false"', 'isExecutable="false" erfunden="1"')), encoding="utf-8")
    assert main(["bpmn", "lint", "--json", str(invalid)]) == 0  # XSD findings are warnings
    rows = lines(capsys.readouterr().out)
    xsd = [r for r in rows if r["code"] == "xsd"]
    assert xsd and xsd[0]["severity"] == "warning" and xsd[0]["element_id"] == "P"
    assert "'erfunden'" in xsd[0]["message"] and xsd[0]["file"] == str(invalid)
    assert set(rows[0]) == {"file", "code", "message", "severity", "element_id", "line"}
    assert main(["bpmn", "lint", "--json", "--ohne-xsd", str(invalid)]) == 0
    assert [r for r in lines(capsys.readouterr().out) if r["code"] == "xsd"] == []


def test_lint_reference_models_have_no_errors(capsys) -> None:
    assert main(["bpmn", "lint", *map(str, sorted(MIWG.glob("*.bpmn")))]) == 0
    assert capsys.readouterr().out.count(": ") >= 21


def test_usage_errors_are_german_exit_2(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["bpmn", "inspect"])
    assert info.value.code == 2
    err = capsys.readouterr().err
    assert "Aufruf:" in err and "diese Angaben fehlen" in err


def test_fim_file_given_as_bpmn_points_to_the_xprozess_import(capsys) -> None:
    fim = MIWG.parents[0] / "fim" / "fim-prozess-mutterschutz-anzeige.xprozess.xml"
    code = main(["bpmn", "metrics", str(fim)])
    err = capsys.readouterr().err
    assert code == 2
    assert fim.name in err and "XProzess-Nachricht (FIM)" in err
    assert "workbench import xprozess DATEI --leistung ID" in err


def test_metrics_title_of_a_nameless_process_is_its_pools_name(capsys) -> None:
    code = main(["bpmn", "metrics", str(MIWG / "C.2.0.bpmn")])
    first = capsys.readouterr().out.splitlines()[0]
    assert code == 0
    assert first.endswith("Prozess „Amazon“, 11 Aktivitäten")
    assert "WFP-Page" not in first
