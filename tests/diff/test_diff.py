"""The semantic diff: renamed, moved, replaced, all-new, identical – and the shipped example."""

from __future__ import annotations

import json
from pathlib import Path

from workbench import bpmn
from workbench.bpmn.builder import ModelBuilder
from workbench.diff import diff_models, similarity
from workbench.maps import match_steps

ROOT = Path(__file__).resolve().parents[2]
HUND = ROOT / "processes" / "hundeanmeldung"


def chain(steps: list[tuple[str, str, str]], *, replaces: dict[str, str] | None = None
          ) -> bpmn.Definitions:
    """Start → steps (id, name, lane) → end, as a step table would build it."""
    b = ModelBuilder("Test", pool="Gemeinde")
    prev = b.event("Antrag eingegangen", "start", lane=steps[0][2], id="Start")
    for node_id, name, lane in steps:
        task = b.task(name, id=node_id, lane=lane, minutes=5)
        b.flow(prev, task)
        prev = task
    b.flow(prev, b.event("Erledigt", "end", lane=steps[-1][2], id="Ende"))
    defs = b.build()
    for node_id, ids in (replaces or {}).items():
        defs[node_id].element.set("{urn:prozess-werkbench:bpmn:1}replaces", ids)
    return defs


IST = [("Schritt_2", "Antrag prüfen", "Bürgerbüro"),
       ("Schritt_3", "Gebühr berechnen", "Bürgerbüro"),
       ("Schritt_4", "Bescheid drucken", "Bürgerbüro")]


def test_identical_models_have_no_difference() -> None:
    diff = diff_models(chain(IST), chain(IST))
    assert diff.identical
    assert diff.summary() == "Schritte: 0 entfallen, 0 neu, 0 geändert, 0 verschoben"
    assert diff.lines() == []


def test_renamed_step_is_changed_not_dropped_and_new() -> None:
    soll = [IST[0], ("Schritt_3", "Gebühr automatisch berechnen", "Bürgerbüro"), IST[2]]
    diff = diff_models(chain(IST), chain(soll))
    [changed] = diff.changed
    assert (changed.a_id, changed.b_id) == ("Schritt_3", "Schritt_3")
    assert changed.attributes == {"name": ("Gebühr berechnen", "Gebühr automatisch berechnen")}
    assert diff.added == [] and diff.removed == []


def test_renamed_step_with_another_id_is_found_by_name_in_its_lane() -> None:
    soll = [IST[0], ("X", "Gebühren berechnen lassen", "Bürgerbüro"), IST[2]]
    diff = diff_models(chain(IST), chain(soll))
    [changed] = diff.changed
    assert (changed.a_id, changed.b_id, changed.matched_by) == ("Schritt_3", "X", "name")


def test_step_moved_to_another_lane() -> None:
    soll = [IST[0], ("Schritt_3", "Gebühr berechnen", "Kasse"), IST[2]]
    diff = diff_models(chain(IST), chain(soll))
    [moved] = diff.moved
    assert moved.a_id == "Schritt_3" and moved.lane == ("Bürgerbüro", "Kasse")
    assert diff.counts(steps_only=True)["verschoben"] == 1
    assert diff.to_json()["overlays"]["b"]["Schritt_3"] == "moved"


def test_moved_step_with_table_ids_is_found_by_its_name_across_lanes() -> None:
    soll = [IST[0], IST[2], ("Schritt_9", "Gebühr berechnen", "Kasse")]
    diff = diff_models(chain(IST), chain(soll))
    moved = {e.a_id: e for e in diff.moved}
    assert moved["Schritt_3"].b_id == "Schritt_9" and moved["Schritt_3"].matched_by == \
        "name-lane"


def test_step_replaced_with_an_explicit_link() -> None:
    soll = [("Online", "Online-Antrag mit BundID", "Portal"), IST[2]]
    diff = diff_models(chain(IST), chain(soll, replaces={"Online": "Schritt_2 Schritt_3"}))
    online = next(e for e in diff.elements if e.b_id == "Online")
    assert online.a_id == "Schritt_2" and online.matched_by == "ersetzt"
    assert online.merged == ("Schritt_3",)
    assert diff.removed == [] and diff.added == []
    overlays = diff.to_json()["overlays"]
    assert overlays["a"]["Schritt_3"] == overlays["a"]["Schritt_2"] == overlays["b"]["Online"]
    assert "ersetzt auch Schritt_3" in " ".join(diff.lines())


def test_all_new_soll_drops_every_ist_step_even_with_the_same_row_ids() -> None:
    soll = [("Schritt_2", "Termin online buchen", "Portal"),
            ("Schritt_3", "Sperrmüll am Straßenrand abholen", "Bauhof"),
            ("Schritt_4", "Abfuhr im Fachverfahren quittieren", "Bauhof")]
    diff = diff_models(chain(IST), chain(soll))
    counts = diff.counts(steps_only=True)
    assert counts["entfallen"] == 3 and counts["hinzugefuegt"] == 3
    assert match_steps(chain(IST), chain(soll)).pairs == {}


def test_hundeanmeldung_drops_the_tax_case_step() -> None:
    ist, soll = bpmn.read(HUND / "ist.bpmn"), bpmn.read(HUND / "soll.bpmn")
    match = match_steps(ist, soll)
    names = {a.id: a.name for a in ist.activities()}
    assert "Steuerfall im Finanzwesen anlegen" in {names[i] for i in match.dropped}
    assert match.pairs.get("Schritt_11") == "Schritt_6"  # Ermäßigung … prüfen, renamed
    assert len(match.dropped) == 7 and len(match.new) == 6


def test_similarity_needs_shared_meaning() -> None:
    assert similarity("Antrag prüfen", "Antrag automatisch prüfen") >= 0.6
    assert similarity("Bescheid drucken", "Bescheid versenden") < 0.6
    assert similarity("Gebühr prüfen", "Gebuehr pruefen") == 1.0


def test_json_is_serialisable_and_names_every_element() -> None:
    diff = diff_models(bpmn.read(HUND / "ist.bpmn"), bpmn.read(HUND / "soll.bpmn"))
    data = json.loads(json.dumps(diff.to_json()))
    ids_a = {e["a_id"] for e in data["elements"] if e["a_id"]}
    ids_b = {e["b_id"] for e in data["elements"] if e["b_id"]}
    assert ids_a == {n.id for n in bpmn.read(HUND / "ist.bpmn").flow_nodes()}
    assert ids_b == {n.id for n in bpmn.read(HUND / "soll.bpmn").flow_nodes()}
    assert set(data["overlays"]["a"]) == ids_a


def test_same_contents_are_diffed_once_and_an_edit_is_diffed_anew() -> None:
    from workbench.diff import model as diff_model

    ist, soll = bpmn.read(HUND / "ist.bpmn"), bpmn.read(HUND / "soll.bpmn")
    first = diff_models(ist, soll)
    size = len(diff_model._memo)
    # other objects with the same contents: the stored diff, with this call's labels
    again = diff_models(bpmn.read(HUND / "ist.bpmn"), bpmn.read(HUND / "soll.bpmn"),
                        a_label="Verbund-IST", b_label="IST")
    assert len(diff_model._memo) == size
    assert again.to_json()["elements"] == first.to_json()["elements"]
    assert (again.a_label, again.b_label, first.a_label) == ("Verbund-IST", "IST", "IST")
    # what a caller changes in its result does not reach the next caller
    again.elements.clear()
    again.matching.pairs.clear()
    third = diff_models(ist, soll)
    assert third.to_json() == first.to_json() and third.matching == first.matching
    # a model edited in place is a new content
    step = next(e for e in first.elements if e.b_id and e.a_id and e.is_step)
    soll[step.b_id].element.set("name", "Ganz anderer Schritt ohne gemeinsame Wörter")
    edited = diff_models(ist, soll)
    assert len(diff_model._memo) == size + 1
    assert edited.to_json() == diff_model._diff_models(ist, soll).to_json()
    assert edited.to_json() != first.to_json()
