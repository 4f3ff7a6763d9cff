"""The shipped example's reports as a reader gets them (issue 14, item 4): every table without
repeated rows, heatmap labels never split inside a word, names instead of keys in the prose, a
Kommune report with only its own notes. One real batch (`workbench report --alle`) on a copy
of the example; every report of it is checked, not a chosen one."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import lxml.html
import pytest

from workbench.cli import main
from workbench.repository import Repository

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> tuple[Repository, Path]:
    from tests.conftest import EXAMPLE

    base = tmp_path_factory.mktemp("lesen")
    kb = base / "processes"
    shutil.copytree(EXAMPLE, kb)
    out = base / "reports"
    assert main(["report", "--alle", "--repository", str(kb), "--out", str(out), "--jobs", "2",
                 "--ohne-fortschritt"]) == 0
    return Repository.load(kb), out


def _pages(out: Path) -> dict[str, lxml.html.HtmlElement]:
    return {p.name: lxml.html.fromstring(p.read_bytes()) for p in sorted(out.glob("*.html"))
            if p.name != "index.html"}


def _text(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().split())


def test_no_table_repeats_a_row(batch: tuple[Repository, Path]) -> None:
    """The Verbund's „Unvollständige Bewertungen“ listed the same 6 rows 8 times (once per
    member); no table of any report may repeat a row."""
    _, out = batch
    pages = _pages(out)
    assert "verbund.html" in pages and len(pages) >= 10
    checked = 0
    for name, page in pages.items():
        for table in page.iter("table"):
            rows = [tuple(_text(c) for c in tr.iter("td", "th")) for tr in table.iter("tr")]
            rows = [r for r in rows if r]
            repeated = {r for r in rows if rows.count(r) > 1}
            assert not repeated, f"{name}: Zeile mehrfach: {sorted(repeated)[:2]}"
            checked += 1
    assert checked > 50
    verbund = pages["verbund.html"]
    heading = next(p for p in verbund.iter("p") if "Unvollständige Bewertungen" in _text(p))
    table = heading.getnext()
    rows = [[_text(c) for c in tr.iter("td")] for tr in table.iter("tr")][1:]
    assert len({r[0] for r in rows}) == len(rows) == 6  # one row per Leistung
    assert ["Ersatzhundesteuermarke", "7", "alle"] in rows


def _label_run(pieces: list[str], start: int, name: str) -> int:
    """How many pieces from ``start`` spell ``name``, each break at a space or after a hyphen
    or slash (0 if they do not)."""
    rest, used = name, 0
    for piece in pieces[start:]:
        if not rest.startswith(piece):
            return 0
        rest, used = rest[len(piece):], used + 1
        if not rest:
            return used
        if rest[0] == " ":
            rest = rest[1:]
        elif piece[-1] not in "/-":
            return 0  # the piece ends inside a word
    return 0


def test_heatmap_labels_are_whole_words_and_readable(batch: tuple[Repository, Path]) -> None:
    """Column labels broke mid-word („Umme ldung“): every label of the heatmap, put together
    from its SVG text pieces, is the full name, and every piece ends at a word boundary."""
    repo, out = batch
    page = lxml.html.fromstring((out / "verbund.html").read_bytes())
    svg = next(f for f in page.iter("figure") if "Eingesparte Stunden pro Jahr" in _text(f))
    pieces = [_text(t) for t in svg.iter("{*}text", "text") if _text(t)]
    names = [*repo.leistungen["name"].astype(str), *repo.kommunen["name"].astype(str)]
    covered: set[int] = set()
    shown = 0
    for name in names:
        runs = [(i, n) for i in range(len(pieces)) if (n := _label_run(pieces, i, name))]
        if runs:
            shown += 1
            covered |= {i + k for i, n in runs[:1] for k in range(n)}
    assert shown >= 8 + 14  # every member and every Leistung with savings, whole
    loose = [p for i, p in enumerate(pieces) if i not in covered
             and not re.fullmatch(r"[\d.]+", p) and p not in ("Stunden/Jahr",)
             and "Eingesparte Stunden" not in p]
    assert not loose, f"Beschriftung, die keinen ganzen Namen ergibt: {loose}"


def test_wrap_words_never_splits_a_word() -> None:
    from workbench.charts import wrap_words

    assert wrap_words("Anmeldung/Abmeldung/Ummeldung Einwohner", 12) == [
        "Anmeldung/", "Abmeldung/", "Ummeldung", "Einwohner"]
    assert wrap_words("Osterholz-Scharmbeck, Stadt", 12) == ["Osterholz-", "Scharmbeck,", "Stadt"]
    assert wrap_words("Ersatzhundesteuermarke", 8) == ["Ersatzhundesteuermarke"]
    assert wrap_words("Melde- und Lebensbescheinigung", 28) == ["Melde- und", "Lebensbescheinigung"]


def _prose(page: lxml.html.HtmlElement) -> list[str]:
    """Paragraphs, list items and definitions — the running text a reader reads (tables and
    figures are data; their cells may name files)."""
    return [_text(e) for e in page.iter("p", "li", "dd", "h1", "h2", "h3")
            if e.getparent() is not None and e.getparent().tag not in ("td", "th")
            and not any(a.tag in ("figure", "table") for a in e.iterancestors())]


def test_only_names_in_prose(batch: tuple[Repository, Path]) -> None:
    """Raw keys in text for the mayor („anmeldung_einwohner, briefwahl, …“): no Leistung id,
    no Kommune key (except where the cover states the official key as such) and no BPMN
    element id appears in the prose of any report."""
    repo, out = batch
    ids = [str(i) for i in repo.leistungen["id"]]
    keys = [str(k) for k in repo.kommunen["schluessel"]]
    element_ids = set()
    for lid in ids:
        for path in sorted((repo.root / lid).glob("*.bpmn")):
            element_ids |= set(re.findall(r'\bid="([A-Za-z_][\w.-]*)"', path.read_text("utf-8")))
    element_ids = {e for e in element_ids if re.search(r"[_\d]", e) and len(e) > 6}
    pattern = re.compile(r"(?<![\w/.\-])(" + "|".join(map(re.escape, sorted(
        [*ids, *element_ids], key=len, reverse=True))) + r")(?![\w/\-]|\.\w)")
    found = []
    for name, page in _pages(out).items():
        for text in _prose(page):
            found += [(name, m.group(1), text[:80]) for m in pattern.finditer(text)]
            for key in keys:
                if re.search(rf"(?<!\d){key}(?!\d)", text) and f"Schlüssel {key}" not in text:
                    found.append((name, key, text[:80]))
    assert not found, found[:5]


def test_kommune_report_shows_its_own_notes_only(batch: tuple[Repository, Path]) -> None:
    """A Kommune report repeated the Verbund-wide notes („14 Kombination(en) Kommune ×
    Leistung …“); it names its own and points to the Verbund report in one line."""
    _, out = batch
    verbund = (out / "verbund.html").read_text("utf-8")
    assert "Kombination(en) Kommune × Leistung" in verbund
    reports = sorted(p for p in out.glob("03356*.html"))
    assert len(reports) == 8
    for report in reports:
        page = lxml.html.fromstring(report.read_bytes())
        notes = next((p.getnext() for p in page.iter("p")
                      if _text(p) == "Hinweise der Berechnung"), None)
        text = _text(notes) if notes is not None else ""
        assert "Kombination(en) Kommune × Leistung" not in text, report.name
        assert "Hinweise, die den ganzen Verbund betreffen, stehen im Verbundbericht" in text
        assert 'href="verbund.html"' in report.read_text("utf-8")
        assert "ist." not in " ".join(  # no other member's model variant among the findings
            _text(td) for td in page.iter("td") if re.search(r"ist\.0\d+\.bpmn", _text(td))
            and report.name.split("_")[0] not in _text(td))
