"""Issue 11, item 8: a write killed half-way leaves a temp file; validate reports it and the next
write of the same file removes it. A live writer's temp file is never touched.

The writer is a real child process killed with SIGKILL while its temp file is open (it stops in
``fsync`` so the kill lands mid-write every time).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE
from workbench import fileio
from workbench.cli import main

WRITER = textwrap.dedent("""
    import os, sys, time
    from workbench import fileio
    real_fsync = os.fsync
    def stuck(fd):
        real_fsync(fd)
        print("mitten im Schreiben", flush=True)
        time.sleep(120)
    os.fsync = stuck
    fileio.atomic_write_bytes(sys.argv[1], b"<definitions/>" * 200_000)
""")


def _killed_write(target: Path) -> Path:
    child = subprocess.Popen([sys.executable, "-c", WRITER, str(target)], stdout=subprocess.PIPE,
                             text=True)
    try:
        assert child.stdout.readline().strip() == "mitten im Schreiben"
        temp = [p for p in target.parent.iterdir() if fileio.is_temp_name(p.name)]
        assert len(temp) == 1 and fileio.orphan_temp_files(target.parent) == []  # locked: live
        os.utime(temp[0], (time.time() - 60, time.time() - 60))
        assert fileio.orphan_temp_files(target.parent) == []  # old, but its writer still lives
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
    return temp[0]


@pytest.fixture
def kb(tmp_path):
    target = tmp_path / "processes"
    shutil.copytree(EXAMPLE, target)
    return target


def test_killed_write_is_reported_and_cleaned_by_the_next_write(kb, capsys):
    from workbench import bpmn

    model = kb / "hundeanmeldung" / "ist.bpmn"
    before = model.read_bytes()
    orphan = _killed_write(model)
    assert model.read_bytes() == before  # the old model is intact
    assert fileio.orphan_temp_files(kb) == [orphan]
    assert orphan.stat().st_size > 2 * 2**20

    assert main(["validate", "--repository", str(kb)]) == 0
    printed = capsys.readouterr().out
    assert f"hundeanmeldung/{orphan.name}" in printed and "Verwaiste Zwischendatei" in printed

    bpmn.write(bpmn.read(model), model)  # the next save of that model
    assert not orphan.exists() and fileio.orphan_temp_files(kb) == []
    assert model.read_bytes() == before


def test_other_files_and_young_temp_files_are_left_alone(tmp_path):
    target = tmp_path / "ist.bpmn"
    other = tmp_path / ".soll.bpmn.abcdefgh.tmp"
    young = tmp_path / ".ist.bpmn.abcdefgh.tmp"
    own = tmp_path / ".notiz.tmp"
    for path in (other, young, own):
        path.write_bytes(b"x")
    old = time.time() - 60
    os.utime(other, (old, old))
    fileio.atomic_write_bytes(target, b"neu")
    assert other.exists() and young.exists() and own.exists()  # not ours to remove (yet)
    assert fileio.orphan_temp_files(tmp_path) == [other]
    os.utime(young, (old, old))
    fileio.atomic_write_bytes(target, b"neuer")
    assert not young.exists() and other.exists() and target.read_bytes() == b"neuer"


def test_symlinked_temp_name_is_never_followed(tmp_path):
    secret = tmp_path / "geheim.txt"
    secret.write_text("bleibt")
    link = tmp_path / ".ist.bpmn.abcdefgh.tmp"
    link.symlink_to(secret)
    fileio.atomic_write_bytes(tmp_path / "ist.bpmn", b"neu")
    assert secret.read_text() == "bleibt" and fileio.orphan_temp_files(tmp_path) == []


def test_durable_by_default_and_cache_writes_skip_fsync(tmp_path, monkeypatch):
    """Every write is atomic; only a durable one (the default: reports, knowledge base) waits
    for the disk. The batch cache, emptied with every batch, writes without ``fsync``."""
    import os

    from workbench.reports import cache

    synced: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    target = tmp_path / "bericht.html"
    fileio.atomic_write_bytes(target, b"<p>1</p>")
    assert target.read_bytes() == b"<p>1</p>" and len(synced) == 1
    fileio.atomic_write_bytes(target, b"<p>2</p>", durable=False)
    assert target.read_bytes() == b"<p>2</p>" and len(synced) == 1
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    monkeypatch.setenv(cache.ENV_VAR, str(tmp_path / "cache"))
    assert cache.cached_bytes("karte.svg", lambda: b"<svg/>") == b"<svg/>"
    assert (tmp_path / "cache" / "karte.svg").read_bytes() == b"<svg/>"
    assert len(synced) == 1
