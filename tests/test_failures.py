"""Every way a page can go wrong stops the build with a message that names the file; a good site
builds, in both languages at once, each with its cache.

The tests share two small throwaway sites built with the real conf.py and extensions and the
command line `nox -s docs` uses (guide_site.sphinx_argv: parallel, warnings as errors,
--keep-going): one with a page for each way to fail, built once, and one good site.
"""

from __future__ import annotations

import ast
import json
import re
import sqlite3
from pathlib import Path

import pytest
from throwaway import HEADER, both, build, build_all, cache_database, page, write_site

import guide_site

FINE = {f"fine{n}": page(f"Fine {n}", f"print({n})") for n in range(3)}  # no two pages alike: see test_twins
BROKEN = {
    "failing": page("Broken", "x = 1", "y = x / 0\nprint(y)"),
    "hangs": page("Hangs", "import time\ntime.sleep(600)"),
    "links": HEADER + "# Links\n\nSee {doc}`nowhere` and [a section](#no-such-anchor).\n",
}
TIMEOUT = 3  # seconds a cell may take in the broken site


def conf_value(name: str):
    """A plain value assigned in conf.py, read without executing it."""
    tree = ast.parse((guide_site.ROOT / "conf.py").read_text(encoding="utf-8"))
    (value,) = [
        node.value
        for node in tree.body
        if isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == [name]
    ]
    return ast.literal_eval(value)


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> str:
    """The English build's output (its traceback colours removed); "lonely" has no Chinese twin."""
    pages = {"zh": {**FINE, **BROKEN}, "en": {**FINE, **BROKEN, "lonely": page("Lonely", "print('lonely')")}}
    root = write_site(tmp_path_factory.mktemp("broken"), pages)
    status, output = build(root, "-D", f"nb_execution_timeout={TIMEOUT}")
    assert status != 0, output
    return re.sub(r"\x1b\[[0-9;]*m", "", output)


def warning(page: str) -> str:
    return f"{Path('docs') / 'en' / f'{page}.md'}: WARNING: "


def test_failing_cell_names_file_cell_and_exception(broken):
    """Under the parallel build, myst-nb's warning (nb_execution_raise_on_error = False in conf.py)
    names the page, the cell (its number and source) and the exception."""
    assert "parallel build error" not in broken.lower(), broken
    assert warning("failing") + "Executing notebook failed" in broken, broken
    assert "y = x / 0" in broken and "In[2], line 1" in broken and "ZeroDivisionError: division by zero" in broken


def test_hanging_cell_hits_the_timeout(broken):
    assert conf_value("nb_execution_timeout") > 0, "conf.py must set a per-cell timeout"
    assert warning("hangs") + "Executing notebook failed" in broken and "timed out" in broken.lower()


def test_dying_kernel_names_the_file(tmp_path):
    """A kernel that dies stops the build at once (myst-nb raises), so it is a site of its own."""
    root = write_site(tmp_path, both(page("Dies", "import os\nos._exit(1)")))
    status, output = build(root)
    assert status != 0
    assert "page.md" in output and "DeadKernel" in output


def test_page_without_twin(broken):
    # The warning's location is the page itself (not a made-up page.md.rst).
    assert warning("lonely") + "page has no twin" in broken, broken
    assert ".md.rst" not in broken


def test_dead_internal_link(broken):
    assert "links.md:" in broken and "nowhere" in broken and "no-such-anchor" in broken


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """Both languages built side by side, each over its own cache, as `nox -s docs` builds them."""
    root = write_site(tmp_path_factory.mktemp("good"), both(page("Fine", "print(6 * 7)", "1 / 0", tags={1: "raises-exception"})))
    build_all(root)
    return root


def test_good_site_shows_outputs_and_the_error_of_a_cell_meant_to_raise(good):
    html = (good / "en" / "html" / "page.html").read_text(encoding="utf-8")
    assert "42" in html and "ZeroDivisionError" in html


def test_both_languages_build_at_once_each_with_its_cache(good):
    for folder in guide_site.LANGUAGES:
        with sqlite3.connect(cache_database(good, folder)) as db:
            assert db.execute("SELECT count(*) FROM nbcache").fetchone()[0] == 1
    status, output = build(good, "-E")
    assert status == 0 and "Executing notebook" not in output, output


def test_failing_doctest(tmp_path):
    text = HEADER + "# Doctest\n\n```{doctest}\n>>> 1 + 1\n3\n```\n"
    root = write_site(tmp_path, both(text))
    status, output = build(root, builder="doctest")
    assert status != 0
    assert "page.md" in output and "1 failure" in output


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
