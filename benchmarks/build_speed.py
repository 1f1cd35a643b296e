"""Measure how fast the site builds, against the floor of running its code as plain scripts.

    nox -s bench                # or: python benchmarks/build_speed.py --runs 3

Works on a copy of docs/ in a temporary folder with its own execution cache, so the
working tree and its cache are left alone. Prints one Markdown table:

- clean build of both languages, and the floor: every page's code cells run as one plain
  Python script per page, one process each (as the kernels are);
- a no-op rebuild and a rebuild after a prose-only edit, with the notebooks each executed;
- peak memory of the build (all processes together: Sphinx and its kernels).
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

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = {"zh": "zh_CN", "en": "en"}
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


def build(work: Path) -> tuple[float, int, int]:
    """Build both languages at once, like `nox -s docs`; returns seconds, notebooks executed,
    peak bytes of all the build's processes together."""
    start = time.perf_counter()
    procs = []
    for folder, language in LANGUAGES.items():
        command = [
            sys.executable, "-m", "sphinx", "-b", "html", "-c", str(ROOT), "-W", "-n", "--keep-going", "-j", "auto",
            "-D", f"language={language}", "-D", f"nb_execution_cache_path={work / 'cache'}",
            "-d", str(work / folder / "doctrees"), str(work / "docs" / folder), str(work / folder / "html"),
        ]
        procs.append(subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True))
    memory = PeakMemory()
    logs = [proc.communicate()[0] for proc in procs]
    peak = memory.stop()
    for proc, log in zip(procs, logs):
        if proc.returncode:
            sys.exit(f"build failed:\n{log}")
    return time.perf_counter() - start, sum(log.count(EXECUTED) for log in logs), peak


# Runs a page's cells the way a kernel does, minus Jupyter: each cell compiled on its own, the
# value of a cell's last expression rendered (figures are drawn), its source kept for
# tracebacks, IPython magics (display settings only) skipped, a raises-exception cell allowed
# to fail.
RUN_CELLS = """
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
            getattr(value, "_repr_svg_", lambda: repr(value))()
    except Exception as error:
        if not may_raise:
            raise
        sys.last_value = error  # as IPython keeps it; the errors page reads it
"""


def page_script(page: Path) -> str:
    notebook = read_myst_markdown_notebook(page.read_text(encoding="utf-8"), path=page)
    cells = [(cell.source, "raises-exception" in cell.metadata.get("tags", []))
             for cell in notebook.cells if cell.cell_type == "code"]
    return f"CELLS = {cells!r}\n{RUN_CELLS}"


def floor(work: Path) -> float:
    """Every page's code as one script, one fresh Python process per page, as many at once as
    the build runs kernels (-j auto: one per core)."""
    scripts = []
    for folder in LANGUAGES:
        for page in sorted((work / "docs" / folder).glob("*.md")):
            script = work / "scripts" / folder / f"{page.stem}.py"
            script.parent.mkdir(parents=True, exist_ok=True)
            script.write_text(page_script(page), encoding="utf-8")
            scripts.append(script)
    def run(script: Path) -> None:
        subprocess.run([sys.executable, str(script)], cwd=script.parent, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=os.cpu_count()) as pool:
        list(pool.map(run, scripts))
    return time.perf_counter() - start


def prose_edit(work: Path) -> None:
    page = sorted((work / "docs" / "en").glob("*.md"))[-1]
    page.write_text(page.read_text(encoding="utf-8") + "\nOne more sentence of prose.\n", encoding="utf-8")


def fresh_copy() -> Path:
    work = Path(tempfile.mkdtemp(prefix="autograd-guide-bench-"))
    for folder in ("docs", "examples"):  # pages :load: code from examples/
        shutil.copytree(ROOT / folder, work / folder)
    return work


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="clean builds to take the median of (default 1)")
    args = parser.parse_args(argv)

    clean, floors, peaks = [], [], []
    for _ in range(args.runs):
        work = fresh_copy()
        seconds, executed, peak = build(work)
        clean.append(seconds)
        peaks.append(peak)
        floors.append(floor(work))
        shutil.rmtree(work)
    work = fresh_copy()
    build(work)
    noop = [build(work)[:2] for _ in range(3)]
    edits = []
    for _ in range(3):
        prose_edit(work)
        edits.append(build(work)[:2])
    shutil.rmtree(work)

    build_s, floor_s = statistics.median(clean), statistics.median(floors)
    pages = len(list((ROOT / "docs" / "en").glob("*.md")))
    rows = [
        ("clean build, both languages", f"{build_s:.1f} s", f"{executed} executed"),
        ("floor: code cells as plain scripts", f"{floor_s:.1f} s",
         f"{2 * pages} processes, {os.cpu_count()} at a time"),
        ("clean build / floor", f"{build_s / floor_s:.2f}x", "target ≤ 1.5x"),
        ("no-op rebuild", f"{statistics.median(s for s, _ in noop):.1f} s",
         f"{max(n for _, n in noop)} executed (target < 5 s, 0)"),
        ("rebuild after a prose-only edit", f"{statistics.median(s for s, _ in edits):.1f} s",
         f"{max(n for _, n in edits)} executed (target < 10 s, 0)"),
        ("peak memory of the build", f"{statistics.median(peaks) / 2**20:.0f} MiB", "Sphinx + kernels"),
    ]
    cpu = platform.processor() or platform.machine()
    print(f"\n{pages} pages x 2 languages; {psutil.cpu_count()} cores ({cpu}), "
          f"{psutil.virtual_memory().total / 2**30:.0f} GiB, Python {platform.python_version()}; "
          f"median of {args.runs} clean build(s), 3 rebuilds\n")
    print("| measure | value | notes |\n| --- | --- | --- |")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
