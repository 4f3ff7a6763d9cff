"""Visual check: every report of the shipped example and maps of the MIWG reference models as
pictures a person can look at (issue 14).

(a) The reports (``workbench report --alle --format html,pdf``): the HTML in headless Chromium
    at 1920 × 1080, one screenshot per screen height, and the PDF's A4 pages via ``pdftoppm``.
(b) The 21 MIWG reference models in both map styles (``auto``, ``di``): an HTML page with the
    SVG scaled to fit, at 1920 × 1080, and the map's A4 landscape PDF as ``workbench map -o
    karte.pdf`` writes it (:mod:`workbench.mapprint`: one page, or an overview and parts with
    every text at 7 pt or more) via ``pdftoppm``; the same for the Prozesslandkarte of the
    example (by priority and by digital share).

Output (``--out``, default ``tests/artifacts/visual``): a contact sheet per group (committed,
small PNGs) and an ``index.md``; the full-size pictures in ``voll/`` (git-ignored), which are
what one looks at for details. Run: ``.venv/bin/python tools/visual_check.py`` (documented in
``docs/berichte.md``).
"""

from __future__ import annotations

import argparse
import math
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parents[1]
SCREEN = (1920, 1080)
THUMB_SCREEN = (320, 180)  # a screen in a contact sheet
THUMB_PAGE_W = 150  # an A4 page in a contact sheet
SHEET_COLUMNS = 6
PDF_DPI = 60  # pdftoppm resolution of the full-size A4 pictures (A4 → 496 × 702 px)
MAX_SCREENS = 40  # screens of one report at most (the rest is noted in the index)
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
MAP_PAGE = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>{title}</title>
<style>
html, body {{ margin: 0; padding: 0; background: #fff; font-family: DejaVu Sans, sans-serif; }}
h1 {{ font-size: 16px; margin: 6px 12px; }}
.karte svg {{ display: block; width: 100%; height: auto; max-height: calc(100vh - 40px); }}
</style></head><body><h1>{title}</h1><div class="karte">{svg}</div></body></html>
"""


MAP_GROUPS = ("landkarte",)
#: Heading of the hand-written findings in index.md; a new run keeps that section.
FINDINGS = "## Befunde"
MIN_PRINT_PT = 7.0  # the smallest readable print size (issue 14)


@dataclass
class Group:
    """Pictures of one thing (a report, the maps of one style): screens and A4 pages."""

    name: str
    screens: list[Path] = field(default_factory=list)
    pages: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise SystemExit("Chromium fehlt (Debian-Paket chromium); die Sichtprüfung braucht es.")
    return found


@contextmanager
def _browser() -> Iterator[object]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=_chromium(), args=CHROMIUM_ARGS)
        try:
            yield instance
        finally:
            instance.close()


def _pdf_pages(pdf: Path, target: Path, stem: str) -> list[Path]:
    """The A4 pages of ``pdf`` as PNGs ``<stem>-seite-N.png`` (pdftoppm)."""
    if not shutil.which("pdftoppm"):
        raise SystemExit("pdftoppm fehlt (Debian-Paket poppler-utils).")
    with tempfile.TemporaryDirectory(prefix="pdftoppm-") as tmp:
        subprocess.run(["pdftoppm", "-r", str(PDF_DPI), "-png", str(pdf), f"{tmp}/s"],
                       check=True, capture_output=True, timeout=300)
        pages = sorted(Path(tmp).glob("s-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))
        out = []
        for number, page in enumerate(pages, start=1):
            final = target / f"{stem}-seite-{number:02d}.png"
            shutil.move(page, final)
            out.append(final)
    return out


def _shot(page: object, path: Path) -> None:
    """A viewport screenshot; retried, because a loaded machine sometimes refuses one."""
    for attempt in range(3):
        try:
            page.screenshot(path=str(path))  # type: ignore[attr-defined]
            return
        except Exception:  # playwright's Error: "Unable to capture screenshot"
            if attempt == 2:
                raise
            page.wait_for_timeout(2000)  # type: ignore[attr-defined]


def _screens(page: object, target: Path, stem: str, group: Group) -> None:
    """Screenshots of the page at 1920 × 1080, one per screen height, top to bottom."""
    height = int(page.evaluate("() => document.documentElement.scrollHeight"))  # type: ignore[attr-defined]
    count = max(1, math.ceil(height / SCREEN[1]))
    if count > MAX_SCREENS:
        group.notes.append(f"{count} Bildschirmhöhen, nur die ersten {MAX_SCREENS} als Bild")
    for index in range(min(count, MAX_SCREENS)):
        page.evaluate(f"() => window.scrollTo(0, {index * SCREEN[1]})")  # type: ignore[attr-defined]
        path = target / f"{stem}-bildschirm-{index + 1:02d}.png"
        _shot(page, path)
        group.screens.append(path)


# --------------------------------------------------------------------------- (a) reports


def render_reports(out: Path, kommunen: Sequence[str] | None, verbund: bool) -> Path:
    """Run ``workbench report`` (HTML and PDF) into ``out``; returns ``out``."""
    args = ["--alle"] if not kommunen else ["--kommune", *kommunen]
    args += [] if verbund else ["--ohne-verbund"]
    command = [sys.executable, "-c", "import sys; from workbench.cli import main; "
               "sys.exit(main(sys.argv[1:]))", "report", *args, "--format", "html,pdf",
               "--out", str(out), "--repository", str(ROOT / "processes"), "--ohne-fortschritt"]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:
        raise SystemExit("Die Berichte ließen sich nicht erzeugen:\n" + done.stdout[-2000:]
                         + done.stderr[-2000:])
    return out


def report_files(folder: Path) -> list[Path]:
    """The report HTML files of a report folder (not the overview, not the portal)."""
    return sorted(p for p in folder.rglob("*.html")
                  if p.name != "index.html" and "portal" not in p.relative_to(folder).parts)


def check_reports(browser: object, folder: Path, full: Path) -> list[Group]:
    groups = []
    target = full / "berichte"
    target.mkdir(parents=True, exist_ok=True)
    for html in report_files(folder):
        group = Group(html.stem)
        page = browser.new_page(viewport={"width": SCREEN[0], "height": SCREEN[1]})  # type: ignore[attr-defined]
        page.goto(html.as_uri(), wait_until="load", timeout=120_000)
        _screens(page, target, html.stem, group)
        page.close()
        pdf = html.with_suffix(".pdf")
        if pdf.exists():
            group.pages = _pdf_pages(pdf, target, html.stem)
        else:
            group.notes.append("kein PDF gefunden")
        groups.append(group)
    return groups


# --------------------------------------------------------------------------- (b) MIWG maps


def miwg_folder() -> Path:
    for candidate in (ROOT.parent / "shared" / "data" / "miwg-reference",
                      Path("/work/shared/data/miwg-reference")):
        if candidate.is_dir():
            return candidate
    raise SystemExit("Die MIWG-Referenzmodelle fehlen (shared/data/miwg-reference neben dem "
                     "Projektordner).")


def check_maps(browser: object, models: Sequence[Path], styles: Sequence[str],
               full: Path) -> list[Group]:
    from workbench import bpmn
    from workbench.maps import process_map

    groups = []
    target = full / "karten"
    target.mkdir(parents=True, exist_ok=True)
    for style in styles:
        group = Group(f"karten-{style}")
        for path in models:
            stem = f"{path.stem}-{style}"
            try:
                result = process_map(bpmn.read(path), style=style)
            except Exception as err:  # a map that fails is a finding, not a crash
                group.notes.append(f"{path.name}: nicht gezeichnet – {err}")
                continue
            group.notes.extend(f"{path.name}: {w}" for w in result.warnings)
            _map_pictures(browser, result.svg, f"{path.stem} · Stil {style}", target, stem,
                          group)
        groups.append(group)
    return groups


def check_landscape(browser: object, full: Path) -> Group:
    """The Prozesslandkarte of the shipped example, by priority and by digital share."""
    from workbench.maps.kb import repository_landscape
    from workbench.repository import Repository

    target = full / "karten"
    target.mkdir(parents=True, exist_ok=True)
    group = Group("landkarte")
    repo = Repository.load(ROOT / "processes")
    for color in ("prioritaet", "digitalanteil"):
        result = repository_landscape(repo, color)
        group.notes.extend(result.warnings)
        _map_pictures(browser, result.svg, f"Prozesslandkarte · {color}", target,
                      f"landkarte-{color}", group)
    return group


def _map_pictures(browser: object, svg: str, title: str, target: Path, stem: str,
                  group: Group) -> None:
    """A page with the map fitted to 1920 × 1080 (screenshot), and the map's A4 PDF as
    ``workbench map -o karte.pdf`` writes it (one page, or overview and readable parts)."""
    from html import escape

    from workbench.mapprint import map_pdf

    page_file = target / f"{stem}.html"
    page_file.write_text(MAP_PAGE.format(title=escape(title), svg=svg), encoding="utf-8")
    page = browser.new_page(viewport={"width": SCREEN[0], "height": SCREEN[1]})  # type: ignore[attr-defined]
    page.goto(page_file.as_uri(), wait_until="load")
    shot = target / f"{stem}-bildschirm.png"
    _shot(page, shot)
    group.screens.append(shot)
    page.close()
    pdf = target / f"{stem}.pdf"
    data, layout = map_pdf(svg, title)
    pdf.write_bytes(data)
    group.pages.extend(_pdf_pages(pdf, target, stem))
    size = f"{layout.smallest_pt:.1f}".replace(".", ",")
    if layout.smallest_pt < MIN_PRINT_PT - 0.05:
        group.notes.append(f"{stem}: kleinste Schrift auf A4 quer {size} pt (unter 7 pt)")
    elif layout.split:
        group.notes.append(f"{stem}: Übersicht + {len(layout.tiles)} Teile, {size} pt")


# --------------------------------------------------------------------------- contact sheets


def contact_sheet(pictures: Sequence[Path], cell: tuple[int, int], path: Path) -> Path:
    """The pictures as a grid of ``cell``-sized thumbnails with a thin frame (small PNG)."""
    rows = max(1, math.ceil(len(pictures) / SHEET_COLUMNS))
    columns = min(SHEET_COLUMNS, max(1, len(pictures)))
    gap = 6
    sheet = Image.new("RGB", (columns * (cell[0] + gap) + gap, rows * (cell[1] + gap) + gap),
                      "#9e9e9e")
    for index, picture in enumerate(pictures):
        with Image.open(picture) as image:
            thumb = image.convert("RGB")
            thumb.thumbnail(cell, Image.Resampling.LANCZOS)
        x = gap + (index % SHEET_COLUMNS) * (cell[0] + gap)
        y = gap + (index // SHEET_COLUMNS) * (cell[1] + gap)
        sheet.paste(Image.new("RGB", cell, "#ffffff"), (x, y))
        sheet.paste(thumb, (x, y))
    path.parent.mkdir(parents=True, exist_ok=True)
    sheet.quantize(colors=48, method=Image.Quantize.MEDIANCUT).save(path, optimize=True)
    return path


def split_orientation(pages: Sequence[Path]) -> tuple[list[Path], list[Path]]:
    """Portrait and landscape pages (a report's map appendix is landscape), each in order."""
    portrait, landscape = [], []
    for page in pages:
        with Image.open(page) as image:
            (landscape if image.width > image.height else portrait).append(page)
    return portrait, landscape


def page_cell(pages: Sequence[Path]) -> tuple[int, int]:
    if not pages:
        return (THUMB_PAGE_W, round(THUMB_PAGE_W * 297 / 210))
    with Image.open(pages[0]) as image:
        width, height = image.size
    if width > height:  # landscape pages
        return (round(THUMB_PAGE_W * 1.4), THUMB_PAGE_W)
    return (THUMB_PAGE_W, round(THUMB_PAGE_W * height / width))


def write_index(out: Path, groups: Sequence[Group], sheets: dict[str, list[Path]]) -> Path:
    lines = ["# Sichtprüfung: Berichte und Karten", "",
             "Erzeugt mit `.venv/bin/python tools/visual_check.py` (siehe docs/berichte.md). "
             "Bildschirm = Chromium bei 1920 × 1080; A4 = PDF-Seiten über `pdftoppm`. "
             "Die Bilder in voller Größe liegen nach einem Lauf in `voll/` (nicht im Repository).",
             "", "| Gruppe | Bildschirme | A4-Seiten | Übersicht | Hinweise |",
             "| --- | ---: | ---: | --- | --- |"]
    for group in groups:
        links = " · ".join(f"[{p.stem}]({p.relative_to(out).as_posix()})"
                           for p in sheets.get(group.name, []))
        notes = "; ".join(group.notes).replace("|", "/") or "–"
        lines.append(f"| {group.name} | {len(group.screens)} | {len(group.pages)} | {links} | "
                     f"{notes} |")
    path = out / "index.md"
    text = "\n".join(lines) + "\n"
    old = path.read_text(encoding="utf-8") if path.exists() else ""
    if FINDINGS in old:  # what a person wrote after looking stays (update it by hand)
        text += "\n" + old[old.index(FINDINGS):]
    path.write_text(text, encoding="utf-8")
    return path


def run(out: Path, *, reports: Path | None = None, kommunen: Sequence[str] | None = None,
        verbund: bool = True, models: Sequence[str] | None = None,
        styles: Sequence[str] = ("auto", "di"), with_reports: bool = True,
        with_maps: bool = True) -> list[Group]:
    """The whole check; returns the groups (pictures per report / map style)."""
    full = out / "voll"
    for part, wanted in (("berichte", with_reports), ("karten", with_maps)):
        if wanted and (full / part).exists():
            shutil.rmtree(full / part)
    full.mkdir(parents=True, exist_ok=True)
    groups: list[Group] = []
    with tempfile.TemporaryDirectory(prefix="werkbench-sicht-") as tmp, _browser() as browser:
        if with_reports:
            folder = reports or render_reports(Path(tmp) / "berichte", kommunen, verbund)
            groups += check_reports(browser, folder, full)
        if with_maps:
            folder = miwg_folder()
            chosen = sorted(folder.glob("*.bpmn"))
            if models:
                chosen = [p for p in chosen if p.stem in set(models)]
            groups += check_maps(browser, chosen, styles, full)
            groups.append(check_landscape(browser, full))
    for kind, wanted in (("berichte", with_reports), ("karten", with_maps)):
        for stale in (out / kind).glob("*.png") if wanted else ():  # sheets of an older run
            stale.unlink()
    sheets: dict[str, list[Path]] = {}
    for group in groups:
        is_map = group.name in MAP_GROUPS or group.name.startswith("karten-")
        kind = "karten" if is_map else "berichte"
        made = []
        if group.screens:
            made.append(contact_sheet(group.screens, THUMB_SCREEN,
                                      out / kind / f"{group.name}-bildschirm.png"))
        portrait, landscape = split_orientation(group.pages)
        for pages, suffix in ((portrait, "a4"), (landscape, "a4-quer")):
            if pages:
                made.append(contact_sheet(pages, page_cell(pages),
                                          out / kind / f"{group.name}-{suffix}.png"))
        sheets[group.name] = made
    write_index(out, groups, sheets)
    return groups


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sichtprüfung: Berichte und MIWG-Karten als "
                                     "Bildschirmfotos (1920 × 1080) und A4-Seiten.")
    parser.add_argument("--out", type=Path, default=ROOT / "tests" / "artifacts" / "visual")
    parser.add_argument("--berichte", type=Path, help="fertiger Berichtsordner (statt neu "
                        "zu erzeugen)")
    parser.add_argument("--kommune", nargs="+", help="nur diese Kommunen (Schlüssel)")
    parser.add_argument("--ohne-verbund", action="store_true")
    parser.add_argument("--modelle", nargs="+", help="nur diese MIWG-Modelle, z. B. A.1.0 C.2.0")
    parser.add_argument("--stile", default="auto,di")
    parser.add_argument("--ohne-berichte", action="store_true")
    parser.add_argument("--ohne-karten", action="store_true")
    args = parser.parse_args(argv)
    groups = run(args.out, reports=args.berichte, kommunen=args.kommune,
                 verbund=not args.ohne_verbund, models=args.modelle,
                 styles=tuple(s.strip() for s in args.stile.split(",") if s.strip()),
                 with_reports=not args.ohne_berichte, with_maps=not args.ohne_karten)
    for group in groups:
        print(f"{group.name}: {len(group.screens)} Bildschirme, {len(group.pages)} A4-Seiten"
              + (f" – {'; '.join(group.notes)}" if group.notes else ""))
    print(f"Übersicht: {args.out / 'index.md'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
