"""The knowledge base's YAML loader on libyaml's C parser: same data, same refusals, same lines
as the pure-Python parser."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests.conftest import EXAMPLE
from workbench.kb import yamlio
from workbench.kb.yamlio import PySafeKbLoader, SafeKbLoader, UnsafeYaml, YamlFileError, load_yaml

ROOT = Path(__file__).resolve().parents[2]
FILES = sorted([*EXAMPLE.rglob("*.yaml"), *(ROOT / "examples").rglob("*.yaml")])

BROKEN = {
    "mapping in a mapping value": ("name: a: b\n", 1),
    "unclosed list": ("kriterien: [1, 2\nweiter: 3\n", 2),
    "tab indentation": ("gruppen:\n\t- id: x\n", 2),
    "unclosed quote": ("name: 'offen\n", 2),
}


def test_the_c_parser_is_used_when_pyyaml_has_it() -> None:
    assert yaml.__with_libyaml__, "PyYAML ohne libyaml: die Umgebung ist unvollständig"
    assert yamlio._CParser is not None and issubclass(SafeKbLoader, yamlio._CParser)


def test_every_example_file_loads_identically() -> None:
    assert len(FILES) > 15
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        assert yaml.load(text, Loader=SafeKbLoader) == yaml.load(text, Loader=PySafeKbLoader), path


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_yaml_names_the_same_line(case: str, tmp_path: Path) -> None:
    text, line = BROKEN[case]
    marks = []
    for loader in (SafeKbLoader, PySafeKbLoader):
        with pytest.raises(yaml.MarkedYAMLError) as caught:
            yaml.load(text, Loader=loader)
        marks.append(caught.value.problem_mark.line + 1)
    assert marks == [line, line]
    path = tmp_path / "leistungen.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(YamlFileError, match=rf"^leistungen\.yaml, Zeile {line}: ungültiges YAML"):
        load_yaml(path)


@pytest.mark.parametrize("depth", [65, 999, 5000])
def test_too_deep_is_refused_in_german_by_both(depth: int) -> None:
    text = "x: " + "[" * depth + "]" * depth + "\n"
    for loader in (SafeKbLoader, PySafeKbLoader):
        with pytest.raises(UnsafeYaml, match="verschachtelt") as caught:
            yaml.load(text, Loader=loader)
        assert caught.value.problem_mark.line == 0


def test_alias_refused_with_line_by_both() -> None:
    text = "a: 1\nb: &x [1]\nc: *x\n"
    for loader in (SafeKbLoader, PySafeKbLoader):
        with pytest.raises(UnsafeYaml, match="Alias") as caught:
            yaml.load(text, Loader=loader)
        assert caught.value.problem_mark.line + 1 == 3


def test_impossible_date_kept_with_line_by_both() -> None:
    for loader in (SafeKbLoader, PySafeKbLoader):
        value = yaml.load("x: 1\nstand: 2026-13-45\n", Loader=loader)["stand"]
        assert isinstance(value, yamlio.InvalidDate) and value.line == 2
