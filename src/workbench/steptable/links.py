"""The column „Ersetzt“ of a SOLL table: IST rows by their Nr in the IST table, stored as ids.

In the model the link is ``wb:replaces`` with the ids of the IST elements; in a table people
write the Nrs they see in the IST table. Reading turns Nrs into ids, writing ids into Nrs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .from_bpmn import step_table_from_bpmn
from .model import StepTable, StepTableError

if TYPE_CHECKING:
    import pandas as pd

    from ..bpmn.model import Definitions


def resolve_replaces(table: StepTable, ist: Definitions | None) -> None:
    """Replace IST Nrs in „Ersetzt“ by the ids of the IST elements (ids stay as they are)."""
    if not any(row.replaces for row in table.rows):
        return
    if ist is None:
        row = next(r for r in table.rows if r.replaces)
        raise StepTableError("„Ersetzt“ verweist auf IST-Schritte, es gibt aber kein IST-Modell.",
                             source=table.source, row=row.line, column="Ersetzt",
                             hint="Bitte zuerst das IST-Modell anlegen oder die Spalte leeren.")
    origin = step_table_from_bpmn(ist).origin
    ids = {n.id for n in ist.flow_nodes()}
    for row in table.rows:
        resolved = []
        for token in row.replaces:
            if token in origin:
                resolved.append(origin[token])
            elif token in ids:
                resolved.append(token)
            else:
                raise StepTableError(
                    f"„Ersetzt“ nennt „{token}“, das es im IST-Modell weder als Nr noch als ID "
                    "gibt.", source=table.source, row=row.line, column="Ersetzt",
                    hint="Bitte die Nr des IST-Schritts aus `workbench export schritte … "
                         "--variant ist` eintragen; mehrere durch Leerzeichen trennen.")
        row.replaces = tuple(dict.fromkeys(resolved))


def replaces_as_numbers(frame: pd.DataFrame, ist: Definitions | None) -> pd.DataFrame:
    """The frame with the ids in „Ersetzt“ shown as IST Nrs where the IST table has them."""
    if ist is None or "Ersetzt" not in frame or not frame["Ersetzt"].astype(bool).any():
        return frame
    number = {element_id: nr for nr, element_id in step_table_from_bpmn(ist).origin.items()}
    out = frame.copy()
    out["Ersetzt"] = [" ".join(number.get(t, t) for t in str(v or "").split())
                      for v in frame["Ersetzt"]]
    out.attrs = dict(frame.attrs)
    return out
