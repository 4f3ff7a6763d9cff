"""German line breaking with the pyphen dictionary, ids never shown as names (issue 14)."""

from __future__ import annotations

import pytest

from workbench import bpmn
from workbench.maps import wording
from workbench.maps.wording import break_points, looks_like_id, wrap

from .conftest import REFERENCE_MODELS, ROOT

SHIPPED = sorted((ROOT / "processes").glob("*/*.bpmn"))


@pytest.mark.parametrize(("word", "wrong"), [
    ("Entsorgungsbetrieb", "Entsorgungsbetr-"),
    ("Wahlberechtigter", "Wahlberechtigte-"),
    ("Melderegisterauskunft", "Melderegisterausk-"),
])
def test_the_reported_wrong_breaks_do_not_happen(word, wrong):
    for width in range(6, len(word)):
        lines = wrap(word, width, None)
        assert wrong not in lines
        assert "".join(line.removesuffix("-") for line in lines) == word


def test_breaks_follow_the_dictionary():
    assert wrap("Entsorgungsbetrieb beauftragen", 16) == ["Entsorgungsbe-", "trieb",
                                                          "beauftragen"]
    assert wrap("Melderegisterauskunft erteilen", 17) == ["Melderegisteraus-",
                                                          "kunft erteilen"]
    assert 7 in break_points("Bearbeitung") and 3 not in break_points("Bearbeitung")


def test_tokens_without_break_point_are_shortened_with_ellipsis():
    lines = wrap("sid-744AEFB3C93D46A38976", 10)
    assert lines == ["sid-", "744AEFB3C…"]


def _names() -> list[str]:
    names: set[str] = set()
    for path in [*SHIPPED, *REFERENCE_MODELS]:
        model = bpmn.read(path)
        for element in model.root.iter():
            name = element.get("name") if isinstance(element.tag, str) else None
            if name and len(name) > 6:
                names.add(name)
    return sorted(names)


def _check(text: str, lines: list[str]) -> None:
    """Every word appears whole, split at a dictionary break point, or shortened with '…'."""
    words = [w for w in " ".join(text.split()).split(" ") if w]
    pieces = [p for line in lines for p in line.split(" ") if p]
    i = 0
    for word in words:
        if i >= len(pieces):
            assert pieces[-1].endswith("…")  # the rest was cut at max_lines, with ellipsis
            return
        rebuilt, consumed = "", []
        while True:
            piece = pieces[i]
            i += 1
            if piece.endswith("…"):
                assert word.startswith(rebuilt + piece[:-1])
                return
            joined = piece[:-1] if piece.endswith("-") and not word.startswith(
                rebuilt + piece) else piece
            consumed.append(len(rebuilt + joined))
            rebuilt += joined
            if rebuilt == word:
                break
            assert word.startswith(rebuilt), (word, lines)
        for cut in consumed[:-1]:
            assert cut in break_points(word), (word, cut, lines)


def test_every_label_of_every_model_breaks_only_at_break_points():
    names = _names()
    assert len(names) > 200
    for name in names:
        for width in (10, 14, 17, 24):
            _check(name, wrap(name, width, None))
            _check(name, wrap(name, width, 3))


@pytest.mark.parametrize(("text", "is_id"), [
    ("Process_0i4nlha", True), ("sid-8EFE12AB-0C1D", True), ("_39239818-2743-4f19", True),
    ("EAID_95BD2CEF_1F66", True), ("Process_1", True),
    ("A.1.0", False), ("Kita-Portal", False), ("Pool 2", False), ("SEPA-Mandat", False),
    ("Gewerbeanmeldung – IST", False),
])
def test_looks_like_id(text, is_id):
    assert looks_like_id(text) is is_id


def test_title_prefers_collaboration_then_process_never_an_id():
    camunda = bpmn.read(ROOT / "tests/fixtures/bpmn/vendor/camunda-modeler__a21-export.bpmn")
    assert not looks_like_id(wording.map_title(camunda))
    fim_like = bpmn.read(ROOT / "tests/fixtures/bpmn/messy/structure__collaboration-two-pools.bpmn")
    collab = fim_like.collaborations[0].name
    if collab:
        assert wording.map_title(fim_like) == collab
    shipped = bpmn.read(ROOT / "processes/gewerbeanmeldung/ist.bpmn")
    assert wording.map_title(shipped) == "Gewerbeanmeldung – IST"
