"""The exception classes of the guide's rules, as values a hidden check can loop over.

A rule a page states about "a tensor" or "backward" is checked on every case here that its scope
covers, not on the page's one example::

    for name, make in tensor_cases().items():
        t = make()
        assert t.requires_grad, name

    for call, grads in gradients(lambda x: (x * 3).sum(), lambda: [torch.ones(2, requires_grad=True)]).items():
        assert grads[0].tolist() == [3.0, 3.0], call

Each ``make`` returns a fresh tensor that requires grad, so cases never share state.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator

import torch


class _Twice(torch.autograd.Function):
    """A custom Function: 2x, with its backward written by hand."""

    @staticmethod
    def forward(x):
        return x * 2

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, grad):
        return grad * 2


class _ViewOf(torch.autograd.Function):
    """A custom Function that returns a view of its input."""

    @staticmethod
    def forward(x):
        return x.view_as(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass

    @staticmethod
    def backward(ctx, grad):
        return grad


def _leaf(dtype: torch.dtype = torch.float32, shape: tuple = (3,)) -> torch.Tensor:
    return torch.arange(1, 1 + torch.Size(shape).numel(), dtype=torch.float64).reshape(shape).to(dtype).requires_grad_()


def _under_no_grad(make: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[], torch.Tensor]:
    def build() -> torch.Tensor:
        base = _leaf() * 1  # a non-leaf, so that a returned input keeps a grad_fn
        with torch.no_grad():
            return make(base)

    return build


def tensor_cases() -> dict[str, Callable[[], torch.Tensor]]:
    """name -> a function that makes a fresh tensor of that kind, each requiring grad."""
    return {
        "leaf": _leaf,
        "non-leaf": lambda: _leaf() * 2,
        "factory(requires_grad=True)": lambda: torch.ones(3, requires_grad=True),
        "nn.Parameter": lambda: torch.nn.Parameter(torch.ones(3)),
        "slice view": lambda: (_leaf() * 2)[:2],
        "slice view of a leaf": lambda: _leaf()[:2],
        "unbind view": lambda: (_leaf() * 2).unbind()[0],
        "transposed view": lambda: (_leaf(shape=(2, 2)) * 2).t(),
        "view made under no_grad": _under_no_grad(lambda base: base[:2]),
        "input returned under no_grad (.float())": _under_no_grad(lambda base: base.float()),
        "input returned under no_grad (.contiguous())": _under_no_grad(lambda base: base.contiguous()),
        "in-place result": lambda: (_leaf() * 2).mul_(3),
        "0-dim": lambda: _leaf(shape=()) * 2,
        "one element": lambda: _leaf(shape=(1,)) * 2,
        "float64": lambda: _leaf(torch.float64) * 2,
        "float16": lambda: _leaf(torch.float16) * 2,
        "bfloat16": lambda: _leaf(torch.bfloat16) * 2,
        "complex64": lambda: _leaf(torch.complex64) * 2,
        "custom Function output": lambda: _Twice.apply(_leaf()),
        "custom Function view": lambda: _ViewOf.apply(_leaf() * 1),
    }


def gradients(function: Callable[..., torch.Tensor], make_inputs: Callable[[], list[torch.Tensor]], **options) -> dict[str, tuple]:
    """The gradients of function(*inputs) with respect to the inputs, by each way of asking:
    backward(), torch.autograd.grad and backward(inputs=...), each on fresh inputs. Options
    (gradient=, retain_graph=, create_graph=) go to every call (grad_outputs= for autograd.grad)."""
    found = {}
    inputs = make_inputs()
    function(*inputs).backward(**options)
    found["backward()"] = tuple(x.grad for x in inputs)
    inputs = make_inputs()
    grad_options = {("grad_outputs" if k == "gradient" else k): v for k, v in options.items()}
    found["torch.autograd.grad"] = torch.autograd.grad(function(*inputs), inputs, **grad_options)
    inputs = make_inputs()
    function(*inputs).backward(inputs=inputs, **options)
    found["backward(inputs=...)"] = tuple(x.grad for x in inputs)
    return found


def grad_modes() -> dict[str, Callable[[], contextlib.AbstractContextManager]]:
    """name -> a context manager factory, one for each way of turning recording on or off."""
    return {
        "grad mode": contextlib.nullcontext,
        "no_grad": torch.no_grad,
        "set_grad_enabled(False)": lambda: torch.set_grad_enabled(False),
        "inference_mode": torch.inference_mode,
        "enable_grad inside no_grad": _enable_inside_no_grad,
    }


@contextlib.contextmanager
def _enable_inside_no_grad() -> Iterator[None]:
    with torch.no_grad(), torch.enable_grad():
        yield


@contextlib.contextmanager
def raises(kind: type[BaseException], match: str = "") -> Iterator[None]:
    """Fails unless the block raises ``kind`` with a message that ``match`` (a regex) finds."""
    try:
        yield
    except kind as error:
        if not re.search(match, str(error)):
            raise AssertionError(f"{kind.__name__} raised, but its message does not match {match!r}: {error}") from error
    else:
        raise AssertionError(f"expected {kind.__name__}, nothing was raised")
