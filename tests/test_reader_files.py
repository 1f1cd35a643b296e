"""What reader_files makes of a page: Markdown without MyST, a script that runs to the end.

The built site's downloads are run for real, in an environment without the guide, by
`nox -s downloads` (tools/run_downloads.py); these tests pin the conversions themselves.
"""

import subprocess
import sys

import nbformat
import pytest

from reader_files import markdown, needs, reader_notebook, script

BLOCK_HELPER = """import sys
class _NoHelper:  # as on a reader's machine: the guide's helper is not installed
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "autograd_guide":
            raise ImportError(name)
sys.meta_path.insert(0, _NoHelper())
"""


def link(kind, target, text):
    return text or target.upper(), f"https://site/{kind}/{target}"


def test_myst_becomes_markdown():
    text = "(label)=\nSee {doc}`detach` and a {term}`leaf <leaf tensor>`.\n\n```{doctest}\n>>> 1 + 1\n2\n```\n"
    assert markdown(text, link) == (
        "See [DETACH](https://site/doc/detach) and a [leaf](https://site/term/leaf tensor).\n\n```pycon\n>>> 1 + 1\n2\n```\n"
    )
    assert markdown("a {term}`梯度`", lambda *args: ("梯度", None)) == "a 梯度"  # no site address: text


def test_an_admonition_becomes_a_quote_under_its_title():
    text = "```{admonition} In short\n:class: summary\n\nSee {doc}`detach`.\nTwo lines.\n\nA second paragraph.\n```\n\nAfter.\n"
    assert markdown(text, link) == (
        "> **In short**\n>\n> See [DETACH](https://site/doc/detach).\n> Two lines.\n>\n> A second paragraph.\n\nAfter.\n"
    )


def test_table_of_contents_becomes_a_list():
    text = '```{toctree}\n:caption: "Part I"\n:maxdepth: 1\n\nleaf-tensors\ndetach\n```\n'
    assert markdown(text, link) == (
        "**Part I**\n\n- [LEAF-TENSORS](https://site/doc/leaf-tensors)\n- [DETACH](https://site/doc/detach)\n"
    )


def test_unknown_myst_fails_loudly():
    with pytest.raises(ValueError, match="MyST syntax"):
        markdown("{math}`x^2`", link)


def page(*cells: tuple[str, list[str]]) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("Prose with {term}`gradient`."),
            *(nbformat.v4.new_code_cell(source, metadata={"tags": tags}) for source, tags in cells),
        ]
    )


PAGE = page(
    ("from autograd_guide.page import setup_page\nsetup_page('en')", ["remove-cell"]),
    ("%config InlineBackend.figure_formats = ['svg']\nimport torch\nfrom autograd_guide import draw_graph", []),
    ("from __future__ import annotations\na = torch.tensor([1.0], requires_grad=True)\nb = a * 2\nb", []),
    ("b.backward()\nb.backward()", ["raises-exception"]),
    ("print(type(sys.last_value).__name__)\ndraw_graph(b, names={'a': a, 'b': b})", []),
    ("assert a.grad.item() == 2.0", ["remove-cell"]),
)


def test_script_runs_to_the_end_without_the_helper_installed(tmp_path):
    code = script(PAGE, lang="en", page="demo", title="Demo", url="https://site/demo.html")
    lines = code.splitlines()
    assert lines[0] == '# The page "Demo" of the PyTorch autograd guide, as a script: https://site/demo.html'
    assert lines[1].startswith("# Needs torch and NumPy (pip install torch numpy).")
    assert next(line for line in lines if not line.startswith("#") and line) == "from __future__ import annotations"
    (tmp_path / "demo.py").write_text(code.replace("\nimport sys\n", "\n" + BLOCK_HELPER, 1), encoding="utf-8")
    done = subprocess.run([sys.executable, "demo.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    out = done.stdout.splitlines()
    assert out[0] == "tensor([2.], grad_fn=<MulBackward0>)"  # the last value, as Jupyter shows it
    assert out[1].startswith("RuntimeError: Trying to backward through the graph a second time")
    assert out[2:4] == ["RuntimeError", "figure saved to demo-figure-1.svg"]
    assert (tmp_path / "demo-figure-1.svg").read_text(encoding="utf-8").startswith("<?xml")


def test_notebook_shows_the_page():
    reader = reader_notebook(PAGE, lang="zh", title="演示", url=None, link=link)
    intro, helper, prose, setup, *rest = reader.cells
    assert intro.source.startswith("《PyTorch 自动求导指南》中“演示”一页的笔记本\n\n需要 torch")
    assert helper.metadata["jupyter"] == {"source_hidden": True} and "_install('autograd_guide.graph'" in helper.source
    assert prose.source == "Prose with [GRADIENT](https://site/term/gradient)."
    collapsed = {"source_hidden": True, "outputs_hidden": True}
    assert setup.metadata["jupyter"] == collapsed and rest[-1].metadata["jupyter"] == collapsed
    assert "jupyter" not in rest[0].metadata
    assert [cell.id for cell in reader.cells] == [f"cell-{i}" for i in range(len(reader.cells))]


def test_needs_names_what_the_code_imports():
    assert needs(PAGE) == []
    assert needs(page(("import matplotlib.pyplot as plt\nfrom IPython.display import display", []))) == ["ipython", "matplotlib"]


def test_the_download_runner_names_the_failing_cell(tmp_path):
    """tools/run_downloads.py (nox -s downloads) fails on a broken download, naming where."""
    from run_downloads import run_notebook, run_script

    broken = tmp_path / "page.py"
    broken.write_text("# Needs torch.\n# %%\nprint(1)\n# %%\nraise ValueError('on line 5')\n", encoding="utf-8")
    assert run_script(broken) == "exit 1 in cell 2: ValueError: on line 5"
    undeclared = tmp_path / "other.py"
    undeclared.write_text("# Needs torch.\nimport numpy\n", encoding="utf-8")
    assert run_script(undeclared) == "imports ['numpy'], which its first lines do not name"
    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_markdown_cell("Needs torch."),
            nbformat.v4.new_code_cell("1 / 0", metadata={"tags": ["raises-exception"]}),  # allowed
            nbformat.v4.new_code_cell("x = 1"),
            nbformat.v4.new_code_cell("undefined_name"),
        ]
    )
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, tmp_path / "page.ipynb")
    assert run_notebook(tmp_path / "page.ipynb") == "cell 3 failed: NameError: name 'undefined_name' is not defined"
