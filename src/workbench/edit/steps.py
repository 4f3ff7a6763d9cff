"""A step table applied to an existing model as patches (``import schritte --aktualisieren``).

The table is compared with the table of the current model (same export, same parser), row by
row through the Nr: the Nr of an exported table names the same element as long as the model
is unchanged. Only differences become patches: names, the workbench attributes, element types,
roles (lanes), successors (flows), inserted and removed steps. Whatever the table does not show
stays as it is. An edit that would lose content raises :class:`EditRefused`; the model passed
in is never changed (the patches work on a copy).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

from ..bpmn import namespaces as ns
from ..bpmn import vocabulary as voc
from ..bpmn.model import Definitions
from ..steptable import StepRow, StepTable, read_step_table, step_table_from_bpmn
from ..steptable.model import DEFAULT_MARK, ELEMENTS, NODE_PREFIX, node_id
from ..text import ascii_fold
from .errors import EditRefused
from .ops import Patch
from .splice import EditableModel

_B = "{" + ns.BPMN + "}"
#: StepRow field → workbench attribute.
EXT_FIELDS = (("minutes", "minutes"), ("wait_days", "waitDays"), ("medium", "medium"),
              ("system", "system"), ("phase", "phase"), ("automation", "automation"),
              ("activity_type", "activityType"))


@dataclass
class StepPatchResult:
    """The patched model (a new tree) and a German line per change."""

    model: Definitions
    changes: list[str] = field(default_factory=list)
    #: The patched model as bytes: the original file with the changes written in (see
    #: :mod:`.splice`), everything else byte-for-byte.
    xml: bytes = b""

    @property
    def changed(self) -> bool:
        return bool(self.changes)


@dataclass(frozen=True)
class _Flow:
    target: str
    label: str
    probability: float | None
    default: bool


def apply_step_table(model: Definitions, table: StepTable, *,
                     original: bytes | None = None) -> StepPatchResult:
    """Apply the edited ``table`` to ``model`` as patches (see module docstring).

    ``original``: the bytes ``model`` was read from (the model file); the result's ``xml`` is
    then those bytes with only the changes written in. Without it, the model's serialisation.
    """
    exported = step_table_from_bpmn(model)
    base = read_step_table(exported.to_dataframe())  # the same way the edited table came in
    document = EditableModel(original if original is not None else model.to_bytes(),
                             name=model.source)
    applier = _Applier(document.defs, base, table, exported.origin)
    applier.run()
    changes = applier.patch.changes
    data = document.to_bytes() if changes else document.data
    return StepPatchResult(document.defs, changes, data)


def _flows(row: StepRow) -> list[_Flow]:
    out = []
    for i, target in enumerate(row.successors):
        label = row.conditions[i] if i < len(row.conditions) else ""
        default = row.default == i
        if default and label == DEFAULT_MARK:
            label = ""
        probability = row.probabilities[i] if i < len(row.probabilities) else None
        out.append(_Flow(target, label, probability, default))
    return out


class _Applier:
    def __init__(self, defs: Definitions, base: StepTable, edited: StepTable,
                 origin: dict[str, str]) -> None:
        self.defs, self.base, self.edited = defs, base, edited
        self.ids = dict(origin)  # Nr → element id (grows with inserted rows)
        self.patch = Patch(defs)
        self.base_rows = {r.nr: r for r in base.rows}
        self.rows = {r.nr: r for r in edited.rows}
        self.where = edited.source or "Tabelle"

    def run(self) -> None:
        kept = [r for r in self.edited.rows if r.nr in self.base_rows]
        inserted = [r for r in self.edited.rows if r.nr not in self.base_rows]
        removed = [r for r in self.base.rows if r.nr not in self.rows]
        self._check_identity(kept)
        lanes = self._lanes()
        for row in kept:
            self._update(row, self.base_rows[row.nr], lanes)
        for row in inserted:
            self._insert(row, lanes)
        self._rewire()
        for row in removed:
            self.patch.remove_node(self.ids[row.nr])
        self._reorder()

    # ------------------------------------------------------------------ rows
    def _check_identity(self, kept: list[StepRow]) -> None:
        doubtful = [r.nr for r in kept if r.step != self.base_rows[r.nr].step
                    and r.element != self.base_rows[r.nr].element and r.step]
        if doubtful:
            raise EditRefused(
                [f"Zeile Nr {nr}: Name und Element weichen beide vom Modell ab" for nr in doubtful],
                source=self.where,
                hint="Die Nr ordnet eine Zeile dem Schritt des Modells zu; stammt die Tabelle aus "
                     "einem älteren Stand? Bitte mit `workbench export schritte` neu ausgeben und "
                     "die Änderungen dort eintragen (ein neuer Schritt bekommt eine neue Nr).")

    def _update(self, row: StepRow, base: StepRow, lanes: dict[str, str]) -> None:
        element_id = self.ids[row.nr]
        if row.element != base.element:
            spec = ELEMENTS[row.element]
            is_event = spec.category in ("start", "end", "event")
            self.patch.change_type(element_id, spec.tag,
                                   definition=spec.definition if is_event else False)
        if row.step != base.step:
            self.patch.set_name(element_id, row.step)
        for attr, key in EXT_FIELDS:
            if getattr(row, attr) != getattr(base, attr):
                self.patch.set_ext(element_id, key, getattr(row, attr))
        if row.replaces != base.replaces:
            self.patch.set_ext(element_id, "replaces", " ".join(row.replaces) or None)
        if row.role != base.role and row.role:
            self._move(element_id, row.role, lanes)

    def _lanes(self) -> dict[str, str]:
        """Folded lane name (and id) → lane id, innermost lanes last so they win."""
        out: dict[str, str] = {}
        for lane in self.defs.root.iter(_B + "lane"):
            for key in (lane.get("name") or "", lane.get("id") or ""):
                if key.strip():
                    out[ascii_fold(" ".join(key.split()))] = lane.get("id")
        return out

    def _process_of(self, element_id: str) -> etree._Element:
        el = self.patch.element(element_id)
        while el.tag != _B + "process":
            el = el.getparent()
        return el

    def _lane_for(self, role: str, process: etree._Element, lanes: dict[str, str]) -> str | None:
        lane_id = lanes.get(ascii_fold(" ".join(role.split())))
        if lane_id is not None:
            lane = self.patch.element(lane_id)
            if lane in process.iter(_B + "lane"):
                return lane_id
        return None

    def _move(self, element_id: str, role: str, lanes: dict[str, str]) -> None:
        process = self._process_of(element_id)
        lane_id = self._lane_for(role, process, lanes)
        if lane_id is None:
            if self._pool_named(role) not in (None, process):
                raise EditRefused([f"{self.patch.who(element_id)} in einen anderen Pool „{role}“"],
                                  source=self.where, hint="Schritte wechseln den Pool nur im "
                                  "Modellierer (Sequenzflüsse enden an der Poolgrenze).")
            if self._pool_named(role) is process:
                return
            lane_id = self.patch.add_lane(process.get("id") or "", role)
            lanes[ascii_fold(role)] = lane_id
        self.patch.move_to_lane(element_id, lane_id)

    def _pool_named(self, role: str) -> etree._Element | None:
        folded = ascii_fold(" ".join(role.split()))
        for participant in self.defs.root.iter(_B + "participant"):
            if ascii_fold(participant.get("name") or "") == folded:
                return self.defs.element_by_id(participant.get("processRef") or "")
        for process in self.defs.root.iter(_B + "process"):
            if ascii_fold(process.get("name") or "") == folded:
                return process
        return None

    def _insert(self, row: StepRow, lanes: dict[str, str]) -> None:
        order = [r.nr for r in self.edited.rows]
        index = order.index(row.nr)
        before = [r.nr for r in self.edited.rows if row.nr in r.successors]
        known_before = [self.ids[n] for n in before if n in self.ids]
        previous = next((self.ids[n] for n in reversed(order[:index]) if n in self.ids), None)
        following = [self.ids[n] for n in row.successors if n in self.ids]
        anchor = (known_before or ([previous] if previous else []) or following or [None])[0]
        role = row.role or next((r.role for r in reversed(self.edited.rows[:index]) if r.role),
                                None)
        process = self._process_of(anchor) if anchor else self._main_process()
        if role and self._pool_named(role) is not None and \
                self._lane_for(role, process, lanes) is None:
            process = self._pool_named(role)
        lane_id = self._lane_for(role, process, lanes) if role else None
        if role and lane_id is None and self._pool_named(role) is not process and \
                any(True for _ in process.iter(_B + "lane")):
            lane_id = self.patch.add_lane(process.get("id") or "", role)
            lanes[ascii_fold(role)] = lane_id
        spec = ELEMENTS[row.element]
        new_id = self.patch.insert_node(
            spec.tag, node_id=node_id(row.nr), name=row.step or None,
            container_id=process.get("id") or "",
            after_id=previous if previous and self._process_of(previous) is process else None,
            lane_id=lane_id, definition=spec.definition,
            before=known_before or ([previous] if previous else []), following=following)
        self.ids[row.nr] = new_id
        for attr, key in EXT_FIELDS:
            if getattr(row, attr) is not None:
                self.patch.set_ext(new_id, key, getattr(row, attr))
        if row.replaces:
            self.patch.set_ext(new_id, "replaces", " ".join(row.replaces))

    def _main_process(self) -> etree._Element:
        return self.defs.main_process().element

    # ------------------------------------------------------------------ flows
    def _actual(self, source: str, target: str) -> list[etree._Element]:
        return [f for f in self.defs.root.iter(_B + "sequenceFlow")
                if f.get("sourceRef") == source and f.get("targetRef") == target]

    def _is_boundary_of(self, host_nr: str, target_nr: str) -> bool:
        target = self.defs.element_by_id(self.ids.get(target_nr, ""))
        return target is not None and target.tag == _B + "boundaryEvent" and \
            target.get("attachedToRef") == self.ids.get(host_nr)

    def _rewire(self) -> None:
        removed: list[tuple[str, etree._Element]] = []  # (source Nr, flow)
        added: list[tuple[str, _Flow]] = []
        used: set[etree._Element] = set()
        sources = list(dict.fromkeys([r.nr for r in self.edited.rows]
                                     + [r.nr for r in self.base.rows]))
        for nr in sources:
            old = _flows(self.base_rows[nr]) if nr in self.base_rows else []
            new = _flows(self.rows[nr]) if nr in self.rows else []
            unmatched_new = list(new)
            for flow in old:
                match = next((f for f in unmatched_new if f.target == flow.target), None)
                element = self._element_of(nr, flow, used)
                if match is None:
                    if element is None:
                        if nr in self.rows and flow.target in self.rows:
                            raise EditRefused([f"Randereignis Nr {flow.target} an Nr {nr}"],
                                              source=self.where, hint="Ein Randereignis hängt "
                                              "am Schritt; bitte im Modellierer lösen.")
                        continue
                    removed.append((nr, element))
                    continue
                unmatched_new.remove(match)
                if element is not None and match != flow:
                    self._update_flow(element, flow, match)
            added.extend((nr, f) for f in unmatched_new)
        for nr, flow in added:
            if self._is_boundary_of(nr, flow.target) or self._target_is_boundary(flow.target):
                raise EditRefused([f"Sequenzfluss in das Randereignis Nr {flow.target}"],
                                  source=self.where, hint="Ein Randereignis hat keinen "
                                  "eingehenden Fluss; bitte Weiter korrigieren.")
            reuse = self._reusable(nr, flow, removed)
            if reuse is not None:
                removed = [(s, f) for s, f in removed if f is not reuse]
                self.patch.reconnect(reuse.get("id") or "", source_id=self.ids[nr],
                                     target_id=self.ids[flow.target])
                self._update_flow(reuse, _Flow(flow.target, _label_of(reuse), None, False), flow)
                continue
            self._connect(nr, flow)
        for _, element in removed:
            if element.getroottree().getroot() is self.defs.root:
                self.patch.disconnect(element.get("id") or "")

    def _target_is_boundary(self, nr: str) -> bool:
        el = self.defs.element_by_id(self.ids.get(nr, ""))
        return el is not None and el.tag == _B + "boundaryEvent"

    def _element_of(self, nr: str, flow: _Flow, used: set[etree._Element]
                    ) -> etree._Element | None:
        for element in self._actual(self.ids.get(nr, ""), self.ids.get(flow.target, "")):
            if element not in used:
                used.add(element)
                return element
        return None

    def _reusable(self, nr: str, flow: _Flow, removed: list[tuple[str, etree._Element]]
                  ) -> etree._Element | None:
        """A flow about to be removed that can carry the new connection (keeps its content).

        The same source first: condition, probability and default marker belong to the
        outgoing side. Then the same target.
        """
        source, target = self.ids[nr], self.ids[flow.target]
        for _, element in removed:
            if element.get("sourceRef") == source:
                return element
        for _, element in removed:
            if element.get("targetRef") == target:
                return element
        return None

    def _update_flow(self, element: etree._Element, old: _Flow, new: _Flow) -> None:
        flow_id = element.get("id") or ""
        if new.label != old.label:
            self.patch.set_flow_label(flow_id, new.label)
        if new.probability != old.probability:
            self.patch.set_ext(flow_id, "probability", new.probability)
        if new.default != old.default:
            source = element.get("sourceRef") or ""
            if new.default:
                self.patch.set_default(source, flow_id)
            elif self.patch.element(source).get("default") == flow_id:
                self.patch.set_default(source, None)

    def _connect(self, nr: str, flow: _Flow) -> None:
        row = self.rows[nr]
        conditional = row.spec.tag in ("exclusiveGateway", "inclusiveGateway") or (
            row.spec.category != "gateway" and len(row.successors) > 1)
        self.patch.connect(
            self.ids[nr], self.ids[flow.target], flow_id=f"Fluss_{nr}_{flow.target}",
            name=flow.label or None,
            condition=flow.label if flow.label and conditional and not flow.default else None,
            probability=flow.probability, default=flow.default)

    # ------------------------------------------------------------------ order
    def _reorder(self) -> None:
        """Models made from a table are read in document order: follow the table's order."""
        for process in self.defs.root.iter(_B + "process"):
            nodes = [c.get("id") for c in process if isinstance(c.tag, str)
                     and ns.local_name(c.tag) in voc.FLOW_NODES]
            if not nodes or not all((n or "").startswith(NODE_PREFIX) for n in nodes):
                continue
            wanted = [self.ids[r.nr] for r in self.edited.rows if self.ids.get(r.nr) in nodes]
            if sorted(wanted) == sorted(nodes):
                self.patch.reorder(process.get("id") or "", wanted)


def _label_of(element: etree._Element) -> str:
    name = " ".join((element.get("name") or "").split())
    condition = element.find(_B + "conditionExpression")
    text = " ".join("".join(condition.itertext()).split()) if condition is not None else ""
    return name or text
