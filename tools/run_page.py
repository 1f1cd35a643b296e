"""Run pages' code cells as plain Python, without Sphinx: a quick check while editing.

    .nox/docs/bin/python tools/run_page.py docs/en/no-grad.md [docs/zh/no-grad.md ...]

Each page runs as one script in a fresh process, the way the benchmark's floor runs it (a cell
tagged raises-exception may fail, any other failure stops the page). `nox -s docs` is the real
build: it also checks outputs, twins and warnings.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from build_speed import page_script  # noqa: E402

import guide_site  # noqa: E402


def main(paths: list[str]) -> int:
    failed = 0
    for name in paths:
        with tempfile.TemporaryDirectory() as folder:
            script = Path(folder) / "page.py"
            script.write_text(page_script(Path(name)), encoding="utf-8")
            result = subprocess.run(
                [sys.executable, str(script)], cwd=folder, env=guide_site.build_env(), capture_output=True, text=True
            )
        status = "ok" if result.returncode == 0 else "FAILED"
        print(f"{name}: {status}")
        if result.returncode:
            failed += 1
            print(result.stdout[-3000:], result.stderr[-5000:], sep="\n")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
