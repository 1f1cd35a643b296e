"""A rebuild is the clean build: whatever _build/ holds, the site is the same bytes.

A small throwaway site (notebook pages, a glossary with index entries, math, more than one page so
that the sitemap and the search index have something to lose) is taken through the everyday
sequences, each compared with a clean build of the same sources in another folder.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from throwaway import build_all, differing_files, page, write_site

import guide_site

GLOSSARY = """# Glossary

```{glossary}
leaf tensor
  A tensor that autograd did not make.

gradient
  What backward computes.
```
"""


def sources() -> dict[str, dict[str, str]]:
    pages = {
        "first": page("First", "print(6 * 7)", prose="Uses a {term}`leaf tensor`. $a < b$"),
        "second": page("Second", "for i in range(3):\n    print(i, end=' ')", prose="See {doc}`first`."),
        "third": page("Third", "print('third')"),
        "glossary": GLOSSARY,
    }
    return {folder: pages for folder in guide_site.LANGUAGES}


def clean_build(tmp_path: Path, docs: Path, name: str) -> Path:
    """A clean build of these sources elsewhere: fresh environment, fresh cache."""
    other = tmp_path / name
    shutil.copytree(docs, other / "docs")
    build_all(other)
    return other


def assert_same_site(built: Path, clean: Path) -> None:
    for folder in guide_site.LANGUAGES:
        differences = differing_files(built / folder / "html", clean / folder / "html")
        assert not differences, f"rebuild differs from a clean build ({folder}):\n" + "\n".join(differences)


def executed(outputs: dict[str, str]) -> dict[str, int]:
    return {folder: output.count("Executed notebook in") for folder, output in outputs.items()}


def search_index(root: Path, folder: str) -> dict:
    text = (root / folder / "html" / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


@pytest.fixture
def site(tmp_path) -> Path:
    root = write_site(tmp_path / "site", sources())
    build_all(root)
    return root


def test_no_op_rebuild_is_the_clean_build(site, tmp_path):
    clean = clean_build(tmp_path, site / "docs", "clean")
    outputs = build_all(site)
    assert executed(outputs) == {"zh": 0, "en": 0}
    assert_same_site(site, clean)
    for folder in guide_site.LANGUAGES:  # what the first version of this bug lost
        assert len(search_index(site, folder)["indexentries"]) == 2
        sitemap = (site / folder / "html" / "sitemap.xml").read_text(encoding="utf-8")
        assert all(f"/{folder}/{name}.html" in sitemap for name in ("index", "first", "glossary", "search"))


def test_prose_edit_rebuild_is_the_clean_build(site, tmp_path):
    for folder in guide_site.LANGUAGES:
        path = site / "docs" / folder / "third.md"
        path.write_text(path.read_text(encoding="utf-8") + "\nOne more sentence of prose.\n", encoding="utf-8")
    outputs = build_all(site)
    assert executed(outputs) == {"zh": 0, "en": 0}
    assert_same_site(site, clean_build(tmp_path, site / "docs", "clean"))


def test_a_word_taken_out_again_leaves_the_search_index(site, tmp_path):
    """Sphinx kept a word whose only page no longer has it, as a search term of no page."""
    sources = [site / "docs" / folder / "third.md" for folder in guide_site.LANGUAGES]
    before = {source: source.read_text(encoding="utf-8") for source in sources}
    for source in sources:
        source.write_text(before[source] + "\nA zanzibarish sentence.\n", encoding="utf-8")
    build_all(site)
    for source in sources:
        source.write_text(before[source], encoding="utf-8")
    build_all(site)
    assert_same_site(site, clean_build(tmp_path, site / "docs", "clean"))


def test_code_edit_rebuild_is_the_clean_build(site, tmp_path):
    for folder in guide_site.LANGUAGES:
        path = site / "docs" / folder / "second.md"
        path.write_text(path.read_text(encoding="utf-8").replace("range(3)", "range(4)"), encoding="utf-8")
    outputs = build_all(site)
    # Only the edited notebook ran: in one build, or in both when they got to it at once.
    assert sum(executed(outputs).values()) in (1, 2), outputs
    assert_same_site(site, clean_build(tmp_path, site / "docs", "clean"))


def test_fresh_environment_over_the_kept_cache_is_the_clean_build(site, tmp_path):
    outputs = build_all(site, "-E")
    assert executed(outputs) == {"zh": 0, "en": 0}
    assert_same_site(site, clean_build(tmp_path, site / "docs", "clean"))


def test_fingerprint_change_reexecutes_both_languages(site, tmp_path):
    """After a torch or helper change every page of *both* languages runs and is read again,
    although the builds start together and share the cache."""
    depends = tmp_path / "helper.py"
    depends.write_text("VERSION = 1\n")
    option = ("-D", f"execution_fingerprint_files={depends}")
    build_all(site, *option)
    depends.write_text("VERSION = 2\n")  # what a helper edit or an upgrade does to the fingerprint
    outputs = build_all(site, *option)
    pages = len(sources()["en"]) + 1  # and index.md
    notebooks = pages - 2  # not index.md, glossary.md
    # Each language reads all its pages again; between them they execute every notebook (the
    # first build to get to a page caches it for the other).
    for output in outputs.values():
        assert f"[config changed ('nb_execution_cache_path')] {pages} added" in output, output
    assert sum(executed(outputs).values()) >= notebooks, outputs
    assert len(list((site / "cache").iterdir())) == 2  # the new cache and its lock: old one pruned
    # The new cache now holds every page: a fresh environment executes nothing.
    assert executed(build_all(site, *option, "-E")) == {"zh": 0, "en": 0}


STALE = "_static/from-a-removed-extension.css"


@pytest.mark.parametrize("option", ["html_show_sourcelink=0", "today=1 January 2026"], ids=["html option", "env option"])
def test_configuration_change_leaves_nothing_stale(site, tmp_path, option):
    """What an earlier configuration wrote (here: a stylesheet of an extension since removed) goes."""
    for folder in guide_site.LANGUAGES:
        (site / folder / "html" / STALE).write_text("/* stale */\n")
    build_all(site, "-D", option)
    other = tmp_path / "clean"
    shutil.copytree(site / "docs", other / "docs")
    build_all(other, "-D", option)
    assert_same_site(site, other)


def test_removed_and_added_pages_rebuild_as_the_clean_build(site, tmp_path):
    for folder in guide_site.LANGUAGES:
        (site / "docs" / folder / "third.md").unlink()
        index = site / "docs" / folder / "index.md"
        index.write_text(index.read_text(encoding="utf-8").replace("third\n", "fourth\n"), encoding="utf-8")
        (site / "docs" / folder / "fourth.md").write_text(page("Fourth", "print('fourth')"), encoding="utf-8")
    build_all(site)
    for folder in guide_site.LANGUAGES:
        assert not (site / folder / "html" / "third.html").exists()
    assert_same_site(site, clean_build(tmp_path, site / "docs", "clean"))


def test_hosted_site_has_its_addresses(site):
    """Built where its addresses are known (as the deploy workflow does), the site carries them."""
    from bs4 import BeautifulSoup
    from throwaway import HOSTED

    url, repository = HOSTED["GUIDE_SITE_URL"], f"https://github.com/{HOSTED['GITHUB_REPOSITORY']}"
    for folder in guide_site.LANGUAGES:
        page = BeautifulSoup((site / folder / "html" / "first.html").read_text(encoding="utf-8"), "html.parser")
        alternates = {link["hreflang"]: link["href"] for link in page.head.find_all("link", rel="alternate")}
        assert alternates == {lang.html: f"{url}{lang.folder}/first.html" for lang in guide_site.LANGUAGES.values()}
        assert page.head.find("meta", property="og:url")["content"] == f"{url}{folder}/first.html"
        assert page.select_one(".view-this-page a")["href"] == f"{repository}/blob/main/docs/{folder}/first.md?plain=true"
        assert page.select_one(".edit-this-page a")["href"] == f"{repository}/edit/main/docs/{folder}/first.md"
