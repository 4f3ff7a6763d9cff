"""Release rules: only ``status: freigegeben`` is published unless drafts are asked for; review
dates older than the interval are marked; the summary lists what was left out."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

from tests.conftest import EXAMPLE
from tests.portal.conftest import build
from workbench.portal.release import DEFAULT_INTERVAL_DAYS, decide, interval_from

STAND = dt.date(2026, 11, 24)


def test_decide_by_status() -> None:
    released = decide("a", {"status": "freigegeben"}, drafts=False, reference=STAND, interval_days=730)
    assert released.published and released.reason == ""
    draft = decide("a", {"status": "Entwurf"}, drafts=False, reference=STAND, interval_days=730)
    assert not draft.published and draft.reason == "Status „entwurf“"
    none = decide("a", {"kurzbeschreibung": "x"}, drafts=False, reference=STAND, interval_days=730)
    assert not none.published and "status: freigegeben fehlt" in none.reason
    missing = decide("a", None, drafts=True, reference=STAND, interval_days=730)
    assert not missing.published and missing.reason == "kein Steckbrief"
    assert decide("a", {"status": "entwurf"}, drafts=True, reference=STAND,
                  interval_days=730).published


def test_review_interval_is_counted_to_the_reference_date() -> None:
    brief = {"status": "freigegeben", "zuletzt_geprueft": dt.date(2025, 11, 24)}
    # 365 days before the Stand: overdue for a 364-day interval, not for 365 days
    assert decide("a", brief, drafts=False, reference=STAND, interval_days=364).overdue
    assert not decide("a", brief, drafts=False, reference=STAND, interval_days=365).overdue
    assert not decide("a", {"status": "freigegeben"}, drafts=False, reference=STAND,
                      interval_days=1).overdue  # no date: nothing to mark (validate warns)


def test_interval_from_configuration() -> None:
    assert interval_from({}, None) == DEFAULT_INTERVAL_DAYS == 730
    assert interval_from({"pruefintervall_tage": 365}, None) == 365
    assert interval_from({"pruefintervall_tage": 365}, 90) == 90
    assert interval_from({"pruefintervall_tage": "bald"}, None) == 730


def test_drafts_are_left_out_and_listed(built: tuple[Path, object]) -> None:
    site, summary = built
    assert {lid for lid, _, _ in summary.left_out} == {"gaststaettenerlaubnis", "eigentuemerwechsel"}
    assert all(reason == "Status „entwurf“" for _, _, reason in summary.left_out)
    assert len(summary.published) == 14
    assert not (site / "prozess" / "gaststaettenerlaubnis.html").exists()
    assert (site / "prozess" / "hundeanmeldung.html").exists()
    everything = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.html"))
    everything += (site / "assets" / "suche-index.js").read_text(encoding="utf-8")
    assert "Gaststättenerlaubnis" not in everything and "gaststaettenerlaubnis" not in everything


def test_with_drafts_they_are_published_and_marked(example_copy: Path, tmp_path: Path) -> None:
    summary = build(example_copy, tmp_path / "site", drafts=True)
    assert summary.left_out == [] and len(summary.published) == 16
    page = (tmp_path / "site" / "prozess" / "gaststaettenerlaubnis.html").read_text(encoding="utf-8")
    assert "<strong>Entwurf</strong>" in page
    # reviewed 30.06.2022, more than 730 days before the Stand 24.11.2026
    assert "<strong>Prüfung überfällig:</strong> zuletzt geprüft am 30.06.2022" in page
    assert ("gaststaettenerlaubnis", "Gaststättenerlaubnis", "30.06.2022") in summary.overdue
    released = (tmp_path / "site" / "prozess" / "hundeanmeldung.html").read_text(encoding="utf-8")
    assert "<strong>Entwurf</strong>" not in released and "Prüfung überfällig" not in released


def test_configured_interval_marks_more_reviews(example_copy: Path, tmp_path: Path) -> None:
    verbund = example_copy / "verbund.yaml"
    verbund.write_text(verbund.read_text(encoding="utf-8").replace(
        "  top_n: 5", "  top_n: 5\n  pruefintervall_tage: 60"), encoding="utf-8")
    summary = build(example_copy, tmp_path / "site")
    # hundeanmeldung: geprüft 25.08.2026, 91 days before the Stand
    assert ("hundeanmeldung", "Hundeanmeldung", "25.08.2026") in summary.overdue
    page = (tmp_path / "site" / "prozess" / "hundeanmeldung.html").read_text(encoding="utf-8")
    assert "länger her als 60 Tage vor dem Stand 24.11.2026" in page
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r"hundeanmeldung\.html\">Hundeanmeldung</a>\s*<span class=\"marke-pruefung\"",
                     index)


def test_withdrawn_release_removes_the_page(tmp_path: Path) -> None:
    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    out = tmp_path / "site"
    build(kb, out)
    page = out / "prozess" / "hundeanmeldung.html"
    svg = out / "bilder" / "hundeanmeldung-soll.svg"
    assert page.exists() and svg.exists()
    brief = kb / "hundeanmeldung" / "steckbrief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("status: freigegeben",
                                                               "status: entwurf"), encoding="utf-8")
    summary = build(kb, out)
    assert not page.exists() and not svg.exists()
    assert "prozess/hundeanmeldung.html" in summary.removed_files
    assert "prozess/hundeanmeldung.html" not in (out / "assets" / "suche-index.js").read_text(
        encoding="utf-8")


def test_unknown_status_is_a_validation_warning(example_copy: Path) -> None:
    from workbench.repository import Repository

    brief = example_copy / "hundeanmeldung" / "steckbrief.yaml"
    brief.write_text(brief.read_text(encoding="utf-8").replace("status: freigegeben",
                                                               "status: veröffentlicht"),
                     encoding="utf-8")
    findings = [f for f in Repository.load(example_copy).findings if f.location == "status"]
    assert len(findings) == 1 and findings[0].severity == "warning"
    assert "Status 'veröffentlicht' ist unbekannt" in findings[0].message
    assert "hundeanmeldung/steckbrief.yaml" in findings[0].file
