"""Every script in examples/ runs as a reader would run it: from a fresh directory."""

import subprocess
import sys

import pytest

from guide_site import ROOT

EXAMPLES = sorted((ROOT / "examples").glob("*.py"))


def test_there_are_examples():
    assert EXAMPLES


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script, tmp_path):
    result = subprocess.run([sys.executable, str(script)], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{script.name} failed:\n{result.stdout}\n{result.stderr}"


def test_part1_walkthrough_writes_a_graph(tmp_path):
    out = tmp_path / "graph.svg"
    subprocess.run([sys.executable, str(ROOT / "examples" / "part1_walkthrough.py"), "--out", str(out)], check=True)
    assert out.read_text(encoding="utf-8").lstrip().startswith("<?xml")
