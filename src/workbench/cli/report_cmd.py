"""`workbench report` — one report per Kommune plus the Verbund overview, as a batch."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .common import EXIT_FINDINGS, EXIT_OK, fail

if TYPE_CHECKING:
    from ..repository import Repository


def register(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    """Add ``report`` to the command line."""
    p = sub.add_parser(
        "report", help="Berichte je Kommune und für den Verbund erzeugen (HTML/PDF, parallel)",
        description="Erzeugt je Kommune einen Bericht (und den Verbundbericht) aus der "
        "Wissensbasis. Unveränderte Berichte werden übersprungen (manifest.json im Ausgabeordner).")
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--alle", action="store_true", help="alle Kommunen aus kommunen.csv")
    which.add_argument("--kommune", nargs="+", metavar="SCHLÜSSEL",
                       help="nur diese Kommunen (Gemeindeschlüssel oder genauer Name)")
    verbund = p.add_mutually_exclusive_group()
    verbund.add_argument("--verbund", dest="verbund", action="store_true", default=None,
                         help="Verbundbericht erzeugen (Standard bei --alle)")
    verbund.add_argument("--ohne-verbund", dest="verbund", action="store_false",
                         help="keinen Verbundbericht erzeugen")
    p.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                   help=f"parallele Worker-Prozesse (Standard: {os.cpu_count() or 1})")
    p.add_argument("--format", default="html", metavar="FORMATE",
                   help="html, pdf oder html,pdf (Standard: html); PDF braucht Chromium")
    p.add_argument("--out", default="reports", metavar="ORDNER",
                   help="Ausgabeordner (Standard: reports/)")
    p.add_argument("--force", action="store_true",
                   help="alle Berichte neu erstellen, auch unveränderte")
    p.add_argument("--scheduler", metavar="tcp://HOST:PORT",
                   help="auf einem Dask-Cluster rechnen statt lokal")
    p.add_argument("--repository", "-r", default="processes", metavar="PFAD",
                   help="Ordner der Wissensbasis (Standard: processes)")
    p.add_argument("--stand", metavar="JJJJ-MM-TT",
                   help="Stichtag der Berichte (Standard: 'stand' aus verbund.yaml)")
    p.add_argument("--top", type=int, default=None, metavar="N",
                   help="Länge der Ranglisten (Standard: top_n aus verbund.yaml, sonst 5)")
    p.add_argument("--vorlagen", "--vorlage", dest="vorlage", metavar="PFAD",
                   help="eigene Berichtsvorlagen: Ordner mit report_kommune.ipynb und "
                        "report_verbund.ipynb, oder eine .ipynb-Datei für die Kommunenberichte. "
                        "Ohne diese Angabe gelten die Vorlagen der installierten Werkbench – nie "
                        "Notebooks aus dem aktuellen Ordner (sie würden ausgeführt).")
    p.add_argument("--ohne-fortschritt", action="store_true",
                   help="keinen Fortschrittsbalken zeigen")
    p.set_defaults(func=cmd_report)
    return p


def _stand(args: argparse.Namespace, repo: Repository) -> str | None:
    if args.stand:
        try:
            return dt.date.fromisoformat(args.stand).isoformat()
        except ValueError:
            return None
    stand = repo.verbund.stand
    return stand.isoformat() if stand else None


def _templates(vorlage: str | None) -> tuple[Path, Path | None]:
    """The installed templates, unless the user names others explicitly."""
    from ..reports.jobs import installed_templates

    if not vorlage:
        return installed_templates(), None
    path = Path(vorlage)
    return (path, None) if path.is_dir() else (installed_templates(), path)


def _known_kommunen(repo: Repository, keys: list[str] | None
                    ) -> tuple[list[str] | None, list[tuple[str, str]]]:
    """The named Kommunen that are in kommunen.csv, and (key, German reason) for the others.

    A Kommune whose row is broken (see ``workbench validate``) fails only its own report."""
    from ..repository import RepositoryError

    if keys is None:
        return None, []
    known, unknown = [], []
    for key in keys:
        try:
            known.append(str(repo.kommune(key)["schluessel"]))
        except RepositoryError:
            unknown.append((key, f"Unbekannte Kommune '{key}': sie steht nicht (gültig) in "
                                 "kommunen.csv; bitte `workbench validate` ausführen und die "
                                 "Zeile korrigieren."))
    return known, unknown


def _verbund_link(out: Path, formats: str, include_verbund: bool) -> str | None:
    """The Verbund report a Kommune report links to: the one this run writes (HTML if asked
    for, else PDF), or one an earlier run left in the output folder; None if there is none."""
    wanted = [f.strip() for f in formats.split(",") if f.strip()]
    name = f"verbund.{'html' if 'html' in wanted or not wanted else wanted[0]}"
    return name if include_verbund or (out / name).is_file() else None


def cmd_report(args: argparse.Namespace) -> int:
    """Build the jobs from the knowledge base, run the batch, print the summary."""
    from ..reports.stopping import sigterm_unwinds

    if args.jobs is not None and args.jobs < 1:
        return fail("--jobs muss mindestens 1 sein.")
    if args.top is not None and args.top < 1:
        return fail("--top muss mindestens 1 sein.")
    if args.scheduler and not args.scheduler.startswith(("tcp://", "tls://", "inproc://")):
        return fail(f"--scheduler '{args.scheduler}' ist keine Dask-Adresse (tcp://HOST:PORT).")
    with sigterm_unwinds():  # SIGTERM cleans up like Ctrl-C, also while the workers start
        pool = _early_workers(args)
        try:
            return _report(args, pool)
        finally:
            if pool is not None:  # no-op once the batch has used or closed it; else (the
                pool.close(now=True)  # knowledge base did not load, ...) the workers stop at once


def _early_workers(args: argparse.Namespace) -> Any:
    """Workers whose kernels start while this process loads the knowledge base, builds the jobs
    and prepares, for a run that renders in any case: no manifest in the output folder yet, or
    ``--force``. They are started on a thread (:class:`~workbench.reports.batch.StartingPool`):
    forking them waits for the fork server's imports, this process does not. Otherwise (and with
    ``--scheduler``) the batch decides after reading the manifest. None if nothing is started."""
    from ..reports.manifest import MANIFEST_NAME

    if args.scheduler or not Path(args.repository).is_dir():
        return None
    if not args.force and (Path(args.out) / MANIFEST_NAME).exists():
        return None
    from ..reports.worker import start_fork_server

    start_fork_server()  # its imports for workers and kernels begin now, before ours
    from ..reports.batch import StartingPool
    from ..reports.jobs import TEMPLATES

    template_dir, kommune_template = _templates(args.vorlage)
    template = kommune_template or template_dir / TEMPLATES["kommune"]
    count = len(args.kommune) + 1 if args.kommune else (args.jobs or os.cpu_count() or 1)
    return StartingPool(template, count, jobs_n=args.jobs)


def _report(args: argparse.Namespace, pool: Any) -> int:
    """Load, build the jobs, run the batch (on ``pool`` if started early), print the summary."""
    from ..reports.batch import BatchError, JobResult, jobs_for_repository, run_batch
    from ..reports.prepare import report_preparer
    from ..reports.summary import STATUS_FAILED
    from ..repository import Repository, RepositoryError

    try:
        repo = Repository.load(args.repository)
    except RepositoryError as err:
        return fail(str(err))
    stand = _stand(args, repo)
    if stand is None:
        return fail("Kein gültiger Stichtag: bitte --stand JJJJ-MM-TT angeben oder 'stand' in "
                    "verbund.yaml eintragen." if not args.stand else
                    f"--stand '{args.stand}' ist kein Datum der Form JJJJ-MM-TT.")
    top_n = args.top or int(repo.verbund.parameter.get("top_n", 5) or 5)
    include_verbund = bool(args.alle) if args.verbund is None else args.verbund
    template_dir, kommune_template = _templates(args.vorlage)
    wanted, unknown = _known_kommunen(repo, None if args.alle else args.kommune)
    if unknown and not wanted:
        return fail(unknown[0][1])
    try:
        jobs = jobs_for_repository(repo, kommunen=wanted,
                                   include_verbund=include_verbund, stand=stand, top_n=top_n,
                                   template_dir=template_dir, kommune_template=kommune_template,
                                   verbund_link=_verbund_link(Path(args.out), args.format,
                                                              include_verbund))
    except RepositoryError as err:
        return fail(str(err))
    if not jobs:
        return fail("Keine Berichte zu erstellen: kommunen.csv ist leer.")
    # the preparation analyses this loaded knowledge base (not loaded twice, held once)
    prepare = report_preparer(repo.root, jobs, stand=stand, top_n=top_n, loaded=repo)
    del repo
    try:
        result = run_batch(jobs, out_dir=Path(args.out), jobs_n=args.jobs,
                           formats=args.format.split(","), force=args.force,
                           scheduler=args.scheduler,
                           progress=not args.ohne_fortschritt and sys.stderr.isatty(),
                           prepare=prepare, pool=pool)
    except BatchError as err:
        return fail(str(err))
    result.results += [JobResult(key, f"Bericht {key}", "kommune", STATUS_FAILED, reason=reason)
                       for key, reason in unknown]
    print(result.summary())
    if result.failed:
        print(f"{len(result.failed)} Bericht(e) fehlgeschlagen; Gründe oben und in "
              f"{result.log_path}.", file=sys.stderr)
        return EXIT_FINDINGS
    return EXIT_FINDINGS if result.warnings else EXIT_OK


__all__ = ["cmd_report", "register"]
