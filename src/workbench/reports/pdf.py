"""HTML → PDF with headless Chromium (works offline; the page has no external resources)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

CHROMIUM_CANDIDATES = ("/usr/bin/chromium", "chromium", "chromium-browser", "google-chrome",
                       "google-chrome-stable")
CHROMIUM_FLAGS = (
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-dev-shm-usage", "--no-pdf-header-footer",
)


#: ``href`` of a link to another file beside the page (``verbund.html``): no scheme, no ``#``.
_SIBLING_HREF = re.compile(rb"""\shref=(["'])(?!#|[A-Za-z][A-Za-z0-9+.-]*:)[^"']*\1""")


class PdfError(RuntimeError):
    """PDF output is not possible; the message says why and what to do (German)."""


def find_chromium() -> str | None:
    """Path of a Chromium/Chrome binary (``WERKBENCH_CHROMIUM`` wins), or None."""
    override = os.environ.get("WERKBENCH_CHROMIUM")
    for candidate in ((override,) if override else ()) + CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def require_chromium() -> str:
    """The Chromium path or a German PdfError explaining how to install it."""
    binary = find_chromium()
    if binary is None:
        raise PdfError("Für PDF-Berichte wird Chromium benötigt, es wurde aber nicht gefunden. "
                       "Bitte installieren: 'apt-get install chromium' (Debian/Ubuntu) – oder nur "
                       "HTML erzeugen (--format html).")
    return binary


def without_sibling_links(html: bytes) -> bytes:
    """The page without links to files beside it. Chromium prints the page from a temporary
    folder and would write such a link as ``file:///tmp/…/verbund.html``: dead for the reader
    and a random path in the PDF (so two runs differ). The link text stays; links inside the
    page (``#…``) and to web addresses stay links."""
    return _SIBLING_HREF.sub(b"", html)


def html_to_pdf(html: bytes, *, timeout: float = 120) -> bytes:
    """Print an HTML page to PDF (A4, print CSS applies) and return the PDF bytes."""
    binary = require_chromium()
    html = without_sibling_links(html)
    with tempfile.TemporaryDirectory(prefix="werkbench-pdf-") as tmp:
        source = Path(tmp) / "bericht.html"
        target = Path(tmp) / "bericht.pdf"
        source.write_bytes(html)
        cmd = [binary, *CHROMIUM_FLAGS, f"--user-data-dir={Path(tmp) / 'profil'}",
               f"--print-to-pdf={target}", source.as_uri()]
        try:
            proc = subprocess.run(cmd, capture_output=True, timeout=timeout, check=False,
                                  stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as err:
            raise PdfError(f"Chromium hat das PDF nicht innerhalb von {timeout:.0f} s erzeugt.") from err
        except OSError as err:
            raise PdfError(f"Chromium ließ sich nicht starten ({binary}): {err}") from err
        data = target.read_bytes() if target.exists() else b""
        if not data.startswith(b"%PDF"):
            detail = proc.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise PdfError("Chromium hat kein PDF erzeugt (Exit-Code "
                           f"{proc.returncode}). " + " ".join(detail))
        return data
