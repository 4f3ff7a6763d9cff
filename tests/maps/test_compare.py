"""IST/SOLL comparison: matching and the combined map."""

from __future__ import annotations

from workbench.bpmn.builder import ModelBuilder
from workbench.maps import ComparisonSummary, Highlights, comparison_map, match_steps

from .conftest import all_text, ids_by_class, needs_dot, parse_svg


def _model(names: list[tuple[str, str]], kind: str = "task"):
    b = ModelBuilder("Test")
    prev = b.event("Start", "start")
    for node_id, name in names:
        task = b.task(name, id=node_id, kind=kind)
        b.flow(prev, task)
        prev = task
    b.flow(prev, b.event("Ende", "end"))
    return b.build()


def test_match_by_id_then_by_name_and_type():
    ist = _model([("a", "Antrag prüfen"), ("b", "Bescheid drucken"), ("c", "Akte  ablegen")],
                 kind="manualTask")
    soll = _model([("a", "Antrag automatisch prüfen"), ("x", "AKTE ABLEGEN"),
                   ("y", "Bescheid versenden")], kind="serviceTask")
    match = match_steps(ist, soll)
    assert match.pairs == {"a": "a", "c": "x"}
    assert match.by_name == ("c",)
    assert match.dropped == ("b",)
    assert match.new == ("y",)


def test_umlauts_are_folded_for_matching():
    ist = _model([("a", "Gebühr prüfen")])
    soll = _model([("z", "Gebuehr pruefen")])
    assert match_steps(ist, soll).pairs == {"a": "z"}


def test_summary_line_is_german():
    line = ComparisonSummary((46.0, 18.5), (4, 0), (0.25, 1.0)).line()
    assert line == ("Bearbeitungszeit 46 Min. → 18,5 Min. · Medienbrüche 4 → 0 · "
                    "Digitalanteil 25 % → 100 %")


@needs_dot
def test_comparison_map(ist, soll):
    summary = ComparisonSummary((60.0, 18.5), (4, 0), (0.1, 1.0))
    hl = Highlights.of({("pruefen", "erfassen"): "Papier → Fachverfahren/digital"})
    result = comparison_map(ist, soll, ist_highlights=hl, summary=summary)
    root = parse_svg(result.svg)
    dropped = {el.get("data-bpmn-id") for el in root.iter()
               if "schritt-entfaellt" in (el.get("class") or "").split()}
    new = {el.get("data-bpmn-id") for el in root.iter()
           if "schritt-neu" in (el.get("class") or "").split()}
    assert dropped == {"ausfuellen", "eingang", "erfassen", "gebuehr", "drucken", "kopien"}
    assert new == {"online", "epayment", "bescheid", "meldungen"}
    variants = {el.get("data-variante") for el in root.iter() if el.get("data-variante")}
    assert variants == {"ist", "soll"}
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))  # "pruefen" exists in both models
    text = " ".join(all_text(root).split())
    assert "Bearbeitungszeit 60 Min. → 18,5 Min." in text
    assert "Schritte: 6 entfallen, 4 neu" in text
    assert text.count("Legende") == 1
    assert "IST" in text and "SOLL" in text
    struck = [el for el in root.iter() if el.get("text-decoration") == "line-through"]
    assert struck
    assert ids_by_class(root, "medienbruch")
