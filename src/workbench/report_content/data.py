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

from ..potential import Analyse, analyse
from ..reports.cache import cached_bytes
from ..repository import Repository

SENSITIVITY_DRAWS = 500
_MEMO: dict[tuple[str, str, int], tuple[Repository, Analyse]] = {}


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


def _state_key(repo: Repository) -> str:
    digest = hashlib.sha256(repo.content_hash().encode())
    return digest.hexdigest()[:24]


def load_context(repository: str | Path, *, stand: str | dt.date | None = None,
                 top_n: int | None = None, bewertung: str | Path | None = None
                 ) -> ReportContext:
    """The repository and its analysis (memoized by content), with the report's parameters.

    ``bewertung`` names another scoring file (instead of ``bewertung.yaml``), e.g. to show a
    Hauptausschuss the effect of different weights.
    """
    repo = Repository.load(repository)
    if bewertung:
        from ..scoring_model import load_scoring_model

        repo.scoring = load_scoring_model(bewertung)
    top = int(top_n or repo.verbund.parameter.get("top_n") or 5)
    state = _state_key(repo) + (hashlib.sha256(Path(bewertung).read_bytes()).hexdigest()[:12]
                                if bewertung else "")
    key = (str(Path(repository).resolve()), state, top)
    if key not in _MEMO:
        data = cached_bytes(f"analyse-{state}-top{top}.pickle",
                            lambda: pickle.dumps(analyse(repo, top=top, draws=SENSITIVITY_DRAWS)))
        _MEMO.clear()  # keep one knowledge-base state per process
        _MEMO[key] = (repo, pickle.loads(data))  # noqa: S301 - written by this batch
    cached_repo, analysis = _MEMO[key]
    when = stand if isinstance(stand, dt.date) else (
        dt.date.fromisoformat(stand) if stand else repo.verbund.stand)
    return ReportContext(cached_repo, analysis, when, top)
