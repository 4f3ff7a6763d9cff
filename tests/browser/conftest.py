"""A real browser (Debian's chromium via Playwright) against a real Voilà server on 127.0.0.1."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.conftest import ROOT

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
ARTIFACTS = ROOT / "tests" / "artifacts"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium fehlt (Debian-Paket chromium); `make test` installiert es.")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@contextmanager
def voila_server(knowledge_base: Path, log: Path) -> Iterator[str]:
    """Voilà serving notebooks/ on 127.0.0.1 (free port) with ``knowledge_base``; yields its URL."""
    port = _free_port()
    # the page template of voila.json (share/jupyter/voila/templates/werkbench) from the
    # checkout itself, so the tests do not depend on `make setup` having copied it
    jupyter_path = os.pathsep.join(p for p in (str(ROOT / "share" / "jupyter"),
                                               os.environ.get("JUPYTER_PATH")) if p)
    env = {**os.environ, "WERKBENCH_REPOSITORY": str(knowledge_base),
           "JUPYTER_PATH": jupyter_path}
    with log.open("wb") as handle:
        process = subprocess.Popen(
            [sys.executable, "-m", "voila", "--no-browser", f"--port={port}",
             "--Voila.ip=127.0.0.1", "--show_tracebacks=True", str(ROOT / "notebooks")],
            env=env, stdout=handle, stderr=subprocess.STDOUT, cwd=ROOT)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    urllib.request.urlopen(base, timeout=2)
                    break
                except OSError:
                    time.sleep(0.3)
            else:
                raise RuntimeError("Voilà startete nicht: " + log.read_text(errors="replace"))
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()


@pytest.fixture
def voila(example_copy: Path) -> Iterator[tuple[str, Path]]:
    """Voilà serving notebooks/ with the knowledge base copy; yields (base URL, kb path)."""
    with voila_server(example_copy, example_copy.parent / "voila.log") as base:
        yield base, example_copy
