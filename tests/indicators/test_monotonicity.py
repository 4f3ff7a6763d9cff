"""Property: replacing an analog step by a digital or automatic one never makes the
"how digital" indicators worse (docs/kennzahlen.md, Abschnitt 5a; decision record
docs/decisions/kennzahlen-statt-medienbruch-zaehlung.md)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.bpmn.builder import ModelBuilder
from workbench.indicators import compute
from workbench.metrics import compute as metrics

MEDIA = ["papier", "persoenlich", "telefon", "email", "scan", "fachverfahren", "portal",
         "automatisch", None]
ANALOG = ["papier", "persoenlich", "telefon"]
DIGITAL = ["email", "fachverfahren", "portal", "automatisch"]

step = st.fixed_dictionaries({
    "medium": st.sampled_from(MEDIA),
    "minutes": st.one_of(st.none(), st.integers(0, 30)),
    "system": st.sampled_from([None, "Meldewesen", "Finanzwesen", "DMS"]),
    "automation": st.sampled_from([None, "keine", "assistiert", "regelbasiert", "ki"]),
    "activity_type": st.sampled_from([None, "drucken", "scannen", "daten_uebertragen",
                                      "formell_pruefen", "beraten"]),
})


@st.composite
def models(draw: st.DrawFn) -> tuple[list[dict], tuple[int, int, float] | None, int]:
    """Steps of a chain, an optional rework loop (from, back to, probability), and the index
    of an analog step to replace."""
    steps = draw(st.lists(step, min_size=1, max_size=7))
    analog_at = draw(st.integers(0, len(steps) - 1))
    steps[analog_at]["medium"] = draw(st.sampled_from(ANALOG))
    loop = None
    if len(steps) >= 2 and draw(st.booleans()):
        back = draw(st.integers(0, len(steps) - 2))
        at = draw(st.integers(back + 1, len(steps) - 1))
        loop = (at, back, draw(st.sampled_from([0.1, 0.3, 0.5, 0.9])))
    return steps, loop, analog_at


def build(steps: list[dict], loop: tuple[int, int, float] | None):
    b = ModelBuilder("Eigenschaft")
    prev = b.event("Start", "start", id="start")
    ids = []
    for i, attrs in enumerate(steps):
        node = b.task(f"Schritt {i}", id=f"s{i}", **attrs)
        ids.append(node)
        b.flow(prev, node)
        prev = node
        if loop is not None and loop[0] == i:
            x = b.gateway("nochmal?", id="x")
            b.flow(prev, x)
            b.flow(x, ids[loop[1]], probability=loop[2])
            prev = x
            continue
    end = b.event("Ende", "end", id="end")
    if loop is not None and prev == "x":
        b.flow(prev, end, probability=round(1 - loop[2], 6))
    else:
        b.flow(prev, end)
    return b.build()


def indicators(steps: list[dict], loop: tuple[int, int, float] | None):
    defs = build(steps, loop)
    return compute(defs, metrics(defs))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(models(), st.sampled_from(DIGITAL), st.one_of(st.none(), st.integers(0, 30)),
       st.booleans())
def test_replacing_an_analog_step_never_makes_digital_indicators_worse(
        drawn: tuple[list[dict], tuple[int, int, float] | None, int], new_medium: str,
        new_minutes: int | None, keep_minutes: bool) -> None:
    steps, loop, at = drawn
    before = indicators(steps, loop)
    changed = [dict(s) for s in steps]
    changed[at]["medium"] = new_medium
    if new_medium == "automatisch":  # automating a step typically takes its minutes to 0
        changed[at]["minutes"] = 0 if not keep_minutes else changed[at]["minutes"]
    elif not keep_minutes:
        changed[at]["minutes"] = new_minutes
    after = indicators(changed, loop)
    eps = 1e-9
    assert after.analog_steps <= before.analog_steps + eps
    assert after.analog_share <= before.analog_share + eps
    assert after.digital_steps >= before.digital_steps - eps
    assert after.digital_share_steps >= before.digital_share_steps - eps
    assert after.automated_steps >= before.automated_steps - eps
    assert after.automatable_share >= before.automatable_share - eps
    assert after.scan_print_steps <= before.scan_print_steps + eps
    if before.digital_share_time is not None and after.digital_share_time is not None:
        assert after.digital_share_time >= before.digital_share_time - eps
    if after.digital_share_time is None:  # no time left at all: only the replaced step had any
        assert before.digital_share_time in (None, pytest.approx(0))


def test_the_property_is_not_vacuous() -> None:
    """The comparison above can fail: the reverse change (digital → analog) is worse."""
    steps = [{"medium": "portal", "minutes": 5}, {"medium": "fachverfahren", "minutes": 5}]
    good = indicators(steps, None)
    bad = indicators([{"medium": "papier", "minutes": 5}, steps[1]], None)
    assert bad.digital_share_steps < good.digital_share_steps
    assert bad.digital_share_time < good.digital_share_time
    assert bad.analog_steps > good.analog_steps
