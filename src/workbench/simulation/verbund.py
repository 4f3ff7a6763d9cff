"""Simulate one Kommune (cached) or all members of a Verbund, in parallel worker processes.

Workers get the knowledge-base path and the plan (in memory), load the repository themselves
and return JSON bytes; nothing crosses a process boundary from disk as pickle.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from .cache import cached, dumps, fingerprint, loads
from .kommune import Progress, simulate
from .scenario import Plan


def simulate_cached(repo: Any, kommune: str, plan: Plan, *,
                    progress: Progress | None = None) -> dict[str, Any]:
    """:func:`~.kommune.simulate`, read from the cache when the inputs are unchanged."""
    key = str(repo.kommune(kommune)["schluessel"])
    return cached(fingerprint(repo, key, plan),
                  lambda: simulate(repo, key, plan, progress=progress))


def _one(root: str, kommune: str, plan: Plan) -> bytes:
    from ..repository import Repository

    return dumps(simulate_cached(Repository.load(root), kommune, plan))


def simulate_members(root: str | Path, kommunen: Iterable[str], plan: Plan, *,
                     workers: int = 1) -> list[dict[str, Any]]:
    """Results for several Kommunen, in the given order; ``workers`` > 1 runs them in
    parallel processes (one Kommune per task)."""
    keys = list(kommunen)
    if workers <= 1 or len(keys) <= 1:
        return [loads(_one(str(root), k, plan)) or {} for k in keys]
    with ProcessPoolExecutor(max_workers=min(workers, len(keys))) as pool:
        data = list(pool.map(_one, [str(root)] * len(keys), keys, [plan] * len(keys)))
    return [loads(d) or {} for d in data]
