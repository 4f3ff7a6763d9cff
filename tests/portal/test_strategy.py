"""The strategy page of the portal: Zielbaum with links to the process pages, the Maßnahmen and
goals on each process page, no page without the register, escaping, and incremental rewrites."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from tests.conftest import EXAMPLE
from tests.portal.conftest import build, files
from tests.portal.test_escaping import HOSTILE


def _text(site: Path, rel: str) -> str:
    return (site / rel).read_text(encoding="utf-8")


def test_strategy_page_is_the_goal_tree_linked_to_processes(built: tuple[Path, object]) -> None:
    site, _ = built
    page = _text(site, "strategie.html")
    assert "<h1>Strategie: Digitalisierungsleitlinie des Verbunds im Landkreis Osterholz</h1>" in page
    assert "Digitale Dienstleistungen vereinfachen das Leben für alle." in page
    # processes/strategie/massnahmen.yaml: m02_hund_efa serves z2_5 and z2_2 and delivers the
    # SOLL of hundeanmeldung and ersatzhundesteuermarke (both released)
    goal = re.search(r'<article id="ziel-z2_5" class="ziel">(.*?)</article>', page, re.S).group(1)
    assert "Maßnahme 2: Musterprozess Hundesteuer digital (EfA aus Lilienthal)" in goal
    assert '<a href="prozess/hundeanmeldung.html">Hundeanmeldung</a>' in goal
    assert '<a href="prozess/ersatzhundesteuermarke.html">Ersatzhundesteuermarke</a>' in goal
    # the Maßnahme also serves z2_2: listed there again, its anchor only once
    assert page.count('id="massnahme-m02_hund_efa"') == 1
    assert page.count("Musterprozess Hundesteuer digital (EfA aus Lilienthal)") == 2
    # Leistungen without a released page are only counted (gaststaettenerlaubnis: entwurf)
    assert "1 weitere Leistung ohne veröffentlichte Prozessseite" in page
    for lid in re.findall(r'href="prozess/([a-z_]+)\.html"', page):
        assert (site / "prozess" / f"{lid}.html").exists(), lid
    assert 'href="strategie.html"' in _text(site, "index.html")


def test_process_page_names_its_measures_and_goals(built: tuple[Path, object]) -> None:
    site, _ = built
    page = _text(site, "prozess/hundeanmeldung.html")
    section = re.search(r'<h2 id="strategie-titel">Beitrag zur Strategie</h2>(.*?)</section>',
                        page, re.S).group(1)
    links = re.findall(r'href="\.\./strategie\.html#([a-z0-9_-]+)"', section)
    assert links[:3] == ["massnahme-m02_hund_efa", "ziel-z2_5", "ziel-z2_2"]
    assert "liefert den SOLL-Prozess" in section
    strategy = _text(site, "strategie.html")
    for anchor in links:
        assert f'id="{anchor}"' in strategy, anchor


def test_no_register_no_page_and_no_error(example_copy: Path, tmp_path: Path) -> None:
    shutil.rmtree(example_copy / "strategie")
    summary = build(example_copy, tmp_path / "site")
    site = tmp_path / "site"
    assert not (site / "strategie.html").exists()
    assert "strategie.html" not in _text(site, "index.html")
    assert "Beitrag zur Strategie" not in _text(site, "prozess/hundeanmeldung.html")
    assert not any("Strategie" in n for n in summary.notes)


def test_hostile_goal_name_is_escaped(example_copy: Path, tmp_path: Path) -> None:
    path = example_copy / "strategie" / "strategie.yaml"
    text = path.read_text(encoding="utf-8")
    assert 'name: "Digitale Dienstleistungen"' in text, "strategie.yaml hat sich geändert"
    path.write_text(text.replace('name: "Digitale Dienstleistungen"', f"name: 'Ziel {HOSTILE}'"),
                    encoding="utf-8")
    build(example_copy, tmp_path / "site")
    shown = "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt;"
    for rel in ("strategie.html", "prozess/hundeanmeldung.html"):
        page = _text(tmp_path / "site", rel)
        assert "Ziel " + shown in page and HOSTILE not in page, rel
    index = _text(tmp_path / "site", "assets/suche-index.js")
    assert "<" not in index and "Ziel \\u003c/script" in index


def test_changed_measure_rewrites_strategy_and_its_processes_only(tmp_path: Path) -> None:
    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    out = tmp_path / "site"
    build(kb, out)
    before = files(out)
    path = kb / "strategie" / "massnahmen.yaml"
    text = path.read_text(encoding="utf-8")
    assert "name: Musterprozess Hundesteuer digital (EfA aus Lilienthal)" in text
    path.write_text(text.replace("name: Musterprozess Hundesteuer digital (EfA aus Lilienthal)",
                                 "name: Musterprozess Hundesteuer online"), encoding="utf-8")
    summary = build(kb, out)
    assert summary.rebuilt_records == []
    assert set(summary.changed_files) == {"strategie.html", "assets/suche-index.js",
                                          "prozess/hundeanmeldung.html",
                                          "prozess/ersatzhundesteuermarke.html"}
    after = files(out)
    assert [k for k in before if k not in summary.changed_files and before[k] != after[k]] == []
    assert "Musterprozess Hundesteuer online" in _text(out, "prozess/hundeanmeldung.html")
    # the register removed: its page and the links to it go, the processes stay
    shutil.rmtree(kb / "strategie")
    summary = build(kb, out)
    assert "strategie.html" in summary.removed_files and not (out / "strategie.html").exists()
