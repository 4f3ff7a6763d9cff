"""Hand-computed tests of the digitization indicators (docs/kennzahlen.md, Abschnitt 5a)."""

from __future__ import annotations

import pytest

from tests.potential.helpers import chain
from workbench.bpmn import Definitions
from workbench.bpmn.builder import ModelBuilder
from workbench.indicators import compute
from workbench.metrics import compute as metrics


def ind(defs):
    return compute(defs, metrics(defs))


def test_all_paper_process_is_not_rewarded() -> None:
    """Alles auf Papier: 3 analoge Schritte, 0 % digital – obwohl kein Medienbruch vorkommt."""
    defs = chain({"medium": "papier", "minutes": 5}, {"medium": "papier", "minutes": 10},
                 {"medium": "persoenlich", "minutes": 5})
    i = ind(defs)
    assert metrics(defs).media_breaks == 0
    assert i.analog_steps == pytest.approx(3)
    assert i.analog_share == pytest.approx(1)
    assert i.digital_share_steps == 0
    assert i.digital_share_time == 0
    assert i.reentries == 0


def test_paper_application_typed_into_the_system_is_one_reentry() -> None:
    """Papierantrag → Erfassung im Meldewesen (Hand) → Übergabe per Schnittstelle an das
    Finanzwesen (automatisch) → Bescheid im Finanzwesen (Hand): genau eine Neuerfassung."""
    i = ind(chain({"medium": "papier", "minutes": 2},
                  {"medium": "fachverfahren", "system": "Meldewesen", "minutes": 6},
                  {"medium": "automatisch", "system": "Finanzwesen", "minutes": 0},
                  {"medium": "fachverfahren", "system": "Finanzwesen", "minutes": 2}))
    assert i.reentries == pytest.approx(1)
    assert [(r.source_id, r.target_id) for r in i.reentry_list] == [("a", "b")]
    assert i.analog_steps == pytest.approx(1)
    assert i.digital_share_steps == pytest.approx(3 / 4)
    assert i.digital_share_time == pytest.approx(8 / 10)
    assert i.automated_steps == pytest.approx(1)


def test_system_change_by_hand_and_transfer_type_are_reentries() -> None:
    """Portal → Sachbearbeitung tippt ins Meldewesen (Systemwechsel von Hand): 1; ein Schritt
    vom Typ „Daten übertragen“ ohne erkennbaren Vorgänger-Wechsel: 1 je Ausführung."""
    i = ind(chain({"medium": "portal", "system": "Portal", "minutes": 0},
                  {"medium": "fachverfahren", "system": "Meldewesen", "minutes": 3},
                  {"medium": "fachverfahren", "system": "Meldewesen", "minutes": 2,
                   "activity_type": "daten_uebertragen"}))
    assert i.reentries == pytest.approx(2)
    # the same data handed over by an interface is not a re-entry
    j = ind(chain({"medium": "portal", "system": "Portal", "minutes": 0},
                  {"medium": "automatisch", "system": "Meldewesen", "minutes": 0}))
    assert j.reentries == 0


def test_loop_weights_the_counts() -> None:
    """Papierantrag; Prüfung im Fachverfahren; 20 % Nachforderung per Brief, dann erneute
    Prüfung: Prüfung 1/(1−0,2) = 1,25 Mal, Brief 0,25 Mal."""
    b = ModelBuilder("Schleife")
    s = b.event("Start", "start")
    a = b.task("Antrag", id="a", medium="papier", minutes=1)
    p = b.task("Prüfen", id="p", medium="fachverfahren", system="Meldewesen", minutes=4)
    x = b.gateway("vollständig?", id="x")
    n = b.task("Nachfordern", id="n", medium="papier", minutes=2, activity_type="drucken")
    e = b.event("Ende", "end")
    for src, dst in ((s, a), (a, p), (p, x), (n, p)):
        b.flow(src, dst)
    b.flow(x, n, probability=0.2)
    b.flow(x, e, probability=0.8)
    i = ind(b.build())
    assert i.steps == pytest.approx(1 + 1.25 + 0.25)
    assert i.analog_steps == pytest.approx(1.25)
    assert i.scan_print_steps == pytest.approx(0.25)
    # a → p once, n → p 0.25 times: every arrival from paper is typed in
    assert i.reentries == pytest.approx(1.25)
    assert i.digital_share_time == pytest.approx(5 / (1 + 5 + 0.5))


def test_fully_automatic_soll_is_fully_automatable_and_digital() -> None:
    """Vollautomatisch mit 0 Minuten: Anteile nach Schritten 100 %, nach Zeit nicht
    berechenbar (None) – nie 0 %."""
    i = ind(chain({"medium": "portal", "minutes": 0}, {"medium": "automatisch", "minutes": 0},
                  {"medium": "automatisch", "minutes": 0}))
    assert i.automatable_share == pytest.approx(2 / 3)
    assert i.automated_share == pytest.approx(2 / 3)
    assert i.digital_share_steps == pytest.approx(1)
    assert i.digital_share_time is None


def test_automating_a_step_to_zero_minutes_does_not_lower_the_digital_share() -> None:
    before = ind(chain({"medium": "fachverfahren", "minutes": 10},
                       {"medium": "papier", "minutes": 10}))
    after = ind(chain({"medium": "automatisch", "minutes": 0},
                      {"medium": "papier", "minutes": 10}))
    assert before.digital_share_steps == after.digital_share_steps == pytest.approx(0.5)
    assert before.digital_share_time == pytest.approx(0.5)
    # old minute-weighted rule would give 0 % here; by time the automatic step has no time,
    # so the remaining time is all analog, but the share by steps is unchanged
    assert after.automated_steps == pytest.approx(1)


def test_scan_and_print_steps_and_missing_data_are_listed() -> None:
    i = ind(chain({"medium": "papier", "name": "Post öffnen"},
                  {"medium": "scan", "minutes": 1, "name": "Einscannen"},
                  {"minutes": 3, "activity_type": "drucken", "name": "Drucken"},
                  {"medium": "automatisch", "activity_type": "drucken", "minutes": 0}))
    assert i.scan_print_steps == pytest.approx(2)  # scan + print by hand; automatic print not
    assert i.without_minutes == ["„Post öffnen“"]
    assert i.without_medium == ["„Drucken“"]
    assert i.no_medium_steps == pytest.approx(1)


def test_minutes_by_laufbahn_follow_the_step_or_lane() -> None:
    """€ je Fall: 30 Min. gehoben (42,20 €/h) + 6 Min. ohne Laufbahn (Durchschnitt 40,70)."""
    from workbench.labour_costs import KOMMUNEN, cost_per_case

    defs = chain({"medium": "fachverfahren", "minutes": 30},
                 {"medium": "fachverfahren", "minutes": 6})
    defs.get("a").set_ext("laufbahn", "gehoben")
    by_laufbahn = metrics(defs).admin_minutes_by_laufbahn
    assert by_laufbahn == {"gehoben": pytest.approx(30), None: pytest.approx(6)}
    assert cost_per_case(by_laufbahn, KOMMUNEN) == pytest.approx((30 * 42.20 + 6 * 40.70) / 60)


def _lane_model(lane: str, role: str | None) -> Definitions:
    from tests.potential.helpers import flow, model, task

    attr = f' wb:participantRole="{role}"' if role else ""
    return model(
        f'<bpmn:laneSet id="ls"><bpmn:lane id="lb" name="{lane}"{attr}>'
        "<bpmn:flowNodeRef>a</bpmn:flowNodeRef><bpmn:flowNodeRef>b</bpmn:flowNodeRef>"
        '</bpmn:lane><bpmn:lane id="la" name="Amt"><bpmn:flowNodeRef>c</bpmn:flowNodeRef>'
        "<bpmn:flowNodeRef>d</bpmn:flowNodeRef><bpmn:flowNodeRef>e</bpmn:flowNodeRef>"
        "</bpmn:lane></bpmn:laneSet>",
        '<bpmn:startEvent id="s"/>',
        task("a", medium="portal", system="Portal"),
        task("b", medium="portal", system="ePayment"),
        task("c", medium="papier", activityType="antrag_entgegennehmen"),
        task("d", medium="fachverfahren", system="Meldewesen", activityType="inhaltlich_pruefen"),
        task("e", medium="fachverfahren", system="Meldewesen", activityType="daten_erfassen"),
        '<bpmn:endEvent id="z"/>',
        flow("f1", "s", "a"), flow("f2", "a", "b"), flow("f3", "b", "c"), flow("f4", "c", "d"),
        flow("f5", "d", "e"), flow("f6", "e", "z"))


@pytest.mark.parametrize(("lane", "role", "expected"), [
    ("Bürger:in", "buerger", []),  # stated on the lane
    ("Antragsteller:in", None, []),  # recognised by the lane's name
    ("Sachbearbeitung", None, [("a", "b")]),  # staff: Portal → ePayment typed by hand
])
def test_only_staff_typing_data_in_counts(lane: str, role: str | None,
                                          expected: list[tuple[str, str]]) -> None:
    """Bürger:in zahlt im Portal per ePayment (Systemwechsel, aber Kundenschritt): keine
    Neuerfassung. Papiernachweis → „prüfen“ im Fachverfahren (arbeitet mit den Daten, tippt sie
    nicht ab): keine. Papiernachweis → „Daten erfassen“ im Fachverfahren: eine."""
    from tests.potential.helpers import flow, model, task

    i = ind(_lane_model(lane, role))
    assert [(r.source_id, r.target_id) for r in i.reentry_list] == expected
    # the same with the paper step right before the capture
    defs2 = model('<bpmn:startEvent id="s"/>', task("c", medium="papier"),
                  task("e", medium="fachverfahren", system="Meldewesen",
                       activityType="daten_erfassen"),
                  '<bpmn:endEvent id="z"/>', flow("f1", "s", "c"), flow("f2", "c", "e"),
                  flow("f3", "e", "z"))
    assert ind(defs2).reentries == pytest.approx(1)
