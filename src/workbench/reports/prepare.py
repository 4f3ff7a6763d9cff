"""Once per batch, before the kernels need it: the analysis all reports share, and what each
Kommune report shows (its fingerprint).

:func:`report_preparer` returns the callable :func:`~workbench.reports.batch.run_batch` runs while
the workers start their kernels. It computes the potential analysis once, in the calling process,
and hands it to every kernel through the batch cache (JSON bytes, the file name
:func:`workbench.report_content.data.load_context` looks for), and it computes for each Kommune
report of the installed template the digest of its data view
(:mod:`workbench.report_content.fingerprint`). Other reports (Verbund, strategy reports, own
templates) keep the fingerprint over all input files: they may show anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from .batch import Prepared
from .jobs import ReportJob, installed_templates

VIEW_TEMPLATE = "report_kommune.ipynb"


def _view_jobs(jobs: Sequence[ReportJob], top_n: int) -> list[ReportJob]:
    """Kommune jobs whose template and parameters are exactly the ones the view describes."""
    template = (installed_templates() / VIEW_TEMPLATE).resolve()
    return [job for job in jobs if job.kind == "kommune"
            and Path(job.template).resolve() == template
            and job.parameters.get("bewertung") is None
            and int(job.parameters.get("top_n") or 0) == top_n]


def report_preparer(repository: str | Path, jobs: Sequence[ReportJob], *,
                    stand: str | dt.date | None, top_n: int) -> Callable[[], Prepared]:
    """The preparation step for :func:`~workbench.reports.batch.run_batch` (see module doc)."""

    def prepare() -> Prepared:
        from ..report_content.data import load_context, shared_analysis
        from ..report_content.fingerprint import kommune_digests

        name, data = shared_analysis(repository, top_n=top_n)
        views = _view_jobs(jobs, top_n)
        shown: dict[str, str] = {}
        if views:
            ctx = load_context(repository, stand=stand, top_n=top_n)
            digests = kommune_digests(ctx, [str(job.parameters["kommune"]) for job in views])
            shown = {job.stem: digests[str(job.parameters["kommune"])] for job in views}
        return Prepared(shown=shown, shared={name: data})

    return prepare
