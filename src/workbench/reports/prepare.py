"""Once per batch, before the kernels need it: the analysis all reports share, and what each
Kommune report shows (its fingerprint).

:func:`report_preparer` returns the callable :func:`~workbench.reports.batch.run_batch` runs while
the workers start their kernels. It computes the potential analysis once, in the calling process,
and hands it to every kernel through the batch cache (JSON bytes, the file name
:func:`workbench.report_content.data.load_context` looks for), and it computes for each Kommune
report of the installed template the digest of its data view
(:mod:`workbench.report_content.fingerprint`), likewise for each Kommune's strategy report.
Other reports (Verbund, the Verbund's strategy report, own templates) keep the fingerprint over
all input files: they may show anything.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .batch import Prepared
from .jobs import TEMPLATES, ReportJob, installed_templates

if TYPE_CHECKING:
    from ..repository import Repository


def _view_jobs(jobs: Sequence[ReportJob], top_n: int, kind: str) -> list[ReportJob]:
    """Jobs of one Kommune each whose template and parameters are the ones the view describes."""
    template = (installed_templates() / TEMPLATES[kind]).resolve()
    return [job for job in jobs if job.kind == kind and job.parameters.get("kommune")
            and Path(job.template).resolve() == template
            and job.parameters.get("bewertung") is None
            and int(job.parameters.get("top_n") or 0) == top_n]


def report_preparer(repository: str | Path, jobs: Sequence[ReportJob], *,
                    stand: str | dt.date | None, top_n: int, loaded: Repository | None = None
                    ) -> Callable[[], Prepared]:
    """The preparation step for :func:`~workbench.reports.batch.run_batch` (see module doc).
    ``loaded``: the knowledge base at ``repository`` as the caller loaded it to build the jobs
    (then not loaded a second time)."""

    def prepare() -> Prepared:
        from ..report_content.data import load_context, shared_analysis
        from ..report_content.fingerprint import kommune_digests, strategy_digest, strategy_shown

        name, data = shared_analysis(repository, top_n=top_n, loaded=loaded)
        kommune_jobs = _view_jobs(jobs, top_n, "kommune")
        strategy_jobs = _view_jobs(jobs, top_n, "strategie")
        shown: dict[str, str] = {}
        if kommune_jobs or strategy_jobs:
            ctx = load_context(repository, stand=stand, top_n=top_n)
            keys = {str(job.parameters["kommune"]) for job in kommune_jobs + strategy_jobs}
            digests = kommune_digests(ctx, sorted(keys))
            shown = {job.stem: digests[str(job.parameters["kommune"])] for job in kommune_jobs}
            if strategy_jobs:
                strategy = strategy_shown(ctx)
                shown.update({job.stem: strategy_digest(digests[str(job.parameters["kommune"])],
                                                        strategy) for job in strategy_jobs})
        return Prepared(shown=shown, shared={name: data})

    return prepare
