"""Helpers for the bilingual autograd guide: live autograd-graph figures, backward passes drawn
as they ran, and page set-up."""

from autograd_guide.flow import BackwardTrace, trace_backward
from autograd_guide.graph import AutogradGraph, draw_graph, set_language

__all__ = ["AutogradGraph", "BackwardTrace", "draw_graph", "set_language", "trace_backward"]
