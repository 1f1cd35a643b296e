"""Three custom autograd Functions, in the modern ``torch.autograd.Function`` style.

Each one has a ``forward`` that takes no ``ctx``, a
``setup_context(ctx, inputs, output)`` that saves what the backward pass needs, and a
``backward(ctx, *grads)`` that returns one gradient per input of ``forward`` (``None``
where none is needed):

- ``LinearFunction``: ``x @ weight.T + bias``, the operation of ``nn.Linear``, with a
  hand-written backward that skips the gradients nobody asked for
  (``ctx.needs_input_grad``).
- ``StraightThroughRound``: rounds in the forward pass and passes the gradient through
  unchanged in the backward pass (a straight-through estimator).
- ``StableSoftplus``: ``log(1 + exp(x))`` computed without overflow, with the gradient
  ``sigmoid(x)``.

This file only defines them; ``custom_functions_demo.py`` beside it checks each one with
``torch.autograd.gradcheck`` and prints a summary. The examples in the docstrings run
with ``python -m pytest --doctest-modules examples/custom_functions.py``.

>>> x = torch.tensor([0.4, 1.6, -0.7], requires_grad=True)
>>> q = StraightThroughRound.apply(x)
>>> q
tensor([ 0.,  2., -1.], grad_fn=<StraightThroughRoundBackward>)
>>> q.sum().backward()
>>> x.grad
tensor([1., 1., 1.])
"""

import torch


class LinearFunction(torch.autograd.Function):
    """``x @ weight.T + bias`` with its own backward pass.

    >>> x = torch.ones(2, 3)
    >>> weight = torch.ones(4, 3, requires_grad=True)
    >>> bias = torch.zeros(4, requires_grad=True)
    >>> y = LinearFunction.apply(x, weight, bias)
    >>> y.grad_fn.name(), tuple(y.shape)
    ('LinearFunctionBackward', (2, 4))
    >>> y.sum().backward()
    >>> x.grad is None, weight.grad[0], bias.grad
    (True, tensor([2., 2., 2.]), tensor([2., 2., 2., 2.]))
    """

    @staticmethod
    def forward(x, weight, bias):
        return x @ weight.T + bias

    @staticmethod
    def setup_context(ctx, inputs, output):
        x, weight, bias = inputs
        ctx.save_for_backward(x, weight)

    @staticmethod
    def backward(ctx, grad_output):
        x, weight = ctx.saved_tensors
        grad_x = grad_weight = grad_bias = None
        if ctx.needs_input_grad[0]:
            grad_x = grad_output @ weight
        if ctx.needs_input_grad[1]:
            grad_weight = grad_output.T @ x
        if ctx.needs_input_grad[2]:
            grad_bias = grad_output.sum(0)
        return grad_x, grad_weight, grad_bias


class StraightThroughRound(torch.autograd.Function):
    """Round to the nearest integer, but let the gradient through unchanged.

    ``torch.round`` has a zero gradient almost everywhere; this one uses the identity
    instead, as if nothing had happened.

    >>> x = torch.tensor([0.4, 1.6], requires_grad=True)
    >>> torch.round(x).sum().backward()
    >>> x.grad
    tensor([0., 0.])
    """

    @staticmethod
    def forward(x):
        return torch.round(x)

    @staticmethod
    def setup_context(ctx, inputs, output):
        pass  # the backward pass needs nothing from the forward pass

    @staticmethod
    def backward(ctx, grad_output):
        return grad_output


class StableSoftplus(torch.autograd.Function):
    """``log(1 + exp(x))`` without overflow or a NaN gradient for large ``x``.

    >>> x = torch.tensor([0.0, 100.0], requires_grad=True)
    >>> y = StableSoftplus.apply(x)
    >>> y
    tensor([  0.6931, 100.0000], grad_fn=<StableSoftplusBackward>)
    >>> y.sum().backward()
    >>> x.grad
    tensor([0.5000, 1.0000])
    """

    @staticmethod
    def forward(x):
        # max(x, 0) + log(1 + exp(-|x|)): exp never sees a large positive number
        return x.clamp(min=0) + torch.log1p(torch.exp(-x.abs()))

    @staticmethod
    def setup_context(ctx, inputs, output):
        (x,) = inputs
        ctx.save_for_backward(x)

    @staticmethod
    def backward(ctx, grad_output):
        (x,) = ctx.saved_tensors
        return grad_output * torch.sigmoid(x)
