"""Shared fixtures of the map tests: example models, SVG parsing, graphviz availability."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from lxml import etree

from workbench.bpmn.builder import ModelBuilder
from workbench.maps.examples import gewerbe_ist, gewerbe_soll

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT.parent / "shared" / "data" / "miwg-reference"
if not REFERENCE.is_dir():  # CI clones main with shared/ beside it
    REFERENCE = Path("/work/shared/data/miwg-reference")
REFERENCE_MODELS = sorted(REFERENCE.glob("*.bpmn"))

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="graphviz (dot) fehlt")


def parse_svg(text: str) -> etree._Element:
    """Parse SVG text (fails the test when it is not well-formed XML)."""
    return etree.fromstring(text.encode("utf-8"))


def ids_by_class(root: etree._Element, cls: str) -> set[str]:
    """data-bpmn-id of every element whose class list contains ``cls``."""
    return {el.get("data-bpmn-id") for el in root.iter()
            if isinstance(el.tag, str) and cls in (el.get("class") or "").split()}


def all_text(root: etree._Element) -> str:
    return " ".join(t for t in root.itertext())


@pytest.fixture
def ist():
    return gewerbe_ist()


@pytest.fixture
def soll():
    return gewerbe_soll()


@pytest.fixture
def tricky():
    """A model with markup in names, umlauts, ß, a message flow target pool and data."""
    b = ModelBuilder("Straßenreinigung <b>", pool="Gemeinde Öhringen & Söhne")
    s = b.event("Anzeige eingegangen", "start", lane="Bürger:in", definition="message",
                id="start")
    t = b.task("<script>alert(1)</script>", lane="Bürger:in", id="boese", medium="papier",
               minutes=3)
    u = b.task("Größe prüfen – Außendienst übernimmt", lane="Straßenmeisterei", id="pruefen",
               kind="userTask", medium="fachverfahren", minutes=12, system="Fachverfahren \"X\"")
    g = b.gateway("Zuständig?", lane="Straßenmeisterei", id="gw")
    e1 = b.event("Erledigt", "end", lane="Straßenmeisterei", id="ende")
    e2 = b.event("Abgegeben", "end", lane="Straßenmeisterei", id="abgabe",
                 definition="message")
    b.flow(s, t)
    b.flow(t, u)
    b.flow(u, g)
    b.flow(g, e1, name="ja & fertig", probability=0.8)
    b.flow(g, e2, name="nein <weiter>", probability=0.2)
    return b.build()
