"""Step-table edits as patches: structure changes rewire flows, add DI, keep everything else.

Model: the shipped Hundeanmeldung IST (built from a table: ids Schritt_<Nr>, lanes, DI) and
real vendor exports (multi-pool, sub-processes, message flows).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from lxml import etree

from workbench import bpmn
from workbench.bpmn.lint import has_errors, lint
from workbench.edit import EditRefused
from workbench.edit.steps import apply_step_table
from workbench.steptable import bpmn_to_step_table, read_step_table

ROOT = Path(__file__).resolve().parents[2]
HUND = ROOT / "processes" / "hundeanmeldung" / "ist.bpmn"
VENDOR = ROOT / "tests" / "fixtures" / "bpmn" / "vendor"
_B = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def model(path: Path) -> bpmn.Definitions:
    return bpmn.read(bpmn.read(path).to_bytes(), name=path.name)


def table(defs: bpmn.Definitions) -> pd.DataFrame:
    return bpmn_to_step_table(defs)


def apply(defs: bpmn.Definitions, frame: pd.DataFrame):
    return apply_step_table(defs, read_step_table(frame))


def untouched(before: bpmn.Definitions, after: bpmn.Definitions, changed: set[str]) -> None:
    """Every element with an id outside ``changed`` serialises to the same bytes as before."""
    old = {el.get("id"): el for el in before.root.iter() if isinstance(el.tag, str)
           and el.get("id")}
    for el in after.root.iter():
        key = el.get("id") if isinstance(el.tag, str) else None
        if key in old and key not in changed and not any(
                d.get("id") in changed for d in el.iter() if isinstance(d.tag, str)):
            assert _bytes(el) == _bytes(old[key]), key


def _bytes(el: etree._Element) -> bytes:
    return etree.tostring(el, with_tail=False)


def row(frame: pd.DataFrame, nr: str) -> int:
    return int(frame.index[frame["Nr"] == nr][0])


def test_unchanged_table_changes_nothing() -> None:
    defs = model(HUND)
    result = apply(defs, table(defs))
    assert result.changes == [] and result.model.to_bytes() == defs.to_bytes()


def test_attribute_and_name_edits_touch_only_that_element() -> None:
    defs = model(HUND)
    frame = table(defs)
    frame.at[row(frame, "3"), "Schritt"] = "Formular annehmen"
    frame.at[row(frame, "3"), "Medium"] = "E-Mail"
    frame.at[row(frame, "6"), "Wahrscheinlichkeiten"] = "0,8|0,2"
    result = apply(defs, frame)
    after = result.model
    assert after["Schritt_3"].name == "Formular annehmen" and after["Schritt_3"].medium == "email"
    probabilities = {f.target_id: f.probability for f in after["Schritt_6"].outgoing}
    assert probabilities == {"Schritt_9": 0.8, "Schritt_7": 0.2}
    flows = {f.id for f in after["Schritt_6"].outgoing}
    untouched(defs, after, {"Schritt_3"} | flows)
    assert len(result.changes) == 4


def test_inserted_step_is_wired_drawn_near_its_neighbours_and_in_its_lane() -> None:
    defs = model(HUND)
    frame = table(defs)
    at = row(frame, "13") + 1
    new = pd.DataFrame([{"Nr": "20", "Schritt": "Bescheid digital signieren",
                         "Element": "Benutzeraufgabe", "Rolle": "Steueramt", "Minuten": 1.0,
                         "Medium": "Fachverfahren"}])
    frame = pd.concat([frame.iloc[:at], new, frame.iloc[at:]], ignore_index=True)
    result = apply(defs, frame)
    after = result.model
    task = after["Schritt_20"]
    assert task.name == "Bescheid digital signieren" and task.minutes == 1.0
    assert [f.source_id for f in task.incoming] == ["Schritt_13"]
    assert [f.target_id for f in task.outgoing] == ["Schritt_14"]
    assert [f.target_id for f in after["Schritt_13"].outgoing] == ["Schritt_20"]
    assert task.lane is not None and task.lane.name == "Steueramt"
    shape = after.diagrams[0].shape_for("Schritt_20").bounds
    lane = after.diagrams[0].shape_for(task.lane.id).bounds
    assert lane.y <= shape.y and shape.y + shape.height <= lane.y + lane.height
    others = [s.bounds for s in after.diagrams[0].shapes
              if s.bpmn_element.startswith("Schritt_") and s.bpmn_element != "Schritt_20"]
    assert not any(_overlap(shape, b) for b in others)
    neighbour = after.diagrams[0].shape_for("Schritt_13").bounds
    assert abs(shape.x - neighbour.x) < 400
    assert [r.step for r in read_step_table(table(after)).rows][at] == \
        "Bescheid digital signieren"  # document order follows the table
    assert not has_errors(lint(after))
    # the flow 13 → 14 was re-pointed (its id and content stay), not deleted and made anew
    assert after["Fluss_13_14"].source_id == "Schritt_13"
    assert after["Fluss_13_14"].target_id == "Schritt_20"
    # byte for byte: everything but the new step's neighbours, the lane, pool and the flow
    lane, pool = task.lane.id, after.participants[0].id
    untouched(defs, after, {"Schritt_13", "Schritt_14", "Fluss_13_14", lane, pool,
                            "Steueramt_di", *[s.id for s in after.diagrams[0].shapes
                                              if s.bpmn_element in (lane, pool)],
                            *[e.id for e in after.diagrams[0].edges
                              if e.bpmn_element == "Fluss_13_14"]})


def _overlap(a, b) -> bool:
    return (a.x < b.x + b.width and b.x < a.x + a.width and a.y < b.y + b.height
            and b.y < a.y + a.height)


def test_removed_step_rewires_its_neighbours() -> None:
    defs = model(HUND)
    frame = table(defs)
    frame = frame.drop(index=row(frame, "14")).reset_index(drop=True)
    result = apply(defs, frame)
    after = result.model
    assert after.get("Schritt_14") is None
    assert after.diagrams[0].shape_for("Schritt_14") is None
    assert [f.target_id for f in after["Schritt_13"].outgoing] == ["Schritt_15"]
    assert "Schritt_14" not in after.to_bytes().decode()
    assert not has_errors(lint(after))
    kept = after["Schritt_13"].outgoing[0].id
    untouched(defs, after, {"Schritt_13", "Schritt_15", kept, after["Schritt_13"].lane.id, *[
        e.id for e in after.diagrams[0].edges if e.bpmn_element == kept]})


def test_moved_step_changes_lane_and_only_its_own_shape() -> None:
    defs = model(HUND)
    frame = table(defs)
    frame.at[row(frame, "15"), "Rolle"] = "Hundehalter:in"
    after = apply(defs, frame).model
    assert after["Schritt_15"].lane.name == "Hundehalter:in"
    lane = after.diagrams[0].shape_for(after["Schritt_15"].lane.id).bounds
    box = after.diagrams[0].shape_for("Schritt_15").bounds
    assert lane.y <= box.y <= lane.y + lane.height
    before_box = defs.diagrams[0].shape_for("Schritt_15").bounds
    assert box.x == before_box.x


def test_new_role_becomes_a_new_lane() -> None:
    defs = model(HUND)
    frame = table(defs)
    frame.at[row(frame, "15"), "Rolle"] = "Registratur"
    after = apply(defs, frame).model
    lane = after["Schritt_15"].lane
    assert lane.name == "Registratur"
    assert after.diagrams[0].shape_for(lane.id) is not None


def test_type_change_within_tasks_keeps_the_element() -> None:
    defs = model(HUND)
    frame = table(defs)
    frame.at[row(frame, "13"), "Element"] = "Benutzeraufgabe"
    after = apply(defs, frame).model
    assert after["Schritt_13"].local_name == "userTask"
    assert after.diagrams[0].shape_for("Schritt_13").bounds == \
        defs.diagrams[0].shape_for("Schritt_13").bounds


def test_removing_a_step_with_message_flows_is_refused() -> None:
    defs = model(VENDOR / "camunda-eclipse__collaboration-message-flows.bpmn")
    frame = table(defs)
    sub = next(nr for nr, i in frame.attrs["origin"].items() if i == "SubProcess_1")
    frame = frame.drop(index=row(frame, sub)).reset_index(drop=True)
    with pytest.raises(EditRefused) as err:
        apply(defs, frame)
    assert "Nachrichtenfluss" in str(err.value) and "Nichts" not in str(err.value)


def test_sub_process_turned_into_a_task_is_refused() -> None:
    defs = model(VENDOR / "camunda-eclipse__collaboration-message-flows.bpmn")
    frame = table(defs)
    sub = next(nr for nr, i in frame.attrs["origin"].items() if i == "SubProcess_1")
    frame.at[row(frame, sub), "Element"] = "Benutzeraufgabe"
    with pytest.raises(EditRefused, match="innere Elemente"):
        apply(defs, frame)


def test_event_based_gateway_survives_an_unrelated_edit() -> None:
    path = next(p for p in sorted((ROOT.parent / "shared" / "data" / "miwg-reference").glob(
        "*.bpmn")) if b"eventBasedGateway" in p.read_bytes())
    defs = model(path)
    frame = table(defs)
    task = next(i for i, r in frame.iterrows() if r["Element"] == "Aufgabe")
    frame.at[task, "Minuten"] = 4.0
    after = apply(defs, frame).model
    assert sum(1 for _ in after.root.iter(_B + "eventBasedGateway")) == \
        sum(1 for _ in defs.root.iter(_B + "eventBasedGateway"))


def test_stale_table_is_refused() -> None:
    defs = model(HUND)
    frame = table(defs)
    frame.at[row(frame, "5"), "Schritt"] = "Ganz etwas anderes"
    frame.at[row(frame, "5"), "Element"] = "Ende"
    with pytest.raises(EditRefused, match="älteren Stand"):
        apply(defs, frame)


def test_refused_edit_leaves_the_model_alone() -> None:
    defs = model(VENDOR / "camunda-eclipse__collaboration-message-flows.bpmn")
    before = defs.to_bytes()
    frame = table(defs)
    sub = next(nr for nr, i in frame.attrs["origin"].items() if i == "SubProcess_1")
    frame.at[row(frame, sub), "Element"] = "Benutzeraufgabe"
    with pytest.raises(EditRefused):
        apply(defs, frame)
    assert defs.to_bytes() == before
