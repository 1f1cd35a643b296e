"""Every way a page can go wrong stops the build with a message that names the file.

Each test builds a small throwaway site with the real conf.py and extensions.
"""

from __future__ import annotations

import runpy
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

HEADER = "---\nfile_format: mystnb\nkernelspec:\n  name: python3\n  display_name: Python 3\n---\n\n"
LANGUAGES = {"zh": "zh_CN", "en": "en"}


def page(title: str, *cells: str, tags: dict[int, str] | None = None) -> str:
    """A MyST notebook page; ``tags`` maps a cell's index to its tag."""
    body = [HEADER + f"# {title}\n"]
    for index, source in enumerate(cells):
        tag = f":tags: [{tags[index]}]\n" if tags and index in tags else ""
        body.append(f"```{{code-cell}} python\n{tag}{source}\n```\n")
    return "\n".join(body)


def write_site(root: Path, pages: dict[str, dict[str, str]]) -> Path:
    """pages: folder -> {slug: text}; index.md lists the slugs in a toctree."""
    for folder, content in pages.items():
        (root / "docs" / folder).mkdir(parents=True, exist_ok=True)
        toctree = "\n".join(slug for slug in content if slug != "index")
        (root / "docs" / folder / "index.md").write_text(f"# Home\n\n```{{toctree}}\n{toctree}\n```\n")
        for slug, text in content.items():
            (root / "docs" / folder / f"{slug}.md").write_text(text, encoding="utf-8")
    return root


def build(root: Path, folder: str = "en", builder: str = "html", *extra: str, wait: bool = True):
    command = [
        sys.executable, "-m", "sphinx", "-b", builder, "-c", str(ROOT), "-W", "-n", "--keep-going",
        "-D", f"language={LANGUAGES[folder]}", "-D", f"nb_execution_cache_path={root / 'cache'}",
        *extra, "-d", str(root / folder / "doctrees"), str(root / "docs" / folder), str(root / folder / builder),
    ]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if not wait:
        return proc
    output, _ = proc.communicate(timeout=600)
    return proc.returncode, output


def both(text: str) -> dict[str, dict[str, str]]:
    return {"zh": {"page": text}, "en": {"page": text}}


def test_good_site_builds(tmp_path):
    root = write_site(tmp_path, both(page("Fine", "print(6 * 7)")))
    status, output = build(root)
    assert status == 0, output
    assert "42" in (root / "en" / "html" / "page.html").read_text(encoding="utf-8")


def test_failing_cell_names_file_and_cell(tmp_path):
    root = write_site(tmp_path, both(page("Broken", "x = 1", "x / 0")))
    status, output = build(root)
    assert status != 0
    assert "page.md" in output and "ZeroDivisionError" in output
    assert "x / 0" in output  # the failing cell's source is quoted


def test_cell_meant_to_raise_shows_the_error(tmp_path):
    root = write_site(tmp_path, both(page("Raises", "1 / 0", tags={0: "raises-exception"})))
    status, output = build(root)
    assert status == 0, output
    assert "ZeroDivisionError" in (root / "en" / "html" / "page.html").read_text(encoding="utf-8")


def test_hanging_cell_hits_the_timeout(tmp_path):
    assert runpy.run_path(str(ROOT / "conf.py"))["nb_execution_timeout"] > 0, "conf.py must set a per-cell timeout"
    root = write_site(tmp_path, both(page("Hangs", "import time\ntime.sleep(600)")))
    status, output = build(root, "en", "html", "-D", "nb_execution_timeout=3")
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
    assert "page has no twin" in output and str(Path("docs") / "en" / "page.md") in output


def test_drifted_twins(tmp_path):
    root = write_site(tmp_path, {"zh": {"page": page("漂移", "print(1)  # 中文注释")},
                                 "en": {"page": page("Drift", "print(2)  # comment")}})
    status, output = build(root)
    assert status != 0
    assert "code cells differ from the twin" in output
    assert "-print(2)" in output and "+print(1)" in output


def test_comments_may_differ(tmp_path):
    root = write_site(tmp_path, {"zh": {"page": page("注释", "print(1)  # 中文注释")},
                                 "en": {"page": page("Comment", "print(1)  # a comment")}})
    status, output = build(root)
    assert status == 0, output


def test_dead_internal_link(tmp_path):
    text = HEADER + "# Links\n\nSee {doc}`nowhere` and [a section](#no-such-anchor).\n"
    root = write_site(tmp_path, both(text))
    status, output = build(root)
    assert status != 0
    assert "page.md:" in output and "nowhere" in output


def test_failing_doctest(tmp_path):
    text = HEADER + "# Doctest\n\n```{doctest}\n>>> 1 + 1\n3\n```\n"
    root = write_site(tmp_path, both(text))
    status, output = build(root, "en", "doctest")
    assert status != 0
    assert "page.md" in output and "1 failure" in output


def test_corrupted_cache_recovers_with_a_message(tmp_path):
    root = write_site(tmp_path, both(page("Cached", "print(6 * 7)")))
    assert build(root)[0] == 0
    (root / "cache" / "global.db").write_bytes(b"this is not a database" * 100)
    status, output = build(root, "en", "html", "-E")
    assert status == 0, output
    assert "was unreadable" in output and "cache.corrupt" in output
    with sqlite3.connect(root / "cache" / "global.db") as db:
        assert db.execute("SELECT count(*) FROM nbcache").fetchone()[0] == 1


@pytest.mark.parametrize("same_language", [True, False], ids=["same-language", "zh-and-en"])
def test_two_builds_at_once_share_the_cache(tmp_path, same_language):
    root = write_site(tmp_path, both(page("Shared", "import time\ntime.sleep(1)\nprint(6 * 7)")))
    if same_language:
        first = build(root, "en", "html", wait=False)
        second = build(root, "en", "html", "-d", str(root / "en2" / "doctrees"), wait=False)
    else:
        first, second = build(root, "en", wait=False), build(root, "zh", wait=False)
    outputs = [proc.communicate(timeout=600)[0] for proc in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], "\n".join(outputs)
    with sqlite3.connect(root / "cache" / "global.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    status, output = build(root, "en", "html", "-E")
    assert status == 0 and "Executing notebook" not in output, output


def test_changed_helper_or_package_invalidates_the_cache(tmp_path):
    """jupyter-cache keys pages by their code alone; a stale fingerprint forces re-execution."""
    root = write_site(tmp_path, both(page("Cached", "print(6 * 7)")))
    assert build(root)[0] == 0
    (root / "cache" / "autograd_guide.fingerprint").write_text("torch==0.0\n")
    status, output = build(root)  # no -E: the unchanged page must still run again
    assert status == 0, output
    assert "is stale" in output and "Executing notebook" in output
    status, output = build(root, "en", "html", "-E")
    assert status == 0 and "Executing notebook" not in output, output
