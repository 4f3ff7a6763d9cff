"""Which element of model A is which element of model B.

Order (first match wins; an element is matched once):

1. **same id** – unless the id is only a step table's row number (``Schritt_<Nr>``): such ids
   count only when the names are similar too (a row number is not an identity);
2. **explicit link** – ``wb:replaces`` on the B element lists the ids of the A elements it
   replaces (one B element may replace several);
3. **name similarity within the same lane** (same element category);
4. **the same name in another lane** (then the element moved lanes).

Never by position or row number.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from functools import lru_cache

from ..bpmn import extensions as ext
from ..bpmn import vocabulary as voc
from ..bpmn.model import Definitions, FlowNode
from ..text import ascii_fold

#: Ids a step table gives its rows: a row number, not an identity.
POSITIONAL_ID = re.compile(r"^Schritt_[0-9A-Za-z_.-]+$")
#: Words that carry no meaning for matching step names.
STOPWORDS = frozenset({
    "der", "die", "das", "den", "dem", "des", "ein", "eine", "einen", "einem", "einer", "und",
    "oder", "bzw", "per", "mit", "im", "in", "ins", "an", "am", "zu", "zum", "zur", "vom", "von",
    "fuer", "auf", "aus", "bei", "nach", "ueber", "als",
})
THRESHOLD = 0.6


def category(node: FlowNode) -> str:
    """activity | event | gateway: only elements of one category are matched by name."""
    local = node.local_name
    if local in voc.ACTIVITIES:
        return "activity"
    if local in voc.GATEWAYS:
        return "gateway"
    return "event"


@lru_cache(maxsize=4096)
def _words(name: str) -> tuple[str, ...]:
    return tuple(w for w in re.findall(r"[a-z0-9]+", ascii_fold(name)) if w not in STOPWORDS)


def _same_word(a: str, b: str) -> bool:
    """Equal, or one inflects the other ('gebuehr'/'gebuehren', 'nachweis'/'nachweise')."""
    if a == b:
        return True
    short, long = sorted((a, b), key=len)
    return len(short) >= 5 and long.startswith(short) and len(long) - len(short) <= 3


#: The text similarity counts from this ratio on (below it, only shared words count).
NEAR_EQUAL = 0.85


def similarity(a: str, b: str) -> float:
    """Similarity of two step names in [0, 1]: shared meaningful words (Dice), or near-equal text.

    'Antrag prüfen' / 'Antrag automatisch prüfen' → 0.8; 'Bescheid drucken' / 'Bescheid
    versenden' → 0.5; a typo ('Gebuehr pruefen' / 'Gebühr prüfen') → 1.0.
    """
    wa, wb = _words(a), _words(b)
    if not wa or not wb:
        return 1.0 if ascii_fold(a) == ascii_fold(b) else 0.0
    free = list(wb)
    common = 0
    for word in wa:
        same = next((w for w in free if _same_word(word, w)), None)
        if same is not None:
            free.remove(same)
            common += 1
    dice = 2 * common / (len(wa) + len(wb))
    texts = difflib.SequenceMatcher(None, " ".join(wa), " ".join(wb))
    # quick_ratio is an upper bound of ratio: below NEAR_EQUAL, ratio would not count either
    if texts.real_quick_ratio() < NEAR_EQUAL or texts.quick_ratio() < NEAR_EQUAL:
        return dice
    ratio = texts.ratio()
    return max(dice, ratio if ratio >= NEAR_EQUAL else 0.0)


def lane_name(node: FlowNode) -> str:
    lane = node.lane
    if lane is not None:
        return " ".join(ascii_fold(lane.name or lane.id).split())
    process = node.process
    part = process.participant if process is not None else None
    return " ".join(ascii_fold((part.name if part else "") or process.name or "").split())


def replaces(node: FlowNode) -> list[str]:
    """The A ids a B element names in ``wb:replaces`` (space- or comma-separated)."""
    raw = node.element.get(ext.qname("replaces")) or ""
    return [part for part in re.split(r"[\s,;|]+", raw) if part]


@dataclass
class Matching:
    """Pairs A id → B id, and how each pair was found."""

    pairs: dict[str, str] = field(default_factory=dict)
    how: dict[str, str] = field(default_factory=dict)  # A id → id | ersetzt | name | name-lane
    #: A ids that an explicit link merged into a B element already paired with another A element
    merged: dict[str, str] = field(default_factory=dict)

    def b_of(self, a_id: str) -> str | None:
        return self.pairs.get(a_id) or self.merged.get(a_id)


def match(a: Definitions, b: Definitions) -> Matching:
    """Match the flow nodes of two models (see module docstring)."""
    nodes_a = {n.id: n for n in a.flow_nodes() if n.id}
    nodes_b = {n.id: n for n in b.flow_nodes() if n.id}
    result = Matching()
    taken_b: set[str] = set()

    def pair(a_id: str, b_id: str, how: str) -> None:
        result.pairs[a_id] = b_id
        result.how[a_id] = how
        taken_b.add(b_id)

    for a_id in nodes_a:  # 1. ids that are identities
        if a_id in nodes_b and not POSITIONAL_ID.match(a_id):
            pair(a_id, a_id, "id")
    for b_id, node in nodes_b.items():  # 2. explicit links
        for a_id in replaces(node):
            if a_id not in nodes_a or a_id in result.pairs:
                continue
            if b_id in taken_b:
                result.merged[a_id] = b_id
                result.how[a_id] = "ersetzt"
            else:
                pair(a_id, b_id, "ersetzt")
    for a_id, node in nodes_a.items():  # 1b. row-number ids with similar names
        other = nodes_b.get(a_id)
        if (a_id in result.pairs or a_id in result.merged or other is None or a_id in taken_b
                or category(node) != category(other)):
            continue
        if similarity(node.name, other.name) >= THRESHOLD or (not node.name and not other.name):
            pair(a_id, a_id, "id")
    _by_name(nodes_a, nodes_b, result, taken_b, pair, same_lane=True)
    _by_name(nodes_a, nodes_b, result, taken_b, pair, same_lane=False)
    return result


def _by_name(nodes_a: dict[str, FlowNode], nodes_b: dict[str, FlowNode], result: Matching,
             taken_b: set[str], pair, *, same_lane: bool) -> None:
    """Greedy: the most similar pairs first, ties in document order."""
    candidates = []
    order_a, order_b = {k: i for i, k in enumerate(nodes_a)}, {k: i for i, k in enumerate(nodes_b)}
    others = [(b_id, other.name, category(other), lane_name(other))
              for b_id, other in nodes_b.items() if b_id not in taken_b and other.name]
    for a_id, node in nodes_a.items():
        if a_id in result.pairs or a_id in result.merged or not node.name:
            continue
        lane, kind = lane_name(node), category(node)
        for b_id, name, other_kind, other_lane in others:
            if other_kind != kind or same_lane != (other_lane == lane):
                continue
            score = similarity(node.name, name)
            if score >= (THRESHOLD if same_lane else 0.999):
                candidates.append((-score, order_a[a_id], order_b[b_id], a_id, b_id))
    for _, _, _, a_id, b_id in sorted(candidates):
        if a_id not in result.pairs and b_id not in taken_b:
            pair(a_id, b_id, "name" if same_lane else "name-lane")
