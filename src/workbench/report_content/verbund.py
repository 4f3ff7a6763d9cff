"""The sections of the Verbund overview: members compared, heatmap, ranking, EfA candidates."""

from __future__ import annotations

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
    rows = []
    for k in ctx.repo.kommunen.itertuples():
        mine = frame[(frame["kommune"] == k.schluessel) & (frame["stunden_gespart"] > 0)
                     & frame["vollstaendig"].astype(bool)]
        ranked = frame[(frame["kommune"] == k.schluessel)].dropna(subset=["rang"])
        best = ranked.sort_values("rang").head(1)
        rows.append([esc(k.name), esc(k.typ), number(k.einwohner),
                     number(mine["stunden_gespart"].sum()), number(mine["vzae_gespart"].sum(), 2),
                     number(mine["euro_gespart"].sum(), 0, "€"),
                     esc(best["leistung_name"].iloc[0]) if len(best) else "–"])
    return "<h2>Die Mitglieder im Vergleich</h2>" + table(
        ["Mitglied", "Typ", "Einwohner", "Std./Jahr gespart", "VZÄ", "€/Jahr", "Rang 1"],
        rows, numeric=(2, 3, 4, 5))


def heatmap(ctx: ReportContext) -> str:
    frame = ctx.analysis.frame
    names = ctx.repo.kommunen.set_index("schluessel")["name"]
    matrix = frame.pivot_table(index="kommune", columns="leistung_name", values="stunden_gespart",
                               aggfunc="sum")
    matrix = matrix.reindex(index=[k for k in names.index if k in matrix.index])
    matrix.index = [names[k] for k in matrix.index]
    matrix = matrix.loc[:, (matrix.fillna(0) != 0).any(axis=0)]
    # Leistungen as rows, members as columns: eight short columns fit a portrait page with
    # readable numbers; fourteen Leistung names as columns did not
    svg = heatmap_svg(matrix.round(0).T, title="Eingesparte Stunden pro Jahr: Leistungen × "
                      "Mitglieder", value_label="Stunden/Jahr", fmt="{:,.0f}")
    return "<h2>Wo das Potenzial liegt</h2>" + figure(
        svg, "Leere Felder: keine Fälle oder kein SOLL-Modell.")


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
