"""Issue 11, items 4 and 5: YAML alias bombs and impossible dates become findings, fast."""

from __future__ import annotations

import shutil
import time

import pytest

from tests.conftest import EXAMPLE
from workbench.repository import Repository


def _bomb(levels: int = 9) -> str:
    lines = ['l0: &l0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, levels):
        lines.append(f"l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


@pytest.fixture
def kb(tmp_path):
    target = tmp_path / "processes"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.mark.parametrize("name", ["leistungen.yaml", "verbund.yaml", "bewertung.yaml",
                                  "hundeanmeldung/steckbrief.yaml"])
def test_alias_bomb_is_a_finding_not_a_hang(kb, name) -> None:
    path = kb / name
    path.write_text(path.read_text(encoding="utf-8") + _bomb(), encoding="utf-8")
    started = time.perf_counter()
    repo = Repository.load(kb)
    assert time.perf_counter() - started < 10
    errors = [f for f in repo.findings if f.file == name and f.severity == "error"]
    assert errors and "Alias" in errors[0].message and "Zeile" in (errors[0].location
                                                                    + errors[0].message)


def test_aliases_refused_when_editing(kb) -> None:
    from workbench.kb.yamlio import YamlFileError, read_roundtrip

    path = kb / "hundeanmeldung" / "steckbrief.yaml"
    path.write_text(path.read_text(encoding="utf-8") + _bomb(), encoding="utf-8")
    with pytest.raises(YamlFileError, match="Alias"):
        read_roundtrip(path)


def test_deep_nesting_is_refused(kb) -> None:
    path = kb / "leistungen.yaml"
    path.write_text("x: " + "[" * 5000 + "]" * 5000 + "\n", encoding="utf-8")
    repo = Repository.load(kb)
    assert any("verschachtelt" in f.message for f in repo.findings if f.file == "leistungen.yaml")


@pytest.mark.parametrize("name", ["verbund.yaml", "hundeanmeldung/steckbrief.yaml"])
def test_impossible_date_is_a_finding_with_line(kb, name) -> None:
    path = kb / name
    text = path.read_text(encoding="utf-8")
    key = "stand" if name == "verbund.yaml" else "zuletzt_geprueft"
    lines = [f"{key}: 2026-13-45" if line.startswith(f"{key}:") else line
             for line in text.splitlines()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    repo = Repository.load(kb)
    found = [f for f in repo.findings if f.file == name and "2026-13-45" in f.message]
    assert found and found[0].severity == "error" and found[0].location.startswith("Zeile")
