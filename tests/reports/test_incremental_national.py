"""One edit in a national-style knowledge base (real administrations of the Gemeindeverzeichnis,
synthetic numbers, no strategy): the rerun renders the edited Kommune, the Verbund report and
exactly those other Kommune reports whose displayed figures changed — real `workbench report`
runs, checked against the HTML itself and against a fresh, forced run.

The knowledge base has ten members so the test stays short; the set logic (fingerprints of what
each report shows, prepared once per batch) is the same as at 4,935 administrations.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from tests.conftest import EXAMPLE
from workbench.cli import main

pytestmark = pytest.mark.slow

GVZ = EXAMPLE.parent.parent / "shared" / "data" / "gemeindeverzeichnis"
KREIS = "03357"  # Landkreis Rotenburg (Wümme): ten Gemeindeverbände
MEMBERS = 10


def _members() -> list[dict[str, str]]:
    rows = []
    with open(GVZ / "gemeindeverbaende.ndjson", encoding="utf-8") as handle:
        for line in handle:
            item = json.loads(line)
            if item["schlüssel"]["nummer"].startswith(KREIS):
                rows.append({"schluessel": item["schlüssel"]["nummer"], "name": item["name"]})
    return sorted(rows, key=lambda r: r["schluessel"])[:MEMBERS]


def _build(target: Path) -> list[str]:
    """The example's catalogue and models with ten real Gemeindeverbände as members."""
    shutil.copytree(EXAMPLE, target)
    shutil.rmtree(target / "strategie", ignore_errors=True)
    rng = np.random.default_rng(20261205)
    members = pd.DataFrame(_members())
    members["typ"] = "Gemeindeverband"
    members["einwohner"] = (rng.integers(20, 60, len(members)) * 1000).astype(int)
    members["einwohner_quelle"] = "Synthetischer Testwert"
    members.to_csv(target / "kommunen.csv", index=False, quoting=1)
    example = pd.read_csv(EXAMPLE / "fallzahlen.csv", dtype={"kommune": str})
    people = pd.read_csv(EXAMPLE / "kommunen.csv", dtype={"schluessel": str})
    example = example.merge(people, left_on="kommune", right_on="schluessel")
    rates = (example.groupby("leistung")["fallzahl"].sum()
             / example.groupby("leistung")["einwohner"].sum() * 1000)
    ids = [i["id"] for i in yaml.safe_load(
        (EXAMPLE / "leistungen.yaml").read_text(encoding="utf-8"))["leistungen"]]
    rows = [(key, lid, year, int(rng.poisson(ew / 1000 * rates.get(lid, 5.0))))
            for key, ew in zip(members["schluessel"], members["einwohner"], strict=True)
            for lid in ids for year in (2023, 2024, 2025)]
    table = pd.DataFrame(rows, columns=["kommune", "leistung", "jahr", "fallzahl"])
    table["quelle"] = "Synthetischer Testwert"
    table.to_csv(target / "fallzahlen.csv", index=False, quoting=2)
    for variant in target.glob("*/ist.*.bpmn"):  # own IST models of the example's members
        variant.unlink()
    verbund = target / "verbund.yaml"
    verbund.write_text(re.sub(r"verknuepfte_wissensbasen:\n(  - .*\n)+", "",
                              verbund.read_text(encoding="utf-8")), encoding="utf-8")
    return list(members["schluessel"])


def _run(kb: Path, out: Path, *extra: str) -> None:
    assert main(["report", "--alle", "--repository", str(kb), "--out", str(out), "--jobs", "2",
                 "--ohne-fortschritt", *extra]) == 0


def _pages(out: Path) -> dict[str, tuple[int, bytes]]:
    return {p.name: (p.stat().st_ino, p.read_bytes()) for p in out.glob("*.html")
            if p.name != "index.html"}


def _shown(page: bytes) -> bytes:
    """The page without the cover's fingerprint (it changes whenever the view does)."""
    return re.sub(rb"Inhalt [0-9a-f]{12}", b"Inhalt X", page)


def _bump(kb: Path, kommune: str, leistung: str, step: int) -> None:
    """Raise the Fallzahl of all three years (so the median moves) by ``step``; one line each."""
    path = kb / "fallzahlen.csv"
    text = path.read_text(encoding="utf-8")
    pattern = re.compile(rf'^("{kommune}","{leistung}",\d+,)(\d+),', re.MULTILINE)
    assert len(pattern.findall(text)) == 3
    path.write_text(pattern.sub(lambda m: f"{m.group(1)}{int(m.group(2)) + step},", text),
                    encoding="utf-8")


@pytest.fixture(scope="module")
def national(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, list[str]]]:
    base = tmp_path_factory.mktemp("national")
    kb = base / "processes"
    keys = _build(kb)
    old = os.environ.get("WERKBENCH_SIM_CACHE")
    os.environ["WERKBENCH_SIM_CACHE"] = str(base / "simulation")
    out = base / "reports"
    _run(kb, out)
    yield kb, out, keys
    if old is None:
        os.environ.pop("WERKBENCH_SIM_CACHE", None)
    else:
        os.environ["WERKBENCH_SIM_CACHE"] = old


def _rerun(kb: Path, out: Path) -> tuple[set[str], set[str]]:
    """Rerun; the re-rendered pages (new inode) and the pages whose shown content changed."""
    before = _pages(out)
    _run(kb, out)
    after = _pages(out)
    assert set(after) == set(before)
    made = {n for n in after if after[n][0] != before[n][0]}
    moved = {n for n in after if _shown(after[n][1]) != _shown(before[n][1])}
    fresh = out.parent / "frisch"
    shutil.rmtree(fresh, ignore_errors=True)
    _run(kb, fresh, "--force")
    for name, (_, data) in _pages(fresh).items():  # nothing skipped is stale
        assert data == after[name][1], name
    return made, moved


def test_one_edit_rerenders_exactly_what_shows_it(national: tuple[Path, Path, list[str]]) -> None:
    kb, out, keys = national
    pages = _pages(out)
    assert len(pages) == MEMBERS + 1
    stem = {key: next(n for n in pages if n.startswith(f"{key}_")) for key in keys}
    edited = keys[MEMBERS // 2]

    # one Fallzahl +1 in one member: the Verbund averages as printed (one decimal) stay, so
    # exactly that member's report and the Verbund report are rendered again
    _bump(kb, edited, "gewerbeanmeldung", 1)
    made, moved = _rerun(kb, out)
    assert made == {stem[edited], "verbund.html"}
    assert moved <= made

    # the same member's Gewerbeanmeldungen × 4: the printed Verbund average per 1,000
    # inhabitants moves, so every member that lists Gewerbeanmeldung among its top Leistungen
    # is rendered again — and only reports whose shown content changed
    table = pd.read_csv(kb / "fallzahlen.csv", dtype={"kommune": str})
    now = int(table.query("kommune == @edited and leistung == 'gewerbeanmeldung'")
              ["fallzahl"].max())
    _bump(kb, edited, "gewerbeanmeldung", 3 * now)
    made, moved = _rerun(kb, out)
    others = made - {stem[edited], "verbund.html"}
    assert {stem[edited], "verbund.html"} <= made and len(others) >= 2, made
    assert others == moved - {stem[edited], "verbund.html"}  # re-rendered ⇔ shown figures moved
