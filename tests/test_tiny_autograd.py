"""The tiny engine of examples/tiny_autograd.py against PyTorch, on the same expressions."""

import math
import runpy

import pytest
import torch
from tiny_autograd import Value, to_figure

from guide_site import ROOT


def micrograd_expression(a, b):
    """micrograd's test expression, written so that it runs on Values and on tensors alike."""
    c = a + b
    d = a * b + b**3
    c = c + c + 1
    c = c + 1 + c + (-a)
    d = d + d * 2 + (b + a).relu()
    d = d + 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g = g + 10.0 / f
    return g


def both(fn, *xs):
    """Run ``fn`` on Values and on float64 tensors; return (value, grads) for each engine."""
    values = [Value(x) for x in xs]
    out = fn(*values)
    out.backward()
    tensors = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    out_t = fn(*tensors)
    out_t.backward()
    grads_t = [0.0 if t.grad is None else t.grad.item() for t in tensors]
    return (out.data, [v.grad for v in values]), (out_t.item(), grads_t)


def test_micrograd_expression_gives_the_known_numbers():
    a, b = Value(-4.0), Value(2.0)
    g = micrograd_expression(a, b)
    g.backward()
    assert (round(g.data, 4), round(a.grad, 4), round(b.grad, 4)) == (24.7041, 138.8338, 645.5773)


def test_micrograd_expression_matches_pytorch():
    (g, grads), (g_t, grads_t) = both(micrograd_expression, -4.0, 2.0)
    assert g == pytest.approx(g_t, rel=1e-12)
    assert grads == pytest.approx(grads_t, rel=1e-12)


BINARY = {
    "add": lambda x, y: x + y,
    "mul": lambda x, y: x * y,
    "sub": lambda x, y: x - y,
    "truediv": lambda x, y: x / y,
    "radd": lambda x, y: 2.0 + x * y,
    "rmul": lambda x, y: 3.0 * (x + y),
    "rsub": lambda x, y: 1.0 - x * y,
    "rtruediv": lambda x, y: 2.0 / (x + y),
    "same operand twice": lambda x, y: x * x + y,
    "chain": lambda x, y: ((x * y).tanh() + (x - y).exp()) / (x**2 + 1),
}
UNARY = {
    "neg": lambda x: -x,
    "pow 3": lambda x: x**3,
    "pow -0.5": lambda x: x**-0.5,
    "relu": lambda x: x.relu(),
    "tanh": lambda x: x.tanh(),
    "exp": lambda x: x.exp(),
}


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize(("x", "y"), [(1.5, -2.0), (0.3, 0.7)])
def test_binary_expressions_match_pytorch(name, x, y):
    (out, grads), (out_t, grads_t) = both(BINARY[name], x, y)
    assert out == pytest.approx(out_t, rel=1e-12, abs=1e-12)
    assert grads == pytest.approx(grads_t, rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("x", [0.25, 2.0, -1.5])
def test_unary_expressions_match_pytorch(name, x):
    if name == "pow -0.5" and x < 0:
        pytest.skip("no real square root of a negative number")
    (out, grads), (out_t, grads_t) = both(UNARY[name], x)
    assert out == pytest.approx(out_t, rel=1e-12, abs=1e-12)
    assert grads == pytest.approx(grads_t, rel=1e-12, abs=1e-12)


def test_relu_gradient_at_zero_is_zero_as_in_pytorch():
    (_, grads), (_, grads_t) = both(lambda x: x.relu(), 0.0)
    assert grads == grads_t == [0.0]


def test_value_used_twice_gets_both_contributions():
    x = Value(3.0)
    (x * x + x).backward()
    assert x.grad == 7.0


def test_topological_order_lists_operands_first():
    a, b = Value(2.0), Value(-1.0)
    c = a * b
    d = c + a
    e = d.tanh() * c
    order = e.topological_order()
    position = {id(v): i for i, v in enumerate(order)}
    assert order[-1] is e
    assert len(position) == len(order)  # each value once
    for v in order:
        for child in v._prev:
            assert position[id(child)] < position[id(v)]


def test_gradients_accumulate_like_pytorch_on_leaves():
    x = Value(2.0)
    (x * 3).backward()
    (x * 3).backward()
    assert x.grad == 6.0


def test_figure_has_the_draw_graph_kinds_and_edges():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    d = c.tanh()
    fig = to_figure(d, names={"a": a, "b": b, "c": c, "d": d}, lang="en")
    assert fig.labels("tensor") == [f"d\n{math.tanh(-6.0):.4f}", "c\n-6.0000"]
    assert fig.labels("backward") == ["tanh", "*"]
    assert fig.labels("leaf") == ["a\n2.0000", "b\n-3.0000"]
    assert fig.edge_labels() == [
        (f"d\n{math.tanh(-6.0):.4f}", "tanh"),
        ("c\n-6.0000", "*"),
        ("*", "a\n2.0000"),
        ("*", "b\n-3.0000"),
        ("tanh", "c\n-6.0000"),
    ]


def test_figure_shares_a_node_used_twice_and_uses_the_legend_language():
    x = Value(1.0)
    y = x * x
    fig = to_figure(y, names={"x": x}, lang="zh")
    assert fig.labels("leaf") == ["x\n1.0000"]
    assert fig.edge_labels().count(("*", "x\n1.0000")) == 2
    dot = fig.to_dot()
    assert "叶子张量" in dot and "反向节点" in dot
    assert fig.svg.lstrip().startswith("<?xml")


def test_running_the_file_defines_things_and_prints_nothing(capsys):
    namespace = runpy.run_path(str(ROOT / "examples" / "tiny_autograd.py"), run_name="__main__")
    assert "Value" in namespace and "to_figure" in namespace
    assert capsys.readouterr() == ("", "")
