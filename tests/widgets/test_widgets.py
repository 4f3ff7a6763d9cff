"""The workshop widgets without a browser: editing, saving, weights (the browser test drives
the same code through Voilà)."""

from __future__ import annotations

from pathlib import Path

from workbench import bpmn
from workbench.bpmn.lint import has_errors, lint
from workbench.repository import Repository
from workbench.widgets import CatalogView, ModelEditor, WeightTuner


def _select(editor: ModelEditor, startswith: str) -> None:
    index = next(i for label, i in editor.steps.options if label.split(" · ", 1)[1]
                 .startswith(startswith))
    editor.steps.value = index


def test_attribute_edit_keeps_the_original_diagram(example_copy: Path) -> None:
    path = example_copy / "hundeanmeldung" / "ist.bpmn"
    original = bpmn.read(path)
    bounds_before = [s.bounds for s in original.diagrams[0].shapes]
    editor = ModelEditor(example_copy, "hundeanmeldung", "ist")
    revision = editor.revision
    _select(editor, "Formular entgegennehmen")
    editor.fields["Minuten"].value = 11.0
    editor.fields["Medium"].value = "E-Mail"
    assert editor.revision > revision and "11 Min." in editor.map.value
    message = editor.save()
    assert "2 Änderung(en) am vorhandenen Modell" in message
    saved = bpmn.read(path)
    step = next(a for a in saved.activities() if a.name.startswith("Formular entgegennehmen"))
    assert step.minutes == 11 and step.medium == "email"
    assert [s.bounds for s in saved.diagrams[0].shapes] == bounds_before
    assert not has_errors(lint(saved))


def test_structural_edit_is_a_patch_and_stays_valid(example_copy: Path) -> None:
    path = example_copy / "fundsachen" / "soll.bpmn"
    before = bpmn.read(path)
    shapes_before = {s.bpmn_element: s.bounds for s in before.diagrams[0].shapes}
    editor = ModelEditor(example_copy, "fundsachen", "soll")
    steps_before = len(editor.table)
    editor.steps.value = 1
    editor.insert_step()
    editor.fields["Schritt"].value = "Eingang im Postfach bestätigen"
    editor.fields["Medium"].value = "automatisch"
    editor.move_step(1)
    message = editor.save()
    assert "am vorhandenen Modell" in message and "Neu: Aufgabe" in message
    saved = Repository.load(example_copy).model("fundsachen", "soll")
    assert saved is not None and saved.has_di
    new = next(a for a in saved.activities() if a.name == "Eingang im Postfach bestätigen")
    assert len(saved.flow_nodes()) == steps_before + 1
    assert saved.diagrams[0].shape_for(new.id) is not None
    shapes_after = {s.bpmn_element: s.bounds for s in saved.diagrams[0].shapes}
    moved = [k for k, b in shapes_before.items() if shapes_after.get(k) != b]
    assert set(moved) <= {p.id for p in saved.participants} | {
        lane.id for p in saved.processes for lane in p.all_lanes}  # only pool/lanes widened
    assert not has_errors(lint(saved))


def test_ersetzt_links_a_soll_step_to_its_ist_step(example_copy: Path) -> None:
    editor = ModelEditor(example_copy, "hundeanmeldung", "soll")
    _select(editor, "Steuerfall prüfen und freigeben")
    editor.fields["Ersetzt"].value = "9"  # Nr 9 of the IST table
    assert "1 Änderung(en)" in editor.save()
    soll = bpmn.read(example_copy / "hundeanmeldung" / "soll.bpmn")
    step = next(a for a in soll.activities() if a.name == "Steuerfall prüfen und freigeben")
    assert step.get_ext("replaces") == "Schritt_9"
    reopened = ModelEditor(example_copy, "hundeanmeldung", "soll")
    _select(reopened, "Steuerfall prüfen und freigeben")
    assert reopened.fields["Ersetzt"].value == "9"


def test_invalid_table_shows_german_error_and_saves_nothing(example_copy: Path) -> None:
    path = example_copy / "hundeanmeldung" / "soll.bpmn"
    before = path.read_bytes()
    editor = ModelEditor(example_copy, "hundeanmeldung", "soll")
    editor.steps.value = 1
    editor.fields["Weiter"].value = "999"
    assert "999" in editor.findings.value and "Zeile" in editor.findings.value
    assert "Nicht gespeichert" in editor.save()
    assert path.read_bytes() == before


def test_kommune_variant_is_created_on_save(example_copy: Path) -> None:
    editor = ModelEditor(example_copy, "geburtsurkunde", "ist", kommune="033560011")
    assert "eigene Variante" in editor.status.value
    editor.save()
    assert (example_copy / "geburtsurkunde" / "ist.033560011.bpmn").exists()


def test_weight_tuner_reranks_and_saves_weights_keeping_comments(example_copy: Path) -> None:
    tuner = WeightTuner(example_copy, "033560005")
    first = tuner.ranking.value
    for group_id, slider in tuner.sliders.items():
        slider.value = 3.0 if group_id == "eignung_wirtschaft" else 0.1
    assert tuner.ranking.value != first
    tuner.save()
    text = (example_copy / "bewertung.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Priorisierungsmodell")  # comments kept
    model = Repository.load(example_copy).scoring
    assert {g.id: g.weight for g in model.groups}["eignung_wirtschaft"] == 3.0


def test_catalog_filters(example_copy: Path) -> None:
    view = CatalogView(example_copy)
    view.fachbereich.value = "Finanzen"
    assert "Hundeanmeldung" in view.out_table.value and "Briefwahl" not in view.out_table.value
    assert "<svg" in view.out_map.value
    assert "max-width:100%" in view.out_map.value  # the poster fits the notebook's width
