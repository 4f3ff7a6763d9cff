"""Executed notebook → one self-contained, deterministic HTML page (no code, no prompts).

Why our own exporter instead of ``nbconvert --no-input``: see docs/decisions/eigener-html-export.md.
Markdown cells are rendered with mistune (the one nbconvert depends on); of each output the richest
supported type is used: ``text/html``, ``image/svg+xml`` (inline), ``image/png``/``image/jpeg`` (data
URI), ``text/markdown`` (raw HTML escaped), ``text/plain`` (escaped). ``stdout`` appears as text,
``stderr`` (warnings, logs) does not; errors become a German error box. Every fragment is
sanitised (no scripts, event handlers, frames or external references) and a Content-Security-Policy
forbids scripts and remote loads, so the page is safe and works offline.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping
from typing import Any

import mistune

from .. import __version__
from .style import REPORT_CSS

HIDDEN_TAGS = frozenset({"remove-cell", "remove_cell", "remove-output", "remove_output",
                         "hide-output", "parameters", "injected-parameters"})
CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; font-src data:; "
       "form-action 'none'; base-uri 'none'")
_MIME_ORDER = ("text/html", "image/svg+xml", "image/png", "image/jpeg", "text/markdown",
               "text/plain")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

_markdown_trusted = mistune.create_markdown(escape=False, plugins=["table", "strikethrough"])
_markdown_escaped = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])

# ----------------------------------------------------------------------------- sanitising
_DANGEROUS_BLOCKS = re.compile(
    r"<(script|iframe|object|embed|noscript|template|frameset|applet)\b.*?</\1\s*>",
    re.IGNORECASE | re.DOTALL)
_DANGEROUS_TAGS = re.compile(
    r"</?(script|iframe|object|embed|noscript|template|frameset|frame|applet|link|meta|base|form)"
    r"\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9:-]*)(\s[^<>]*?)?(/?)>", re.DOTALL)
_ATTR = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
_URL_ATTRS = frozenset({"href", "src", "xlink:href", "action", "formaction", "poster",
                        "background", "srcset", "data"})
_SAFE_URL = re.compile(r"^(#|data:image/(png|jpeg|gif|webp|svg\+xml)[;,])", re.IGNORECASE)
_RELATIVE_URL = re.compile(r"^(?![a-zA-Z][a-zA-Z0-9+.-]*:)(?!//)[^\s]*$")
_CSS_URL = re.compile(r"(@import[^;]*;?|url\(\s*['\"]?\s*(?!data:|#)[^)]*\))", re.IGNORECASE)
_XML_PROLOG = re.compile(r"<\?xml[^>]*\?>|<!DOCTYPE[^>[]*(\[[^\]]*\])?\s*>|<!--.*?-->",
                         re.DOTALL | re.IGNORECASE)
_SVG_METADATA = re.compile(r"<metadata\b.*?</metadata\s*>", re.DOTALL | re.IGNORECASE)


def sanitize(fragment: str) -> str:
    """Remove what could run code or load something from outside; keep everything else."""
    text = _DANGEROUS_BLOCKS.sub("", fragment)
    text = _DANGEROUS_TAGS.sub("", text)
    text = _TAG.sub(_clean_tag, text)
    if "<style" in text.lower():
        text = re.sub(r"(<style\b[^>]*>)(.*?)(</style\s*>)",
                      lambda m: m.group(1) + _CSS_URL.sub("", m.group(2)) + m.group(3),
                      text, flags=re.DOTALL | re.IGNORECASE)
    return text


def _clean_tag(match: re.Match[str]) -> str:
    name, attrs, close = match.group(1), match.group(2) or "", match.group(3)
    if not attrs.strip():
        return match.group(0)
    kept = []
    for attr in _ATTR.finditer(attrs):
        key, raw = attr.group(1), attr.group(2)
        lower = key.lower()
        if lower.startswith("on") or lower in ("srcdoc", "formaction"):
            continue
        value = raw[1:-1] if raw and raw[0] in "\"'" else raw
        if lower in _URL_ATTRS and value is not None:
            target = html.unescape(value).strip()
            if not (_SAFE_URL.match(target) or (_RELATIVE_URL.match(target)
                                                and lower in ("href", "xlink:href"))):
                continue
        if lower == "style" and value is not None:
            value = _CSS_URL.sub("", html.unescape(value))
            raw = '"' + html.escape(value, quote=True) + '"'
        kept.append(key if raw is None else f"{key}={raw}")
    return f"<{name}{''.join(' ' + k for k in kept)}{close}>"


def inline_svg(svg: str) -> str:
    """An SVG document as an inline fragment: no prolog, DOCTYPE, comments or metadata."""
    return sanitize(_SVG_METADATA.sub("", _XML_PROLOG.sub("", svg))).strip()


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


def page(body: str, *, title: str, extra_css: str = "", lang: str = "de") -> str:
    """Wrap a body fragment in the complete, self-contained page."""
    css = REPORT_CSS + (("\n" + _CSS_URL.sub("", extra_css)) if extra_css else "")
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{CSP}">\n'
        f'<meta name="generator" content="Prozess-Werkbench {html.escape(__version__)}">\n'
        f"<title>{html.escape(title)}</title>\n<style>\n{css}\n</style>\n</head>\n"
        f'<body>\n<main class="bericht">\n{body}\n</main>\n</body>\n</html>\n'
    )


def notebook_to_html(nb: Mapping[str, Any], *, title: str, extra_css: str = "") -> bytes:
    """Render an executed notebook as UTF-8 HTML bytes (byte-identical for identical input)."""
    return page(render_cells(nb.get("cells", [])), title=title, extra_css=extra_css).encode("utf-8")
