"""What a Kommune report shows, as data: the fingerprint that decides whether it is re-rendered.

A Kommune report does not depend on every byte of the knowledge base. It shows

- the Kommune's own rows of the potential analysis (Fallzahl, minutes, savings, scores, rank, …,
  each at full precision: they also place the points of the portfolio chart),
- the Verbund figures next to them, *as displayed* (the rounded, formatted averages of
  „Im Vergleich zum Verbund“ and the rounded strategy hours),
- the hints of the analysis it lists, the analysis assumptions and parameters,
- and the content of every knowledge-base file except ``fallzahlen.csv`` (its own rows enter
  through the analysis rows above and as raw rows) and the own IST models of other Kommunen.

:func:`kommune_view` collects exactly that; :func:`view_digest` hashes it (SHA-256 over canonical
JSON). What all Kommunen share (files, assumptions, parameters) enters as one digest
(:func:`shared_view`), the analysis rows as the digest of their exact values (:func:`rows_text`).
The batch computes the digests of all Kommunen in one pass (:func:`kommune_digests`), before
any kernel starts; the report's cover shows the first 12 hex digits, computed in the kernel from
the same function, so the cover changes exactly when the fingerprint does.

A Kommune's strategy report shows the same Kommune data plus Verbund-wide figures of the strategy:
the OKR section (Key Result values) and the mean Key Result progress, both as printed. Its
fingerprint (:func:`strategie_digest`) is the Kommune's plus those two texts.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..reports.cache import FINGERPRINT_ENV_VAR
from .data import ReportContext
from .fmt import number

VIEW_FORMAT = "werkbench-kommunenansicht-1"
STRATEGY_FORMAT = "werkbench-strategieansicht-1"
_AVERAGES: list[tuple[pd.DataFrame, dict[str, float], pd.DataFrame]] = []
_SHA256 = re.compile(r"[0-9a-f]{64}")


def verbund_averages(ctx: ReportContext) -> pd.DataFrame:
    """Per Leistung: unweighted mean of the IST minutes and of the cases per 1,000 inhabitants
    over the members with cases (the „Ø Verbund“ columns); computed once per analysis."""
    frame = ctx.analysis.frame
    einwohner = ctx.repo.kommunen.set_index("schluessel")["einwohner"]
    for seen_frame, seen_people, result in _AVERAGES:
        if seen_frame is frame and seen_people == einwohner.to_dict():
            return result
    with_cases = frame.loc[frame["fallzahl"] > 0,  # only the columns used: no copy of all
                           ["kommune", "leistung", "fallzahl", "minuten_ist"]]
    people = with_cases["kommune"].astype(str).map(einwohner).astype(float)
    with_cases = with_cases.assign(je_1000=with_cases["fallzahl"] / people * 1000,
                                   leistung=with_cases["leistung"].astype(str))
    result = with_cases.groupby("leistung").agg(minuten=("minuten_ist", "mean"),
                                                je_1000=("je_1000", "mean"))
    _AVERAGES[:] = [(frame, einwohner.to_dict(), result)]
    return result


def displayed_averages(averages: pd.DataFrame, leistungen: Iterable[str]) -> list[list[str]]:
    """The Verbund averages of these Leistungen exactly as the report prints them."""
    return [[str(lid), number(averages.at[lid, "minuten"], 1), number(averages.at[lid, "je_1000"], 1)]
            for lid in leistungen if lid in averages.index]


def rows_text(frame: pd.DataFrame, key: str = "kommune") -> dict[str, str]:
    """Per value of the ``key`` column: SHA-256 (hex) of its rows, every value exact.

    Columns are hashed one after the other, each as the group's values in frame order: numbers
    as their IEEE/integer bytes (so exact, ``0.1 + 0.2`` differs from ``0.3``), other values as
    text separated by U+001F. The encoding is per value and per column dtype, so the rows of one
    Kommune give the same digest alone (in the kernel) or as part of the whole frame (in the
    batch). Vectorised by column: 4,935 × 575 rows in about a second, where CSV text took
    minutes."""
    keys = frame[key].astype(str).to_numpy()
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    if not len(keys):
        return {}
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    bounds = list(zip(starts.tolist(), [*starts[1:].tolist(), len(keys)], strict=True))
    hashes = [hashlib.sha256(f"{VIEW_FORMAT}\0rows\0".encode()) for _ in bounds]
    for name in frame.columns:
        column = frame[name]
        head = f"{name}\0{column.dtype}\0".encode()
        values = column.to_numpy()[order]
        if values.dtype.kind in "fc":
            data = np.where(np.isnan(values), np.nan, values).astype(f"<{values.dtype.kind}"
                                                                    f"{values.dtype.itemsize}")
        elif values.dtype.kind in "iub":
            data = values.astype(f"<{'u' if values.dtype.kind == 'b' else values.dtype.kind}"
                                 f"{values.dtype.itemsize}")
        else:
            data = None
            texts = ["\x00" if v is None else str(v) for v in values.tolist()]
        for h, (a, b) in zip(hashes, bounds, strict=True):
            h.update(head)
            h.update(data[a:b].tobytes() if data is not None
                     else "\x1f".join(texts[a:b]).encode("utf-8", "surrogatepass"))
            h.update(b"\x1e")
    return {str(keys[a]): h.hexdigest() for h, (a, _) in zip(hashes, bounds, strict=True)}


def shared_files(repo: Any) -> list[Path]:
    """Knowledge-base files every Kommune report reads in full (see the module docstring)."""
    out = []
    for path in repo.files():
        rel = path.relative_to(repo.root)
        if rel.as_posix() == "fallzahlen.csv":
            continue
        if len(rel.parts) == 2 and rel.name.startswith("ist.") and rel.name != "ist.bpmn":
            continue  # a Kommune's own IST: counted for that Kommune only
        out.append(path)
    for text in getattr(repo.verbund, "linked", ()):  # partner knowledge bases (links section)
        linked = Path(text) if Path(text).is_absolute() else Path(repo.root) / text
        if linked.is_dir():
            out += sorted(p for p in linked.rglob("*") if p.is_file()
                          and p.suffix in (".yaml", ".yml", ".csv", ".bpmn"))
    return out


def file_digests(paths: Iterable[Path], root: Path) -> dict[str, str]:
    """SHA-256 of each file, keyed by its path relative to ``root`` (else absolute)."""
    out = {}
    for path in paths:
        try:
            key = path.relative_to(root).as_posix()
        except ValueError:
            key = str(path)
        out[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return out


def own_variants(repo: Any, kommune: str) -> dict[str, str]:
    """Digests of the Kommune's own IST models (``<leistung>/ist.<kommune>.bpmn``)."""
    return file_digests(sorted(Path(repo.root).glob(f"*/ist.{kommune}.bpmn")), Path(repo.root))


def all_own_variants(repo: Any) -> dict[str, dict[str, str]]:
    """:func:`own_variants` of every Kommune at once (one pass over the folders)."""
    root = Path(repo.root)
    out: dict[str, list[Path]] = {}
    for path in sorted(root.glob("*/ist.*.bpmn")):
        key = path.name[len("ist."):-len(".bpmn")]
        if key:
            out.setdefault(key, []).append(path)
    return {key: file_digests(paths, root) for key, paths in out.items()}


def own_fallzahlen(repo: Any, kommune: str) -> str:
    """The Kommune's raw rows of ``fallzahlen.csv`` (all columns, file order) as text."""
    table = repo.fallzahlen
    return rows_text(table[table["kommune"].astype(str) == kommune]).get(kommune, "")


def listed_hints(ctx: ReportContext, leistungen: list[str],
                 ids: list[str] | None = None) -> list[str]:
    """The calculation hints the report lists for these Leistungen (as in the assumptions)."""
    ids = list(ctx.repo.leistungen["id"]) if ids is None else ids
    return [h for h in ctx.analysis.hinweise if any(lid in h for lid in leistungen)
            or not any(x in h for x in ids)][:15]


def top_leistungen(rows: pd.DataFrame, top_n: int) -> dict[str, list[str]]:
    """Per Kommune its top Leistungen in report order (ranked ones by rank, then name; the
    same stable multi-column sort as the report's ranking), for one Kommune's rows or all."""
    slim = rows[["kommune", "rang", "leistung_name", "leistung"]].dropna(subset=["rang"])
    slim = slim.assign(kommune=slim["kommune"].astype(str))
    ordered = slim.sort_values(["kommune", "rang", "leistung_name"], na_position="last")
    out: dict[str, list[str]] = {}
    for key, leistung in zip(*(ordered.groupby("kommune", sort=False).head(top_n)[col]
                               for col in ("kommune", "leistung")), strict=True):
        out.setdefault(key, []).append(str(leistung))
    return out


def shared_view(ctx: ReportContext, files: Mapping[str, str]) -> str:
    """Digest of what every Kommune report of one knowledge-base state shows alike: Stand,
    top N, the shared files, assumptions and parameters (hashed once, not once per Kommune)."""
    return view_digest({
        "format": VIEW_FORMAT,
        "stand": ctx.stand_text,
        "top_n": ctx.top_n,
        "dateien": dict(sorted(files.items())),
        "annahmen": json.loads(json.dumps(ctx.analysis.annahmen, sort_keys=True, default=str)),
        "parameter": json.loads(json.dumps(ctx.analysis.parameter.as_dict(), sort_keys=True,
                                           default=str)),
    })


def kommune_view(ctx: ReportContext, kommune: str, *, shared: str, rows: str, top: list[str],
                 variants: Mapping[str, str], fallzahlen: str, averages: list[list[str]],
                 hints: list[str], strategy_hours: str | None) -> dict[str, Any]:
    """Everything the Kommune report shows, as plain data (see the module docstring);
    ``shared`` is :func:`shared_view`, ``averages`` :func:`displayed_averages` of ``top``."""
    return {
        "format": VIEW_FORMAT,
        "kommune": kommune,
        "gemeinsam": shared,
        "eigene_ist_modelle": dict(sorted(variants.items())),
        "fallzahlen": fallzahlen,
        "analyse_zeilen": rows,
        "verbund_mittel": averages,
        "hinweise": hints,
        "strategie_stunden": strategy_hours,
    }


def view_digest(view: Mapping[str, Any]) -> str:
    """SHA-256 of a view (canonical JSON)."""
    text = json.dumps(view, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _strategy_hours(ctx: ReportContext) -> Mapping[str, float] | None:
    from .strategie import delivered_hours_by_kommune, load_strategy_context

    sctx = load_strategy_context(ctx)
    return None if sctx is None else delivered_hours_by_kommune(sctx)


def _hours_text(hours: Mapping[str, float] | None, kommune: str) -> str | None:
    return None if hours is None else number(hours.get(kommune, 0.0))


def kommune_digest(ctx: ReportContext, kommune: str) -> str:
    """The fingerprint of one Kommune report (the kernel's way: one Kommune at a time)."""
    frame = ctx.analysis.frame
    mine = frame[frame["kommune"].astype(str) == kommune]
    top = top_leistungen(mine, ctx.top_n).get(kommune, [])
    view = kommune_view(
        ctx, kommune, shared=shared_view(ctx, file_digests(shared_files(ctx.repo),
                                                           Path(ctx.repo.root))),
        rows=rows_text(mine).get(kommune, ""), top=top,
        variants=own_variants(ctx.repo, kommune), fallzahlen=own_fallzahlen(ctx.repo, kommune),
        averages=displayed_averages(verbund_averages(ctx), top), hints=listed_hints(ctx, top),
        strategy_hours=_hours_text(_strategy_hours(ctx), kommune))
    return view_digest(view)


def cover_digest(ctx: ReportContext, kommune: str, kind: str = "kommune") -> str:
    """The fingerprint the cover of a Kommune's report (``kind`` "kommune") or strategy report
    ("strategie") shows: in a batch the one its parent computed for this very report (the
    manifest's, passed as ``kind:kommune:sha256`` in ``WERKBENCH_FINGERPRINT``), else
    :func:`kommune_digest` / :func:`strategie_digest` computed here (the same value)."""
    given = os.environ.get(FINGERPRINT_ENV_VAR, "").split(":")
    if len(given) == 3 and given[:2] == [kind, kommune] and _SHA256.fullmatch(given[2]):
        return given[2]
    return strategie_digest(ctx, kommune) if kind == "strategie" else kommune_digest(ctx, kommune)


def kommune_digests(ctx: ReportContext, kommunen: Iterable[str]) -> dict[str, str]:
    """The fingerprints of many Kommune reports in one pass over the frames (the batch's way);
    equal to :func:`kommune_digest` of each."""
    frame = ctx.analysis.frame
    texts = rows_text(frame)
    tops = top_leistungen(frame, ctx.top_n)
    shared = shared_view(ctx, file_digests(shared_files(ctx.repo), Path(ctx.repo.root)))
    variants = all_own_variants(ctx.repo)
    raw = rows_text(ctx.repo.fallzahlen)
    averages = verbund_averages(ctx)
    ids = [str(i) for i in ctx.repo.leistungen["id"]]
    shown = dict(zip([lid for lid in ids if lid in averages.index],
                     displayed_averages(averages, ids), strict=True))
    hours = _strategy_hours(ctx)
    out = {}
    for kommune in kommunen:
        top = tops.get(kommune, [])
        out[kommune] = view_digest(kommune_view(
            ctx, kommune, shared=shared, rows=texts.get(kommune, ""), top=top,
            variants=variants.get(kommune, {}), fallzahlen=raw.get(kommune, ""),
            averages=[shown[lid] for lid in top if lid in shown],
            hints=listed_hints(ctx, top, ids), strategy_hours=_hours_text(hours, kommune)))
    return out


def strategy_shown(ctx: ReportContext) -> str | None:
    """The Verbund-wide strategy figures a Kommune's strategy report prints (None without a
    strategy): the OKR section and the mean Key Result progress, as HTML/text."""
    from .strategie import key_results_progress, load_strategy_context, okr

    sctx = load_strategy_context(ctx)
    if sctx is None:
        return None
    shown, count = key_results_progress(sctx)
    return f"{okr(ctx, sctx)}\0{shown}\0{count}"


def strategy_digest(kommune_view_digest: str, shown: str | None) -> str:
    """A Kommune strategy report's fingerprint from its Kommune's and the strategy figures."""
    text = f"{STRATEGY_FORMAT}\0{kommune_view_digest}\0{shown}"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def strategie_digest(ctx: ReportContext, kommune: str) -> str:
    """The fingerprint of one Kommune's strategy report (the kernel's way)."""
    return strategy_digest(kommune_digest(ctx, kommune), strategy_shown(ctx))
