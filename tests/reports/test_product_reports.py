"""The product templates end to end: `workbench report` on the shipped example (real papermill
runs in warm kernels, real maps, real HTML) — content, escaping, determinism, broken data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from workbench.cli import main

SCRIPT = "<script>alert(1)</script>"


def _run(kb: Path, out: Path, *extra: str) -> int:
    return main(["report", "--repository", str(kb), "--out", str(out), "--jobs", "2",
                 "--ohne-fortschritt", *extra])


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example with a hostile Leistung name, two Kommune reports and the Verbund report."""
    import shutil

    from tests.conftest import EXAMPLE

    base = tmp_path_factory.mktemp("produkt")
    kb = base / "processes"
    shutil.copytree(EXAMPLE, kb)
    shutil.copytree(EXAMPLE.parent / "examples" / "odenwald", base / "examples" / "odenwald")
    catalogue = kb / "leistungen.yaml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8").replace(
        "name: Briefwahl und Wahlschein", f'name: "Briefwahl {SCRIPT}"'), encoding="utf-8")
    out = base / "reports"
    assert _run(kb, out, "--kommune", "033560005", "033565401", "--verbund") == 0
    return kb, out


def test_report_contents(rendered: tuple[Path, Path]) -> None:
    _, out = rendered
    page = (out / "033560005_lilienthal.html").read_text(encoding="utf-8")
    for heading in ("Management Summary", "Rangliste", "Portfolio und Robustheit",
                    "Die wichtigsten Leistungen im Einzelnen", "Prozesssteckbrief",
                    "Im Vergleich zum Verbund", "Dieselbe Leistung in anderen Verbünden",
                    "Annahmen und Datenqualität", "Glossar"):
        assert heading in page, heading
    assert "Interkommunale Zusammenarbeit Odenwald" in page  # linked by LeiKa key
    assert re.search(r"<th>Leistungsschlüssel</th><td>LeiKa \d{14} · OZG \d{5}", page)
    assert "Stand 24.11.2026" in page and "Beispielwerte" in page
    assert "Jahresarbeitszeit je VZÄ" in page and "Lohnkosten je Stunde (Kommunen)" in page
    assert page.count("<svg") >= 6  # portfolio + five IST/SOLL comparisons
    assert "medienbruch" in page.lower()
    # issue 10: indicators that cannot reward paper, side by side, defined; honest ranking
    for text in ("Kennzahlen und ihre Definitionen", "Digitalanteil nach Schritten",
                 "Händische Neuerfassungen je Fall", "SOLL gegenüber IST",
                 "Fallzahl-Basis: <b>Median der letzten 3 gemeldeten Jahre",
                 "OZG-Reifegradmodell 0–4 (Version 1.1)", "Lücken in den Modellen",
                 "Eigentümerwechsel (kein IST-Modell; kein SOLL-Modell)"):
        assert text in page, text
    assert "Medienbrüche pro Jahr vermeidbar" not in page and "vermieden" not in page
    verbund = (out / "verbund.html").read_text(encoding="utf-8")
    assert "EfA-Kandidaten" in verbund and "Die Mitglieder im Vergleich" in verbund
    assert "4 von 16" in verbund and "zu wenig Stunden" in verbund
    index = (out / "index.html").read_text(encoding="utf-8")
    assert "033560005_lilienthal.html" in index and "verbund.html" in index


def test_no_code_no_script_everything_escaped(rendered: tuple[Path, Path]) -> None:
    _, out = rendered
    for page in out.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "<script" not in text.lower(), page.name
        assert not re.search(r"""(src|href)=["']https?://""", text), page.name
        assert "load_context" not in text and "In [" not in text  # no code, no prompts
    lilienthal = (out / "033560005_lilienthal.html").read_text(encoding="utf-8")
    assert "Briefwahl &lt;script&gt;alert(1)&lt;/script&gt;" in lilienthal


def test_same_inputs_same_bytes(rendered: tuple[Path, Path]) -> None:
    kb, out = rendered
    before = {p.name: p.read_bytes() for p in out.glob("*.html") if p.name != "index.html"}
    assert _run(kb, out, "--kommune", "033560005", "033565401", "--verbund", "--force") == 0
    after = {p.name: p.read_bytes() for p in out.glob("*.html") if p.name != "index.html"}
    assert before == after


def test_broken_model_of_one_member_degrades_that_report_only(rendered: tuple[Path, Path],
                                                             tmp_path: Path) -> None:
    import shutil

    kb, _ = rendered
    broken = tmp_path / "processes"
    shutil.copytree(kb, broken)
    (broken / "anmeldung_einwohner" / "ist.033560005.bpmn").write_text("<kaputt", "utf-8")
    out = tmp_path / "reports"
    assert _run(broken, out, "--kommune", "033560005", "033560002", "--ohne-verbund") == 0
    page = (out / "033560005_lilienthal.html").read_text(encoding="utf-8")
    assert "Modell nicht lesbar" in page  # named under Annahmen und Datenqualität
    grasberg = (out / "033560002_grasberg.html").read_text(encoding="utf-8")
    assert "verbund.html" not in grasberg  # built without the Verbund report: no dead link
    assert "Verbundbericht; er wurde zusammen mit diesem Bericht nicht erstellt." in grasberg
