"""A process model compiled for the simulation: steps, routing, roles, handling times.

The branch weights come from :func:`workbench.markov.build_chain` — the same rules (XOR
probabilities, even split when missing, OR branches, boundary events, loops) as the expected
minutes of :mod:`workbench.metrics` — so a simulated case walks the model the way the Markov
chain counts it. What a step costs in staff time and who does it is decided here:

* the administration's pool is simulated; whose effort a step is follows
  :func:`workbench.analysis.roles.activity_role` (customer lanes, external bodies);
* a step needs a role (a queue) when it is the administration's, has handling time and is not
  automatic; the role is the name of its innermost lane (a role of the same name in several
  Leistungen is one pool of staff);
* the handling time is triangular around ``wb:minutes`` (the mean) between ``wb:minutesMin`` and
  ``wb:minutesMax``, by default ±25 %; an administration step without minutes takes the
  Standardwert the metrics use (:mod:`workbench.analysis.standard_times`);
* ``wb:waitDays`` (on activities after the work, on events) passes in calendar days.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..analysis.roles import ADMINISTRATION, activity_role, units_of
from ..analysis.standard_times import standard_for
from ..bpmn import Activity, Definitions, Event, FlowNode, Gateway, Process, SubProcess
from ..labour_costs import LabourCostTable, laufbahn_of
from ..markov import Chain, MetricsError, Warnings, build_chain, describe, has_content

#: Default spread of handling times when a step has no minutesMin/minutesMax: ±25 % of the mean.
DEFAULT_SPREAD = 0.25
#: Task types that run without a person (as in workbench.metrics).
AUTOMATIC_TASKS = frozenset({"serviceTask", "scriptTask", "businessRuleTask"})
# routing kinds: no next step, one, one chosen by weight, each by its own chance, all (each
# with chance 1: a parallel split)
END, ONE, CHOOSE, EACH, ALL = 0, 1, 2, 3, 4


@dataclass(slots=True)
class Step:
    """One flow node of a compiled container."""

    id: str
    label: str
    role: str | None = None  # staff pool that does the work (None: no queue)
    mean: float = 0.0  # handling minutes (mean)
    low: float = 0.0
    mode: float = 0.0
    high: float = 0.0
    c: float = 0.5  # (mode − low) / (high − low): where the triangle peaks, for the draw
    c1: float = 0.5  # 1 − c
    span: float = 0.0  # high − low
    rate: float = 0.0  # € per working minute (Lohnkosten of the Laufbahn)
    admin: bool = False  # the administration's effort (counts as handling time and cost)
    wait: float = 0.0  # calendar minutes after the node (wb:waitDays)
    join: int = 0  # 0 none, n ≥ 2 parallel join waiting for n tokens, -1 inclusive join
    route: int = END
    targets: tuple[int, ...] = ()
    weights: tuple[float, ...] = ()  # CHOOSE: cumulative; EACH, ALL: probability per target
    fallback: int = -1  # EACH: target taken when no branch fired (OR default), -1 none
    inner: Container | None = None  # expanded sub-process
    sub_split: bool = False  # an inclusive split (its token count feeds the OR join)
    # a join, handling, a sub-process or a Liegezeit: more than routing (set when compiled)
    acts: bool = True


@dataclass(slots=True)
class Container:
    """A process or sub-process: its steps and where a run starts."""

    id: str
    steps: list[Step]
    starts: tuple[int, ...]  # every start gets a token (several = parallel)
    start_weights: tuple[float, ...] = ()  # alternative starts (cumulative), when set
    # no step forks or joins tokens: a run with one start is one token from start to end
    linear: bool = field(init=False, default=False)

    def __post_init__(self) -> None:
        self.linear = not any(s.route in (EACH, ALL) or s.join for s in self.steps)


@dataclass(slots=True)
class CompiledModel:
    """The compiled main process of one model, plus expected staff minutes per role."""

    name: str
    root: Container
    roles: dict[str, float]  # role → expected handling minutes per case (Markov visits)
    expected_minutes: float  # expected handling minutes per case, all steps
    warnings: list[str] = field(default_factory=list)


class SimulationModelError(ValueError):
    """The model cannot be simulated (German message)."""


def compile_model(defs: Definitions, costs: LabourCostTable, *, label: str,
                  visits: dict[str, float]) -> CompiledModel:
    """Compile the main process of ``defs``; ``visits`` are the expected visits per node from
    :func:`workbench.metrics.compute` (used for the expected minutes per role)."""
    warnings = Warnings()
    notes: list[str] = []
    admin = [u for u in units_of(defs, notes) if u.role == ADMINISTRATION and u.has_content]
    if admin:
        process, role = admin[0].process, ADMINISTRATION
    else:
        try:
            process, role = defs.main_process(), ADMINISTRATION
        except ValueError as err:
            raise SimulationModelError(f"{label}: {err}") from None
    try:
        root = _container(process, costs, warnings, None, role)
    except MetricsError as err:
        raise SimulationModelError(f"{label}: {err}") from None
    roles: dict[str, float] = {}
    total = 0.0
    for step in _walk(root):
        v = visits.get(step.id, 0.0)
        total += v * step.mean if step.admin else 0.0
        if step.role is not None:
            roles[step.role] = roles.get(step.role, 0.0) + v * step.mean
    return CompiledModel(process.name or label, root, roles, total, list(warnings))


def _walk(container: Container):
    for step in container.steps:
        yield step
        if step.inner is not None:
            yield from _walk(step.inner)


def _container(container: Process | SubProcess, costs: LabourCostTable, warnings: Warnings,
               host_lane: str | None, unit_role: str) -> Container:
    chain: Chain = build_chain(container, warnings)
    chain.solve(warnings)  # raises MetricsError for a chain that cannot end
    index = {n.id: i for i, n in enumerate(chain.nodes)}
    steps = [_step(n, costs, warnings, host_lane, unit_role) for n in chain.nodes]
    for node, step in zip(chain.nodes, steps, strict=True):
        _route(node, step, chain, index)
        step.join = _join(node, chain)
        if isinstance(node, SubProcess) and has_content(node):
            lane = node.lane.name.strip() if node.lane is not None and node.lane.name else host_lane
            step.inner = _container(node, costs, warnings, lane, unit_role)
    entry = [(index[nid], w) for nid, w in chain.entry.items() if nid in index and w > 0]
    through = _through(steps)
    for step in steps:
        step.targets = tuple(through[t] for t in step.targets)
        if step.fallback >= 0:
            step.fallback = through[step.fallback]
        if step.route == EACH and not step.sub_split and all(w >= 1.0 for w in step.weights):
            step.route = ALL  # every branch, nothing drawn
        step.acts = bool(step.join or step.mean > 0 or step.inner is not None or step.wait > 0)
    starts = tuple(through[i] for i, _ in entry)
    if len(entry) > 1 and all(abs(w - 1.0 / len(entry)) < 1e-9 for _, w in entry):
        cum, acc = [], 0.0
        for _, w in entry:
            acc += w
            cum.append(acc)
        return Container(container.id, steps, starts, tuple(cum))
    return Container(container.id, steps, starts)


def _passes_through(step: Step) -> bool:
    """A step a token only passes: no join, no handling, no Liegezeit, no sub-process, one
    next step (a start event, an intermediate event without wait, a gateway with one way)."""
    return (step.route == ONE and not step.join and step.mean <= 0 and step.wait <= 0
            and step.inner is None)


def _through(steps: list[Step]) -> list[int]:
    """Per step index: the first step from there on a token does not only pass. A token
    entering a step that :func:`_passes_through` draws nothing, waits nothing and takes the
    one next step, so routing it there directly walks the same way with the same draws (a
    quarter of all steps the example's cases take). A cycle of such steps (never an ending
    model) is left as it is."""
    out = []
    for start in range(len(steps)):
        at, seen = start, {start}
        while _passes_through(steps[at]):
            nxt = steps[at].targets[0]
            if nxt in seen:
                at = start
                break
            seen.add(nxt)
            at = nxt
        out.append(at)
    return out


def _staff_role(node: FlowNode, host_lane: str | None) -> str:
    lane = node.lane
    if lane is not None and lane.name.strip():
        return " ".join(lane.name.split())
    if host_lane:
        return host_lane
    return f"ohne Rolle ({node.process.name or node.process.id})"


def _step(node: FlowNode, costs: LabourCostTable, warnings: Warnings,
          host_lane: str | None, unit_role: str) -> Step:
    step = Step(node.id, describe(node))
    wait = node.wait_days
    step.wait = float(wait) * 1440.0 if wait else 0.0
    if not isinstance(node, Activity) or (isinstance(node, SubProcess) and has_content(node)):
        return step
    whose, _ = activity_role(node, unit_role)
    automatic = node.medium == "automatisch" or node.local_name in AUTOMATIC_TASKS
    step.admin = whose == ADMINISTRATION
    if node.minutes is not None:
        mean = float(node.minutes)
    elif step.admin:  # the Standardwert the metrics use for a step without minutes
        mean = float(standard_for(str(node.activity_type or "") or None,
                                  automatic=automatic).minutes)
    else:
        mean = 0.0
    if mean <= 0:
        return step
    low, high = node.get_ext("minutesMin"), node.get_ext("minutesMax")
    lo = float(low) if low is not None else mean * (1 - DEFAULT_SPREAD)
    hi = float(high) if high is not None else mean * (1 + DEFAULT_SPREAD)
    if not lo <= mean <= hi:
        warnings.add(f"{describe(node)}: Mindest- und Höchstzeit ({lo:g}–{hi:g} Min.) schließen "
                     f"den Mittelwert {mean:g} Min. nicht ein; simuliert wird mit ±25 %.")
        lo, hi = mean * (1 - DEFAULT_SPREAD), mean * (1 + DEFAULT_SPREAD)
    mode = 3 * mean - lo - hi  # keeps the mean of the triangle at wb:minutes
    if mode < lo or mode > hi:
        mode = min(max(mode, lo), hi)
        warnings.add(f"{describe(node)}: zu Mindest- {lo:g} und Höchstzeit {hi:g} Min. passt kein "
                     f"Dreieck mit Mittelwert {mean:g} Min.; der Mittelwert der Simulation weicht "
                     f"ab ({(lo + mode + hi) / 3:.1f} Min.).".replace(".", ",", 1))
    step.mean, step.low, step.mode, step.high = mean, lo, mode, hi
    if hi > lo:
        step.c = (mode - lo) / (hi - lo)
        step.c1, step.span = 1.0 - step.c, hi - lo
    step.rate = costs.rate(laufbahn_of(node)) / 60.0 if step.admin else 0.0
    if step.admin and not automatic:
        step.role = _staff_role(node, host_lane)
    return step


def _route(node: FlowNode, step: Step, chain: Chain, index: dict[str, int]) -> None:
    edges = [(index[t], w) for t, w in chain.edges.get(node.id, []) if t in index and w > 0]
    if not edges:
        return
    if len(edges) == 1 and edges[0][1] >= 1 - 1e-12:
        step.route, step.targets, step.weights = ONE, (edges[0][0],), (1.0,)
        return
    if isinstance(node, Gateway) and node.gateway_type in ("exclusive", "eventBased"):
        _choose(step, edges)
        return
    if isinstance(node, Gateway) and node.gateway_type == "parallel":
        step.route, step.targets, step.weights = EACH, tuple(t for t, _ in edges), \
            tuple(1.0 for _ in edges)
        return
    if isinstance(node, Gateway):  # inclusive / complex: independent branches, default if none
        default = _default_target(node, index)
        rest = [(t, w) for t, w in edges if t != default]
        step.route, step.sub_split = EACH, True
        step.targets, step.weights = tuple(t for t, _ in rest), tuple(min(1.0, w) for _, w in rest)
        step.fallback = default if default is not None else max(edges, key=lambda e: e[1])[0]
        return
    # an activity or event: normal flows (maybe parallel) and boundary events
    hosts = {i for i, n in enumerate(chain.nodes) if isinstance(n, Event)
             and n.local_name == "boundaryEvent" and n.attached_to == node.id}
    interrupting = [(t, w) for t, w in edges if t in hosts and chain.nodes[t].cancel_activity]
    normal = [(t, w) for t, w in edges if t not in hosts]
    others = [(t, w) for t, w in edges if t in hosts and not chain.nodes[t].cancel_activity]
    if len(normal) <= 1 and not others:
        _choose(step, normal + interrupting)
        return
    step.route = EACH  # parallel flows without gateway and non-interrupting boundary events
    step.targets = tuple(t for t, _ in normal + interrupting + others)
    step.weights = tuple(min(1.0, w) for _, w in normal + interrupting + others)


def _choose(step: Step, edges: list[tuple[int, float]]) -> None:
    total = sum(w for _, w in edges) or 1.0
    cum, acc = [], 0.0
    for _, w in edges:
        acc += w / total
        cum.append(acc)
    cum[-1] = 1.0
    step.route, step.targets, step.weights = CHOOSE, tuple(t for t, _ in edges), tuple(cum)


def _default_target(node: Gateway, index: dict[str, int]) -> int | None:
    default = node.default_flow_id
    for flow in node.outgoing:
        if flow.id == default and flow.target_id in index:
            return index[flow.target_id]
    return None


def _join(node: FlowNode, chain: Chain) -> int:
    if not isinstance(node, Gateway):
        return 0
    n_in = sum(1 for f in node.incoming if f.source_id in chain.edges)
    if n_in < 2:
        return 0
    if node.gateway_type == "parallel":
        return n_in
    if node.gateway_type in ("inclusive", "complex"):
        return -1
    return 0
