"""ipywidgets for workshops: model editor, weight tuner, catalogue view."""

from .catalog import CatalogView
from .editor import ModelEditor
from .weights import WeightTuner

__all__ = ["CatalogView", "ModelEditor", "WeightTuner"]
