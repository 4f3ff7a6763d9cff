"""What a batch tells people: the German summary table and ``index.html``."""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from .html import page

if TYPE_CHECKING:
    from .batch import BatchResult, JobResult

STATUS_CREATED = "erstellt"
STATUS_SKIPPED = "übersprungen"
STATUS_FAILED = "fehlgeschlagen"
STATUS_EARLIER = "aus früherem Lauf"
_STATUS_CLASS = {STATUS_CREATED: "erstellt", STATUS_SKIPPED: "uebersprungen",
                 STATUS_FAILED: "fehlgeschlagen", STATUS_EARLIER: "uebersprungen"}
MAX_TABLE_ROWS = 60


def format_duration(seconds: float) -> str:
    """``0,42 s`` / ``3 min 05 s`` (German decimal comma)."""
    if seconds < 60:
        return f"{seconds:.2f} s".replace(".", ",")
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


def _table(rows: list[list[str]], headers: list[str]) -> list[str]:
    cells = [headers, *rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        lines.append("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return lines


def format_summary(result: BatchResult, *, max_rows: int = MAX_TABLE_ROWS) -> str:
    """The German summary table (all rows for small batches, otherwise the failures)."""
    rows_source = result.results
    shortened = len(rows_source) > max_rows
    if shortened:
        rows_source = [r for r in rows_source if r.status == STATUS_FAILED][:max_rows]
    rows = [[r.title, r.status, format_duration(r.duration) if r.duration else "–",
             ", ".join(r.files) if r.status != STATUS_FAILED else (r.notebook or "–"),
             r.reason or ""] for r in rows_source]
    lines = []
    if rows:
        lines += _table(rows, ["Kommune", "Status", "Dauer", "Datei", "Grund"])
    if shortened:
        lines.append(f"({len(result.results)} Berichte – hier nur die fehlgeschlagenen; die "
                     "vollständige Liste steht in index.html und batch.log.)")
    counts = result.counts()
    rate = (counts[STATUS_CREATED] / result.elapsed) if result.elapsed > 0 else 0.0
    lines.append(
        f"Ergebnis: {counts[STATUS_CREATED]} erstellt, {counts[STATUS_SKIPPED]} übersprungen "
        f"(unverändert), {counts[STATUS_FAILED]} fehlgeschlagen – Gesamtdauer "
        f"{format_duration(result.elapsed)}"
        + (f", {rate:.1f} Berichte/s".replace(".", ",") if counts[STATUS_CREATED] else "") + ".")
    for warning in result.warnings:
        lines.append(f"Warnung: {warning}")
    lines.append(f"Übersicht: {result.index_path or '–'}   Protokoll: {result.log_path}")
    return "\n".join(lines)


def index_html(results: Iterable[JobResult], earlier: Mapping[str, Mapping[str, Any]],
               out_dir: Path, *, title: str = "Berichte") -> bytes:
    """The overview page: every report of this batch and earlier ones, with status and links."""
    rows: list[tuple[int, int, str, str]] = []  # Verbund first, then batch order, then earlier
    for n, r in enumerate(results):
        files = [f for f in r.files if (out_dir / f).is_file()]
        extra = [r.notebook] if r.notebook and (out_dir / r.notebook).is_file() else []
        rows.append((0 if r.kind == "verbund" else 1, n, r.stem,
                     _row(r.title, r.status, files, extra, r.reason)))
    seen = {r[2] for r in rows}
    for stem, entry in sorted(earlier.items()):
        files = [f for f in entry.get("dateien", []) if (out_dir / f).is_file()]
        if stem not in seen and files:
            rows.append((0 if entry.get("art") == "verbund" else 1, len(rows), stem,
                         _row(str(entry.get("titel", stem)), STATUS_EARLIER, files, [], "")))
    rows.sort()
    body = [f"<h1>{html.escape(title)}</h1>",
            f'<p class="klein">{len(rows)} Berichte. „übersprungen“ heißt: Eingaben unverändert, '
            "der vorhandene Bericht ist aktuell.</p>",
            "<table><thead><tr><th>Bericht</th><th>Status</th><th>Dateien</th><th>Grund</th>"
            "</tr></thead><tbody>", *(r[3] for r in rows), "</tbody></table>"]
    return page("\n".join(body), title=title).encode("utf-8")


def _link(name: str, label: str) -> str:
    return f'<a href="{html.escape(quote(name))}">{html.escape(label)}</a>'


def _row(title: str, status: str, files: list[str], extra: list[str], reason: str) -> str:
    primary = next((f for f in files if f.endswith(".html")), files[0] if files else None)
    label = _link(primary, title) if primary else html.escape(title)
    links = [_link(f, f.rsplit(".", 1)[-1].upper()) for f in files]
    links += [_link(f, "Notebook zur Fehlersuche") for f in extra]
    return (f"<tr><td>{label}</td><td class=\"status-{_STATUS_CLASS.get(status, '')}\">"
            f"{html.escape(status)}</td><td>{' · '.join(links) or '–'}</td>"
            f"<td>{html.escape(reason)}</td></tr>")
