from types import SimpleNamespace

from workbench.maps import Highlights, automatable_steps, highlights_for


def test_of_accepts_pairs_and_mappings():
    assert Highlights.of([("a", "b")]).media_breaks == {("a", "b"): "Medienbruch"}
    hl = Highlights.of({("a", "b"): "Papier → E-Mail"}, waste=["x"], automatable=["y"])
    assert hl.waste == frozenset({"x"}) and hl.automatable == frozenset({"y"})
    assert Highlights().is_empty and not hl.is_empty


def test_from_metrics_reads_break_transitions():
    metrics = SimpleNamespace(break_transitions=[("a", "b", "Papier → Fachverfahren", 1.0)],
                              waste_steps=["w"])
    hl = Highlights.from_metrics(metrics)
    assert hl.media_breaks == {("a", "b"): "Papier → Fachverfahren"}
    assert hl.waste == frozenset({"w"})


def test_automatable_from_attribute_or_activity_type(ist):
    steps = automatable_steps(ist)
    assert "erfassen" in steps  # daten_uebertragen: regelbasiert by default
    assert "ausfuellen" not in steps


def test_highlights_for_uses_metrics(ist):
    hl = highlights_for(ist)
    assert hl.media_breaks  # paper → Fachverfahren → persönlich …
    assert "drucken" in hl.waste


def test_measured_once_per_content_and_anew_after_an_edit(ist, soll):
    from workbench.maps.compare import summarize

    first = highlights_for(ist)
    first.media_breaks.clear()  # each call gets its own dicts: the memo stays intact
    assert highlights_for(ist).media_breaks
    before = summarize(ist, soll)
    step = next(n for n in ist.flow_nodes() if n.id == "erfassen")
    step.set_ext("minutes", (step.get_ext("minutes") or 0) + 60)  # edited in place
    after = summarize(ist, soll)
    assert after.minutes[0] > before.minutes[0]
    assert after.minutes[1] == before.minutes[1]
