"""Check the Functions of ``custom_functions.py``; print one line of summary for each.

Every check is an ``assert``: ``torch.autograd.gradcheck`` and ``gradgradcheck`` in
float64 compare each hand-written backward with finite differences, and each Function is
compared with the PyTorch operation it replaces. Run it from anywhere::

    python examples/custom_functions_demo.py

Python puts the script's folder on ``sys.path``, so ``custom_functions`` is found beside
it. The script exits with status 0 when every check holds; a failed check raises
``AssertionError``.
"""

import torch
import torch.nn.functional as F
from custom_functions import LinearFunction, StableSoftplus, StraightThroughRound
from torch.autograd import gradcheck, gradgradcheck


def check_linear() -> str:
    torch.manual_seed(0)
    x = torch.randn(5, 3, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(4, 3, dtype=torch.float64, requires_grad=True)
    bias = torch.randn(4, dtype=torch.float64, requires_grad=True)
    assert gradcheck(LinearFunction.apply, (x, weight, bias))
    assert gradgradcheck(LinearFunction.apply, (x, weight, bias))

    # Same values and gradients as F.linear.
    y = LinearFunction.apply(x, weight, bias)
    expected = F.linear(x, weight, bias)
    assert torch.allclose(y, expected)
    mine = torch.autograd.grad(y.sum(), (x, weight, bias))
    theirs = torch.autograd.grad(expected.sum(), (x, weight, bias))
    assert all(torch.allclose(a, b) for a, b in zip(mine, theirs))

    # An input that needs no gradient gets None from backward, and no .grad.
    x_const = x.detach()
    y = LinearFunction.apply(x_const, weight, bias)
    assert y.grad_fn.needs_input_grad == (False, True, True)
    y.sum().backward()
    assert x_const.grad is None and weight.grad is not None
    return "LinearFunction: gradcheck and gradgradcheck pass; matches F.linear"


def check_straight_through() -> str:
    x = torch.tensor([0.4, 1.6, -0.7], dtype=torch.float64, requires_grad=True)
    q = StraightThroughRound.apply(x)
    assert q.tolist() == [0.0, 2.0, -1.0]
    assert q.grad_fn.name() == "StraightThroughRoundBackward"
    q.sum().backward()
    assert x.grad.tolist() == [1.0, 1.0, 1.0]

    # By design the gradient is not round()'s true derivative, 0: gradcheck says so.
    assert not gradcheck(StraightThroughRound.apply, (x,), raise_exception=False)
    return (
        "StraightThroughRound: rounds, lets gradients through; "
        "gradcheck rejects it, as it should"
    )


def check_softplus() -> str:
    torch.manual_seed(0)
    x = (torch.randn(8, dtype=torch.float64) * 20).requires_grad_()
    assert gradcheck(StableSoftplus.apply, (x,))
    assert gradgradcheck(StableSoftplus.apply, (x,))
    assert torch.allclose(StableSoftplus.apply(x), F.softplus(x))

    big = torch.tensor([-100.0, 0.0, 100.0], requires_grad=True)
    naive = torch.log(1 + torch.exp(big))
    (naive_grad,) = torch.autograd.grad(naive.sum(), big)
    assert torch.isinf(naive[2]) and torch.isnan(naive_grad[2])

    stable = StableSoftplus.apply(big)
    (stable_grad,) = torch.autograd.grad(stable.sum(), big)
    assert torch.isfinite(stable).all() and torch.isfinite(stable_grad).all()
    assert stable[2].item() == 100.0 and stable_grad[2].item() == 1.0
    return (
        "StableSoftplus: gradcheck and gradgradcheck pass; "
        "finite where the naive one gives NaN"
    )


def main() -> None:
    for check in (check_linear, check_straight_through, check_softplus):
        print(check())
    print("all checks passed")


if __name__ == "__main__":
    main()
