"""Indicators that cannot reward paper: analog steps, digital share by steps and by time,
automated and automatable steps, manual re-entries, scan and print steps.

Computed per model from the steps' attributes (medium, automation, system, activity type) and
their expected visits; definitions in German in ``docs/kennzahlen.md`` and
:data:`workbench.indicators.definitions.INDICATORS`.
"""

from .model import Indicators, Reentry, compute, compute_steps, leaf_steps

__all__ = ["Indicators", "Reentry", "compute", "compute_steps", "leaf_steps"]
