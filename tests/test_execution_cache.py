"""A kernel that never started is started again (docs/_ext/execution_cache.py)."""


import execution_cache
import pytest


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
