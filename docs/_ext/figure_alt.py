"""Give every graph figure its text alternative: the description its SVG carries as <title>.

myst-nb takes an image's ``alt`` only from the cell's options, so a figure drawn by
``draw_graph`` would be announced by its file name (``_images/<hash>.svg``). The graph writes its
description, in the page's language, as the SVG's title (autograd_guide.graph.describe); this
copies it to the image. A figure without one and without an ``alt`` fails the build, naming it.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
TITLE = re.compile(r'<g id="graph0" class="graph"[^>]*>\s*<title>(.*?)</title>', re.S)


def svg_title(path: Path) -> str | None:
    match = TITLE.search(path.read_text(encoding="utf-8"))
    return html.unescape(match.group(1)) if match else None


def add_alt_text(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for image in doctree.findall(nodes.image):
        uri = image["uri"]
        if image.get("alt") or not uri.endswith(".svg"):
            continue
        path = (Path(app.srcdir) / uri.lstrip("/")).resolve()
        title = svg_title(path) if path.exists() else None
        if title:
            image["alt"] = title
        else:
            logger.warning("figure %s has no text alternative: give its cell `mystnb: image: alt:`", uri,
                           type="figure_alt", location=image)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", add_alt_text)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
