"""LeiKa keys link the same Leistung across Verbünde; the Landkarte and the Verbund report
group by OZG-Themenfeld."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from workbench.cli import main
from workbench.kb.catalog_links import leika_index, same_leistung_elsewhere
from workbench.kb.ozg_catalog import NO_THEMENFELD, load_catalog, themenfelder_of
from workbench.repository import Repository

EXAMPLE = Path(__file__).parents[2] / "processes"


def _second_verbund(tmp_path: Path, kb: Path) -> Path:
    other = tmp_path / "anderer"
    shutil.copytree(kb, other)
    text = (other / "verbund.yaml").read_text(encoding="utf-8")
    (other / "verbund.yaml").write_text(text.replace("id: test", "id: odenwald").replace(
        "name: Testverbund", "name: Odenwald"), encoding="utf-8")
    return other


def _set_leika(root: Path, leistung: str, key: str) -> None:
    path = root / "leistungen.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        f"id: {leistung}\n", f'id: {leistung}\n    leika: "{key}"\n', 1), encoding="utf-8")


def test_same_leistung_is_found_in_another_verbund(kb: Path, tmp_path: Path) -> None:
    other = _second_verbund(tmp_path, kb)
    _set_leika(kb, "fundsachen", "99089017000000")
    _set_leika(other, "fundsachen", "99089017000000")
    _set_leika(other, "hundeanmeldung", "99102013000000")
    index = leika_index([Repository.load(kb), Repository.load(other)])
    assert sorted(index) == ["99089017000000", "99102013000000"]
    found = same_leistung_elsewhere(index, "test", "99089017000000")
    assert [(f.verbund_id, f.leistung, f.name) for f in found] == [
        ("odenwald", "fundsachen", "Fundsachen")]
    assert found[0].kommunen == ("033560002", "033560005")
    assert same_leistung_elsewhere(index, "odenwald", "99102013000000") == []
    hund = index["99102013000000"][0]
    assert hund.models == ("ist", "soll", "ist.033560005")


def test_themenfeld_of_each_leistung_from_ozg_id_or_leika() -> None:
    repo = Repository.load(EXAMPLE)
    names = dict(zip(repo.leistungen["id"], themenfelder_of(repo.leistungen, load_catalog()),
                     strict=True))
    assert names["gewerbeanmeldung"] == "Unternehmensführung & -entwicklung"  # by LeiKa key
    assert names["briefwahl"] == "Engagement & Hobby"  # by OZG-ID 10145 (Wahlschein, Briefwahl)
    assert names["sepa_mandat"] == NO_THEMENFELD  # neither key nor OZG-ID in the example


@pytest.mark.slow
def test_landkarte_grouped_by_themenfeld(tmp_path: Path) -> None:
    out = tmp_path / "landkarte.svg"
    assert main(["landkarte", "--gruppierung", "themenfeld", "--farbe", "digitalanteil",
                 "-o", str(out), "--repository", str(EXAMPLE)]) == 0
    svg = out.read_text(encoding="utf-8")
    assert "Unternehmensfüh" in svg and NO_THEMENFELD in svg  # hyphenated: Unternehmensfüh-rung


def test_verbund_report_section_by_themenfeld() -> None:
    from types import SimpleNamespace

    from workbench.report_content.verbund import themenfelder

    html = themenfelder(SimpleNamespace(repo=Repository.load(EXAMPLE)))
    assert "Leistungen nach OZG-Themenfeld" in html
    assert "Unternehmensführung &amp; -entwicklung" in html and "Gewerbeanmeldung" in html
