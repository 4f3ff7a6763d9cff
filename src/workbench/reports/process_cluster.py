"""A Dask cluster of separate OS processes on 127.0.0.1: ``dask scheduler`` plus ``dask worker``.

Used by the tests and ``benchmarks/bench_cluster.py`` to run the batch against a real cluster on
one machine, exactly as on several machines (see docs/berichte.md), only with ``tcp://127.0.0.1``.
Every process starts in its own process group; teardown stops the workers, then the scheduler,
kills whatever is left of each group, and finally looks for orphans: every process started by the
cluster (including the workers' report kernels, which run in sessions of their own) carries a
marker in its environment, so none can escape unnoticed.

    with process_cluster(workers=2) as cluster:
        run_batch(jobs, out_dir=out, scheduler=cluster.address)
    assert cluster.orphans == []
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

#: Environment variable that marks every process a :func:`process_cluster` started.
MARKER_ENV = "WERKBENCH_DASK_CLUSTER_MARK"


class ProcessClusterError(RuntimeError):
    """The local cluster did not come up (German message naming the log folder)."""


@dataclass
class ProcessCluster:
    """Address and processes of a running local cluster; ``orphans`` is filled on teardown."""

    address: str
    log_dir: Path
    marker: str
    processes: list[subprocess.Popen] = field(default_factory=list)
    orphans: list[int] = field(default_factory=list)


def dask_executable() -> str:
    """The ``dask`` command of this Python environment (else the one on ``PATH``)."""
    beside = Path(sys.executable).with_name("dask")
    if beside.is_file():
        return str(beside)
    found = shutil.which("dask")
    if found is None:
        raise ProcessClusterError("Der Befehl 'dask' fehlt; bitte 'pip install distributed'.")
    return found


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def process_cluster(workers: int = 2, *, threads: int = 1, log_dir: Path | None = None,
                    env: dict[str, str] | None = None,
                    timeout: float = 120) -> Iterator[ProcessCluster]:
    """Start ``dask scheduler`` and ``workers`` × ``dask worker --nworkers 1`` on 127.0.0.1.

    Yields once every worker is registered at the scheduler; always tears everything down.
    """
    marker = uuid.uuid4().hex
    owned_logs = log_dir is None
    logs = Path(log_dir) if log_dir is not None else Path(_mkdtemp())
    logs.mkdir(parents=True, exist_ok=True)
    port = free_port()
    cluster = ProcessCluster(f"tcp://127.0.0.1:{port}", logs, marker)
    child_env = {**os.environ, **(env or {}), MARKER_ENV: marker}
    dask = dask_executable()

    def start(name: str, *args: str) -> None:
        with open(logs / f"{name}.log", "wb") as log:  # the child keeps its own copy of the fd
            cluster.processes.append(subprocess.Popen(
                [dask, *args], stdout=subprocess.DEVNULL, stderr=log, stdin=subprocess.DEVNULL,
                env=child_env, cwd=logs, start_new_session=True))

    try:
        start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port),
              "--no-dashboard")
        for n in range(workers):
            start(f"worker{n}", "worker", cluster.address, "--host", "127.0.0.1",
                  "--nworkers", "1", "--nthreads", str(threads), "--no-dashboard",
                  "--name", f"werkbench-{n}")
        _wait_for_workers(cluster, workers, timeout)
        yield cluster
    finally:
        cluster.orphans = stop_cluster(cluster)
        if owned_logs:
            shutil.rmtree(logs, ignore_errors=True)


def _mkdtemp() -> str:
    import tempfile

    return tempfile.mkdtemp(prefix="werkbench-dask-")


def _wait_for_workers(cluster: ProcessCluster, workers: int, timeout: float) -> None:
    from distributed import Client

    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        dead = [p.args[1] for p in cluster.processes if p.poll() is not None]
        if dead:
            raise ProcessClusterError(f"Dask-Prozess beendet sich beim Start ({', '.join(dead)}); "
                                      f"siehe Protokolle in {cluster.log_dir}.")
        try:
            with Client(cluster.address, timeout=10, set_as_default=False) as client:
                client.wait_for_workers(workers, timeout=max(1.0, deadline - time.monotonic()))
                return
        except (OSError, TimeoutError) as err:
            last_error = err
            time.sleep(0.5)
    raise ProcessClusterError(f"Dask-Cluster {cluster.address} nicht bereit nach {timeout:.0f} s "
                              f"({last_error}); siehe Protokolle in {cluster.log_dir}.")


def stop_cluster(cluster: ProcessCluster, grace: float = 30) -> list[int]:
    """Stop workers, then the scheduler; kill leftovers. Returns the pids of orphans found
    (processes with the cluster's marker still alive after every group ended; they are killed)."""
    for proc in reversed(cluster.processes):  # workers first: they close their kernels
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                proc.send_signal(signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=grace)
    for proc in cluster.processes:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(proc.pid, signal.SIGKILL)  # the group: nanny children included
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=5)
    orphans = marked_processes(cluster.marker)
    for pid in orphans:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    return orphans


def marked_processes(marker: str) -> list[int]:
    """Live processes whose environment carries ``MARKER_ENV=marker`` (Linux ``/proc``)."""
    needle = f"{MARKER_ENV}={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            environ = (entry / "environ").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z" and needle in environ.split(b"\0"):
            found.append(int(entry.name))
    return sorted(found)
