"""The rules the glossary states, each with the words of its English definition that state it and a
check that fails if the rule is false (tests/test_glossary.py runs them; the rule ledger names them
as glossary:TERM)."""

import math

import pytest
import torch

# Each rule: the words of the English definition that state it (a phrase, or a tuple of them), and a check that
# fails if false.


def scalar():
    from autograd_guide.cases import tensor_cases

    for shape in [(), (1,), (1, 1)]:
        for dtype in (torch.float32, torch.float64, torch.float16, torch.bfloat16):
            x = torch.ones(shape, dtype=dtype, requires_grad=True)
            (x * 3).backward()  # one real element, any shape: no gradient argument needed
            assert x.grad.tolist() == torch.full(shape, 3.0).tolist()
            (g,) = torch.autograd.grad(x * 3, x)  # the same for torch.autograd.grad
            assert g.tolist() == torch.full(shape, 3.0).tolist()
    for _name, make in tensor_cases().items():
        t = make()
        one = t.reshape(-1)[:1].sum(dim=0, keepdim=True)  # one element, from every kind of tensor
        if t.is_complex():
            with pytest.raises(RuntimeError, match="real scalar outputs"):
                one.backward()  # complex: gradient= is needed
            one.backward(gradient=torch.ones_like(one))
        else:
            one.backward()
    with pytest.raises(RuntimeError, match="scalar outputs"):
        (torch.ones(2, requires_grad=True) * 3).backward()
    with pytest.raises(RuntimeError, match="return a scalar Tensor, got tensor with 1 dims"):
        torch.func.grad(lambda x: x * 3)(torch.ones(1))  # torch.func.grad wants shape ()


def no_grad_mode():
    w = torch.ones(3, requires_grad=True)
    h = w * 2  # a non-leaf
    with torch.no_grad():
        results = [
            w * 2,
            h * 2,
            h.sum(),
            h.argmax(),
            h.to(torch.float64),
            h.half(),
            h.clone(),
            torch.view_as_complex(torch.stack([h, h], -1)),
        ]
        view, factory = w[:2], torch.ones(2, requires_grad=True)
        transposed = torch.ones(2, 2, requires_grad=True).t()
        returned = [h.float(), h.to(torch.float32), h.contiguous(), h.cpu(), h.mul_(1)]
    for result in results:  # new tensors: no grad_fn, no requires_grad
        assert result.grad_fn is None and not result.requires_grad and result.is_leaf
    assert view.requires_grad and view.grad_fn is None and transposed.requires_grad
    assert factory.requires_grad and factory.is_leaf
    cube = (w**3).sum()
    with torch.no_grad():  # nn.Parameter, a module's included, requires grad too
        parameter, module = torch.nn.Parameter(torch.ones(2)), torch.nn.Linear(2, 2)
        (second,) = torch.autograd.grad(cube, w, create_graph=True)  # the backward pass is recorded even here
    assert parameter.requires_grad and parameter.is_leaf and module.weight.requires_grad
    assert second.grad_fn is not None and second.requires_grad
    (view * 2).sum().backward()  # recorded from the view on, but nothing reaches w
    assert w.grad is None
    # calls with nothing to do return their input: grad_fn included, and gradient flows through
    for same in returned:
        assert same is h and same.grad_fn is not None
    x = torch.tensor([0.5, 1.0], requires_grad=True)
    h = x * 2
    with torch.no_grad():
        k, constant = h.float(), h.detach()
    (k.sum() + constant.sum()).backward()
    assert x.grad.tolist() == [2.0, 2.0]  # through k, not through the detached constant
    # a view taken under no_grad breaks once its base changes in place, e.g. in optimizer.step()
    layer = torch.nn.Linear(2, 1)
    with torch.no_grad():
        row = layer.weight[0]
    layer(torch.ones(1, 2)).sum().backward()
    torch.optim.SGD(layer.parameters(), lr=0.1).step()
    with pytest.raises(RuntimeError, match="view was created in no_grad mode"):
        row * 2
    with pytest.raises(RuntimeError, match="view was created in no_grad mode"):
        _ = row.is_leaf
    layer = torch.nn.Linear(2, 1)
    with torch.no_grad():
        row = layer.weight[0]
    layer(torch.ones(1, 2)).sum().backward()
    before = layer.weight.detach().clone()
    torch.optim.SGD(layer.parameters(), lr=0.1, fused=True).step()  # changes the base, uncounted
    assert not torch.equal(before, layer.weight.detach()) and (row * 2).requires_grad  # still usable
    import torch.autograd.forward_ad as fwAD

    with fwAD.dual_level(), torch.no_grad():
        assert fwAD.unpack_dual(fwAD.make_dual(torch.tensor(2.0), torch.tensor(1.0)) ** 2).tangent.item() == 4.0


def autograd():
    x, constant = torch.tensor([3.0], requires_grad=True), torch.tensor([2.0])
    y = x * constant
    assert y.grad_fn.name() == "MulBackward0" and (constant * 2).grad_fn is None
    c = torch.tensor([1.0 + 1j], requires_grad=True)
    assert (c * 2).grad_fn is not None and (x.half() * 2).grad_fn is not None
    for integer in (y.argmax(), y > 0, y.long(), y.to(torch.bool), y.floor().int()):
        assert integer.grad_fn is None and not integer.requires_grad  # integer or bool: not recorded
    with torch.no_grad():
        assert (x * constant).grad_fn is None
    with torch.inference_mode(), torch.enable_grad():  # grad mode on inside inference mode: still not recorded
        assert torch.is_grad_enabled() and (x * constant).grad_fn is None

    class Marked(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            out = t * 2
            ctx.mark_non_differentiable(out)
            return out

        @staticmethod
        def backward(ctx, grad):
            return grad

    for fresh in (x.detach(), torch.zeros_like(x), torch.randn_like(x), x.new_ones(2), torch.histc(x, bins=3), Marked.apply(x)):
        assert fresh.dtype.is_floating_point and fresh.grad_fn is None and not fresh.requires_grad  # not recorded
    for same in (x, y):  # a call that returns its input itself records nothing new
        for call in (same.float(), same.to(torch.float32), same.contiguous()):
            assert call is same and call.grad_fn is same.grad_fn
    assert x.float().grad_fn is None and x.double().grad_fn is not None
    (returned,) = torch.autograd.grad(y, x, retain_graph=True)
    y.backward()
    assert torch.equal(returned, x.grad) and x.grad.item() == 2.0


def inference_mode():
    w = torch.ones(3, requires_grad=True)
    with torch.inference_mode():
        t = torch.ones(3)
        import torch.autograd.forward_ad as fwAD

        with fwAD.dual_level():
            assert fwAD.unpack_dual(fwAD.make_dual(torch.tensor(2.0), torch.tensor(1.0)) ** 2).tangent is None
    ordinary = torch.ones(3)
    with torch.inference_mode():
        view = ordinary[:2]
    assert torch.is_inference(t) and not torch.is_inference(view)
    with torch.inference_mode():
        inner = t[:2]  # a view of an inference tensor: not tracked
        before = ordinary._version
        ordinary.add_(1)  # an ordinary tensor changed in place inside: still counted
    assert inner._base is None and ordinary._version == before + 1 and view._base is ordinary
    with pytest.raises(RuntimeError, match="do not track version counter"):
        _ = t._version
    assert (t + w).requires_grad  # read by an ordinary operation: fine
    for forbidden in (lambda: t * w, lambda: t.requires_grad_(), lambda: torch.nn.Parameter(t)):
        with pytest.raises(RuntimeError, match="nference"):
            forbidden()
    assert t.tolist() == [1.0, 1.0, 1.0]
    for change, after in [
        (lambda: t.add_(1), [2.0, 2.0, 2.0]),
        (lambda: t[:1].mul_(5), [10.0, 2.0, 2.0]),
        (lambda: t.copy_(torch.zeros(3)), [0.0, 0.0, 0.0]),
    ]:
        with pytest.raises(RuntimeError, match="Inplace update to inference tensor outside InferenceMode"):
            change()
        assert t.tolist() == after  # raised, but only after the change was made
    t.detach().add_(1)  # through detach() or .data: no error
    t.data.add_(1)
    assert torch.is_inference(t.detach()) and t.tolist() == [2.0, 2.0, 2.0]


def saved_tensors():
    x = torch.tensor(2.0, requires_grad=True)
    y = x**3
    (g,) = torch.autograd.grad(y, x, create_graph=True)  # retain_graph defaults to create_graph
    assert torch.autograd.grad(y, x)[0].item() == 12.0  # so the graph is still there
    with pytest.raises(RuntimeError, match="second time"):
        torch.autograd.grad(y, x)  # the call before freed it
    assert g.item() == 12.0
    with pytest.raises(RuntimeError, match="second time"):
        y = x**3
        y.backward()
        y.backward()  # backward() frees them too
    # a pass frees only the nodes it ran: the other branch can still be walked
    a, b = torch.tensor(1.0, requires_grad=True), torch.tensor(2.0, requires_grad=True)
    loss = a.exp() * 2 + b.sin() * 3
    torch.autograd.grad(loss, a)
    torch.autograd.grad(loss, b)  # b's branch was not run, so not freed
    with pytest.raises(RuntimeError, match="second time"):
        torch.autograd.grad(loss, a)
    loss = a.exp() * 2 + b.sin() * 3
    loss.backward(inputs=[b])
    loss.backward(inputs=[a])

    # custom Functions: what ctx.save_for_backward holds is freed the same way, a ctx attribute is not
    class Saved(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.save_for_backward(t)
            return t * 2

        @staticmethod
        def backward(ctx, grad):
            (t,) = ctx.saved_tensors
            return grad * t

    class Attribute(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.t = t
            return t * 2

        @staticmethod
        def backward(ctx, grad):
            return grad * ctx.t

    out = Saved.apply(a).sum()
    out.backward()
    with pytest.raises(RuntimeError, match="second time"):
        out.backward()
    a.grad = None
    out = Attribute.apply(a).sum()
    out.backward()
    out.backward()  # not freed: runs again
    assert a.grad.item() == 2.0


def pack_and_unpack():
    calls = []
    w = torch.ones(2, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(lambda t: calls.append("pack") or t, lambda t: calls.append("unpack") or t):
        y = (w * w).sum()  # mul saves both operands
    calls.append("forward done")
    y.backward(retain_graph=True)
    y.backward()
    assert calls == ["pack", "pack", "forward done"] + ["unpack"] * 4
    calls.clear()
    x = torch.tensor(2.0, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(lambda t: calls.append("pack") or t, lambda t: calls.append("unpack") or t):
        y = x**3  # saves x
        calls.append("forward done")
        torch.autograd.grad(y, x, create_graph=True)  # the graph of the gradient saves tensors too
    assert calls[:3] == ["pack", "forward done", "unpack"] and calls[3:] and set(calls[3:]) == {"pack"}
    calls.clear()
    y = x**3
    with torch.autograd.graph.saved_tensors_hooks(lambda t: calls.append("pack") or t, lambda t: calls.append("unpack") or t):
        torch.autograd.grad(y, x)  # without create_graph nothing is saved during backward
    assert calls == []
    from torch.utils.checkpoint import checkpoint

    with torch.autograd.graph.saved_tensors_hooks(lambda t: calls.append("pack") or t, lambda t: t):
        with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: t):
            y = x**3  # an inner pair takes over
        assert calls == []
        y = x.sin() * x  # sin saves x, mul saves sin(x) and x
        assert calls == ["pack"] * 3
        calls.clear()
        y = checkpoint(lambda t: t.sin() * t, x, use_reentrant=False)  # checkpoint's own pair takes over
        assert calls == ["pack"]  # only checkpoint's saving of its input x, outside its own pair; not the three


def unpack_hook():
    pack_and_unpack()
    calls = []
    x = torch.ones(2, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: calls.append("unpack") or t):
        y = x.exp()  # saves its result
    assert y.grad_fn._saved_result is not None and calls == ["unpack"]  # read outside backward: unpacked too


def hook():
    seen = []
    w = torch.ones(2, requires_grad=True)
    layer = torch.nn.Linear(2, 1)
    layer.register_forward_hook(lambda *args: seen.append("module forward hook"))
    y = layer(w)
    y.grad_fn.register_hook(lambda *args: seen.append("node hook"))
    w.register_hook(lambda grad: seen.append("tensor hook"))
    seen.append("backward starts")
    y.sum().backward()
    assert seen == ["module forward hook", "backward starts", "node hook", "tensor hook"]
    w.register_post_accumulate_grad_hook(lambda t: t.grad * 0)  # may not replace the gradient
    with pytest.raises(RuntimeError, match="post accumulate grad hooks should return None"):
        layer(w).sum().backward()
    pack_and_unpack()  # pack hooks: in the forward pass and in a create_graph backward


def vector_jacobian_product():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    v = torch.tensor([3.0, 4.0])
    y = x**2  # J = diag(2x)
    assert torch.autograd.grad(y, x, grad_outputs=v, retain_graph=True)[0].tolist() == [6.0, 16.0]
    assert y.backward(gradient=v) is None and x.grad.tolist() == [6.0, 16.0]
    a = torch.tensor([[1.0, 2.0], [0.0, 3.0]])  # J = a, not symmetric: vᵀJ differs from Jv
    x.grad = None
    (a @ x).backward(gradient=v)
    assert x.grad.tolist() == (v @ a).tolist() == [3.0, 18.0] and (a @ v).tolist() != [3.0, 18.0]
    c, vc = torch.tensor(2 + 1j), torch.tensor([1 + 0.5j, -2j])  # holomorphic s = c z: J = c
    z = torch.tensor([1 + 2j, 3 - 1j], requires_grad=True)
    (returned,) = torch.autograd.grad(c * z, z, grad_outputs=vc)
    assert torch.allclose(returned, (vc.conj() * c).conj()) and not torch.allclose(returned, vc * c)


def subgradient():
    zero = torch.tensor(0.0, requires_grad=True)
    for function, expected in [(torch.relu, 0.0), (torch.abs, 0.0), (torch.sqrt, float("inf"))]:
        assert torch.autograd.grad(function(zero), zero)[0].item() == expected, function.__name__
    concave = torch.tensor([1.0, 1.0], requires_grad=True)
    torch.min(concave).backward()  # min is concave: the smallest-norm supergradient splits evenly
    assert concave.grad.tolist() == [0.5, 0.5]
    assert torch.autograd.grad(torch.clamp(zero, min=0), zero)[0].item() == 1.0  # relu's function, not its rule
    tie = torch.tensor([3.0, 3.0], requires_grad=True)
    tie.max(dim=0).values.backward()
    assert tie.grad.tolist() == [1.0, 0.0]  # one index takes it all


def frozen_parameters():
    torch.manual_seed(0)
    for options in ({}, {"momentum": 0.9}, {"weight_decay": 0.1}):
        layer = torch.nn.Linear(2, 1)
        optimizer = torch.optim.SGD(layer.parameters(), lr=0.1, **options)
        layer(torch.ones(1, 2)).sum().backward()
        optimizer.step()
        layer.weight.requires_grad_(False)  # its .grad is still the last one, not zero
        before = layer.weight.clone()
        layer(torch.ones(1, 2)).sum().backward()
        assert layer.weight.grad is not None and layer.weight.grad.abs().sum() > 0
        optimizer.step()
        assert not torch.equal(layer.weight, before), options  # applied, even by plain SGD
        optimizer.zero_grad(set_to_none=False)  # leaves a zero .grad behind
        before = layer.weight.clone()
        layer(torch.ones(1, 2)).sum().backward()
        optimizer.step()
        assert torch.equal(layer.weight, before) == (options == {}), options  # a zero one: only momentum/decay
        layer.weight.grad = None
        before = layer.weight.clone()
        optimizer.step()
        assert torch.equal(layer.weight, before), options  # .grad None: skipped
    for options, moves in (({"momentum": 0.9}, False), ({"weight_decay": 0.1}, True)):  # an optimizer that never stepped it
        weight = torch.nn.Parameter(torch.ones(2), requires_grad=False)
        weight.grad = torch.zeros(2)
        torch.optim.SGD([weight], lr=0.1, **options).step()
        assert (weight.tolist() != [1.0, 1.0]) == moves, options  # momentum: no buffer yet, so a zero .grad moves nothing
    frozen = torch.nn.Parameter(torch.ones(2), requires_grad=False)
    (frozen * torch.ones(2, requires_grad=True)).sum().backward()
    assert frozen.grad is None  # backward() gives it nothing
    p, q = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(2))
    lbfgs = torch.optim.LBFGS([p, q], lr=0.1, max_iter=3)

    def closure():
        lbfgs.zero_grad()
        loss = ((q - 2) ** 2).sum() + (((p - 3) ** 2).sum() if p.requires_grad else 0)
        loss.backward()
        return loss

    lbfgs.step(closure)
    p.requires_grad_(False)  # frozen after a step with a gradient
    before = p.detach().clone()
    lbfgs.step(closure)
    assert p.grad is None and not torch.equal(before, p.detach())  # LBFGS still moves it


def anomaly_detection():
    class NanBackward(torch.autograd.Function):  # a custom Function whose backward returns NaN
        @staticmethod
        def forward(ctx, x):
            return x * 1

        @staticmethod
        def backward(ctx, grad):
            return grad * float("nan")

    x = torch.tensor(0.0, requires_grad=True)
    for run in (
        lambda: (torch.sqrt(x) * 0).backward(),  # 0 * inf = nan in SqrtBackward0
        lambda: torch.autograd.grad(torch.sqrt(x) * 0, x),
        lambda: NanBackward.apply(x).backward(),
    ):
        with (
            torch.autograd.detect_anomaly(),
            pytest.warns(UserWarning, match="Traceback of forward call"),
            pytest.raises(RuntimeError, match="returned nan values"),
        ):
            run()
    (torch.sqrt(x) * 0).backward()  # without it, the NaN goes through silently
    assert x.grad.isnan()
    outside = torch.sqrt(x) * 0  # forward outside the mode: the node has no traceback
    with (
        torch.autograd.detect_anomaly(),
        pytest.warns(UserWarning, match="No forward pass information available"),
        pytest.raises(RuntimeError, match="returned nan values"),
    ):
        outside.backward()


def automatic_differentiation():
    import torch.autograd.forward_ad as fwAD

    with fwAD.dual_level():
        assert fwAD.unpack_dual(torch.sin(fwAD.make_dual(torch.tensor(0.0), torch.tensor(1.0)))).tangent.item() == 1.0
    assert torch.func.jvp(torch.sin, (torch.tensor(0.0),), (torch.tensor(1.0),))[1].item() == 1.0


def leaf_tensor():
    created = torch.ones(1, requires_grad=True)
    parameter = torch.nn.Parameter(torch.ones(1))
    with torch.no_grad():
        under_no_grad = created * 2
    untracked = torch.ones(1) * 2
    assert all(t.is_leaf and t.grad_fn is None for t in (created, parameter, under_no_grad, untracked))
    middle = created * 2
    with torch.no_grad():
        assert not middle.float().is_leaf  # not a new tensor: the non-leaf itself
    middle.retain_grad()
    (middle * 3).backward()
    assert created.grad.item() == 6.0 and middle.grad.item() == 3.0 and not middle.is_leaf
    # backward(inputs=...) fills a non-leaf's .grad and turns retains_grad on for later passes
    a = torch.ones(2, requires_grad=True)
    h = a * 2
    loss = (h * 3).sum()
    assert not h.retains_grad
    loss.backward(inputs=[h], retain_graph=True)
    assert h.grad.tolist() == [3.0, 3.0] and h.retains_grad and a.grad is None
    loss.backward()
    assert h.grad.tolist() == [6.0, 6.0] and a.grad.tolist() == [6.0, 6.0]
    # a view taken under no_grad or inference_mode is a leaf that requires grad, yet gets no .grad
    for mode in (torch.no_grad, torch.inference_mode):
        with mode():
            quiet = a[:1]
        assert quiet.is_leaf and quiet.requires_grad
        (quiet * 2).sum().backward()
        assert quiet.grad is None

    # a leaf whose only gradient is a custom Function's None gets no .grad
    class NoneForSecond(torch.autograd.Function):
        @staticmethod
        def forward(ctx, p, q):
            return p * q

        @staticmethod
        def backward(ctx, grad):
            return grad, None

    p, q = torch.ones(2, requires_grad=True), torch.ones(2, requires_grad=True)
    NoneForSecond.apply(p, q).sum().backward()
    assert p.grad.tolist() == [1.0, 1.0] and q.grad is None
    q2 = torch.ones(2, requires_grad=True)
    (NoneForSecond.apply(p, q2) + q2).sum().backward()  # another path brings a gradient
    assert q2.grad.tolist() == [1.0, 1.0]
    # torch.autograd.grad fills no .grad at all
    b = torch.ones(2, requires_grad=True)
    torch.autograd.grad((b * 2).sum(), b)
    assert b.grad is None


def version_counter():
    x = torch.ones(3)
    x.add_(1)
    x[0] = 5.0
    assert x._version == 2
    with torch.no_grad():
        x.mul_(2)  # counted under no_grad too
    assert x._version == 3
    view = x[:2]
    view.add_(1)
    assert x._version == view._version == 4  # one counter for a view and its base
    x.detach().add_(1)  # detach() shares the counter
    assert x._version == 5
    x.data.mul_(2)
    x.numpy()[0] = 7.0
    x.untyped_storage()[4:8].copy_(torch.tensor([8.0]).untyped_storage())  # the bytes of x[1]
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # TypedStorage is deprecated
        x.storage()[2] = 9.0
    assert x._version == 5 and x.tolist()[:3] == [7.0, 8.0, 9.0]  # not counted
    torch.from_numpy(x.numpy()).add_(1)
    torch.from_dlpack(x).add_(1)
    assert x._version == 5 and x.tolist()[:3] == [9.0, 10.0, 11.0]  # nor through tensors made from its memory
    # a fused optimizer step changes the parameter in place without raising its counter: backward misses it
    for kind in (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW, torch.optim.Adagrad):
        for fused in (False, True):
            p = torch.nn.Parameter(torch.ones(2))
            y = (p * p).sum()  # saves p
            p.grad = torch.ones(2)
            before = p._version
            kind([p], lr=0.1, fused=fused).step()
            assert p.tolist() != [1.0, 1.0] and (p._version == before) == fused, (kind.__name__, fused)
            p.grad = None
            if fused:
                y.backward()  # no error: the new values are used
                assert torch.equal(p.grad, 2 * p.detach())
            else:
                with pytest.raises(RuntimeError, match="modified by an inplace operation"):
                    y.backward()
    # so does GradScaler.unscale_, which divides the gradients in place
    p = torch.nn.Parameter(torch.ones(2))
    scaler = torch.amp.GradScaler("cpu", init_scale=4.0)
    scaler.scale((p * p).sum()).backward()
    opt = torch.optim.SGD([p], lr=0.1)
    grad, before = p.grad, p.grad._version
    scaler.unscale_(opt)
    assert p.grad is grad and p.grad.tolist() == [2.0, 2.0] and p.grad._version == before
    with torch.inference_mode():
        t = torch.ones(1)
    with pytest.raises(RuntimeError, match="do not track version counter"):
        _ = t._version
    w = torch.ones(2, requires_grad=True)
    y = w * 1
    z = y * y
    y.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()  # the saved y was changed


def dynamic_graph():
    w = torch.tensor(2.0, requires_grad=True)

    def forward(x):
        return w * x if x > 0 else w * w  # the branch taken decides the graph

    first, second = forward(torch.tensor(3.0)), forward(torch.tensor(3.0))
    assert first.grad_fn is not second.grad_fn  # recorded anew on every pass
    assert [f is None for f, _ in first.grad_fn.next_functions] == [False, True]
    negative = forward(torch.tensor(-1.0))
    assert [f is None for f, _ in negative.grad_fn.next_functions] == [False, False]
    first.backward()
    with pytest.raises(RuntimeError, match="second time"):
        first.backward()  # freed: the next forward pass builds a new graph
    second.backward()
    assert w.grad.item() == 6.0


def control_flow():
    dynamic_graph()  # the branch taken decides what autograd records

    def branchy(x):
        return x * 2 if x.sum() > 0 else x * 3

    for sign, slope in ((1.0, 2.0), (-1.0, 3.0)):
        x = torch.full((2,), sign, requires_grad=True)
        branchy(x).sum().backward()
        assert x.grad.tolist() == [slope, slope]
        assert torch.func.grad(lambda t: branchy(t).sum())(torch.full((2,), sign)).tolist() == [slope, slope]
    with pytest.raises(RuntimeError, match="data-dependent control flow"):
        torch.func.vmap(branchy)(torch.ones(3, 2))  # vmap refuses the branch on a batched tensor
    assert torch.func.vmap(lambda a, b: branchy(b) * a, in_dims=(0, None))(torch.ones(3), torch.ones(2)).shape == (3, 2)
    torch._dynamo.reset()
    assert torch.compile(branchy, backend="eager")(-torch.ones(2)).tolist() == [-3.0, -3.0]  # a graph break: fine
    torch._dynamo.reset()  # else the graph-broken code compiled above is reused
    with pytest.raises(Exception, match="[Dd]ata-dependent"):
        torch.compile(branchy, backend="eager", fullgraph=True)(torch.ones(2))

    class Branchy(torch.nn.Module):
        def forward(self, x):
            return branchy(x)

    with pytest.raises(Exception, match="data-dependent"):
        torch.export.export(Branchy(), (torch.ones(2),))
    torch._dynamo.reset()
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch.jit.trace is deprecated; it also warns about the branch
        traced = torch.jit.trace(branchy, torch.ones(2))
    assert traced(-torch.ones(2)).tolist() == [-2.0, -2.0] != branchy(-torch.ones(2)).tolist()  # the branch it saw


def view():
    base = torch.zeros(2, 3)
    for v in (base[0], base.view(3, 2), base.t(), base[:, :1].expand(2, 3), base.unbind()[1], base.split(1)[0]):
        assert v._base is base and v.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
    row = base[0]
    row.add_(1)
    base[1, 0] = 5.0
    assert base[0].tolist() == [1.0, 1.0, 1.0] and row._version == base._version == 2
    assert base[[0]]._base is None and base.clone()._base is None  # copies, not views
    with torch.no_grad():
        quiet = base[1]
    with torch.inference_mode():
        inference = base[1]  # a view of an ordinary tensor, made in inference mode
    from autograd_guide.cases import tensor_cases

    custom = tensor_cases()["custom Function view"]()
    for v in (quiet, inference, custom):
        assert v._base is not None
    base.add_(1)
    assert quiet._version == inference._version == base._version == 3 and inference[0].item() == 6.0
    custom._base.add_(1)
    assert custom._version == custom._base._version
    wide = base[0].expand(2, 3)
    for refused in (lambda: wide.mul_(2), lambda: wide.copy_(torch.ones(2, 3))):
        with pytest.raises(RuntimeError, match="more than one element of the written-to tensor"):
            refused()
    wide.fill_(2.0)  # one value for every element: accepted
    wide.zero_()
    assert base[0].tolist() == [0.0, 0.0, 0.0]
    same = base[0].expand(3)  # an expand() that repeats nothing accepts mul_()
    same.mul_(2)
    assert same._base is base
    for shared in (base.detach(), base.data):  # the same memory, but not views
        assert shared._base is None and shared.data_ptr() == base.data_ptr()
    with torch.inference_mode():
        inference = torch.zeros(3)
        inside = inference[:2]
    outside = inference[:2]
    for piece in (inside, outside):  # a slice of an inference tensor: the same memory, not tracked as a view
        assert piece._base is None and not piece._is_view() and piece.data_ptr() == inference.data_ptr()


def backward_node():
    from torch.autograd.graph import Node

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    p, q = h * 3, h**2  # both ready at once after the add; q was created last
    order = []
    for t in (h, p, q):
        assert isinstance(t.grad_fn, Node)
        t.grad_fn.register_prehook(lambda g, n=t.grad_fn: order.append(n))
    (p + q).sum().backward()
    assert order == [q.grad_fn, p.grad_fn, h.grad_fn]  # h waits for both of its gradients
    assert isinstance(h.grad_fn.next_functions[0][0], Node)  # the leaf's AccumulateGrad
    # an AccumulateGrad goes before the other ready nodes, even one created earlier
    y = torch.ones(2, requires_grad=True)
    early = y * 1  # creates y's AccumulateGrad now and keeps it alive
    xb = torch.ones(2, requires_grad=True)
    b = xb * 3 * 2
    out = b + y  # b's MulBackward0 and y's AccumulateGrad are ready at once
    accumulate = out.grad_fn.next_functions[1][0]
    assert accumulate is early.grad_fn.next_functions[0][0]
    order = []
    b.grad_fn.register_prehook(lambda g: order.append("MulBackward0"))
    accumulate.register_prehook(lambda g: order.append("AccumulateGrad"))
    for call in (
        lambda: out.sum().backward(retain_graph=True),
        lambda: out.sum().backward(inputs=[y, b], retain_graph=True),
        lambda: torch.autograd.backward([out.sum(), b.sum()], retain_graph=True),
    ):
        order.clear()
        call()
        assert order == ["AccumulateGrad", "MulBackward0"]
    order.clear()
    torch.autograd.grad(out.sum(), [y, xb], retain_graph=True)
    assert order == ["MulBackward0"]  # torch.autograd.grad runs no AccumulateGrad: it returns the gradient
    # sequence numbers are counted per thread: a node created later in another thread can run later
    import threading

    p = x * 3
    made = {}
    worker = threading.Thread(target=lambda: made.setdefault("q", x * 5))
    worker.start()
    worker.join()
    q = made["q"]
    assert q.grad_fn._sequence_nr() < p.grad_fn._sequence_nr()
    order = []
    for t in (p, q):
        t.grad_fn.register_prehook(lambda g, n=t.grad_fn: order.append(n))
    (p + q).sum().backward()
    assert order == [p.grad_fn, q.grad_fn]  # p first, though q was created after it


def wirtinger_derivative():
    # a real loss of complex z: .grad == dL/dx + i dL/dy, checked against two real leaves
    for loss in (lambda z: (z * z.conj()).real, lambda z: z.abs(), lambda z: (z**3).real):
        x = torch.tensor(0.5, dtype=torch.float64, requires_grad=True)
        y = torch.tensor(-1.5, dtype=torch.float64, requires_grad=True)
        loss(torch.complex(x, y)).backward()
        z = torch.tensor(0.5 - 1.5j, dtype=torch.cdouble, requires_grad=True)
        loss(z).backward()
        assert torch.allclose(z.grad, torch.complex(x.grad, y.grad))
        # the direction in which L rises fastest: a small step along it raises L most
        with torch.no_grad():
            step = 1e-4 * z.grad / z.grad.abs()
            rise = loss(z + step) - loss(z)
            for turn in (1j, -1j, -1, 0.8 + 0.6j):
                assert rise > loss(z + step * turn) - loss(z)
    # twice dL/d(conj z): for |z|^2, dL/d(conj z) = z
    z = torch.tensor(3 + 4j, requires_grad=True)
    (z * z.conj()).real.backward()
    assert torch.equal(z.grad, 2 * z.detach())


def mixed_precision():
    assert torch.get_autocast_dtype("cpu") == torch.bfloat16 and torch.get_autocast_dtype("cuda") == torch.float16
    w = torch.ones(2, 2, requires_grad=True)
    seen = []
    with torch.autocast("cpu"):
        low = w @ w  # on the CPU list of lower-precision ops
        high = torch.nn.functional.mse_loss(low, torch.zeros(2, 2))  # on the CPU float32 list
        converted = (w * 2).to(torch.float16) * 2  # an op outside the lists keeps its input type
    assert (low.dtype, high.dtype, converted.dtype) == (torch.bfloat16, torch.float32, torch.float16)
    for t in (low, converted):
        t.grad_fn.register_prehook(lambda grad, t=t: seen.append((t.dtype, grad[0].dtype)))
    (high + converted.sum()).backward()
    assert sorted(seen, key=str) == sorted([(torch.bfloat16, torch.bfloat16), (torch.float16, torch.float16)], key=str)
    assert w.grad.dtype == torch.float32

    class Plain(torch.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            ctx.save_for_backward(a)
            return a @ a

        @staticmethod
        def backward(ctx, grad):
            (a,) = ctx.saved_tensors
            seen.append(torch.is_autocast_enabled("cpu"))
            return grad @ a.t() + a.t() @ grad

    class Decorated(Plain):
        forward = staticmethod(torch.amp.custom_fwd(Plain.forward, device_type="cpu"))
        backward = staticmethod(torch.amp.custom_bwd(Plain.backward, device_type="cpu"))

    seen.clear()
    with torch.autocast("cpu"):
        out = Plain.apply(w)
    with pytest.raises(RuntimeError, match="same dtype"):
        out.sum().backward()  # runs outside autocast: bfloat16 grad, float32 saved input
    assert seen == [False]
    with torch.autocast("cpu"):
        out = Decorated.apply(w)
    out.sum().backward()
    assert seen == [False, True]

    class DecoratedSetupContext(torch.autograd.Function):  # the decorators need the forward(ctx, ...) style
        @staticmethod
        @torch.amp.custom_fwd(device_type="cpu")
        def forward(a):
            return a @ a

        @staticmethod
        def setup_context(ctx, inputs, output):
            ctx.save_for_backward(inputs[0])

        backward = staticmethod(torch.amp.custom_bwd(Plain.backward, device_type="cpu"))

    with torch.autocast("cpu"):
        out = DecoratedSetupContext.apply(w)
    with pytest.raises(AttributeError, match="_fwd_used_autocast"):
        out.sum().backward()
    seen.clear()
    with torch.autocast("cpu"):
        out = Plain.apply(w)
        out.sum().backward()  # inside the region, on the CPU: run with autocast on
    assert seen == [True]


def gradient_scaling():
    assert torch.tensor(1e-8).half().item() == 0 and (torch.tensor(1e-8) * 2**16).half().item() > 0
    for bad in (float("inf"), float("nan")):
        p = torch.nn.Parameter(torch.ones(1))
        optimizer = torch.optim.SGD([p], lr=0.1)
        scaler = torch.amp.GradScaler("cpu", init_scale=4.0)
        assert scaler.get_backoff_factor() == 0.5  # the default
        scaler.scale(p.sum() * bad).backward()
        scaler.step(optimizer)
        scaler.update()
        assert p.item() == 1.0 and scaler.get_scale() == 2.0  # skipped, scale halved
    import inspect

    assert inspect.signature(torch.amp.GradScaler).parameters["device"].default == "cuda"
    if not torch.cuda.is_available():  # GradScaler() turns itself off and lets a NaN step through
        with pytest.warns(UserWarning, match="CUDA is not available"):
            scaler = torch.amp.GradScaler()
        p = torch.nn.Parameter(torch.ones(1))
        optimizer = torch.optim.SGD([p], lr=0.1)
        scaler.scale(p.sum() * float("nan")).backward()
        scaler.step(optimizer)
        assert not scaler.is_enabled() and p.isnan().item()


def gradient_clipping():
    a = torch.zeros(2, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    unused = torch.zeros(1, requires_grad=True)  # .grad None: skipped
    a.grad, b.grad = torch.tensor([3.0, 0.0]), torch.tensor([4.0])
    assert torch.nn.utils.clip_grad_norm_([a, b, unused], max_norm=1.0).item() == 5.0  # before clipping
    assert torch.allclose(a.grad, torch.tensor([0.6, 0.0])) and torch.allclose(b.grad, torch.tensor([0.8]))
    assert unused.grad is None
    a.grad, b.grad = torch.tensor([0.3, 0.0]), torch.tensor([0.4])
    assert torch.nn.utils.clip_grad_norm_([a, b], max_norm=1.0).item() == pytest.approx(0.5)
    assert torch.equal(a.grad, torch.tensor([0.3, 0.0])) and torch.equal(b.grad, torch.tensor([0.4]))  # left as they are
    a = torch.zeros(2, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    a.grad, b.grad = torch.tensor([0.6, 0.0], dtype=torch.float64), torch.tensor([0.8], dtype=torch.float64)
    torch.nn.utils.clip_grad_norm_([a, b], max_norm=1.0)  # equal to max_norm: still shrinks, by 1 / (1 + 1e-6)
    assert a.grad[0].item() == 0.6 / (1.0 + 1e-6) and 0.6 / (1.0 + 1e-6) < 0.6
    for total, shrinks in [(1.0 - 2e-6, False), (1.0 - 0.5e-6, True)]:  # below max_norm - 1e-6 or not
        a.grad, b.grad = torch.tensor([total, 0.0], dtype=torch.float64), torch.tensor([0.0], dtype=torch.float64)
        assert torch.nn.utils.clip_grad_norm_([a, b], max_norm=1.0).item() == total < 1.0
        assert (a.grad[0].item() < total) == shrinks, total  # a factor of 1 or more is capped at 1
    for bad, after in [(float("inf"), [[True, False], [False]]), (float("nan"), [[True, True], [True]])]:
        a.grad, b.grad = torch.tensor([bad, 1.0], dtype=torch.float64), torch.tensor([2.0], dtype=torch.float64)
        assert not math.isfinite(torch.nn.utils.clip_grad_norm_([a, b], max_norm=1.0).item())
        assert [a.grad.isnan().tolist(), b.grad.isnan().tolist()] == after  # NaNs, and zeros for the rest
        assert (torch.nan_to_num(a.grad, nan=0.0) == 0).all() and (torch.nan_to_num(b.grad, nan=0.0) == 0).all()
        with pytest.raises(RuntimeError, match="non-finite"):
            torch.nn.utils.clip_grad_norm_([a, b], max_norm=1.0, error_if_nonfinite=True)


def graph_break():
    def f(x):
        y = torch.sin(x)
        print("graph break")
        return y.sum()

    torch._dynamo.reset()
    x = torch.ones(2, requires_grad=True)
    report = torch._dynamo.explain(f)(x)
    assert (report.graph_count, report.graph_break_count) == (2, 1)
    out = torch.compile(f, backend="aot_eager")(x)
    assert out.grad_fn.name() == "CompiledFunctionBackward"
    assert out.grad_fn.next_functions[0][0].name() == "CompiledFunctionBackward"
    import inspect

    from torch._inductor import compile_fx  # the default backend goes through AOTAutograd too

    assert "aot_autograd(" in inspect.getsource(compile_fx._compile_fx_main)

    def g(c, w):
        y = c * 2  # graph 1 computes nothing requiring grad: no node
        print("graph break")
        k = (y * w).argmax()  # graph 2 computes y * w, which requires grad, but returns only k: no node
        print("graph break")
        return (w * k).sum()  # graph 3 returns something requiring grad: a node

    torch._dynamo.reset()
    c, w = torch.ones(2), torch.ones(2, requires_grad=True)
    assert torch._dynamo.explain(g)(c, w).graph_count == 3
    out = torch.compile(g, backend="aot_eager")(c, w)
    assert out.grad_fn.name() == "CompiledFunctionBackward"
    names = [n.name() if n is not None else None for n, _ in out.grad_fn.next_functions]
    assert sorted(names, key=str) == [None, "torch::autograd::AccumulateGrad"], names  # one node, not three
    torch._dynamo.reset()
    seen = []
    with torch.autograd.graph.saved_tensors_hooks(lambda t: seen.append(t) or t, lambda t: t):
        k = torch.compile(lambda c, w: (c * 2 * w).argmax(), backend="aot_eager")(c, w)
    assert k.grad_fn is None and not k.requires_grad and seen == []  # computed y * w, returned none of it: no node

    def h(c, w):
        y = c * 2  # needs no grad
        print("graph break")
        return (y * w).sum()

    torch._dynamo.reset()
    out = torch.compile(h, backend="aot_eager")(c, w)
    assert out.grad_fn.name() == "CompiledFunctionBackward"
    assert [n for n, _ in out.grad_fn.next_functions if n is not None and n.name() == "CompiledFunctionBackward"] == []

    def v(m):
        y = m.t()  # graph 1 computes only a view of its input: an ordinary view node, no compiled one
        print("graph break")
        return (y * 2).sum()

    torch._dynamo.reset()
    m = torch.ones(2, 2, requires_grad=True)
    out = torch.compile(v, backend="aot_eager")(m)
    assert out.grad_fn.name() == "CompiledFunctionBackward"
    assert [n.name() for n, _ in out.grad_fn.next_functions] == ["TBackward0"]
    assert out.grad_fn.next_functions[0][0].next_functions[0][0].variable is m

    def u(y):
        return y, y.detach() * 3  # returns its input unchanged (it requires grad): it comes out as itself, no node

    def u_(y):
        y.mul_(2)  # returns its input changed in place: a node
        return y

    torch._dynamo.reset()
    y = w * 2
    kept, _ = torch.compile(u, backend="aot_eager")(y)
    assert kept is y and kept.grad_fn.name() == "MulBackward0"
    torch._dynamo.reset()
    y = w * 2
    changed = torch.compile(u_, backend="aot_eager")(y)
    assert changed is y and "CompiledFunctionBackward" in [n.name() for n, _ in changed.grad_fn.next_functions if n is not None]
    torch._dynamo.reset()
    out = torch.compile(h, backend="eager")(c, w)  # no AOTAutograd: the operations' own nodes
    assert out.grad_fn.name() == "SumBackward0" and out.grad_fn.next_functions[0][0].name() == "MulBackward0"
    torch._dynamo.reset()


def directed_acyclic_graph():
    def assert_acyclic(root):
        done, on_path = set(), set()

        def visit(node):
            assert node not in on_path, f"cycle through {node.name()}"
            if node is None or node in done:
                return
            on_path.add(node)
            for child, _ in node.next_functions:
                visit(child)
            on_path.discard(node)
            done.add(node)

        visit(root.grad_fn)
        return len(done)

    class Twice(torch.autograd.Function):
        @staticmethod
        def forward(ctx, t):
            ctx.mark_dirty(t)
            return t.mul_(2)

        @staticmethod
        def backward(ctx, g):
            return 2 * g

    x = torch.ones(3, requires_grad=True)
    y = x * 2
    z = y + y  # y used twice
    y.mul_(3)  # in place: y gets a new node on top of its old one
    y[0].add_(z[1])  # in place through a view: CopySlices
    Twice.apply(y)  # a custom Function that modifies its input in place
    out = (y.sum() + z.sum()) * y.sum()
    assert assert_acyclic(out) >= 8
    out.backward()
    assert x.grad is not None


def optimizer():
    w = torch.ones(2, requires_grad=True)
    h = w * 2
    with pytest.raises(ValueError, match="can't optimize a non-leaf Tensor"):
        torch.optim.SGD([h], lr=0.1)
    h.retain_grad()
    torch.optim.SGD([h], lr=0.1)  # a non-leaf that retains its grad is accepted
    torch.optim.SGD([w * 2], lr=0.1, differentiable=True)  # so is any tensor with differentiable=True
    for kind in (torch.optim.SGD, torch.optim.Adam, torch.optim.AdamW, torch.optim.RMSprop, torch.optim.Adagrad):
        p, q = torch.nn.Parameter(torch.ones(2)), torch.nn.Parameter(torch.ones(2))
        q.grad = torch.ones(2)
        step = kind([p, q], lr=0.1, weight_decay=0.1)
        step.step()
        assert p.tolist() == [1.0, 1.0] and q.tolist() != [1.0, 1.0], kind.__name__  # p: .grad None
    assert optimizer_moves_a_parameter_without_grad() == {"LBFGS"}


def optimizer_moves_a_parameter_without_grad() -> set[str]:
    """Each optimizer of torch.optim steps p and q with gradients, then q alone: which ones still move p?"""
    moved = set()
    for name in dir(torch.optim):
        kind = getattr(torch.optim, name)
        if not (isinstance(kind, type) and issubclass(kind, torch.optim.Optimizer)) or name in ("Optimizer", "SparseAdam"):
            continue
        p, q = torch.nn.Parameter(torch.ones(2, 2)), torch.nn.Parameter(torch.ones(2, 2))  # 2-D: Muon wants it
        step = kind([p, q], lr=0.1)

        def closure(both, step=step, p=p, q=q):
            step.zero_grad()
            loss = ((q - 2) ** 2).sum() + both * ((p - 3) ** 2).sum()
            loss.backward()
            if not both:
                p.grad = None
            return loss

        step.step(lambda: closure(1))
        before = p.detach().clone()
        step.step(lambda: closure(0))
        if not torch.equal(before, p.detach()):
            moved.add(name)
    e = torch.nn.Embedding(3, 2, sparse=True)
    other = torch.nn.Embedding(3, 2, sparse=True)
    step = torch.optim.SparseAdam([e.weight, other.weight], lr=0.1)
    (e(torch.tensor([0])).sum() + other(torch.tensor([1])).sum()).backward()
    step.step()
    e.weight.grad, other.weight.grad = None, None
    other(torch.tensor([1])).sum().backward()
    before = e.weight.detach().clone()
    step.step()
    if not torch.equal(before, e.weight.detach()):
        moved.add("SparseAdam")
    return moved


def gradient():
    from autograd_guide.cases import tensor_cases

    for name, make in tensor_cases().items():
        t = make()
        if t.is_complex():
            continue  # a complex tensor's .grad is the conjugate Wirtinger form (see that entry)
        t.retain_grad()
        (t.float() * 2).sum().backward()
        if name == "view made under no_grad":
            assert t.is_leaf and t.requires_grad and t.grad is None  # the leaf tensor entry's exception
            continue
        assert t.grad.shape == t.shape, name
    x = torch.ones(1, 3, requires_grad=True)
    y = x.expand(4, 3)
    (g,) = torch.autograd.grad(y.sum(), x)
    assert g.shape == x.shape and g.tolist() == [[4.0, 4.0, 4.0]] and x.grad is None
    h = x * 2
    (h * 3).sum().backward(inputs=[h])  # inputs= fills the .grad of what it lists, leaf or not
    assert h.grad.shape == h.shape and x.grad is None
    h = x * 2
    h.retain_grad()
    torch.autograd.grad((h * 3).sum(), x)  # leaves alone the leaf's .grad, not a retained non-leaf's
    assert x.grad is None and h.grad.tolist() == [[3.0, 3.0, 3.0]]


def gradient_accumulation():
    x = torch.ones(2, requires_grad=True)
    h = x * 2
    h.retain_grad()
    for _ in range(2):
        (h * 3).sum().backward(retain_graph=True)
    assert x.grad.tolist() == [12.0, 12.0] and h.grad.tolist() == [6.0, 6.0]  # leaves and retained non-leaves
    (h * 3).sum().backward(inputs=[x], retain_graph=True)
    assert x.grad.tolist() == [18.0, 18.0]
    torch.autograd.grad((h * 3).sum(), x, retain_graph=True)
    assert x.grad.tolist() == [18.0, 18.0]  # torch.autograd.grad adds nothing to a leaf's .grad
    assert h.grad.tolist() == [12.0, 12.0]  # but it adds to a retained non-leaf's
    h.grad = None
    before = x.grad
    with pytest.warns(UserWarning, match="reference cycle"):
        (h * 3).sum().backward(create_graph=True)
    assert x.grad.tolist() == [24.0, 24.0] and x.grad is not before  # create_graph: summed, out of place
    p = torch.nn.Parameter(torch.ones(1))
    p.grad = torch.ones(1)
    torch.optim.SGD([p], lr=0.1).zero_grad()
    assert p.grad is None  # the default set_to_none=True


def grad_mode():
    import threading

    seen = []
    with torch.no_grad():
        worker = threading.Thread(target=lambda: seen.append(torch.is_grad_enabled()))
        worker.start()
        worker.join()
        assert not torch.is_grad_enabled()
    assert seen == [True]  # another thread keeps its own switch, on by default
    w = torch.ones(2, requires_grad=True)

    class Double(torch.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            return x * 2

        @staticmethod
        def backward(ctx, g):
            return g * 2

    with torch.inference_mode(), torch.enable_grad():
        assert torch.is_grad_enabled() and not (w * 2).requires_grad  # on, yet no built-in operation recorded
        assert (w * 2).grad_fn is None and w.exp().grad_fn is None and w[:1].grad_fn is None
        y = Double.apply(w)  # a custom Function still records its node
    assert y.is_inference() and y.grad_fn is not None and y.grad_fn.name() == "DoubleBackward"
    y.backward(torch.ones(2))
    assert w.grad.tolist() == [2.0, 2.0]
    with torch.inference_mode():  # grad mode off: not even a custom Function's node
        assert Double.apply(w).grad_fn is None

    @torch.library.custom_op("glossary_check::double", mutates_args=())
    def double(x: torch.Tensor) -> torch.Tensor:
        return x * 2

    double.register_autograd(lambda ctx, g: g * 2)
    assert double(w).grad_fn is not None  # recorded outside inference mode
    with torch.inference_mode(), torch.enable_grad():
        assert double(w).grad_fn is None  # a custom operator is not, unlike a custom Function


def evaluation_mode():
    layer = torch.nn.Sequential(torch.nn.Linear(2, 2), torch.nn.Dropout(0.5), torch.nn.BatchNorm1d(2)).eval()
    y = layer(torch.ones(3, 2))
    assert y.requires_grad and y.grad_fn is not None and torch.is_grad_enabled()
    y.sum().backward()
    assert layer[0].weight.grad is not None


def leaf_node():
    w = torch.ones(3, requires_grad=True)
    accumulate = (w * 2).grad_fn.next_functions[0][0]
    assert accumulate.name().endswith("AccumulateGrad") and accumulate.variable is w
    (w * 2).sum().backward()
    assert w.grad.tolist() == [2.0, 2.0, 2.0]  # written by that node
    constant = torch.ones(3)
    assert (constant * w).grad_fn.next_functions[0][0] is None  # no node for a leaf without grad
    for mode in (torch.no_grad, torch.inference_mode):
        with mode():
            quiet = w[:2]  # a leaf that requires grad, but has no AccumulateGrad
        assert quiet.is_leaf and quiet.requires_grad and all(f is None for f, _ in (quiet * 2).grad_fn.next_functions)


def accumulate_grad():
    w = torch.tensor([1.0, 2.0], requires_grad=True)
    node = (w * 3).grad_fn.next_functions[0][0]
    assert node.name().endswith("AccumulateGrad") and node.variable is w
    ran = []
    w.register_post_accumulate_grad_hook(lambda t: ran.append(t.grad.tolist()))
    (w * 3).sum().backward()
    (w * 2).sum().backward()
    assert ran == [[3.0, 3.0], [5.0, 5.0]]  # stored while .grad was None, then added
    (grad,) = torch.autograd.grad((w * 4).sum(), w)
    assert grad.tolist() == [4.0, 4.0] and len(ran) == 2  # returned: the node did not run
    u = torch.ones(2, requires_grad=True)
    (w * u).sum().backward(inputs=[u])
    assert len(ran) == 2 and w.grad.tolist() == [5.0, 5.0]  # inputs= leaves w's node out
    with torch.no_grad():
        quiet = w[:1]
    assert (quiet * 2).grad_fn.next_functions[0][0] is None  # no gradient reaches a view taken under no_grad


def custom_operator():
    @torch.library.custom_op("glossary_check::twice", mutates_args=())
    def twice(x: torch.Tensor) -> torch.Tensor:
        return x * 2

    @twice.register_fake
    def _(x):
        return torch.empty_like(x)

    twice.register_autograd(lambda ctx, grad: grad * 2)
    graphs = []

    def backend(graph, example_inputs):
        graphs.append(graph)
        return graph.forward

    torch._dynamo.reset()
    x = torch.ones(2, requires_grad=True)
    torch.compile(lambda t: twice(t).sin(), backend=backend)(x).sum().backward()
    calls = [node.target for node in graphs[0].graph.nodes if node.op == "call_function"]
    assert calls.count(torch.ops.glossary_check.twice.default) == 1 and len(graphs) == 1  # one node, kept whole
    assert x.grad.tolist() == torch.cos(torch.full((2,), 2.0)).mul(2).tolist()
    torch._dynamo.reset()


def detach():
    from autograd_guide.cases import tensor_cases

    for name, make in tensor_cases().items():
        t = make()
        d = t.detach()
        assert d.data_ptr() == t.data_ptr() and d.grad_fn is None and not d.requires_grad and d.is_leaf, name
        before = t._version
        d.add_(0)  # the same memory and the same version counter
        assert t._version == before + 1, name


RULES = {
    "AccumulateGrad": (
        "adds the gradient it receives into the leaf's .grad, or stores it there while .grad is None",
        accumulate_grad,
    ),
    "scalar": ("for a real-valued tensor with exactly one element", scalar),
    "no-grad mode": (
        ("and so does nn.Parameter", "unless the change escapes the version counter, as a step with fused=True does"),
        no_grad_mode,
    ),
    "inference mode": (("still raises that tensor's counter", "raises an error only after the change is made"), inference_mode),
    "saved tensors": ("keeps as ctx attributes, instead of passing them to ctx.save_for_backward, are not freed", saved_tensors),
    "pack hook": ("takes over from it there", pack_and_unpack),
    "unpack hook": ("and also whenever code reads it through grad_fn._saved_*", unpack_hook),
    "hook": ("register_post_accumulate_grad_hook cannot replace it: it must return None", hook),
    "vector-Jacobian product": ("they give the conjugate of vᴴJ when the function is holomorphic", vector_jacobian_product),
    "subgradient": ("supergradient of smallest norm", subgradient),
    "frozen parameters": (
        (
            "even by plain SGD, and even an all-zero one moves them under weight decay, "
            "or under momentum once the optimizer has stepped them",
            "except LBFGS, which can still move one that had a gradient",
        ),
        frozen_parameters,
    ),
    "anomaly detection mode": ("provided that forward ran in the mode too", anomaly_detection),
    "automatic differentiation": ("also offers forward mode", automatic_differentiation),
    "autograd": ("and calls that return their input itself, such as x.float() on a float32 x", autograd),
    "forward propagation": ("nor a call that returns its input itself, such as x.float() on a float32 x", autograd),
    "leaf tensor": ("except views taken under no_grad or inference_mode, which no gradient reaches", leaf_tensor),
    "version counter": (
        (
            "except the step of an optimizer built with fused=True and GradScaler.unscale_()",
            "(untyped_storage(), or the deprecated storage()) are not counted",
            "a tensor made from it or from DLPack (torch.from_numpy, torch.from_dlpack)",
        ),
        version_counter,
    ),
    "dynamic graph": ("records anew on every pass", dynamic_graph),
    "control flow": (
        ("except under torch.func.vmap", "the deprecated torch.jit.trace, which keeps only the branch it saw"),
        control_flow,
    ),
    "view": ("though it accepts fill_() and zero_(), which write one", view),
    "backward node": ("which in a graph built in one thread means from the one created last", backward_node),
    "Wirtinger derivative": ("PyTorch's .grad is ∂L/∂x + i∂L/∂y", wirtinger_derivative),
    "mixed precision": ("with setup_context, the decorated backward fails", mixed_precision),
    "gradient scaling": ("GradScaler() warns and turns itself off, so it skips nothing", gradient_scaling),
    "gradient clipping": ("a total norm equal to max_norm still shrinks a little", gradient_clipping),
    "directed acyclic graph": ("the autograd graph is one", directed_acyclic_graph),
    "graph break": (
        (
            "other than an input it leaves unchanged or a view of an input becomes one node of the backward graph",
            "even one that computes something requiring grad along the way",
        ),
        graph_break,
    ),
    "optimizer": (
        (
            "unless that tensor retains its grad or the optimizer is built with differentiable=True",
            "except LBFGS's, which counts that .grad as zero",
        ),
        optimizer,
    ),
    "gradient": ("it still adds it to the .grad of a non-leaf that retains its grad", gradient),
    "grad mode": (
        ("a custom Function applied there still records its node", "nor an operator made with torch.library.custom_op, even where"),
        grad_mode,
    ),
    "evaluation mode": ("it does not turn autograd off", evaluation_mode),
    "leaf node": ("except a view taken under no_grad or inference_mode, which has no such node", leaf_node),
    "custom operator": ("torch.compile keeps it as one node of its graph", custom_operator),
    "detach": ("shares storage with the original but is cut out of the graph", detach),
    "gradient accumulation": ("only to that of a non-leaf that retains its grad", gradient_accumulation),
}
