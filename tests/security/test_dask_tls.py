"""Issue 11, item 10: the Dask setup the docs show (TLS with certificates) really works, and a
scheduler behind TLS refuses callers without a certificate – with a German message.

Certificates come from a throw-away CA made with ``openssl`` in the test; scheduler and worker are
real ``dask`` processes on 127.0.0.1, started with the commands of docs/berichte.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from tests.reports.test_cluster import DASK, free_port, stop

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("openssl") is None, reason="openssl fehlt")]
WORKBENCH = Path(sys.executable).with_name("workbench")
LILIENTHAL = "033560005"


def _certificates(folder: Path) -> None:
    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], cwd=folder, check=True, capture_output=True)

    run("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-keyout", "ca-key.pem",
        "-out", "ca.pem", "-subj", "/CN=Werkbench Test-CA")
    (folder / "ext.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name in ("scheduler", "worker", "client"):
        run("req", "-newkey", "rsa:2048", "-nodes", "-keyout", f"{name}-key.pem", "-out",
            f"{name}.csr", "-subj", f"/CN={name}")
        run("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.pem", "-CAkey", "ca-key.pem",
            "-CAcreateserial", "-out", f"{name}.pem", "-days", "1", "-extfile", "ext.cnf")


@pytest.fixture(scope="module")
def tls_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    certs = tmp_path_factory.mktemp("tls")
    _certificates(certs)
    port = free_port()
    address = f"tls://127.0.0.1:{port}"
    processes: list[subprocess.Popen] = []

    def start(name: str, *args: str) -> None:
        with open(certs / f"{name}.log", "wb") as log:
            processes.append(subprocess.Popen([str(DASK), *args], stdout=subprocess.DEVNULL,
                                              stderr=log, cwd=certs))

    try:
        start("scheduler", "scheduler", "--protocol", "tls", "--host", "127.0.0.1", "--port",
              str(port), "--no-dashboard", "--tls-ca-file", "ca.pem", "--tls-cert",
              "scheduler.pem", "--tls-key", "scheduler-key.pem")
        start("worker", "worker", address, "--nworkers", "1", "--nthreads", "1",
              "--no-dashboard", "--tls-ca-file", "ca.pem", "--tls-cert", "worker.pem",
              "--tls-key", "worker-key.pem")
        deadline = time.monotonic() + 120
        while b"Registered to" not in (certs / "worker.log").read_bytes():
            assert time.monotonic() < deadline, (certs / "worker.log").read_text()[-2000:]
            time.sleep(0.5)
        yield address, certs
    finally:
        stop(processes)


def _report(address: str, tmp: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    kb = tmp / "processes"
    if not kb.exists():
        shutil.copytree(EXAMPLE, kb)
    return subprocess.run(
        [str(WORKBENCH), "report", "--kommune", LILIENTHAL, "--repository", str(kb), "--out",
         str(tmp / f"out-{len(list(tmp.iterdir()))}"), "--scheduler", address,
         "--ohne-fortschritt"],
        capture_output=True, text=True, timeout=600,
        env={**os.environ, "WERKBENCH_DASK_TIMEOUT": "15", **env})


def test_report_over_tls_with_certificates(tls_cluster, tmp_path):
    address, certs = tls_cluster
    done = _report(address, tmp_path, {
        "DASK_DISTRIBUTED__COMM__TLS__CA_FILE": str(certs / "ca.pem"),
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__CERT": str(certs / "client.pem"),
        "DASK_DISTRIBUTED__COMM__TLS__CLIENT__KEY": str(certs / "client-key.pem"),
        "DASK_DISTRIBUTED__COMM__REQUIRE_ENCRYPTION": "True"})
    assert done.returncode in (0, 1), done.stderr[-2000:]  # 1: the example's findings
    assert "0 fehlgeschlagen" in done.stdout and "Traceback" not in done.stderr
    page = next(tmp_path.glob(f"out-*/{LILIENTHAL}_*.html")).read_text(encoding="utf-8")
    assert "Digitalisierungspotenzial" in page


def test_caller_without_certificate_is_refused_in_german(tls_cluster, tmp_path):
    address, _ = tls_cluster
    done = _report(address, tmp_path, {})
    assert done.returncode == 2 and "eigenes Zertifikat" in done.stderr
    assert "Traceback" not in done.stderr


def test_plain_tcp_to_the_tls_scheduler_is_refused(tls_cluster, tmp_path):
    address, _ = tls_cluster
    done = _report(address.replace("tls://", "tcp://"), tmp_path, {})
    assert done.returncode == 2 and "nicht erreichbar" in done.stderr
    assert not list(tmp_path.glob(f"out-*/{LILIENTHAL}_*.html"))
