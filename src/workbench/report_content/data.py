"""What a report needs, computed once per knowledge-base state and shared across reports.

Loading the repository and running the potential analysis is the expensive part of a report.
It is memoized per process (warm kernels keep modules between reports) and, inside a batch,
stored once in the batch cache (``WERKBENCH_CACHE_DIR``) so every worker reads the same result.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import pickle
from dataclasses import dataclass
from pathlib import Path

from ..metrics import ModelMetrics, compute
from ..potential import Analyse, analyse
from ..reports.cache import cached_bytes
from ..repository import Repository

SENSITIVITY_DRAWS = 500
_MEMO: dict[tuple[str, str, int], tuple[Repository, Analyse, int]] = {}
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
                 top_n: int | None = None, bewertung: str | Path | None = None
                 ) -> ReportContext:
    """The repository and its analysis (memoized by content), with the report's parameters.

    ``bewertung`` names another scoring file (instead of ``bewertung.yaml``), e.g. to show a
    Hauptausschuss the effect of different weights.
    """
    root = Path(repository).resolve()
    key = (str(root), _files_key(root, bewertung), int(top_n or 0))
    if key not in _MEMO:
        repo = Repository.load(root)
        if bewertung:
            from ..scoring_model import load_scoring_model

            repo.scoring = load_scoring_model(bewertung)
        top = int(top_n or repo.verbund.parameter.get("top_n") or 5)
        state = repo.content_hash()[:24] + (
            hashlib.sha256(Path(bewertung).read_bytes()).hexdigest()[:12] if bewertung else "")
        data = cached_bytes(f"analyse-{state}-top{top}.pickle",
                            lambda: pickle.dumps(analyse(repo, top=top, draws=SENSITIVITY_DRAWS)))
        _MEMO.clear()  # keep one knowledge-base state per process
        _MEMO[key] = (repo, pickle.loads(data), top)
    repo, analysis, top = _MEMO[key]
    when = stand if isinstance(stand, dt.date) else (
        dt.date.fromisoformat(stand) if stand else repo.verbund.stand)
    return ReportContext(repo, analysis, when, top)


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
