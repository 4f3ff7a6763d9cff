"""Content-hash manifest: which report was rendered from which inputs.

The manifest is ``manifest.json`` in the output folder. Key = report stem; value = the SHA-256 of
the report's inputs (bytes of every input file, the template bytes, the parameters as canonical
JSON, ``workbench.__version__`` and the title) plus the files written. A report whose digest is
unchanged and whose files all exist is skipped. The file is written atomically.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..fileio import atomic_write_text

MANIFEST_NAME = "manifest.json"
FORMAT_VERSION = 1


def canonical_json(value: Any) -> str:
    """Stable JSON text for hashing (sorted keys, no whitespace, dates as ISO strings)."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)


class InputHasher:
    """SHA-256 of files, each read once per batch (4,935 reports share the same KB files)."""

    def __init__(self) -> None:
        self._cache: dict[Path, str] = {}

    def file_digest(self, path: Path) -> str:
        key = Path(path).absolute()
        if key not in self._cache:
            try:
                self._cache[key] = hashlib.sha256(key.read_bytes()).hexdigest()
            except OSError:
                self._cache[key] = "fehlt"
        return self._cache[key]

    def inputs_digest(self, inputs: Iterable[Path]) -> str:
        """SHA-256 over the input files only (paths as given + contents)."""
        h = hashlib.sha256(b"werkbench-eingaben\0")
        for path in sorted({str(p) for p in inputs}):
            h.update(f"{path}\0{self.file_digest(Path(path))}\0".encode())
        return h.hexdigest()

    def digest(self, *, inputs: Iterable[Path], template: Path, parameters: Mapping[str, Any],
               title: str = "", version: str = __version__, shown: str | None = None) -> str:
        """The report digest; input paths are hashed as given (relative stays relative).

        ``shown`` is the digest of what the report displays (its data view); when given it
        stands for the inputs, whose contents are then not read."""
        h = hashlib.sha256(f"werkbench-bericht/{FORMAT_VERSION}\0{version}\0{title}\0".encode())
        h.update(f"vorlage\0{self.file_digest(template)}\0".encode())
        h.update(f"parameter\0{canonical_json(dict(parameters))}\0".encode())
        if shown:
            h.update(f"ansicht\0{shown}".encode())
        else:
            h.update(self.inputs_digest(inputs).encode())
        return h.hexdigest()


@dataclass
class Manifest:
    """The manifest of one output folder."""

    path: Path
    reports: dict[str, dict[str, Any]] = field(default_factory=dict)
    warning: str = ""

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """Read the manifest; a missing or unreadable one is empty (everything is re-rendered)."""
        path = Path(out_dir) / MANIFEST_NAME
        if not path.exists():
            return cls(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            reports = data["berichte"]
            if not isinstance(reports, dict):
                raise TypeError
        except (OSError, ValueError, KeyError, TypeError):
            return cls(path, warning=f"{MANIFEST_NAME} ist unlesbar und wird neu aufgebaut; "
                                     "alle Berichte werden neu erstellt.")
        return cls(path, {str(k): dict(v) for k, v in reports.items() if isinstance(v, dict)})

    def is_current(self, stem: str, digest: str, files: Iterable[str]) -> bool:
        """True if ``stem`` was rendered from ``digest`` and every file still exists."""
        entry = self.reports.get(stem)
        if not entry or entry.get("hash") != digest:
            return False
        recorded = set(entry.get("dateien", []))
        wanted = list(files)
        return all(name in recorded and (self.path.parent / name).is_file() for name in wanted)

    def has_files(self, stem: str, files: Iterable[str]) -> bool:
        """True if ``stem`` is recorded with every one of ``files`` present (any digest)."""
        entry = self.reports.get(stem)
        if not entry:
            return False
        recorded = set(entry.get("dateien", []))
        return all(name in recorded and (self.path.parent / name).is_file() for name in files)

    def record(self, stem: str, digest: str, files: Iterable[str], *, title: str, kind: str) -> None:
        self.reports[stem] = {"hash": digest, "dateien": sorted(files), "titel": title, "art": kind}

    def forget(self, stem: str) -> None:
        self.reports.pop(stem, None)

    def save(self) -> None:
        """Write atomically (sorted, so an unchanged manifest is byte-identical)."""
        data = {"format": FORMAT_VERSION, "werkbench": __version__,
                "berichte": dict(sorted(self.reports.items()))}
        atomic_write_text(self.path, json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True)
                          + "\n")
