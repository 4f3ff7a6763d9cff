"""The sections of the report for one Kommune, each returning escaped HTML.

Order as the strategy documents do it: Management Summary first, then the ranked list with
traffic lights, the portfolio, a Steckbrief box and IST/SOLL map per top Leistung, the Kommune
against the Verbund, and the assumptions and data quality the numbers rest on.
"""

from __future__ import annotations

import contextlib
import hashlib
from typing import Any

import pandas as pd

from .. import __version__
from ..charts import portfolio_svg
from ..metrics import MetricsError, ModelMetrics
from ..ranking import QUADRANTS
from ..reports.cache import Busy, cache_dir, cached_text, only_if_free
from . import printed_map
from .changes import MATCHING_NOTE, deviations_from_verbund, ist_soll_changes
from .data import SENSITIVITY_DRAWS, ReportContext, model_indicators, model_metrics
from .fingerprint import cover_digest, verbund_averages
from .fmt import EXTRA_CSS, esc, figure, light, number, percent, table, tiles
from .indicators import comparison, digital_tiles
from .mapparts import MapParts, beyond_landscape, fits_landscape
from .mapparts import split as split_map

QUADRANT_LIGHT = {QUADRANTS["quick_win"]: "gruen", QUADRANTS["strategisch"]: "gelb",
                  QUADRANTS["pruefen"]: "gelb", QUADRANTS["zurueckstellen"]: "rot",
                  QUADRANTS["unvollstaendig"]: "rot"}
_SVG_MEMO: dict[str, str] = {}
_PARTS_MEMO: dict[tuple[str, str], MapParts] = {}
PHASE_LABELS = {"antrag": "Antrag", "bearbeitung": "Bearbeitung", "bezahlung": "Bezahlung",
                "bescheid": "Bescheid", "archivierung": "Archivierung"}


def rows_of(ctx: ReportContext, kommune: str) -> pd.DataFrame:
    """The Kommune's Leistungen, ranked ones first by rank."""
    frame = ctx.analysis.frame
    return frame[frame["kommune"] == kommune].sort_values(["rang", "leistung_name"],
                                                          na_position="last")


def top_rows(ctx: ReportContext, kommune: str) -> pd.DataFrame:
    return rows_of(ctx, kommune).dropna(subset=["rang"]).head(ctx.top_n)


def cover(ctx: ReportContext, kommune: str) -> str:
    """Title, Verbund, Stand, knowledge-base version, and the Beispielwerte notice."""
    row = ctx.repo.kommune(kommune)
    verbund = ctx.repo.verbund
    einwohner = (f"{number(row['einwohner'])} Einwohner ({esc(row['einwohner_quelle'])})"
                 if row["einwohner"] == row["einwohner"] else "Einwohnerzahl nicht erfasst")
    sample = _uses_example_values(ctx, kommune)
    notice = ("<div class='hinweis'><b>Beispielwerte.</b> Fallzahlen, Bearbeitungszeiten und "
              "Bewertungen dieses Berichts sind ganz oder teilweise illustrative Beispielwerte. "
              "Vor einer Entscheidung durch eigene Erhebungen ersetzen.</div>" if sample else "")
    return (EXTRA_CSS + f"<h1>Digitalisierungspotenzial: {esc(row['name'])}</h1>"
            f"<p class='untertitel'>{esc(verbund.name)} · Stand {esc(ctx.stand_text)}</p>"
            f"<p>{esc(row['typ'])}, amtlicher Schlüssel {esc(kommune)}, {einwohner}.<br>"
            f"<span class='klein'>Wissensbasis: Inhalt {esc(cover_digest(ctx, kommune)[:12])}"
            " · erstellt mit der "
            f"Prozess-Werkbench {esc(__version__)}</span></p>{notice}"
            f"{unusable_models_box(ctx, kommune)}")


#: Findings of the metrics that mean: as modelled, the process cannot end.
CANNOT_END = ("schleife_endlos", "schleife_ohne_ausgang")
FALLBACK = "Der Bericht rechnet hier mit dem IST-Modell des Verbunds."


def unusable_models(ctx: ReportContext, kommune: str) -> list[tuple[str, str, str]]:
    """(Leistung name, file, German reason and consequence) for each own IST model of the
    Kommune that cannot be evaluated as modelled: unreadable or no process (the report uses the
    Verbund IST instead), or a process that cannot end (the figures are an approximation)."""
    out = []
    for lid, name in zip(ctx.repo.leistungen["id"], ctx.repo.leistungen["name"], strict=True):
        if kommune not in ctx.repo.ist_variants(lid):
            continue
        file = str(ctx.repo.model_path(lid, "ist", kommune).relative_to(ctx.repo.root))
        if ctx.repo.model(lid, "ist", kommune) is None:  # the own file exists but is unreadable
            out.append((str(name), file, "Die Datei ist nicht lesbar (siehe `workbench "
                                         f"validate`). {FALLBACK}"))
            continue
        try:
            metrics = model_metrics(ctx, lid, "ist", kommune)
        except MetricsError as err:
            out.append((str(name), file, f"{err} {FALLBACK}"))
            continue
        out += [(str(name), file, f"{f.message} Die Kennzahlen sind eine Näherung.")
                for f in (metrics.findings if metrics else []) if f.kind in CANNOT_END]
    return out


def unusable_models_box(ctx: ReportContext, kommune: str) -> str:
    """A warning box on the cover naming the Kommune's own IST models that cannot be evaluated
    as modelled (issue 11: a Kommune's IST that cannot end is named in its report)."""
    problems = unusable_models(ctx, kommune)
    if not problems:
        return ""
    items = "".join(f"<li><b>{esc(name)}</b> ({esc(file)}): {esc(reason)}</li>"
                    for name, file, reason in problems)
    return ("<div class='hinweis'><b>Nicht auswertbare Modelle dieser Kommune.</b> Diese eigenen "
            f"IST-Modelle lassen sich so, wie sie modelliert sind, nicht auswerten:<ul>{items}</ul>"
            "Bitte die Modelle korrigieren (`workbench validate`).</div>")


def _uses_example_values(ctx: ReportContext, kommune: str) -> bool:
    rows = rows_of(ctx, kommune)
    sources = " ".join(str(s) for s in rows.get("fallzahl_quelle", pd.Series(dtype=str)))
    flagged = ctx.repo.steckbriefe["beispielwerte"].any() if len(ctx.repo.steckbriefe) else False
    return "Beispiel" in sources or bool(flagged)


def summary(ctx: ReportContext, kommune: str) -> str:
    """Management Summary: totals as tiles, the top list with reasons."""
    rows = rows_of(ctx, kommune)
    complete = rows["vollstaendig"].astype(bool) if "vollstaendig" in rows else True
    saving = rows[(rows["stunden_gespart"] > 0) & complete]
    params = ctx.analysis.parameter
    name = ctx.repo.kommune(kommune)["name"]
    money = ("Lohnkosten nach Laufbahngruppe" if params.labour_costs is not None else
             f"bei {number(params.personalkostensatz_euro_stunde, 2, '€')} je Stunde")
    figures = tiles([
        ("Arbeitsstunden pro Jahr einsparbar", number(saving["stunden_gespart"].sum()),
         f"bei {len(saving)} Leistungen mit vollständigem IST und SOLL"),
        ("Vollzeitäquivalente (VZÄ)", number(saving["vzae_gespart"].sum(), 2),
         f"bei {number(params.jahresarbeitszeit_stunden)} Std./Jahr je VZÄ"),
        ("Lohnkosten pro Jahr", number(saving["euro_gespart"].sum(), 0, "€"), money),
        *digital_tiles(rows),
    ])
    gaps = rows[~complete & (rows["fallzahl"] > 0)] if "vollstaendig" in rows else rows.iloc[:0]
    missing = ("<p class='hinweis'>Nicht eingerechnet, weil die Modelle unvollständig sind: "
               + esc(", ".join(f"{r.leistung_name} ({r.datenluecken})"
                               for r in gaps.itertuples())) + ".</p>") if len(gaps) else ""
    items = "".join(f"<li><b>{esc(r.leistung_name)}</b> – {_reason(r)} "
                    f"{light(QUADRANT_LIGHT.get(r.quadrant, 'gelb'), r.quadrant)} "
                    f"{esc(r.quadrant)}</li>" for r in top_rows(ctx, kommune).itertuples())
    return (f"<h2>Management Summary</h2><p>Werden die gemeinsamen SOLL-Prozesse des Verbunds "
            f"umgesetzt, spart {esc(name)} nach den Daten der Wissensbasis rund "
            f"<b>{number(saving['stunden_gespart'].sum())} Arbeitsstunden im Jahr</b>. Die "
            f"Leistungen mit der höchsten Priorität:</p>{figures}{missing}<ol>{items}</ol>"
            "<p class='klein'>Priorität = Mittel aus Nutzen und Eignung (je 0–100) nach dem "
            "Bewertungsmodell des Verbunds; alle Annahmen stehen im Abschnitt „Annahmen und "
            "Datenqualität“.</p>")


def _reason(r: object) -> str:
    parts = [f"{number(r.fallzahl)} Fälle/Jahr"
             + (" (geschätzt)" if r.fallzahl_art == "geschätzt" else "")]
    saved = r.minuten_gespart_je_fall
    if saved == saved and saved:
        parts.append(f"{number(saved, 1)} Min. je Fall weniger")
    ist, soll = r.digital_anteil_ist, r.digital_anteil_soll
    if ist == ist and soll == soll:
        parts.append(f"digital {percent(ist)} → {percent(soll)} der Schritte")
    hours = r.stunden_gespart
    if hours == hours:
        parts.append(f"{number(hours)} Std./Jahr")
    return esc(", ".join(parts))


def ranking_table(ctx: ReportContext, kommune: str) -> str:
    """Every Leistung of the Kommune with priority, traffic light and robustness."""
    rows = rows_of(ctx, kommune)
    body = []
    for r in rows.itertuples():
        ranked = r.rang == r.rang
        body.append([
            number(r.rang) if ranked else "–",
            esc(r.leistung_name), esc(r.fachbereich),
            number(r.fallzahl) + ("*" if r.fallzahl_art == "geschätzt" else ""),
            number(r.stunden_gespart), number(r.euro_gespart, 0, "€"),
            f"{percent(r.digital_anteil_ist)} → {percent(r.digital_anteil_soll)}",
            number(r.nutzen), number(r.eignung), f"<b>{number(r.prioritaet)}</b>",
            ((light(QUADRANT_LIGHT.get(r.quadrant, "gelb"), r.quadrant) + " " + esc(r.quadrant)
              + (f"<br><span class='klein'>{esc(r.datenluecken)}</span>"
                 if not r.vollstaendig else ""))
             if ranked else "ohne Fälle"),
            (percent(r.p_top) + (" ✓" if r.robust else "")) if ranked else "–",
        ])
    return ("<h2>Rangliste</h2>" + table(
        ["Rang", "Leistung", "Fachbereich", "Fälle/Jahr", "Std./Jahr gespart", "€/Jahr",
         "Digitalanteil IST → SOLL", "Nutzen", "Eignung", "Priorität", "Empfehlung",
         f"P(Top {ctx.top_n})"], body, numeric=(0, 3, 4, 5, 6, 7, 8, 9, 11), css="breit")
        + "<p class='klein'>* Fallzahl geschätzt (siehe Annahmen). Digitalanteil: Anteil der "
        "erwarteten Schritte je Fall mit digitalem Medium, im IST dieser Kommune und im "
        "gemeinsamen SOLL. „Daten unvollständig“: IST oder SOLL fehlt oder hat Schritte ohne "
        "Minuten – die Einsparung ist dann nicht belastbar (Liste im Abschnitt "
        "„Annahmen und Datenqualität“). „Schnell umsetzen“ setzt eine positive Einsparung "
        "voraus. ✓ robust: Die Aussage "
        f"„Top {ctx.top_n} oder nicht“ hält in mindestens 90 % von {SENSITIVITY_DRAWS} zufällig "
        "variierten Gewichtungen. Grün: schnell umsetzen; gelb: strategisches Projekt oder "
        "prüfen; rot: zurückstellen oder Daten unvollständig.</p>")


def portfolio(ctx: ReportContext, kommune: str) -> str:
    """Nutzen × Eignung chart and the sensitivity result in words."""
    rows = rows_of(ctx, kommune).dropna(subset=["rang"])
    top = list(top_rows(ctx, kommune)["leistung_name"])
    svg = portfolio_svg(rows, highlight=top)
    robust_in = [r.leistung_name for r in rows.itertuples() if r.robust and r.p_top >= 0.5]
    shaky = [r for r in rows.itertuples() if not r.robust]
    text = [f"<p>In {SENSITIVITY_DRAWS} Rechnungen mit zufällig um die gewählten Werte "
            "gestreuten Gewichten (Dirichlet-Verteilung, fester Startwert) "]
    if robust_in:
        text.append("bleiben <b>" + esc(", ".join(robust_in)) + f"</b> sicher unter den Top "
                    f"{ctx.top_n}.")
    else:
        text.append(f"ist keine Leistung sicher unter den Top {ctx.top_n}.")
    if shaky:
        text.append(" Von den Gewichten abhängig sind: " + esc("; ".join(
            f"{r.leistung_name} (Rang {number(r.rang_min)}–{number(r.rang_max)}, "
            f"{percent(r.p_top)} Top {ctx.top_n})" for r in shaky)) + ".")
    text.append("</p>")
    return ("<h2>Portfolio und Robustheit</h2>"
            + figure(svg, "Nutzen und Eignung je Leistung (0–100); Kreisgröße: eingesparte "
                          "Stunden pro Jahr; Zahl: Rang.") + "".join(text))


#: Columns per map row tried for print, widest first: the first whose map fits the width of
#: an A4 landscape page with its smallest text at 7 pt is used (screen and print alike).
PRINT_WRAPS = (4, 3, 2)


def _comparison_map(ctx: ReportContext, leistung: str, kommune: str, key: str
                    ) -> MapParts | str:
    """The IST/SOLL comparison map split for screen and print, rendered once per model pair
    and batch — or a German note why there is none."""
    from ..maps import MapTooLarge, comparison_map
    from ..maps.auto import TooWide
    from ..maps.compare import summarize
    from ..maps.export import ensure_drawable
    from ..maps.highlights import highlights_for

    ist = ctx.repo.model(leistung, "ist", kommune)
    soll = ctx.repo.model(leistung, "soll")
    if ist is None or soll is None:
        return "Kein IST- oder SOLL-Modell vorhanden."
    try:
        ensure_drawable(ist)
        ensure_drawable(soll)
    except MapTooLarge as err:
        return f"Keine Karte: {err}"
    digest = hashlib.sha256(ist.to_bytes() + b"\0" + soll.to_bytes()).hexdigest()[:20]
    name = f"vergleich-{leistung}-{digest}-druck.svg"

    def render() -> str:
        # what compare_models computes, once for every wrap tried
        marks = {"ist_highlights": highlights_for(ist), "soll_highlights": highlights_for(soll),
                 "summary": summarize(ist, soll)}
        svg = ""
        for wrap in PRINT_WRAPS:
            # a wrap that cannot fit is given up after dot's layout (the last one is drawn)
            reject = beyond_landscape if wrap != PRINT_WRAPS[-1] else None
            try:
                svg = comparison_map(ist, soll, wrap=wrap, reject=reject, **marks).svg
            except TooWide:
                continue
            if fits_landscape(svg):
                break
        return svg

    if name not in _SVG_MEMO:  # warm kernels: once per process; batches: once per batch
        _SVG_MEMO[name] = cached_text(name, render)
    if (name, key) not in _PARTS_MEMO:
        _PARTS_MEMO[(name, key)] = split_map(_SVG_MEMO[name], key)
    return _PARTS_MEMO[(name, key)]


def steckbrief_box(ctx: ReportContext, leistung: str) -> str:
    """The Prozesssteckbrief as a framed box."""
    data = ctx.repo.steckbrief(leistung)
    row = ctx.repo.leistung(leistung)

    def items(key: str) -> str:
        value = data.get(key)
        if isinstance(value, list):  # legal bases from XProzess are {name, uri, art}
            texts = [str(v.get("name") or v.get("uri") or "") if isinstance(v, dict) else str(v)
                     for v in value]
            return esc(", ".join(t for t in texts if t)) if value else "–"
        return esc(value) if value else "–"

    keys = [f"LeiKa {row['leika']}" if isinstance(row.get("leika"), str) else "",
            f"OZG {row['ozg_id']}" + (f" ({row['leistungsbuendel']})"
                                      if isinstance(row.get("leistungsbuendel"), str) else "")
            if isinstance(row.get("ozg_id"), str) else ""]

    reviewed = data.get("zuletzt_geprueft")
    fields = [
        ("Verantwortlich", items("verantwortlich")), ("Fachbereich", esc(row["fachbereich"])),
        ("Prozesstyp", esc(row["prozesstyp"])),
        ("Leistungsschlüssel", esc(" · ".join(k for k in keys if k)) or "–"),
        ("Fachverfahren", items("fachverfahren")),
        ("Rechtsgrundlagen", items("rechtsgrundlagen")), ("Basisdienste", items("basisdienste")),
        ("OZG-Reifegrad (0–4, v1.1)",
         f"{number(row['reifegrad_ist'])} → Ziel {number(row['reifegrad_ziel'])}"
         if str(row["reifegrad_ist"]) not in ("<NA>", "nan", "None") else "–"),
        ("Zuletzt geprüft", (f"{reviewed:%d.%m.%Y}" if hasattr(reviewed, "strftime") else "–")
         + (f" von {esc(data.get('geprueft_von'))}" if data.get("geprueft_von") else "")),
    ]
    cells = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in fields)
    text = f"<p>{esc(data.get('kurzbeschreibung'))}</p>" if data.get("kurzbeschreibung") else ""
    return f"<div class='steckbrief'><b>Prozesssteckbrief</b>{text}<table>{cells}</table></div>"


def _map_key(n: int) -> str:
    return f"wb-karte-{n}"


def _ist_source(own: bool) -> str:
    return "eigene Variante der Kommune" if own else "gemeinsames IST des Verbunds"


def _map_caption(own: bool) -> str:
    return ("IST (oben, " + _ist_source(own) + ") und SOLL (unten): entfallende Schritte grau, "
            "neue grün umrandet, Medienbrüche rot.")


def _own_ist(ctx: ReportContext, leistung: str, kommune: str) -> bool:
    return f".{kommune}." in (ctx.repo.model_source(leistung, "ist", kommune) or "")


def leistung_details(ctx: ReportContext, kommune: str) -> str:
    """For each top Leistung: Steckbrief, metrics and E2E phases, IST/SOLL map. On screen the
    map stands here whole (swimlanes); on paper its print drawing (:mod:`.printed_map`: roles in
    the steps, rows filling the page width, every text 7 pt)."""
    parts = ["<h2>Die wichtigsten Leistungen im Einzelnen</h2>", ""]
    drawings = []
    rows = list(top_rows(ctx, kommune).itertuples())
    early = _draw_free_maps_first(ctx, kommune, rows)
    for n, r in enumerate(rows, 1):
        ist = model_metrics(ctx, r.leistung, "ist", kommune)
        soll = model_metrics(ctx, r.leistung, "soll", None)
        own = _own_ist(ctx, r.leistung, kommune)
        parts.append(f"<h3>{number(r.rang)}. {esc(r.leistung_name)}</h3>")
        metrics = (_metrics_table(ctx, ist, soll, r, kommune)
                   if ist is not None and soll is not None else "")
        # on paper side by side (two columns), on screen one below the other
        parts.append(f"<div class='nebeneinander'><div>{steckbrief_box(ctx, r.leistung)}</div>"
                     f"<div>{metrics}</div></div>")
        got = early.get(n, {})
        drawn = got["map"] if "map" in got else _comparison_map(ctx, r.leistung, kommune,
                                                                 _map_key(n))
        if isinstance(drawn, str):
            parts.append(f"<p class='hinweis'>{esc(drawn)}</p>")
        else:
            parts.append(drawn.content)
            parts.append("<figure class='grafik karte nur-bildschirm'>"
                         f"{drawn.screen(f'IST/SOLL-Vergleich: {r.leistung_name}')}"
                         f"<figcaption>{esc(_map_caption(own))}</figcaption></figure>")
            printed = got["druck"] if "druck" in got else printed_map.drawing(
                ctx.repo.model(r.leistung, "ist", kommune), ctx.repo.model(r.leistung, "soll"))
            drawings.append(printed)
            parts.append(printed_map.figure(printed, f"Karte {n}: {r.leistung_name}",
                                         "IST: " + _ist_source(own)))
        parts.append(ist_soll_changes(ctx, r.leistung, kommune))
    parts[1] = (f"<p class='klein'>{esc(MATCHING_NOTE)} IST/SOLL-Karten: entfallende Schritte "
                "grau und durchgestrichen, neue grün umrandet, Medienbrüche rot.</p>"
                + printed_map.legend(drawings))
    return "".join(parts)


def _draw_free_maps_first(ctx: ReportContext, kommune: str, rows: list[Any]
                          ) -> dict[int, dict[str, Any]]:
    """In a batch: render first the maps of ``rows`` that no other kernel is rendering right now
    (the kernels' reports show mostly the same maps in the same order; each kernel then draws
    other maps instead of waiting). The report is assembled afterwards, in its order, from the
    stored maps: the same bytes as without this step. Returns per row number what it got
    (``map``: the screen map or the note why there is none, ``druck``: the print drawing), so
    the report does not hash, check and read them a second time."""
    got: dict[int, dict[str, Any]] = {}
    if cache_dir() is None:
        return got
    with only_if_free():
        for n, r in enumerate(rows, 1):
            mine = got.setdefault(n, {})
            with contextlib.suppress(Busy):  # the other kernel draws it: the models are drawable
                mine["map"] = _comparison_map(ctx, r.leistung, kommune, _map_key(n))
            if isinstance(mine.get("map"), str):
                continue
            with contextlib.suppress(Busy):
                mine["druck"] = printed_map.drawing(ctx.repo.model(r.leistung, "ist", kommune),
                                                    ctx.repo.model(r.leistung, "soll"))
    return got


def _metrics_table(ctx: ReportContext, ist: ModelMetrics, soll: ModelMetrics, r: object,
                   kommune: str) -> str:
    ist_i = model_indicators(ctx, r.leistung, "ist", kommune)
    soll_i = model_indicators(ctx, r.leistung, "soll", None)
    body = ""
    if ist_i is not None and soll_i is not None:
        body = comparison(ist, soll, ist_i, soll_i, ctx.repo.model(r.leistung, "ist", kommune),
                          ctx.repo.model(r.leistung, "soll"))
    phases = "".join(
        f"<tr><td>{PHASE_LABELS.get(p, esc(p))}</td><td>{_phase(ist, p)}</td>"
        f"<td>{_phase(soll, p)}</td></tr>" for p in PHASE_LABELS)
    declared = r.ozg_reifegrad_ist
    flag = ""
    if r.ozg_abweichung is True:
        flag = (f"<p class='hinweis'>Der im Katalog angegebene OZG-Reifegrad ({number(declared)}) "
                f"weicht von der Schätzung aus dem IST-Modell ({ist.ozg_estimate}) ab – bitte "
                "prüfen.</p>")
    return (body + "<p><b>Ende-zu-Ende-Phasen</b> (vollständig digital?)</p>"
            + f"<table><thead><tr><th>Phase</th><th>IST</th><th>SOLL</th></tr></thead>"
              f"<tbody>{phases}</tbody></table>" + flag)


def _phase(metrics: ModelMetrics, phase: str) -> str:
    value = metrics.e2e_phases.get(phase)
    if value is None or phase in metrics.phases_missing:
        return "kommt nicht vor"
    return light("gruen", "digital") + " digital" if value else light("rot", "analog") + \
        " mit Medienbruch/analog"


def against_verbund(ctx: ReportContext, kommune: str) -> str:
    """The Kommune next to the Verbund average, per top Leistung."""
    frame = ctx.analysis.frame
    einwohner = ctx.repo.kommunen.set_index("schluessel")["einwohner"]
    with_cases = frame[(frame["fallzahl"] > 0) & (frame["kommune"] == kommune)].copy()
    people = with_cases["kommune"].astype(str).map(einwohner).astype(float)
    with_cases["je_1000"] = with_cases["fallzahl"] / people * 1000
    with_cases["leistung"] = with_cases["leistung"].astype(str)
    average = verbund_averages(ctx)
    mine = with_cases.set_index("leistung")
    body = []
    for r in top_rows(ctx, kommune).itertuples():
        if r.leistung not in mine.index:
            continue
        m, a = mine.loc[r.leistung], average.loc[r.leistung]
        body.append([esc(r.leistung_name), number(m["minuten_ist"], 1), number(a["minuten"], 1),
                     number(m["je_1000"], 1), number(a["je_1000"], 1)])
    return ("<h2>Im Vergleich zum Verbund</h2>" + table(
        ["Leistung", "Min. je Fall (IST)", "Ø Verbund", "Fälle je 1.000 EW", "Ø Verbund"],
        body, numeric=(1, 2, 3, 4))
        + "<p class='klein'>Ø Verbund: ungewichtetes Mittel der Mitglieder mit Fällen; "
          "Minuten aus dem IST-Modell, das für das Mitglied gilt (eigene Variante oder "
          "gemeinsames IST).</p>" + deviations_from_verbund(ctx, kommune))
