"""The national analysis keeps its fresh arrays out of transparent huge pages
(``workbench.hugepages``): inside the block a large array gets normal pages, the setting
before comes back (nested and from two threads), and an operator's explicit
``NUMPY_MADVISE_HUGEPAGE`` is left alone."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from workbench import hugepages

SWITCH = hugepages._switch()
pytestmark = pytest.mark.skipif(SWITCH is None, reason="numpy ohne Huge-Page-Schalter")
THP = Path("/sys/kernel/mm/transparent_hugepage/enabled")


def _numpy_asks() -> bool:
    """numpy's current setting (read by setting it and putting it back)."""
    before = SWITCH(True)
    SWITCH(before)
    return bool(before)


def _huge_kib(array: np.ndarray) -> int:
    """AnonHugePages (KiB) of the mapping that holds the middle of ``array``'s data (numpy's
    madvise starts at the page after the allocation's header: a mapping of its own)."""
    address = array.__array_interface__["data"][0] + array.nbytes // 2
    inside = False
    for line in Path("/proc/self/smaps").read_text().splitlines():
        head = line.split()[0]
        if "-" in head and not head.endswith(":"):
            lo, hi = (int(x, 16) for x in head.split("-"))
            inside = lo <= address < hi
        elif inside and head == "AnonHugePages:":
            return int(line.split()[1])
    raise AssertionError("Mapping des Arrays nicht gefunden")


def _fresh(mib: int = 32) -> np.ndarray:
    array = np.empty(mib << 17)
    array.fill(1.0)
    return array


@pytest.mark.skipif(not THP.exists() or "[madvise]" not in THP.read_text(),
                    reason="Transparent Huge Pages nicht im madvise-Modus")
def test_large_arrays_get_normal_pages_inside_and_huge_pages_outside(monkeypatch) -> None:
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    previous = SWITCH(True)
    try:
        outside = _fresh()
        if _huge_kib(outside) == 0:
            pytest.skip("der Kernel gab gerade keine Huge Page her")
        with hugepages.normal_pages():
            inside = _fresh()
            assert _huge_kib(inside) == 0
        assert _numpy_asks()  # asked again after the block
    finally:
        SWITCH(previous)


def test_setting_comes_back_after_nested_and_concurrent_blocks(monkeypatch) -> None:
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    previous = SWITCH(True)
    try:
        with hugepages.normal_pages():
            assert not _numpy_asks()
            with hugepages.normal_pages():
                assert not _numpy_asks()
            assert not _numpy_asks()  # the outer block still runs
        assert _numpy_asks()

        entered, leave = threading.Barrier(2), threading.Event()
        seen: list[bool] = []

        def block() -> None:
            with hugepages.normal_pages():
                entered.wait()
                leave.wait()
                seen.append(_numpy_asks())

        other = threading.Thread(target=block)
        other.start()
        with hugepages.normal_pages():
            entered.wait()
        assert not _numpy_asks()  # the other thread's block is still open
        leave.set()
        other.join()
        assert seen == [False] and _numpy_asks()
    finally:
        SWITCH(previous)


def test_operator_setting_is_left_alone(monkeypatch) -> None:
    monkeypatch.setenv("NUMPY_MADVISE_HUGEPAGE", "1")
    previous = SWITCH(True)
    try:
        with hugepages.normal_pages():
            assert _numpy_asks()
    finally:
        SWITCH(previous)
