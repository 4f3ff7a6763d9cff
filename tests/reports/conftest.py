"""Fixtures for the report batch tests: a tiny knowledge base and jobs on the test notebooks."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from workbench.reports.batch import ReportJob

NOTEBOOKS = Path(__file__).parent / "notebooks"
REPORT_NB = NOTEBOOKS / "report.ipynb"
VERBUND_NB = NOTEBOOKS / "verbund.ipynb"
KOMMUNEN = [
    ("033560002", "Grasberg"),
    ("033560005", "Lilienthal"),
    ("033560007", "Osterholz-Scharmbeck, Stadt"),
    ("099999999", "<script>alert(1)</script>"),
]


@pytest.fixture
def kb(tmp_path: Path) -> Path:
    """A minimal knowledge base: only kommunen.csv (what the test notebooks read)."""
    root = tmp_path / "kb"
    root.mkdir()
    lines = ["schluessel,name,typ,einwohner"]
    lines += [f'{key},"{name}",Gemeinde,{1000 + n}' for n, (key, name) in enumerate(KOMMUNEN)]
    (root / "kommunen.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (root / "verbund.yaml").write_text("name: Testverbund\nstand: 2026-11-24\n", encoding="utf-8")
    return root


MakeJobs = Callable[..., list[ReportJob]]


@pytest.fixture
def make_jobs(kb: Path) -> MakeJobs:
    """Jobs for the test notebooks; ``extra`` maps a Kommune key to extra parameters."""

    def make(keys: list[str] | None = None, extra: dict[str, dict[str, Any]] | None = None,
             verbund: bool = True, **common: Any) -> list[ReportJob]:
        inputs = sorted(kb.iterdir())
        base = {"repository": str(kb), "stand": "2026-11-24", "top_n": 5, "bewertung": None}
        jobs = []
        if verbund:
            jobs.append(ReportJob("verbund", "Verbundbericht Testverbund", VERBUND_NB, dict(base),
                                  inputs, "verbund"))
        for key, name in KOMMUNEN:
            if keys is not None and key not in keys:
                continue
            params = {"kommune": key, **base, **common, **(extra or {}).get(key, {})}
            jobs.append(ReportJob(f"{key}_test", f"Bericht {name}", REPORT_NB, params, inputs))
        return jobs

    return make


def normalized(nb: Any) -> Any:
    """A notebook without what differs between any two runs (timings, kernel pid, random ids)."""
    nb = copy.deepcopy(nb)
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("papermill", None)
        cell.metadata.pop("execution", None)
        if "injected-parameters" in cell.metadata.get("tags", []):
            cell.pop("id", None)  # papermill gives the injected cell a random id
        for output in cell.get("outputs", []):
            if output.get("name") == "stderr":  # warnings name the kernel's temp file
                output["text"] = re.sub(r"ipykernel_\d+/\d+", "ipykernel_X/Y", output["text"])
    return nb


def out_files(out: Path) -> set[str]:
    """Every file in the output folder (recursively, relative), ignoring the shared cache."""
    return {str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()
            and ".cache" not in p.relative_to(out).parts}
