"""`workbench diff` and the step-table column „Ersetzt“ on a copy of the shipped example."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from workbench import bpmn
from workbench.cli import main
from workbench.steptable import read_step_table, write_step_table


def test_diff_ist_soll_text_and_json(example_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = ["--repository", str(example_copy)]
    assert main(["diff", "hundeanmeldung", *repo]) == 0
    out = capsys.readouterr().out
    assert "Schritte: 7 entfallen, 6 neu" in out
    assert "entfällt: Benutzeraufgabe „Steuerfall im Finanzwesen anlegen“" in out
    assert main(["diff", "hundeanmeldung", "--json", *repo]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["counts_steps"]["entfallen"] == 7 and data["overlays"]["a"]


def test_diff_kommune_against_verbund(example_copy: Path,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    repo = ["--repository", str(example_copy)]
    assert main(["diff", "hundeanmeldung", "--kommune", "033565401", *repo]) == 0
    out = capsys.readouterr().out
    assert "Abweichungen von Samtgemeinde Hambergen gegenüber dem Verbund-IST" in out
    assert "neu: Manuelle Aufgabe „Im Bürgerbüro der Samtgemeinde vorsprechen“" in out
    assert main(["diff", "hundeanmeldung", "--kommune", "033560005", *repo]) == 0
    assert "kein eigenes IST-Modell" in capsys.readouterr().out
    assert main(["diff", "gibtsnicht", *repo]) == 2


def test_ersetzt_column_links_soll_to_ist_and_survives_export(
        example_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    repo = ["--repository", str(example_copy)]
    table = tmp_path / "soll.csv"
    assert main(["export", "schritte", "hundeanmeldung", "--variant", "soll", "-o", str(table),
                 *repo]) == 0
    frame = read_step_table(table).to_dataframe()
    row = frame.index[frame["Schritt"] == "Steuerfall prüfen und freigeben"][0]
    frame.at[row, "Ersetzt"] = "9"  # Nr 9 of the IST table: „Steuerfall im Finanzwesen anlegen“
    write_step_table(frame, table)
    assert main(["import", "schritte", str(table), "--leistung", "hundeanmeldung",
                 "--variant", "soll", "--aktualisieren", *repo]) == 0
    soll = bpmn.read(example_copy / "hundeanmeldung" / "soll.bpmn")
    step = next(a for a in soll.activities() if a.name == "Steuerfall prüfen und freigeben")
    assert step.element.get("{urn:prozess-werkbench:bpmn:1}replaces") == "Schritt_9"
    capsys.readouterr()
    assert main(["diff", "hundeanmeldung", "--nur-schritte", *repo]) == 0
    out = capsys.readouterr().out
    assert "Schritte: 6 entfallen, 5 neu" in out
    assert main(["export", "schritte", "hundeanmeldung", "--variant", "soll", "-o", str(table),
                 *repo]) == 0
    again = read_step_table(table)
    assert next(r for r in again.rows if r.step == step.name).replaces == ("9",)
    bad = again.to_dataframe()
    bad.at[row, "Ersetzt"] = "99"
    write_step_table(bad, table)
    before = (example_copy / "hundeanmeldung" / "soll.bpmn").read_bytes()
    assert main(["import", "schritte", str(table), "--leistung", "hundeanmeldung",
                 "--variant", "soll", "--aktualisieren", *repo]) == 2
    assert "„Ersetzt“ nennt „99“" in capsys.readouterr().err
    assert (example_copy / "hundeanmeldung" / "soll.bpmn").read_bytes() == before
