"""Digitization potential per Kommune × Leistung: Fallzahl, IST/SOLL time, savings.

Metrics are computed once per model (:mod:`workbench.metrics`) and broadcast over all
Kommunen × Leistungen with numpy; scoring and ranking live in :mod:`workbench.ranking`.
``analyse(repo)`` is the one entry that reads a knowledge base. Formulas and assumptions are
documented in German in ``docs/kennzahlen.md`` and ``docs/bewertungsmodell.md``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from . import ranking
from .metrics import MetricsError, ModelMetrics, compute
from .text import german_number

FALLZAHL_ART = ("gemeldet", "geschätzt", "keine")
IST_MODELL = ("eigen", "Verbund", "fehlt")
ESTIMATE_SOURCE = "geschätzt: Median der Fälle je Einwohner:in der meldenden Mitglieder"
METRIC_COLUMNS = ("minuten", "liegezeit_tage", "medienbrueche", "digital_anteil",
                  "automatisierung_anteil", "verschwendung_minuten", "ozg_schaetzung")


class PotentialError(ValueError):
    """The data cannot be evaluated (German message naming file and value)."""


@dataclass(frozen=True, slots=True)
class Parameters:
    """The parameters every output states (from ``verbund.yaml`` → ``parameter``)."""

    jahresarbeitszeit_stunden: float
    personalkostensatz_euro_stunde: float
    fallzahl_jahr: int | None = None  # None: latest reported year per Kommune × Leistung

    @classmethod
    def from_verbund(cls, parameter: dict[str, Any], *, fallzahl_jahr: int | None = None,
                     source: str = "verbund.yaml") -> Parameters:
        """Read and check the two parameters; German error naming the file and key."""
        values = []
        for key in ("jahresarbeitszeit_stunden", "personalkostensatz_euro_stunde"):
            raw = (parameter or {}).get(key)
            try:
                value = float(str(raw).replace(",", "."))
            except (TypeError, ValueError):
                value = math.nan
            if not math.isfinite(value) or value <= 0:
                raise PotentialError(f"{source}: parameter.{key} fehlt oder ist keine Zahl über "
                                     f"0 (gefunden: {raw!r}). Bitte den Wert der Kommune "
                                     "eintragen.")
            values.append(value)
        return cls(values[0], values[1], fallzahl_jahr)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def lines(self) -> list[str]:
        """German lines for the head of a table or report."""
        year = (str(self.fallzahl_jahr) if self.fallzahl_jahr
                else "jeweils letztes gemeldetes Jahr")
        return [
            f"Jahresarbeitszeit: {_de(self.jahresarbeitszeit_stunden)} Stunden je VZÄ",
            f"Personalkostensatz: {_de(self.personalkostensatz_euro_stunde, 2)} € je Stunde",
            f"Fallzahl-Jahr: {year}",
        ]


def _de(value: float, digits: int = 0) -> str:
    return german_number(value, digits)


# --------------------------------------------------------------------------- Fallzahlen


def lookup(values: pd.Series, keys: pd.Series | list[str]) -> np.ndarray:
    """Position of each value (as text) in ``keys``; -1 where unknown."""
    return pd.Index(pd.Series(keys).astype(str)).get_indexer(values.astype(str)).astype(np.int64)


def _order_by_pair_and_year(pair: np.ndarray, year: np.ndarray) -> np.ndarray:
    """Row order by (pair, year, row): one integer key sorts faster than a lexsort."""
    n = len(pair)
    if n == 0 or not np.all(year == np.floor(year)):
        return np.lexsort((np.arange(n), year, pair))
    y0, span = int(year.min()), int(year.max() - year.min()) + 1
    if (int(pair.max()) + 1) * span * n >= 2**62:
        return np.lexsort((np.arange(n), year, pair))
    key = (pair * span + (year - y0).astype(np.int64)) * n + np.arange(n)
    return np.argsort(key)


def level(keys: pd.Series) -> np.ndarray:
    """0 = Kreisebene (key ≤ 5 digits), 1 = Gemeindeebene (longer keys)."""
    return (keys.astype(str).str.len().to_numpy() > 5).astype(np.int64)


def fallzahlen_frame(kommunen: pd.DataFrame, leistungen: list[str], fallzahlen: pd.DataFrame,
                     jahr: int | None = None) -> tuple[pd.DataFrame, list[str]]:
    """Fallzahl for every Kommune × Leistung (row = Kommune index × len(leistungen) + Leistung).

    Reported: the latest year (≤ ``jahr`` if given). Otherwise estimated: median cases per
    Einwohner of the members on the same level that report it × own Einwohner. Else 0."""
    keys = kommunen["schluessel"].astype(str)
    n_k, n_l = len(keys), len(leistungen)
    hints: list[str] = []
    value = pd.to_numeric(fallzahlen["fallzahl"], errors="coerce").to_numpy(float)
    all_years = pd.to_numeric(fallzahlen["jahr"], errors="coerce").to_numpy(float)
    k = lookup(fallzahlen["kommune"], keys)
    l_ = lookup(fallzahlen["leistung"], leistungen)
    unknown = (k < 0) | (l_ < 0)
    if unknown.any():
        bad = fallzahlen.loc[unknown, ["kommune", "leistung"]].astype(str).drop_duplicates()
        hints.append(f"fallzahlen.csv: {int(unknown.sum())} Zeile(n) mit unbekannter Kommune "
                     "oder Leistung werden ignoriert, z. B. "
                     + ", ".join(f"{a}/{b}" for a, b in bad.head(3).itertuples(index=False))
                     + ".")
    negative = value < 0
    if negative.any():
        hints.append(f"fallzahlen.csv: {int(negative.sum())} negative Fallzahl(en) werden "
                     "ignoriert.")
    ok = ~unknown & ~np.isnan(value) & ~negative & ~np.isnan(all_years)
    if jahr is not None:
        ok &= all_years <= jahr
    pair = (k * n_l + l_)[ok]
    year = all_years[ok]
    order = _order_by_pair_and_year(pair, year)
    last = order[np.r_[pair[order][1:] != pair[order][:-1], True]] if len(order) else order
    chosen = np.flatnonzero(ok)[last]
    quelle = (fallzahlen["quelle"].to_numpy()[chosen] if "quelle" in fallzahlen
              else np.full(len(chosen), "ohne Quellenangabe"))
    src_codes, src_names = pd.factorize(quelle)
    src_names = [str(x) for x in src_names]

    fall = np.full(n_k * n_l, np.nan)
    art = np.full(n_k * n_l, 2, dtype=np.int8)
    years = np.full(n_k * n_l, np.nan)
    src = np.full(n_k * n_l, -1, dtype=np.int64)
    rp = pair[last]
    fall[rp], art[rp], years[rp], src[rp] = value[chosen], 0, year[last], src_codes

    einwohner = pd.to_numeric(kommunen["einwohner"], errors="coerce").to_numpy(float)
    lv = level(keys)
    rk, rl = rp // n_l, rp % n_l
    usable = einwohner[rk] > 0
    rates = pd.Series(fall[rp][usable] / einwohner[rk][usable])
    median = rates.groupby(lv[rk][usable] * n_l + rl[usable]).median()
    med = np.full(2 * n_l, np.nan)
    med[median.index.to_numpy()] = median.to_numpy()
    kk = np.repeat(np.arange(n_k), n_l)
    ll = np.tile(np.arange(n_l), n_k)
    estimate = med[lv[kk] * n_l + ll] * einwohner[kk]
    fill = np.isnan(fall) & np.isfinite(estimate)
    fall[fill], art[fill] = estimate[fill], 1
    fall[np.isnan(fall)] = 0.0
    if (art == 2).any():
        hints.append(f"{int((art == 2).sum())} Kombination(en) Kommune × Leistung ohne gemeldete "
                     "und ohne schätzbare Fallzahl; sie zählen mit 0 Fällen.")
    sources = list(dict.fromkeys([*src_names, ESTIMATE_SOURCE, "keine Angabe"]))
    src = np.where(art == 1, sources.index(ESTIMATE_SOURCE),
                   np.where(art == 2, sources.index("keine Angabe"), src))
    frame = pd.DataFrame({
        "fallzahl": fall,
        "fallzahl_art": pd.Categorical.from_codes(art, categories=list(FALLZAHL_ART)),
        "fallzahl_jahr": years,
        "fallzahl_quelle": pd.Categorical.from_codes(src, categories=sources),
    })
    return frame, hints


# --------------------------------------------------------------------------- model metrics


def metrics_row(leistung: str, kommune: str | None, stand: str, m: ModelMetrics) -> dict[str, Any]:
    """One row of the model-metrics table (kommune '' = the Verbund model)."""
    return {"leistung": leistung, "kommune": kommune or "", "stand": stand,
            "minuten": m.expected_minutes, "liegezeit_tage": m.expected_wait_days,
            "medienbrueche": m.media_breaks,
            "digital_anteil": np.nan if m.digital_share is None else m.digital_share,
            "automatisierung_anteil": (np.nan if m.automation_share is None
                                       else m.automation_share),
            "verschwendung_minuten": m.waste_minutes, "ozg_schaetzung": m.ozg_estimate}


def metrics_table(rows: Iterable[dict[str, Any]]) -> pd.DataFrame:
    """The model-metrics table from :func:`metrics_row` dicts (may be empty)."""
    columns = ["leistung", "kommune", "stand", *METRIC_COLUMNS]
    return pd.DataFrame(list(rows), columns=columns)


def _model_columns(table: pd.DataFrame, keys: pd.Series, leistungen: list[str], stand: str,
                   ) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Metric columns for every row (own Kommune model, else the Verbund model) and the
    model origin code (0 eigen, 1 Verbund, 2 fehlt)."""
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
    for col in METRIC_COLUMNS:
        vb = np.full(n_l, np.nan)
        vb[li[verbund]] = part[col].to_numpy(float)[verbund]
        values = np.tile(vb, n_k)
        values[rows] = part[col].to_numpy(float)[own]
        out[col] = values
    return out, origin


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
    fz, hints = fallzahlen_frame(kommunen.reset_index(drop=True), ids, fallzahlen,
                                 params.fallzahl_jahr)
    ist, ist_origin = _model_columns(model_metrics, keys, ids, "ist")
    soll, soll_origin = _model_columns(model_metrics, keys, ids, "soll")
    fall = fz["fallzahl"].to_numpy()
    ll = np.tile(np.arange(n_l), n_k)
    saved_case = ist["minuten"] - soll["minuten"]
    hours_ist = fall * ist["minuten"] / 60.0
    hours_soll = fall * soll["minuten"] / 60.0
    hours_saved = hours_ist - hours_soll
    mb_case = ist["medienbrueche"] - soll["medienbrueche"]
    ozg_ist = pd.to_numeric(leistungen["reifegrad_ist"], errors="coerce").to_numpy(float)[ll]
    ozg_ziel = pd.to_numeric(leistungen["reifegrad_ziel"], errors="coerce").to_numpy(float)[ll]
    estimate = ist["ozg_schaetzung"]
    deviation = (np.abs(estimate - ozg_ist) >= 1) & ~((estimate == 1) & (ozg_ist == 0))
    frame = pd.DataFrame({
        "kommune": pd.Categorical.from_codes(np.repeat(np.arange(n_k), n_l), categories=keys),
        "kommune_name": pd.Categorical.from_codes(
            np.repeat(np.arange(n_k), n_l), categories=_unique(kommunen["name"], keys)),
        "leistung": pd.Categorical.from_codes(ll, categories=ids),
        "leistung_name": pd.Categorical.from_codes(ll, categories=_unique(leistungen["name"],
                                                                          ids)),
        "fachbereich": _categorical(leistungen["fachbereich"], ll),
        **{c: fz[c] for c in fz.columns},
        "ist_modell": pd.Categorical.from_codes(ist_origin, categories=list(IST_MODELL)),
        "soll_modell": soll_origin < 2,
        "minuten_ist": ist["minuten"], "minuten_soll": soll["minuten"],
        "minuten_gespart_je_fall": saved_case,
        "stunden_ist": hours_ist, "stunden_soll": hours_soll, "stunden_gespart": hours_saved,
        "vzae_gespart": hours_saved / params.jahresarbeitszeit_stunden,
        "euro_gespart": hours_saved * params.personalkostensatz_euro_stunde,
        "medienbrueche_ist": ist["medienbrueche"], "medienbrueche_soll": soll["medienbrueche"],
        "medienbrueche_vermieden_je_fall": mb_case,
        "medienbrueche_vermieden_pro_jahr": mb_case * fall,
        "digital_anteil_ist": ist["digital_anteil"], "digital_anteil_soll": soll["digital_anteil"],
        "ozg_reifegrad_ist": ozg_ist, "ozg_reifegrad_ziel": ozg_ziel,
        "ozg_luecke": np.maximum(ozg_ziel - ozg_ist, 0.0),
        "ozg_schaetzung": estimate, "ozg_abweichung": deviation,
    })
    for values, text in ((saved_case, "braucht im SOLL mehr Bearbeitungszeit je Fall als im "
                                      "IST"),
                         (mb_case, "hat im SOLL mehr erwartete Medienbrüche je Fall als im IST")):
        worse = sorted({ids[i] for i in ll[values < -1e-9]})
        if worse:
            hints.append(f"{', '.join(worse)}: {text} (in mindestens einer Kommune); bitte "
                         "die Modelle prüfen. Die Einsparung zählt negativ, in der Bewertung 0.")
    frame.attrs["parameter"] = params.as_dict()
    frame.attrs["hinweise"] = hints
    return frame


def _categorical(values: pd.Series, index: np.ndarray) -> pd.Categorical:
    """``values[index]`` as a categorical without building one string per row."""
    found, uniques = pd.factorize(values.astype(str))
    return pd.Categorical.from_codes(found[index], categories=list(uniques))


def _unique(names: pd.Series, keys: pd.Series | list[str]) -> list[str]:
    """Display names as categories; duplicates get their key appended."""
    out, seen = [], set()
    for name, key in zip(names.astype(str), keys, strict=True):
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


def collect_metrics(repo: Any) -> tuple[pd.DataFrame, list[str]]:
    """Metrics of every model in the repository: Verbund IST/SOLL and Kommune IST variants."""
    rows, hints = [], []
    for leistung in repo.leistungen["id"].astype(str):
        wanted = [(None, "ist"), (None, "soll")]
        wanted += [(k, "ist") for k in repo.ist_variants(leistung)]
        for kommune, stand in wanted:
            defs = repo.model(leistung, stand, kommune=kommune)
            if defs is None:
                continue
            try:
                m = compute(defs)
            except MetricsError as err:
                hints.append(f"{leistung} ({stand}{', ' + kommune if kommune else ''}): {err} "
                             "Das Modell zählt als fehlend.")
                continue
            hints += [f"{leistung} ({stand}{', ' + kommune if kommune else ''}): {w}"
                      for w in m.warnings]
            rows.append(metrics_row(leistung, kommune, stand, m))
    return metrics_table(rows), hints


def analyse(repo: Any, *, top: int | None = None, draws: int = 500, seed: int = 20240601,
            fallzahl_jahr: int | None = None) -> Analyse:
    """Potential, scores, rankings (per Kommune and Verbund), sensitivity and EfA candidates
    of a knowledge base loaded with ``workbench.repository.Repository.load``."""
    params = Parameters.from_verbund(repo.verbund.parameter, fallzahl_jahr=fallzahl_jahr)
    top = int(top or repo.verbund.parameter.get("top_n") or 5)
    model = repo.scoring
    if model is None:
        reasons = [str(getattr(f, "message", f)) for f in getattr(repo, "findings", [])
                   if "bewertung.yaml" in str(getattr(f, "file", ""))]
        raise PotentialError("bewertung.yaml fehlt oder ist fehlerhaft; ohne Bewertungsmodell "
                             "keine Priorisierung. " + " ".join(reasons[:2]))
    table, hints = collect_metrics(repo)
    frame = potential_frame(repo.kommunen, repo.leistungen, repo.fallzahlen, table, params)
    scored = ranking.score(frame, repo.bewertungen, model)
    sens = ranking.sensitivity(frame, repo.bewertungen, model, top=top, draws=draws, seed=seed)
    scored = scored.assign(**{c: sens[c] for c in ("p_top", "rang_min", "rang_max", "robust")})
    verbund = ranking.verbund_frame(frame)
    verbund_scored = ranking.score(verbund, repo.bewertungen, model)
    vsens = ranking.sensitivity(verbund, repo.bewertungen, model, top=top, draws=draws,
                                seed=seed)
    verbund_scored = verbund_scored.assign(
        **{c: vsens[c] for c in ("p_top", "rang_min", "rang_max", "robust")})
    annahmen = {**model.assumptions(), "top_n": top, "ziehungen": draws, "seed": seed}
    notes = [*model.findings, *frame.attrs["hinweise"], *scored.attrs.get("hinweise", []), *hints]
    return Analyse(params, annahmen, scored, verbund_scored.sort_values("rang"),
                   ranking.efa_candidates(frame), list(dict.fromkeys(notes)))
