"""Digitization potential per Kommune × Leistung: Fallzahl, IST/SOLL time, savings.

Metrics are computed once per model (:mod:`workbench.metrics`) and broadcast over all
Kommunen × Leistungen with numpy; scoring and ranking live in :mod:`workbench.ranking`.
``analyse(repo)`` is the one entry that reads a knowledge base. Formulas and assumptions are
documented in German in ``docs/kennzahlen.md`` and ``docs/bewertungsmodell.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import hugepages, indicators, ranking
from .fallzahlen import ESTIMATE_SOURCE, FALLZAHL_ART, fallzahlen_frame, level, lookup
from .labour_costs import LAUFBAHNEN
from .metrics import MetricsError, ModelMetrics, compute
from .parameters import FALLZAHL_BASES, Parameters, PotentialError
from .strategy.criterion import strategy_ratings

__all__ = [
    "ESTIMATE_SOURCE", "FALLZAHL_ART", "FALLZAHL_BASES", "Analyse", "Parameters",
    "PotentialError", "analyse", "analyse_tables", "collect_metrics", "fallzahlen_frame",
    "level", "lookup", "metrics_row", "metrics_table", "potential_frame",
]

IST_MODELL = ("eigen", "Verbund", "fehlt")
#: Minutes per case done by each Laufbahngruppe (the rest: steps without a Laufbahn).
LAUFBAHN_COLUMNS = (*(f"minuten_{k}" for k in LAUFBAHNEN), "minuten_ohne_laufbahn")
#: Digitization indicators per model (workbench.indicators; docs/kennzahlen.md, 5a).
INDICATOR_COLUMNS = ("schritte", "analoge_schritte", "digital_anteil_zeit",
                     "automatisierte_schritte", "automatisierbar_anteil", "neuerfassungen",
                     "scan_druck_schritte", "schritte_ohne_minuten", "schritte_ohne_medium")
METRIC_COLUMNS = ("minuten", "liegezeit_tage", "medienbrueche", "digital_anteil",
                  "automatisierung_anteil", "verschwendung_minuten", "ozg_schaetzung",
                  *INDICATOR_COLUMNS, *LAUFBAHN_COLUMNS)


# --------------------------------------------------------------------------- model metrics


def metrics_row(leistung: str, kommune: str | None, stand: str, m: ModelMetrics,
                ind: indicators.Indicators | None = None) -> dict[str, Any]:
    """One row of the model-metrics table (kommune '' = the Verbund model)."""
    extra: dict[str, Any] = {}
    if ind is not None:
        nan = np.nan
        extra = {
            "schritte": ind.steps, "analoge_schritte": ind.analog_steps,
            "digital_anteil": nan if ind.digital_share_steps is None else ind.digital_share_steps,
            "digital_anteil_zeit": nan if ind.digital_share_time is None
            else ind.digital_share_time,
            "automatisierte_schritte": ind.automated_steps,
            "automatisierbar_anteil": nan if ind.automatable_share is None
            else ind.automatable_share,
            "neuerfassungen": ind.reentries, "scan_druck_schritte": ind.scan_print_steps,
            "schritte_ohne_minuten": float(len(ind.without_minutes)),
            "schritte_ohne_medium": float(len(ind.without_medium)),
        }
    return {"leistung": leistung, "kommune": kommune or "", "stand": stand,
            "minuten": m.expected_minutes, "liegezeit_tage": m.expected_wait_days,
            "medienbrueche": m.media_breaks,
            "digital_anteil": np.nan if m.digital_share is None else m.digital_share,
            "automatisierung_anteil": (np.nan if m.automation_share is None
                                       else m.automation_share),
            "verschwendung_minuten": m.waste_minutes, "ozg_schaetzung": m.ozg_estimate,
            # the administration's minutes by Laufbahn (customers' steps carry no wage cost)
            **{f"minuten_{k}": m.admin_minutes_by_laufbahn.get(k, 0.0) for k in LAUFBAHNEN},
            "minuten_ohne_laufbahn": m.admin_minutes_by_laufbahn.get(None, 0.0),
            **extra}


def metrics_table(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """The model-metrics table from :func:`metrics_row` dicts (may be empty)."""
    columns = ["leistung", "kommune", "stand", *METRIC_COLUMNS]
    return pd.DataFrame(list(rows), columns=columns)


def _model_columns(table: pd.DataFrame, keys: pd.Series, leistungen: list[str], stand: str,
                   columns: Iterable[str]) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """The given model columns for every row (own Kommune model, else the Verbund model) and
    the model origin code (0 eigen, 1 Verbund, 2 fehlt). Columns the table lacks are NaN."""
    n_k, n_l = len(keys), len(leistungen)
    part = table[table["stand"] == stand]
    li = lookup(part["leistung"], leistungen)
    kom = part["kommune"].fillna("").astype(str)
    verbund = (kom == "").to_numpy() & (li >= 0)
    own_k = lookup(kom, keys)
    own = (own_k >= 0) & (li >= 0)
    origin = np.full(n_k * n_l, 2, dtype=np.int8)
    base = np.full(n_l, 2, dtype=np.int8)
    base[li[verbund]] = 1
    origin[:] = np.tile(base, n_k)
    rows = own_k[own] * n_l + li[own]
    origin[rows] = 0
    out = {}
    for col in columns:
        source = (part[col].to_numpy(float) if col in part
                  else np.full(len(part), np.nan))
        vb = np.full(n_l, np.nan)
        vb[li[verbund]] = source[verbund]
        values = np.tile(vb, n_k)
        values[rows] = source[own]
        out[col] = values
    return out, origin


#: Per-model values the frame needs, after :func:`_per_model` added cost and gaps.
_BROADCAST = ("minuten", "medienbrueche", "digital_anteil", "neuerfassungen", "kosten_je_fall",
              "luecken")
#: Gap bits of one model (see :func:`model_gaps`).
_GAP_TEXT = ("Schritte ohne Minuten", "keine Bearbeitungszeit", "Schritte ohne Medium")


def _per_model(table: pd.DataFrame, params: Parameters) -> pd.DataFrame:
    """The model table with € per case and the gap bits of each model (computed once per
    model, before broadcasting to Kommune × Leistung)."""
    get = {c: (table[c].to_numpy(float) if c in table else np.full(len(table), np.nan))
           for c in ("minuten", "schritte_ohne_minuten", "schritte_ohne_medium",
                     *LAUFBAHN_COLUMNS)}
    bits = ((np.nan_to_num(get["schritte_ohne_minuten"]) > 0).astype(np.int64)
            | (~(np.nan_to_num(get["minuten"]) > 0)).astype(np.int64) << 1
            | (np.nan_to_num(get["schritte_ohne_medium"]) > 0).astype(np.int64) << 2)
    return table.assign(kosten_je_fall=_cost_per_case(get, params), luecken=bits.astype(float))


# --------------------------------------------------------------------------- the frame


def potential_frame(kommunen: pd.DataFrame, leistungen: pd.DataFrame, fallzahlen: pd.DataFrame,
                    model_metrics: pd.DataFrame, params: Parameters) -> pd.DataFrame:
    """One row per Kommune × Leistung: Fallzahl (gemeldet/geschätzt/keine), IST and SOLL
    minutes, hours per year, hours/VZÄ/€ saved, Medienbrüche avoided, OZG gap and estimate.

    ``attrs['parameter']`` holds the parameters, ``attrs['hinweise']`` German notes."""
    kommunen = kommunen.sort_values("schluessel", key=lambda s: s.astype(str), kind="stable")
    leistungen = leistungen.assign(id=leistungen["id"].astype(str)).sort_values("id")
    keys = kommunen["schluessel"].astype(str).reset_index(drop=True)
    ids = leistungen["id"].tolist()
    n_k, n_l = len(keys), len(ids)
    ll = np.tile(np.arange(n_l), n_k)
    # The models are broadcast on a second thread while this one finds the Fallzahlen and
    # names: independent inputs, each computed exactly as alone (about 0.3 s less on the
    # national frame, where nothing else can run yet).
    with ThreadPoolExecutor(max_workers=1) as pool:
        models = pool.submit(_models, model_metrics, params, keys, ids, leistungen, ll)
        fz, hints = fallzahlen_frame(kommunen.reset_index(drop=True), ids, fallzahlen,
                                     params.fallzahl_jahr, params.fallzahl_basis,
                                     params.fallzahl_jahre)
        k_codes = np.repeat(np.arange(n_k), n_l)
        names = {
            "kommune": pd.Categorical.from_codes(k_codes, categories=keys),
            "kommune_name": pd.Categorical.from_codes(
                k_codes, categories=_unique(kommunen["name"], keys)),
            "leistung": pd.Categorical.from_codes(ll, categories=ids),
            "leistung_name": pd.Categorical.from_codes(ll, categories=_unique(
                leistungen["name"], ids)),
            "fachbereich": _categorical(leistungen["fachbereich"], ll),
        }
        del k_codes
        m = models.result()
    ist, soll, saved_case, mb_case = m["ist"], m["soll"], m["saved_case"], m["mb_case"]
    ozg_ist, ozg_ziel, estimate = m["ozg_ist"], m["ozg_ziel"], ist["ozg_schaetzung"]
    cost_ist, cost_soll = ist["kosten_je_fall"], soll["kosten_je_fall"]
    fall = fz["fallzahl"].to_numpy()
    hours_ist = fall * ist["minuten"] / 60.0
    hours_soll = fall * soll["minuten"] / 60.0
    hours_saved = hours_ist - hours_soll
    frame = pd.DataFrame({
        **names,
        **{c: fz[c] for c in fz.columns},
        "ist_modell": pd.Categorical.from_codes(m["ist_origin"], categories=list(IST_MODELL)),
        "soll_modell": m["soll_origin"] < 2,
        "minuten_ist": ist["minuten"], "minuten_soll": soll["minuten"],
        "minuten_gespart_je_fall": saved_case,
        "stunden_ist": hours_ist, "stunden_soll": hours_soll, "stunden_gespart": hours_saved,
        "vzae_gespart": hours_saved / params.jahresarbeitszeit_stunden,
        "kosten_je_fall_ist": cost_ist, "kosten_je_fall_soll": cost_soll,
        "euro_gespart": fall * (cost_ist - cost_soll),
        "medienbrueche_ist": ist["medienbrueche"], "medienbrueche_soll": soll["medienbrueche"],
        "medienbrueche_vermieden_je_fall": mb_case,
        "medienbrueche_vermieden_pro_jahr": mb_case * fall,
        "digital_anteil_ist": ist["digital_anteil"], "digital_anteil_soll": soll["digital_anteil"],
        "digital_anteil_zuwachs": soll["digital_anteil"] - ist["digital_anteil"],
        "neuerfassungen_ist": ist["neuerfassungen"], "neuerfassungen_soll": soll["neuerfassungen"],
        "neuerfassungen_pro_jahr_ist": ist["neuerfassungen"] * fall,
        "neuerfassungen_pro_jahr_soll": soll["neuerfassungen"] * fall,
        "ozg_reifegrad_ist": ozg_ist, "ozg_reifegrad_ziel": ozg_ziel,
        "ozg_luecke": np.maximum(ozg_ziel - ozg_ist, 0.0),
        "ozg_schaetzung": estimate, "ozg_abweichung": m["deviation"],
    }, copy=False)  # the arrays are fresh: no second copy at 2.8 million rows
    worse = sorted({ids[i] for i in ll[saved_case < -1e-9]})
    if worse:
        hints.append(f"{', '.join(worse)}: braucht im SOLL mehr Bearbeitungszeit je Fall als im "
                     "IST (in mindestens einer Kommune); bitte die Modelle prüfen. Die Einsparung "
                     "zählt negativ, in der Bewertung 0, und die Leistung wird nie „Schnell "
                     "umsetzen“.")
    more = sorted({ids[i] for i in ll[soll["neuerfassungen"] - ist["neuerfassungen"] > 1e-9]})
    if more:
        hints.append(f"{', '.join(more)}: im SOLL mehr händische Neuerfassungen je Fall als im "
                     "IST (in mindestens einer Kommune) – meist, weil das IST ganz auf Papier "
                     "läuft und das SOLL Papieranträge weiter annimmt und ins Fachverfahren "
                     "überträgt. Berichte zeigen IST und SOLL nebeneinander und nennen die "
                     "Schritte.")
    frame["datenluecken"], frame["vollstaendig"] = m["gaps"]
    frame.attrs["parameter"] = params.as_dict()
    frame.attrs["hinweise"] = hints
    return frame


def _models(model_metrics: pd.DataFrame, params: Parameters, keys: pd.Series, ids: list[str],
            leistungen: pd.DataFrame, ll: np.ndarray) -> dict[str, Any]:
    """The frame's columns that come from the models and Leistungen alone (no Fallzahl):
    IST/SOLL values broadcast to every row, their origin, differences per case, OZG columns
    and the model gaps."""
    per_model = _per_model(model_metrics, params)
    ist, ist_origin = _model_columns(per_model, keys, ids, "ist",
                                     (*_BROADCAST, "ozg_schaetzung"))
    soll, soll_origin = _model_columns(per_model, keys, ids, "soll", _BROADCAST)
    ozg_ist = pd.to_numeric(leistungen["reifegrad_ist"], errors="coerce").to_numpy(float)[ll]
    ozg_ziel = pd.to_numeric(leistungen["reifegrad_ziel"], errors="coerce").to_numpy(float)[ll]
    estimate = ist["ozg_schaetzung"]
    deviation = (np.abs(estimate - ozg_ist) >= 1) & ~((estimate == 1) & (ozg_ist == 0))
    return {"ist": ist, "soll": soll, "ist_origin": ist_origin, "soll_origin": soll_origin,
            "saved_case": ist["minuten"] - soll["minuten"],
            "mb_case": ist["medienbrueche"] - soll["medienbrueche"],
            "ozg_ist": ozg_ist, "ozg_ziel": ozg_ziel, "deviation": deviation,
            "gaps": model_gaps(ist, soll, ist_origin, soll_origin)}


def model_gaps(ist: dict[str, np.ndarray], soll: dict[str, np.ndarray], ist_origin: np.ndarray,
               soll_origin: np.ndarray) -> tuple[pd.Categorical, np.ndarray]:
    """German list of what the savings of each row rest on that is missing, and whether the
    row is complete (both models there, every step with minutes, some handling time)."""
    code = ((ist_origin == 2).astype(np.int64) | (soll_origin == 2).astype(np.int64) << 1
            | np.where(ist_origin < 2, np.nan_to_num(ist["luecken"]), 0).astype(np.int64) << 2
            | np.where(soll_origin < 2, np.nan_to_num(soll["luecken"]), 0).astype(np.int64) << 5)
    texts = ["kein IST-Modell", "kein SOLL-Modell", *(f"IST: {t}" for t in _GAP_TEXT),
             *(f"SOLL: {t}" for t in _GAP_TEXT)]
    codes, uniques = pd.factorize(code, sort=True)
    labels = ["; ".join(t for bit, t in enumerate(texts) if int(u) >> bit & 1) for u in uniques]
    blocking = sum(1 << bit for bit, t in enumerate(texts) if "Medium" not in t)
    return pd.Categorical.from_codes(codes, categories=labels), (code & blocking) == 0


def _cost_per_case(side: dict[str, Any], params: Parameters) -> np.ndarray:
    """€ per case: minutes × the rate of the Laufbahn that does the step (Lohnkostentabelle),
    staff steps without a Laufbahn at the table's average, customer steps without wage cost;
    or minutes × a flat Personalkostensatz. Tables without the Laufbahn columns (NaN) cost
    all their minutes at the average."""
    minutes = side["minuten"]
    table = params.labour_costs
    if table is None:
        return minutes * float(params.personalkostensatz_euro_stunde or 0.0) / 60.0
    total = np.zeros_like(minutes)
    assigned = np.zeros_like(minutes)
    for key in LAUFBAHNEN:
        part = np.nan_to_num(side[f"minuten_{key}"])
        total += part * table.rate(key)
        assigned += part
    rest = side["minuten_ohne_laufbahn"]
    rest = np.where(np.isnan(rest), np.maximum(minutes - assigned, 0.0), rest)
    return (total + rest * table.average) / 60.0


def _categorical(values: pd.Series, index: np.ndarray) -> pd.Categorical:
    """``values[index]`` as a categorical without building one string per row."""
    found, uniques = pd.factorize(values.astype(str))
    return pd.Categorical.from_codes(found[index], categories=list(uniques))


def _unique(names: pd.Series, keys: pd.Series | list[str]) -> list[str]:
    """Display names as categories; duplicates get their key appended."""
    out, seen = [], set()
    keys = keys.tolist() if isinstance(keys, pd.Series) else keys  # plain str, not boxed
    for name, key in zip(names.astype(str).tolist(), keys, strict=True):
        label = name if name not in seen else f"{name} ({key})"
        seen.add(label)
        out.append(label)
    return out


# --------------------------------------------------------------------------- analyse


@dataclass(slots=True)
class Analyse:
    """Everything a report or the CLI shows about the potential of a knowledge base.

    (Field names are German because reports and widgets already use them.)"""

    parameter: Parameters
    annahmen: dict[str, Any]  # scoring policy, weights, top N, draws, seed
    frame: pd.DataFrame  # Kommune × Leistung with scores, rank and sensitivity
    verbund: pd.DataFrame  # Leistung rows for the whole Verbund, scored and ranked
    efa: pd.DataFrame
    hinweise: list[str] = field(default_factory=list)  # German notes for the reader
    luecken: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["leistung", "modell", "befund"]))  # every model gap, for data quality


def collect_metrics(repo: Any) -> tuple[pd.DataFrame, list[str], pd.DataFrame]:
    """Metrics of every model in the repository: Verbund IST/SOLL and Kommune IST variants;
    German hints; and every model gap (``leistung, modell, befund``) for the data quality."""
    rows, hints, gaps = [], [], []
    for leistung in repo.leistungen["id"].astype(str):
        wanted = [(None, "ist"), (None, "soll")]
        wanted += [(k, "ist") for k in repo.ist_variants(leistung)]
        for kommune, stand in wanted:
            label = f"{stand.upper()}" + (f" {kommune}" if kommune else "")
            defs = repo.model(leistung, stand, kommune=kommune)
            if defs is None:
                if kommune is None:
                    gaps.append((leistung, label, "Modell fehlt: keine Einsparung berechenbar."))
                continue
            try:
                m = compute(defs)
            except MetricsError as err:
                hints.append(f"{leistung} ({stand}{', ' + kommune if kommune else ''}): {err} "
                             "Das Modell zählt als fehlend.")
                gaps.append((leistung, label, f"{err} Das Modell zählt als fehlend."))
                continue
            hints += [f"{leistung} ({stand}{', ' + kommune if kommune else ''}): {w}"
                      for w in m.warnings]
            ind = indicators.compute(defs, m)
            gaps += _gap_rows(leistung, label, m, ind)
            rows.append(metrics_row(leistung, kommune, stand, m, ind))
    return (metrics_table(rows), hints,
            pd.DataFrame(gaps, columns=["leistung", "modell", "befund"]))


def _gap_rows(leistung: str, label: str, m: ModelMetrics,
              ind: indicators.Indicators) -> list[tuple[str, str, str]]:
    """The gaps of one model: steps without minutes or medium (by name), no time at all."""
    out = []
    if ind.without_minutes:
        out.append((leistung, label, f"{len(ind.without_minutes)} Schritt(e) ohne Minuten, "
                    "gerechnet mit Standardwerten (Verwaltung: Zeitwerttabelle, sonst 0) – "
                    "die Einsparung ist unsicher: " + ", ".join(ind.without_minutes) + "."))
    if ind.steps > 0 and m.expected_minutes - m.standard_minutes <= 0:
        out.append((leistung, label, "Keine Bearbeitungszeit im ganzen Modell"
                    + (" (nur Standardwerte)." if m.standard_minutes > 0 else ".")))
    if ind.without_medium:
        out.append((leistung, label, f"{len(ind.without_medium)} Schritt(e) ohne Medium, "
                    "zählen weder als analog noch als digital: "
                    + ", ".join(ind.without_medium) + "."))
    out += [(leistung, label, f.message) for f in m.findings if f.kind in _ASSUMED]
    return out


#: Data-quality findings of the metrics that are assumptions (docs/kennzahlen.md, "Standardwerte
#: bei fehlenden Angaben"); minutes are listed above by the indicators.
_ASSUMED = frozenset({"wahrscheinlichkeit_fehlt", "schleife_ohne_ausgang", "schleife_endlos",
                      "gateway_fehlt", "rolle_abgeleitet", "nicht_berechenbar"})


def analyse(repo: Any, *, top: int | None = None, draws: int = 500, seed: int = 20240601,
            fallzahl_jahr: int | None = None, fallzahl_basis: str | None = None,
            fallzahl_jahre: int | None = None) -> Analyse:
    """Potential, scores, rankings (per Kommune and Verbund), sensitivity and EfA candidates
    of a knowledge base loaded with ``workbench.repository.Repository.load``."""
    params = Parameters.from_verbund(repo.verbund.parameter, fallzahl_jahr=fallzahl_jahr,
                                     fallzahl_basis=fallzahl_basis, fallzahl_jahre=fallzahl_jahre)
    top = int(top or repo.verbund.parameter.get("top_n") or 5)
    model = repo.scoring
    if model is None:
        reasons = [str(getattr(f, "message", f)) for f in getattr(repo, "findings", [])
                   if "bewertung.yaml" in str(getattr(f, "file", ""))]
        raise PotentialError("bewertung.yaml fehlt oder ist fehlerhaft; ohne Bewertungsmodell "
                             "keine Priorisierung. " + " ".join(reasons[:2]))
    for frame_name, file in (("kommunen", "kommunen.csv"), ("leistungen", "leistungen.yaml")):
        if len(getattr(repo, frame_name)) == 0:
            raise PotentialError(f"{file} enthält keinen gültigen Eintrag; ohne Kommunen und "
                                 "Leistungen gibt es kein Potenzial. Bitte die Befunde von "
                                 "`workbench validate` beheben.")
    table, hints, gaps = collect_metrics(repo)
    bewertungen, strategy_notes = strategy_ratings(repo)  # derived "Unterstützung der Strategie"
    return analyse_tables(repo.kommunen, repo.leistungen, repo.fallzahlen, table, bewertungen,
                          model, params, top=top, draws=draws, seed=seed,
                          hints=strategy_notes + hints, gaps=gaps)


def analyse_tables(kommunen: pd.DataFrame, leistungen: pd.DataFrame, fallzahlen: pd.DataFrame,
                   model_metrics: pd.DataFrame, bewertungen: pd.DataFrame | None,
                   model: Any, params: Parameters, *, top: int = 5, draws: int = 500,
                   seed: int = 20240601, hints: list[str] | None = None,
                   gaps: pd.DataFrame | None = None) -> Analyse:
    """:func:`analyse` from tables (model metrics already computed): frame, scores, ranks,
    sensitivity per Kommune and for the Verbund, EfA candidates. Its arrays are fresh and
    large: they are not put in huge pages (:mod:`workbench.hugepages`)."""
    with hugepages.normal_pages():
        frame = potential_frame(kommunen, leistungen, fallzahlen, model_metrics, params)
        # The national sensitivity keeps both cores busy only part of the time; the Verbund
        # view, the EfA table and the Kommunen's scores run beside it on one more thread
        # (independent results, each computed exactly as alone).
        with ThreadPoolExecutor(max_workers=1) as side:
            verbund_job = side.submit(_verbund_and_efa, frame, bewertungen, model, params,
                                      top=top, draws=draws, seed=seed)
            scored = _scored_with_sensitivity(frame, bewertungen, model, top=top,
                                              draws=draws, seed=seed, side=side)
            verbund_scored, efa = verbund_job.result()
    annahmen = {**model.assumptions(), "top_n": top, "ziehungen": draws, "seed": seed}
    notes = [*model.findings, *frame.attrs["hinweise"], *scored.attrs.get("hinweise", []),
             *(hints or [])]
    if gaps is None:
        gaps = pd.DataFrame(columns=["leistung", "modell", "befund"])
    return Analyse(params, annahmen, scored, verbund_scored.sort_values("rang"), efa,
                   list(dict.fromkeys(notes)), gaps)


def _verbund_and_efa(frame: pd.DataFrame, bewertungen: pd.DataFrame | None, model: Any,
                     params: Parameters, *, top: int, draws: int, seed: int,
                     ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The Verbund view scored with its sensitivity, and the EfA candidates."""
    verbund = _scored_with_sensitivity(ranking.verbund_frame(frame), bewertungen, model,
                                       top=top, draws=draws, seed=seed)
    return verbund, ranking.efa_candidates(frame, params.efa_mitglieder, params.efa_stunden)


def _scored_with_sensitivity(frame: pd.DataFrame, bewertungen: pd.DataFrame | None, model: Any,
                             *, top: int, draws: int, seed: int,
                             side: Executor | None = None) -> pd.DataFrame:
    """``ranking.score`` of ``frame`` plus the sensitivity columns; the criterion values are
    computed once, nothing is copied into the result. With ``side`` the scores are computed
    there while the sensitivity runs."""
    cv = ranking.criterion_values(frame, bewertungen, model)
    job = side.submit(ranking.score, frame, bewertungen, model, values=cv) if side else None
    columns = ranking.sensitivity_columns(frame, bewertungen, model, top=top, draws=draws,
                                          seed=seed, values=cv)
    scored = job.result() if job else ranking.score(frame, bewertungen, model, values=cv)
    del cv
    return ranking.with_columns(scored, columns)
