"""The sitemap lists every page once, in a fixed order.

sphinx-sitemap collects pages in a queue as parallel writers finish them, so its order changed
from build to build (jdillard/sphinx-sitemap#13). Just before it writes the file, the queue is
refilled with every page of the environment, sorted. Checks its target and stops the build when
sphinx-sitemap changes: then see whether the issue is fixed and drop this file.
"""

from __future__ import annotations

import inspect
import queue
from importlib.metadata import version

import sphinx_sitemap
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError


def check_target() -> None:
    if not (
        callable(getattr(sphinx_sitemap, "add_html_link", None))
        and "sitemap_links" in inspect.getsource(sphinx_sitemap.create_sitemap)
    ):
        raise ExtensionError(
            f"sitemap_order: sphinx-sitemap {version('sphinx-sitemap')} changed (add_html_link / "
            "the sitemap_links queue); check jdillard/sphinx-sitemap#13 and drop this fix"
        )


def list_every_page(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html" or not hasattr(app.env.app, "sitemap_links"):
        return
    for docname in app.env.found_docs:
        sphinx_sitemap.add_html_link(app, docname, None, {}, None)
    links, queued = app.env.app.sitemap_links, []
    while True:
        try:
            queued.append(links.get_nowait())
        except queue.Empty:
            break
    for link in sorted(set(queued)):
        links.put(link)


def setup(app: Sphinx) -> dict:
    check_target()
    app.connect("build-finished", list_every_page, priority=400)  # sphinx-sitemap writes at 500
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
