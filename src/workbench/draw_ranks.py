"""Rank statistics over many weight draws: how often a row is in the top N of its group, and
the best and worst rank it reaches — exactly as a stable sort of every (group, draw) would give.

The sensitivity analysis ranks every Kommune's Leistungen under hundreds of weight vectors
(4,935 × 575 rows × 501 draws ≈ 1.4 billion ranks for the whole country). An argsort per
(group, draw) is slow; here each score is packed with its place in the group into one unsigned
64-bit key — the score's bits in the high part (descending order), the place in the low
``bits`` — and the keys are sorted with numpy's SIMD sort. Equal scores then fall into place
order, like a stable sort. When a block's scores are positive and span at most a few binades
(the usual case: priorities between about 0.5 and 3), the exponent offset and all 52 mantissa
bits fit above the place and nothing is lost. Otherwise the score's lowest ``bits`` bits are
dropped, which can only merge scores that differ by less than about 2⁻⁴² relative; every such
merge is found after the sort and that (group, draw) is re-ranked with the stable argsort of the
exact scores. Either way the ranks equal those of the stable sort in every case.

Work is split twice: groups into chunks whose one-draw row is long (numpy's inner loops stay
long), and each chunk's draws into blocks of about :data:`CHUNK_CELLS` cells, so every pass over
a block (scores, keys, sort, ranks) runs in the core's cache and nothing per draw is kept.
Chunks run on a few threads (numpy releases the GIL)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

#: Cells per block (draws × groups × places): every pass over a block stays in a core's cache.
CHUNK_CELLS = 131_072
#: Cells of one draw in a chunk (groups × places), at least: long rows, long inner loops.
ROW_CELLS = 8_192
_ALL = np.uint64(0xFFFF_FFFF_FFFF_FFFF)  # key of an empty cell: after every real row
_HIGH_ZERO = np.uint64(0x7FFF_FFFF_FFFF_FFFF)

#: ``scores(rows, out, aligned, draws)`` fills ``out`` (len(range(draws)) × len(rows),
#: float64) with the rows' scores under the draws of the slice ``draws``; ``aligned`` says the
#: rows are whole grid rows whose place is the row's item code (so per-item parts can be
#: broadcast instead of gathered). It is called with the same ``rows`` object for every draw
#: block of a chunk. It may return bounds ``(lowest, highest)`` of what it wrote (any value
#: ≤ / ≥ every score), which saves two passes over the block; else None.
ScoreFunction = Callable[[np.ndarray, np.ndarray, bool, slice], "tuple[float, float] | None"]


@dataclass(frozen=True, slots=True)
class RankStats:
    """Per grid cell (group × place): draws in the top N (draw 0 excluded unless it is the
    only one), lowest and highest 0-based rank over all draws including draw 0."""

    top_count: np.ndarray
    rank_min: np.ndarray
    rank_max: np.ndarray
    counted_draws: int


def rank_stats(grid: np.ndarray, scores: ScoreFunction, n_draws: int, top: int, *,
               nonnegative: bool = False, aligned: bool = False, threads: int | None = None,
               chunk_cells: int | None = None) -> RankStats:
    """Rank statistics of the rows in ``grid`` (groups × places; row ids, -1 = empty cell).

    Rows rank by descending score within their group, ties by place; empty cells rank last
    and their statistics are meaningless. ``nonnegative`` promises finite scores ≥ +0.0
    (faster key packing); otherwise any float works (NaN ranks last, −0.0 equals +0.0).
    ``chunk_cells``: cells per block (default :data:`CHUNK_CELLS`)."""
    n_groups, width = grid.shape
    shape = (n_groups, width)
    top_count = np.zeros(shape, dtype=np.int32)
    rank_min = np.zeros(shape, dtype=np.int32)
    rank_max = np.zeros(shape, dtype=np.int32)
    if n_groups == 0 or width == 0:
        return RankStats(top_count, rank_min, rank_max, max(n_draws - 1, 1))
    block = chunk_cells or CHUNK_CELLS
    per_chunk = max(1, min(n_groups, -(-ROW_CELLS // width), block // width))
    per_block = max(1, min(n_draws, block // (per_chunk * width)))
    starts = list(range(0, n_groups, per_chunk))
    kernel = _Kernel(grid, scores, n_draws, top, nonnegative, aligned, per_chunk, per_block)

    def work(g0: int) -> None:
        kernel.run(g0, min(g0 + per_chunk, n_groups), top_count, rank_min, rank_max)

    workers = _threads(threads, grid.size * n_draws, len(starts))
    if workers == 1:
        for g0 in starts:
            work(g0)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(work, starts))
    return RankStats(top_count, rank_min, rank_max, max(n_draws - 1, 1))


def _threads(wanted: int | None, cells: int, chunks: int) -> int:
    """Threads for the chunks: one for small problems, else the CPU count (at most 4)."""
    if wanted is not None:
        return max(1, min(wanted, chunks))
    if cells < 4 * CHUNK_CELLS:
        return 1
    return max(1, min(4, os.cpu_count() or 1, chunks))


@dataclass(slots=True)
class _Block:
    """Buffers and constants for one block shape (draws × groups), as views of a thread's
    flat buffers. Ranks use ``2**bits`` slots per (draw, group): an empty cell's place bits
    are all ones after the sort, so it lands in a spare slot and needs no repair."""

    score: np.ndarray  # draws × cells, float64
    key: np.ndarray  # draws × cells, uint64
    steps: np.ndarray  # draws × groups × (width − 1), uint64
    near: np.ndarray  # the same shape, bool
    ranks: np.ndarray  # draws × groups × 2**bits, int16/int32
    offsets: np.ndarray  # draws × groups × width: first rank slot of the cell's (draw, group)
    slots: np.ndarray  # groups × 1: first top-count slot of each group
    ladder: np.ndarray  # 0 … width − 1 for every (draw, group)


class _Kernel:
    """The per-chunk work; buffers are kept per thread (no page faults per block)."""

    def __init__(self, grid: np.ndarray, scores: ScoreFunction, n_draws: int, top: int,
                 nonnegative: bool, aligned: bool, per_chunk: int, per_block: int) -> None:
        self.grid, self.scores, self.n_draws = grid, scores, n_draws
        self.top, self.nonnegative, self.aligned = top, nonnegative, aligned
        self.per_chunk, self.per_block = per_chunk, per_block
        width = grid.shape[1]
        self.bits = max(1, int(width).bit_length())  # places 0..width-1 < 2**bits - 1
        self.mask = np.uint64((1 << self.bits) - 1)
        self.slot = 1 << self.bits
        self.place = np.tile(np.arange(width, dtype=np.uint64), per_chunk)
        self.small = np.int16 if width < 2**15 else np.int32
        self.local = threading.local()

    def _block(self, draws: int, groups: int) -> _Block:
        cache = getattr(self.local, "blocks", None)
        if cache is None:
            width, size = self.grid.shape[1], self.per_block * self.per_chunk
            # a cell's rank slot offset depends only on its (draw, group) slice, i.e. on
            # its flat position // width, whatever the block's shape: one full array (a
            # plain add is about twice as fast as adding a broadcast column)
            offsets = np.repeat(np.arange(size, dtype=np.uint64) * np.uint64(self.slot), width)
            cache = self.local.blocks = {"flat": (
                np.empty(size * width), np.empty(size * width, dtype=np.uint64),
                np.empty(size * max(width - 1, 1), dtype=np.uint64),
                np.empty(size * max(width - 1, 1), dtype=bool),
                np.empty(size * self.slot, dtype=self.small), offsets)}
        if (draws, groups) not in cache:
            width, slices = self.grid.shape[1], draws * groups
            score, key, steps, near, ranks, offsets = cache["flat"]
            cells = slices * width
            cache[draws, groups] = _Block(
                score[:cells].reshape(draws, groups * width),
                key[:cells].reshape(draws, groups * width),
                steps[:slices * (width - 1)].reshape(draws, groups, width - 1),
                near[:slices * (width - 1)].reshape(draws, groups, width - 1),
                ranks[:slices * self.slot].reshape(draws, groups, self.slot),
                offsets[:cells].reshape(draws, groups, width),
                (np.arange(groups, dtype=np.uint64) * np.uint64(self.slot))[:, None],
                np.tile(np.arange(width, dtype=self.small), slices))
        return cache[draws, groups]

    def run(self, g0: int, g1: int, top_count: np.ndarray, rank_min: np.ndarray,
            rank_max: np.ndarray) -> None:
        n_groups, width = g1 - g0, self.grid.shape[1]
        cells = self.grid[g0:g1].ravel()
        holes = (cells < 0).reshape(n_groups, width)
        empty = np.flatnonzero(cells < 0)
        rows = np.where(cells < 0, 0, cells) if empty.size else cells
        place = self.place[:n_groups * width]
        counts = np.zeros(n_groups * self.slot, dtype=np.int64)
        low = np.full((n_groups, width), np.iinfo(np.int32).max, dtype=np.int32)
        high = np.zeros((n_groups, width), dtype=np.int32)
        for d0 in range(0, self.n_draws, self.per_block):
            d1 = min(d0 + self.per_block, self.n_draws)
            b = self._block(d1 - d0, n_groups)
            bounds = self.scores(rows, b.score, self.aligned, slice(d0, d1))
            lossless = self.nonnegative and self._pack_lossless(b.score, b.key, place, bounds)
            if not lossless:
                self._pack(b.score, b.key, place)
            if empty.size:
                b.key[:, empty] = _ALL
            cube = b.key.reshape(d1 - d0, n_groups, width)
            cube.sort(axis=2)
            if not lossless:
                self._exact_ties(cube, b.score, holes, b.steps, b.near)
            np.bitwise_and(cube, self.mask, out=cube)  # the places in rank order
            first = 1 if d0 == 0 and self.n_draws > 1 else 0
            leaders = cube[first:, :, :min(self.top, width)] + b.slots
            counts += np.bincount(leaders.view(np.int64).ravel(), minlength=counts.size)
            cube += b.offsets
            b.ranks.reshape(-1)[cube.view(np.int64).ravel()] = b.ladder
            np.minimum(low, b.ranks[:, :, :width].min(axis=0), out=low)
            np.maximum(high, b.ranks[:, :, :width].max(axis=0), out=high)
        top_count[g0:g1] = counts.reshape(n_groups, self.slot)[:, :width]
        rank_min[g0:g1] = low
        rank_max[g0:g1] = high

    def _pack_lossless(self, score: np.ndarray, key: np.ndarray, place: np.ndarray,
                       bounds: tuple[float, float] | None = None) -> bool:
        """When every score is positive and they span at most 2**(12 − bits) binades, the
        exponent offset and all 52 mantissa bits fit above the place: no score is truncated,
        equal keys mean equal scores, no check is needed. False (nothing done) otherwise.
        ``bounds``: a lowest and highest possible score (else the block's minimum and
        maximum are computed); looser bounds only make the check fail more often.

        key = ((ceiling − bits) << b) | place, computed as (ceiling << b | place) − (bits << b)
        modulo 2⁶⁴ (the same number: it fits). The ceiling stays one below the top, so no
        real key has an all-ones score part and empty cells (all ones) sort after them."""
        spare = 64 - 52 - self.bits
        lo, hi = bounds if bounds is not None else (score.min(), score.max())
        if spare < 0 or not lo > 0 or not np.isfinite(hi):
            return False
        e_lo = int(np.float64(lo).view(np.uint64)) >> 52
        e_hi = int(np.float64(hi).view(np.uint64)) >> 52
        ceiling = (e_lo << 52) + (1 << (52 + spare)) - 2
        if e_hi - e_lo >= 1 << spare or int(np.float64(hi).view(np.uint64)) > ceiling:
            return False
        top = (np.uint64((ceiling << self.bits) & 0xFFFF_FFFF_FFFF_FFFF) | place)
        np.left_shift(score.view(np.uint64), np.uint64(self.bits), out=key)
        np.subtract(top, key, out=key)  # descending score, then ascending place
        return True

    def _pack(self, score: np.ndarray, key: np.ndarray, place: np.ndarray) -> None:
        """key = the score's order bits (descending), truncated, with the place in the low
        bits; :meth:`_exact_ties` repairs the rare merges of different scores."""
        bits = score.view(np.uint64)
        low = ~place if self.nonnegative else (self.mask ^ place)
        if self.nonnegative:  # finite, ≥ +0.0: ~bits descends; (b | mask) ^ ~place
            np.bitwise_or(bits, self.mask, out=key)
            key ^= low
        else:
            score += 0.0  # −0.0 → +0.0 (they compare equal)
            sign = bits >> np.uint64(63)
            flip = np.where(sign == 1, np.uint64(0), _HIGH_ZERO)  # ~(order-preserving bits)
            np.bitwise_xor(bits, flip, out=key)
            key |= self.mask
            key ^= low
            nan = np.isnan(score)
            if nan.any():  # after every number, by place
                key[nan] = (~self.mask | (self.mask ^ low))[np.nonzero(nan)[1]]

    def _exact_ties(self, cube: np.ndarray, score: np.ndarray, empty: np.ndarray,
                    steps: np.ndarray, near_buf: np.ndarray) -> None:
        """Re-rank the (draw, group) slices where two different scores got one key."""
        if cube.shape[2] < 2:
            return
        np.subtract(cube[..., 1:], cube[..., :-1], out=steps)  # sorted: ≥ 0; one key ⇒ < 2**bits
        np.less_equal(steps, self.mask, out=near_buf)
        near = np.flatnonzero(near_buf)
        if near.size == 0:
            return
        n_groups, width = cube.shape[1], cube.shape[2]
        slice_of, at = np.divmod(near, width - 1)
        flat = cube.reshape(-1, width)
        a, b = flat[slice_of, at], flat[slice_of, at + 1]
        shift = np.uint64(self.bits)
        same = ((a >> shift) == (b >> shift)) & (b != _ALL)
        if not same.any():
            return
        slice_of, a, b = slice_of[same], a[same], b[same]
        exact = score.reshape(-1, width)
        sa = exact[slice_of, (a & self.mask).astype(np.intp)]
        sb = exact[slice_of, (b & self.mask).astype(np.intp)]
        differ = ~((sa == sb) | (np.isnan(sa) & np.isnan(sb)))
        for s in np.unique(slice_of[differ]).tolist():
            keys = -exact[s]  # the stable argsort of −score: the definition of the ranks
            keys[np.isnan(keys)] = np.inf  # NaN scores after every number …
            keys[empty[s % n_groups]] = np.nan  # … and empty cells after them
            flat[s] = np.argsort(keys, kind="stable").astype(np.uint64)
