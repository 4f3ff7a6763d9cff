"""ipywidgets for workshops: BPMN modeler, model editor, weight tuner, catalogue view."""

from .catalog import CatalogView
from .editor import ModelEditor
from .modeler import BpmnModeler
from .modeler_workspace import ModelerWorkspace
from .weights import WeightTuner

__all__ = ["BpmnModeler", "CatalogView", "ModelEditor", "ModelerWorkspace", "WeightTuner"]
