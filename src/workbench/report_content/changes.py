"""What changes between two models, for the reports: IST → SOLL, Verbund IST → Kommune IST.

Both come from the semantic diff (:mod:`workbench.diff`): elements matched by id, explicit link
(``wb:replaces``) and name within the lane – never by row number.
"""

from __future__ import annotations

from ..bpmn import vocabulary as voc
from ..diff import ElementDiff, ModelDiff, diff_models
from .data import ReportContext
from .fmt import esc

_LIMIT = 12  # names listed per kind; the rest is counted


def _names(items: list[ElementDiff]) -> str:
    shown = [f"„{esc(e.name)}“" if e.name else esc(voc.german_type(e.type))
             for e in items[:_LIMIT]]
    more = f" und {len(items) - _LIMIT} weitere" if len(items) > _LIMIT else ""
    return ", ".join(shown) + more if shown else "–"


MATCHING_NOTE = ("Zuordnung der Schritte: gleiche ID, ausdrücklich ersetzt („Ersetzt“), sonst "
                 "ähnlicher Name in derselben Lane – nie die Zeilennummer.")


def change_table(diff: ModelDiff) -> str:
    """Steps that are dropped, new, changed or moved – one line per kind that occurs (the
    summary line above it gives every count, zeros included)."""
    steps = [e for e in diff.elements if e.is_step]
    kinds = [
        ("entfallen", [e for e in steps if e.kind == "removed"]),
        ("neu", [e for e in steps if e.kind == "added"]),
        ("geändert", [e for e in steps if e.kind == "changed" and not e.moved]),
        ("in eine andere Lane verschoben", [e for e in steps if e.moved]),
    ]
    lines = [f"<li><b>{label} ({len(items)}):</b> {_names(items)}</li>"
             for label, items in kinds if items]
    return f"<ul class='aenderungen'>{''.join(lines)}</ul>" if lines else ""


def ist_soll_changes(ctx: ReportContext, leistung: str, kommune: str | None) -> str:
    """The step changes from the IST that applies to the Kommune to the Verbund's SOLL (how
    steps are matched: :data:`MATCHING_NOTE`, printed once by the caller)."""
    ist = ctx.repo.model(leistung, "ist", kommune)
    soll = ctx.repo.model(leistung, "soll")
    if ist is None or soll is None:
        return ""
    diff = diff_models(ist, soll)
    return f"<p><b>Vom IST zum SOLL</b> – {esc(diff.summary())}.</p>" + change_table(diff)


def deviations_from_verbund(ctx: ReportContext, kommune: str) -> str:
    """For each Leistung with the Kommune's own IST: how it differs from the Verbund IST."""
    name = ctx.repo.kommune(kommune)["name"]
    parts = []
    for leistung in sorted(ctx.repo.leistungen["id"]):
        if kommune not in ctx.repo.ist_variants(leistung):
            continue
        verbund = ctx.repo.model(leistung, "ist")
        own = ctx.repo.model(leistung, "ist", kommune)
        if verbund is None or own is None:
            continue
        diff = diff_models(verbund, own, a_label="Verbund-IST", b_label=f"IST {name}")
        title = ctx.repo.leistung(leistung)["name"]
        parts.append(f"<h3>{esc(title)}</h3><p>{esc(diff.summary())}.</p>"
                     + change_table(diff))
    if not parts:
        return ""
    return (f"<h2>Abweichungen von der Verbund-IST: {esc(name)}</h2>"
            f"<p>Wo {esc(name)} ein eigenes IST-Modell hat, weicht es so vom gemeinsamen IST "
            f"des Verbunds ab ({esc(MATCHING_NOTE[0].lower() + MATCHING_NOTE[1:])})</p>"
            + "".join(parts))
