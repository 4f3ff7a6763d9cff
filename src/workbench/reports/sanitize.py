"""HTML and SVG fragments for reports, cleaned by an HTML5 parser with an allowlist (nh3/ammonia).

Why a maintained sanitiser instead of regular expressions: see docs/decisions/nh3-fuer-berichte.md.
Fragments are parsed the way a browser parses them (html5ever), then only allowlisted elements and
attributes are written back. What can run code or load something from outside never survives:
scripts, event handlers, frames, forms, ``<style>`` blocks, ``javascript:`` and remote URLs. Links
may point inside the page or to a relative file (the reports link to each other); images only to
``data:`` URIs; SVG references (``xlink:href``, ``url(…)`` in paint and marker attributes) only to
``#ids`` of the same page. The page's Content-Security-Policy (``reports.html.CSP``) stays as a
second wall.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict

import nh3

#: HTML elements of reports (text, lists, tables, figures, details) and SVG elements of maps and
#: charts (shapes, text, markers, gradients, clip paths, references inside the same SVG).
HTML_TAGS = frozenset({
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup", "dd",
    "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure", "h1", "h2", "h3",
    "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s",
    "section", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "time", "title", "tr", "u", "ul", "var", "wbr", "main", "header",
    "footer", "nav", "article", "aside",
})
SVG_TAGS = frozenset({
    "svg", "g", "defs", "symbol", "use", "path", "rect", "circle", "ellipse", "line", "polyline",
    "polygon", "text", "tspan", "textPath", "desc", "marker", "clipPath", "mask", "pattern",
    "linearGradient", "radialGradient", "stop", "image",
})
GLOBAL_ATTRIBUTES = frozenset({"class", "id", "title", "lang", "dir", "role", "style", "hidden"})
HTML_ATTRIBUTES = {
    "a": {"href", "name"}, "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan", "headers", "align"}, "th": {"colspan", "rowspan", "scope", "align"},
    "col": {"span", "width"}, "colgroup": {"span"}, "ol": {"start", "reversed", "type"},
    "time": {"datetime"}, "details": {"open"}, "abbr": {"title"},
}
SVG_ATTRIBUTES = frozenset({
    "xmlns", "xmlns:xlink", "version", "viewBox", "preserveAspectRatio", "width", "height", "x",
    "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "rx", "ry", "dx", "dy", "d", "points",
    "transform", "fill", "fill-opacity", "fill-rule", "stroke", "stroke-width", "stroke-opacity",
    "stroke-dasharray", "stroke-dashoffset", "stroke-linecap", "stroke-linejoin",
    "stroke-miterlimit", "opacity", "font-family", "font-size", "font-weight", "font-style",
    "text-anchor", "text-decoration", "dominant-baseline", "alignment-baseline", "letter-spacing",
    "textLength", "lengthAdjust", "marker-start", "marker-mid", "marker-end", "markerWidth",
    "markerHeight", "markerUnits", "refX", "refY", "orient", "clip-path", "clipPathUnits",
    "mask", "offset", "stop-color", "stop-opacity", "gradientUnits", "gradientTransform",
    "patternUnits", "patternTransform", "href", "xlink:href", "visibility", "display",
    "vector-effect", "shape-rendering", "text-rendering", "color", "paint-order", "startOffset",
})
#: CSS properties kept in ``style`` attributes (no property that takes a URL).
STYLE_PROPERTIES = frozenset({
    "color", "background-color", "font-family", "font-size", "font-weight", "font-style",
    "text-align", "text-anchor", "text-decoration", "vertical-align", "white-space", "width",
    "height", "min-width", "max-width", "margin", "margin-top", "margin-bottom", "margin-left",
    "margin-right", "padding", "padding-top", "padding-bottom", "padding-left", "padding-right",
    "border", "border-top", "border-bottom", "border-left", "border-right", "border-color",
    "border-width", "border-style", "border-collapse", "display", "fill", "fill-opacity",
    "stroke", "stroke-width", "stroke-opacity", "stroke-dasharray", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "opacity", "line-height", "page-break-before",
    "page-break-after", "break-before", "break-after", "break-inside", "page-break-inside",
})
#: Elements removed together with everything inside them.
REMOVED_WITH_CONTENT = frozenset({
    "script", "style", "noscript", "template", "iframe", "object", "embed", "frameset", "frame",
    "applet", "metadata", "math", "select", "textarea", "button", "form", "foreignObject",
})
_IMAGE_DATA = re.compile(r"^data:image/(png|jpeg|gif|webp)[;,]", re.IGNORECASE)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
_CSS_URL = re.compile(r"url\s*\(\s*['\"]?\s*(?!#)", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x20\x7f]+")


def _link_ok(value: str) -> bool:
    """An ``href`` of a report: a fragment or a relative file, never a scheme or a host."""
    target = _CONTROL.sub("", value)
    return not _SCHEME.match(target) and not target.startswith(("//", "\\\\", "/\\", "\\/"))


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    """The value to keep, or None to drop the attribute."""
    if attr in ("href", "xlink:href"):
        if tag == "a":
            return value if _link_ok(value) else None
        if tag == "image":
            return value if _IMAGE_DATA.match(value.strip()) else None
        return value if value.startswith("#") else None  # <use>, <textPath>, gradients
    if attr == "src":
        return value if _IMAGE_DATA.match(value.strip()) else None
    if "\\" in value and attr == "style":
        return None  # CSS escapes hide property names and URLs
    # both need a "(": the check first spares nearly every value (coordinates, colours,
    # paths) the regular expression and a lowered copy; called for every attribute of a map
    if "(" in value and (_CSS_URL.search(value) or "expression(" in value.lower()):
        return None  # remote paint, markers or backgrounds
    return value


def _attributes() -> dict[str, set[str]]:
    table: dict[str, set[str]] = {"*": set(GLOBAL_ATTRIBUTES)}
    for tag, names in HTML_ATTRIBUTES.items():
        table[tag] = set(names)
    for tag in SVG_TAGS:
        table.setdefault(tag, set()).update(SVG_ATTRIBUTES)
    return table


_CLEANER = nh3.Cleaner(
    tags=set(HTML_TAGS | SVG_TAGS),
    clean_content_tags=set(REMOVED_WITH_CONTENT),
    attributes=_attributes(),
    attribute_filter=_attribute_filter,
    strip_comments=True,
    link_rel=None,
    generic_attribute_prefixes={"data-", "aria-"},
    url_schemes={"data"},
    filter_style_properties=set(STYLE_PROPERTIES),
)


#: Fragments at least this long are remembered (by SHA-256) once cleaned: the same map or chart
#: often appears in several reports of a worker (the example batch: 54 % of the cleaned bytes
#: were repeats). Shorter ones are cleaned again, that is cheaper than hashing and bookkeeping.
MEMO_MIN_CHARS = 4096
#: Characters of cleaned output kept at most (least recently used dropped first).
MEMO_MAX_CHARS = 16 * 2**20
_memo: OrderedDict[bytes, str] = OrderedDict()
_memo_chars = 0


def sanitize(fragment: str) -> str:
    """The fragment with everything removed that could run code or load from outside."""
    global _memo_chars
    if len(fragment) < MEMO_MIN_CHARS:
        return _CLEANER.clean(fragment)
    key = hashlib.sha256(fragment.encode("utf-8", "surrogatepass")).digest()
    cleaned = _memo.get(key)
    if cleaned is not None:
        _memo.move_to_end(key)
        return cleaned
    cleaned = _CLEANER.clean(fragment)
    if len(cleaned) <= MEMO_MAX_CHARS:
        _memo[key] = cleaned
        _memo_chars += len(cleaned)
        while _memo_chars > MEMO_MAX_CHARS:
            _memo_chars -= len(_memo.popitem(last=False)[1])
    return cleaned
