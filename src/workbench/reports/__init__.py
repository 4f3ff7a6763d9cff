"""Report batches: warm-kernel papermill engine, own HTML export, PDF, manifest, workers, Dask.

Import the submodules directly (``workbench.reports.batch`` …); this package imports nothing
heavy so that the kernel-side helpers and the engine entry point stay cheap to load.
"""

__all__ = ["batch", "cache", "cluster", "engine", "html", "manifest", "pdf", "summary", "worker"]
