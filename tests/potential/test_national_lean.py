"""The national analysis in less memory (issue 13, goal 3) changes no result: the rank per
Kommune by one draw of draw_ranks equals the stable sort it replaced, columns are joined like
``assign``, and the analysis written column by column is the same JSON."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.conftest import EXAMPLE
from workbench import dataio, ranking
from workbench.potential import analyse
from workbench.report_content.data import analysis_from_json, analysis_to_json
from workbench.repository import Repository

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCH))

import bench_potential  # noqa: E402


@pytest.fixture(scope="module")
def national() -> pd.DataFrame:
    """The benchmark's synthetic frame for a seeded sample of 40 real administrations."""
    data = bench_potential.synthetic(40)
    return bench_potential.potential_frame(data["kommunen"], data["leistungen"],
                                           data["fallzahlen"], data["metrics"], data["params"])


def _rank_within_before(k_codes, l_codes, priority, eligible) -> np.ndarray:
    """The implementation before: one argsort per Kommune, ties re-sorted stably."""
    sel = np.flatnonzero(eligible)
    grp = ranking._Groups.of(k_codes[sel], l_codes[sel])
    ranks = np.full(len(priority), np.nan)
    rows = sel[grp.order]
    ranks[rows] = ranking._ranks(-priority[rows][:, None], grp.g, grp.pos, len(grp.starts),
                                 grp.width)[:, 0] + 1
    return ranks


@pytest.mark.parametrize("decimals", [None, 0, -1])  # exact values, many ties, mostly ties
def test_rank_within_equals_the_stable_sort_before(national, decimals) -> None:
    k_codes, _ = ranking.codes(national["kommune"])
    l_codes, _ = ranking.codes(national["leistung"])
    rng = np.random.default_rng(3)
    priority = rng.uniform(0, 100, len(national))
    if decimals is not None:
        priority = np.round(priority, decimals)
    eligible = ranking.eligible_rows(national)
    assert (~eligible).any() and eligible.any()
    ours = ranking.rank_within(k_codes, l_codes, priority, eligible)
    before = _rank_within_before(k_codes, l_codes, priority, eligible)
    np.testing.assert_array_equal(ours, before)


def test_rank_within_with_repeated_pairs_and_negative_values() -> None:
    """Packed grid (a Kommune × Leistung twice) and signed values: the general key path."""
    k_codes = np.array([0, 0, 0, 0, 1, 1, 1, 2])
    l_codes = np.array([2, 0, 2, 1, 0, 1, 1, 0])
    priority = np.array([-1.0, 3.0, 3.0, -0.0, 0.0, 2.5, 2.5, 7.0])
    ours = ranking.rank_within(k_codes, l_codes, priority)
    before = _rank_within_before(k_codes, l_codes, priority, np.ones(8, dtype=bool))
    np.testing.assert_array_equal(ours, before)
    assert ours.tolist() == [4.0, 1.0, 2.0, 3.0, 3.0, 1.0, 2.0, 1.0]


def test_with_columns_is_assign_without_copies(national) -> None:
    frame = national.copy()
    frame.attrs["hinweise"] = ["ein Hinweis"]
    new = {"a": np.arange(len(frame), dtype=float), "b": np.zeros(len(frame), dtype=bool)}
    out = ranking.with_columns(frame, new)
    pd.testing.assert_frame_equal(out, frame.assign(**new), check_exact=True)
    assert out.attrs == frame.attrs
    assert np.shares_memory(out["a"].to_numpy(), new["a"])  # handed over, not copied
    again = ranking.with_columns(out, {"a": np.ones(len(frame))})  # replaces in place
    assert list(again.columns) == list(out.columns) and (again["a"] == 1).all()


def test_analysis_json_column_by_column_is_the_same_bytes() -> None:
    analysis = analyse(Repository.load(EXAMPLE), top=5, draws=20)
    whole = dataio.dumps({
        "format": "werkbench-analyse-2",
        "parameter": dataio.encode(analysis.parameter.as_dict()),
        "annahmen": dataio.encode(analysis.annahmen),
        "frame": dataio.frame_to_json(analysis.frame),
        "verbund": dataio.frame_to_json(analysis.verbund),
        "efa": dataio.frame_to_json(analysis.efa),
        "hinweise": list(analysis.hinweise),
        "luecken": dataio.frame_to_json(analysis.luecken),
    })
    assert analysis_to_json(analysis) == whole


FRAMES = [
    pd.DataFrame({"x": [1.5, np.nan, np.inf, -np.inf], "t": ["ä", "b", "", "d"],
                  "k": pd.Categorical(["a", "b", "a", "c"]), "i": [1, 2, 3, 4]},
                 index=pd.Index(["w", "x", "y", "z"], name="schluessel")),
    pd.DataFrame({"x": [1.0]}, index=pd.RangeIndex(3, 4)),
    pd.DataFrame(),
    pd.DataFrame(index=pd.Index([5, 6])),
]


@pytest.mark.parametrize("frame", FRAMES)
def test_frames_written_column_by_column_and_read_consuming(frame) -> None:
    frame.attrs["hinweise"] = ["x", 1.5]
    expected = dataio.dumps(dataio.frame_to_json(frame))
    assert dataio.dumps_frames({"f": frame}) == b'{"f":' + expected + b"}"
    parsed = dataio.loads(expected)
    plain = dataio.frame_from_json(dataio.loads(expected))
    consumed = dataio.frame_from_json(parsed, consume=True)
    pd.testing.assert_frame_equal(consumed, plain, check_exact=True)
    assert consumed.attrs == plain.attrs
    assert all(column is None for column in parsed["data"])  # the parsed form is freed


def test_analysis_round_trip_unchanged() -> None:
    analysis = analyse(Repository.load(EXAMPLE), top=5, draws=20)
    again = analysis_from_json(analysis_to_json(analysis))
    for name in ("frame", "verbund", "efa", "luecken"):
        pd.testing.assert_frame_equal(getattr(again, name), getattr(analysis, name),
                                      check_exact=True)


@pytest.mark.parametrize("frame", FRAMES)
def test_frames_read_column_by_column_from_the_bytes(frame) -> None:
    """loads_frames (issue 13: the parent's and every kernel's peak) reads what json.loads
    plus frame_from_json read, also from the same JSON with whitespace."""
    frame.attrs["hinweise"] = ["x", 1.5]
    data = dataio.dumps_frames({"a": 1, "f": frame, "g": [{"$f": "nan"}], "h": frame})
    for text in (data, json.dumps(json.loads(data), indent=2, ensure_ascii=False).encode()):
        doc = dataio.loads_frames(text, ["f"])
        assert list(doc) == ["a", "f", "g", "h"] and doc["a"] == 1 and doc["g"] == [{"$f": "nan"}]
        expected = dataio.frame_from_json(dataio.loads(data)["f"])
        pd.testing.assert_frame_equal(doc["f"], expected, check_exact=True)
        assert doc["f"].attrs == expected.attrs
        assert doc["h"] == dataio.loads(data)["h"]  # not asked for: parsed as it is


def test_damaged_analysis_json_is_refused_with_a_data_format_error() -> None:
    """Every truncation and a byte changed at many places: DataFormatError or the same
    analysis, never another exception (the batch then computes anew)."""
    analysis = analyse(Repository.load(EXAMPLE), top=5, draws=5)
    data = analysis_to_json(analysis)
    rng = np.random.default_rng(13)
    damaged = [data[:i] for i in rng.choice(len(data), 150, replace=False)]
    damaged += [data[:i] + bytes([c]) + data[i + 1:] for i, c in
                zip(rng.choice(len(data), 300), rng.choice(list(b'{}[],:"x0 \\'), 300), strict=True)]
    damaged += [b"", b"[]", b"5", b'{"format":"werkbench-analyse-2"}', b'{"frame":5}', b'{"a":1}{',
                b'{"format":"werkbench-analyse-2","frame":{"format":"werkbench-frame-1","data":{}}}']
    refused = 0
    for text in damaged:
        try:
            analysis_from_json(text)
        except dataio.DataFormatError:
            refused += 1
    assert refused >= 300
