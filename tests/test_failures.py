"""Every way a page can go wrong stops the build with a message that names the file.

Each test builds a small throwaway site with the real conf.py and extensions, with the command
line `nox -s docs` uses (guide_site.sphinx_argv: parallel, warnings as errors).
"""

from __future__ import annotations

import ast
import json
import sqlite3
from pathlib import Path

import pytest
from throwaway import HEADER, both, build, cache_database, page, start, write_site

import guide_site


def test_good_site_builds(tmp_path):
    root = write_site(tmp_path, both(page("Fine", "print(6 * 7)")))
    status, output = build(root)
    assert status == 0, output
    assert "42" in (root / "en" / "html" / "page.html").read_text(encoding="utf-8")


def test_failing_cell_names_file_cell_and_exception(tmp_path):
    """In the parallel build an exception in a reader process used to end in "Sphinx parallel
    build error!" and the page's path: cell and exception were only in a temporary log."""
    fine = {f"fine{n}": page(f"Fine {n}", f"print({n})") for n in range(3)}  # no two pages alike: see test_twins
    pages = {**fine, "page": page("Broken", "x = 1", "y = x / 0\nprint(y)")}
    root = write_site(tmp_path, {folder: pages for folder in guide_site.LANGUAGES})
    status, output = build(root)
    assert status != 0
    assert "parallel build error" not in output.lower(), output
    summary = [line for line in output.splitlines() if "code cell 2 failed" in line]
    assert summary, output
    assert f"{Path('docs') / 'en' / 'page.md'}: WARNING: code cell 2 failed (y = x / 0): " \
        "ZeroDivisionError: division by zero" in summary[0]


def test_cell_meant_to_raise_shows_the_error(tmp_path):
    root = write_site(tmp_path, both(page("Raises", "1 / 0", tags={0: "raises-exception"})))
    status, output = build(root)
    assert status == 0, output
    assert "ZeroDivisionError" in (root / "en" / "html" / "page.html").read_text(encoding="utf-8")


def conf_value(name: str):
    """A plain value assigned in conf.py, read without executing it."""
    tree = ast.parse((guide_site.ROOT / "conf.py").read_text(encoding="utf-8"))
    (value,) = [node.value for node in tree.body if isinstance(node, ast.Assign)
                and [getattr(t, "id", None) for t in node.targets] == [name]]
    return ast.literal_eval(value)


def test_hanging_cell_hits_the_timeout(tmp_path):
    assert conf_value("nb_execution_timeout") > 0, "conf.py must set a per-cell timeout"
    root = write_site(tmp_path, both(page("Hangs", "import time\ntime.sleep(600)")))
    status, output = build(root, "-D", "nb_execution_timeout=3")
    assert status != 0
    assert "page.md" in output and "timed out" in output.lower()


def test_dying_kernel_names_the_file(tmp_path):
    root = write_site(tmp_path, both(page("Dies", "import os\nos._exit(1)")))
    status, output = build(root)
    assert status != 0
    assert "page.md" in output and "DeadKernel" in output


def test_page_without_twin(tmp_path):
    root = write_site(tmp_path, {"zh": {}, "en": {"page": page("Lonely", "print(1)")}})
    status, output = build(root)
    assert status != 0
    # The warning's location is the page itself (not a made-up page.md.rst).
    assert f"{Path('docs') / 'en' / 'page.md'}: WARNING: page has no twin" in output, output
    assert "page.md.rst" not in output


def test_dead_internal_link(tmp_path):
    text = HEADER + "# Links\n\nSee {doc}`nowhere` and [a section](#no-such-anchor).\n"
    root = write_site(tmp_path, both(text))
    status, output = build(root)
    assert status != 0
    assert "page.md:" in output and "nowhere" in output
    assert "no-such-anchor" in output


def test_failing_doctest(tmp_path):
    text = HEADER + "# Doctest\n\n```{doctest}\n>>> 1 + 1\n3\n```\n"
    root = write_site(tmp_path, both(text))
    status, output = build(root, builder="doctest")
    assert status != 0
    assert "page.md" in output and "1 failure" in output


def test_both_languages_build_at_once_each_with_its_cache(tmp_path):
    root = write_site(tmp_path, both(page("Shared", "import time\ntime.sleep(1)\nprint(6 * 7)")))
    first, second = start(root, folder="en"), start(root, folder="zh")
    outputs = [proc.communicate(timeout=600)[0] for proc in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], "\n".join(outputs)
    for folder in ("en", "zh"):
        with sqlite3.connect(cache_database(root, folder)) as db:
            assert db.execute("SELECT count(*) FROM nbcache").fetchone()[0] == 1
    status, output = build(root, "-E")
    assert status == 0 and "Executing notebook" not in output, output


def test_serve_builds_apart_from_docs():
    """`nox -s serve` and `nox -s docs` must not share an environment or an output folder (serve
    builds incrementally for a live preview; docs builds clean)."""
    serve = guide_site.serve_argv("en")
    docs = guide_site.sphinx_argv("en")
    doctrees = {argv[argv.index("-d") + 1] for argv in (serve, docs)}
    assert len(doctrees) == 2 and serve[-1] != docs[-1], (serve, docs)


@pytest.mark.parametrize("mode", ["force", "off"])
def test_downloads_in_every_execution_mode(tmp_path, mode):
    """-D nb_execution_mode=force (run everything) and off (run nothing) are myst-nb's own
    switches; the downloads used to need the cache and failed the build in both."""
    root = write_site(tmp_path, both(page("Modes", "print(6 * 7)")))
    status, output = build(root, "-D", f"nb_execution_mode={mode}")
    assert status == 0, output
    notebook = json.loads((root / "en" / "html" / "_downloads" / "notebooks" / "page.ipynb").read_text("utf-8"))
    (cell,) = [c for c in notebook["cells"] if c["cell_type"] == "code" and "".join(c["source"]) == "print(6 * 7)"]
    assert ["".join(o.get("text", "")) for o in cell["outputs"]] == (["42\n"] if mode == "force" else [])
