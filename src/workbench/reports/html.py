"""Executed notebook → one self-contained, deterministic HTML page (no code, no prompts).

Why our own exporter instead of ``nbconvert --no-input``: see docs/decisions/eigener-html-export.md.
Markdown cells are rendered with mistune (the one nbconvert depends on); of each output the richest
supported type is used: ``text/html``, ``image/svg+xml`` (inline), ``image/png``/``image/jpeg`` (data
URI), ``text/markdown`` (raw HTML escaped), ``text/plain`` (escaped). ``stdout`` appears as text,
``stderr`` (warnings, logs) does not; errors become a German error box. Every fragment is
sanitised by an HTML5 parser with an allowlist (``reports.sanitize``, nh3: no scripts, event handlers,
frames, style blocks or external references) and a Content-Security-Policy forbids scripts and remote
loads as a second wall, so the page is safe and works offline.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

import mistune

from .. import __version__
from ..text import neutralize_bidi
from .sanitize import sanitize
from .style import REPORT_CSS

HIDDEN_TAGS = frozenset({"remove-cell", "remove_cell", "remove-output", "remove_output",
                         "hide-output", "parameters", "injected-parameters"})
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
       "form-action 'none'; base-uri 'none'")
_MIME_ORDER = ("text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown",
               "text/plain")
_BASE64 = re.compile(r"[A-Za-z0-9+/]*={0,2}")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

_markdown_trusted = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])
_markdown_escaped = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])



def inline_svg(svg: str) -> str:
    """An SVG document as an inline fragment (prolog, comments and metadata are dropped)."""
    return sanitize(svg).strip()


# ----------------------------------------------------------------------------- rendering
def _text(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def render_output(output: Mapping[str, Any]) -> str:
    """One notebook output as an HTML fragment ('' if it is not shown in reports)."""
    kind = output.get("output_type")
    if kind == "stream":
        if output.get("name") != "stdout":
            return ""
        text = _ANSI.sub("", _text(output.get("text", "")))
        return f'<pre class="ausgabe">{html.escape(text.rstrip())}</pre>' if text.strip() else ""
    if kind == "error":
        return error_box(str(output.get("ename", "Fehler")), _ANSI.sub("", str(output.get("evalue", ""))))
    if kind not in ("display_data", "execute_result"):
        return ""
    data = output.get("data", {})
    for mime in _MIME_ORDER:
        if mime in data:
            return _render_mime(mime, _text(data[mime]), output.get("metadata", {}).get(mime, {}))
    return ""


def _render_mime(mime: str, value: str, meta: Mapping[str, Any]) -> str:
    if mime == "text/html":
        return f'<div class="ausgabe-html">{sanitize(value)}</div>'
    if mime == "image/svg+xml":
        return f'<figure class="grafik">{inline_svg(value)}</figure>'
    if mime in ("image/png", "image/jpeg"):
        size = "".join(f' {k}="{int(meta[k])}"' for k in ("width", "height")
                       if isinstance(meta, Mapping) and isinstance(meta.get(k), int | float))
        data = re.sub(r"\s+", "", value)
        if not _BASE64.fullmatch(data):
            return ""
        return (f'<figure class="grafik"><img src="data:{mime};base64,{data}" '
                f'alt="Abbildung"{size}></figure>')
    if mime == "text/markdown":
        return f'<div class="ausgabe-md">{sanitize(_markdown_escaped(value))}</div>'
    return f'<pre class="ausgabe">{html.escape(value)}</pre>'


def error_box(ename: str, evalue: str) -> str:
    """A visible German error box (text escaped)."""
    detail = f"{ename}: {evalue}" if evalue else ename
    return ('<div class="fehlerbox" role="alert"><strong>Fehler bei der Berichtserstellung</strong>'
            f"<p>{html.escape(detail)}</p><p class=\"klein\">Dieser Abschnitt ist unvollständig. "
            "Bitte die Daten prüfen oder das Protokoll (batch.log) ansehen.</p></div>")


def render_cells(cells: Iterable[Mapping[str, Any]]) -> str:
    """The body of a report: markdown cells and the outputs of code cells, in order."""
    parts: list[str] = []
    for cell in cells:
        tags = set(cell.get("metadata", {}).get("tags", []) or [])
        if tags & HIDDEN_TAGS:
            continue
        kind = cell.get("cell_type")
        if kind == "markdown":
            source = _text(cell.get("source", ""))
            if source.strip():
                parts.append(f'<section class="text">{sanitize(_markdown_trusted(source))}</section>')
        elif kind == "code":
            rendered = [r for r in (render_output(o) for o in cell.get("outputs", [])) if r]
            if rendered:
                parts.append('<section class="ausgabe-block">' + "\n".join(rendered) + "</section>")
    return "\n".join(parts)


def page(body: str, *, title: str, lang: str = "de") -> str:
    """Wrap a body fragment in the complete, self-contained page (the stylesheet is ours only)."""
    css = REPORT_CSS
    body, title = neutralize_bidi(body), neutralize_bidi(title)  # nothing reorders the page
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f'<meta name="generator" content="Prozess-Werkbench {html.escape(__version__)}">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{css}\n</style>\n</head>\n"
        f'<body>\n<main class="bericht">\n{body}\n</main>\n</body>\n</html>\n'
    )


def notebook_to_html(nb: Mapping[str, Any], *, title: str) -> bytes:
    """Render an executed notebook as UTF-8 HTML bytes (byte-identical for identical input)."""
    return page(render_cells(nb.get("cells", [])), title=title).encode("utf-8")
