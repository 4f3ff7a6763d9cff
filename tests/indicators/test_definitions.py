"""The definitions every report prints are the ones docs/kennzahlen.md documents."""

from __future__ import annotations

import re
from pathlib import Path

from tests.conftest import EXAMPLE
from workbench.indicators.definitions import INDICATORS, OZG_MODEL

DOCS = Path(__file__).resolve().parents[2] / "docs" / "kennzahlen.md"
SECTION_5A = ("analoge_schritte", "analog_anteil", "digital_anteil_schritte",
              "digital_anteil_zeit", "automatisierte_schritte", "automatisierbar_anteil",
              "neuerfassungen", "scan_druck_schritte")


def test_every_indicator_sentence_is_in_the_docs() -> None:
    text = DOCS.read_text(encoding="utf-8")
    by_key = {d.key: d for d in INDICATORS}
    for key in SECTION_5A:
        d = by_key[key]
        assert f"| {d.label} | {d.sentence} | {d.better} |" in text, key
    assert OZG_MODEL in text


def test_every_report_lists_every_indicator_with_its_assumptions() -> None:
    from workbench.report_content import common, load_context

    ctx = load_context(EXAMPLE)
    html = common.definitions(ctx)
    for d in INDICATORS:
        assert d.label in html and d.sentence.split(" ")[0] in html
    # the parameters are stated once in the report, in "Annahmen und Datenqualität" (the
    # templates show both sections); the definitions point there instead of repeating them
    assert "siehe „Annahmen und Datenqualität“" in html
    assert "Lohnkosten je Stunde" not in html
    html += common.assumptions(ctx, ctx.analysis.frame, leistungen=[])
    html = re.sub(r"<[^>]+>", "", html)
    for text in ("Lohnkosten je Stunde (Kommunen)", "Stand 2025", "Fallzahl-Basis: Median der "
                 "letzten 3 gemeldeten Jahre", OZG_MODEL, "EfA-Kandidat: gemeinsames SOLL"):
        assert text in html, text
