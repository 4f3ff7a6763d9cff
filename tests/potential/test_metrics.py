"""Hand-computed examples for the per-model metrics (docs/kennzahlen.md)."""

from __future__ import annotations

import json

import pytest

from workbench.bpmn.builder import ModelBuilder
from workbench.metrics import compute

from .helpers import chain, flow, model, task

# --------------------------------------------------------------------------- visits, time


def test_linear_chain() -> None:
    m = compute(chain(
        {"minutes": 10, "wait_days": 2, "medium": "papier"},
        {"minutes": 5, "medium": "fachverfahren"},
        {"minutes": 3, "wait_days": 0.5, "medium": "fachverfahren"},
    ))
    assert m.visits == pytest.approx({"start": 1, "a": 1, "b": 1, "c": 1, "end": 1})
    assert m.expected_minutes == pytest.approx(18)
    assert m.expected_wait_days == pytest.approx(2.5)
    assert m.digital_share == pytest.approx(8 / 18)
    assert m.media_breaks == pytest.approx(1)  # papier → fachverfahren, once
    assert [(t.source_activity_id, t.target_activity_id) for t in m.break_transitions] == [
        ("a", "b")]
    assert m.activities == 3


def _xor_model(p_b: float | None, p_c: float | None) -> ModelBuilder:
    b = ModelBuilder("XOR")
    s = b.event("Start", "start", id="start")
    a = b.task("A", id="a", minutes=10)
    x = b.gateway("Vollständig?", "exclusive", id="x")
    tb = b.task("B", id="b", minutes=20)
    tc = b.task("C", id="c", minutes=5)
    j = b.gateway("", "exclusive", id="j")
    d = b.task("D", id="d", minutes=1)
    e = b.event("Ende", "end", id="end")
    for src, dst in ((s, a), (a, x), (tb, j), (tc, j), (j, d), (d, e)):
        b.flow(src, dst)
    b.flow(x, tb, probability=p_b)
    b.flow(x, tc, probability=p_c)
    return b


def test_xor_with_probabilities() -> None:
    m = compute(_xor_model(0.3, 0.7).build())
    assert m.visits["b"] == pytest.approx(0.3)
    assert m.visits["c"] == pytest.approx(0.7)
    assert m.visits["j"] == pytest.approx(1.0)
    assert m.expected_minutes == pytest.approx(10 + 0.3 * 20 + 0.7 * 5 + 1)
    assert m.warnings == [w for w in m.warnings if "Wahrscheinlichkeit" not in w]


def test_xor_single_missing_probability_gets_the_rest_without_warning() -> None:
    m = compute(_xor_model(0.25, None).build())
    assert m.visits["c"] == pytest.approx(0.75)
    assert not any("Entscheidung" in w for w in m.warnings)


def test_model_without_probabilities_splits_evenly_with_warning() -> None:
    m = compute(_xor_model(None, None).build())
    assert m.visits["b"] == pytest.approx(0.5)
    assert m.visits["c"] == pytest.approx(0.5)
    assert m.expected_minutes == pytest.approx(10 + 10 + 2.5 + 1)
    warning = next(w for w in m.warnings if "ohne Wahrscheinlichkeiten" in w)
    assert "„Vollständig?“ (x)" in warning and "50,0 %" in warning


def test_probabilities_not_summing_to_one_are_normalized() -> None:
    m = compute(_xor_model(0.5, 0.75).build())
    assert m.visits["b"] == pytest.approx(0.4)
    assert m.visits["c"] == pytest.approx(0.6)
    assert any("125,0 %" in w and "umgerechnet" in w for w in m.warnings)


def _and_model(kind: str = "parallel", p: tuple[float | None, float | None] = (None, None)
               ) -> ModelBuilder:
    b = ModelBuilder("UND")
    s = b.event("Start", "start", id="start")
    a = b.task("A", id="a", minutes=2, medium="papier")
    split = b.gateway("", kind, id="split")
    tb = b.task("B", id="b", minutes=4, wait_days=2, medium="fachverfahren")
    tc = b.task("C", id="c", minutes=6, wait_days=3, medium="fachverfahren")
    join = b.gateway("", kind, id="join")
    d = b.task("D", id="d", minutes=1, medium="papier")
    e = b.event("Ende", "end", id="end")
    for src, dst in ((s, a), (a, split), (tb, join), (tc, join), (join, d), (d, e)):
        b.flow(src, dst)
    b.flow(split, tb, probability=p[0])
    b.flow(split, tc, probability=p[1])
    return b


def test_and_split_visits_every_branch_and_join_passes_on_once() -> None:
    m = compute(_and_model().build())
    assert m.visits["b"] == pytest.approx(1)
    assert m.visits["c"] == pytest.approx(1)
    assert m.visits["join"] == pytest.approx(1)
    assert m.visits["d"] == pytest.approx(1)
    assert m.expected_minutes == pytest.approx(13)
    assert m.expected_wait_days == pytest.approx(5)  # sum of waits, see docs


def test_inclusive_split_uses_independent_probabilities() -> None:
    m = compute(_and_model("inclusive", (0.6, 0.5)).build())
    assert m.visits["b"] == pytest.approx(0.6)
    assert m.visits["c"] == pytest.approx(0.5)
    # the OR join fires once per activation of its split: (0.6 + 0.5) / 1.1
    assert m.visits["join"] == pytest.approx(1)
    assert m.visits["d"] == pytest.approx(1)
    assert m.expected_minutes == pytest.approx(2 + 0.6 * 4 + 0.5 * 6 + 1)


def test_inclusive_without_probabilities_warns() -> None:
    m = compute(_and_model("inclusive").build())
    assert m.visits["b"] == pytest.approx(0.5)
    assert any("Oder-Verzweigung" in w and "split" in w for w in m.warnings)


def test_rework_loop_counts_expected_visits() -> None:
    b = ModelBuilder("Schleife")
    s = b.event("Start", "start", id="start")
    a = b.task("Antrag prüfen", id="a", minutes=10)
    c = b.task("Nachfordern", id="c", minutes=5)
    x = b.gateway("ok?", "exclusive", id="x")
    e = b.event("Ende", "end", id="end")
    b.flow(s, a)
    b.flow(a, c)
    b.flow(c, x)
    b.flow(x, a, probability=0.2)
    b.flow(x, e, probability=0.8)
    m = compute(b.build())
    assert m.visits["a"] == pytest.approx(1.25)
    assert m.visits["c"] == pytest.approx(1.25)
    assert m.visits["end"] == pytest.approx(1.0)
    assert m.expected_minutes == pytest.approx(18.75)


def test_loop_without_exit_is_reported_in_german() -> None:
    b = ModelBuilder("Endlos")
    s = b.event("Start", "start")
    a = b.task("Prüfen", id="a")
    x = b.gateway("nochmal?", "exclusive", id="x")
    e = b.event("Ende", "end")
    b.flow(s, a)
    b.flow(a, x)
    b.flow(x, a, probability=1.0)
    b.flow(x, e, probability=0.0)
    m = compute(b.build())
    # Standardannahme: Rücksprung 20 %, Ausgang 80 % → „Prüfen“ 1 / (1 − 0,2) = 1,25-mal
    assert m.visits["a"] == pytest.approx(1.25)
    assert m.visits[e] == pytest.approx(1.0)
    (warning,) = [w for w in m.warnings if "kann nicht enden" in w]
    assert "„Prüfen“ (a)" in warning and "20,0 %" in warning
    assert [f.kind for f in m.findings] == ["schleife_ohne_ausgang", "minuten_fehlen"]


def test_nested_sub_process() -> None:
    defs = model(
        '<bpmn:startEvent id="start"/>',
        task("a", minutes=2, medium="papier"),
        '<bpmn:subProcess id="s" name="Prüfung">',
        '  <bpmn:startEvent id="s_start"/>',
        "  " + task("s1", minutes=3, medium="fachverfahren"),
        '  <bpmn:exclusiveGateway id="s_x"/>',
        "  " + task("s2", minutes=4, medium="fachverfahren"),
        '  <bpmn:subProcess id="t">',
        '    <bpmn:startEvent id="t_start"/>',
        "    " + task("t1", minutes=6, medium="papier"),
        '    <bpmn:endEvent id="t_end"/>',
        "    " + flow("tf1", "t_start", "t1") + flow("tf2", "t1", "t_end"),
        "  </bpmn:subProcess>",
        '  <bpmn:exclusiveGateway id="s_j"/>',
        '  <bpmn:endEvent id="s_end"/>',
        "  " + flow("sf1", "s_start", "s1") + flow("sf2", "s1", "s_x")
        + flow("sf3", "s_x", "s2", 0.5) + flow("sf4", "s_x", "t", 0.5)
        + flow("sf5", "s2", "s_j") + flow("sf6", "t", "s_j") + flow("sf7", "s_j", "s_end"),
        "</bpmn:subProcess>",
        '<bpmn:exclusiveGateway id="x"/>',
        task("b", minutes=1, medium="papier"),
        '<bpmn:endEvent id="end"/>',
        flow("f1", "start", "a"), flow("f2", "a", "s"), flow("f3", "s", "x"),
        flow("f4", "x", "s", 0.25), flow("f5", "x", "b", 0.75), flow("f6", "b", "end"),
    )
    m = compute(defs)
    assert m.visits["s"] == pytest.approx(4 / 3)
    assert m.visits["s1"] == pytest.approx(4 / 3)
    assert m.visits["s2"] == pytest.approx(2 / 3)
    assert m.visits["t"] == pytest.approx(2 / 3)
    assert m.visits["t1"] == pytest.approx(2 / 3)
    assert m.expected_minutes == pytest.approx(2 + (3 + 0.5 * 4 + 0.5 * 6) * 4 / 3 + 1)
    breaks = {(t.source_activity_id, t.target_activity_id): t.expected_count
              for t in m.break_transitions}
    # a (papier) → s1 (digital) across the sub-process border, once
    assert breaks[("a", "s1")] == pytest.approx(1)
    # s1 → t1 (papier) inside, then t1 → s1 again through the loop and t1 → b at the end
    assert breaks[("s1", "t1")] == pytest.approx(2 / 3)
    assert breaks[("t1", "s1")] == pytest.approx(2 / 3 * 0.25)
    assert breaks[("s2", "b")] == pytest.approx(2 / 3 * 0.75)
    assert ("t1", "b") not in breaks  # papier → papier
    assert m.media_breaks == pytest.approx(sum(breaks.values()))


def test_boundary_event_with_probability() -> None:
    defs = model(
        '<bpmn:startEvent id="start"/>',
        task("a", minutes=10),
        '<bpmn:boundaryEvent id="frist" attachedToRef="a"><bpmn:timerEventDefinition/>'
        "</bpmn:boundaryEvent>",
        task("b", minutes=2),
        task("mahnen", minutes=5),
        '<bpmn:endEvent id="end"/>', '<bpmn:endEvent id="end2"/>',
        flow("f1", "start", "a"), flow("f2", "a", "b"), flow("f3", "b", "end"),
        flow("f4", "frist", "mahnen", 0.1), flow("f5", "mahnen", "end2"),
    )
    m = compute(defs)
    assert m.visits["frist"] == pytest.approx(0.1)
    assert m.visits["b"] == pytest.approx(0.9)
    assert m.expected_minutes == pytest.approx(10 + 0.9 * 2 + 0.1 * 5)


def test_boundary_event_without_probability_is_ignored_with_warning() -> None:
    defs = model(
        '<bpmn:startEvent id="start"/>', task("a", minutes=1),
        '<bpmn:boundaryEvent id="frist" attachedToRef="a"/>', task("x", minutes=100),
        '<bpmn:endEvent id="end"/>',
        flow("f1", "start", "a"), flow("f2", "a", "end"), flow("f3", "frist", "x"),
    )
    m = compute(defs)
    assert m.expected_minutes == pytest.approx(1)
    assert any("Randereignis" in w and "frist" in w for w in m.warnings)
    assert not any("nicht erreichbar" in w and "frist" in w for w in m.warnings)


def test_no_start_event_starts_at_nodes_without_incoming() -> None:
    defs = model(task("a", minutes=2), task("b", minutes=3), flow("f", "a", "b"))
    m = compute(defs)
    assert m.expected_minutes == pytest.approx(5)
    assert any("kein Startereignis" in w for w in m.warnings)


# --------------------------------------------------------------------------- Medienbrüche


def test_media_breaks_across_a_gateway() -> None:
    b = ModelBuilder("Medien")
    s = b.event("Start", "start")
    a = b.task("A", id="a", medium="papier", minutes=1)
    x = b.gateway("", "exclusive", id="x")
    tb = b.task("B", id="b", medium="fachverfahren", system="Meldewesen", minutes=1)
    tc = b.task("C", id="c", medium="papier", minutes=1)
    j = b.gateway("", "exclusive", id="j")
    d = b.task("D", id="d", medium="fachverfahren", system="Finanzwesen", minutes=1)
    e = b.event("Ende", "end")
    for src, dst in ((s, a), (a, x), (tb, j), (tc, j), (j, d), (d, e)):
        b.flow(src, dst)
    b.flow(x, tb, probability=0.4)
    b.flow(x, tc, probability=0.6)
    m = compute(b.build())
    got = {(t.source_activity_id, t.target_activity_id): (t.reason_de, t.expected_count)
           for t in m.break_transitions}
    assert got[("a", "b")] == ("Medienwechsel Papier → Fachverfahren/digital", pytest.approx(0.4))
    assert got[("c", "d")][1] == pytest.approx(0.6)
    assert got[("b", "d")] == ("Systemwechsel Meldewesen → Finanzwesen (Daten werden erneut "
                               "erfasst)", pytest.approx(0.4))
    assert ("a", "c") not in got
    assert m.media_breaks == pytest.approx(1.4)


def test_media_breaks_through_and_join_sum_to_visits() -> None:
    m = compute(_and_model().build())
    got = {(t.source_activity_id, t.target_activity_id): t.expected_count
           for t in m.break_transitions}
    # a → b and a → c are both taken; the join passes one token on, each branch counts 1/2
    assert got == pytest.approx({("a", "b"): 1, ("a", "c"): 1, ("b", "d"): 0.5, ("c", "d"): 0.5})
    assert m.media_breaks == pytest.approx(3)


@pytest.mark.parametrize(("media", "expected"), [
    (("papier", "scan", "fachverfahren"), 2),
    (("fachverfahren", "scan", "fachverfahren"), 2),
    (("email", "fachverfahren", "portal"), 0),
    (("telefon", "persoenlich", "papier"), 0),
])
def test_scan_counts_as_break(media: tuple[str, str, str], expected: int) -> None:
    m = compute(chain(*({"medium": x, "minutes": 1} for x in media)))
    assert m.media_breaks == pytest.approx(expected)


def test_system_change_counts_only_when_done_by_hand() -> None:
    by_hand = compute(chain({"medium": "portal", "system": "Portal"},
                            {"medium": "fachverfahren", "system": "Meldewesen"}))
    interface = compute(chain({"medium": "portal", "system": "Portal"},
                              {"medium": "automatisch", "system": "Meldewesen"}))
    same = compute(chain({"medium": "fachverfahren", "system": "Meldewesen"},
                         {"medium": "fachverfahren", "system": " meldewesen "}))
    assert by_hand.media_breaks == pytest.approx(1)
    assert interface.media_breaks == 0
    assert same.media_breaks == 0


# --------------------------------------------------------------------------- shares, phases


def test_shares_waste_and_phases() -> None:
    m = compute(chain(
        {"minutes": 4, "medium": "portal", "phase": "antrag", "automation": "keine"},
        {"minutes": 2, "medium": "papier", "phase": "bearbeitung", "activity_type": "drucken"},
        {"minutes": 3, "medium": "scan", "phase": "bearbeitung"},
        {"minutes": 0, "medium": "automatisch", "phase": "bearbeitung",
         "activity_type": "daten_uebertragen"},
        {"minutes": 1, "medium": "fachverfahren", "phase": "bescheid",
         "activity_type": "bescheid_erstellen"},
    ))
    assert m.digital_share == pytest.approx(5 / 10)
    # drucken (type default regelbasiert), automatisch, bescheid_erstellen (regelbasiert)
    assert m.automation_share == pytest.approx(3 / 10)
    assert m.waste_steps == ["b", "c"]  # automatic transfer is an interface, not waste
    assert m.waste_minutes == pytest.approx(5)
    assert m.e2e_phases == {"antrag": True, "bearbeitung": False, "bezahlung": False,
                            "bescheid": True, "archivierung": False}
    assert m.phases_missing == ["bezahlung", "archivierung"]


def test_shares_fall_back_to_step_counts_without_minutes() -> None:
    m = compute(chain({"medium": "papier", "minutes": 0}, {"medium": "portal", "minutes": 0},
                      {"medium": "portal", "minutes": 0}))
    assert m.digital_share == pytest.approx(2 / 3)
    assert any("nach der Zahl der Schritte" in w for w in m.warnings)


@pytest.mark.parametrize(("steps", "level"), [
    ([("papier", "antrag"), ("fachverfahren", "bearbeitung"), ("papier", "bescheid")], 1),
    ([("portal", "antrag"), ("fachverfahren", "bearbeitung"), ("papier", "bescheid")], 2),
    ([("portal", "antrag"), ("papier", "antrag"), ("email", "bescheid")], 2),
    ([("portal", "antrag"), ("papier", "bearbeitung"), ("email", "bescheid")], 3),
    ([("portal", "antrag"), ("fachverfahren", "bearbeitung"), ("portal", "bescheid")], 4),
])
def test_ozg_estimate(steps: list[tuple[str, str]], level: int) -> None:
    m = compute(chain(*({"medium": med, "phase": ph, "minutes": 1} for med, ph in steps)))
    assert m.ozg_estimate == level


def test_ozg_estimate_without_phases_uses_first_steps() -> None:
    m = compute(chain({"medium": "portal"}, {"medium": "fachverfahren"}))
    assert m.ozg_estimate == 4
    assert any("ersten Schritte" in w for w in m.warnings)


def test_as_dict_is_json_with_the_promised_keys() -> None:
    data = compute(_and_model().build()).as_dict()
    json.dumps(data)
    for key in ("expected_minutes", "expected_wait_days", "media_breaks", "digital_share",
                "automation_share", "waste_steps", "e2e_phases", "warnings", "ozg_estimate",
                "visits", "break_transitions"):
        assert key in data
    assert set(data["e2e_phases"]) == {"antrag", "bearbeitung", "bezahlung", "bescheid",
                                       "archivierung"}


def test_same_model_same_result() -> None:
    defs = _xor_model(None, None).build()
    assert compute(defs).as_dict() == compute(defs).as_dict()
