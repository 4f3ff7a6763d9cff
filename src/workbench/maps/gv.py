"""Graphviz plumbing: escaping for DOT and HTML-like labels, running ``dot``, cleaning its SVG.

We write DOT text ourselves and run the ``dot`` program (Debian's or conda's graphviz) with a
timeout. The SVG graphviz writes is then made deterministic and embeddable: no comments, no
version string, no ``<title>`` noise, ids prefixed per map, our classes and ``data-bpmn-id``
attributes on the elements that stand for BPMN elements.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import time
from collections.abc import Mapping, Sequence

from lxml import etree

from . import gvserver
from .shapes import FONT_FAMILY, GV_FONT, safe_id

SVG_NS = "http://www.w3.org/2000/svg"
_S = "{" + SVG_NS + "}"
DEFAULT_TIMEOUT = 120.0


class GraphvizMissing(RuntimeError):
    """The graphviz program ``dot`` is not installed."""

    def __init__(self) -> None:
        super().__init__(
            "Graphviz (das Programm 'dot') ist nicht installiert, wird aber für die automatisch "
            "angeordnete Karte gebraucht. Bitte installieren: 'apt-get install graphviz' "
            "(Debian/Ubuntu) oder 'conda install -c conda-forge graphviz'. Modelle mit "
            "Diagramminformationen lassen sich ohne Graphviz im Stil 'di' zeichnen."
        )


class GraphvizFailed(RuntimeError):
    """``dot`` ran but failed or took too long."""


# --------------------------------------------------------------------------- escaping


def quote(text: str) -> str:
    """A DOT double-quoted string (for ids and plain attributes)."""
    text = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return '"' + text.replace("\n", " ").replace("\r", " ") + '"'


def html(text: str) -> str:
    """Text for an HTML-like label: markup characters escaped, nothing interpreted."""
    return (str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            .replace('"', "&quot;"))


def html_lines(lines: list[str]) -> str:
    return "<BR/>".join(html(line) for line in lines)


def attrs(**values: object) -> str:
    """A DOT attribute list; values starting with '<' and ending with '>' are HTML labels."""
    parts = []
    for key, value in values.items():
        if value is None:
            continue
        key = key.rstrip("_")
        text = str(value)
        if isinstance(value, HtmlLabel):
            parts.append(f"{key}=<{text}>")
        else:
            parts.append(f"{key}={quote(text)}")
    return "[" + " ".join(parts) + "]"


class HtmlLabel(str):
    """Marks a string as an HTML-like label body (already escaped)."""

    __slots__ = ()


# --------------------------------------------------------------------------- running


def dot_path() -> str:
    """The path of ``dot``; raises :class:`GraphvizMissing` when it is not installed."""
    found = shutil.which("dot")
    if not found:
        raise GraphvizMissing()
    return found


def run_dot(source: str, fmt: str = "svg", *, engine: str = "dot",
            timeout: float = DEFAULT_TIMEOUT, dpi: float | None = None) -> bytes:
    """Run graphviz on DOT text and return the output bytes (svg, png, pdf, json …).

    The SVG or JSON of a source that is safe to lay out in a process that laid out others
    comes from this process's running ``dot`` (:mod:`.gvserver`), byte for byte as a fresh
    one writes it; anything else, or anything odd there, runs a fresh ``dot``."""
    args = _args(fmt, engine, dpi)
    started = time.monotonic()
    served = _served(args, source, timeout)
    return served[0] if served is not None else _fresh(args, source, _left(timeout, started))


def _args(fmt: str, engine: str = "dot", dpi: float | None = None) -> list[str]:
    program = dot_path()
    if engine == "neato-n2":  # pinned positions: render only, lay out nothing
        args = [program, "-Kneato", "-n2", f"-T{fmt}"]
    else:
        args = [program, f"-K{engine}", f"-T{fmt}"]
    if dpi:
        args.append(f"-Gdpi={dpi:g}")
    return args


#: A graph the running ``dot`` gave up on gets what is left of its time limit in a fresh
#: process, but at least this many seconds.
MIN_FRESH_SECONDS = 1.0


def _left(timeout: float, started: float) -> float:
    """The time limit left for a fresh ``dot`` after the running one gave up on the graph."""
    return max(MIN_FRESH_SECONDS, timeout - (time.monotonic() - started))


def _fresh(args: list[str], source: str, timeout: float) -> bytes:
    """The output of a ``dot`` process of its own."""
    data = _run(args, source, timeout)
    return fix_pdf_dates(data) if "-Tpdf" in args else data


def run_dot_svg_json(source: str, *, timeout: float = DEFAULT_TIMEOUT) -> tuple[bytes, bytes]:
    """One ``dot`` run, one layout, two outputs: the SVG and the layout as JSON (``json0``,
    without drawing operations)."""
    args = [dot_path(), "-Kdot", "-Tsvg", "-Tjson0"]
    started = time.monotonic()
    served = _served(args, source, timeout)
    if served is not None:
        return served[0], served[1]
    data = _run(args, source, _left(timeout, started))
    end = data.find(b"</svg>")
    if end < 0:
        raise GraphvizFailed("Graphviz konnte die Karte nicht erzeugen: keine SVG-Ausgabe.")
    end = data.index(b"\n", end) + 1 if b"\n" in data[end:] else len(data)
    return data[:end], data[end:]


#: Bounds of one batched ``dot`` run (:func:`run_dot_many`): DOT text and number of graphs.
BATCH_BYTES = 4_000_000
BATCH_GRAPHS = 200
_SVG_START = re.compile(rb"^<\?xml", re.M)


def run_dot_many(sources: Sequence[str], fmt: str = "svg", *,
                 timeout: float = DEFAULT_TIMEOUT) -> list[bytes]:
    """Lay out many graphs with as few ``dot`` processes as possible; the outputs in order,
    each byte for byte what :func:`run_dot` gives for the same source.

    Identical sources are laid out once. Sources safe for it go to this process's running
    ``dot`` (:mod:`.gvserver`). If that is switched off or refuses one, such sources are laid
    out together in one ``dot`` run (``svg`` or ``json``: graphviz reads several graphs from
    one input and writes one output after the other); JSON layouts made that way differ in
    the names graphviz makes up for anonymous subgraphs ("%63"), which count on from one graph
    to the next. If such a run fails, every source of it runs on its own, so the message names
    the failing graph as before.
    """
    if fmt not in ("svg", "json"):
        raise ValueError(f"run_dot_many: Format {fmt!r} wird nicht unterstützt")
    args = _args(fmt)
    found: dict[str, bytes] = {}
    together: list[str] = []
    for source in dict.fromkeys(sources):
        started = time.monotonic()
        served = _served(args, source, timeout)
        if served is not None:
            found[source] = served[0]
        elif _batchable(source):
            together.append(source)
        else:
            found[source] = _fresh(args, source, _left(timeout, started))
    for chunk in _chunks(together):
        found.update(zip(chunk, _run_batch(chunk, args, timeout), strict=True))
    return [found[s] for s in sources]


def _chunks(sources: list[str]) -> list[list[str]]:
    out: list[list[str]] = []
    size = 0
    for source in sources:
        if not out or len(out[-1]) >= BATCH_GRAPHS or size + len(source) > BATCH_BYTES:
            out.append([])
            size = 0
        out[-1].append(source)
        size += len(source)
    return out


def _run_batch(chunk: list[str], args: list[str], timeout: float) -> list[bytes]:
    if len(chunk) == 1:
        return [_fresh(args, chunk[0], timeout)]
    text = "".join(s if s.endswith("\n") else s + "\n" for s in chunk)
    try:
        parts = _split(_fresh(args, text, timeout), args[-1][2:])
    except GraphvizFailed:
        parts = []
    if len(parts) != len(chunk):  # failed or not understood: one process per graph
        return [_fresh(args, s, timeout) for s in chunk]
    return parts


def _split(data: bytes, fmt: str) -> list[bytes]:
    """The outputs of one ``dot`` run over several graphs, each as a run of its own writes it."""
    if fmt == "svg":
        starts = [m.start() for m in _SVG_START.finditer(data)]
        if not starts or starts[0] != 0:
            return []
        parts = [data[a:b] for a, b in zip(starts, [*starts[1:], len(data)], strict=True)]
        return parts[:1] + [gvserver.PAGE_ID.sub(rb"\1", part) for part in parts[1:]]
    text = data.decode("utf-8")
    decoder = json.JSONDecoder()
    out: list[bytes] = []
    start = 0
    while start < len(text):
        try:
            _, end = decoder.raw_decode(text, start)
        except ValueError:
            return []
        end += text[end:end + 1] == "\n"
        out.append(text[start:end].encode("utf-8"))
        start = end
    return out


# Graphviz 2.43 keeps some state from one graph to the next inside one process. The SVG id of
# every graph after the first gets a "page0,1_" prefix, and anonymous objects are numbered on
# (both undone in .gvserver). Named subgraphs are ordered by the address of their name in
# memory, so two or more clusters may come out in another order: a graph with two or more
# named subgraphs, paging, layers or such an id, or without a plain name of its own (an
# anonymous graph's number shows in its SVG title), runs in a process of its own.
#: Attributes whose effect a running ``dot`` carries from graph to graph: paging and layers,
#: and images (graphviz keeps a file it has read, by name, for the life of the process).
_ALONE = re.compile(r"(?i)\b(?:page|layers|layerselect|image|imagepath|shapefile)\s*=|"
                    r"page\d+,\d+_|<img\b")
_NAMED_SUBGRAPH = re.compile(r"(?i)"
                             r'\bsubgraph\s+("(?:[^"\\]|\\.)*"|[A-Za-z_\x80-\uffff][\w\x80-\uffff]*'
                             r"|-?(?:\.\d+|\d+(?:\.\d*)?))")
_NAMED_ROOT = re.compile(r"\s*(?:strict\s+)?(?:di)?graph\s+[A-Za-z_][A-Za-z_0-9]*\s*\{")
#: ``WERKBENCH_DOT_SERVER=0``: no running ``dot``, a process per graph or batch as before.
SERVER_SWITCH = "WERKBENCH_DOT_SERVER"


def _batchable(source: str) -> bool:
    """Whether ``dot`` lays the source out the same way in a process that laid out others."""
    if not _NAMED_ROOT.match(source) or not source.rstrip().endswith("}"):
        return False
    names: set[str] = set()
    for found in _NAMED_SUBGRAPH.finditer(source):
        names.add(found.group(1))
        if len(names) > 1:
            return False
    return not _ALONE.search(source)


def _served(args: list[str], source: str, timeout: float) -> list[bytes] | None:
    """The outputs from this process's running ``dot`` for ``args``, or None: run a fresh one."""
    if (os.environ.get(SERVER_SWITCH) == "0" or gvserver.formats_of(args) is None
            or "-n2" in args or not _batchable(source)):
        return None  # -n2 renders pinned positions: the server's probe graph has none
    try:
        return gvserver.layout(args, source, _server_env(), timeout)
    except gvserver.ServerTimeout as err:
        raise GraphvizFailed(_too_slow(timeout)) from err


def _env() -> dict[str, str]:
    return dict(os.environ, SOURCE_DATE_EPOCH="0")


def _server_env() -> dict[str, str]:
    """The environment of a running ``dot``: ours without the workbench's own variables, which
    ``dot`` does not read and a report kernel changes per report (a change of any other one
    starts a new ``dot``)."""
    return {k: v for k, v in _env().items() if not k.startswith("WERKBENCH_")}


def _too_slow(timeout: float) -> str:
    return (f"Graphviz hat nach {timeout:.0f} s keine Karte geliefert; das Modell ist zu groß "
            "für die automatische Anordnung.")


def _run(args: list[str], source: str, timeout: float) -> bytes:
    try:
        done = subprocess.run(args, input=source.encode("utf-8"), capture_output=True,
                              timeout=timeout, env=_env(), check=False)
    except subprocess.TimeoutExpired as err:
        raise GraphvizFailed(_too_slow(timeout)) from err
    if done.returncode != 0 or not done.stdout:
        message = done.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"Rückgabewert {done.returncode}"
        raise GraphvizFailed(f"Graphviz konnte die Karte nicht erzeugen: {detail}")
    return done.stdout


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) ?\(D:[^)]*\)")


def fix_pdf_dates(data: bytes) -> bytes:
    """Replace PDF creation/modification dates by a fixed one of the same length."""
    def repl(match: re.Match[bytes]) -> bytes:
        whole = match.group(0)
        head = whole[: whole.index(b"(") + 1]
        body_len = len(whole) - len(head) - 1
        fixed = b"D:20000101000000Z"
        fixed = (fixed + b"0" * body_len)[:body_len] if body_len >= 3 else fixed[:body_len]
        return head + fixed + b")"

    return _PDF_DATE.sub(repl, data)


# --------------------------------------------------------------------------- SVG cleanup


def map_prefix(source: str) -> str:
    """A short deterministic id prefix for one map (so several maps fit in one HTML page)."""
    return "m" + hashlib.sha1(source.encode("utf-8")).hexdigest()[:8]


def clean_svg(raw: bytes | etree._Element, meta: Mapping[str, Mapping[str, str]], *,
              prefix: str, title: str = "", root_class: str = "werkbench-karte") -> str:
    """Deterministic, embeddable SVG from graphviz output (bytes, or its parsed root).

    ``meta`` maps the graphviz ``id`` of a node, edge or cluster to the attributes it should
    carry instead (``id``, ``class``, ``data-bpmn-id`` …); ``title`` becomes a ``<title>``
    child (the tooltip).
    """
    if isinstance(raw, bytes):
        parser = etree.XMLParser(remove_comments=True, remove_pis=True, resolve_entities=False,
                                 no_network=True, huge_tree=True)
        root = etree.fromstring(raw, parser)
    else:
        root = raw
    for el in list(root.iter(_S + "title")):
        el.getparent().remove(el)
    tooltips: list[tuple[etree._Element, str]] = []
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        family = el.get("font-family")
        if family is not None and family.startswith(GV_FONT.split()[0]):
            el.set("font-family", FONT_FAMILY)
        gid = el.get("id")
        if gid is None:
            continue
        extra = meta.get(gid)
        if extra is None:
            el.set("id", f"{prefix}-{gid}")
            continue
        base = (el.get("class") or "").split()[:1]
        for key, value in extra.items():
            if key == "title":  # tooltip: the full text of a shortened label, ids
                tooltips.append((el, value))
            elif key == "class":
                el.set("class", " ".join([*base, *value.split()]))
            elif key == "id":
                el.set("id", f"{prefix}-{value}")
            else:
                el.set(key, value)
        if "id" not in extra:
            el.set("id", f"{prefix}-{gid}")
    for el, text in tooltips:
        tip = etree.Element(_S + "title")
        tip.text = text
        el.insert(0, tip)
    for el in list(root.iter(_S + "a")):  # graphviz anchors (table cells with ids): unwrap
        parent = el.getparent()
        index = parent.index(el)
        for offset, child in enumerate(list(el)):
            parent.insert(index + offset, child)
        parent.remove(el)
    root.set("class", root_class)
    root.set("role", "img")
    if title:
        node = etree.Element(_S + "title")
        node.text = title
        root.insert(0, node)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, encoding="unicode")


def svg_ids(prefix: str, bpmn_id: str) -> str:
    """The SVG id of a BPMN element in a map (characters outside [A-Za-z0-9_.-] become '_')."""
    return prefix + "-" + safe_id(bpmn_id)
