"""Sections every report has: assumptions and data quality, glossary."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..indicators.definitions import INDICATORS, OZG_MODEL
from .data import SENSITIVITY_DRAWS, ReportContext
from .fmt import esc, number, table
from .prose import mentions, name_map, replace_keys

GLOSSARY = (
    ("Bearbeitungszeit", "Arbeitszeit der Verwaltung je Fall, erwartet über alle Wege durch den "
     "Prozess (Rückfragen und Schleifen mit ihrer Wahrscheinlichkeit)."),
    ("Liegezeit", "Zeit, in der ein Fall wartet (Postlauf, Fristen, Rückfragen)."),
    ("Medienbruch", "Wechsel des Mediums zwischen zwei Schritten (Papier ↔ digital, Scan) oder "
     "Wechsel des IT-Systems, bei dem Daten erneut erfasst werden."),
    ("Ende-zu-Ende (E2E)", "Antrag, Bearbeitung, Bezahlung, Bescheid und Archivierung laufen "
     "durchgehend digital."),
    ("VZÄ", "Vollzeitäquivalent: eingesparte Stunden pro Jahr geteilt durch die "
     "Jahresarbeitszeit einer Vollzeitstelle."),
    ("OZG-Reifegrad", "Reifegradmodell 0–4 (Version 1.1): 0 offline, 1 Information online, "
     "2 Formular online, 3 Online-Antrag mit Nachweisen und Bescheid, 4 vollständig digital mit "
     "Once-Only."),
    ("Händische Neuerfassung", "Eine Person der Verwaltung tippt Daten, die schon auf Papier, in "
     "einem Scan oder in einem anderen System stehen, erneut in ein digitales System ein."),
    ("IST / SOLL", "Der Prozess, wie er heute läuft, und wie er nach der Digitalisierung laufen "
     "soll. Der SOLL-Prozess ist im Verbund gemeinsam („Musterprozess“)."),
    ("EfA", "„Einer für Alle“: ein Mitglied setzt um, alle nutzen nach."),
    ("Nutzen / Eignung", "Gewichtete Kriterien des Bewertungsmodells (Harsum, „Bewertungskriterien "
     "für Startprojekte“), je 0–100; Priorität ist ihr Mittel."),
    ("robust", "Die Einordnung „unter den Top N oder nicht“ ändert sich in höchstens 10 % der "
     f"{SENSITIVITY_DRAWS} zufällig gestreuten Gewichtungen nicht."),
)


def glossary() -> str:
    """The glossary as a definition list."""
    items = "".join(f"<dt><b>{esc(term)}</b></dt><dd>{esc(text)}</dd>" for term, text in GLOSSARY)
    return f"<h2>Glossar</h2><dl>{items}</dl>"


def assumptions(ctx: ReportContext, rows: pd.DataFrame, *, leistungen: list[str],
                verbund_report: str | None = None) -> str:
    """Parameters, weights, estimated case numbers, missing ratings and model findings.

    ``verbund_report``: file name of the Verbund report beside this one (a Kommune report
    links to it only then; see :func:`calculation_notes`)."""
    params = ctx.analysis.parameter
    verbund = ctx.repo.verbund
    model = ctx.repo.scoring
    notes = ctx.analysis.annahmen
    parts = ["<h2>Annahmen und Datenqualität</h2>", "<ul class='annahmen'>",
             f"<li>Jahresarbeitszeit je VZÄ: <b>{number(params.jahresarbeitszeit_stunden)} "
             "Stunden</b> (aus verbund.yaml).</li>",
             *(f"<li>{esc(line)}</li>" for line in params.cost_lines()),
             f"<li>Fallzahl-Basis: <b>{esc(params.basis_text())}</b>.</li>",
             f"<li>{esc(params.efa_text())}.</li>"]
    if verbund.parameter.get("hinweis"):
        parts.append(f"<li>{esc(verbund.parameter['hinweis'])}</li>")
    parts.append(f"<li>Fehlende Bewertungen: {esc(notes.get('fehlende_bewertung_bedeutung'))}; "
                 f"Normierung berechneter Kriterien: {esc(notes.get('normierung_bedeutung'))}.</li>")
    if model is not None and model.hint:
        parts.append(f"<li>{esc(model.hint)}</li>")
    parts.append(f"<li>Stichtag des Berichts: {esc(ctx.stand_text)} (Parameter, nicht das "
                 "Erstellungsdatum).</li></ul>")
    boxes = []  # small tables: side by side on paper (class "kaesten")
    if model is not None:
        boxes.append("<p><b>Gewichte der Kriteriengruppen</b> (Annahmen des Verbunds)</p>"
                     + table(["Gruppe", "Dimension", "Gewicht", "Kriterien"], [
                         [esc(g.name), esc(g.dimension.capitalize()), number(g.weight, 2),
                          number(len(g.criteria))] for g in model.groups], numeric=(2, 3)))
    estimated = rows[rows["fallzahl_art"] == "geschätzt"]
    if len(estimated):
        several = rows["kommune"].nunique() > 1
        boxes.append(
            "<p><b>Geschätzte Fallzahlen</b> – keine Meldung vorhanden; geschätzt aus der "
            "Fallzahl je Einwohner der meldenden Mitglieder (Median) × Einwohner:</p>"
            + table(["Leistung", *(["Mitglied"] if several else []), "geschätzte Fälle/Jahr"], [
                [esc(r.leistung_name), *([esc(r.kommune_name)] if several else []),
                 number(r.fallzahl)] for r in estimated.itertuples()],
                numeric=(2,) if several else (1,)))
    boxes.append(incomplete_ratings(rows))
    boxes.append(model_gaps(ctx, sorted(set(rows["leistung"].astype(str))),
                            set(rows["kommune"].astype(str))))
    parts.append("<div class='kaesten'>" + "".join(f"<div>{b}</div>" for b in boxes if b)
                 + "</div>")
    members = set(rows["kommune"].astype(str))
    findings = [f for f in ctx.repo.validate(models=False)
                if f.severity != "info" and any(f.file.startswith(f"{lid}/") for lid in leistungen)
                and _concerns(f.file, members)]
    findings += [f for lid in leistungen for path in _model_paths(ctx, lid)
                 if _concerns(path.name, members)
                 for f in _model_findings(ctx, path) if f.severity != "info"]
    if findings:
        parts.append("<p><b>Befunde der Wissensbasis</b> zu den hier bewerteten Leistungen:</p>")
        parts.append(table(["Datei", "Stelle", "Befund"], [
            [esc(f.file), esc(f.location), esc(f.message)] for f in findings[:40]]))
        if len(findings) > 40:
            parts.append(f"<p class='klein'>… und {len(findings) - 40} weitere "
                         "(`workbench validate`).</p>")
    else:
        parts.append("<p>Die Prüfung der Wissensbasis („workbench validate“) meldet zu "
                     "den Leistungen im Einzelnen keine Fehler oder Warnungen in Steckbriefen und "
                     "Modellen.</p>")
    parts.append(calculation_notes(ctx, rows, leistungen, verbund_report=verbund_report))
    return "".join(parts)


def incomplete_ratings(rows: pd.DataFrame) -> str:
    """Leistungen whose Steckbrief leaves criteria without a value: one row per Leistung (the
    frame has one row per Kommune × Leistung; a Verbund table names the members concerned)."""
    missing = rows[rows["kriterien_fehlend"] > 0]
    if missing.empty:
        return ""
    members = sorted(set(rows["kommune"].astype(str)))
    groups = missing.groupby(["leistung_name", "kriterien_fehlend"], observed=True, sort=True)
    body = []
    for (name, count), part in groups:
        row = [esc(name), number(count)]
        if len(members) > 1:
            own = sorted(set(part["kommune_name"].astype(str)))
            row.append("alle" if len(own) == len(members) else esc(", ".join(own)))
        body.append(row)
    headers = ["Leistung", "fehlende Kriterien"] + (["Mitglieder"] if len(members) > 1 else [])
    return ("<p><b>Unvollständige Bewertungen</b> im Steckbrief (Kriterien ohne Wert):</p>"
            + table(headers, body, numeric=(1,)))


def calculation_notes(ctx: ReportContext, rows: pd.DataFrame, leistungen: list[str], *,
                      verbund_report: str | None = None) -> str:
    """The notes of the analysis, with names instead of keys. A Kommune report (``rows`` of one
    Kommune) shows only the notes on its own Leistungen and itself, its own Leistungen without
    Fallzahl, and one line pointing to the Verbund report for the Verbund-wide notes: a link
    when ``verbund_report`` names the Verbund report's file beside this report, otherwise a
    plain sentence (a report built without the Verbund report must not link to nothing)."""
    names = name_map(ctx)
    kommunen = sorted(set(rows["kommune"].astype(str)))
    every_id = [str(i) for i in ctx.repo.leistungen["id"]]
    if len(kommunen) != 1:  # the Verbund report: every note
        hints = [h for h in ctx.analysis.hinweise if mentions(h, leistungen)
                 or not mentions(h, every_id)]
        items = [esc(replace_keys(h, names)) for h in hints[:15]]
        return ("<p><b>Hinweise der Berechnung</b></p><ul>"
                + "".join(f"<li>{i}</li>" for i in items) + "</ul>") if items else ""
    own = [h for h in ctx.analysis.hinweise if mentions(h, [*leistungen, *kommunen])]
    items = [esc(replace_keys(h, names)) for h in own[:15]]
    without = rows[rows["fallzahl_art"] == "keine"]
    if len(without):
        items.append(f"{number(len(without))} Leistung(en) ohne gemeldete und ohne schätzbare "
                     "Fallzahl: " + esc(", ".join(sorted(without["leistung_name"].astype(str))))
                     + "; sie zählen mit 0 Fällen und erhalten keinen Rang.")
    if any(not mentions(h, every_id) for h in ctx.analysis.hinweise):
        items.append("Hinweise, die den ganzen Verbund betreffen, stehen im "
                     + (f"<a href='{esc(verbund_report)}'>Verbundbericht</a>." if verbund_report
                        else "Verbundbericht; er wurde zusammen mit diesem Bericht nicht "
                        "erstellt."))
    return ("<p><b>Hinweise der Berechnung</b></p><ul>"
            + "".join(f"<li>{i}</li>" for i in items) + "</ul>") if items else ""


def model_gaps(ctx: ReportContext, leistungen: list[str], kommunen: set[str]) -> str:
    """Every gap of the models these Leistungen and Kommunen use (missing model, steps without
    minutes or medium, by name): what the savings and indicators cannot rest on."""
    gaps = ctx.analysis.luecken
    own = gaps["modell"].astype(str).str.split(" ").str[1]  # "IST <key>": a Kommune's variant
    gaps = gaps[gaps["leistung"].astype(str).isin(leistungen)
                & (own.isna() | own.isin(kommunen))]
    names = ctx.repo.leistungen.set_index("id")["name"]
    if gaps.empty:
        return "<p><b>Lücken in den Modellen:</b> keine.</p>"
    return ("<p><b>Lücken in den Modellen</b> – Leistungen mit einer Lücke, die die Einsparung "
            "betrifft, erscheinen in der Rangliste als „Daten unvollständig“:</p>"
            + table(["Leistung", "Modell", "Befund"], [
                [esc(names.get(r.leistung, r.leistung)), esc(r.modell), esc(r.befund)]
                for r in gaps.itertuples()]))


_FINDINGS_MEMO: dict[tuple[str, int, int], list] = {}


def _model_findings(ctx: ReportContext, path: Path) -> list:
    """Lint and import findings of a model file, memoized per file state (warm kernels)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _FINDINGS_MEMO:
        _FINDINGS_MEMO[key] = ctx.repo.model_findings(path)
    return _FINDINGS_MEMO[key]


def _concerns(file: str, kommunen: set[str]) -> bool:
    """Whether a file of the knowledge base concerns these Kommunen: a Kommune's own model
    variant (``ist.<key>.bpmn``) only concerns that Kommune, every other file all of them."""
    parts = Path(file).name.split(".")
    return not (len(parts) == 3 and parts[2] == "bpmn" and parts[1] not in kommunen)


def _model_paths(ctx: ReportContext, leistung: str) -> list[Path]:
    folder = ctx.repo.root / leistung
    return sorted(folder.glob("*.bpmn")) if folder.is_dir() else []


def definitions(ctx: ReportContext) -> str:
    """Every indicator with its one-sentence definition and the assumptions it rests on."""
    body = [[esc(d.label), esc(d.sentence),
             esc({"höher": "höher ist besser", "niedriger": "niedriger ist besser"}.get(
                 d.better, "keine Zielgröße"))] for d in INDICATORS]
    assumptions = [
        "„Je Fall“ heißt: im Mittel über alle Wege durch das Modell; Schleifen zählen mit ihrer "
        "Wahrscheinlichkeit (fehlt sie, gilt die Annahme aus docs/kennzahlen.md).",
        "Analog: Papier, persönlich, Telefon. Digital: E-Mail, Fachverfahren, Online-Portal, "
        "automatisch. Scan zählt weder als analog noch als digital, sondern als Scan-Schritt; "
        "Schritte ohne Medium zählen weder als analog noch als digital.",
        "Die Anteile nach Schritten hängen nicht von Minuten ab: Ein automatisierter Schritt mit "
        "0 Minuten senkt sie nie.",
        f"OZG-Reifegrad: {OZG_MODEL}. Das neue Reifegradmodell (Stufen 0–7) ist nicht umgesetzt, "
        "weil seine Kriterien hier nicht belegt vorlagen.",
        "Kostensätze, Fallzahl-Basis und EfA-Kriterium: siehe „Annahmen und Datenqualität“.",
    ]
    return ("<h2>Kennzahlen und ihre Definitionen</h2>"
            + table(["Kennzahl", "Definition", "Richtung"], body)
            + "<p><b>Annahmen hinter den Kennzahlen</b></p><ul class='annahmen'>"
            + "".join(f"<li>{esc(a)}</li>" for a in assumptions) + "</ul>")
