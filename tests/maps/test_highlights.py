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
