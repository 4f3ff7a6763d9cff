"""LeiKa keys and OZG-IDs of the shipped example, and the links by key to another Verbund.

The keys were suggested by our matcher (`workbench katalog vorschlagen`) and checked by hand
against the OZG catalogue snapshot; ``HAND_CHECKED`` is that judgement. Where the matcher's
candidates do not contain the chosen entry, the reason is named.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from workbench.kb.catalog_match import CatalogMatcher
from workbench.kb.ozg_catalog import NO_THEMENFELD, load_catalog, themenfelder_of
from workbench.report_content import load_context
from workbench.report_content.links import linked_repositories, same_leistung_elsewhere_section
from workbench.repository import Repository

ODENWALD = EXAMPLE.parent / "examples" / "odenwald"
HAND_CHECKED: dict[str, tuple[str | None, str | None]] = {  # id: (LeiKa key, OZG-ID)
    "anmeldung_einwohner": ("99115005104000", "10124"),  # Wohnsitz Anmeldung
    "meldebescheinigung": ("99115003000000", "10559"),  # amtliche Meldebestätigung
    "melderegisterauskunft": ("99115004000000", "10559"),
    "fuehrungszeugnis": ("99049001000000", "10562"),
    "fischereischein": ("99042001000000", "10148"),
    "briefwahl": ("99128001000000", "10145"),  # Briefwahl (Wahlschein: same OZG-Leistung)
    "gewerbeanmeldung": ("99050012104000", "10294"),
    "fundsachen": ("99089017000000", "10244"),
    "gaststaettenerlaubnis": ("99025002005000", "10294"),  # Gaststättengewerbe Erlaubnis
    "eheschliessung_anmelden": ("99059001104000", "10026"),
    "geburtsurkunde": ("99027002012000", "10557"),  # Ausstellung (key given before)
    "hundeanmeldung": ("99102013000000", "10160"),  # Hundesteuer: Fachbereich Finanzen
    "ersatzhundesteuermarke": ("99102013000000", "10160"),  # no entry for the Marke itself
    "sepa_mandat": (None, None),  # internal (Kasse): nothing in the catalogue
    "eigentuemerwechsel": (None, None),  # tax accounts; OZG 10532 is the Grundbuch: no match
    "kita_anmeldung": ("99041004034000", "10019"),  # Kindertagesstätte Aufnahme
}
#: The name alone says „Hundehaltung Anmeldung“ (registration under the Tierschutzgesetz); the
#: example's process is the dog tax of Fachbereich Finanzen – the key was entered by hand.
NOT_AMONG_CANDIDATES = {"hundeanmeldung"}


@pytest.fixture(scope="module")
def repo() -> Repository:
    return Repository.load(EXAMPLE)


def _value(x: object) -> str | None:
    return x if isinstance(x, str) and x else None


def test_example_carries_the_hand_checked_keys(repo: Repository) -> None:
    found = {r.id: (_value(r.leika), _value(r.ozg_id)) for r in repo.leistungen.itertuples()}
    assert found == HAND_CHECKED


def test_our_matcher_offers_every_chosen_entry(repo: Repository) -> None:
    matcher = CatalogMatcher(load_catalog())
    for row in repo.leistungen.itertuples():
        key = HAND_CHECKED[row.id][0]
        if key is None or row.id in NOT_AMONG_CANDIDATES:
            continue
        result = matcher.match_one(row.name)
        objects = [c.entry.object_key for c in result.candidates]
        assert key[:8] in objects, (row.name, objects)


def test_themenfeld_grouping_works_on_the_example(repo: Repository) -> None:
    groups = themenfelder_of(repo.leistungen, load_catalog())
    without = sorted(i for i, g in zip(repo.leistungen["id"], groups, strict=True)
                     if g == NO_THEMENFELD)
    assert without == ["eigentuemerwechsel", "sepa_mandat"]
    assert len(set(groups)) >= 6


def test_kommune_report_links_the_same_leistung_in_another_verbund() -> None:
    ctx = load_context(EXAMPLE)
    html = same_leistung_elsewhere_section(ctx, "033560005")
    assert "Dieselbe Leistung in anderen Verbünden" in html
    assert "Interkommunale Zusammenarbeit Odenwald" in html
    # six of Lilienthal's Leistungen have the same key in the Odenwald catalogue
    assert html.count("<tr><td>") == 6
    assert "<td>Fundsachen</td><td>99089017000000</td>" in html
    assert "Erbach, Kreisstadt; Michelstadt, Stadt; Brombachtal" in html
    assert "nur Steckbrief" in html and "Briefwahl" not in html


def test_links_show_models_and_name_a_missing_knowledge_base(tmp_path: Path) -> None:
    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    other = tmp_path / "partner"
    shutil.copytree(ODENWALD, other)
    # the partner has modelled its Fundbüro: the same SOLL as ours, as a starting point
    (other / "fundbuero").mkdir(exist_ok=True)
    shutil.copy(kb / "fundsachen" / "soll.bpmn", other / "fundbuero" / "soll.bpmn")
    text = (kb / "verbund.yaml").read_text(encoding="utf-8")
    (kb / "verbund.yaml").write_text(text.replace("  - ../examples/odenwald\n",
                                                  "  - ../partner\n  - ../fehlt\n"),
                                     encoding="utf-8")
    repos, notes = linked_repositories(Repository.load(kb))
    assert [r.verbund.id for r in repos] == ["odenwald"]
    assert notes == ["Verknüpfte Wissensbasis „../fehlt“ (verbund.yaml) nicht gefunden."]
    html = same_leistung_elsewhere_section(load_context(kb), "033560005")
    row = html[html.index("<td>Fundsachen</td>"):]
    assert row[:row.index("</tr>")].endswith("<td>SOLL</td>")
    assert "nicht gefunden" in html


def test_no_linked_knowledge_base_no_section(tmp_path: Path) -> None:
    kb = tmp_path / "processes"
    shutil.copytree(EXAMPLE, kb)
    text = (kb / "verbund.yaml").read_text(encoding="utf-8")
    (kb / "verbund.yaml").write_text(text.replace("verknuepfte_wissensbasen:\n  - "
                                                  "../examples/odenwald\n", ""), encoding="utf-8")
    assert same_leistung_elsewhere_section(load_context(kb), "033560005") == ""


def test_linked_files_are_inputs_of_every_report(repo: Repository) -> None:
    """A change in the partner's catalogue re-renders the reports (incremental batches)."""
    from workbench.reports.jobs import jobs_for_repository

    jobs = jobs_for_repository(repo, kommunen=["033560005"], stand="2026-11-24", top_n=5,
                               template_dir=Path("."))
    partner = (ODENWALD / "leistungen.yaml").resolve()
    assert all(partner in {p.resolve() for p in job.inputs} for job in jobs)
