"""`workbench strategie` (tree, status, import) and `workbench potenzial --ziel`."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import ROOT
from tests.kb.helpers import snapshot
from workbench.cli import main


def _json(capsys, argv: list[str]) -> tuple[int, object]:
    code = main(argv)
    return code, json.loads(capsys.readouterr().out)


def test_tree_json(capsys) -> None:
    code, data = _json(capsys, ["strategie", "--json", "-r", str(ROOT / "processes")])
    assert code == 0
    assert [f["id"] for f in data["handlungsfelder"]] == [
        "infrastruktur", "verwaltung", "daseinsvorsorge", "arbeitgeber", "rahmen"]
    goal = data["handlungsfelder"][1]["ziele"][3]
    assert (goal["nr"], goal["name"], goal["prioritaet"]) == ("2.4", "Automatisierung", "mittel")
    assert [m["id"] for m in goal["massnahmen"]] == ["m04_briefwahl", "m06_rpa_gewerbe"]
    assert goal["massnahmen"][1]["leistungen"] == [
        {"id": "gewerbeanmeldung", "name": "Gewerbeanmeldung", "soll": True},
        {"id": "gaststaettenerlaubnis", "name": "Gaststättenerlaubnis", "soll": False}]


def test_tree_text_and_no_strategy(capsys, example_copy: Path) -> None:
    assert main(["strategie", "baum", "-r", str(ROOT / "processes")]) == 0
    out = capsys.readouterr().out
    assert "├─ Digitaler Rahmen" in out
    assert "M2 Musterprozess Hundesteuer digital (EfA aus Lilienthal) – umgesetzt → " \
           "Hundeanmeldung (SOLL), Ersatzhundesteuermarke (SOLL)" in out
    import shutil

    shutil.rmtree(example_copy / "strategie")
    assert main(["strategie", "-r", str(example_copy)]) == 2
    assert "keine Strategie" in capsys.readouterr().err


def test_status_json(capsys) -> None:
    code, data = _json(capsys, ["strategie", "status", "--json", "-r", str(ROOT / "processes")])
    assert code == 0 and data["stand"] == "2026-11-24" and data["quartal"] == "2026-Q4"
    rows = {m["id"]: m for m in data["massnahmen"]}
    # gelb/grün/grün (1 Punkt) → rot/gelb/gelb (4 Punkte): schlechter
    assert rows["m03_einwohner_online"]["trend"] == "schlechter"
    assert rows["m03_einwohner_online"]["ampel"]["zeit"] == "rot"
    assert rows["m01_erhebungsstandard"]["trend"] == "besser"
    assert rows["m04_briefwahl"]["trend"] == "" and rows["m05_online_termine"]["ampel"] is None
    krs = {k["key_result"]: k for k in data["key_results"]}
    assert krs["kr26q4_lektionen"]["fortschritt"] == 0.4
    assert krs["kr26q4_massnahmen"]["aktuell"] == pytest.approx(100 * 5 / 17)  # 5 of 17 done
    # an earlier Stand sees fewer reports: m03 then had only gelb after grün
    code, early = _json(capsys, ["strategie", "status", "--json", "--stand", "2026-10-01",
                                 "-r", str(ROOT / "processes")])
    rows = {m["id"]: m for m in early["massnahmen"]}
    assert rows["m03_einwohner_online"]["ampel"]["datum"] == "2026-09-30"
    assert early["quartal"] == "2026-Q4"
    assert main(["strategie", "status", "--quartal", "2030-Q1", "-r",
                 str(ROOT / "processes")]) == 2
    assert "keine OKR" in capsys.readouterr().err


def test_okr_example_status(capsys) -> None:
    code, data = _json(capsys, ["strategie", "status", "--json", "-r",
                                str(ROOT / "examples" / "zollernalbkreis")])
    assert code == 0 and data["quartal"] == "2023-Q1"
    krs = {k["key_result"]: k for k in data["key_results"]}
    assert krs["kr_notebooks"]["fortschritt"] == 1.0
    assert krs["kr_lektionen"]["fortschritt"] == 0.7


CATALOGUE = ("""Nr;Maßnahme;Leitziel;Leistungen;Status;geplante Umsetzung;Kommunen
"""
"4;Briefwahlantrag online mit automatischer Übernahme;2.5, 2.4;Briefwahl und Wahlschein;"
"umgesetzt;31.08.2026;Lilienthal, Ritterhude, Worpswede\n"
"""18;Fundbüro online;Digitale Dienstleistungen;fundsachen;in Planung;2027;
19;Smart-City-Datenplattform;9.9;;neu;2028;
20;Bürgerkonto;z2_5;;fertig;2027;
21;Termin falsch;z2_3;;neu;31.13.2027;
;;;;;;
1;Erhebungsstandard und Prozesssteckbrief abstimmen;z2_1;;umgesetzt;30.06.2026;
""")


def test_import_catalogue_row_report(capsys, example_copy: Path) -> None:
    source = example_copy.parent / "katalog.csv"
    source.write_text(CATALOGUE, encoding="utf-8")
    target = example_copy / "strategie" / "massnahmen.yaml"
    code = main(["strategie", "import", str(source), "-r", str(example_copy)])
    out = capsys.readouterr().out
    assert code == 1  # rows were rejected
    assert "katalog.csv: 1 neu, 0 geändert, 2 unverändert, 3 abgelehnt" in out
    assert "abgelehnt: Zeile 4: unbekannte(s) Ziel '9.9'." in out
    assert "abgelehnt: Zeile 5: Status 'fertig' unbekannt" in out
    assert "abgelehnt: Zeile 6: '31.13.2027' ist kein Datum" in out
    text = target.read_text(encoding="utf-8")
    assert text.startswith("# Maßnahmenkatalog des Verbunds")  # comments kept
    assert "  - id: fundbuero_online\n    name: Fundbüro online\n    nr: '18'\n" \
           "    ziele: [z2_5]\n    leistungen: [fundsachen]\n    status: in_planung\n" \
           "    ende: 2027-12-31\n" in text
    from workbench.repository import Repository
    from workbench.strategy import strategy_of

    strategy, findings = strategy_of(Repository.load(example_copy))
    assert [f for f in findings if f.severity == "error"] == []
    assert strategy.measure("fundbuero_online").ziele == ("z2_5",)
    # second run: nothing new, nothing written
    before = snapshot(example_copy)
    main(["strategie", "import", str(source), "-r", str(example_copy)])
    assert "0 neu, 0 geändert, 3 unverändert, 3 abgelehnt" in capsys.readouterr().out
    assert snapshot(example_copy) == before


def test_import_xlsx_changes_status(capsys, example_copy: Path) -> None:
    source = example_copy.parent / "katalog.xlsx"
    pd.DataFrame({"Nr": ["3"], "Maßnahme": ["Online-Anmeldung Einwohner mit BundID und "
                                              "Meldebescheinigung"],
                  "Status": ["umgesetzt"], "Ende": ["2026-11-20"]}).to_excel(source, index=False)
    assert main(["strategie", "import", str(source), "-r", str(example_copy)]) == 0
    out = capsys.readouterr().out
    assert "0 neu, 1 geändert, 0 unverändert, 0 abgelehnt" in out
    text = (example_copy / "strategie" / "massnahmen.yaml").read_text(encoding="utf-8")
    assert "    status: umgesetzt\n    modus: gemeinsam\n    verantwortlich: Stadt Osterholz-" \
           "Scharmbeck, Bürgerservice\n    start: 2026-04-01\n    ende: 2026-11-20\n" in text


def test_import_refuses_unreadable_table(capsys, example_copy: Path) -> None:
    source = example_copy.parent / "liste.csv"
    source.write_text("Titel;Jahr\nEtwas;2026\n", encoding="utf-8")
    before = snapshot(example_copy)
    assert main(["strategie", "import", str(source), "-r", str(example_copy)]) == 2
    assert "Spalte 'Maßnahme' fehlt" in capsys.readouterr().err
    assert snapshot(example_copy) == before


def test_potential_filtered_by_goal(capsys) -> None:
    code = main(["potenzial", "--ziel", "z2_4", "--ziehungen", "0", "--format", "json",
                 "--repository", str(ROOT / "processes")])
    data = json.loads(capsys.readouterr().out)
    assert code == 0 and data["titel"].endswith("Ziel z2_4")
    assert sorted(r["leistung"] for r in data["rangliste"]) == [
        "briefwahl", "gaststaettenerlaubnis", "gewerbeanmeldung"]
    assert main(["potenzial", "--ziel", "z7", "--repository", str(ROOT / "processes")]) == 2
    assert "Unbekanntes Ziel 'z7'" in capsys.readouterr().err
