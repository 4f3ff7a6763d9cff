"""What a report needs, computed once per knowledge-base state and shared across reports.

Loading the repository and running the potential analysis is the expensive part of a report.
It is memoized per process (warm kernels keep modules between reports) and, inside a batch,
stored once in the batch cache (``WERKBENCH_CACHE_DIR``) so every worker reads the same result.
The cache holds JSON (:mod:`workbench.dataio`), never pickle: reading it cannot run code.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import dataio, heap, indicators
from ..metrics import ModelMetrics, compute
from ..potential import Analyse, Parameters, analyse
from ..reports.cache import cached_bytes
from ..repository import Repository

SENSITIVITY_DRAWS = 500
FRAMES = ("frame", "verbund", "efa", "luecken")
_MEMO: dict[tuple[str, str, int], tuple[Repository, Analyse, int, str, bytes]] = {}
_METRICS: dict[tuple[str, str, str], ModelMetrics | None] = {}


@dataclass(frozen=True)
class ReportContext:
    """The loaded knowledge base, its analysis and the report parameters."""

    repo: Repository
    analysis: Analyse
    stand: dt.date | None
    top_n: int

    @property
    def stand_text(self) -> str:
        return f"{self.stand:%d.%m.%Y}" if self.stand else "ohne Stichtag"


def _files_key(root: Path, bewertung: str | Path | None) -> str:
    """A cheap fingerprint of the knowledge base: path, size and mtime of every file.

    Lets a warm kernel skip even loading the repository when nothing changed; the analysis
    itself is keyed by the content hash (below), so a touched-but-equal file costs one reload.
    """
    digest = hashlib.sha256()
    paths = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in
                   (".yaml", ".yml", ".csv", ".bpmn"))
    if bewertung:
        paths.append(Path(bewertung))
    for path in paths:
        stat = path.stat()
        digest.update(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def load_context(repository: str | Path, *, stand: str | dt.date | None = None,
                 top_n: int | None = None, bewertung: str | Path | None = None,
                 loaded: Repository | None = None) -> ReportContext:
    """The repository and its analysis (memoized by content), with the report's parameters.

    ``bewertung`` names another scoring file (instead of ``bewertung.yaml``), e.g. to show a
    Hauptausschuss the effect of different weights. ``loaded``: the knowledge base at
    ``repository`` as the caller just loaded it (used instead of loading it again).
    """
    repo, analysis, top, _, _ = _loaded(repository, top_n, bewertung, loaded=loaded)
    when = stand if isinstance(stand, dt.date) else (
        dt.date.fromisoformat(stand) if stand else repo.verbund.stand)
    return ReportContext(repo, analysis, when, top)


def shared_analysis(repository: str | Path, *, top_n: int | None = None,
                    bewertung: str | Path | None = None, loaded: Repository | None = None
                    ) -> tuple[str, bytes]:
    """The batch-cache file name and JSON bytes of the analysis :func:`load_context` reads:
    a batch computes it once in its own process and puts it into the cache before any kernel
    starts, so no report computes it. ``loaded`` as in :func:`load_context`."""
    _, _, _, key, data = _loaded(repository, top_n, bewertung, keep_bytes=True, loaded=loaded)
    return key, data


def _loaded(repository: str | Path, top_n: int | None, bewertung: str | Path | None, *,
            keep_bytes: bool = False, loaded: Repository | None = None
            ) -> tuple[Repository, Analyse, int, str, bytes]:
    """Memoized load + analysis; the JSON bytes are kept only when asked (a kernel at 4,935
    administrations would otherwise hold them twice). ``loaded`` is used instead of loading
    ``repository`` again when it is the knowledge base of that folder."""
    root = Path(repository).resolve()
    key = (str(root), _files_key(root, bewertung), int(top_n or 0))
    if key in _MEMO and keep_bytes and not _MEMO[key][4]:
        del _MEMO[key]
    if key not in _MEMO:
        repo = loaded if loaded is not None and Path(loaded.root).resolve() == root \
            else Repository.load(root)
        if bewertung:
            from ..scoring_model import load_scoring_model

            repo.scoring = load_scoring_model(bewertung)
        top = int(top_n or repo.verbund.parameter.get("top_n") or 5)
        state = repo.content_digest[:24] + (
            hashlib.sha256(Path(bewertung).read_bytes()).hexdigest()[:12] if bewertung else "")
        name = f"analyse-{state}-top{top}.json"
        data = cached_bytes(name, lambda: _analysis_json(repo, top))
        _MEMO.clear()  # keep one knowledge-base state per process
        try:
            analysis = analysis_from_json(data)
        except dataio.DataFormatError:  # not what a worker of this batch wrote: compute anew
            data = _analysis_json(repo, top)
            analysis = analysis_from_json(data)
        _MEMO[key] = (repo, analysis, top, name, data if keep_bytes else b"")
    return _MEMO[key]


def _analysis_json(repo: Repository, top: int) -> bytes:
    """The analysis computed and written as JSON; the heap the computation freed (also on its
    side threads) is given back before and after writing, so reading it back starts low."""
    analysis = analyse(repo, top=top, draws=SENSITIVITY_DRAWS)
    heap.release()
    data = analysis_to_json(analysis)
    del analysis
    heap.release()
    return data


def analysis_to_json(analysis: Analyse) -> bytes:
    """The analysis as JSON bytes: data only, so a planted cache file can never run code."""
    return dataio.dumps_frames({  # column by column: small peak at national scale
        "format": "werkbench-analyse-2",
        "parameter": dataio.encode(analysis.parameter.as_dict()),
        "annahmen": dataio.encode(analysis.annahmen),
        "frame": analysis.frame,
        "verbund": analysis.verbund,
        "efa": analysis.efa,
        "hinweise": list(analysis.hinweise),
        "luecken": analysis.luecken,
    })


def analysis_from_json(data: bytes) -> Analyse:
    """The analysis written by :func:`analysis_to_json` (:class:`dataio.DataFormatError` else)."""
    try:
        doc = dataio.loads_frames(data, FRAMES)  # column by column: small peak at national scale
        if not isinstance(doc, dict) or doc.get("format") != "werkbench-analyse-2":
            raise dataio.DataFormatError("Keine gespeicherte Potenzialanalyse der Werkbench.")
        frames = {k: v if isinstance(v := doc.pop(k), pd.DataFrame) else dataio.frame_from_json(v)
                  for k in FRAMES}
        return Analyse(Parameters(**dataio.decode(doc["parameter"])), dataio.decode(doc["annahmen"]),
                       frames["frame"], frames["verbund"], frames["efa"],
                       [str(h) for h in doc["hinweise"]], frames["luecken"])
    except dataio.DataFormatError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as err:
        raise dataio.DataFormatError(f"Gespeicherte Potenzialanalyse unvollständig ({err}).") from None


def model_metrics(ctx: ReportContext, leistung: str, variant: str, kommune: str | None
                  ) -> ModelMetrics | None:
    """Metrics of the model a Kommune uses, computed once per model file and process."""
    source = ctx.repo.model_source(leistung, variant, kommune)
    if source is None:
        return None
    path = ctx.repo.root / source
    key = (str(path), str(path.stat().st_mtime_ns), str(path.stat().st_size))
    if key not in _METRICS:
        defs = ctx.repo.model(leistung, variant, kommune)
        _METRICS[key] = compute(defs) if defs is not None else None
    return _METRICS[key]


def model_indicators(ctx: ReportContext, leistung: str, variant: str, kommune: str | None
                     ) -> indicators.Indicators | None:
    """The digitization indicators of the model a Kommune uses (None without a model)."""
    metrics = model_metrics(ctx, leistung, variant, kommune)
    defs = ctx.repo.model(leistung, variant, kommune)
    if metrics is None or defs is None:
        return None
    return indicators.compute(defs, metrics)
