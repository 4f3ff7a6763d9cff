"""Saving an edit byte for byte (``workbench.edit.splice``) against lxml's full serialisation.

Both variants read the same bytes, change the name of one task and produce the file: the
baseline serialises the whole tree with lxml (lossless, but not byte-for-byte), ours writes the
edit into the original bytes and checks the result by parsing it again. Cases: the shipped
Hundeanmeldung IST (small) and a generated 100-activity model (large). Medians of alternating
runs, reported through ``benchlib.record``. There is no speed target (a save is one click); the
figure says what byte-for-byte costs.

    .venv/bin/python benchmarks/bench_splice.py [--runs 21]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

from benchlib import Timing, record

from workbench import bpmn
from workbench.bpmn import namespaces as ns
from workbench.edit.splice import EditableModel
from workbench.maps.examples import synthetic_model

ROOT = Path(__file__).resolve().parents[1]


def _lxml(data: bytes) -> bytes:
    defs = bpmn.read(data)
    defs.root.find(f".//{{{ns.BPMN}}}process/*[@name]").set("name", "Geändert")
    return defs.to_bytes()


def _splice(data: bytes) -> bytes:
    model = EditableModel(data)
    model.defs.root.find(f".//{{{ns.BPMN}}}process/*[@name]").set("name", "Geändert")
    return model.to_bytes()


def _time(fn: Callable[[bytes], bytes], data: bytes, runs: list[float]) -> None:
    """One run of ``fn`` on ``data``, its seconds appended to ``runs``."""
    started = time.perf_counter()
    fn(data)
    runs.append(time.perf_counter() - started)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=21)
    args = parser.parse_args(argv)
    cases = [
        ("Hundeanmeldung IST", (ROOT / "processes" / "hundeanmeldung" / "ist.bpmn").read_bytes()),
        ("100 Aktivitäten", bpmn.to_bytes(synthetic_model(100, 4))),
    ]
    for label, data in cases:
        assert _splice(data) != data
        base: list[float] = []
        ours: list[float] = []
        for _ in range(args.runs):
            _time(_lxml, data, base)
            _time(_splice, data, ours)
        record("bench_splice", f"{label} ({len(data):,} Bytes): eine Änderung speichern".replace(
            ",", "."), Timing(tuple(ours)), baseline=Timing(tuple(base)),
            baseline_label="lxml neu serialisiert",
            note="kein Ziel (Speichern ist ein Klick); Einsetzen in die Originalbytes, byte-genau "
                 "außerhalb der Änderung; lxml verlustfrei, aber nicht byte-genau; "
                 "Verhältnis < 1 = Preis der Byte-Treue")
    return 0


if __name__ == "__main__":
    sys.exit(main())
