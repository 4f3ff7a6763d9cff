"""The sections of the strategy report (Verbund, or one Kommune) and the Kommune report's
"Beitrag zur Strategie", each returning escaped HTML.

Order: cover and summary, Zielbaum, Wirkungsmatrix, Zielsteckbriefe, roadmap, Maßnahmen by
status, the latest Ampel per project with trend, OKR progress of the quarter, resources, and the
assumptions the numbers rest on. With ``kommune`` the Maßnahmen are those it takes part in.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import __version__
from ..reports.cache import cached_text
from ..strategy import strategy_of
from ..strategy.criterion import goals_of_leistung, support_values
from ..strategy.kpis import KpiData, evaluate, kpi_data, quarter_of
from ..strategy.loader import files_state
from ..strategy.model import (
    EFFORT_BEARERS,
    LIGHTS,
    MODES,
    QUERIES,
    STATUS,
    Goal,
    Measure,
    Strategy,
)
from ..strategy.views import (
    TREND_DE,
    measures_for_kommune,
    resources,
    roadmap,
    status_rows,
)
from .data import ReportContext
from .fmt import EXTRA_CSS, esc, figure, light, number, percent, table, tiles

STATUS_COLOUR = {"neu": "#cfd8dc", "in_planung": "#90caf9", "in_umsetzung": "#1d4f91",
                 "umgesetzt": "#2e7d32", "zurueckgestellt": "#bdbdbd"}


@dataclass(frozen=True)
class StrategyContext:
    """The strategy of the report's knowledge base and its KPI inputs at the Stand."""

    strategy: Strategy
    findings: list
    data: KpiData
    kommunen: list[str]

    @property
    def quarter(self) -> str:
        quarters = self.strategy.quarters()
        own = quarter_of(self.data.stand)
        return own if own in quarters else (quarters[-1] if quarters else "")


_MEMO: dict[tuple[str, str, tuple[object, ...], str], StrategyContext | None] = {}


def load_strategy_context(ctx: ReportContext) -> StrategyContext | None:
    """The strategy with its KPI data (memoized per knowledge-base state and Stand)."""
    stand = ctx.stand or ctx.repo.verbund.stand
    # the repository's content hash as loaded (computed once per Repository, not per report:
    # the KPI data come from its frames) and the state of the strategy files read from disk
    key = (str(ctx.repo.root), ctx.repo.version, files_state(Path(ctx.repo.root).resolve()),
           str(stand))
    if key not in _MEMO:
        strategy, findings = strategy_of(ctx.repo)
        _MEMO.clear()
        _MEMO[key] = None if strategy is None else StrategyContext(
            strategy, findings, kpi_data(ctx.repo, strategy, stand),
            [str(k) for k in ctx.repo.kommunen["schluessel"]])
    return _MEMO[key]


def _measures(sctx: StrategyContext, kommune: str | None) -> list[Measure]:
    if kommune is None:
        return list(sctx.strategy.massnahmen)
    return measures_for_kommune(sctx.strategy, kommune, sctx.kommunen)


def _names(ctx: ReportContext) -> dict[str, str]:
    return dict(zip(ctx.repo.leistungen["id"].astype(str), ctx.repo.leistungen["name"].astype(str),
                    strict=True))


def _date(day: dt.date | None) -> str:
    return f"{day:%d.%m.%Y}" if day else "–"


def missing(ctx: ReportContext) -> str:
    """Shown instead of the report when the knowledge base has no strategy."""
    return (EXTRA_CSS + "<h1>Strategiebericht</h1><div class='hinweis'>Die Wissensbasis hat keine "
            "Strategie (Ordner <code>strategie/</code>); Format und Vorlage: docs/strategie.md."
            "</div>")


def cover(ctx: ReportContext, sctx: StrategyContext, kommune: str | None = None) -> str:
    s = sctx.strategy
    who = esc(ctx.repo.kommune(kommune)["name"]) if kommune else esc(ctx.repo.verbund.name)
    scope = ("Beitrag der Kommune zur gemeinsamen Strategie" if kommune
             else "Strategie des Verbunds")
    notice = f"<div class='hinweis'>{esc(s.hinweis)}</div>" if s.hinweis else ""
    return (EXTRA_CSS + f"<h1>Strategiebericht: {who}</h1>"
            f"<p class='untertitel'>{scope} · Stand {esc(ctx.stand_text)}</p>"
            f"<p><b>{esc(s.titel)}</b>{' · Horizont ' + esc(s.horizont) if s.horizont else ''}"
            f"</p><blockquote>{esc(s.vision)}</blockquote>"
            f"<p class='klein'>Quelle: {esc(s.quelle or '–')} · Wissensbasis: "
            f"{esc(_version(ctx, kommune))} · Prozess-Werkbench {esc(__version__)}</p>{notice}")


def _version(ctx: ReportContext, kommune: str | None) -> str:
    """The cover's knowledge-base version: for a Kommune the start of its report fingerprint
    (what the report shows), for the Verbund the hash of all files."""
    if kommune is None:
        return ctx.repo.version
    from .fingerprint import cover_digest

    return f"Inhalt {cover_digest(ctx, kommune, 'strategie')[:12]}"


def key_results_progress(sctx: StrategyContext) -> tuple[str, int]:
    """The mean progress of the quarter's Key Results as printed, and their number."""
    krs = evaluate(sctx.data, sctx.quarter) if sctx.quarter else []
    progress = [v.fortschritt for v in krs if v.fortschritt is not None]
    return (percent(sum(progress) / len(progress)) if progress else "–"), len(krs)


def summary(ctx: ReportContext, sctx: StrategyContext, kommune: str | None = None) -> str:
    measures = _measures(sctx, kommune)
    done = sum(m.status == "umgesetzt" for m in measures)
    running = sum(m.status == "in_umsetzung" for m in measures)
    shown, krs = key_results_progress(sctx)
    served = {g for m in measures for g in m.ziele}
    hours = _delivered_hours(sctx, kommune)
    return ("<h2>Auf einen Blick</h2>" + tiles([
        ("Ziele mit Maßnahmen", f"{number(len(served))} von {number(len(sctx.strategy.ziele))}",
         f"in {number(len(sctx.strategy.felder))} Handlungsfeldern"),
        ("Maßnahmen", number(len(measures)),
         f"{number(done)} umgesetzt, {number(running)} in Umsetzung"),
        (f"Key Results {esc(sctx.quarter) or '–'}", shown,
         f"mittlerer Fortschritt von {number(krs)} Key Results"),
        ("Stunden pro Jahr gespart", number(hours),
         "durch SOLL-Prozesse umgesetzter Maßnahmen" + (" in dieser Kommune" if kommune else "")),
    ]))


def _delivered_hours(sctx: StrategyContext, kommune: str | None) -> float:
    if kommune is not None:
        return delivered_hours_by_kommune(sctx).get(kommune, 0.0)
    from ..strategy.kpis import delivered_pairs

    pairs = delivered_pairs(sctx.strategy, sctx.kommunen, sctx.data.stand)
    frame = sctx.data.frame
    mask = [(str(k), str(lid)) in pairs for k, lid in zip(frame["kommune"], frame["leistung"],
                                                          strict=True)]
    return float(pd.to_numeric(frame.loc[mask, "stunden_gespart"], errors="coerce").fillna(0).sum())


_DELIVERED: list[tuple[StrategyContext, dict[str, float]]] = []


def delivered_hours_by_kommune(sctx: StrategyContext) -> dict[str, float]:
    """Hours per year the SOLL processes of delivered measures save, per Kommune (one pass over
    the frame, memoized per strategy context; each Kommune's rows summed in frame order)."""
    for seen, known in _DELIVERED:
        if seen is sctx:
            return known
    from ..strategy.kpis import delivered_pairs

    pairs = delivered_pairs(sctx.strategy, sctx.kommunen, sctx.data.stand)
    frame = sctx.data.frame
    keys = frame["kommune"].astype(str)
    mask = [(k, str(lid)) in pairs for k, lid in zip(keys, frame["leistung"], strict=True)]
    hours = pd.to_numeric(frame["stunden_gespart"], errors="coerce").fillna(0)[mask]
    per_kommune = {str(k): float(v.sum()) for k, v in hours.groupby(keys[mask], sort=False)}
    _DELIVERED[:] = [(sctx, per_kommune)]
    return per_kommune


def goal_tree(ctx: ReportContext, sctx: StrategyContext, kommune: str | None = None) -> str:
    """Vision → Handlungsfelder → Ziele → Maßnahmen → Leistungen as nested lists."""
    names = _names(ctx)
    mine = {m.id for m in _measures(sctx, kommune)}
    s = sctx.strategy
    parts = ["<h2>Zielbaum</h2><p>Vision → Handlungsfelder → Ziele → Maßnahmen → Leistungen. "
             "„SOLL“: die Maßnahme liefert den SOLL-Prozess der Leistung."
             + (" Gezeigt sind die Maßnahmen, an denen die Kommune teilnimmt." if kommune else "")
             + f"</p><div class='box'><b>Vision:</b> {esc(s.vision)}<ul>"]
    for field in s.felder:
        parts.append(f"<li><b>{esc(field.name)}</b><ul>")
        for gid in field.ziele:
            goal = s.goal(gid)
            measures = [m for m in s.measures_of_goal(gid) if m.id in mine]
            prio = f" · Priorität {esc(goal.prioritaet)}" if goal.prioritaet else ""
            parts.append(f"<li>{esc(goal.nr)} {esc(goal.name)}<span class='klein'>{prio}</span>")
            if measures:
                parts.append("<ul>")
                for m in measures:
                    links = ", ".join(esc(names.get(lid, lid)) + (" (SOLL)" if lid in m.soll else "")
                                      for lid in dict.fromkeys((*m.leistungen, *m.soll)))
                    parts.append(f"<li>M{esc(m.nr or '?')} {esc(m.name)} <span class='klein'>"
                                 f"({esc(STATUS[m.status])})</span>"
                                 + (f" → {links}" if links else "") + "</li>")
                parts.append("</ul>")
            parts.append("</li>")
        parts.append("</ul></li>")
    parts.append("</ul></div>")
    return "".join(parts)


def impact_matrix(ctx: ReportContext, sctx: StrategyContext) -> str:
    """The Wirkungsmatrix (goals × perspectives, 0–3) as a heatmap."""
    s = sctx.strategy
    rated = [g for g in s.ziele if g.wirkung]
    if not rated:
        return "<h2>Wirkungsmatrix</h2><p>Zu den Zielen ist keine Wirkung erfasst.</p>"
    matrix = pd.DataFrame([[g.wirkung.get(p, 0) for p in s.perspektiven] for g in rated],
                          index=[f"{g.nr} {g.name}".strip() for g in rated],
                          columns=list(s.perspektiven))
    svg = _impact_svg(matrix)
    focus = table(["Perspektive", "Ziele mit diesem Fokus"], [
        [esc(p), esc(", ".join(g.nr or g.id for g in rated if g.fokus == p)) or "–"]
        for p in s.perspektiven])
    return ("<h2>Wirkungsmatrix</h2><p>Stärke des positiven Einflusses je Perspektive, von 0 "
            "(gar keiner) bis 3 (stark). Der Fokus eines Ziels ist seine höchste Wirkung.</p>"
            + figure(svg, "Wirkungsmatrix: Ziele × Perspektiven") + focus)


_SVG_MEMO: dict[str, str] = {}


def _impact_svg(matrix: pd.DataFrame) -> str:
    """The heatmap of the Wirkungsmatrix: the same in every strategy report of a batch, so drawn
    once per batch (batch cache) and once per warm kernel (memo). ``charts`` is imported here:
    the batch's parent imports this module for the fingerprints and never draws (matplotlib)."""
    from ..charts import heatmap_svg

    digest = hashlib.sha256(matrix.to_csv().encode("utf-8")).hexdigest()[:24]
    key = f"wirkungsmatrix-{digest}.svg"
    if key not in _SVG_MEMO:
        _SVG_MEMO[key] = cached_text(key, lambda: heatmap_svg(
            matrix, title="Wirkung der Ziele auf die Perspektiven (0–3)", value_label="Wirkung",
            cmap="Blues"))
    return _SVG_MEMO[key]


def _goal_box(goal: Goal, s: Strategy, names: dict[str, str]) -> str:
    def items(values: tuple[str, ...]) -> str:
        return "<ul>" + "".join(f"<li>{esc(v)}</li>" for v in values) + "</ul>" if values else "–"

    teilung = "".join(f"<li><b>{esc(MODES.get(k, k))}:</b> {esc(v)}</li>"
                      for k, v in goal.aufgabenteilung.items())
    measures = s.measures_of_goal(goal.id)
    mtext = "".join(f"<li>M{esc(m.nr or '?')} {esc(m.name)} – {esc(MODES[m.modus])}, "
                    f"{esc(STATUS[m.status])}</li>" for m in measures)
    wirkung = ", ".join(f"{esc(p)} {v}" for p, v in goal.wirkung.items() if v)
    example = (f"<p class='klein'>Beispielwerte: {esc(', '.join(goal.beispielwerte))}</p>"
               if goal.beispielwerte else "")
    rows = [("Ziel", esc(goal.ziel) or "–"), ("Anpassung", esc(goal.anpassung) or "–"),
            ("Sinn &amp; Zweck", items(goal.sinn_und_zweck)),
            ("Meilensteine", items(goal.meilensteine)),
            ("Maßnahmen", f"<ul>{mtext}</ul>" if mtext else "keine"),
            ("Aufgabenteilung", f"<ul>{teilung}</ul>" if teilung else "–"),
            ("Start", _date(goal.start)), ("Aufwand", esc(goal.aufwand) or "–"),
            ("Risiken", esc(goal.risiken) or "–"), ("Mehrwerte", esc(goal.mehrwerte) or "–"),
            ("Priorität", esc(goal.prioritaet) or "–"),
            ("Perspektiven", (wirkung or "–") + (f" · Fokus {esc(goal.fokus)}" if goal.fokus
                                                  else ""))]
    body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in rows)
    return (f"<div class='steckbrief'><h3>{esc(goal.nr)} {esc(goal.name)}</h3>"
            f"<table><tbody>{body}</tbody></table>{example}</div>")


def goal_profiles(ctx: ReportContext, sctx: StrategyContext, kommune: str | None = None) -> str:
    """A Zielsteckbrief per goal (for a Kommune: the goals its Maßnahmen serve)."""
    s = sctx.strategy
    names = _names(ctx)
    wanted = {g for m in _measures(sctx, kommune) for g in m.ziele} if kommune else None
    boxes = [_goal_box(g, s, names) for g in s.ziele if wanted is None or g.id in wanted]
    return "<h2 class='seitenumbruch'>Zielsteckbriefe</h2>" + ("".join(boxes) or "<p>–</p>")


def roadmap_table(ctx: ReportContext, sctx: StrategyContext, kommune: str | None = None) -> str:
    """Gantt by quarter: one row per Maßnahme, coloured cells in the quarters it runs."""
    mine = {m.id for m in _measures(sctx, kommune)}
    span, rows = roadmap(sctx.strategy)
    rows = [(m, q) for m, q in rows if m.id in mine]
    if not rows:
        return "<h2>Roadmap</h2><p>Keine Maßnahme mit Terminen.</p>"
    now = quarter_of(sctx.data.stand)
    head = "".join(f"<th class='klein'>{esc(q[2:4])}/{esc(q[-1])}{' ▼' if q == now else ''}"
                   "</th>" for q in span)
    body = []
    for m, quarters in rows:
        cells = "".join(
            f"<td style='background-color:{STATUS_COLOUR[m.status]}' title='{esc(q)}'></td>"
            if q in quarters else "<td></td>" for q in span)
        body.append(f"<tr><td>M{esc(m.nr or '?')} {esc(m.name)}</td><td>{esc(STATUS[m.status])}"
                    f"</td>{cells}</tr>")
    legend = " ".join(f"<span style='background-color:{c}'>&#160;&#160;&#160;</span> "
                      f"{esc(STATUS[s])}" for s, c in STATUS_COLOUR.items())
    return ("<h2>Roadmap</h2><p>Laufzeit der Maßnahmen je Quartal (JJ/Q); ▼ markiert das Quartal "
            f"des Stichtags.</p><table class='breit'><thead><tr><th>Maßnahme</th><th>Status</th>"
            f"{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"<p class='klein'>{legend}</p>")


def measures_by_status(ctx: ReportContext, sctx: StrategyContext,
                       kommune: str | None = None) -> str:
    names = _names(ctx)
    measures = _measures(sctx, kommune)
    parts = ["<h2>Maßnahmen nach Status</h2>"]
    for status, label in STATUS.items():
        group = [m for m in measures if m.status == status]
        if not group:
            continue
        parts.append(f"<h3>{esc(label)} ({number(len(group))})</h3>")
        parts.append(table(["Nr", "Maßnahme", "Ziele", "Leistungen", "Modus", "Start", "Ende",
                            "verantwortlich"], [
            [esc(m.nr), esc(m.name), esc(", ".join(_goal_nr(sctx.strategy, g) for g in m.ziele)),
             esc(", ".join(names.get(x, x) for x in dict.fromkeys((*m.leistungen, *m.soll))))
             or "–", esc(MODES[m.modus]), _date(m.start), _date(m.ende),
             esc(m.verantwortlich) or "–"] for m in group], css="breit"))
    return "".join(parts)


def _nowrap(html: str) -> str:
    return f"<span style='white-space:nowrap'>{html}</span>"


def _goal_nr(s: Strategy, gid: str) -> str:
    goal = s.goal(gid)
    return (goal.nr or goal.id) if goal else gid


def status_lights(ctx: ReportContext, sctx: StrategyContext, kommune: str | None = None) -> str:
    """The latest status report per Maßnahme (up to the Stand) with its trend."""
    mine = {m.id for m in _measures(sctx, kommune)}
    rows = [r for r in status_rows(sctx.strategy, sctx.data.stand)
            if r.measure.id in mine and r.latest is not None]
    if not rows:
        return "<h2>Projektstatus</h2><p>Bis zum Stichtag liegt kein Statusbericht vor.</p>"
    body = [[f"M{esc(r.measure.nr or '?')} {esc(r.measure.name)}", _date(r.latest.datum),
             *(_nowrap(light(getattr(r.latest, d), LIGHTS[getattr(r.latest, d)]) + " "
                       + esc(LIGHTS[getattr(r.latest, d)])) for d in ("zeit", "sache", "kosten")),
             esc(TREND_DE[r.trend]), esc(r.latest.text) or "–"] for r in rows]
    return ("<h2>Projektstatus</h2><p>Letzter Statusbericht je Maßnahme bis zum Stichtag mit den "
            "Ampeln Zeit, Sache und Kosten. Trend: Vergleich mit dem vorigen Bericht (grün 0, "
            "gelb 1, rot 2 Punkte je Ampel; weniger ist besser).</p>" + table(
                ["Maßnahme", "vom", "Zeit", "Sache", "Kosten", "Trend", "Bericht"], body))


def okr(ctx: ReportContext, sctx: StrategyContext) -> str:
    """OKR progress of the quarter: a bar per Key Result, computed values marked."""
    quarter = sctx.quarter
    if not quarter:
        return "<h2>OKR</h2><p>Es sind keine Objectives und Key Results erfasst.</p>"
    values = evaluate(sctx.data, quarter)
    parts = [f"<h2>OKR {esc(quarter)}</h2><p>Fortschritt = (aktuell − Start) / (Ziel − Start), "
             "begrenzt auf 0–100 %. „berechnet“: der Wert kommt zum Stichtag aus der "
             "Wissensbasis.</p>"]
    for objective in [o for o in sctx.strategy.objectives if o.quartal == quarter]:
        goal = sctx.strategy.goal(objective.ziel) if objective.ziel else None
        rows = []
        for v in (x for x in values if x.objective.id == objective.id):
            share = v.fortschritt
            bar = ("–" if share is None else _nowrap(
                f"<div style='background-color:#e3e8ee;width:6em;height:0.8em;display:"
                f"inline-block'><div style='background-color:#1d4f91;height:0.8em;width:"
                f"{share * 6:.2f}em'></div></div> {percent(share)}"))
            rows.append([esc(v.kr.text), _num(v.kr.start), _num(v.kr.zielwert), _num(v.aktuell),
                         esc(v.kr.einheit), bar, esc("berechnet" if v.kr.abfrage
                                                     else "eingetragen")])
        parts.append(f"<h3>{esc(objective.text)}</h3>"
                     + (f"<p class='klein'>aus Ziel {esc(goal.nr)} {esc(goal.name)}</p>"
                        if goal else "")
                     + table(["Key Result", "Start", "Ziel", "aktuell", "Einheit", "Fortschritt",
                              "Wert"], rows, numeric=(1, 2, 3)))
    return "".join(parts)


def _num(value: float | None) -> str:
    if value is None:
        return "–"
    return number(value, 0 if float(value).is_integer() else 1)


def ranking_by_goal(ctx: ReportContext, sctx: StrategyContext, kommune: str | None = None) -> str:
    """The ranking filtered by goal: for each goal the Leistungen its Maßnahmen serve, by rank
    (Verbund ranking, or the Kommune's)."""
    from ..strategy.criterion import leistungen_of_goal

    frame = ctx.analysis.verbund if kommune is None else ctx.analysis.frame[
        ctx.analysis.frame["kommune"].astype(str) == kommune]
    ranked = frame.set_index(frame["leistung"].astype(str))
    rows = []
    for goal in sctx.strategy.ziele:
        ids = [lid for lid in leistungen_of_goal(sctx.strategy, goal.id) if lid in ranked.index]
        if not ids:
            continue
        part = ranked.loc[ids, ["rang", "leistung_name"]].sort_values(  # 2 of ~50 columns:
            ["rang", "leistung_name"], na_position="last")  # itertuples builds each column
        rows.append([f"{esc(goal.nr)} {esc(goal.name)}", ", ".join(
            f"{esc(r.leistung_name)} ({'Rang ' + number(r.rang) if r.rang == r.rang else 'ohne Rang'})"
            for r in part.itertuples())])
    who = "des Verbunds" if kommune is None else "der Kommune"
    return (f"<h2>Rangliste nach Zielen</h2><p>Je Ziel die Leistungen, die seine Maßnahmen "
            f"betreffen, geordnet nach der Rangliste {who} (wie <code>workbench potenzial "
            "--ziel ZIEL</code>).</p>" + (table(["Ziel", "Leistungen (Rang)"], rows) if rows
                                          else "<p>Keine Maßnahme betrifft eine Leistung.</p>"))


def resource_table(ctx: ReportContext, sctx: StrategyContext, kommune: str | None = None) -> str:
    """Min/max VZA and € summed per Kommune and for the Verbund (zurückgestellte excluded)."""
    frame = resources(sctx.strategy, sctx.kommunen)
    names = dict(zip(ctx.repo.kommunen["schluessel"].astype(str),
                     ctx.repo.kommunen["name"].astype(str), strict=True))
    if kommune is not None:
        frame = frame[frame["traeger"].isin([kommune, EFFORT_BEARERS["verbund"]])]
    body = [[esc(names.get(r.traeger, r.traeger)), number(r.vza_min, 2), number(r.vza_max, 2),
             number(r.euro_min, 0, "€"), number(r.euro_max, 0, "€")]
            for r in frame.itertuples()]
    return ("<h2>Ressourcen</h2><p>Geschätzte Aufwände der Maßnahmen (ohne zurückgestellte): "
            "„je Kommune“ trägt jede teilnehmende Kommune, „Verbund (einmalig)“ fällt einmal für "
            "alle an. VZA = Vollzeitstellenanteile.</p>"
            + table(["Träger", "VZA min", "VZA max", "€ min", "€ max"], body,
                    numeric=(1, 2, 3, 4)))


def assumptions(ctx: ReportContext, sctx: StrategyContext) -> str:
    s = sctx.strategy
    parts = ["<h2>Annahmen und Datenqualität</h2><ul class='annahmen'>"]
    if s.hinweis:
        parts.append(f"<li>{esc(s.hinweis)}</li>")
    parts.append(f"<li>Stichtag: {esc(ctx.stand_text)}; Maßnahmen gelten als umgesetzt, wenn ihr "
                 "Status „umgesetzt“ ist und ihr Ende nicht nach dem Stichtag liegt. Fallzahlen: "
                 "nach der Fallzahl-Basis aus verbund.yaml, nur Jahre bis zum Jahr des "
                 "Stichtags.</li>")
    parts.append(f"<li>Massengeschäft: mindestens {number(s.massengeschaeft_ab)} Fälle pro Jahr "
                 "im Verbund.</li>")
    parts.append(f"<li>„Unterstützung der Strategie“ in der Rangliste: Skalenminimum + Spanne · "
                 f"min(1, Prioritätspunkte der Ziele / {number(s.saettigung, 1)}); hoch 3, mittel "
                 "2, niedrig 1 Punkte (docs/strategie.md).</li></ul>")
    used = sorted({kr.abfrage for o in s.objectives for kr in o.key_results if kr.abfrage})
    if used:
        parts.append("<p><b>Berechnete Key Results</b></p>" + table(
            ["Abfrage", "Bedeutung"], [[esc(q), esc(QUERIES[q])] for q in used]))
    findings = [f for f in sctx.findings if f.severity != "info"]
    if findings:
        parts.append("<p><b>Befunde der Strategie</b> (<code>workbench validate</code>):</p>"
                     + table(["Datei", "Stelle", "Befund"], [
                         [esc(f.file), esc(f.location), esc(f.message)] for f in findings[:30]]))
    else:
        parts.append("<p>Die Strategiedateien haben keine Fehler und Warnungen.</p>")
    return "".join(parts)


def contribution(ctx: ReportContext, kommune: str) -> str:
    """The Kommune report's short section "Beitrag zur Strategie" ('' without a strategy)."""
    sctx = load_strategy_context(ctx)
    if sctx is None:
        return ""
    s = sctx.strategy
    measures = measures_for_kommune(s, kommune, sctx.kommunen)
    scoring = ctx.repo.scoring
    scale = (float(scoring.scale.min), float(scoring.scale.max)) if scoring else (0.0, 3.0)
    ids = [str(x) for x in ctx.repo.leistungen["id"]]
    values = support_values(s, ids, scale)
    served = goals_of_leistung(s)
    frame = ctx.analysis.frame
    mine = frame[frame["kommune"].astype(str) == kommune].dropna(subset=["rang"])
    top = mine.sort_values("rang").head(ctx.top_n)
    rows = [[number(r.rang), esc(r.leistung_name),
             esc(", ".join(_goal_nr(s, g) for g in served.get(str(r.leistung), []))) or "–",
             number(values.get(str(r.leistung)), 1)] for r in top.itertuples()]
    done = sum(m.status == "umgesetzt" for m in measures)
    return ("<h2>Beitrag zur Strategie</h2>"
            f"<p>Die Kommune nimmt an <b>{number(len(measures))}</b> von "
            f"{number(len(s.massnahmen))} Maßnahmen der Strategie „{esc(s.titel)}“ teil, "
            f"{number(done)} davon umgesetzt. Die SOLL-Prozesse umgesetzter Maßnahmen sparen "
            f"hier <b>{number(_delivered_hours(sctx, kommune))} Stunden pro Jahr</b>. Die "
            "Spitzenreiter der Rangliste dienen diesen Zielen:</p>"
            + table(["Rang", "Leistung", "Ziele (Nr.)", "Unterstützung der Strategie (Skala)"],
                    rows, numeric=(0, 3))
            + "<p class='klein'>„Unterstützung der Strategie“ wird aus den Zielen der Maßnahmen "
              "und ihrer Priorität abgeleitet (docs/strategie.md); der ausführliche "
              f"<a href='{esc(_strategy_page(ctx, kommune))}'>Strategiebericht</a> zeigt "
              "Zielbaum, Roadmap, Ampeln und OKR.</p>")


def _strategy_page(ctx: ReportContext, kommune: str) -> str:
    """File name of the Kommune's strategy report in the same batch folder."""
    from ..reports.jobs import slugify

    return f"strategie_{kommune}_{slugify(ctx.repo.kommune(kommune)['name'])}.html"
