"""A graph figure as a page shows it: Graphviz's SVG inline and compact, each node a link to the
glossary entry of its kind with a title (hover or long press), and the legend as a list under it.

A figure never shrinks below readable text: it scales down to fit a phone's column only as far as
its smallest text stays at ``SMALLEST_TEXT_PX``; past that it scrolls in its own box.
"""

from __future__ import annotations

import hashlib
import html
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
_TAG = re.compile(r"^\{[^}]*\}")

SMALLEST_TEXT_PX = 11
# A 390 px phone leaves furo's article 358 px; a figure whose smallest text is 12 pt (16 px) fits it
# at 11 px up to this natural width, in points (graph.py lays a wider one out again, tighter).
PHONE_WIDTH_PT = 358 * 16 / SMALLEST_TEXT_PX * 3 / 4
FONT = "Helvetica,Arial,sans-serif"
TEXT_COLOUR = "#1b1b1b"
GLOSSARY = "glossary.html"
# The glossary's anchors: the English terms' ids, which the Chinese glossary carries too (docs/_ext/bilingual.py).
TERMS = {
    "leaf": "term-leaf-tensor",
    "tensor": "term-non-leaf-tensor",
    "backward": "term-backward-node",
    "accumulate": "term-AccumulateGrad",
    "saved": "term-saved-tensors",
}
KINDS = tuple(TERMS)

# A backward pass's figures (autograd_guide.flow) mark a node per step: drawn on the node's outline.
MARK_STYLES = {
    "current": {"stroke": "#c2185b", "stroke-width": "3"},
    "failed": {"stroke": "#c2185b", "stroke-width": "3", "stroke-dasharray": "5,2"},
    "pending": {"fill": "#f4f4f4", "stroke-dasharray": "3,3"},
}

LEGEND = {
    "en": {
        "leaf": "leaf tensor",
        "tensor": "non-leaf tensor",
        "backward": "backward node",
        "accumulate": "AccumulateGrad",
        "saved": "saved tensor",
        "arrows": "arrows: the way gradients flow",
        "flow_arrows": "arrows: the gradients that flowed",
        "shape": "(2,), (): shapes; () is a single number",
        "order": "#n: the order the nodes ran",
        "current": "ran in this step",
        "failed": "raised the error",
        "pending": "has not run yet",
        "open": "a node opens its glossary entry; hold or hover for what it holds",
        "full": "Full size",
        "close": "Close",
    },
    "zh": {
        "leaf": "叶子张量",
        "tensor": "非叶子张量",
        "backward": "反向节点",
        "accumulate": "AccumulateGrad（累加梯度）",
        "saved": "保存的张量",
        "arrows": "箭头：梯度传播的方向",
        "flow_arrows": "箭头：流过的梯度",
        "shape": "(2,)、()：形状；() 表示单个数",
        "order": "#n：节点执行的顺序",
        "current": "这一步执行的节点",
        "failed": "在这里报错",
        "pending": "尚未执行",
        "open": "点按节点打开术语表；长按或悬停查看详情",
        "full": "查看大图",
        "close": "关闭",
    },
}


@dataclass(frozen=True)
class Part:
    """What the figure says about one DOT node: its kind (for the link) and its title."""

    kind: str
    title: str


def _local(tag: str) -> str:
    return _TAG.sub("", tag)


def _round(text: str) -> str:
    return re.sub(r"-?\d+\.\d+", lambda m: f"{float(m[0]):.1f}".removesuffix(".0"), text)


# Helvetica's advance widths, in ems, of the characters a gradient is written with (Arial and
# Liberation Sans, which browsers draw the figures with, share them); others count as 0.6 em.
_WIDTHS = {
    **dict.fromkeys("0123456789", 0.556),
    **dict.fromkeys(".,[] ", 0.278),
    "-": 0.333,
    "(": 0.333,
    ")": 0.333,
    "e": 0.556,
    "+": 0.584,
}


def edge_box_width(text: str, fontsize: float) -> float:
    """The width of the light box under an edge's text: the text's own width and a little room, so
    that boxes of edges side by side do not cover each other's text."""
    return sum(_WIDTHS.get(char, 0.6) for char in text) * fontsize + 6


def compact_svg(
    svg: str,
    parts: dict[str, Part],
    description: str,
    marks: dict[str, str] | None = None,
    edge_texts: dict[int, str] | None = None,
    texts: dict[str, list[str]] | None = None,
) -> ET.Element:
    """Graphviz's SVG as an element for a page: nodes as links with titles; no comments, ids or
    repeated fonts. For one step of a backward pass drawn on a fixed layout (autograd_guide.flow):
    ``marks`` on nodes ("current", "failed", "pending"), each edge's text by its index in the DOT
    (an empty one is left out) and each node's text line by line."""
    root = ET.fromstring(svg)
    width, height = (float(root.get(a).removesuffix("pt")) for a in ("width", "height"))
    for attribute in list(root.attrib):
        if attribute not in ("viewBox",):
            del root.attrib[attribute]
    root.set("width", str(round(width * 4 / 3)))
    root.set("height", str(round(height * 4 / 3)))
    root.set("aria-label", description)
    graph = root.find(f"{{{SVG_NS}}}g")
    graph.attrib.pop("id", None)
    graph.set("transform", graph.get("transform").replace("scale(1 1) rotate(0) ", ""))
    for title in graph.findall(f"{{{SVG_NS}}}title"):
        graph.remove(title)  # the description: the <svg>'s aria-label
    graph.set("font-family", FONT)
    graph.set("fill", TEXT_COLOUR)
    for child in list(graph):
        kind = child.get("class")
        title = child.find(f"{{{SVG_NS}}}title")
        name = title.text if title is not None else ""
        if title is not None:
            child.remove(title)
        if _local(child.tag) == "polygon" and child.get("fill") in ("transparent", "white"):
            graph.remove(child)  # Graphviz's background
            continue
        number = child.attrib.pop("id", "")
        if kind == "edge" and edge_texts is not None:
            _set_edge_text(child, edge_texts.get(int(number.removeprefix("edge")) - 1, ""))
        elif kind == "node" and name in parts:
            part = parts[name]
            child.tag = f"{{{SVG_NS}}}a"
            child.set("href", f"{GLOSSARY}#{TERMS[part.kind]}")
            child.set("class", f"node {part.kind}")
            tooltip = ET.Element(f"{{{SVG_NS}}}title")
            tooltip.text = part.title
            child.insert(0, tooltip)
            for shape in [e for e in child if _local(e.tag) == "path"]:
                _rounded_box_as_rect(shape)
            mark = (marks or {}).get(name)
            for shape in child:
                if mark and _local(shape.tag) in ("path", "polygon", "polyline", "ellipse"):
                    for attribute, value in MARK_STYLES[mark].items():
                        if attribute != "fill" or shape.get("fill") not in (None, "none"):
                            shape.set(attribute, value)
            if texts and name in texts:
                lines = [e for e in child if _local(e.tag) == "text"]
                for element, line in zip(lines, texts[name] + [""] * len(lines)):
                    element.text = line
    for element in root.iter():
        if element is not graph:
            element.attrib.pop("font-family", None)
        element.attrib.pop("{http://www.w3.org/XML/1998/namespace}space", None)
        if _local(element.tag) == "text" and element.get("fill") == TEXT_COLOUR:
            del element.attrib["fill"]
        element.tail = "\n" if element.tail and element.tail.strip() == "" else element.tail
        if element.text is not None and not element.text.strip():
            element.text = "\n"
        for attribute in ("d", "points", "x", "y", "width", "height", "transform", "viewBox", "font-size"):
            if attribute in element.attrib and not (element is root and attribute in ("width", "height")):
                element.set(attribute, _round(element.get(attribute)))
    return root


def _rounded_box_as_rect(path: ET.Element) -> None:
    """A rounded box (Graphviz draws it as a long path) as the <rect> it is."""
    numbers = [float(n) for n in re.findall(r"-?\d+(?:\.\d+)?", path.get("d"))]
    xs, ys = numbers[0::2], numbers[1::2]
    d = path.attrib.pop("d")
    path.tag = f"{{{SVG_NS}}}rect"
    path.attrib.update(
        {
            "x": f"{min(xs):.1f}",
            "y": f"{min(ys):.1f}",
            "width": f"{max(xs) - min(xs):.1f}",
            "height": f"{max(ys) - min(ys):.1f}",
            "rx": "6",
        }
    )
    assert d.startswith("M"), d


def _set_edge_text(edge: ET.Element, text: str) -> None:
    label = next((e for e in edge if _local(e.tag) == "text"), None)
    box = next((e for e in edge if _local(e.tag) == "rect"), None)
    if label is None:
        return
    if not text:
        edge.remove(label)
        if box is not None:
            edge.remove(box)
        return
    label.text = text
    if box is not None:
        width = edge_box_width(text, float(label.get("font-size")))
        box.set("x", f"{float(label.get('x')) - width / 2:.2f}")
        box.set("width", f"{width:.2f}")


def smallest_font(root: ET.Element) -> float:
    """The smallest text of the figure, in points (its natural size)."""
    return min((float(e.get("font-size", "14")) for e in root.iter() if _local(e.tag) == "text"), default=14.0)


def to_html(root: ET.Element) -> str:
    """The element as inline SVG that scales down only as far as its text stays readable."""
    width = int(root.get("width"))
    least = smallest_font(root) * 4 / 3  # CSS px at the natural size
    floor = min(width, round(width * SMALLEST_TEXT_PX / least))
    root.set("style", f"min-width: {floor}px")
    return ET.tostring(root, encoding="unicode").replace(" />", "/>")


def legend(lang: str, kinds: list[str], flow: bool = False) -> str:
    """The legend as a list under the figure: the kinds and marks used, the arrows and the notation."""
    words = LEGEND[lang]

    def item(text: str, swatch: str = "") -> str:
        mark = f'<span class="swatch {swatch}"></span>' if swatch else ""
        return f"<li>{mark}{html.escape(text, quote=False)}</li>"

    items = [item(words[kind], kind) for kind in kinds]
    items.append(item(words["flow_arrows" if flow else "arrows"]))
    if flow:
        items.append(item(words["order"]))
    items += [item(words["shape"]), item(words["open"])]
    return f'<ul class="graph-legend">{"".join(items)}</ul>'


def box(root: ET.Element, lang: str) -> str:
    """The figure in the box that scrolls when it is wider than the column (docs/_static/figures.js
    then offers it at full size, with these words)."""
    words = LEGEND[lang]
    return f'<div class="graph-box" data-full="{words["full"]}" data-close="{words["close"]}">{to_html(root)}</div>'


def figure_html(root: ET.Element, lang: str, kinds: list[str], flow: bool = False) -> str:
    return f'<figure class="autograd-graph">{box(root, lang)}<figcaption>{legend(lang, kinds, flow)}</figcaption></figure>'


def share_edges(roots: list[ET.Element], name: str) -> str:
    """Draw the edges' lines, the same in every step of a backward pass, once: they move from each
    step's SVG into one group that each step shows with <use>. Returns the SVG that holds the group."""
    shared = ET.Element(f"{{{SVG_NS}}}g", {"id": name})
    for index, root in enumerate(roots):
        graph = root.find(f"{{{SVG_NS}}}g")
        for edge in graph.findall(f"{{{SVG_NS}}}g[@class='edge']"):
            for line in [e for e in edge if _local(e.tag) in ("path", "polygon")]:
                edge.remove(line)
                if index == 0:
                    shared.append(line)
            if not len(edge):
                graph.remove(edge)
        graph.insert(0, ET.Element(f"{{{SVG_NS}}}use", {"href": f"#{name}"}))
    holder = ET.Element(f"{{{SVG_NS}}}svg", {"class": "flow-edges", "width": "0", "height": "0", "aria-hidden": "true"})
    ET.SubElement(holder, f"{{{SVG_NS}}}defs").append(shared)
    return ET.tostring(holder, encoding="unicode").replace(" />", "/>")


def digest(*texts: str) -> str:
    return hashlib.sha1("".join(texts).encode("utf-8")).hexdigest()[:10]
