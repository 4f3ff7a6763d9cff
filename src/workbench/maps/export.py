"""Map objects and their output: SVG (inline in reports and JupyterLab), PNG, PDF.

Graphviz maps keep their DOT text, so PNG and PDF come straight from ``dot``. Maps drawn by us
(the DI style) are SVG only; for PNG/PDF the first installed converter is used:
``rsvg-convert`` (Debian package ``librsvg2-bin``), the Python package ``cairosvg``, or a headless
Chromium.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from ..fileio import atomic_write_bytes
from .gv import fix_pdf_dates, run_dot

FORMATS = ("svg", "png", "pdf", "dot")
DEFAULT_DPI = 96.0


class MapTooLarge(ValueError):
    """The model has more flow nodes than a map can show (German message)."""


def ensure_drawable(model: object) -> None:
    """Raise :class:`MapTooLarge` for models beyond :data:`workbench.limits.MAX_MAP_NODES`."""
    from ..limits import MAX_MAP_NODES, german_int

    count = len(model.flow_nodes())  # type: ignore[attr-defined]
    if count > MAX_MAP_NODES:
        raise MapTooLarge(
            f"Das Modell hat {german_int(count)} Elemente; Karten werden bis "
            f"{german_int(MAX_MAP_NODES)} Elemente gezeichnet (größere wären an der Wand nicht "
            "lesbar und bräuchten Minuten). Bitte in Teilprozesse gliedern oder die Kennzahlen "
            "(workbench bpmn metrics) verwenden.")


class ExportUnavailable(RuntimeError):
    """No program is installed that can turn this SVG into PNG or PDF."""


@dataclass
class Map:
    """A rendered map: SVG text, and for graphviz maps the DOT source.

    Displays inline in JupyterLab (``_repr_svg_``); :meth:`save` writes SVG, PNG, PDF or DOT by
    the file extension.
    """

    svg: str
    title: str = ""
    dot: str | None = None
    engine: str = "dot"  # graphviz engine for ``dot``: "dot" or "neato-n2" (pinned)
    style: str = "auto"  # auto | di | vergleich | landkarte
    warnings: list[str] = field(default_factory=list)

    def _repr_svg_(self) -> str:
        return self.svg

    def __str__(self) -> str:
        return self.svg

    def to_svg(self) -> str:
        return self.svg

    def to_png(self, dpi: float = DEFAULT_DPI) -> bytes:
        """PNG bytes (``dpi`` 96 = the SVG's pixel size; 192 for sharp prints)."""
        if self.dot is not None:
            return run_dot(self.dot, "png", engine=self.engine, dpi=dpi)
        return svg_to_png(self.svg, scale=dpi / DEFAULT_DPI)

    def to_pdf(self) -> bytes:
        if self.dot is not None:
            return run_dot(self.dot, "pdf", engine=self.engine)
        return svg_to_pdf(self.svg)

    def save(self, path: str | Path, fmt: str | None = None, *, dpi: float = DEFAULT_DPI) -> Path:
        """Write the map; the format comes from ``fmt`` or the file extension."""
        path = Path(path)
        fmt = (fmt or path.suffix.lstrip(".") or "svg").lower()
        if fmt not in FORMATS:
            raise ValueError(f"Unbekanntes Ausgabeformat '{fmt}'; möglich sind: "
                             + ", ".join(FORMATS) + ".")
        if fmt == "svg":
            data = self.svg.encode("utf-8")
        elif fmt == "png":
            data = self.to_png(dpi)
        elif fmt == "pdf":
            data = self.to_pdf()
        else:
            if self.dot is None:
                raise ValueError("Diese Karte wurde nicht mit Graphviz erzeugt; DOT gibt es nicht.")
            data = self.dot.encode("utf-8")
        return atomic_write_bytes(path, data)


# --------------------------------------------------------------------------- SVG → PNG/PDF


def svg_size(svg: str) -> tuple[float, float]:
    """Width and height of an SVG in CSS pixels (pt are converted)."""
    head = svg[: svg.find(">") + 1]
    out = []
    for key in ("width", "height"):
        match = re.search(rf'\b{key}="([0-9.]+)(px|pt)?"', head)
        value = float(match.group(1)) if match else 800.0
        if match and match.group(2) == "pt":
            value *= 4 / 3
        out.append(value)
    return out[0], out[1]


def converters() -> list[str]:
    """Installed SVG converters in order of preference."""
    found = []
    if shutil.which("rsvg-convert"):
        found.append("rsvg-convert")
    if importlib.util.find_spec("cairosvg") is not None:
        found.append("cairosvg")
    if _chromium():
        found.append("chromium")
    return found


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def _unavailable(fmt: str) -> ExportUnavailable:
    return ExportUnavailable(
        f"Für {fmt.upper()} aus einer SVG-Zeichnung fehlt ein Konverter. Bitte eines installieren: "
        "'apt-get install librsvg2-bin' (rsvg-convert) oder 'pip install cairosvg'. "
        "Die SVG-Ausgabe funktioniert auch ohne.")


def svg_to_png(svg: str, *, scale: float = 1.0) -> bytes:
    """Render SVG text to PNG with the first available converter."""
    for name in converters():
        if name == "rsvg-convert":
            return _run(["rsvg-convert", "-f", "png", "-z", f"{scale:g}"], svg.encode())
        if name == "cairosvg":
            cairosvg = importlib.import_module("cairosvg")
            return cairosvg.svg2png(bytestring=svg.encode(), scale=scale)
        return _chromium_render(svg, "png", scale)
    raise _unavailable("png")


def svg_to_pdf(svg: str) -> bytes:
    """Render SVG text to PDF with the first available converter."""
    for name in converters():
        if name == "rsvg-convert":
            return fix_pdf_dates(_run(["rsvg-convert", "-f", "pdf"], svg.encode()))
        if name == "cairosvg":
            cairosvg = importlib.import_module("cairosvg")
            return fix_pdf_dates(cairosvg.svg2pdf(bytestring=svg.encode()))
        return fix_pdf_dates(_chromium_render(svg, "pdf", 1.0))
    raise _unavailable("pdf")


def _run(args: list[str], data: bytes) -> bytes:
    done = subprocess.run(args, input=data, capture_output=True, timeout=120, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{args[0]} ist fehlgeschlagen: "
                           + done.stderr.decode("utf-8", "replace").strip()[-300:])
    return done.stdout


def _chromium_render(svg: str, fmt: str, scale: float) -> bytes:
    """Headless Chromium: a screenshot (PNG) or a print (PDF) of a page holding the SVG."""
    program = _chromium()
    if program is None:
        raise _unavailable(fmt)
    width, height = svg_size(svg)
    w, h = round(width) + 1, round(height) + 1
    page = (f"<!DOCTYPE html><html><head><meta charset='utf-8'><style>"
            f"@page {{ size: {w}px {h}px; margin: 0 }} html,body {{ margin:0; padding:0; "
            f"background:#fff; overflow:hidden }} svg {{ display:block }}</style></head>"
            f"<body>{svg}</body></html>")
    with tempfile.TemporaryDirectory(prefix="werkbench-karte-") as tmp:
        html_path = Path(tmp) / "karte.html"
        html_path.write_text(page, encoding="utf-8")
        out = Path(tmp) / f"karte.{fmt}"
        args = [program, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--no-first-run", "--disable-extensions", f"--user-data-dir={tmp}/profil",
                f"--force-device-scale-factor={scale:g}"]
        if fmt == "png":
            args += [f"--screenshot={out}", f"--window-size={w},{h}"]
        else:
            args += [f"--print-to-pdf={out}", "--no-pdf-header-footer"]
        args.append(html_path.as_uri())
        try:
            subprocess.run(args, capture_output=True, timeout=120, check=False)
        except subprocess.TimeoutExpired as err:
            raise RuntimeError("Chromium hat die Karte nicht rechtzeitig gezeichnet.") from err
        if not out.exists():
            raise RuntimeError("Chromium konnte die Karte nicht zeichnen.")
        return out.read_bytes()
