"""Mend what screen readers trip over in the theme's HTML, at its source, checking the target.

Sphinx's toctree captions, in furo's sidebar and in the home page's body, are
``<p class="caption" role="heading">`` without the ``aria-level`` that role requires (axe-core:
aria-required-attr, critical, on every page). They head sections under the page title: level 2.
"""

from __future__ import annotations

from importlib.metadata import version

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

CAPTION = '<p class="caption" role="heading">'
LEVELLED = '<p class="caption" role="heading" aria-level="2">'


def caption_levels(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    tree = context.get("furo_navigation_tree")
    if tree is None:
        raise ExtensionError(f"accessibility: furo {version('furo')} no longer sets furo_navigation_tree; "
                             "check whether its sidebar captions carry aria-level now")
    context["furo_navigation_tree"] = tree.replace(CAPTION, LEVELLED)
    if "body" in context:
        context["body"] = context["body"].replace(CAPTION, LEVELLED)


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", caption_levels, priority=600)  # after furo's, which builds the tree
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
