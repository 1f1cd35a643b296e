"""Offer each page as its executed notebook (.ipynb) and as a Python script (.py) to download.

myst-nb's own jupyter_execute/*.ipynb lose their outputs when a page comes from the execution
cache, so the notebook is rebuilt here from the page and the cached outputs.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from jupyter_cache import get_cache
from myst_nb.core.read import is_myst_markdown_notebook, read_myst_markdown_notebook
from stream_output import coalesce_streams
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
FOLDER = "_downloads/notebooks"


def _is_notebook(app: Sphinx, docname: str) -> bool:
    source = Path(app.env.doc2path(docname))
    return source.suffix == ".md" and is_myst_markdown_notebook(source.read_text(encoding="utf-8"))


def add_download_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is None or not _is_notebook(app, pagename):
        return
    up = "../" * pagename.count("/")
    context["notebook_downloads"] = {
        "ipynb": f"{up}{FOLDER}/{pagename}.ipynb",
        "py": f"{up}{FOLDER}/{pagename}.py",
    }


def executed_notebook(app: Sphinx, source: Path) -> nbformat.NotebookNode:
    notebook = read_myst_markdown_notebook(source.read_text(encoding="utf-8"), path=source)
    _, notebook = get_cache(app.config.nb_execution_cache_path).merge_match_into_notebook(notebook)
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index}"  # nbformat's ids are random; these keep builds identical
        if cell.cell_type == "code":
            cell.outputs = coalesce_streams(cell.outputs)  # output arrives in chunks that vary by run
    notebook.metadata.setdefault("language_info", {"name": "python"})
    return notebook


def as_script(notebook: nbformat.NotebookNode) -> str:
    """The code cells in the percent format that editors run cell by cell."""
    parts = ["# Code of this page; each '# %%' starts a cell. Needs: torch==2.13.0 and autograd_guide.\n"]
    for cell in notebook.cells:
        if cell.cell_type == "code":
            tags = cell.metadata.get("tags", [])
            note = "  # raises an error on purpose" if "raises-exception" in tags else ""
            parts.append(f"# %%{note}\n{cell.source}\n")
    return "\n".join(parts)


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
        if not _is_notebook(app, docname):
            continue
        try:
            notebook = executed_notebook(app, Path(app.env.doc2path(docname)))
        except KeyError:
            logger.warning("no executed notebook in the cache for %s", docname, location=docname)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
        target.with_suffix(".py").write_text(as_script(notebook), encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_download_links)
    app.connect("build-finished", write_downloads)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
