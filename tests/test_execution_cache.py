"""The execution cache: two builds sharing it write one at a time; kernels start over Unix sockets
(docs/_ext/execution_cache.py)."""

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


def test_kernels_talk_over_unix_sockets_not_tcp_ports(tmp_path):
    """In a folder of its own, as myst-nb starts kernels: the client must find the sockets."""
    execution_cache.install_ipc_kernels()
    execute = execution_cache.myst_nb.core.execute.cache.single_nb_execution
    code = "from ipykernel.connect import get_connection_info\nprint(get_connection_info(unpack=True)['transport'])"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)])
    notebook.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    result = execute(notebook, cwd=str(tmp_path), timeout=60, allow_errors=False)
    assert result.err is None, result.exc_string
    assert notebook.cells[0].outputs[0]["text"] == "ipc\n"


def test_the_ipc_patch_fails_loudly_when_myst_nb_changes(monkeypatch):
    monkeypatch.setattr(execution_cache.myst_nb.core.execute.direct, "single_nb_execution", lambda notebook: None)
    with pytest.raises(execution_cache.ExtensionError, match="myst-nb .*IPC kernel patch"):
        execution_cache.install_ipc_kernels()
