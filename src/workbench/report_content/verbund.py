"""The sections of the Verbund overview: members compared, heatmap, ranking, EfA candidates."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import __version__
from ..charts import heatmap_svg
from .data import ReportContext
from .fmt import EXTRA_CSS, esc, figure, light, number, percent, table, tiles
from .indicators import digital_tiles
from .kommune import QUADRANT_LIGHT


def cover(ctx: ReportContext) -> str:
    verbund = ctx.repo.verbund
    members = len(ctx.repo.kommunen)
    return (EXTRA_CSS + f"<h1>Digitalisierungspotenzial im {esc(verbund.name)}</h1>"
            f"<p class='untertitel'>Verbundübersicht · {members} Mitglieder · Stand "
            f"{esc(ctx.stand_text)}</p><p>{esc(verbund.beschreibung)}</p>"
            f"<p class='klein'>Quelle: {esc(verbund.quelle)} · Wissensbasis: "
            f"{esc(ctx.repo.version)} · Prozess-Werkbench {esc(__version__)}</p>"
            "<div class='hinweis'>Zahlen, die als Beispielwerte gekennzeichnet sind, sind "
            "illustrativ; der Abschnitt „Annahmen und Datenqualität“ nennt alle Annahmen.</div>")


def summary(ctx: ReportContext) -> str:
    frame = ctx.analysis.frame
    saving = frame[(frame["stunden_gespart"] > 0) & frame["vollstaendig"].astype(bool)]
    efa = ctx.analysis.efa
    params = ctx.analysis.parameter
    return ("<h2>Management Summary</h2>" + tiles([
        ("Arbeitsstunden pro Jahr einsparbar", number(saving["stunden_gespart"].sum()),
         "alle Mitglieder, Leistungen mit vollständigem IST und SOLL"),
        ("Vollzeitäquivalente (VZÄ)", number(saving["vzae_gespart"].sum(), 2), "im Verbund"),
        ("Lohnkosten pro Jahr", number(saving["euro_gespart"].sum(), 0, "€"), "im Verbund"),
        *digital_tiles(frame),
        ("EfA-Kandidaten", f"{number(int(efa['efa_kandidat'].sum()))} von {len(efa)}",
         f"spart in ≥ {params.efa_mitglieder} Mitgliedern, zusammen > "
         f"{number(params.efa_stunden)} Std./Jahr"),
    ]))


def members(ctx: ReportContext) -> str:
    frame = ctx.analysis.frame
    sums = _member_sums(frame)
    ranked = frame.dropna(subset=["rang"])
    ranked = ranked.assign(kommune=ranked["kommune"].astype(str)).sort_values(
        ["kommune", "rang"], kind="stable").drop_duplicates("kommune")
    best = dict(zip(ranked["kommune"], ranked["leistung_name"], strict=True))
    rows = []
    for k in ctx.repo.kommunen.itertuples():
        hours, vzae, euro = sums.get(str(k.schluessel), (0.0, 0.0, 0.0))
        rows.append([esc(k.name), esc(k.typ), number(k.einwohner), number(hours),
                     number(vzae, 2), number(euro, 0, "€"),
                     esc(best[str(k.schluessel)]) if str(k.schluessel) in best else "–"])
    return "<h2>Die Mitglieder im Vergleich</h2>" + table(
        ["Mitglied", "Typ", "Einwohner", "Std./Jahr gespart", "VZÄ", "€/Jahr", "Rang 1"],
        rows, numeric=(2, 3, 4, 5))


def _member_sums(frame: pd.DataFrame) -> dict[str, tuple[float, float, float]]:
    """Per Kommune the saved hours, VZÄ and euros of its complete rows with savings.

    One pass (a filter per member took minutes at 4,935 members): each member's values in
    frame order as one contiguous array, summed by numpy as ``Series.sum`` does (NaN as 0),
    so the figures are the same to the last bit as summing each member's filtered rows."""
    mine = frame[(frame["stunden_gespart"] > 0) & frame["vollstaendig"].astype(bool)]
    keys = mine["kommune"].astype(str).to_numpy()
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    columns = [np.nan_to_num(mine[c].to_numpy(dtype=float)[order], nan=0.0)
               for c in ("stunden_gespart", "vzae_gespart", "euro_gespart")]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]]) if len(keys) else []
    ends = [*starts[1:], len(keys)]
    return {str(keys[a]): tuple(float(col[a:b].sum()) for col in columns)
            for a, b in zip(starts, ends, strict=True)}


#: Members shown in the heatmap at most: beyond, a column per member is neither drawable in
#: reasonable time nor readable (4,935 columns); the largest savings are shown, all in the table.
HEATMAP_MAX_MEMBERS = 40


def heatmap(ctx: ReportContext) -> str:
    frame = ctx.analysis.frame
    names = ctx.repo.kommunen.set_index("schluessel")["name"]
    matrix = frame.pivot_table(index="kommune", columns="leistung_name", values="stunden_gespart",
                               aggfunc="sum")
    matrix = matrix.reindex(index=[k for k in names.index if k in matrix.index])
    matrix.index = [names[k] for k in matrix.index]
    matrix = matrix.loc[:, (matrix.fillna(0) != 0).any(axis=0)]
    caption = "Leere Felder: keine Fälle oder kein SOLL-Modell."
    title = "Eingesparte Stunden pro Jahr: Leistungen × Mitglieder"
    if len(matrix) > HEATMAP_MAX_MEMBERS:
        total = matrix.fillna(0).sum(axis=1)
        order = sorted(range(len(matrix)), key=lambda i: -total.iloc[i])  # stable: ties in order
        shown = sorted(order[:HEATMAP_MAX_MEMBERS])  # member order as in kommunen.csv
        caption = (f"Gezeigt: die {HEATMAP_MAX_MEMBERS} von {len(matrix)} Mitgliedern mit den "
                   "meisten eingesparten Stunden; alle Mitglieder stehen in der Tabelle „Die "
                   "Mitglieder im Vergleich“. " + caption)
        title = f"{title} (die {HEATMAP_MAX_MEMBERS} mit den meisten Stunden)"
        matrix = matrix.iloc[shown]
        matrix = matrix.loc[:, (matrix.fillna(0) != 0).any(axis=0)]
    # Leistungen as rows, members as columns: eight short columns fit a portrait page with
    # readable numbers; fourteen Leistung names as columns did not
    svg = heatmap_svg(matrix.round(0).T, title=title, value_label="Stunden/Jahr", fmt="{:,.0f}")
    return "<h2>Wo das Potenzial liegt</h2>" + figure(svg, caption)


def ranking(ctx: ReportContext) -> str:
    body = [[number(r.rang) if r.rang == r.rang else "–", esc(r.leistung_name),
             esc(r.fachbereich), number(r.fallzahl), number(r.stunden_gespart),
             number(r.euro_gespart, 0, "€"), f"<b>{number(r.prioritaet)}</b>",
             light(QUADRANT_LIGHT.get(r.quadrant, "gelb"), r.quadrant) + " " + esc(r.quadrant),
             percent(r.p_top) + (" ✓" if r.robust else "")]
            for r in ctx.analysis.verbund.itertuples()]
    return ("<h2>Rangliste des Verbunds</h2>" + table(
        ["Rang", "Leistung", "Fachbereich", "Fälle/Jahr", "Std./Jahr gespart", "€/Jahr",
         "Priorität", "Empfehlung", f"P(Top {ctx.top_n})"], body, numeric=(0, 3, 4, 5, 6, 8),
        css="breit"))


def efa(ctx: ReportContext) -> str:
    names = ctx.repo.leistungen.set_index("id")["name"]
    frame = ctx.analysis.efa
    params = ctx.analysis.parameter
    body = [[esc(names.get(r.leistung, r.leistung)), number(r.mitglieder_mit_faellen),
             number(r.mitglieder_mit_einsparung), number(r.eigene_ist_varianten),
             number(r.min_minuten_gespart_je_fall, 1), number(r.stunden_gespart),
             ("<b>ja</b>" if r.efa_kandidat else "nein"), esc(r.begruendung)]
            for r in frame.itertuples()]
    return ("<h2>EfA-Kandidaten</h2><p>„Einer für Alle“: ein Mitglied setzt den gemeinsamen "
            "SOLL-Prozess um, die anderen nutzen nach. Das lohnt sich, wenn er in vielen "
            "Mitgliedern und insgesamt deutlich Zeit spart. Regel des Verbunds (verbund.yaml, "
            f"parameter.efa): <b>{esc(params.efa_text())}</b>.</p>" + table(
                ["Leistung", "Mitglieder mit Fällen", "davon mit Einsparung", "eigene IST",
                 "min. Min. je Fall gespart", "Std./Jahr gespart", "EfA-Kandidat", "Begründung"],
                body, numeric=(1, 2, 3, 4, 5), css="breit"))


def themenfelder(ctx: ReportContext) -> str:
    """The catalogue by OZG-Themenfeld (from OZG-ID or LeiKa key of each Leistung)."""
    from ..kb.ozg_catalog import NO_THEMENFELD, load_catalog, themenfelder_of

    frame = ctx.repo.leistungen.copy()
    if frame.empty:
        return ""
    frame["themenfeld"] = themenfelder_of(frame, load_catalog())
    groups = sorted(frame.groupby("themenfeld"), key=lambda g: (g[0] == NO_THEMENFELD, g[0]))
    body = [[esc(name), number(len(part)), number(int((part["erfassung"] == "modelliert").sum())),
             esc(", ".join(sorted(part["name"])))] for name, part in groups]
    return ("<h2>Leistungen nach OZG-Themenfeld</h2><p>Zuordnung über die OZG-ID oder den "
            "LeiKa-Schlüssel der Leistung (OZG-Katalog, Stand Dezember 2019); Leistungen ohne "
            "beides stehen unter „" + NO_THEMENFELD + "“.</p>" + table(
                ["Themenfeld", "Leistungen", "davon modelliert", "Namen"], body,
                numeric=(1, 2)))
