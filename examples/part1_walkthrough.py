"""Part I of the guide: leaf tensors, grad, grad_fn, retain_grad, detach, requires_grad.

Each topic is a small function that builds a tiny graph, checks the true values with
plain ``assert`` statements and returns one line of summary; ``main`` prints those lines
and writes one autograd-graph figure (SVG) of ``d = a + b + c`` to the path given by
``--out``.

Run it from a checkout of the guide (``python -m pip install -e .`` makes
``autograd_guide`` importable)::

    python examples/part1_walkthrough.py --out graph.svg

Without ``--out`` the figure is written to ``part1_graph.svg`` in the current directory.
The script exits with status 0 when every check holds; a failed check raises
``AssertionError``. The docstring examples run with::

    python -m pytest --doctest-modules examples/part1_walkthrough.py
"""

from __future__ import annotations

import argparse
import warnings
from pathlib import Path

import torch
from torch import nn

from autograd_guide import draw_graph


def _raises(error: type[Exception], call) -> bool:
    """Whether ``call()`` raises ``error``.

    >>> _raises(ZeroDivisionError, lambda: 1 / 0)
    True
    >>> _raises(ZeroDivisionError, lambda: 1 / 1)
    False
    """
    try:
        call()
    except error:
        return True
    return False


def leaf_tensors() -> tuple[bool, bool, bool]:
    """Which tensors are leaves: created by you, made by a recorded op, or not recorded.

    Returns ``is_leaf`` of a tensor you created, of ``a * 2``, and of the sum of two
    tensors that do not require grad (nothing is recorded, so that sum is a leaf too).

    >>> leaf_tensors()
    (True, False, True)
    """
    a = torch.tensor([1.0], requires_grad=True)
    b = a * 2
    assert a.is_leaf and a.grad_fn is None
    assert not b.is_leaf and b.grad_fn is not None
    plain = torch.tensor([1.0]) + torch.tensor([2.0])
    assert plain.is_leaf and not plain.requires_grad
    return a.is_leaf, b.is_leaf, plain.is_leaf


def grad_and_grad_fn() -> str:
    """``backward()`` fills ``.grad`` of leaves only.

    ``grad_fn`` names the op that made a tensor.
    """
    a = torch.tensor([1.0], requires_grad=True)
    b = a * 2
    assert b.grad_fn.name() == "MulBackward0"
    next_names = [(f.name() if f else None) for f, _ in b.grad_fn.next_functions]
    assert next_names[0].endswith("AccumulateGrad")
    b.backward()
    assert a.grad.item() == 2.0  # db/da = 2 for b = 2a: a constant, whatever a is
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert b.grad is None  # a non-leaf keeps no gradient ...
    # ... and reading it warns
    assert any(issubclass(w.category, UserWarning) for w in caught)
    return (
        f"grad and grad_fn: db/da = {a.grad.item():g}, "
        f"b.grad_fn is {b.grad_fn.name()}, b.grad is None"
    )


def retain_grad() -> str:
    """``retain_grad()`` keeps a non-leaf's gradient.

    A second backward through the same graph needs ``retain_graph=True``.
    """
    a = torch.tensor([1.0], requires_grad=True)
    b = a * 2
    b.retain_grad()
    assert b.retains_grad and not b.is_leaf
    b.backward()
    assert b.grad.item() == 1.0 and a.grad.item() == 2.0
    assert _raises(RuntimeError, b.backward)  # the first call freed the saved tensors

    a = torch.tensor([1.0], requires_grad=True)
    b = a * 2
    b.backward(retain_graph=True)
    b.backward()
    assert a.grad.item() == 4.0  # 2 + 2: gradients accumulate
    return (
        "retain_grad: b.grad = 1; second backward raises; "
        "with retain_graph=True a.grad = 4"
    )


def detach() -> str:
    """``detach()`` returns a new leaf that shares storage with the original.

    It shares the version counter too.
    """
    a = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([1.0], requires_grad=True)
    c = torch.tensor([1.0], requires_grad=True)
    d = a + b + c
    e = d  # assignment records nothing: e *is* d
    assert e is d and not e.is_leaf

    e = d.detach()
    assert e.is_leaf and e.grad_fn is None and not e.requires_grad
    assert e.data_ptr() == d.data_ptr()  # same storage
    version = d._version
    e.add_(1)  # an in-place change is visible through both ...
    assert d.item() == 4.0
    assert d._version == version + 1  # ... and the shared version counter notices

    e.requires_grad_()
    h = e * 2
    h.backward()
    assert e.grad.item() == 2.0  # dh/de = 2
    assert a.grad is None  # nothing flows back past the detached tensor
    return "detach: shares storage with d, e.grad = 2, a.grad is None"


def requires_grad() -> str:
    """An op's output requires grad iff any input does.

    Integer tensors cannot require grad; a frozen parameter gets no ``.grad``.
    """
    a = torch.tensor([1.0])
    b = torch.tensor([1.0])
    assert not (a + b).requires_grad
    b.requires_grad_()
    c = a + b
    assert c.requires_grad  # decided by the inputs of the op that made c
    c.backward()
    assert a.grad is None and b.grad.item() == 1.0

    # Integer tensors cannot require grad, nor can bool ones.
    assert _raises(RuntimeError, lambda: torch.tensor([1, 2], requires_grad=True))
    assert _raises(RuntimeError, lambda: torch.tensor([1, 2]).requires_grad_())
    assert _raises(RuntimeError, lambda: torch.tensor([True]).requires_grad_())

    layer = nn.Linear(3, 1)
    layer.weight.requires_grad_(False)  # frozen
    layer(torch.ones(2, 3)).sum().backward()
    assert layer.weight.grad is None and layer.bias.grad.item() == 2.0

    layer.eval()  # evaluation mode changes layers' behaviour, not autograd
    assert layer(torch.ones(2, 3)).requires_grad
    with torch.no_grad():
        assert not layer(torch.ones(2, 3)).requires_grad
    return (
        "requires_grad: set by the inputs; int tensors refuse it; "
        "frozen weight.grad is None"
    )


def graph_svg() -> str:
    """The SVG figure of the backward graph of ``d = a + b + c``.

    >>> graph_svg().lstrip().startswith("<?xml")
    True
    """
    a = torch.tensor([1.0], requires_grad=True)
    b = torch.tensor([1.0], requires_grad=True)
    c = torch.tensor([1.0], requires_grad=True)
    d = a + b + c
    return draw_graph(d, names={"a": a, "b": b, "c": c, "d": d}).svg


def main(argv: list[str] | None = None) -> int:
    """Run every topic's checks, print one line each, and write the graph figure.

    >>> import tempfile, pathlib
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = pathlib.Path(tmp) / "g.svg"
    ...     status = main(["--out", str(out)])  # doctest: +ELLIPSIS
    leaf tensors: ...
    wrote ...g.svg
    >>> status
    0
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=Path("part1_graph.svg"),
        help="where to write the SVG figure",
    )
    args = parser.parse_args(argv)

    is_leaf = leaf_tensors()
    print(
        f"leaf tensors: a, a * 2, and a sum of plain tensors have is_leaf = {is_leaf}"
    )
    for topic in (grad_and_grad_fn, retain_grad, detach, requires_grad):
        print(topic())
    args.out.write_text(graph_svg(), encoding="utf-8")
    print(f"wrote {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
