"""Helpers for the bilingual autograd guide: live autograd-graph figures and page set-up."""

from autograd_guide.graph import AutogradGraph, draw_graph, set_language

__all__ = ["AutogradGraph", "draw_graph", "set_language"]
