"""Graph order helpers shared by layout, maps and step tables (pure Python, no networkx)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def back_edges(order: Sequence[str], succ: Mapping[str, Iterable[str]]) -> set[tuple[str, str]]:
    """Edges that close a cycle in a depth-first search (loops, rework).

    The search starts from the sources (nodes without predecessors) in ``order``, then from any
    node not reached yet, so the result is deterministic and follows the document order.
    """
    successors = {node: list(succ.get(node, ())) for node in order}
    has_pred = {t for targets in successors.values() for t in targets}
    roots = [n for n in order if n not in has_pred] + list(order)
    state: dict[str, int] = {}
    back: set[tuple[str, str]] = set()
    for root in roots:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, iter(successors.get(root, ())))]
        while stack:
            node, pending = stack[-1]
            target = next(pending, None)
            if target is None:
                state[node] = 2
                stack.pop()
            elif state.get(target) == 1:
                back.add((node, target))
            elif target not in state:
                state[target] = 1
                stack.append((target, iter(successors.get(target, ()))))
    return back
