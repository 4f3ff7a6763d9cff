"""The strategy format: the shipped example as transcribed, and broken files → precise findings."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.kb.helpers import snapshot
from workbench.repository import Repository
from workbench.strategy import strategy_of


def _load(root: Path):
    repo = Repository.load(root)
    strategy, findings = strategy_of(repo)
    return strategy, findings


def test_shipped_example_transcribes_the_leitlinie() -> None:
    strategy, findings = _load(ROOT / "processes")
    assert [f for f in findings if f.severity != "info"] == []
    lines = (ROOT / "processes/strategie/strategie.yaml").read_text(encoding="utf-8").splitlines()
    # z1_1: the seed gives three times 2, so no single Fokus — a note, not a warning
    assert [f.location for f in findings] == [f"Zeile {lines.index('      - id: z1_1') + 1}"]
    assert strategy.vision.startswith("„Digitale Dienstleistungen vereinfachen das Leben für alle.“")
    assert [f.name for f in strategy.felder] == [
        "Digitale Infrastruktur und Netze", "Digitale Verwaltung", "Digitale Daseinsvorsorge",
        "Digitaler Arbeitgeber", "Digitaler Rahmen"]
    assert [len(f.ziele) for f in strategy.felder] == [3, 5, 1, 3, 3]
    assert len(strategy.ziele) == 15
    goal = strategy.goal("z2_1")
    assert goal.name == "Prozessmanagement"
    # "Finanzen (2), Mitarbeitende (2) und Prozesse (3)" — the rest 0
    assert goal.wirkung == {"Finanzen": 2, "Mitarbeitende": 2, "Kunden": 0, "Prozesse": 3,
                            "Gesellschaft": 0}
    assert goal.fokus == "Prozesse"
    assert strategy.goal("z2_4").wirkung == {"Finanzen": 3, "Mitarbeitende": 2, "Kunden": 2,
                                             "Prozesse": 2, "Gesellschaft": 2}
    assert len(goal.meilensteine) == 6 and goal.aufgabenteilung["efa"] == "Pilotprozess erheben"
    assert set(goal.beispielwerte) == {"prioritaet", "aufwand", "start"}
    assert all(strategy.measures_of_goal(g.id) for g in strategy.ziele)
    m02 = strategy.measure("m02_hund_efa")
    assert m02.soll == ("hundeanmeldung", "ersatzhundesteuermarke") and m02.modus == "efa"
    assert m02.statusberichte[-1].datum == dt.date(2026, 9, 30)
    assert strategy.quarters() == ["2026-Q3", "2026-Q4"]


def test_okr_example_of_seed_004() -> None:
    strategy, findings = _load(ROOT / "examples" / "zollernalbkreis")
    assert [f for f in findings if f.severity == "error"] == []
    assert [f.name for f in strategy.felder] == [
        "Digitales Landratsamt", "Digitale Dienstleistungen", "Digitale Kompetenz",
        "Digitale Infrastruktur"]
    assert strategy.quarters() == ["2023-Q1"]
    objectives = strategy.objectives
    assert len(objectives) == 4 and all(len(o.key_results) == 2 for o in objectives)
    assert objectives[3].key_results[0].text == "Acht mobile Endgeräte (Notebooks) sind installiert."
    assert objectives[3].key_results[0].zielwert == 8


BROKEN = {
    "massnahmen.yaml": [
        ("ziele: [z2_5, z2_2]", "ziele: [z2_5, z9_9]",
         "Maßnahme 'm02_hund_efa': unbekanntes Ziel 'z9_9'"),
        ("leistungen: [briefwahl]", "leistungen: [briefwahl, wahlplakat]",
         "unbekannte Leistung 'wahlplakat'"),
        ("    ende: 2026-08-31", "    ende: 2025-08-31",
         "Maßnahme 'm04_briefwahl': Ende 31.08.2025 liegt vor dem Start 01.03.2026."),
        ('kommunen: ["033560005", "033560008", "033560011"]',
         'kommunen: ["033560005", "99999"]', "unbekannte Kommune '99999'"),
        ("status: in_planung\n    modus: efa", "status: fertig\n    modus: efa",
         "Status 'fertig' ist unbekannt"),
        ("sache: gelb, kosten: gruen, text: \"Schnittstelle",
         "sache: orange, kosten: gruen, text: \"Schnittstelle", "Ampel 'sache' ist 'orange'"),
        ("vza_min: 0.3, vza_max: 0.6", "vza_min: 0.6, vza_max: 0.3",
         "aufwand.vza_max (0.3) ist kleiner als vza_min (0.6)"),
    ],
    "okr.yaml": [
        ('        einheit: Stunden/Jahr\n', "",
         "Key Result 'kr26q4_stunden': 'einheit' fehlt"),
        ("quartal: 2026-Q3", "quartal: Q3/2026", "Quartal 'Q3/2026' hat nicht die Form JJJJ-Qn"),
        ("abfrage: anteil_mit_soll", "abfrage: anteil_mit_sol", "unbekannte Abfrage"),
        ("        zielwert: 10\n        aktuell: 4", "        zielwert: .inf\n        aktuell: 4",
         "'zielwert' ist keine endliche Zahl ('inf')"),
    ],
}


@pytest.mark.parametrize(("file", "old", "new", "message"), [
    (file, *case) for file, cases in BROKEN.items() for case in cases])
def test_broken_file_gives_finding_with_file_and_line(example_copy: Path, file: str, old: str,
                                                      new: str, message: str) -> None:
    path = example_copy / "strategie" / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    before = snapshot(example_copy)
    _, findings = _load(example_copy)
    hits = [f for f in findings if message in f.message]
    assert hits, [str(f) for f in findings]
    assert hits[0].file == f"strategie/{file}"
    line = int(hits[0].location.removeprefix("Zeile "))
    lines = path.read_text(encoding="utf-8").splitlines()
    window = "\n".join(lines[line - 1:line + 25])
    assert new.split("\n")[0].strip() in window or not new  # the line points at the entry
    assert snapshot(example_copy) == before  # reading never writes


def test_goal_without_measure_and_yaml_error_line(example_copy: Path) -> None:
    path = example_copy / "strategie" / "massnahmen.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("ziele: [z1_3]", "ziele: [z1_2]"), encoding="utf-8")
    _, findings = _load(example_copy)
    hit = [f for f in findings if f.code == "goal-without-measure"]
    assert len(hit) == 1 and hit[0].severity == "warning"
    assert "Ziel 'z1_3' (Arbeitsplatz 4.0) hat keine Maßnahme" in hit[0].message
    strategy_path = example_copy / "strategie" / "strategie.yaml"
    n = strategy_path.read_text(encoding="utf-8").splitlines().index("      - id: z1_3") + 1
    assert hit[0].location == f"Zeile {n}"
    path.write_text(text.replace("    ziele: [z2_1]\n", "    ziele: [z2_1\n", 1), encoding="utf-8")
    _, findings = _load(example_copy)
    assert any(f.code == "yaml" and f.file == "strategie/massnahmen.yaml"
               and f.location.startswith("Zeile ") for f in findings)


def test_validate_command_shows_strategy_findings(example_copy: Path, capsys) -> None:
    from workbench.cli import main

    path = example_copy / "strategie" / "okr.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("ziel: z5_2", "ziel: z5_9"),
                    encoding="utf-8")
    before = snapshot(example_copy)
    code = main(["validate", "--repository", str(example_copy), "--nur-fehler"])
    out = capsys.readouterr().out
    assert code == 1
    assert "strategie/okr.yaml" in out and "unbekanntes Ziel 'z5_9'" in out
    assert snapshot(example_copy) == before


def test_folder_without_strategie_yaml(example_copy: Path) -> None:
    (example_copy / "strategie" / "strategie.yaml").unlink()
    strategy, findings = _load(example_copy)
    assert strategy is None
    assert [(f.severity, f.file, f.code) for f in findings] == [
        ("error", "strategie/strategie.yaml", "missing-file")]
