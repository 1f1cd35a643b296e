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
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil
from myst_nb.core.read import read_myst_markdown_notebook

ROOT = Path(__file__).resolve().parent.parent
LANGUAGES = {"zh": "zh_CN", "en": "en"}
EXECUTED = "Executed notebook in"  # myst-nb logs this once per notebook a kernel ran


class PeakMemory:
    """Samples the summed RSS of a process and all its descendants."""

    def __init__(self, pid: int):
        self.process = psutil.Process(pid)
        self.peak = 0
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while True:
            try:
                tree = [self.process, *self.process.children(recursive=True)]
                total = 0
                for proc in tree:
                    try:
                        total += proc.memory_info().rss
                    except psutil.Error:
                        pass
                self.peak = max(self.peak, total)
            except psutil.Error:
                return
            time.sleep(0.05)


def build(work: Path) -> tuple[float, int, int]:
    """Build both languages like `nox -s docs`; returns seconds, notebooks executed, peak bytes."""
    start, executed, peak = time.perf_counter(), 0, 0
    for folder, language in LANGUAGES.items():
        command = [
            sys.executable, "-m", "sphinx", "-b", "html", "-c", str(ROOT), "-W", "-n", "--keep-going",
            "-D", f"language={language}", "-D", f"nb_execution_cache_path={work / 'cache'}",
            "-d", str(work / folder / "doctrees"), str(work / "docs" / folder), str(work / folder / "html"),
        ]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        memory = PeakMemory(proc.pid)
        log, _ = proc.communicate()
        if proc.returncode:
            sys.exit(f"build failed:\n{log}")
        executed += log.count(EXECUTED)
        peak = max(peak, memory.peak)
    return time.perf_counter() - start, executed, peak


def page_script(page: Path) -> str:
    notebook = read_myst_markdown_notebook(page.read_text(encoding="utf-8"), path=page)
    # A raises-exception cell fails on purpose; as a script it must not stop the page.
    wrapped = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        source = cell.source
        if "raises-exception" in cell.metadata.get("tags", []):
            body = "\n".join("    " + line for line in source.splitlines())
            source = f"try:\n{body}\nexcept Exception:\n    pass"
        wrapped.append(source)
    return "\n\n".join(wrapped) + "\n"


def floor(work: Path) -> float:
    """Every page's code as one script, one fresh Python process per page, one after another."""
    scripts = []
    for folder in LANGUAGES:
        for page in sorted((work / "docs" / folder).glob("*.md")):
            script = work / "scripts" / folder / f"{page.stem}.py"
            script.parent.mkdir(parents=True, exist_ok=True)
            script.write_text(page_script(page), encoding="utf-8")
            scripts.append(script)
    start = time.perf_counter()
    for script in scripts:
        subprocess.run([sys.executable, str(script)], cwd=script.parent, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
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
        ("floor: code cells as plain scripts", f"{floor_s:.1f} s", f"{2 * pages} processes"),
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
