"""Issue 11, "done when": hypothesis fuzzes the BPMN reader and every knowledge-base loader.

The property is the same everywhere: hostile or broken input gives a result or the documented
German refusal (``BpmnRejected``, ``MetricsError``, ``StepTableError``, findings) – never any
other exception, never a traceback. Examples are bounded and derandomized (same examples in every
CI run), so the whole module stays well under a minute.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLE, MIWG
from workbench import bpmn
from workbench.bpmn.lint import lint
from workbench.metrics import MetricsError, compute
from workbench.repository import Repository

FUZZ = settings(max_examples=40, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
WB_NS = "urn:prozess-werkbench:bpmn:1"

#: Values that broke something once, or could: numbers beyond every limit, bidi and escape
#: controls, markup, entities, quotes, separators, dates that do not exist, YAML specials.
NUMBERS = ["0", "-1", "1e308", "-1e308", "1e29", "inf", "-inf", "nan", ".nan", ".inf", "-.inf",
           "NaN", "2,5", "1.000.000", "99999999999999999999", "0x1F", "2026-13-45", "2026-02-30"]
HOSTILE = [*NUMBERS, "", " ", '"' + "x" * 140_000, "\u202e", "\u2066x\u2069", "\x1b[2J", "\x00",
           "<script>alert(1)</script>", "&y;", "&amp;", "'", '"', ";", ",", "\n", "\r\n", "*anker",
           "&anker x", "!!python/object:os.system",
           "~", "null", "true", "[", "]", "{", "}", ": ", "- ", "#", "ä" * 3, "x" * 300]
hostile = st.sampled_from(HOSTILE)
#: A line whose value is a number or a date: where absurd numbers do harm.
NUMBER_CELL = re.compile(r'(: |,)"?[\d.-]+"?\s*(,|$)')
values = st.one_of(st.sampled_from(NUMBERS), hostile)
text = st.one_of(hostile, st.text(max_size=30), st.lists(hostile, max_size=4).map("".join))


# ----------------------------------------------------------------------------- BPMN
def _seed_models() -> list[bytes]:
    seeds = sorted(EXAMPLE.glob("*/ist.bpmn"))[:2] + sorted(MIWG.glob("*.bpmn"))[:2]
    return [p.read_bytes() for p in seeds]


SEEDS = _seed_models()


@st.composite
def mutated_model(draw: st.DrawFn) -> bytes:
    """A real model with bytes flipped, cut, repeated or hostile text spliced in."""
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "cut", "insert", "repeat", "truncate"]))
        at = draw(st.integers(0, max(0, len(data) - 1)))
        if kind == "flip" and data:
            data[at] = draw(st.integers(0, 255))
        elif kind == "cut":
            del data[at:at + draw(st.integers(1, 200))]
        elif kind == "insert":
            data[at:at] = draw(text).encode("utf-8", "surrogatepass")
        elif kind == "repeat":
            data[at:at] = bytes(data[at:at + 300]) * draw(st.integers(1, 20))
        else:
            data = data[:at]
    return bytes(data)


@st.composite
def generated_model(draw: st.DrawFn) -> bytes:
    """A small process from scratch: tasks, gateways, flows with hostile names and wb: values."""
    n = draw(st.integers(0, 8))
    ids = [f"n{i}" for i in range(n)]
    parts = [f'<definitions xmlns="{BPMN_NS}" xmlns:wb="{WB_NS}" id="d" targetNamespace="x">',
             f'<process id="p" name="{_attr(draw(text))}">']
    for i in ids:
        tag = draw(st.sampled_from(["startEvent", "endEvent", "task", "userTask",
                                    "exclusiveGateway", "parallelGateway", "subProcess"]))
        attrs = "".join(f' wb:{name}="{_attr(draw(text))}"' for name in
                        draw(st.lists(st.sampled_from(["minutes", "waitDays", "medium", "phase",
                                                       "automation", "system", "minuten"]),
                                      max_size=3, unique=True)))
        parts.append(f'<{tag} id="{i}" name="{_attr(draw(text))}"{attrs}/>')
    for k in range(draw(st.integers(0, 12)) if ids else 0):
        a, b = draw(st.sampled_from(ids)), draw(st.sampled_from([*ids, "fehlt"]))
        prob = f' wb:probability="{_attr(draw(text))}"' if draw(st.booleans()) else ""
        parts.append(f'<sequenceFlow id="f{k}" sourceRef="{a}" targetRef="{b}"{prob}/>')
    parts.append("</process></definitions>")
    return "".join(parts).encode("utf-8", "surrogatepass")


def _attr(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _read_evaluate_write(data: bytes) -> None:
    try:
        defs = bpmn.read(data)
    except bpmn.BpmnRejected as err:
        assert err.reason and err.code  # a German reason, never an empty refusal
        return
    lint(defs)
    try:
        compute(defs)
    except MetricsError as err:
        assert str(err)
    again = bpmn.read(bpmn.to_bytes(defs))  # what we write, we can read back
    assert len(again.flow_nodes()) == len(defs.flow_nodes())


@FUZZ
@given(mutated_model())
def test_fuzz_bpmn_reader_on_mutated_real_models(data: bytes) -> None:
    _read_evaluate_write(data)


@FUZZ
@given(generated_model())
def test_fuzz_bpmn_reader_on_generated_models(data: bytes) -> None:
    _read_evaluate_write(data)


# ----------------------------------------------------------------------------- knowledge base
KB_FILES = ("verbund.yaml", "kommunen.csv", "leistungen.yaml", "fallzahlen.csv", "bewertung.yaml")
LEISTUNG = "hundeanmeldung"


@pytest.fixture(scope="module")
def small_kb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example's top-level files and one Leistung: loads in milliseconds."""
    root = tmp_path_factory.mktemp("fuzz") / "processes"
    root.mkdir()
    for name in KB_FILES:
        shutil.copy(EXAMPLE / name, root / name)
    shutil.copytree(EXAMPLE / LEISTUNG, root / LEISTUNG)
    return root


@contextmanager
def _copy(small_kb: Path) -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "processes"
        shutil.copytree(small_kb, target)
        yield target


@st.composite
def mutated_text(draw: st.DrawFn, original: str) -> str:
    """The original file with lines replaced, values swapped for hostile ones, or cut."""
    lines = original.splitlines()
    for _ in range(draw(st.integers(1, 5))):
        if not lines:
            break
        kind = draw(st.sampled_from(["value", "value", "value", "line", "delete", "duplicate",
                                     "separator"]))
        with_value = [n for n, line in enumerate(lines) if ": " in line or "," in line]
        numeric = [n for n in with_value if NUMBER_CELL.search(lines[n].split("#")[0])]
        if kind == "value" and with_value:
            i = draw(st.sampled_from(numeric if numeric and draw(st.booleans()) else with_value))
            sep = ": " if ": " in lines[i] else ","
            cells = lines[i].split(sep)
            cells[draw(st.integers(1, len(cells) - 1))] = draw(values)
            lines[i] = sep.join(cells)
            continue
        i = draw(st.integers(0, len(lines) - 1))
        if kind == "value":
            lines[i] = draw(values)
        elif kind == "line":
            lines[i] = draw(text)
        elif kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        else:
            lines[i] = lines[i].replace(",", ";")
    return "\n".join(lines) + draw(st.sampled_from(["", "\n", "\n\n"]))


def _fuzz_file(small_kb: Path, name: str, data: st.DataObject) -> None:
    original = (small_kb / name).read_text(encoding="utf-8")
    content = data.draw(st.one_of(mutated_text(original), text), label=name)
    with _copy(small_kb) as kb:
        (kb / name).write_text(content, encoding="utf-8", errors="surrogatepass")
        repo = Repository.load(kb)  # never raises for content problems
        findings = repo.validate(models=False)
        assert all(f.file and f.message for f in findings)
        for value in repo.fallzahlen["fallzahl"]:
            assert 0 <= value <= 1e8
        assert repo.verbund.jahresarbeitszeit > 0 and repo.verbund.parameter["top_n"] >= 1


@pytest.mark.parametrize("name", [*KB_FILES, f"{LEISTUNG}/steckbrief.yaml"])
def test_fuzz_knowledge_base_loaders(small_kb: Path, name: str) -> None:
    @FUZZ
    @given(st.data())
    def run(data: st.DataObject) -> None:
        _fuzz_file(small_kb, name, data)

    run()


def test_fuzz_potential_on_broken_knowledge_bases(small_kb: Path) -> None:
    """A few broken knowledge bases all the way through the potential analysis."""
    from workbench.potential import PotentialError, analyse

    @settings(FUZZ, max_examples=8)
    @given(st.data())
    def run(data: st.DataObject) -> None:
        name = data.draw(st.sampled_from(KB_FILES))
        original = (small_kb / name).read_text(encoding="utf-8")
        with _copy(small_kb) as kb:
            (kb / name).write_text(data.draw(mutated_text(original)), encoding="utf-8",
                                   errors="surrogatepass")
            try:
                analyse(Repository.load(kb), draws=5)
            except PotentialError as err:
                assert str(err)

    run()


# ----------------------------------------------------------------------------- step tables
@st.composite
def step_table_file(draw: st.DrawFn) -> str:
    header = draw(st.sampled_from(["Nr;Element;Name;Rolle;Minuten;Medium;Weiter",
                                   "Nr,Element,Name,Minuten,Weiter", "Nr;Name", ""]))
    sep = ";" if ";" in header else ","
    rows = [header]
    for n in range(draw(st.integers(0, 6))):
        cells = [draw(st.one_of(st.just(str(n + 1)), hostile)),
                 draw(st.sampled_from(["Start", "Aufgabe", "Ende", "XOR", "UND", "?"]))]
        cells += [draw(text) for _ in range(max(0, header.count(sep) - 1))]
        rows.append(sep.join(c.replace("\n", " ") for c in cells))
    return "\n".join(rows) + "\n"


@FUZZ
@given(step_table_file())
def test_fuzz_step_tables(content: str) -> None:
    from workbench.steptable import StepTableError, read_step_table, step_table_to_bpmn

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "schritte.csv"
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
        try:
            table = read_step_table(path)
            defs = step_table_to_bpmn(table, name="Fuzz", pool="Verwaltung")
        except StepTableError as err:
            assert str(err)
            return
        _read_evaluate_write(bpmn.to_bytes(defs))
