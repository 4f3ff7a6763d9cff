"""The auto map drawn in one graphviz run (maps/svgpin.py) against graphviz's own drawing of the
same pinned DOT text (``neato -n2``, the second pass the auto style ran before).

Both SVGs are cleaned alike; they must have the same elements in the same order, with the same
attributes and texts, and every number within 0.06 pt. Known, intended differences: the text of a
Medienbruch badge and of a label on a flow dot never saw is centred (``text-anchor="middle"``)
instead of starting at graphviz's measured offset.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess

import pytest
from lxml import etree

from workbench import bpmn
from workbench.maps import Highlights, auto_map, highlights_for
from workbench.maps.auto import DotBuilder, Section, _title
from workbench.maps.compare import match_steps
from workbench.maps.examples import synthetic_model
from workbench.maps.gv import clean_svg, map_prefix, run_dot
from workbench.maps.highlights import automatable_steps
from workbench.maps.svgpin import _ARROWS, arrow_elements, arrow_kinds, first_pass, num

from .conftest import REFERENCE, ROOT, needs_dot

pytestmark = needs_dot
TOLERANCE = 0.06
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
S = "{http://www.w3.org/2000/svg}"


def _flat(svg: str) -> list[tuple[str, dict[str, str], str]]:
    root = etree.fromstring(svg.encode("utf-8"))
    return [(el.tag.split("}")[-1], dict(el.attrib), (el.text or "").strip())
            for el in root.iter() if isinstance(el.tag, str)]


def _close(a: str, b: str) -> bool:
    if a == b:
        return True
    na, nb = NUMBER.findall(a), NUMBER.findall(b)
    return (NUMBER.sub("#", a) == NUMBER.sub("#", b) and len(na) == len(nb)
            and all(abs(float(x) - float(y)) <= TOLERANCE for x, y in zip(na, nb, strict=True)))


def differences(ours: str, graphviz: str) -> list[str]:
    """Where our SVG differs from graphviz's beyond the known, intended differences."""
    mine, theirs = _flat(ours), _flat(graphviz)
    found = [] if len(mine) == len(theirs) else [f"{len(mine)} statt {len(theirs)} Elemente"]
    for index, (a, b) in enumerate(zip(mine, theirs, strict=False)):
        if a[0] != b[0] or a[2] != b[2] or set(a[1]) != set(b[1]):
            found.append(f"#{index}: {a} / {b}")
            break
        centred = a[0] == "text" and a[1].get("text-anchor") != b[1].get("text-anchor")
        for key, value in a[1].items():
            other = b[1][key]
            if centred and key in ("x", "text-anchor"):
                continue  # centred instead of graphviz's measured start
            if not _close(value, other):
                found.append(f"#{index} <{a[0]}> {key}: {value[:80]} / {other[:80]}")
    return found


def _two_ways(make_builder):
    """(one-run SVG, neato -n2 SVG) of the same builder's map: what the second pass drew
    before, cleaned the same way (ids, classes and tooltips from the same builder)."""
    ours = make_builder().render("auto")
    builder = make_builder()
    source = builder.source()
    pinned = ours.dot
    raw = run_dot(pinned, "svg", engine="neato-n2")
    theirs = clean_svg(raw, builder.meta, prefix=map_prefix(source), title=builder.title)
    return ours.svg, theirs


def _builder_for(model, highlights):
    def make():
        builder = DotBuilder(_title(model, None))
        builder.add(Section(model, highlights))
        return builder
    return make


CASES = {
    "gewerbeanmeldung-ist": ROOT / "processes" / "gewerbeanmeldung" / "ist.bpmn",  # badges
    "fundsachen-ist": ROOT / "processes" / "fundsachen" / "ist.bpmn",
    "sepa-soll": ROOT / "processes" / "sepa_mandat" / "soll.bpmn",  # label beyond the frame
    "miwg-B.2.0": REFERENCE / "B.2.0.bpmn",  # largest collaboration
    "miwg-A.4.0": REFERENCE / "A.4.0.bpmn",  # labelled message flow dot never saw
    "miwg-C.1.0": REFERENCE / "C.1.0.bpmn",  # sub-processes (rounded frames)
    "miwg-C.2.0": REFERENCE / "C.2.0.bpmn",  # 4 pools, message flows to black-box pools
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_one_run_draws_what_neato_drew(name):
    model = bpmn.read(CASES[name])
    ours, theirs = _two_ways(_builder_for(model, highlights_for(model)))
    assert differences(ours, theirs) == []


def test_one_run_draws_a_comparison_map_as_neato_did():
    """Two sections (IST above SOLL) with struck and new steps, built as comparison_map does."""
    ist = bpmn.read(ROOT / "processes" / "kita_anmeldung" / "ist.bpmn")
    soll = bpmn.read(ROOT / "processes" / "kita_anmeldung" / "soll.bpmn")
    match = match_steps(ist, soll)

    def make():
        builder = DotBuilder("IST/SOLL-Vergleich", subtitle="Kita-Anmeldung")
        builder.add(Section(ist, highlights_for(ist), key="ist", label="IST",
                            status=dict.fromkeys(match.dropped, "entfaellt")))
        builder.add(Section(soll, highlights_for(soll), key="soll", label="SOLL",
                            status=dict.fromkeys(match.new, "neu")))
        return builder

    ours, theirs = _two_ways(make)
    assert differences(ours, theirs) == []


def test_one_run_draws_the_large_synthetic_map_as_neato_did():
    """300 activities: beyond 10 000 pt graphviz's JSON has whole-pt positions, so the labels
    that move with their JSON position may be up to 0.5 pt off; nodes, frames and flows not."""
    model = synthetic_model(300, 6)
    ours, theirs = _two_ways(_builder_for(model, Highlights(
        automatable=automatable_steps(model))))
    found = differences(ours, theirs)
    labels = [f for f in found if "<text> x" in f or "<text> y" in f]
    assert found == labels
    assert all(abs(float(f.split(": ")[1].split(" / ")[0]) - float(f.split(" / ")[1])) <= 0.5
               for f in labels)


def test_map_text_is_the_same_bytes_for_the_same_model():
    model = bpmn.read(REFERENCE / "B.2.0.bpmn")
    assert auto_map(model).svg == auto_map(model).svg


# ---------------------------------------------------------------- arrowheads


def test_arrowheads_match_graphviz_in_every_direction():
    """Every arrow type the maps use, at 16 angles and two pen widths, drawn by dot and by us."""
    lines = ["digraph { splines=line node [shape=point width=0.05] edge [arrowsize=0.8]"]
    kinds = [k for k in _ARROWS if k not in ("none", "empty")]
    number = 0
    for index, kind in enumerate(kinds):
        for step in range(16):
            angle = step * 22.5
            x, y = 100 + 140 * index, 100  # below 1000 pt: JSON has two decimals
            tx = x + 90 * math.cos(math.radians(angle))
            ty = y + 90 * math.sin(math.radians(angle))
            for width in (1, 3.2):
                number += 1
                lines.append(f'a{number} [pos="{x},{y + 300 * (width > 1)}!"]')
                lines.append(f'b{number} [pos="{tx:.2f},{ty + 300 * (width > 1):.2f}!"]')
                lines.append(f'a{number} -> b{number} [id="e{number}" dir=both '
                             f'arrowhead={kind} arrowtail={kind} penwidth={width}]')
    lines.append("}")
    done = subprocess.run([shutil.which("dot") or "dot", "-Kneato", "-n2", "-Tsvg", "-Tjson0"],
                          input="\n".join(lines).encode(), capture_output=True, check=True)
    end = done.stdout.index(b"</svg>") + len(b"</svg>\n")
    raw, layout = done.stdout[:end], json.loads(done.stdout[end:])
    first = first_pass(layout)
    root = etree.fromstring(raw)
    height = float(layout["bb"].split(",")[3])
    checked = 0
    for group in root.iter(S + "g"):
        if group.get("class") != "edge":
            continue
        edge = first.edge_attrs[group.get("id")]
        drawn = [el for el in group if el.tag not in (S + "title", S + "path")]
        parts = edge["pos"].split()
        start = next(p[2:] for p in parts if p.startswith("s,"))
        end = next(p[2:] for p in parts if p.startswith("e,"))
        points = [p for p in parts if p[:2] not in ("s,", "e,")]

        def svg(point: str) -> tuple[float, float]:
            x, y = (float(v) for v in point.split(","))
            return x, -y

        ours = etree.Element(S + "g")
        tail, head = arrow_kinds(edge)
        paint = {"stroke": "black"}
        if edge.get("penwidth", "1") != "1":
            paint["stroke-width"] = num(float(edge["penwidth"]))
        arrow_elements(ours, tail, svg(start), svg(points[0]), 0.8, paint)
        arrow_elements(ours, head, svg(end), svg(points[-1]), 0.8, paint)
        assert [el.tag for el in ours] == [el.tag for el in drawn]
        for mine, theirs in zip(ours, drawn, strict=True):
            assert set(mine.attrib) == set(theirs.attrib)
            for key, value in mine.attrib.items():
                assert _close(value, theirs.get(key)), (group.get("id"), key, value,
                                                        theirs.get(key))
        checked += 1
    assert height > 0 and checked == number


def test_an_arrow_svgpin_cannot_draw_falls_back_to_neato():
    """A flow with an arrow shape svgpin does not know (here: a filled diamond) is drawn by
    graphviz's second pass, so the map is still complete and right."""
    model = bpmn.read(CASES["gewerbeanmeldung-ist"])

    def make():
        builder = _builder_for(model, highlights_for(model))()
        first, second = [n for n in builder.rank_of if n.startswith("n")][:2]
        builder.lines.append(f'{first} -> {second} [id="e999" arrowhead="diamond"]')
        return builder

    ours, theirs = _two_ways(make)
    assert ours == theirs  # the fallback is neato -n2 itself
    diamond = [el for el in etree.fromstring(ours.encode()).iter(S + "g")
               if el.get("id", "").endswith("-e999")]
    assert diamond and len(list(diamond[0].iter(S + "polygon"))) == 1
