"""Prozess-Werkbench: BPMN-Wissensbasis, Digitalisierungspotenzial und Berichte für Kommunen."""

__version__ = "0.1.0"
