"""Scale-out: the same batch on a Dask distributed cluster (``--scheduler tcp://HOST:PORT``).

One Dask task per report. Each Dask worker thread keeps its own warm kernel in the thread-local
holder of :mod:`workbench.reports.engine`, so a worker pays kernel start-up and imports once.
Workers return the rendered bytes; the client writes them, the manifest and the index exactly as
in a local batch. Requirements on the workers: the same Python environment (``workbench``
installed) and the knowledge base and output folder under the same paths (shared disk or, as in
the tests, the same machine).
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable
from typing import Any

from .worker import _quiet, execute_payload, failed_outcome


class ClusterError(RuntimeError):
    """The Dask scheduler is unreachable or unusable (German message)."""


def dask_task(payload: dict[str, Any]) -> dict[str, Any]:
    """Runs on a Dask worker: one report on that worker thread's warm kernel."""
    _quiet()
    outcome = execute_payload(payload, worker_pid=os.getpid())
    try:
        from distributed import get_worker

        outcome["stats"]["worker"] = get_worker().address
    except (ImportError, ValueError):
        pass
    return outcome


def run_on_cluster(payloads: list[dict[str, Any]], address: str,
                   on_outcome: Callable[[dict[str, Any]], None], *, log: logging.Logger,
                   connect_timeout: float | None = None) -> dict[str, dict[str, Any]]:
    """Submit every payload to the scheduler at ``address``; returns stats per worker."""
    if connect_timeout is None:
        connect_timeout = float(os.environ.get("WERKBENCH_DASK_TIMEOUT", "30"))
    try:
        from distributed import Client, as_completed
    except ImportError as err:  # pragma: no cover - distributed is a dependency
        raise ClusterError("Das Paket 'distributed' fehlt; bitte 'pip install distributed'.") from err
    if address.startswith("tls://"):
        _require_tls_client_config(address)
    try:
        client = Client(address, timeout=connect_timeout, set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise ClusterError(f"Dask-Scheduler {address} nicht erreichbar ({err}). Läuft "
                           "'dask scheduler' dort, und ist die Adresse richtig?") from err
    stats: dict[str, dict[str, Any]] = {}
    token = uuid.uuid4().hex[:8]
    with client:
        info = client.scheduler_info()
        log.info("Dask-Cluster %s: %d Worker.", address, len(info.get("workers", {})))
        futures = {}
        for payload in payloads:
            future = client.submit(dask_task, payload, key=f"werkbench-{payload['stem']}-{token}",
                                   pure=False)
            futures[future.key] = (future, payload)
        for future in as_completed([f for f, _ in futures.values()], loop=client.loop):
            payload = futures[future.key][1]
            try:
                outcome = future.result()
            except Exception as err:  # KilledWorker, lost connection …
                reason = (f"Dask-Worker mehrfach abgestürzt ({type(err).__name__})"
                          if type(err).__name__ == "KilledWorker"
                          else f"Dask-Fehler: {type(err).__name__}: {err}")
                outcome = failed_outcome(payload, reason)
            worker_stats = outcome.get("stats") or {}
            if worker_stats:
                stats[str(worker_stats.get("worker", worker_stats.get("pid")))] = worker_stats
            on_outcome(outcome)
            futures.pop(future.key, None)
    return stats


def _require_tls_client_config(address: str) -> None:
    """A ``tls://`` scheduler needs our own certificate (Dask configuration); say how in German
    instead of letting Dask fail with an English TypeError."""
    from distributed.security import Security

    try:
        context = Security().get_connection_args("client").get("ssl_context")
    except Exception as err:  # unreadable certificate or key files
        raise ClusterError(f"TLS-Konfiguration für {address} nicht lesbar: {err}") from None
    if context is None:
        raise ClusterError(
            f"Für {address} braucht der Aufruf ein eigenes Zertifikat: bitte "
            "DASK_DISTRIBUTED__COMM__TLS__CA_FILE, DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT und "
            "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY setzen (siehe docs/berichte.md, „Verteilt "
            "rechnen mit Dask“).")

