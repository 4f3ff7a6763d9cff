"""Same inputs, same bytes; a changed Steckbrief rewrites that page and the indices only."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from tests.conftest import EXAMPLE
from tests.portal.conftest import build, files


def _stats(site: Path) -> dict[str, tuple[int, str]]:
    return {p.relative_to(site).as_posix(): (p.stat().st_mtime_ns,
                                             hashlib.sha256(p.read_bytes()).hexdigest())
            for p in sorted(site.rglob("*")) if p.is_file() and ".portal-cache" not in p.parts}


def test_two_builds_are_byte_identical(built: tuple[Path, object], tmp_path: Path) -> None:
    site, _ = built
    kb = tmp_path / "anderswo" / "processes"  # another path: nothing of it may leak into the site
    shutil.copytree(EXAMPLE, kb)
    build(kb, tmp_path / "site")
    first, second = files(site), files(tmp_path / "site")
    assert sorted(first) == sorted(second)
    assert [k for k in first if first[k] != second[k]] == []
    assert len(first) > 100


def test_cached_records_give_the_same_bytes(built: tuple[Path, object], tmp_path: Path) -> None:
    site, _ = built
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    for page in (copy / "prozess").glob("*.html"):
        page.unlink()
    summary = build(EXAMPLE, copy)  # every record from the cache, the pages rendered anew
    assert summary.rebuilt_records == []
    assert files(copy) == files(site)


def test_one_changed_steckbrief_rewrites_its_page_and_the_indices_only(tmp_path: Path) -> None:
    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    out = tmp_path / "site"
    build(kb, out)
    before = _stats(out)
    again = build(kb, out)
    assert again.changed_files == [] and again.rebuilt_records == [] and _stats(out) == before

    brief = kb / "hundeanmeldung" / "steckbrief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace(
        "Anmeldung eines Hundes zur Hundesteuer", "Anmeldung eines Hundes (auch online) zur Hundesteuer"),
        encoding="utf-8")
    summary = build(kb, out)
    after = _stats(out)
    assert summary.rebuilt_records == ["hundeanmeldung"]
    changed = {rel for rel in after if after[rel] != before.get(rel)}
    assert changed == set(summary.changed_files)
    assert changed == {"prozess/hundeanmeldung.html", "assets/suche-index.js"}
    assert "auch online" in (out / "prozess" / "hundeanmeldung.html").read_text(encoding="utf-8")

    # a new responsible role changes the page, the role indices and the search – nothing else
    brief.write_text(brief.read_text(encoding="utf-8").replace(
        '"Sachgebietsleitung Steuern und Abgaben"', '"Team Hundesteuer"'), encoding="utf-8")
    summary = build(kb, out)
    changed = set(summary.changed_files)
    assert "prozess/hundeanmeldung.html" in changed and "rollen.html" in changed
    assert all(rel.startswith(("prozess/hundeanmeldung", "rolle/", "rollen.html", "index.html",
                               "fachbereiche.html", "assets/suche-index.js")) for rel in changed), changed
    assert not any(rel.startswith("prozess/") and "hundeanmeldung" not in rel for rel in changed)
    assert "rolle/team-hundesteuer.html" in changed
    assert "rolle/sachgebietsleitung-steuern-und-abgaben.html" in summary.removed_files
