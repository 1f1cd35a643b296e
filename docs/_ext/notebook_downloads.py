"""Offer each page as its executed notebook (.ipynb) and as a Python script (.py) to download.

The notebook is the one myst-nb wrote to jupyter_execute/, except in cache mode: there myst-nb
writes the notebook without the outputs it took from the cache (myst_nb/sphinx_.py writes the
parsed notebook, not the client's merged one), so the outputs are merged from the cache here; if
myst-nb wrote the merged notebook, executed_notebook() would read jupyter_execute/ alone. What the
reader gets from it (the helper bundled, Markdown, a real script) is src/reader_files.py.
"""

from __future__ import annotations

import posixpath
from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from myst_nb.core.read import read_myst_markdown_notebook
from sphinx.application import Sphinx
from sphinx.util import logging
from stream_output import coalesce_streams

import guide_site
from reader_files import reader_notebook, script

logger = logging.getLogger(__name__)
FOLDER = "_downloads/notebooks"


def is_notebook(app: Sphinx, docname: str) -> bool:
    return "kernelspec" in app.env.metadata.get(docname, {})  # myst-nb records it for notebooks


def add_download_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is None or not is_notebook(app, pagename):
        return
    context["notebook_downloads"] = {kind: context["pathto"](f"{FOLDER}/{pagename}.{kind}", 1) for kind in ("ipynb", "py")}


def executed_notebook(app: Sphinx, docname: str) -> nbformat.NotebookNode:
    if app.config.nb_execution_mode == "cache":
        source = Path(app.env.doc2path(docname))
        notebook = read_myst_markdown_notebook(source.read_text(encoding="utf-8"), path=source)
        _, notebook = get_cache(app.config.nb_execution_cache_path).merge_match_into_notebook(notebook)
    else:  # executed in this or an earlier build (force, auto, inline), or not at all (off)
        written = Path(app.outdir).parent / "jupyter_execute" / f"{docname}.ipynb"
        notebook = nbformat.reads(written.read_text(encoding="utf-8"), as_version=4)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"  # nbformat's ids are random; these keep builds identical
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)  # output arrives in chunks that vary by run
    notebook.metadata.setdefault("language_info", {"name": "python"})
    return notebook


def page_url(app: Sphinx, docname: str, anchor: str = "") -> str | None:
    """The published address of a page, when the site's address is known."""
    if not app.config.html_baseurl:
        return None
    return f"{app.config.html_baseurl}{app.builder.get_target_uri(docname)}" + (f"#{anchor}" if anchor else "")


def linker(app: Sphinx, docname: str):
    """How reader_files shows a {doc}, {term} or {ref}: its text, linked to the site."""
    std = app.env.domains.standard_domain

    def link(kind: str, target: str, text: str | None) -> tuple[str, str | None]:
        if kind == "doc":
            here = posixpath.dirname(docname)
            target = target[1:] if target.startswith("/") else posixpath.normpath(posixpath.join(here, target))
            return text or app.env.titles[target].astext(), page_url(app, target)
        if kind == "term":
            entry = std.objects.get(("term", target)) or next(
                (place for (kind_, name), place in std.objects.items() if kind_ == "term" and name.lower() == target.lower()), None
            )
        else:
            entry = std.labels.get(target)
        if entry is None:
            raise KeyError(f"{docname}: no {kind} {target!r} to link in the download")
        shown = text or (target if kind == "term" else entry[2])
        return shown, page_url(app, entry[0], entry[1])

    return link


def write_downloads(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir) / FOLDER
    for docname in sorted(app.env.found_docs):
        target = outdir / f"{docname}.ipynb"
        page = Path(app.outdir) / f"{docname}.html"
        # Only pages written by this build (their HTML is newer) need a new download.
        if target.exists() and target.stat().st_mtime_ns >= page.stat().st_mtime_ns:
            continue
        if not is_notebook(app, docname):
            continue
        try:
            notebook = executed_notebook(app, docname)
        except KeyError:
            logger.warning("no executed notebook in the cache for %s", docname, location=docname)
            continue
        lang = guide_site.BY_SPHINX_LANGUAGE[app.config.language].folder
        about = {"lang": lang, "title": app.env.titles[docname].astext(), "url": page_url(app, docname)}
        reader = reader_notebook(notebook, link=linker(app, docname), **about)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(nbformat.writes(reader) + "\n", encoding="utf-8")
        target.with_suffix(".py").write_text(script(notebook, page=docname, **about), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_download_links)
    app.connect("build-finished", write_downloads)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
