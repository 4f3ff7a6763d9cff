"""Step tables ⇄ BPMN: one row per step (Schritt, Rolle, Medium, Minuten …) becomes a BPMN model
with lanes and automatic layout, and any model converts back to a table.

>>> table = read_step_table("ist.csv")                      # doctest: +SKIP
>>> defs = step_table_to_bpmn(table, name="Anmeldung", pool="Gemeinde Lilienthal")  # doctest: +SKIP
>>> frame = bpmn_to_step_table(defs)                         # doctest: +SKIP
>>> write_step_table(frame, "ist.xlsx")                      # doctest: +SKIP

The format is described in ``docs/schritttabellen.md``.
"""

from .from_bpmn import bpmn_to_step_table, step_table_from_bpmn
from .model import COLUMNS, ELEMENTS, StepRow, StepTable, StepTableError
from .parse import read_step_table
from .to_bpmn import step_table_to_bpmn
from .write import write_step_table

__all__ = [
    "COLUMNS", "ELEMENTS", "StepRow", "StepTable", "StepTableError", "bpmn_to_step_table",
    "read_step_table", "step_table_from_bpmn", "step_table_to_bpmn", "write_step_table",
]
