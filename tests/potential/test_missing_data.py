"""Nie stehen bleiben bei fehlenden Angaben (docs/kennzahlen.md, „Standardwerte bei fehlenden
Angaben“): Schleifen ohne Wahrscheinlichkeit, Schleifen ohne Ausgang, Schritte ohne Minuten.
Jede Annahme ergibt eine Warnung mit dem Namen des Elements und einen Datenqualitätsbefund;
das Modell bekommt Kennzahlen und eine Karte. Erwartete Werte von Hand gerechnet.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from workbench.bpmn.builder import ModelBuilder
from workbench.cli import main
from workbench.metrics import compute

from .helpers import flow, model, task


def _loop(back: float | None = None, out: float | None = None) -> ModelBuilder:
    """Start → „Antrag prüfen“ (10 Min.) → „nochmal?“ → zurück / „Bescheid“ (5 Min.) → Ende."""
    b = ModelBuilder("Schleife")
    s = b.event("Start", "start", id="start")
    a = b.task("Antrag prüfen", id="a", minutes=10, medium="fachverfahren")
    x = b.gateway("nochmal?", "exclusive", id="x")
    c = b.task("Bescheid", id="c", minutes=5, medium="fachverfahren")
    e = b.event("Ende", "end", id="end")
    b.flow(s, a)
    b.flow(a, x)
    b.flow(x, a, probability=back)
    b.flow(x, c, probability=out)
    b.flow(c, e)
    return b


def test_loop_without_probabilities_takes_the_default_20_percent() -> None:
    """Rücksprung 20 %: „Antrag prüfen“ 1/(1 − 0,2) = 1,25-mal → 12,5 + 5 = 17,5 Minuten
    (früher: gleich verteilt, 2-mal, 25 Minuten)."""
    m = compute(_loop().build())
    assert m.visits["a"] == pytest.approx(1.25)
    assert m.expected_minutes == pytest.approx(17.5)
    (warning,) = [w for w in m.warnings if "Standardannahme 20,0 %" in w]
    assert "„nochmal?“ (x)" in warning and "„Antrag prüfen“ (a)" in warning
    assert [(f.kind, f.element_id, f.element_name) for f in m.findings] == [
        ("wahrscheinlichkeit_fehlt", "x", "nochmal?")]


def test_stated_probabilities_are_kept() -> None:
    m = compute(_loop(back=0.5, out=0.5).build())
    assert m.visits["a"] == pytest.approx(2.0)
    assert m.findings == []


def test_loop_with_probability_one_gets_the_default_and_a_finding() -> None:
    m = compute(_loop(back=1.0, out=0.0).build())
    assert m.visits["a"] == pytest.approx(1.25)
    assert [f.kind for f in m.findings] == ["schleife_ohne_ausgang"]
    assert m.findings[0].element_name == "Antrag prüfen"


def test_implicit_split_that_loops_back_is_a_decision() -> None:
    """„Prüfen“ hat zwei Flüsse ohne Gateway: zurück zu „Erfassen“ und zum Ende. Nach BPMN wären
    das parallele Zweige, die Schleife vermehrte sie ohne Ende (früher: Abbruch). Gerechnet wird
    wie an einer Entscheidung mit 20 % Rücksprung: beide Schritte 1,25-mal, 1,25 · (4 + 6)."""
    defs = model(
        '<bpmn:startEvent id="s"/>',
        task("erfassen", minutes=4, medium="fachverfahren"),
        task("pruefen", minutes=6, medium="fachverfahren"),
        '<bpmn:endEvent id="e"/>',
        flow("f1", "s", "erfassen"), flow("f2", "erfassen", "pruefen"),
        flow("f3", "pruefen", "erfassen"), flow("f4", "pruefen", "e"),
    )
    m = compute(defs)
    assert m.visits["erfassen"] == pytest.approx(1.25)
    assert m.expected_minutes == pytest.approx(12.5)
    assert any("ohne Gateway" in w and "(pruefen)" in w for w in m.warnings)
    assert {f.kind for f in m.findings} == {"gateway_fehlt", "wahrscheinlichkeit_fehlt"}


def test_loop_without_any_exit_counts_each_step_once() -> None:
    """A → B → A, kein Ende: das Gleichungssystem hat keine Lösung; als Näherung zählt jeder
    erreichbare Schritt einmal (3 + 7 Minuten), mit Warnung und Befund."""
    defs = model(
        '<bpmn:startEvent id="s"/>',
        task("a", minutes=3, medium="papier"),
        task("b", minutes=7, medium="fachverfahren"),
        flow("f1", "s", "a"), flow("f2", "a", "b"), flow("f3", "b", "a"),
    )
    m = compute(defs)
    assert m.expected_minutes == pytest.approx(10.0)
    assert m.visits["a"] == pytest.approx(1.0)
    assert m.break_transitions == []
    assert any("Näherung" in w for w in m.warnings)
    assert [f.kind for f in m.findings] == ["schleife_endlos"]


def test_missing_minutes_get_standard_values_from_the_zeitwerttabelle() -> None:
    """Formell prüfen 5 (Nr. 3, einfach), Daten erfassen 8 (Nr. 5), ohne Typ 5 (Pauschale),
    Serviceaufgabe 0, Medium automatisch 0, angegeben 3: zusammen 21 Minuten, davon 18 Standard."""
    defs = model(
        '<bpmn:startEvent id="s"/>',
        task("pruefen", activityType="formell_pruefen", medium="fachverfahren"),
        task("erfassen", activityType="daten_erfassen", medium="fachverfahren"),
        task("sonstiges", medium="papier"),
        task("abgleich", tag="serviceTask", medium="fachverfahren"),
        task("versand", medium="automatisch"),
        task("ablegen", minutes=3, medium="papier"),
        '<bpmn:endEvent id="e"/>',
        flow("f1", "s", "pruefen"), flow("f2", "pruefen", "erfassen"),
        flow("f3", "erfassen", "sonstiges"), flow("f4", "sonstiges", "abgleich"),
        flow("f5", "abgleich", "versand"), flow("f6", "versand", "ablegen"),
        flow("f7", "ablegen", "e"),
    )
    m = compute(defs)
    assert m.expected_minutes == pytest.approx(21.0)
    assert m.standard_minutes == pytest.approx(18.0)
    assert [(s.activity_id, s.minutes) for s in m.standard_values] == [
        ("pruefen", 5.0), ("erfassen", 8.0), ("sonstiges", 5.0), ("abgleich", 0.0),
        ("versand", 0.0)]
    assert "Nr. 3" in m.standard_values[0].source_de
    assert "Pauschale" in m.standard_values[2].source_de
    assert [f.element_id for f in m.findings if f.kind == "minuten_fehlen"] == [
        "pruefen", "erfassen", "sonstiges", "abgleich", "versand"]
    assert any("Standardwert" in w and "„pruefen“ (pruefen) 5 Minuten" in w for w in m.warnings)


def test_cli_marks_standard_values_and_the_map_renders(tmp_path: Path, capsys) -> None:
    """Ein importiertes Modell ohne Minuten und ohne Wahrscheinlichkeiten, mit einer Schleife
    ohne Ausgang: Kennzahlen mit Rückgabewert 0, „Standardwert“ in der Ausgabe, eine Karte."""
    path = tmp_path / "ohne_zahlen.bpmn"
    b = _loop(back=1.0, out=0.0)
    path.write_bytes(b.build().to_bytes().replace(b' wb:minutes="10"', b"")
                     .replace(b' wb:minutes="5"', b""))
    assert main(["bpmn", "metrics", str(path)]) == 0
    out = capsys.readouterr().out
    assert "(davon 11,2 Standardwert)" in out  # 5 · 1,25 + 5 (Pauschale)
    assert "Standardwert: „Antrag prüfen“ (a) 5,0 Minuten" in out
    for style in ("auto", "di"):
        svg = tmp_path / f"karte_{style}.svg"
        assert main(["map", str(path), "--stil", style, "-o", str(svg)]) == 0
        drawn = svg.read_text(encoding="utf-8")
        assert "<svg" in drawn[:2000]
        # both steps, flagged on the map (visible text; the tooltips repeat it in full)
        assert drawn.count(">Standardwert 5 Min.<") == 2, style


def test_many_loops_without_probabilities_in_a_long_chain() -> None:
    """200 Schritte à 2 Minuten, alle 50 Schritte eine Schleife über 11 Schritte ohne
    Wahrscheinlichkeit: jede mit 20 % Rücksprung, also 11 · 0,25 zusätzliche Durchläufe.
    2 · (200 + 4 · 11 · 0,25) = 422 Minuten; ein Befund je Entscheidung."""
    from tests.security.test_large_models import chain_model
    from workbench import bpmn

    m = compute(bpmn.read(chain_model(200).replace(b' wb:probability="0.1"', b"")))
    assert m.expected_minutes == pytest.approx(422.0)
    assert [f.kind for f in m.findings] == ["wahrscheinlichkeit_fehlt"] * 4


def test_assumptions_reach_the_data_quality_list_of_the_analysis(example_copy: Path) -> None:
    """Auf dem echten Beispiel: ohne Wahrscheinlichkeiten im IST der Hundeanmeldung rechnet die
    Schleife „Angaben vollständig?“ mit 20 % Rücksprung, und die Datenqualität der Analyse
    (``luecken``, im Bericht „Datenqualität“) nennt die Entscheidung mit Namen."""
    import re

    from workbench.potential import analyse
    from workbench.repository import Repository

    ist = example_copy / "hundeanmeldung" / "ist.bpmn"
    ist.write_text(re.sub(r' wb:probability="[^"]*"', "", ist.read_text(encoding="utf-8")),
                   encoding="utf-8")
    result = analyse(Repository.load(example_copy), draws=0)
    gaps = result.luecken[result.luecken["leistung"] == "hundeanmeldung"]
    text = " ".join(gaps["befund"])
    assert "„Angaben vollständig?“" in text and "Standardannahme 20,0 %" in text
