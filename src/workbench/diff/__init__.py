"""The semantic IST/SOLL diff: which element is which, and what changed (like bpmn-js-differ).

>>> diff = diff_models(ist, soll)              # doctest: +SKIP
>>> diff.summary()                              # doctest: +SKIP
'Schritte: 3 entfallen, 2 neu, 4 geändert, 1 verschoben'
>>> diff.to_json()["overlays"]                  # doctest: +SKIP
"""

from .match import Matching, match, similarity
from .model import ElementDiff, ModelDiff, diff_models

__all__ = ["ElementDiff", "Matching", "ModelDiff", "diff_models", "match", "similarity"]
