"""Discrete-event simulation of a Kommune's Leistungen (SimPy): Durchlaufzeit, queues,
utilisation per role, backlog and cost, IST against SOLL and what-if scenarios.

Layers, each importing only those above it: ``calendar`` (working time, holidays) ·
``arrivals`` (Fallzahl × season) · ``flowgraph`` (a model compiled on the Markov weights) ·
``engine`` (SimPy run) · ``scenario`` (YAML files) · ``results`` · ``kommune`` (one Kommune,
all scenarios) · ``cache`` and ``verbund`` (JSON cache, members in parallel) · ``theory``
(M/M/c formulas for the checks). Assumptions in German: ``docs/simulation.md``.
"""

from .kommune import simulate
from .scenario import Plan, Scenario, ScenarioError, default_plan, load_plan

__all__ = ["Plan", "Scenario", "ScenarioError", "default_plan", "load_plan", "simulate"]
