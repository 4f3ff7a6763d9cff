"""Helpers for knowledge-base tests: write files, build small models, snapshot a tree."""

from __future__ import annotations

import textwrap
from pathlib import Path

from workbench.bpmn.builder import ModelBuilder


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def small_model(name: str, minutes: float) -> bytes:
    b = ModelBuilder(name, pool="Gemeinde")
    s = b.event("Antrag eingegangen", "start", lane="Bürger:in")
    t = b.task("Antrag prüfen", lane="Bürgerbüro", minutes=minutes, medium="Papier",
               phase="Bearbeitung", system="Meldewesen", automation="assistiert")
    e = b.event("Erledigt", "end", lane="Bürgerbüro")
    b.flow(s, t)
    b.flow(t, e)
    return b.build().to_bytes()


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file's bytes, to prove that a failing command changed nothing."""
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*"))
            if p.is_file()}
