"""The warm kernel's collection between reports: survivors frozen, garbage still freed."""

from __future__ import annotations

import subprocess
import sys

CODE = """
import gc, weakref
from workbench.reports import kernel_state as ks

class Node:
    pass

def cycle():
    a, b = Node(), Node()
    a.other, b.other = b, a
    return a

cache = {"kept": cycle()}
ks._collect()                                  # report 1 ends: the cache entry survives, frozen
frozen = gc.get_freeze_count()
dropped = weakref.ref(cache.pop("kept"))       # a bounded cache drops it during report 2
fresh = cycle(); young = weakref.ref(fresh); del fresh   # report 2's own garbage
ks._collect()
states = [frozen > 0, young() is None, dropped() is not None]
for _ in range(ks.FULL_COLLECT_EVERY - 3):    # reports 3..9: still waiting
    ks._collect()
states.append(dropped() is not None)
ks._collect()                                  # report 10: full collection
states.append(dropped() is None)
print(*states)
"""


def test_frozen_survivors_wait_for_the_full_collection_and_new_garbage_goes_at_once() -> None:
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True"] * 5
