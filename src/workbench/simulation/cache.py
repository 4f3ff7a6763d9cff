"""Simulation results cached as JSON by the fingerprint of their inputs (never pickle).

The fingerprint covers the engine version, the Kommune, the scenario plan and the bytes of
every file a run reads (verbund.yaml, kommunen.csv, leistungen.yaml, fallzahlen.csv and the
BPMN models the Kommune uses), so editing one member's IST leaves the others' results valid.
Same inputs → same key → the stored result, which is byte-identical to a new run because runs
are seeded. The folder is ``$WERKBENCH_SIM_CACHE`` or
``$XDG_CACHE_HOME/prozess-werkbench/simulation`` (``~/.cache/…``); ``WERKBENCH_SIM_CACHE=0``
switches caching off. What is read there is parsed as JSON and checked, so a planted file can
at worst be ignored, never run.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ..fileio import atomic_write_bytes
from .kommune import ENGINE_VERSION, FORMAT
from .scenario import Plan

ENV_VAR = "WERKBENCH_SIM_CACHE"


def cache_folder() -> Path | None:
    """Where results are kept, or None when caching is off."""
    value = os.environ.get(ENV_VAR)
    if value == "0":
        return None
    if value:
        return Path(value)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "prozess-werkbench" / "simulation"


def input_files(repo: Any, kommune: str) -> list[Path]:
    """The knowledge-base files a Kommune's simulation depends on, sorted: the master data and
    every model except other Kommunen's own IST variants."""
    root = Path(repo.root)
    names = ["verbund.yaml", "kommunen.csv", "leistungen.yaml", "fallzahlen.csv"]
    models = [p for p in repo.model_files()
              if not (p.name.startswith("ist.") and p.name != f"ist.{kommune}.bpmn"
                      and p.name != "ist.bpmn")]
    return [p for p in (root / n for n in names) if p.exists()] + models


def fingerprint(repo: Any, kommune: str, plan: Plan) -> str:
    """SHA-256 over engine version, Kommune, plan and input files."""
    digest = hashlib.sha256()
    digest.update(f"{FORMAT}\0{ENGINE_VERSION}\0{kommune}\0".encode())
    digest.update(json.dumps(plan.as_dict(), sort_keys=True, ensure_ascii=False).encode())
    for path in input_files(repo, kommune):
        digest.update(b"\0" + str(path.relative_to(repo.root)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def dumps(result: dict[str, Any]) -> bytes:
    """Stable JSON bytes (sorted keys, UTF-8)."""
    return json.dumps(result, sort_keys=True, ensure_ascii=False, indent=1).encode("utf-8")


def loads(data: bytes) -> dict[str, Any] | None:
    """A stored result, or None when the bytes are not one."""
    try:
        doc = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT \
            or doc.get("version") != ENGINE_VERSION or not isinstance(doc.get("szenarien"), list):
        return None
    return doc


def cached(key: str, produce: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The stored result for ``key``, else ``produce()`` stored atomically (best effort)."""
    folder = cache_folder()
    target = folder / f"{key}.json" if folder is not None else None
    if target is not None and target.is_file() and not target.is_symlink():
        try:
            found = loads(target.read_bytes())
        except OSError:
            found = None
        if found is not None:
            return found
    result = produce()
    if target is not None:
        try:
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            atomic_write_bytes(target, dumps(result))
        except OSError:
            pass  # a read-only home: simulate again next time
    return result
