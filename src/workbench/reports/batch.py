"""The report batch: jobs → warm-kernel workers (local processes or Dask) → atomic files.

``run_batch`` decides per job from the content-hash manifest whether it must run, executes the
rest in parallel (``jobs_n`` local worker processes, or a Dask cluster with ``scheduler``), writes
every output atomically in this process, keeps ``<stem>.fehler.ipynb`` for failed jobs, and ends
with ``manifest.json``, ``index.html`` and ``batch.log`` in the output folder. One failing report
never stops the others; ``BatchResult.exit_code`` is 1 if any failed.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import hashlib
import logging
import os
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..fileio import atomic_write_bytes, atomic_write_text
from .cache import FINGERPRINT_ENV_VAR
from .jobs import ReportJob, jobs_for_repository, slugify, source_date_epoch, template_imports
from .manifest import InputHasher, Manifest
from .stopping import sigterm_unwinds
from .summary import STATUS_CREATED, STATUS_FAILED, STATUS_SKIPPED, format_summary, index_html

__all__ = ["BatchError", "BatchResult", "JobResult", "Prepared", "ReportJob", "StartingPool",
           "jobs_for_repository", "run_batch", "slugify", "template_imports", "warm_pool"]

FORMATS = ("html", "pdf")
KINDS = ("kommune", "verbund", "strategie")
CACHE_DIR_NAME = ".cache"
LOG_NAME = "batch.log"
INDEX_NAME = "index.html"
MANIFEST_FLUSH_SECONDS = 5.0
DEFAULT_CELL_TIMEOUT = int(os.environ.get("WERKBENCH_CELL_TIMEOUT", "600"))


class BatchError(RuntimeError):
    """The batch cannot start (German message; nothing was written)."""


@dataclass
class Prepared:
    """What the batch computes once before the reports: per report stem the digest of what it
    shows (replaces its input files in the fingerprint), and files for the batch cache (name →
    bytes, data only) that every kernel then reads instead of computing."""

    shown: dict[str, str] = field(default_factory=dict)
    shared: dict[str, bytes] = field(default_factory=dict)


@dataclass
class JobResult:
    """What happened to one job."""

    stem: str
    title: str
    kind: str
    status: str
    duration: float = 0.0
    files: list[str] = field(default_factory=list)
    reason: str = ""
    notebook: str | None = None


@dataclass
class BatchResult:
    """All job results plus where the index and log are."""

    out_dir: Path
    results: list[JobResult]
    elapsed: float
    index_path: Path | None
    log_path: Path
    workers: dict[str, dict[str, Any]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> Counter[str]:
        counts = Counter({STATUS_CREATED: 0, STATUS_SKIPPED: 0, STATUS_FAILED: 0})
        counts.update(r.status for r in self.results)
        return counts

    @property
    def failed(self) -> list[JobResult]:
        return [r for r in self.results if r.status == STATUS_FAILED]

    @property
    def exit_code(self) -> int:
        return 1 if self.failed or self.warnings else 0

    def summary(self) -> str:
        """The German summary table."""
        return format_summary(self)


# ----------------------------------------------------------------------------- batch
def _check(jobs: Sequence[ReportJob], formats: Sequence[str]) -> list[str]:
    wanted = [f.strip().lower() for f in formats if f.strip()]
    unknown = sorted(set(wanted) - set(FORMATS))
    if unknown or not wanted:
        raise BatchError(f"Unbekanntes Format {', '.join(unknown) or '(leer)'}; erlaubt: html, pdf.")
    stems = Counter(job.stem for job in jobs)
    double = sorted(s for s, n in stems.items() if n > 1)
    if double:
        raise BatchError(f"Doppelte Berichtsnamen: {', '.join(double)}.")
    for job in jobs:
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]*", job.stem):
            raise BatchError(f"Ungültiger Berichtsname '{job.stem}'.")
        if job.kind not in KINDS:
            raise BatchError(f"Unbekannte Berichtsart '{job.kind}' ({job.stem}).")
        if not Path(job.template).is_file():
            raise BatchError(f"Berichtsvorlage '{job.template}' nicht gefunden. Bitte mit "
                             "--vorlagen PFAD angeben.")
    if "pdf" in wanted:
        from .pdf import PdfError, require_chromium

        try:
            require_chromium()
        except PdfError as err:
            raise BatchError(str(err)) from err
    return [f for f in FORMATS if f in wanted]


def _open_log(out_dir: Path) -> tuple[logging.Logger, logging.Handler]:
    log = logging.getLogger(f"workbench.reports.batch.{id(out_dir)}")
    log.setLevel(logging.INFO)
    log.propagate = False
    handler = logging.FileHandler(out_dir / LOG_NAME, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    log.addHandler(handler)
    return log, handler


def _reset_cache(out_dir: Path, log: logging.Logger) -> Path:
    """A fresh cache folder only this batch knows: new name, mode 0700, created by us.

    Old cache folders (also a planted ``.cache`` symlink) are removed without following links;
    nothing in them is ever read. So neither a prepared folder nor a race after the reset can put
    something into this batch's cache, and the cache holds data only anyway (see reports.cache).
    """
    _remove_caches(out_dir, log)
    return Path(tempfile.mkdtemp(prefix=f"{CACHE_DIR_NAME}-", dir=out_dir))


def _remove_caches(out_dir: Path, log: logging.Logger, keep: Path | None = None) -> None:
    for entry in out_dir.iterdir():
        if not (entry.name == CACHE_DIR_NAME or entry.name.startswith(f"{CACHE_DIR_NAME}-")):
            continue
        if keep is not None and entry == keep:
            continue
        try:
            if entry.is_symlink() or not entry.is_dir():
                entry.unlink()
            else:
                shutil.rmtree(entry)  # fd-based on Linux: never follows links inside
        except OSError as err:
            log.warning("Alter Cache-Ordner %s nicht entfernt (%s); er wird nicht benutzt.",
                        entry, err.strerror or err)


def _progress(total: int, enabled: bool) -> Any:
    from tqdm import tqdm

    return tqdm(total=total, unit="Bericht", desc="Berichte", file=sys.stderr, disable=not enabled,
                dynamic_ncols=True, smoothing=0.1, mininterval=0.5,
                bar_format="{desc}: {percentage:3.0f}%|{bar}| {n_fmt}/{total_fmt} "
                           "[{elapsed} vergangen, Restzeit {remaining}, {rate_fmt}]")


def run_batch(jobs: Sequence[ReportJob], *, out_dir: Path | str = "reports",
              jobs_n: int | None = None, formats: Sequence[str] = ("html",), force: bool = False,
              scheduler: str | None = None, progress: bool = True,
              cell_timeout: int | None = DEFAULT_CELL_TIMEOUT,
              prepare: Callable[[], Prepared] | None = None, pool: Any = None) -> BatchResult:
    """Render every job that is not up to date; see the module docstring.

    ``pool`` (optional): local workers the caller already started with :func:`warm_pool` (their
    kernels start while the caller loads), or a :class:`StartingPool` still starting them
    (waited for only when the reports are sent, after ``prepare``); used instead of starting
    them here, closed at the end.

    ``prepare`` (optional) computes what all reports share and what each one shows; it runs in
    this process while the local workers already start their kernels (when some report has to
    be rendered in any case). If it fails, the batch falls back to the input files.

    Ctrl-C and SIGTERM stop the batch: running reports are dropped, workers and kernels end,
    finished reports and the manifest are kept; :class:`~.stopping.Terminated` (a
    ``KeyboardInterrupt``) is raised for SIGTERM."""
    started = time.perf_counter()
    fmts = _check(jobs, formats)
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        lock = _lock(out_dir)
        log, handler = _open_log(out_dir)
    except OSError as err:
        raise BatchError(f"Ausgabeordner '{out_dir}' nicht beschreibbar: {err.strerror or err}") from err
    try:
        with sigterm_unwinds():  # SIGTERM cleans up like Ctrl-C: no worker or kernel survives
            return _run_locked(jobs, out_dir, fmts, log, handler, started, jobs_n=jobs_n,
                               force=force, scheduler=scheduler, progress=progress,
                               cell_timeout=cell_timeout, prepare=prepare, pool=pool)
    finally:
        os.close(lock)


def _lock(out_dir: Path) -> int:
    """Hold an exclusive lock on the output folder (one batch per folder at a time)."""
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as err:
        os.close(fd)
        raise BatchError(f"In '{out_dir}' läuft bereits ein anderer Batch; bitte warten oder "
                         "einen anderen Ausgabeordner (--out) wählen.") from err
    return fd


def _run_locked(jobs: Sequence[ReportJob], out_dir: Path, fmts: list[str], log: logging.Logger,
                handler: logging.Handler, started: float, *, jobs_n: int | None, force: bool,
                scheduler: str | None, progress: bool, cell_timeout: int | None,
                prepare: Callable[[], Prepared] | None, pool: Any = None) -> BatchResult:
    warnings: list[str] = []
    manifest = Manifest.load(out_dir)
    if manifest.warning:
        warnings.append(manifest.warning)
        log.warning(manifest.warning)
    log.info("Batch mit %d Berichten (%s) nach %s%s.", len(jobs), ",".join(fmts), out_dir,
             f" über {scheduler}" if scheduler else "")
    template_text: dict[Path, str] = {}
    starting = pool if isinstance(pool, StartingPool) else None
    if starting is None and pool is not None:
        pool.log = log  # started by the caller: its messages go to this batch's log
    elif pool is None and not scheduler and jobs and (force or not all(
            manifest.has_files(job.stem, [f"{job.stem}.{fmt}" for fmt in fmts]) for job in jobs)):
        pool = _warm_pool(jobs, jobs_n, log, template_text, cell_timeout)  # kernels start now
    prepared = _prepare(prepare, log)
    if starting is not None:  # started on its thread while this process loaded and prepared
        pool = starting.get()
        if pool is not None:
            pool.log = log
    hasher = InputHasher()
    results: dict[str, JobResult] = {}
    digests: dict[str, str] = {}
    by_stem = {job.stem: job for job in jobs}
    to_run: list[ReportJob] = []
    for job in jobs:
        digest = hasher.digest(inputs=job.inputs, template=job.template,
                               parameters=job.parameters, title=job.title,
                               shown=job.fingerprint or prepared.shown.get(job.stem))
        digests[job.stem] = digest
        files = [f"{job.stem}.{fmt}" for fmt in fmts]
        if not force and manifest.is_current(job.stem, digest, files):
            results[job.stem] = JobResult(job.stem, job.title, job.kind, STATUS_SKIPPED, files=files)
        else:
            to_run.append(job)
    log.info("%d unverändert (übersprungen), %d zu erstellen.", len(results), len(to_run))
    cache = _reset_cache(out_dir, log) if to_run else None
    if cache is not None:
        for name, data in prepared.shared.items():
            atomic_write_bytes(cache / name, data)
    payloads = []
    preload: dict[Path, list[str]] = {}
    for job in _send_order(to_run, 1 if scheduler else jobs_n or os.cpu_count() or 1):
        path = Path(job.template).resolve()
        if path not in preload:
            template_text.setdefault(path, path.read_text(encoding="utf-8"))
            preload[path] = template_imports(template_text[path])
        text = template_text[path]
        env = {"WERKBENCH_CACHE_DIR": str(cache.resolve()) if cache else "",
               "WERKBENCH_INPUTS_SHA256": hasher.inputs_digest(job.inputs)}
        if job.fingerprint is None and job.stem in prepared.shown:  # the cover shows it
            env[FINGERPRINT_ENV_VAR] = (f"{job.kind}:{job.parameters.get('kommune')}:"
                                        f"{prepared.shown[job.stem]}")
        epoch = source_date_epoch(job.parameters.get("stand"))
        if epoch:
            env["SOURCE_DATE_EPOCH"] = epoch
        payloads.append({
            "stem": job.stem, "title": job.title, "kind": job.kind, "template_text": text,
            "template_sha": hashlib.sha256(text.encode()).hexdigest(),  # workers parse once
            "parameters": dict(job.parameters), "formats": fmts, "cwd": os.getcwd(), "env": env,
            "preload": preload[path], "cell_timeout": cell_timeout})
    bar = _progress(len(payloads), progress and bool(payloads))
    last_flush = [time.monotonic()]

    def on_outcome(outcome: dict[str, Any]) -> None:
        job = by_stem[outcome["stem"]]
        result = _store(out_dir, job, outcome, fmts, digests[job.stem], manifest, log)
        results[job.stem] = result
        if result.status == STATUS_FAILED:
            bar.write(f"Fehlgeschlagen: {job.title}: {result.reason}", file=sys.stderr)
        bar.update(1)
        if time.monotonic() - last_flush[0] > MANIFEST_FLUSH_SECONDS:
            _save_manifest(manifest, warnings, log)
            last_flush[0] = time.monotonic()

    def on_retry(payload: dict[str, Any], reason: str) -> None:
        bar.write(f"Worker abgebrochen ({reason}) bei {payload['title']} – neuer Versuch.",
                  file=sys.stderr)

    workers: dict[str, dict[str, Any]] = {}
    try:
        if payloads:
            workers = _execute(payloads, scheduler, jobs_n, on_outcome, on_retry, log, pool)
    except Exception as err:  # pool could not run: report remaining jobs as failed
        from .cluster import ClusterError

        if isinstance(err, ClusterError):
            raise BatchError(str(err)) from err
        log.error("Batch abgebrochen: %s", err)
        for job in to_run:
            if job.stem not in results:
                results[job.stem] = JobResult(job.stem, job.title, job.kind, STATUS_FAILED,
                                              reason=f"nicht ausgeführt: {err}")
    finally:
        bar.close()
        if pool is not None:
            pool.close()  # workers warmed up for nothing (all reports current)
        if cache is not None:
            _remove_caches(out_dir, log)
        _save_manifest(manifest, warnings, log)
        ordered = [results[j.stem] for j in jobs if j.stem in results]
        index_path: Path | None = out_dir / INDEX_NAME
        try:
            stand = next((str(j.parameters["stand"]) for j in jobs if j.parameters.get("stand")), "")
            title = f"Berichte – Stand {_german_date(stand)}" if stand else "Berichte"
            atomic_write_bytes(out_dir / INDEX_NAME,
                               index_html(ordered, manifest.reports, out_dir, title=title))
        except OSError as err:
            warnings.append(f"{INDEX_NAME} konnte nicht geschrieben werden: {err.strerror or err}")
            index_path = None
        result = BatchResult(out_dir, ordered, time.perf_counter() - started, index_path,
                             out_dir / LOG_NAME, workers, warnings)
        counts = result.counts()
        log.info("Fertig: %d erstellt, %d übersprungen, %d fehlgeschlagen in %.1f s.",
                 counts[STATUS_CREATED], counts[STATUS_SKIPPED], counts[STATUS_FAILED],
                 result.elapsed)
        log.removeHandler(handler)
        handler.close()
    return result


def _send_order(jobs: Sequence[ReportJob], workers: int) -> list[ReportJob]:
    """The order the reports are sent in: longest first, so the workers finish together
    instead of one waiting for a long report started at the end — the Verbund report, then the
    Kommune reports (each simulates its year), the short strategy reports of the Kommunen last.

    The Verbund's strategy report follows the first round (one report per worker): its worker
    is then, most likely, the one that ran the Verbund report (the shortest of that round),
    whose kernel has pyplot loaded and warm from the heatmap, so its Wirkungsmatrix (then read
    from the batch cache by every other strategy report) costs about 0.1 instead of 0.3 CPU-s,
    and no other kernel imports pyplot."""
    def rank(job: ReportJob) -> int:
        if job.kind == "verbund" or (job.kind == "strategie" and not job.parameters.get("kommune")):
            return 0
        return 1 if job.kind == "kommune" else 2

    order = sorted(jobs, key=rank)  # stable: the jobs' own order within each rank
    if any(job.kind == "verbund" for job in order):
        wide = [j for j in order if j.kind == "strategie" and not j.parameters.get("kommune")]
        for job in wide:  # after the first round, not in it
            order.remove(job)
            order.insert(min(max(workers, 1), len(order)), job)
    return order


def _warm_pool(jobs: Sequence[ReportJob], jobs_n: int | None, log: logging.Logger,
               template_text: dict[Path, str], cell_timeout: int | None) -> Any:
    """Local workers whose kernels start while this process prepares (None if that fails)."""
    first = sorted(jobs, key=lambda j: j.kind != "kommune")[0]  # the most frequent template
    path = Path(first.template).resolve()
    try:
        text = template_text.setdefault(path, path.read_text(encoding="utf-8"))
    except OSError as err:
        log.warning("Worker nicht vorab gestartet: %s", err)
        return None
    return warm_pool(path, len(jobs), jobs_n=jobs_n, log=log, cell_timeout=cell_timeout,
                     kind=first.kind, text=text)


def warm_pool(template: Path, count: int, *, jobs_n: int | None, log: logging.Logger | None = None,
              cell_timeout: int | None = DEFAULT_CELL_TIMEOUT, kind: str = "kommune",
              text: str | None = None) -> Any:
    """Start up to ``count`` local workers (at most ``jobs_n``, default one per core) and their
    kernels for ``template`` now; pass the pool to :func:`run_batch`. None if that fails (the
    batch then starts them itself)."""
    from .worker import LocalPool

    log = log or logging.getLogger(__name__)
    try:
        text = text if text is not None else Path(template).read_text(encoding="utf-8")
        pool = LocalPool(jobs_n or os.cpu_count() or 1, log)
        pool.warm(count, {"stem": "", "title": "", "kind": kind, "template_text": text,
                          "template_sha": hashlib.sha256(text.encode()).hexdigest(),
                          "parameters": {}, "formats": [], "cwd": os.getcwd(), "env": {},
                          "preload": template_imports(text), "cell_timeout": cell_timeout})
    except Exception as err:  # the pool is started again when the reports are sent
        log.warning("Worker nicht vorab gestartet: %s", err)
        return None
    return pool


class StartingPool:
    """:func:`warm_pool` on a background thread. Forking the first worker waits until the fork
    server has imported what workers and kernels need (about a CPU-second on this machine); the
    thread waits for it, while the caller loads the knowledge base, builds the jobs and prepares
    on the other core. Pass it to :func:`run_batch`, which takes the pool (:meth:`get`) only
    when it sends the reports; :meth:`close` stops the workers if the batch never ran."""

    def __init__(self, template: Path, count: int, *, jobs_n: int | None) -> None:
        self._pool: Any = None
        self._thread = threading.Thread(target=self._start, args=(template, count, jobs_n),
                                        name="werkbench-worker-start", daemon=True)
        self._thread.start()

    def _start(self, template: Path, count: int, jobs_n: int | None) -> None:
        self._pool = warm_pool(template, count, jobs_n=jobs_n)  # logs and returns None on errors

    def get(self) -> Any:
        """The started pool (None if starting it failed: the batch then starts its own)."""
        self._thread.join()
        return self._pool

    def close(self, *, now: bool = False) -> None:
        """Stop the workers unless :func:`run_batch` used or closed them (then a no-op)."""
        pool = self.get()
        if pool is not None:
            pool.close(now=now)


def _prepare(prepare: Callable[[], Prepared] | None, log: logging.Logger) -> Prepared:
    if prepare is None:
        return Prepared()
    try:
        return prepare()
    except Exception as err:  # each report then computes (and reports) for itself
        log.warning("Gemeinsame Vorberechnung fehlgeschlagen (%s: %s); die Berichte rechnen "
                    "selbst, jeder Bericht hängt an allen Eingabedateien.", type(err).__name__, err)
        return Prepared()


def _execute(payloads: list[dict[str, Any]], scheduler: str | None, jobs_n: int | None,
             on_outcome: Any, on_retry: Any, log: logging.Logger,
             pool: Any = None) -> dict[str, dict[str, Any]]:
    if scheduler:
        from .cluster import run_on_cluster

        return run_on_cluster(payloads, scheduler, on_outcome, log=log)
    from .worker import LocalPool

    pool = pool or LocalPool(jobs_n or os.cpu_count() or 1, log)
    pool.run(payloads, on_outcome, on_retry)
    return {str(pid): stats for pid, stats in pool.stats.items()}


def _store(out_dir: Path, job: ReportJob, outcome: dict[str, Any], fmts: Iterable[str],
           digest: str, manifest: Manifest, log: logging.Logger) -> JobResult:
    """Write one outcome atomically; a write error turns it into a failure."""
    result = JobResult(job.stem, job.title, job.kind, STATUS_FAILED,
                       duration=float(outcome.get("duration", 0.0)), reason=outcome.get("reason", ""))
    debug_nb = out_dir / f"{job.stem}.fehler.ipynb"
    if outcome.get("kernel_deaths"):
        log.warning("Kernel bei %s abgestürzt (%d-mal) – sofort auf einem neuen Kernel "
                    "wiederholt.", job.stem, outcome["kernel_deaths"])
    if outcome.get("ok"):
        target = out_dir
        try:
            for fmt in fmts:
                target = out_dir / f"{job.stem}.{fmt}"
                atomic_write_bytes(target, outcome["files"][fmt])
                result.files.append(target.name)
            manifest.record(job.stem, digest, result.files, title=job.title, kind=job.kind)
            debug_nb.unlink(missing_ok=True)
            result.status, result.reason = STATUS_CREATED, ""
            log.info("erstellt: %s (%.2f s)", job.stem, result.duration)
            return result
        except OSError as err:
            result.reason = f"Schreibfehler bei {target}: {err.strerror or err}"
            result.files = []
    manifest.forget(job.stem)
    if outcome.get("notebook"):
        try:
            atomic_write_text(debug_nb, outcome["notebook"])
            result.notebook = debug_nb.name
        except OSError as err:
            log.error("Notebook zur Fehlersuche nicht gespeichert (%s): %s", debug_nb, err)
    log.error("fehlgeschlagen: %s: %s", job.stem, result.reason)
    return result


def _german_date(text: str) -> str:
    try:
        return dt.date.fromisoformat(text).strftime("%d.%m.%Y")
    except ValueError:
        return text


def _save_manifest(manifest: Manifest, warnings: list[str], log: logging.Logger) -> None:
    try:
        manifest.save()
    except OSError as err:
        message = f"Manifest nicht gespeichert ({err.strerror or err}); der nächste Lauf erstellt " \
                  "mehr Berichte neu als nötig."
        if message not in warnings:
            warnings.append(message)
            log.error(message)
