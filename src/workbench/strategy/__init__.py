"""The strategy register: Vision, Handlungsfelder, Ziele, Maßnahmen, OKR, Wirkung, Status.

Reads ``processes/strategie/`` (format: ``docs/strategie.md``) and feeds the ranking (the derived
criterion "Unterstützung der Strategie"), the strategy report and ``workbench strategie``.
Import the submodules directly; this package imports nothing heavy on purpose.
"""

from .loader import has_strategy, load_strategy, strategy_of
from .model import Strategy

__all__ = ["Strategy", "has_strategy", "load_strategy", "strategy_of"]
