"""Two builds sharing one execution cache write to it one at a time (docs/_ext/execution_cache.py)."""

import multiprocessing

import execution_cache
import nbformat
import pytest
from jupyter_cache import get_cache
from jupyter_cache.cache.main import CacheBundleIn


def cache_the_same_notebook(path: str, times: int) -> None:
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("print(1)")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3"}
    cache = get_cache(path)
    for _ in range(times):
        cache.cache_notebook_bundle(CacheBundleIn(notebook, "page.md"), check_validity=False, overwrite=True)


def race(path, locked: bool) -> list[int]:
    """Three processes cache the same notebook 30 times each; returns their exit codes."""
    original = execution_cache.JupyterCacheBase.cache_notebook_bundle
    unlocked = getattr(original, "__wrapped__", original)
    execution_cache.JupyterCacheBase.cache_notebook_bundle = (
        execution_cache._one_writer_at_a_time(unlocked) if locked else unlocked
    )
    try:
        get_cache(path).list_cache_records()  # create the database first, as check_cache does
        context = multiprocessing.get_context("fork")
        writers = [context.Process(target=cache_the_same_notebook, args=(str(path), 30)) for _ in range(3)]
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(120)
        return [writer.exitcode for writer in writers]
    finally:
        execution_cache.JupyterCacheBase.cache_notebook_bundle = original


def test_concurrent_writers_do_not_collide(tmp_path):
    assert race(tmp_path / "cache", locked=True) == [0, 0, 0]
    assert len(get_cache(tmp_path / "cache").list_cache_records()) == 1


def test_setup_installs_the_lock():
    execution_cache.install_write_lock()
    assert execution_cache.JupyterCacheBase.cache_notebook_bundle.one_writer_at_a_time


def test_the_lock_fails_loudly_when_jupyter_cache_changes(monkeypatch):
    monkeypatch.delattr(execution_cache.JupyterCacheBase, "cache_notebook_bundle")
    with pytest.raises(execution_cache.ExtensionError, match="jupyter-cache .*cache_notebook_bundle"):
        execution_cache.install_write_lock()


@pytest.mark.parametrize("message", ["Kernel died before replying to kernel_info",
                                     "Kernel didn't respond in 60 seconds"])
def test_a_kernel_that_never_started_is_started_again(message):
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError(message)
        return "result"

    assert execution_cache._retry_kernel_start(flaky)("nb") == "result" and len(calls) == 2


def test_a_kernel_that_dies_running_a_cell_is_not_retried():
    calls = []

    def dies(*args, **kwargs):
        calls.append(args)
        raise RuntimeError("Kernel died")

    with pytest.raises(RuntimeError, match="Kernel died"):
        execution_cache._retry_kernel_start(dies)("nb")
    assert len(calls) == 1


def test_setup_installs_the_kernel_start_retry():
    execution_cache.install_kernel_start_retry()
    assert execution_cache.myst_nb.core.execute.cache.single_nb_execution.retries_kernel_start
