"""The strategy report: every section with hand-checked values, escaping, the batch and the
Kommune report's "Beitrag zur Strategie"."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import ROOT
from workbench.report_content import load_context
from workbench.report_content import strategie as teil

LILIENTHAL = "033560005"


@pytest.fixture(scope="module")
def ctx():
    return load_context(ROOT / "processes")


@pytest.fixture(scope="module")
def sctx(ctx):
    return teil.load_strategy_context(ctx)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("\u00a0", " ")


def test_cover_and_summary(ctx, sctx) -> None:
    cover = teil.cover(ctx, sctx)
    assert "Strategiebericht: Verbund im Landkreis Osterholz" in cover
    assert "Stand 24.11.2026" in cover and "Beispielwerte" in cover
    text = _text(teil.summary(ctx, sctx))
    assert "15 von 15" in text and "5 umgesetzt, 4 in Umsetzung" in text
    # mean progress of the seven Key Results of 2026-Q4 (start → target, current):
    # 50 → 100: 90; 30 → 100: 87,5; 0 → 2.000: hours (test_queries_by_hand); 10 → 40: 5/17;
    # 0 → 25: 0; 0 → 8: 5; 0 → 10: 4
    from workbench.strategy.kpis import query_values

    h = query_values(sctx.data)["stunden_gespart_umgesetzt"]
    mean = (0.8 + 57.5 / 70 + min(1.0, h / 2000) + (100 * 5 / 17 - 10) / 30 + 0 + 5 / 8 + 0.4) / 7
    assert f"{100 * mean:.0f} %" in text and "mittlerer Fortschritt von 7 Key Results" in text
    assert f"{h:,.0f}".replace(",", ".") in text  # the hours tile shows the same value
    mine = _text(teil.summary(ctx, sctx, LILIENTHAL))
    assert "Maßnahmen 16 " in mine  # all but M11 (Landkreis and Osterholz-Scharmbeck only)


def test_goal_tree(ctx, sctx) -> None:
    text = _text(teil.goal_tree(ctx, sctx))
    assert "2.4 Automatisierung · Priorität mittel" in text
    assert ("M6 RPA-Pilot Gewerbeanmeldung (Weiterleitung an Kammern und Finanzamt) (in Planung) "
            "→ Gewerbeanmeldung (SOLL), Gaststättenerlaubnis") in text
    assert "M11 Pilot Arbeitsplatz 4.0" in text
    assert "M11 Pilot" not in _text(teil.goal_tree(ctx, sctx, LILIENTHAL))


def test_impact_matrix(ctx, sctx) -> None:
    html = teil.impact_matrix(ctx, sctx)
    assert "<svg" in html
    text = _text(html)
    # Fokus = single highest value; 1.1 (2, 2, 2) has none
    assert "Prozesse 2.1, 2.2, 4.3" in text and "Finanzen 1.2, 2.4, 5.3" in text
    assert "1.1" not in text.split("Ziele mit diesem Fokus")[1]


def test_okr_section(ctx, sctx) -> None:
    text = _text(teil.okr(ctx, sctx))
    assert "OKR 2026-Q4" in text and "aus Ziel 2.1 Prozessmanagement" in text
    assert "Zehn Lerneinheiten sind erstellt. 0 10 4 Lerneinheiten 40 % eingetragen" in text
    # 90 % of the Massengeschäft has an IST: (90 − 50) / (100 − 50) = 80 %
    assert "Die Leistungen im Massengeschäft haben ein IST-Modell. 50 100 90 % 80 % berechnet" \
        in text


def test_status_lights(ctx, sctx) -> None:
    html = teil.status_lights(ctx, sctx)
    row = next(r for r in html.split("<tr>") if "M3 Online-Anmeldung" in r)
    assert "15.11.2026" in row and "ampel rot" in row and "↘ schlechter" in row
    assert "M5 " not in html  # no report yet


def test_roadmap(ctx, sctx) -> None:
    html = teil.roadmap_table(ctx, sctx)
    head = html.split("</thead>")[0]
    assert head.count("<th class='klein'>") == 14  # 2025-Q1 … 2028-Q2
    assert "26/4 ▼" in head
    row = next(r for r in html.split("<tr>") if "M1 Erhebungsstandard" in r)
    assert row.count("background-color:#2e7d32") == 2  # 15.01.–30.06.2026: Q1 and Q2


def test_measures_by_status(ctx, sctx) -> None:
    text = _text(teil.measures_by_status(ctx, sctx))
    assert "neu (3)" in text and "in Planung (5)" in text and "in Umsetzung (4)" in text
    assert "umgesetzt (5)" in text and "zurückgestellt" not in text


def test_ranking_by_goal(ctx, sctx) -> None:
    text = _text(teil.ranking_by_goal(ctx, sctx))
    verbund = ctx.analysis.verbund.set_index("leistung")
    ranks = {lid: int(verbund.loc[lid, "rang"]) for lid in
             ("briefwahl", "gaststaettenerlaubnis", "gewerbeanmeldung")}
    ordered = sorted(ranks, key=ranks.get)
    names = {"briefwahl": "Briefwahl und Wahlschein", "gewerbeanmeldung": "Gewerbeanmeldung",
             "gaststaettenerlaubnis": "Gaststättenerlaubnis"}
    # goal 2.4 (Automatisierung): M4 → Briefwahl, M6 → Gewerbeanmeldung, Gaststättenerlaubnis
    row = "2.4 Automatisierung " + ", ".join(f"{names[lid]} (Rang {ranks[lid]})"
                                            for lid in ordered)
    assert row in text
    assert "1.1 Informationssicherheit" not in text  # M9 touches no Leistung
    mine = _text(teil.ranking_by_goal(ctx, sctx, LILIENTHAL))
    assert "der Kommune" in mine and "2.4 Automatisierung" in mine


def test_resources_by_hand(ctx, sctx) -> None:
    text = _text(teil.resource_table(ctx, sctx))
    # Lilienthal bears the je-Kommune effort of M3, M4, M5, M7, M8, M15, M17:
    # VZA 0,1+0,05+0,05+0,1+0,1+0,05+0,05 = 0,50 … 0,2+0,1+0,1+0,3+0,2+0,1+0,15 = 1,15;
    # € 8.000+3.000+2.000+5.000+6.000+2.000+4.000 = 30.000 … 61.000
    assert "Lilienthal 0,50 1,15 30.000 € 61.000 €" in text
    # one-off: M1 0,3, M2 0,2, M6 0,3, M9 0,5, M10 0,2, M12 0,1, M13 0,2, M14 0,3, M16 0,1 = 2,2
    assert "Verbund (einmalig) 2,20 4,10 67.000 € 128.000 €" in text
    mine = _text(teil.resource_table(ctx, sctx, LILIENTHAL))
    assert "Grasberg" not in mine and "Lilienthal 0,50" in mine


def test_goal_profiles(ctx, sctx) -> None:
    html = teil.goal_profiles(ctx, sctx)
    assert html.count("class='steckbrief'") == 15
    text = _text(html)
    assert "Einer für Alle: Pilotprozess erheben" in text
    assert "Beispielwerte: prioritaet, aufwand, start" in text
    assert teil.goal_profiles(ctx, sctx, LILIENTHAL).count("class='steckbrief'") == 14  # not 1.3


def test_assumptions(ctx, sctx) -> None:
    text = _text(teil.assumptions(ctx, sctx))
    assert "Massengeschäft: mindestens 1.000 Fälle" in text
    assert "anteil_massengeschaeft_mit_ist" in text
    assert "keine Fehler und Warnungen" in text


def test_contribution_in_kommune_report(ctx) -> None:
    text = _text(teil.contribution(ctx, LILIENTHAL))
    assert "nimmt an 16 von 17 Maßnahmen" in text and "5 davon umgesetzt" in text
    frame = ctx.analysis.frame
    first = frame[(frame["kommune"].astype(str) == LILIENTHAL)].sort_values("rang").iloc[0]
    assert first["leistung"] == "briefwahl"
    # Briefwahl: M4 (2.5 hoch, 2.4 mittel) and M13 (4.3 niedrig, 2.1 hoch): 9 points → 3,0
    assert "1 Briefwahl und Wahlschein 2.5, 2.4, 4.3, 2.1 3,0" in text
    assert "href='strategie_033560005_lilienthal.html'" in teil.contribution(ctx, LILIENTHAL)


def test_sections_escape_the_knowledge_base(example_copy: Path) -> None:
    path = example_copy / "strategie" / "massnahmen.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace(
        "name: Pilot Arbeitsplatz 4.0", "name: \"<script>alert(1)</script> Pilot\""),
        encoding="utf-8")
    ctx = load_context(example_copy)
    sctx = teil.load_strategy_context(ctx)
    for html in (teil.goal_tree(ctx, sctx), teil.roadmap_table(ctx, sctx),
                 teil.measures_by_status(ctx, sctx), teil.goal_profiles(ctx, sctx)):
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt; Pilot" in html


@pytest.mark.slow
def test_batch_renders_strategy_reports_deterministically(example_copy: Path, tmp_path: Path
                                                          ) -> None:
    from workbench.reports.batch import jobs_for_repository, run_batch
    from workbench.reports.jobs import installed_templates
    from workbench.repository import Repository

    repo = Repository.load(example_copy)
    jobs = jobs_for_repository(repo, kommunen=[LILIENTHAL], include_verbund=True,
                               stand="2026-11-24", top_n=5, template_dir=installed_templates())
    assert [j.stem for j in jobs] == ["verbund", "strategie", "033560005_lilienthal",
                                      "strategie_033560005_lilienthal"]
    wanted = [j for j in jobs if j.kind == "strategie" or j.stem == "033560005_lilienthal"]
    out = tmp_path / "out"
    first = run_batch(wanted, out_dir=out, jobs_n=1, progress=False)
    assert first.exit_code == 0, first.summary()
    pages = {j.stem: (out / f"{j.stem}.html").read_bytes() for j in wanted}
    strategy = pages["strategie"].decode()
    for heading in ("Auf einen Blick", "Zielbaum", "Wirkungsmatrix", "OKR 2026-Q4",
                    "Projektstatus", "Roadmap", "Maßnahmen nach Status", "Rangliste nach Zielen",
                    "Ressourcen",
                    "Zielsteckbriefe", "Annahmen und Datenqualität"):
        assert f">{heading}</h2>" in strategy
    assert "load_strategy_context" not in strategy  # no code in the report
    assert "Beitrag zur Strategie" in pages["033560005_lilienthal"].decode()
    assert "strategie_033560005_lilienthal.html" in pages["033560005_lilienthal"].decode()
    assert "Strategiebericht: Lilienthal" in pages["strategie_033560005_lilienthal"].decode()
    again = run_batch(wanted, out_dir=tmp_path / "again", jobs_n=1, progress=False, force=True)
    assert again.exit_code == 0
    assert {j.stem: (tmp_path / "again" / f"{j.stem}.html").read_bytes() for j in wanted} == pages


def test_strategy_context_memo_hashes_once_and_sees_strategy_edits(example_copy: Path,
                                                                     monkeypatch) -> None:
    """A warm kernel asks for the strategy context in every Kommune report: the knowledge base
    is hashed once per Repository (its ``version``), not per call; an edited strategy file
    still gives the new strategy with the same Repository object."""
    from workbench.repository import Repository

    ctx = load_context(example_copy)
    first = teil.load_strategy_context(ctx)
    hashed: list[int] = []
    real = Repository.content_hash

    def counting(self, files=None):
        hashed.append(1)
        return real(self, files)

    monkeypatch.setattr(Repository, "content_hash", counting)
    assert teil.load_strategy_context(ctx) is first
    assert teil.load_strategy_context(load_context(example_copy)) is first
    assert hashed == []
    path = example_copy / "strategie" / "massnahmen.yaml"
    text = path.read_text(encoding="utf-8")
    assert "name: Pilot Arbeitsplatz 4.0" in text
    path.write_text(text.replace("name: Pilot Arbeitsplatz 4.0", "name: Pilot Arbeitsplatz 5.0"),
                    encoding="utf-8")
    edited = teil.load_strategy_context(ctx)
    assert edited is not first
    names = {m.name for m in edited.strategy.massnahmen}
    assert "Pilot Arbeitsplatz 5.0" in names and "Pilot Arbeitsplatz 4.0" not in names
