"""The linear algebra of the Markov chain, bounded in memory for models of any size.

Small systems (up to :data:`DENSE_MAX` unknowns, i.e. every model drawn by hand) are dense numpy
arrays, solved exactly as before, so their numbers stay bit for bit the same (and scipy is not
even imported). Larger ones — a generated 33,000-step chain, a whole Fachverfahren exported as
one model — are sparse matrices solved with sparse LU factorisations (scipy.sparse): memory
grows with the number of flows, not with its square, and no n × n matrix is ever allocated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from scipy import sparse

#: Up to this many unknowns a system is solved dense (n² floats: 1500 → 18 MB).
DENSE_MAX = 1500
_ONE = 1 - 1e-9

#: A matrix of this module: dense up to DENSE_MAX rows, else scipy CSR.
Matrix = Any


def matrix(n: int, entries: Iterable[tuple[int, int, float]]) -> Matrix:
    """An n × n matrix from (row, column, value) triples; repeated cells add up.

    Dense (ndarray) up to :data:`DENSE_MAX`, else a scipy CSR matrix."""
    rows, cols, vals = [], [], []
    for i, j, x in entries:
        rows.append(i)
        cols.append(j)
        vals.append(x)
    if n <= DENSE_MAX:
        dense = np.zeros((n, n))
        np.add.at(dense, (np.asarray(rows, dtype=np.intp), np.asarray(cols, dtype=np.intp)),
                  np.asarray(vals, dtype=float))
        return dense
    from scipy import sparse

    return sparse.coo_matrix((vals, (rows, cols)), shape=(n, n), dtype=float).tocsr()


def _dense(m: Matrix) -> np.ndarray:
    return m if isinstance(m, np.ndarray) else m.toarray()


def expected_visits(m: Matrix, entry: np.ndarray) -> np.ndarray | None:
    """Solve v = e + v·M (expected visits per start); None when the chain cannot end."""
    n = m.shape[0]
    if n <= DENSE_MAX:
        dense = _dense(m)
        if n and max(abs(np.linalg.eigvals(dense))) >= _ONE:
            return None
        try:
            v = np.linalg.solve(np.eye(n) - dense.T, entry)
        except np.linalg.LinAlgError:
            return None
    else:
        from scipy import sparse
        from scipy.sparse.linalg import splu

        if _spectral_radius(m) >= _ONE:
            return None
        try:
            v = splu((sparse.identity(n, format="csc") - m.T).tocsc()).solve(entry)
        except RuntimeError:  # exactly singular
            return None
    if not np.all(np.isfinite(v)) or (len(v) and v.min() < -1e-9):
        return None
    return v


def _spectral_radius(m: sparse.csr_matrix) -> float:
    """Largest |eigenvalue| of a non-negative matrix: the maximum over its strongly connected
    blocks (block-triangular form), each small in real models (a loop and its steps)."""
    from scipy.sparse import csgraph

    count, labels = csgraph.connected_components(m, directed=True, connection="strong")
    sizes = np.bincount(labels, minlength=count)
    radius = 0.0
    looped = set(np.flatnonzero(sizes > 1)) | {labels[i] for i in np.flatnonzero(m.diagonal())}
    for comp in sorted(looped):
        members = np.flatnonzero(labels == comp)
        if len(members) > DENSE_MAX:  # cannot check cheaply; the solution checks still apply
            continue
        block = m[members][:, members].toarray()
        radius = max(radius, float(max(abs(np.linalg.eigvals(block)))))
    return radius


def absorb(w: Matrix, na: int) -> tuple[Matrix, Matrix]:
    """Rows 0..na-1 are activities, the rest pass-through nodes (gateways, events, borders).

    Returns ``reach`` (na × na: how often activity *a* is followed by activity *b*, through any
    pass-through nodes) and ``through`` ((n − na) × na: the same from each pass-through node).
    Dense ndarrays up to :data:`DENSE_MAX` nodes, else CSR matrices. Raises ``ValueError`` when
    the pass-through part is singular (a loop of gateways without any way out).
    """
    n = w.shape[0]
    if n <= DENSE_MAX:
        d = _dense(w)
        through = np.linalg.lstsq(np.eye(n - na) - d[na:, na:], d[na:, :na], rcond=None)[0]
        return d[:na, :na] + d[:na, na:] @ through, through
    from scipy import sparse
    from scipy.sparse.linalg import splu

    inner = (sparse.identity(n - na, format="csc") - w[na:, na:]).tocsc()
    rhs = w[na:, :na].tocsc()
    targets = np.flatnonzero(np.diff(rhs.indptr))  # activities a pass-through node leads to
    try:
        solved = splu(inner).solve(rhs[:, targets].toarray()) if len(targets) else \
            np.zeros((n - na, 0))
    except RuntimeError:
        raise ValueError("singular") from None
    solved[np.abs(solved) < 1e-15] = 0.0
    through = sparse.csr_matrix((n - na, na))
    if len(targets):
        cols = sparse.csr_matrix(solved)
        through = sparse.csr_matrix((cols.data, targets[cols.indices], cols.indptr),
                                    shape=(n - na, na))
    reach = (w[:na, :na] + w[:na, na:] @ through).tocsr()
    return reach, through


def row(values: Matrix, i: int) -> np.ndarray:
    """Row ``i`` as a dense 1-D array."""
    if not isinstance(values, np.ndarray):
        return np.asarray(values.getrow(i).toarray()).ravel()
    return values[i]


def nonzero(values: Matrix) -> Iterator[tuple[int, int, float]]:
    """(row, column, value) of every non-zero entry, in row-major order."""
    if not isinstance(values, np.ndarray):
        coo = values.tocoo()
        for k in np.lexsort((coo.col, coo.row)):
            if coo.data[k] != 0:
                yield int(coo.row[k]), int(coo.col[k]), float(coo.data[k])
        return
    rows, cols = np.nonzero(values)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        yield i, j, float(values[i, j])
