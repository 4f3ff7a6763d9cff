"""Report jobs: what to render (template + parameters → ``<out>/<stem>.html``) and from which inputs."""

from __future__ import annotations

import ast
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..text import slug

#: The file name of each kind's template in a template folder.
TEMPLATES = {"kommune": "report_kommune.ipynb", "verbund": "report_verbund.ipynb",
             "strategie": "report_strategie.ipynb"}


@dataclass(frozen=True)
class ReportJob:
    """One report: template + parameters → ``<out>/<stem>.html`` (and ``.pdf``)."""

    stem: str
    title: str
    template: Path
    parameters: dict[str, Any]
    inputs: list[Path] = field(default_factory=list)
    kind: str = "kommune"  # or "verbund", "strategie"
    #: digest of what the report shows; when set, it replaces the inputs' contents in the
    #: manifest digest (see :mod:`workbench.reports.prepare`)
    fingerprint: str | None = None


def installed_templates() -> Path:
    """The folder of the report templates shipped inside the installed package.

    ``workbench report`` uses these unless ``--vorlagen`` names others: notebooks lying in the
    current folder are never executed by accident (a report run inside an untrusted folder must
    not run that folder's code)."""
    from importlib.resources import files

    return Path(str(files("workbench") / "templates"))


def slugify(name: str) -> str:
    """``Osterholz-Scharmbeck, Stadt`` → ``osterholz-scharmbeck-stadt`` (ASCII, umlauts spelled out)."""
    return slug(name, separator="-", fallback="bericht")


def jobs_for_repository(repo: Any, *, kommunen: Sequence[str] | None = None,
                        include_verbund: bool = True, stand: str | dt.date, top_n: int,
                        template_dir: Path, kommune_template: Path | None = None,
                        verbund_template: Path | None = None,
                        verbund_link: str | None = None) -> list[ReportJob]:
    """One job per Kommune (all, or the given keys/names) plus the Verbund overview, and with
    a ``strategie/`` folder the strategy report of the Verbund and of each Kommune.

    A Kommune report links to the Verbund report (parameter ``verbundbericht``) only where one
    will be beside it: ``verbund_link`` (a file name the caller found in the output folder), or
    ``verbund.html`` when this batch renders the Verbund report; otherwise it says so in words.

    Each job's inputs are *all* knowledge-base files. The batch narrows a Kommune report's
    fingerprint to what it shows when given a preparer (:mod:`workbench.reports.prepare`);
    without one, a change anywhere in the knowledge base re-renders every report.
    """
    template_dir = Path(template_dir)
    kommune_template = Path(kommune_template or template_dir / TEMPLATES["kommune"])
    verbund_template = Path(verbund_template or template_dir / TEMPLATES["verbund"])
    stand_text = stand.isoformat() if isinstance(stand, dt.date) else str(stand)
    inputs = list(repo.files())
    for text in getattr(repo.verbund, "linked", ()):  # partner KBs shown in the Kommune report
        linked = Path(text) if Path(text).is_absolute() else Path(repo.root) / text
        if linked.is_dir():
            inputs += type(repo).load(linked).files()
    base = {"repository": str(repo.root), "stand": stand_text, "top_n": int(top_n),
            "bewertung": None}
    link = verbund_link or ("verbund.html" if include_verbund else None)
    jobs: list[ReportJob] = []
    if include_verbund:
        jobs.append(ReportJob("verbund", f"Verbundbericht {repo.verbund.name}", verbund_template,
                              dict(base), list(inputs), "verbund"))
    strategy_template = template_dir / TEMPLATES["strategie"]
    strategy = strategy_template.is_file() and (Path(repo.root) / "strategie").is_dir()
    if strategy and include_verbund:
        jobs.append(ReportJob("strategie", f"Strategiebericht {repo.verbund.name}",
                              strategy_template, {"kommune": None, **base}, list(inputs),
                              "strategie"))
    rows = ([repo.kommune(key) for key in kommunen] if kommunen is not None
            else [row for _, row in repo.kommunen.iterrows()])
    seen = set()
    for row in rows:
        key = str(row["schluessel"])
        if key in seen:
            continue
        seen.add(key)
        jobs.append(ReportJob(f"{key}_{slugify(row['name'])}", f"Bericht {row['name']}",
                              kommune_template, {"kommune": key, **base,
                                                 "verbundbericht": link}, list(inputs),
                              "kommune"))
        if strategy:
            jobs.append(ReportJob(f"strategie_{key}_{slugify(row['name'])}",
                                  f"Strategiebericht {row['name']}", strategy_template,
                                  {"kommune": key, **base}, list(inputs), "strategie"))
    return jobs


def template_imports(nb_text: str) -> list[str]:
    """Modules a template imports at top level (preloaded once per warm kernel), and
    ``matplotlib`` if its code mentions matplotlib anywhere (``%matplotlib``, an import inside a
    function): the kernel then chooses the plotting backend at start, before its snapshot
    (:func:`workbench.reports.kernel_state.setup`)."""
    names: list[str] = []
    for cell in _cells(nb_text):
        if cell.get("cell_type") != "code":
            continue
        text = cell.get("source", "")
        text = "".join(text) if isinstance(text, list) else str(text)
        if "matplotlib" in text:
            names.append("matplotlib")
        source = "\n".join(ln for ln in text.splitlines()
                           if not ln.lstrip().startswith(("%", "!")))
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue
        for node in tree.body:
            if isinstance(node, ast.Import):
                names += [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.append(node.module)
    return sorted({n for n in names if n != "__future__"})


def _cells(nb_text: str) -> list[dict[str, Any]]:
    """The cells of a notebook (format 4: plain JSON, read without importing nbformat, whose
    import costs the batch's parent process a second; older formats through nbformat)."""
    try:
        doc = json.loads(nb_text)
    except ValueError:
        doc = None
    if isinstance(doc, dict) and doc.get("nbformat") == 4 and isinstance(doc.get("cells"), list):
        return [c for c in doc["cells"] if isinstance(c, dict)]
    import nbformat

    return list(nbformat.reads(nb_text, as_version=4).cells)


def source_date_epoch(stand: Any) -> str | None:
    """``SOURCE_DATE_EPOCH`` for the Stand date (matplotlib & co. then embed it, not the clock)."""
    try:
        day = dt.date.fromisoformat(str(stand))
    except ValueError:
        return None
    return str(int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()))
