"""Step table → BPMN: one pool, a lane per role, automatic layout (via ModelBuilder)."""

from __future__ import annotations

from ..bpmn.builder import ModelBuilder, safe_id
from ..bpmn.model import Definitions
from .load import Source
from .model import FLOW_PREFIX, StepRow, StepTable, node_id
from .parse import read_step_table

_EXT = {"minutes": "minutes", "wait_days": "waitDays", "medium": "medium", "system": "system",
        "phase": "phase", "automation": "automation", "activity_type": "activityType"}


def step_table_to_bpmn(table: StepTable | Source, *, name: str, pool: str,
                       process_id: str | None = None) -> Definitions:
    """Build the BPMN model of a step table (a :class:`StepTable`, path or DataFrame).

    Node ids are ``Schritt_<Nr>``, flow ids ``Fluss_<Nr>_<Nr>``; lanes follow the order in which
    roles first appear; a row without role goes into the lane of the row before it.
    """
    if not isinstance(table, StepTable):
        table = read_step_table(table)
    builder = ModelBuilder(name, pool=pool, process_id=process_id)
    roles = _roles(table.rows)
    for role in dict.fromkeys(r for r in roles if r):
        builder.lane(role)
    ids = {row.nr: node_id(row.nr) for row in table.rows}
    for row, role in zip(table.rows, roles, strict=True):
        _add_node(builder, row, ids[row.nr], role)
    used: set[str] = set()
    for row in table.rows:
        conditional = row.spec.tag in ("exclusiveGateway", "inclusiveGateway") or (
            row.spec.category != "gateway" and len(row.successors) > 1)
        for i, target in enumerate(row.successors):
            label = row.conditions[i] if i < len(row.conditions) else ""
            is_default = row.default == i
            builder.flow(
                ids[row.nr], ids[target], id=_flow_id(row.nr, target, used),
                name=label or None,
                condition=label if label and conditional and not is_default else None,
                probability=row.probabilities[i] if i < len(row.probabilities) else None,
                default=is_default,
            )
    defs = builder.build()
    for row in table.rows:
        if row.replaces:
            defs[ids[row.nr]].set_ext("replaces", " ".join(row.replaces))
        if row.spec.category != "task":  # the builder takes step attributes on tasks only
            element = defs[ids[row.nr]]
            for attr, key in _EXT.items():
                value = getattr(row, attr)
                if value is not None:
                    element.set_ext(key, value)
    return defs


def _roles(rows: list[StepRow]) -> list[str | None]:
    """Each row's lane: its role, else the previous row's (leading rows: the first role)."""
    first = next((r.role for r in rows if r.role), None)
    out: list[str | None] = []
    for row in rows:
        out.append(row.role or (out[-1] if out else first))
    return out


def _add_node(builder: ModelBuilder, row: StepRow, node: str, lane: str | None) -> None:
    spec = row.spec
    if spec.category == "task":
        builder.task(row.step, lane=lane, kind=spec.tag, id=node, minutes=row.minutes,
                     wait_days=row.wait_days, medium=row.medium, system=row.system,
                     phase=row.phase, automation=row.automation,
                     activity_type=row.activity_type)
    elif spec.category == "gateway":
        builder.gateway(row.step, spec.tag.removesuffix("Gateway"), lane=lane, id=node)
    else:
        position = {"start": "start", "end": "end"}.get(spec.category, "intermediateCatch")
        builder.event(row.step, position, definition=spec.definition, lane=lane, id=node)


def _flow_id(source: str, target: str, used: set[str]) -> str:
    base = safe_id(f"{FLOW_PREFIX}{source}_{target}", "Fluss")
    candidate, n = base, 1
    while candidate in used:
        n += 1
        candidate = f"{base}_{n}"
    used.add(candidate)
    return candidate
