"""The examples that need the checkout (the guide's helper, a sibling file) run from a fresh
directory; `nox -s downloads` runs the others as a reader would, with torch alone."""

import subprocess
import sys

import pytest
from run_downloads import example_needs

from guide_site import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
WITH_THE_CHECKOUT = [path for path in EXAMPLES if example_needs(path)]
ARGUMENTS = {"part1_walkthrough.py": ["--out", "graph.svg"]}  # it also draws its graph


def test_some_examples_run_with_torch_alone_and_some_with_the_checkout():
    assert WITH_THE_CHECKOUT and len(WITH_THE_CHECKOUT) < len(EXAMPLES), WITH_THE_CHECKOUT


@pytest.mark.parametrize("script", WITH_THE_CHECKOUT, ids=lambda p: p.name)
def test_example_runs(script, tmp_path):
    result = subprocess.run(
        [sys.executable, str(script), *ARGUMENTS.get(script.name, [])], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"{script.name} failed:\n{result.stdout}\n{result.stderr}"
    if script.name in ARGUMENTS:
        assert (tmp_path / "graph.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
