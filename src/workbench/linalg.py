"""The linear algebra of the Markov chain, bounded in memory for models of any size.

Small systems (up to :data:`DENSE_MAX` unknowns, i.e. every model drawn by hand) are solved dense,
exactly as before, so their numbers stay bit for bit the same. Larger ones — a generated
33,000-step chain, a whole Fachverfahren exported as one model — are solved with sparse LU
factorisations (scipy.sparse): memory grows with the number of flows, not with its square, and
no n × n matrix is ever allocated.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import numpy as np
from scipy import sparse
from scipy.sparse import csgraph
from scipy.sparse.linalg import splu

#: Up to this many unknowns a system is solved dense (n² floats: 1500 → 18 MB).
DENSE_MAX = 1500
_ONE = 1 - 1e-9


def matrix(n: int, entries: Iterable[tuple[int, int, float]]) -> sparse.csr_matrix:
    """An n × n sparse matrix from (row, column, value) triples; repeated cells add up."""
    rows, cols, vals = [], [], []
    for i, j, x in entries:
        rows.append(i)
        cols.append(j)
        vals.append(x)
    return sparse.coo_matrix((vals, (rows, cols)), shape=(n, n), dtype=float).tocsr()


def expected_visits(m: sparse.csr_matrix, entry: np.ndarray) -> np.ndarray | None:
    """Solve v = e + v·M (expected visits per start); None when the chain cannot end."""
    n = m.shape[0]
    if n <= DENSE_MAX:
        dense = m.toarray()
        if n and max(abs(np.linalg.eigvals(dense))) >= _ONE:
            return None
        try:
            v = np.linalg.solve(np.eye(n) - dense.T, entry)
        except np.linalg.LinAlgError:
            return None
    else:
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


def absorb(w: sparse.csr_matrix, na: int) -> tuple[np.ndarray | sparse.csr_matrix,
                                                     np.ndarray | sparse.csr_matrix]:
    """Rows 0..na-1 are activities, the rest pass-through nodes (gateways, events, borders).

    Returns ``reach`` (na × na: how often activity *a* is followed by activity *b*, through any
    pass-through nodes) and ``through`` ((n − na) × na: the same from each pass-through node).
    Dense ndarrays up to :data:`DENSE_MAX` nodes, else CSR matrices. Raises ``ValueError`` when
    the pass-through part is singular (a loop of gateways without any way out).
    """
    n = w.shape[0]
    if n <= DENSE_MAX:
        d = w.toarray()
        through = np.linalg.lstsq(np.eye(n - na) - d[na:, na:], d[na:, :na], rcond=None)[0]
        return d[:na, :na] + d[:na, na:] @ through, through
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


def row(values: np.ndarray | sparse.csr_matrix, i: int) -> np.ndarray:
    """Row ``i`` as a dense 1-D array."""
    if sparse.issparse(values):
        return np.asarray(values.getrow(i).toarray()).ravel()
    return values[i]


def nonzero(values: np.ndarray | sparse.csr_matrix) -> Iterator[tuple[int, int, float]]:
    """(row, column, value) of every non-zero entry, in row-major order."""
    if sparse.issparse(values):
        coo = values.tocoo()
        for k in np.lexsort((coo.col, coo.row)):
            if coo.data[k] != 0:
                yield int(coo.row[k]), int(coo.col[k]), float(coo.data[k])
        return
    rows, cols = np.nonzero(values)
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        yield i, j, float(values[i, j])
