"""Render math to MathML at build time, so pages need no MathJax from a CDN and work offline."""

from __future__ import annotations

import html

from docutils import nodes
from latex2mathml.converter import convert
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def to_mathml(node: nodes.Element, display: str) -> str:
    try:
        return convert(node.astext(), display=display)
    except Exception as error:  # latex2mathml raises many kinds; name the formula and the page
        logger.warning("cannot render math %r: %s", node.astext(), error, location=node)
        return f"<code>{html.escape(node.astext())}</code>"


def visit_inline(translator, node: nodes.Element) -> None:
    translator.body.append(f'<span class="math">{to_mathml(node, "inline")}</span>')
    raise nodes.SkipNode


def visit_block(translator, node: nodes.Element) -> None:
    translator.body.append(f'<div class="math">{to_mathml(node, "block")}</div>')
    raise nodes.SkipNode


def setup(app: Sphinx) -> dict:
    app.add_html_math_renderer("mathml", (visit_inline, None), (visit_block, None))
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
