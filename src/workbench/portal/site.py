"""Writing the portal: Jinja2 templates (autoescaped) and a writer that only touches changed files.

:class:`SiteWriter` writes a file only when its bytes differ from what is on disk (atomically),
remembers every file of this build, and at the end removes files the previous build wrote that
this one did not (a process that lost its release disappears from the site).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ..fileio import atomic_write_bytes
from ..text import ascii_fold, german_number, neutralize_bidi

#: Every page: nothing but the portal's own files (scripts, styles, images); no inline script.
CSP = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data:; font-src data:; connect-src 'none'; form-action 'self'; "
       "base-uri 'none'")
CACHE_DIR = ".portal-cache"
_MANIFEST = "dateien.json"


def json_data(value: Any) -> Markup:
    """JSON for a ``<script type="application/json">`` block: ``<`` escaped, so no text from the
    knowledge base can close the element."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def number(value: Any) -> str:
    if value is None:
        return "–"
    return german_number(value, 0 if float(value).is_integer() else 1)


def css_class(text: str) -> str:
    return ascii_fold(text).replace(" ", "-")


def _visible_bidi(value: Any) -> Any:
    """Every value a template prints shows bidi controls as ``⟨U+202E⟩`` (issue 11): a name from
    the knowledge base cannot reorder what a reader sees. Markup stays markup (the replacement
    contains no HTML special characters)."""
    if isinstance(value, Markup):
        return Markup(neutralize_bidi(str(value)))
    return neutralize_bidi(value) if isinstance(value, str) else value


def environment() -> Environment:
    env = Environment(loader=PackageLoader("workbench.portal", "templates"),
                      autoescape=select_autoescape(default=True, default_for_string=True),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True, finalize=_visible_bidi)
    env.filters.update(json_data=json_data, zahl=number, klasse=css_class)
    return env


@dataclass
class SiteWriter:
    """Writes files below ``out`` only when their bytes change."""

    out: Path
    written: set[str] = field(default_factory=set)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def write(self, rel: str, data: bytes | str) -> None:
        if isinstance(data, str):
            data = data.encode("utf-8")
        path = self.out / rel
        self.written.add(rel)
        try:
            if path.read_bytes() == data:
                return
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(path, data)
        self.changed.append(rel)

    def finish(self) -> None:
        """Remove what the previous build wrote and this one did not; record this build."""
        manifest = self.out / CACHE_DIR / _MANIFEST
        try:
            before = set(json.loads(manifest.read_text(encoding="utf-8")))
        except (FileNotFoundError, ValueError):
            before = set()
        for rel in sorted(before - self.written):
            target = (self.out / rel).resolve()
            if self.out.resolve() in target.parents and target.is_file():
                target.unlink()
                self.removed.append(rel)
        manifest.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_bytes(manifest, json.dumps(sorted(self.written), indent=0).encode())
