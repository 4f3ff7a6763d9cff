"""Imports the way analysts have their data: CSV/XLSX lists, BPMN from other tools."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import MIWG
from tests.kb.helpers import snapshot
from workbench import bpmn
from workbench.cli import main
from workbench.repository import Repository

HARSUM_EXCERPT = [  # Gemeinde Harsum, Top-50-Liste (seed 003): Leistung, Fachbereich
    ("Anmeldung Einwohner", "Bürgerservice"),
    ("Briefwahl und Wahlschein", "Bürgerservice"),
    ("Gewerbemeldung", "Ordnung"),
    ("Hundemeldung", "Finanzen"),
    ("Fundsachen", "Ordnung"),
    ("Fischereischein", "Bürgerservice"),
]


def _write_two_columns(path: Path, rows: list[tuple[str, str]]) -> None:
    frame = pd.DataFrame(rows, columns=["Leistung", "Fachbereich"])
    if path.suffix == ".xlsx":
        frame.to_excel(path, index=False)
    else:
        frame.to_csv(path, sep=";", index=False, encoding="cp1252")  # Excel's German CSV


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_two_column_catalogue_imports(kb: Path, tmp_path: Path, suffix: str,
                                      capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / f"harsum{suffix}"
    _write_two_columns(source, HARSUM_EXCERPT)
    assert main(["import", "katalog", str(source), "--repository", str(kb)]) == 0
    out = capsys.readouterr().out
    # "Fundsachen" exists already (matched by name) → unchanged; five are new
    assert "5 neu, 0 geändert, 1 unverändert, 0 abgelehnt" in out
    repo = Repository.load(kb)
    row = repo.leistung("hundemeldung")
    assert row["name"] == "Hundemeldung" and row["fachbereich"] == "Finanzen"
    assert row["erfassung"] == "steckbrief"
    assert "# Kommentar, der beim Import erhalten bleiben muss" in (
        kb / "leistungen.yaml").read_text(encoding="utf-8")
    assert not [f for f in repo.validate() if f.severity == "error"]
    # a second run changes nothing
    assert main(["import", "katalog", str(source), "--repository", str(kb)]) == 0
    assert "0 neu, 0 geändert, 6 unverändert" in capsys.readouterr().out


def test_catalogue_changes_and_rejections(kb: Path, tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "liste.csv"
    source.write_text(
        "Leistung;Fachbereich;Prozesstyp;Reifegrad Ist\n"
        "Fundsachen;Bürgerservice;Kern;2\n"
        ";Ordnung;;\n"
        "Neue Leistung;Ordnung;Quatschprozess;\n"
        "Noch eine;Ordnung;;9\n", encoding="utf-8")
    assert main(["import", "katalog", str(source), "--repository", str(kb)]) == 1
    out = capsys.readouterr().out
    assert "0 neu, 1 geändert, 0 unverändert, 3 abgelehnt" in out
    assert "Zeile 3: Name der Leistung fehlt." in out
    assert "Zeile 4: Prozesstyp 'Quatschprozess' unbekannt" in out
    assert "Zeile 5: reifegrad_ist: 9 liegt nicht zwischen 0 und 4." in out
    repo = Repository.load(kb)
    assert repo.leistung("fundsachen")["fachbereich"] == "Bürgerservice"
    assert repo.leistung("fundsachen")["reifegrad_ist"] == 2


def test_catalogue_without_leistung_column_changes_nothing(kb: Path, tmp_path: Path,
                                                           capsys) -> None:
    source = tmp_path / "falsch.csv"
    source.write_text("Sache;Wer\nA;B\n", encoding="utf-8")
    before = snapshot(kb)
    assert main(["import", "katalog", str(source), "--repository", str(kb)]) == 2
    assert "Spalte 'Leistung'" in capsys.readouterr().err
    assert snapshot(kb) == before


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_fallzahlen_import_long_and_wide(kb: Path, tmp_path: Path, suffix: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    long = pd.DataFrame({
        "Kommune": ["033560002", "Lilienthal", "Grasberg", "Atlantis", "033560002"],
        "Leistung": ["hundeanmeldung", "Hundeanmeldung", "fundsachen", "fundsachen", "gibtsnicht"],
        "Jahr": ["2025", "2025", "2024", "2024", "2024"],
        "Fallzahl": ["130", "1.200", "12", "5", "1"],
    })
    source = tmp_path / f"fallzahlen{suffix}"
    if suffix == ".xlsx":
        long.to_excel(source, index=False)
    else:
        long.to_csv(source, sep=";", index=False)
    assert main(["import", "fallzahlen", str(source), "--repository", str(kb),
                 "--quelle", "Fachverfahren-Statistik 2025"]) == 1
    out = capsys.readouterr().out
    assert "1 neu, 2 geändert, 0 unverändert, 2 abgelehnt" in out
    assert "Zeile 5: Unbekannte Kommune 'Atlantis'" in out
    assert "Zeile 6: Unbekannte Leistung 'gibtsnicht'" in out
    repo = Repository.load(kb)
    values = repo.fallzahlen.set_index(["kommune", "leistung", "jahr"])["fallzahl"]
    assert values[("033560005", "hundeanmeldung", 2025)] == 1200
    assert values[("033560002", "fundsachen", 2024)] == 12
    assert '"033560002"' in (kb / "fallzahlen.csv").read_text(encoding="utf-8")

    wide = tmp_path / f"breit{suffix}"
    frame = pd.DataFrame({"Kommune": ["Grasberg"], "Leistung": ["fundsachen"], "2023": ["7"],
                          "2024": ["12"]})
    if suffix == ".xlsx":
        frame.to_excel(wide, index=False)
    else:
        frame.to_csv(wide, sep=";", index=False)
    assert main(["import", "fallzahlen", str(wide), "--repository", str(kb),
                 "--quelle", "Fachverfahren-Statistik 2025"]) == 0
    assert "1 neu, 0 geändert, 1 unverändert" in capsys.readouterr().out


def test_negative_fallzahl_rejected(kb: Path, tmp_path: Path, capsys) -> None:
    source = tmp_path / "neg.csv"
    source.write_text("Kommune;Leistung;Jahr;Fallzahl\n033560002;fundsachen;2025;-4\n",
                      encoding="utf-8")
    before = snapshot(kb)
    assert main(["import", "fallzahlen", str(source), "--repository", str(kb)]) == 1
    assert "Zeile 2: Fallzahl -4 ist negativ." in capsys.readouterr().out
    assert snapshot(kb) == before


def test_bpmn_import_keeps_di_and_extensions(kb: Path, capsys) -> None:
    source = MIWG / "C.1.0.bpmn"
    assert main(["import", "bpmn", str(source), "--leistung", "fundsachen", "--variant", "ist",
                 "--repository", str(kb)]) == 0
    out = capsys.readouterr().out
    assert "Übernommen" in out and "Minuten fehlt bei" in out
    stored = bpmn.read(kb / "fundsachen" / "ist.bpmn")
    original = bpmn.read(source)
    assert len(stored.diagrams[0].shapes) == len(original.diagrams[0].shapes)
    assert [s.bounds for s in stored.diagrams[0].shapes] == [
        s.bounds for s in original.diagrams[0].shapes]
    # a second import without --ueberschreiben refuses and changes nothing
    before = snapshot(kb)
    assert main(["import", "bpmn", str(source), "--leistung", "fundsachen", "--variant", "ist",
                 "--repository", str(kb)]) == 2
    assert "--ueberschreiben" in capsys.readouterr().err
    assert snapshot(kb) == before


def test_bpmn_import_rejects_and_checks_targets(kb: Path, tmp_path: Path, capsys) -> None:
    bad = tmp_path / "kaputt.bpmn"
    bad.write_text("kein xml", encoding="utf-8")
    before = snapshot(kb)
    assert main(["import", "bpmn", str(bad), "--leistung", "fundsachen", "--variant", "ist",
                 "--repository", str(kb)]) == 2
    assert "nichts übernommen" in capsys.readouterr().err
    good = tmp_path / "gut.bpmn"
    shutil.copy(MIWG / "A.1.0.bpmn", good)
    assert main(["import", "bpmn", str(good), "--leistung", "gibtsnicht", "--variant", "ist",
                 "--repository", str(kb)]) == 2
    assert "Unbekannte Leistung" in capsys.readouterr().err
    assert main(["import", "bpmn", str(good), "--leistung", "fundsachen", "--variant", "ist",
                 "--kommune", "099999999", "--repository", str(kb)]) == 2
    assert "Unbekannte Kommune" in capsys.readouterr().err
    assert snapshot(kb) == before
