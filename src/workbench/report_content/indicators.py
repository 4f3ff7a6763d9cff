"""Report parts on the digitization indicators: IST and SOLL side by side with every
worse value explained, and the digital share as tiles (the definitions: ``common``)."""

from __future__ import annotations

import pandas as pd

from ..indicators import Indicators, leaf_steps
from ..indicators import classify as c
from ..indicators.definitions import BY_KEY
from ..metrics import ModelMetrics
from .fmt import esc, number, percent, table

_EPS = 1e-9


def _row(key: str, ist: float | None, soll: float | None, fmt: str) -> tuple[str, ...]:
    d = BY_KEY[key]
    show = (lambda x: percent(x)) if fmt == "%" else (lambda x: number(x, 1))
    return (esc(d.label), show(ist), show(soll), _change(ist, soll, d.better))


def _change(ist: float | None, soll: float | None, better: str) -> str:
    """besser / gleich / schlechter (bold) for a direction; '–' without one or a value."""
    if ist is None or soll is None or ist != ist or soll != soll or not better:
        return "–"
    if abs(soll - ist) < _EPS:
        return "gleich"
    return "besser" if (soll > ist) == (better == "höher") else "<b>schlechter</b>"


def comparison(ist_m: ModelMetrics, soll_m: ModelMetrics, ist: Indicators, soll: Indicators,
               ist_defs: object, soll_defs: object) -> str:
    """The indicators of IST and SOLL side by side; every worse value is explained."""
    rows = [
        _row("analoge_schritte", ist.analog_steps, soll.analog_steps, "n"),
        _row("analog_anteil", ist.analog_share, soll.analog_share, "%"),
        _row("digital_anteil_schritte", ist.digital_share_steps, soll.digital_share_steps, "%"),
        _row("digital_anteil_zeit", ist.digital_share_time, soll.digital_share_time, "%"),
        _row("automatisierte_schritte", ist.automated_steps, soll.automated_steps, "n"),
        _row("automatisierbar_anteil", ist.automatable_share, soll.automatable_share, "%"),
        _row("neuerfassungen", ist.reentries, soll.reentries, "n"),
        _row("scan_druck_schritte", ist.scan_print_steps, soll.scan_print_steps, "n"),
        _row("minuten", ist_m.expected_minutes, soll_m.expected_minutes, "n"),
        _row("medienbrueche", ist_m.media_breaks, soll_m.media_breaks, "n"),
        (f"{esc(BY_KEY['ozg_reifegrad'].label)}, geschätzt aus dem Modell",
         number(ist_m.ozg_estimate), number(soll_m.ozg_estimate),
         "besser" if soll_m.ozg_estimate > ist_m.ozg_estimate else
         "gleich" if soll_m.ozg_estimate == ist_m.ozg_estimate else "<b>schlechter</b>"),
        ("Liegezeit je Fall (Tage)", number(ist_m.expected_wait_days, 1),
         number(soll_m.expected_wait_days, 1), _change(ist_m.expected_wait_days,
                                                       soll_m.expected_wait_days, "niedriger")),
    ]
    notes = explanations(ist, soll, ist_m, soll_m, soll_defs)
    return (table(["Kennzahl (je Fall)", "IST", "SOLL", "SOLL gegenüber IST"],
                  [list(r) for r in rows], numeric=(1, 2))
            + ("<p class='klein'><b>Warum eine Zahl im SOLL steigt</b></p><ul class='klein'>"
               + "".join(f"<li>{n}</li>" for n in notes) + "</ul>" if notes else ""))


def explanations(ist: Indicators, soll: Indicators, ist_m: ModelMetrics, soll_m: ModelMetrics,
                 soll_defs: object) -> list[str]:
    """German sentences (escaped) for every indicator that is worse in the SOLL."""
    out = []
    if soll.reentries > ist.reentries + _EPS:
        places = "; ".join(f"{r.target_name} ({r.reason_de})" for r in soll.reentry_list)
        out.append(esc(f"Mehr händische Neuerfassungen im SOLL ({number(soll.reentries, 1)} statt "
                       f"{number(ist.reentries, 1)}): {places}. Häufig läuft das IST ganz auf "
                       "Papier – dort wird nichts abgetippt –, während das SOLL Daten zwar "
                       "digital führt, an diesen Stellen aber noch von Hand überträgt. Das ist "
                       "ein Hinweis auf eine fehlende Schnittstelle, kein Rückschritt."))
    if soll.analog_steps > ist.analog_steps + _EPS:
        names = _names(soll_defs, soll_m, c.is_analog)
        out.append(esc(f"Mehr analoge Schritte im SOLL: {names}."))
    if soll.scan_print_steps > ist.scan_print_steps + _EPS:
        names = _names(soll_defs, soll_m, c.is_scan_print)
        out.append(esc(f"Mehr Scan- oder Druckschritte im SOLL: {names} (z. B. Unterlagen, "
                       "die rechtlich weiter auf Papier verschickt werden müssen)."))
    if soll_m.expected_minutes > ist_m.expected_minutes + _EPS:
        out.append(esc("Das SOLL braucht mehr Bearbeitungszeit je Fall als das IST – bitte die "
                       "Minuten der Modelle prüfen; die Einsparung zählt negativ und die "
                       "Leistung wird nicht als „Schnell umsetzen“ empfohlen."))
    if soll_m.media_breaks > ist_m.media_breaks + _EPS:
        out.append(esc("Mehr Medienbrüche (Wechsel von Medium oder System) im SOLL: Ein reiner "
                       "Papierprozess hat keine, ein digitaler Prozess mit einem verbliebenen "
                       "Brief oder Schalterkontakt dagegen mindestens einen. Deshalb ist diese "
                       "Zahl nur eine Nebenkennzahl; maßgeblich sind die Kennzahlen darüber."))
    return out


def _names(defs: object, m: ModelMetrics, keep: object) -> str:
    steps = [a for a, _ in leaf_steps(defs, m.visits) if keep(a)]  # type: ignore[arg-type,operator]
    return ", ".join(f"„{a.name}“" if a.name else a.id for a in steps) or "–"


def digital_tiles(rows: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Two tiles: digital share by steps and manual re-entries per year, IST → SOLL, over the
    rows that have cases and both models (never a negative 'avoided' figure)."""
    both = rows[(rows["fallzahl"] > 0) & rows["digital_anteil_ist"].notna()
                & rows["digital_anteil_soll"].notna()]
    weight = both["fallzahl"].sum()
    if weight <= 0:
        return []
    ist = (both["digital_anteil_ist"] * both["fallzahl"]).sum() / weight
    soll = (both["digital_anteil_soll"] * both["fallzahl"]).sum() / weight
    re_ist, re_soll = both["neuerfassungen_pro_jahr_ist"].sum(), both[
        "neuerfassungen_pro_jahr_soll"].sum()
    return [
        ("Digitalanteil nach Schritten", f"{percent(ist)} → {percent(soll)}",
         "IST → SOLL, gewichtet mit der Fallzahl"),
        ("Händische Neuerfassungen pro Jahr", f"{number(re_ist)} → {number(re_soll)}",
         "IST → SOLL: Daten, die eine Person erneut eintippt"),
    ]
