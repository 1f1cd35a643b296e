"""Measure how fast the site builds, against the floor of running its code as plain scripts.

    nox -s bench                # or: python benchmarks/build_speed.py --runs 3

Works on copies of docs/ in temporary folders with their own execution caches, so the working
tree and its cache are left alone. The floor and the clean build alternate (floor, build, floor,
build, ...) so that a busy machine slows both alike; the table gives the medians and their ratio
from the same run. Prints one Markdown table:

- clean build of both languages, and the floor: every page's code cells run as one plain
  Python script per page, one process each (as the kernels are), as many at once as cores;
- the same build with execution off: the share of Sphinx itself;
- a no-op rebuild, a rebuild after a prose-only edit and after a one-cell code edit, with the
  notebooks each executed;
- peak memory of the clean build (all processes together: Sphinx and its kernels).
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psutil
from myst_nb.core.read import read_myst_markdown_notebook

import guide_site

EXECUTED = "Executed notebook in"  # myst-nb logs this once per notebook a kernel ran


class PeakMemory:
    """Samples the summed RSS of this process's children and theirs, until stopped."""

    def __init__(self):
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        me = psutil.Process()
        while not self._stop.wait(0.05):
            total = 0
            for proc in me.children(recursive=True):
                try:
                    total += proc.memory_info().rss
                except psutil.Error:
                    pass
            self.peak = max(self.peak, total)

    def stop(self) -> int:
        self._stop.set()
        self._thread.join()
        return self.peak


def build(work: Path, *extra: str, clean: bool = False) -> tuple[float, int, int]:
    """Build both languages at once, like `nox -s docs` (clean: first empty the outputs, as it
    does); returns seconds, notebooks executed, peak bytes of all the build's processes together."""
    start = time.perf_counter()
    if clean:
        guide_site.clean_outputs(out=work)
    memory = PeakMemory()
    results = guide_site.run_all("html", *extra, echo=False, docs=work / "docs", out=work, cache=work / "cache")
    peak = memory.stop()
    for status, log in results.values():
        if status:
            sys.exit(f"build failed:\n{log}")
    return time.perf_counter() - start, sum(log.count(EXECUTED) for _, log in results.values()), peak


# Runs a page's cells the way a kernel does, minus Jupyter: each cell compiled on its own, the
# value of a cell's last expression rendered (figures are drawn), its source kept for
# tracebacks, IPython magics (display settings only) skipped, a raises-exception cell allowed
# to fail.
RUN_CELLS = """
def _run_cells():  # its own names: a page's `last = ...` must not replace the runner's
    import ast, linecache, sys
    for number, (source, may_raise) in enumerate(CELLS):
        code = "\\n".join(l for l in source.splitlines() if not l.lstrip().startswith("%"))
        linecache.cache[f"cell-{number}"] = (len(code), None, code.splitlines(True), f"cell-{number}")
        tree = ast.parse(code)
        last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
        try:
            exec(compile(tree, f"cell-{number}", "exec"), globals())
            if last is not None:
                value = eval(compile(ast.Expression(last.value), f"cell-{number}", "eval"), globals())
                getattr(value, "_repr_html_", lambda: repr(value))()
        except Exception as error:
            if not may_raise:
                raise
            sys.last_value = error  # as IPython keeps it; the errors page reads it
_run_cells()
"""


def page_script(page: Path) -> str:
    notebook = read_myst_markdown_notebook(page.read_text(encoding="utf-8"), path=page)
    cells = [
        (cell.source, "raises-exception" in cell.metadata.get("tags", [])) for cell in notebook.cells if cell.cell_type == "code"
    ]
    return f"CELLS = {cells!r}\n{RUN_CELLS}"


def floor(work: Path) -> float:
    """Every page's code as one script, one fresh Python process per page, as many at once as
    the build runs kernels (-j auto: one per core)."""
    scripts = []
    for folder in guide_site.LANGUAGES:
        for page in sorted((work / "docs" / folder).glob("*.md")):
            script = work / "scripts" / folder / f"{page.stem}.py"
            script.parent.mkdir(parents=True, exist_ok=True)
            script.write_text(page_script(page), encoding="utf-8")
            scripts.append(script)

    def run(script: Path) -> None:
        subprocess.run(
            [sys.executable, str(script)],
            cwd=script.parent,
            check=True,
            env=guide_site.build_env(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        list(pool.map(run, scripts))
    return time.perf_counter() - start


def prose_edit(work: Path) -> None:
    page = sorted((work / "docs" / "en").glob("*.md"))[-1]
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence of prose.\n", encoding="utf-8")


def code_edit(work: Path, run: int) -> None:
    """Change one code cell of one page (its last), in both twins: they carry the same code."""
    for folder in guide_site.LANGUAGES:
        page = work / "docs" / folder / "detach.md"
        text = page.read_text(encoding="utf-8").split("\n```{code-cell} python\nbench_edit")[0]
        page.write_text(f"{text}\n```{{code-cell}} python\nbench_edit = {run}\n```\n", encoding="utf-8")


def fresh_copy() -> Path:
    work = Path(tempfile.mkdtemp(prefix="autograd-guide-bench-"))
    for folder in ("docs", "examples"):  # pages :load: code from examples/
        shutil.copytree(guide_site.ROOT / folder, work / folder)
    return work


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="floor/build pairs, alternated (default 3)")
    args = parser.parse_args(argv)

    clean, floors, peaks = [], [], []
    for _ in range(args.runs):
        work = fresh_copy()
        floors.append(floor(work))
        seconds, executed, peak = build(work)
        clean.append(seconds)
        peaks.append(peak)
        shutil.rmtree(work)
    work = fresh_copy()
    sphinx_alone = build(work, "-D", "nb_execution_mode=off")[0]  # where the time goes: all but the kernels
    shutil.rmtree(work)
    work = fresh_copy()
    build(work)
    # `nox -s docs` always builds clean, over the kept execution cache (guide_site.clean_outputs).
    noop = [build(work, clean=True)[:2] for _ in range(3)]
    edits, code_edits = [], []
    for _ in range(3):
        prose_edit(work)
        edits.append(build(work, clean=True)[:2])
    for run in range(3):
        code_edit(work, run)
        code_edits.append(build(work, clean=True)[:2])
    shutil.rmtree(work)

    build_s, floor_s = statistics.median(clean), statistics.median(floors)
    pages = len(list((guide_site.DOCS / "en").glob("*.md")))

    def rebuild_row(name: str, runs: list[tuple[float, int]], target: str) -> tuple[str, str, str]:
        return (name, f"{statistics.median(s for s, _ in runs):.1f} s", f"{max(n for _, n in runs)} executed (target {target})")

    rows = [
        ("clean build, both languages", f"{build_s:.1f} s", f"{executed} executed; runs: {', '.join(f'{s:.0f}' for s in clean)} s"),
        (
            "floor: code cells as plain scripts",
            f"{floor_s:.1f} s",
            f"{2 * pages} processes, {os.cpu_count()} at a time; runs: {', '.join(f'{s:.0f}' for s in floors)} s",
        ),
        ("clean build / floor", f"{build_s / floor_s:.2f}x", "target ≤ 1.2x"),
        ("clean build without executing (Sphinx alone)", f"{sphinx_alone:.1f} s", "nb_execution_mode=off"),
        rebuild_row("nox -s docs again, nothing changed (clean, over the cache)", noop, "< 10 s, 0"),
        rebuild_row("after a prose-only edit", edits, "< 15 s, 0"),
        rebuild_row("after a one-cell code edit", code_edits, "< 20 s, 1 per language at most"),
        ("peak memory of a clean build", f"{statistics.median(peaks) / 2**20:.0f} MiB", "Sphinx + kernels (< 4 GiB)"),
    ]
    cpu = platform.processor() or platform.machine()
    print(
        f"\n{pages} pages x {len(guide_site.LANGUAGES)} languages; {psutil.cpu_count()} cores ({cpu}), "
        f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}; "
        f"medians of {args.runs} alternated floor/build pairs, 3 runs of each rebuild\n"
    )
    print("| measure | value | notes |\n| --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
