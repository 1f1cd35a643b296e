"""The glossary: one entry per term in both languages, every term used by a page, and each rule a
definition states checked against PyTorch itself.

The glossary pages hold no code cells, so the rules are checked here: each check names the words
of the definition it backs, and fails when that wording goes (update the check with the text) or
when PyTorch stops behaving as the definition says.
"""

import re

import pytest
import torch
from paths import pages
from pypinyin import Style, lazy_pinyin

import guide_site

TERM_LINK = re.compile(r"\{term\}`(?:[^`<]*<)?([^`<>]+?)>?`")


def glossary(folder: str) -> dict[str, tuple[str, str]]:
    """term -> (definition, the other language's name of the term)."""
    text = (guide_site.DOCS / folder / "glossary.md").read_text(encoding="utf-8")
    body = re.search(r"```\{glossary\}\n(?::sorted:\n)?(.*?)^```", text, re.S | re.M).group(1)
    entries = {}
    for term, definition in re.findall(r"^(\S.*)\n  (.+)$", body, re.M):
        other = re.search(r"(?:Chinese: |英文：)(.+?)[.。]$", definition)
        assert other, f"docs/{folder}/glossary.md, {term!r}: end the definition with its other-language name"
        entries[term] = (definition, other.group(1))
    return entries


EN, ZH = glossary("en"), glossary("zh")


def terms_tsv() -> dict[str, str]:
    rows = (guide_site.DOCS / "terms.tsv").read_text(encoding="utf-8").splitlines()
    return dict(row.split("\t")[:2] for row in rows if row.strip())


def reading_order(folder: str, term: str) -> tuple:
    """Chinese terms by pinyin (tone numbers break ties: 梯度 before 提示), English ones alphabetically."""
    if folder == "zh":
        return tuple(lazy_pinyin(term.lower(), style=Style.TONE3, neutral_tone_with_five=True)), term
    return term.casefold(), term


@pytest.mark.parametrize("folder", ["en", "zh"])
def test_glossary_is_sorted(folder):
    terms = list(EN if folder == "en" else ZH)
    expected = sorted(terms, key=lambda term: reading_order(folder, term))
    order = "by pinyin" if folder == "zh" else "alphabetically"
    assert terms == expected, f"docs/{folder}/glossary.md: sort the entries {order}: {expected}"


def test_same_terms_both_ways():
    assert {en: other for en, (_, other) in EN.items()} == {other: zh for zh, (_, other) in ZH.items()}


def test_glossary_agrees_with_terms_tsv():
    tsv = terms_tsv()
    wrong = {en: (zh, tsv.get(en)) for en, (_, zh) in EN.items() if tsv.get(en) != zh}
    assert not wrong, f"glossary term -> (its Chinese name, the row of docs/terms.tsv): {wrong}"


@pytest.mark.parametrize("folder", ["en", "zh"])
def test_every_term_is_used_by_a_page(folder):
    used = set()
    for page in pages(folder):
        if page != "glossary":
            used |= set(TERM_LINK.findall((guide_site.DOCS / folder / f"{page}.md").read_text(encoding="utf-8")))
    terms = set(EN if folder == "en" else ZH)
    assert not used - terms, f"docs/{folder}: {{term}} links to no glossary entry: {sorted(used - terms)}"
    assert not terms - used, f"docs/{folder}/glossary.md defines terms no page links: {sorted(terms - used)}"


CODE = re.compile(r"[A-Za-z_][\w.]*\(\)|[A-Za-z_]+\w*(?:[._]\w+)+|\b\d+\b")


@pytest.mark.parametrize("term", sorted(EN))
def test_twin_definitions_name_the_same_code(term):
    """A definition changed in one language only shows up as different identifiers and numbers."""
    zh_term = EN[term][1]
    en_code, zh_code = (sorted(set(CODE.findall(text))) for text in (EN[term][0], ZH[zh_term][0]))
    assert en_code == zh_code, f"{term} / {zh_term}: en names {en_code}, zh names {zh_code}"


# Each rule: the words of the English definition that state it, and a check that fails if false.

def scalar():
    for shape in [(), (1,), (1, 1)]:
        x = torch.ones(shape, requires_grad=True)
        (x * 3).backward()  # one element, any shape: no gradient argument needed
        assert x.grad.tolist() == torch.full(shape, 3.0).tolist()
    with pytest.raises(RuntimeError, match="scalar outputs"):
        (torch.ones(2, requires_grad=True) * 3).backward()
    with pytest.raises(RuntimeError, match="return a scalar Tensor, got tensor with 1 dims"):
        torch.func.grad(lambda x: x * 3)(torch.ones(1))  # torch.func.grad wants shape ()


def no_grad_mode():
    w = torch.ones(3, requires_grad=True)
    with torch.no_grad():
        result, view, factory = w * 2, w[:2], torch.ones(2, requires_grad=True)
        transposed = torch.ones(2, 2, requires_grad=True).t()
    assert result.grad_fn is None and not result.requires_grad
    assert view.requires_grad and view.grad_fn is None and transposed.requires_grad
    assert factory.requires_grad and factory.is_leaf
    (view * 2).sum().backward()  # recorded from the view on, but nothing reaches w
    assert w.grad is None
    import torch.autograd.forward_ad as fwAD
    with fwAD.dual_level(), torch.no_grad():
        assert fwAD.unpack_dual(fwAD.make_dual(torch.tensor(2.0), torch.tensor(1.0)) ** 2).tangent.item() == 4.0


def autograd():
    x, constant = torch.tensor([3.0], requires_grad=True), torch.tensor([2.0])
    y = x * constant
    assert y.grad_fn.name() == "MulBackward0" and (constant * 2).grad_fn is None
    with torch.no_grad():
        assert (x * constant).grad_fn is None
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
    assert (t + w).requires_grad  # read by an ordinary operation: fine
    for forbidden in (lambda: t * w, lambda: t.add_(1), lambda: t.requires_grad_()):
        with pytest.raises(RuntimeError, match="nference"):
            forbidden()


def saved_tensors():
    x = torch.tensor(2.0, requires_grad=True)
    y = x ** 3
    (g,) = torch.autograd.grad(y, x, create_graph=True)  # retain_graph defaults to create_graph
    assert torch.autograd.grad(y, x)[0].item() == 12.0  # so the graph is still there
    with pytest.raises(RuntimeError, match="second time"):
        torch.autograd.grad(y, x)  # the call before freed it
    assert g.item() == 12.0


def pack_and_unpack():
    calls = []
    w = torch.ones(2, requires_grad=True)
    with torch.autograd.graph.saved_tensors_hooks(lambda t: calls.append("pack") or t,
                                                  lambda t: calls.append("unpack") or t):
        y = (w * w).sum()  # mul saves both operands
    calls.append("forward done")
    y.backward(retain_graph=True)
    y.backward()
    assert calls == ["pack", "pack", "forward done"] + ["unpack"] * 4


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


def vector_jacobian_product():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    v = torch.tensor([3.0, 4.0])
    y = x ** 2  # J = diag(2x)
    assert torch.autograd.grad(y, x, grad_outputs=v, retain_graph=True)[0].tolist() == [6.0, 16.0]
    assert y.backward(gradient=v) is None and x.grad.tolist() == [6.0, 16.0]


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
    for options in ({"momentum": 0.9}, {"weight_decay": 0.1}):
        layer = torch.nn.Linear(2, 1)
        optimizer = torch.optim.SGD(layer.parameters(), lr=0.1, **options)
        layer(torch.ones(1, 2)).sum().backward()
        optimizer.step()
        layer.weight.requires_grad_(False)
        optimizer.zero_grad(set_to_none=False)  # leaves a zero .grad behind
        before = layer.weight.clone()
        layer(torch.ones(1, 2)).sum().backward()
        optimizer.step()
        assert not torch.equal(layer.weight, before), options  # the "frozen" weight moved
        layer.weight.grad = None
        before = layer.weight.clone()
        optimizer.step()
        assert torch.equal(layer.weight, before), options  # .grad None: skipped


def anomaly_detection():
    x = torch.tensor(0.0, requires_grad=True)
    with torch.autograd.detect_anomaly(), pytest.warns(UserWarning, match="Traceback of forward call"), \
            pytest.raises(RuntimeError, match="returned nan values"):
        (torch.sqrt(x) * 0).backward()  # 0 * inf = nan in SqrtBackward0


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
    middle.retain_grad()
    (middle * 3).backward()
    assert created.grad.item() == 6.0 and middle.grad.item() == 3.0 and not middle.is_leaf


def version_counter():
    x = torch.ones(3)
    x.add_(1)
    x[0] = 5.0
    assert x._version == 2
    x.data.mul_(2)
    assert x._version == 2  # not counted
    with torch.inference_mode():
        t = torch.ones(1)
    with pytest.raises(RuntimeError, match="do not track version counter"):
        _ = t._version


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


def view():
    base = torch.zeros(2, 3)
    for v in (base[0], base.view(3, 2), base.t(), base[:, :1].expand(2, 3)):
        assert v._base is base and v.untyped_storage().data_ptr() == base.untyped_storage().data_ptr()
    row = base[0]
    row.add_(1)
    base[1, 0] = 5.0
    assert base[0].tolist() == [1.0, 1.0, 1.0] and row._version == base._version == 2
    assert base[[0]]._base is None and base.clone()._base is None  # copies, not views
def backward_node():
    from torch.autograd.graph import Node
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    p, q = h * 3, h ** 2  # both ready at once after the add; q was created last
    order = []
    for t in (h, p, q):
        assert isinstance(t.grad_fn, Node)
        t.grad_fn.register_prehook(lambda g, n=t.grad_fn: order.append(n))
    (p + q).sum().backward()
    assert order == [q.grad_fn, p.grad_fn, h.grad_fn]  # h waits for both of its gradients
    assert isinstance(h.grad_fn.next_functions[0][0], Node)  # the leaf's AccumulateGrad
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
    w = torch.ones(2, 2, requires_grad=True)
    with torch.autocast("cpu", dtype=torch.bfloat16):
        y = w @ w
    seen = []
    y.register_hook(lambda grad: seen.append(grad.dtype))
    y.sum().backward()
    assert y.dtype == torch.bfloat16 and seen == [torch.bfloat16]  # backward in the forward's type
    assert w.grad.dtype == torch.float32


def gradient_scaling():
    assert torch.tensor(1e-8).half().item() == 0 and (torch.tensor(1e-8) * 2**16).half().item() > 0
    p = torch.nn.Parameter(torch.ones(1))
    optimizer = torch.optim.SGD([p], lr=0.1)
    scaler = torch.amp.GradScaler("cpu", init_scale=4.0)
    scaler.scale(p.sum() * float("inf")).backward()
    scaler.step(optimizer)
    scaler.update()
    assert p.item() == 1.0 and scaler.get_scale() == 2.0  # skipped, scale halved


def gradient_clipping():
    a = torch.zeros(2, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    a.grad, b.grad = torch.tensor([3.0, 0.0]), torch.tensor([4.0])
    assert torch.nn.utils.clip_grad_norm_([a, b], max_norm=1.0).item() == 5.0  # before clipping
    assert torch.allclose(a.grad, torch.tensor([0.6, 0.0])) and torch.allclose(b.grad, torch.tensor([0.8]))


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
    torch._dynamo.reset()


RULES = {
    "scalar": ("numel() == 1", scalar),
    "no-grad mode": ("a view of a tensor that requires grad", no_grad_mode),
    "inference mode": ("cannot be saved for backward, changed in place", inference_mode),
    "saved tensors": ("which defaults to the value of create_graph", saved_tensors),
    "pack hook": ("in the forward pass, once for each tensor saved", pack_and_unpack),
    "unpack hook": ("each time the saved tensor is used", pack_and_unpack),
    "hook": ("module forward hooks in the forward pass", hook),
    "vector-Jacobian product": ("backward(gradient=v) adds it", vector_jacobian_product),
    "subgradient": ("supergradient of smallest norm", subgradient),
    "frozen parameters": ("still moves them under momentum or weight decay", frozen_parameters),
    "anomaly detection mode": ("returns NaN", anomaly_detection),
    "automatic differentiation": ("also offers forward mode", automatic_differentiation),
    "autograd": ("records the operations on tensors that require grad", autograd),
    "leaf tensor": ("unless retain_grad()", leaf_tensor),
    "version counter": ("Changes made through .data are not counted", version_counter),
    "dynamic graph": ("records anew on every pass", dynamic_graph),
    "view": ("they share one version counter", view),
    "backward node": ("the one created last runs first", backward_node),
    "Wirtinger derivative": ("PyTorch's .grad is ∂L/∂x + i∂L/∂y", wirtinger_derivative),
    "mixed precision": ("the backward of an operation runs in the type its forward used", mixed_precision),
    "gradient scaling": ("skips a step whose gradients contain inf or NaN and halves the scale", gradient_scaling),
    "gradient clipping": ("returns the total norm from before clipping", gradient_clipping),
    "graph break": ("each one node in the backward graph", graph_break),
}


@pytest.mark.parametrize("term", sorted(RULES))
def test_definition_rule_holds(term):
    words, check = RULES[term]
    assert words in EN[term][0], f"docs/en/glossary.md, {term!r} no longer says {words!r}: update its check here"
    check()
