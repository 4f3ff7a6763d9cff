"""Helpers for the potential tests: small models in code and as raw BPMN XML."""

from __future__ import annotations

import pandas as pd

from workbench import bpmn
from workbench.bpmn import namespaces as ns
from workbench.bpmn.builder import ModelBuilder
from workbench.potential import Parameters, metrics_table


def chain(*steps: dict, name: str = "Kette") -> bpmn.Definitions:
    """start → steps (ids a, b, c … unless given) → end, each step a task with attributes."""
    b = ModelBuilder(name)
    prev = b.event("Start", "start", id="start")
    for i, attrs in enumerate(steps):
        attrs = dict(attrs)
        tid = attrs.pop("id", "abcdefghij"[i])
        node = b.task(attrs.pop("name", f"Schritt {tid}"), id=tid, **attrs)
        b.flow(prev, node)
        prev = node
    b.flow(prev, b.event("Ende", "end", id="end"))
    return b.build()


def task(tid: str, tag: str = "task", **attrs: object) -> str:
    """A task element with workbench attributes (keys as XML names: minutes, medium …)."""
    extra = " ".join(f'wb:{k}="{v}"' for k, v in attrs.items())
    return f'<bpmn:{tag} id="{tid}" name="{tid}" {extra}/>'


def flow(fid: str, source: str, target: str, p: float | None = None, *,
         cond: str | None = None) -> str:
    prob = f' wb:probability="{p}"' if p is not None else ""
    body = (f'<bpmn:conditionExpression>{cond}</bpmn:conditionExpression>' if cond else "")
    return (f'<bpmn:sequenceFlow id="{fid}" sourceRef="{source}" targetRef="{target}"{prob}>'
            f"{body}</bpmn:sequenceFlow>")


def model(*parts: str, name: str = "Test") -> bpmn.Definitions:
    """A definitions document with one process holding the given XML parts."""
    body = "\n    ".join(parts)
    return bpmn.read(f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="{ns.BPMN}" xmlns:wb="{ns.WB}" id="D" targetNamespace="urn:t">
  <bpmn:process id="P" name="{name}">
    {body}
  </bpmn:process>
</bpmn:definitions>""")


# A small Verbund: a Landkreis, three Gemeinden, two Leistungen (see test_potential.py).
KOMMUNEN = pd.DataFrame({
    "schluessel": ["03356", "033560002", "033560005", "033560007"],
    "name": ["Landkreis", "A-Dorf", "B-Stadt", "C-Gemeinde"],
    "typ": ["Landkreis", "Gemeinde", "Stadt", "Gemeinde"],
    "einwohner": [100_000.0, 10_000.0, 20_000.0, 40_000.0],
})
LEISTUNGEN = pd.DataFrame({
    "id": ["hund", "fund"], "name": ["Hundeanmeldung", "Fundsachen"],
    "fachbereich": ["Finanzen", "Ordnung"], "reifegrad_ist": [1, 2], "reifegrad_ziel": [3, 2],
})
FALLZAHLEN = pd.DataFrame({
    "kommune": ["033560002", "033560002", "033560005", "03356", "999"],
    "leistung": ["hund", "hund", "hund", "fund", "hund"],
    "jahr": [2023, 2024, 2024, 2025, 2024],
    "fallzahl": [100.0, 120.0, 300.0, 50.0, 7.0],
    "quelle": ["Beispielwert"] * 5,
})
METRICS = metrics_table([
    {"leistung": "hund", "kommune": "", "stand": "ist", "minuten": 20.0, "medienbrueche": 3.0,
     "ozg_schaetzung": 1},
    {"leistung": "hund", "kommune": "", "stand": "soll", "minuten": 5.0, "medienbrueche": 1.0,
     "ozg_schaetzung": 3},
    {"leistung": "hund", "kommune": "033560005", "stand": "ist", "minuten": 30.0,
     "medienbrueche": 4.0, "ozg_schaetzung": 3},
    {"leistung": "fund", "kommune": "", "stand": "ist", "minuten": 10.0, "medienbrueche": 1.0,
     "ozg_schaetzung": 2},
])
PARAMS = Parameters(1600.0, 60.0)
