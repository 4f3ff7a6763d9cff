"""Incremental batches on the shipped example: a report is re-rendered exactly when what it
shows changed (real `workbench report` runs: warm kernels, real papermill, real HTML).

Re-rendered files are found by their inode (every write is an atomic replace), and after each
edit the incremental folder is compared byte for byte with a fresh, forced run of the same
knowledge base: nothing skipped may be stale.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from workbench.cli import main

pytestmark = pytest.mark.slow

GRASBERG = "033560002_grasberg.html"
LANDKREIS = "03356_landkreis-osterholz.html"
LILIENTHAL = "033560005_lilienthal.html"


def _run(kb: Path, out: Path, *extra: str) -> None:
    assert main(["report", "--alle", "--repository", str(kb), "--out", str(out), "--jobs", "2",
                 "--ohne-fortschritt", *extra]) == 0


def _inodes(out: Path) -> dict[str, int]:
    return {p.name: p.stat().st_ino for p in out.glob("*.html") if p.name != "index.html"}


def _rerendered(before: dict[str, int], out: Path) -> set[str]:
    after = _inodes(out)
    assert set(after) == set(before)
    return {name for name in after if after[name] != before[name]}


def _kommune_reports(names: set[str]) -> set[str]:
    return {n for n in names if re.match(r"^\d+_", n)}


def _set_fallzahl(kb: Path, kommune: str, leistung: str, jahr: int, value: int) -> None:
    path = kb / "fallzahlen.csv"
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf'^("?{kommune}"?,{leistung},{jahr},)\d+,', re.MULTILINE)
    assert pattern.search(text), (kommune, leistung, jahr)
    path.write_text(pattern.sub(rf"\g<1>{value},", text), encoding="utf-8")


def _assert_same_as_fresh(kb: Path, out: Path, fresh: Path) -> None:
    shutil.rmtree(fresh, ignore_errors=True)
    _run(kb, fresh, "--force")
    for page in fresh.glob("*.html"):
        if page.name != "index.html":
            assert page.read_bytes() == (out / page.name).read_bytes(), page.name


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Path]]:
    """A copy of the example (with its linked Odenwald base), rendered once, cold."""
    from tests.conftest import EXAMPLE

    base = tmp_path_factory.mktemp("inkrementell")
    kb = base / "processes"
    shutil.copytree(EXAMPLE, kb)
    shutil.copytree(EXAMPLE.parent / "examples" / "odenwald", base / "examples" / "odenwald")
    old = os.environ.get("WERKBENCH_SIM_CACHE")
    os.environ["WERKBENCH_SIM_CACHE"] = str(base / "simulation")
    out = base / "reports"
    _run(kb, out)
    yield kb, out, base / "frisch"
    if old is None:
        os.environ.pop("WERKBENCH_SIM_CACHE", None)
    else:
        os.environ["WERKBENCH_SIM_CACHE"] = old


def test_incremental_rerenders_what_changed(batch: tuple[Path, Path, Path]) -> None:
    kb, out, fresh = batch
    kommunen = _kommune_reports(set(_inodes(out)))
    assert len(kommunen) == 8

    # (d) no change: nothing is rendered, the bytes stay
    before = _inodes(out)
    pages = {p.name: p.read_bytes() for p in out.glob("*.html") if p.name != "index.html"}
    _run(kb, out)
    assert _rerendered(before, out) == set()
    assert pages == {p.name: p.read_bytes() for p in out.glob("*.html") if p.name != "index.html"}

    # (a) one Fallzahl of Grasberg +1 (90 → 91): no displayed Verbund average moves, so of the
    # Kommune reports only Grasberg's is rendered, plus the Verbund report; every strategy
    # report prints the Verbund-wide hours of delivered SOLL processes (1.273,3 → 1.273,6)
    before = _inodes(out)
    _set_fallzahl(kb, "033560002", "hundeanmeldung", 2025, 91)
    _run(kb, out)
    changed = _rerendered(before, out)
    assert _kommune_reports(changed) == {GRASBERG}
    assert "verbund.html" in changed
    assert len(changed) == 1 + 1 + 9  # Grasberg, Verbund, strategy reports (Verbund + 8)
    _assert_same_as_fresh(kb, out, fresh)

    # (b) Grasberg's Hundeanmeldungen 2025 = 590: the Fallzahl (median of three years) moves
    # 91 → 108 and with it the displayed Verbund average per 1,000 inhabitants, so every
    # Kommune that lists Hundeanmeldung among its top Leistungen is rendered again; the
    # Landkreis (no Hundeanmeldung) is not
    before = _inodes(out)
    _set_fallzahl(kb, "033560002", "hundeanmeldung", 2025, 590)
    _run(kb, out)
    changed = _kommune_reports(_rerendered(before, out))
    assert GRASBERG in changed and len(changed) >= 3, changed
    assert LANDKREIS not in changed

    # (c) a model change: the SOLL of Hundeanmeldung renders all Kommunen that have it again;
    # Lilienthal's own IST of Anmeldung only Lilienthal's report
    before = _inodes(out)
    soll = kb / "hundeanmeldung" / "soll.bpmn"
    soll.write_text(soll.read_text(encoding="utf-8").replace(
        'name="Steueramt"', 'name="Steueramt (Team Hunde)"'), encoding="utf-8")
    _run(kb, out)
    changed = _kommune_reports(_rerendered(before, out))
    assert changed == kommunen - {LANDKREIS} or changed == kommunen, changed
    before = _inodes(out)
    own = kb / "anmeldung_einwohner" / "ist.033560005.bpmn"
    own.write_text(own.read_text(encoding="utf-8").replace("</bpmn:definitions>",
                                                           "<!-- geprüft -->\n</bpmn:definitions>"),
                   encoding="utf-8")
    _run(kb, out)
    assert _kommune_reports(_rerendered(before, out)) == {LILIENTHAL}
    _assert_same_as_fresh(kb, out, fresh)
