"""Keep myst-nb's execution cache trustworthy.

Each language's cache is a folder named by a fingerprint of what the outputs depend on besides
the code cells (guide_site.cache_folder, conf.py's nb_execution_cache_path): here caches of other
fingerprints are pruned, and parallel readers take turns writing the cache (one_writer_at_a_time).
They write different records: no two pages of a language run the same code (tests/test_twins.py).
"""

from __future__ import annotations

import functools
import shutil
from pathlib import Path

import jupyter_cache
from filelock import FileLock
from jupyter_cache import get_cache
from jupyter_cache.cache.main import JupyterCacheBase
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError


def prepare_cache(app: Sphinx) -> None:
    cache = Path(app.config.nb_execution_cache_path)
    cache.parent.mkdir(parents=True, exist_ok=True)
    for old in cache.parent.iterdir():  # caches of other fingerprints: never matched again
        if old.is_dir() and old != cache:
            shutil.rmtree(old, ignore_errors=True)
    # Create the database now: parallel readers (-j) creating it at once race
    # ("table settings already exists").
    get_cache(cache).list_cache_records()


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
        raise ExtensionError(
            f"execution_cache: jupyter-cache {jupyter_cache.__version__} changed how it writes and "
            "truncates records; check whether the write lock is still needed"
        )
    if not getattr(target, "one_writer_at_a_time", False):
        JupyterCacheBase.cache_notebook_bundle = one_writer_at_a_time(target)


def setup(app: Sphinx) -> dict:
    install_write_lock()
    app.connect("builder-inited", prepare_cache)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
