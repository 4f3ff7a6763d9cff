"""Liegezeiten an Zwischen- und Randereignissen zählen mit (docs/kennzahlen.md, Abschnitt 3).

Die Schritttabelle schreibt „Wartezeit“ auch an Ereignisse (Frist abwarten, Antwort
eingegangen); früher summierte ``metrics`` nur die Liegezeiten der Aktivitäten. Die erwarteten
Werte unten sind von Hand aus den Wahrscheinlichkeiten der Modelle gerechnet.
"""

from __future__ import annotations

import pytest

from workbench import bpmn
from workbench.metrics import compute

from ..conftest import EXAMPLE
from .helpers import flow, model, task


def test_intermediate_and_boundary_event_waits() -> None:
    """Start → A (1 Tag) → Zwischenereignis „Frist“ (10 Tage) → B → Ende; an B hängt ein
    nicht unterbrechendes Randereignis „Erinnerung“ (3 Tage) mit Wahrscheinlichkeit 0,4.
    Erwartet: 1 + 10 + 0,4 · 3 = 12,2 Tage, davon 11,2 an Ereignissen."""
    defs = model(
        '<bpmn:startEvent id="s"/>',
        task("a", minutes=5, waitDays=1, medium="papier"),
        '<bpmn:intermediateCatchEvent id="frist" name="Frist" wb:waitDays="10">'
        "<bpmn:timerEventDefinition/></bpmn:intermediateCatchEvent>",
        task("b", minutes=5, medium="papier"),
        '<bpmn:boundaryEvent id="erinnerung" name="Erinnerung" attachedToRef="b" '
        'cancelActivity="false" wb:waitDays="3"><bpmn:timerEventDefinition/></bpmn:boundaryEvent>',
        task("c", minutes=2, medium="papier"),
        '<bpmn:endEvent id="e"/>',
        '<bpmn:endEvent id="e2"/>',
        flow("f1", "s", "a"), flow("f2", "a", "frist"), flow("f3", "frist", "b"),
        flow("f4", "b", "e"), flow("f5", "erinnerung", "c", 0.4), flow("f6", "c", "e2"),
    )
    m = compute(defs)
    assert m.visits["erinnerung"] == pytest.approx(0.4)
    assert m.event_wait_days == pytest.approx(10 + 0.4 * 3)
    assert m.expected_wait_days == pytest.approx(1 + 10 + 0.4 * 3)
    assert m.participants[0].expected_wait_days == pytest.approx(12.2)


def test_event_on_a_path_not_taken_counts_with_its_probability() -> None:
    """Entscheidung 30 % / 70 %; nur der 30-%-Zweig wartet 20 Tage am Ereignis: 6 Tage."""
    defs = model(
        '<bpmn:startEvent id="s"/>',
        task("a", minutes=1),
        '<bpmn:exclusiveGateway id="x"/>',
        '<bpmn:intermediateCatchEvent id="w" wb:waitDays="20"/>',
        '<bpmn:exclusiveGateway id="j"/>',
        '<bpmn:endEvent id="e"/>',
        flow("f1", "s", "a"), flow("f2", "a", "x"), flow("f3", "x", "w", 0.3),
        flow("f4", "x", "j", 0.7), flow("f5", "w", "j"), flow("f6", "j", "e"),
    )
    assert compute(defs).expected_wait_days == pytest.approx(6.0)


@pytest.mark.parametrize(("leistung", "activities", "events"), [
    # Fundsachen: Aushändigen 14 Tage · 0,35; Aufbewahrungsfrist 180 Tage · 0,65
    ("fundsachen", 14 * 0.35, 180 * 0.65),
    # Kita: weiterleiten 3 + Zusage 2 · 0,8 + Absage 2 · 0,2; Nachreichen 7 · 0,25
    # (Rücksprung 20 %: 1/(1 − 0,2) − 1), Anmeldeschluss 60, Rückmeldung 14 · 0,8
    ("kita_anmeldung", 3 + 2 * 0.8 + 2 * 0.2, 7 * 0.25 + 60 + 14 * 0.8),
    # Briefwahl: einsenden 2 + versenden 2 · 0,97; Wahlbrief 7 und Wahltag 5, je · 0,97
    ("briefwahl", 2 + 2 * 0.97, (7 + 5) * 0.97),
])
def test_shipped_examples_count_event_waits(leistung: str, activities: float,
                                            events: float) -> None:
    m = compute(bpmn.read(EXAMPLE / leistung / "ist.bpmn"))
    assert m.event_wait_days == pytest.approx(events)
    assert m.expected_wait_days == pytest.approx(activities + events)
