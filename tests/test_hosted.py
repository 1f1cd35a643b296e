"""Built where its addresses are known (as the deploy workflow builds it), the site carries them:
hreflang and OpenGraph addresses, "view source" and "edit", Colab, "report a problem", a sitemap
of every page in a fixed order. A small throwaway site with the real conf.py and extensions. Also:
every `nox -s docs` is a clean build (guide_site.clean_outputs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from throwaway import HOSTED, build_all, page, write_site

import guide_site

URL, REPOSITORY = HOSTED["GUIDE_SITE_URL"], f"https://github.com/{HOSTED['GITHUB_REPOSITORY']}"


@pytest.fixture(scope="module")
def hosted(tmp_path_factory) -> Path:
    pages = {"first": page("First", "print(6 * 7)"), "second": page("Second", "print('second')")}
    root = write_site(tmp_path_factory.mktemp("hosted"), {folder: pages for folder in guide_site.LANGUAGES})
    build_all(root)
    return root


@pytest.mark.parametrize("folder", guide_site.LANGUAGES)
def test_hosted_site_has_its_addresses(hosted, folder):
    page = BeautifulSoup((hosted / folder / "html" / "first.html").read_text(encoding="utf-8"), "html.parser")
    alternates = {link["hreflang"]: link["href"] for link in page.head.find_all("link", rel="alternate")}
    assert alternates == {lang.html: f"{URL}{lang.folder}/first.html" for lang in guide_site.LANGUAGES.values()}
    assert page.head.find("meta", property="og:url")["content"] == f"{URL}{folder}/first.html"
    assert page.select_one(".view-this-page a")["href"] == f"{REPOSITORY}/blob/main/docs/{folder}/first.md?plain=true"
    assert page.select_one(".edit-this-page a")["href"] == f"{REPOSITORY}/edit/main/docs/{folder}/first.md"
    row = page.select_one("article > nav.page-actions")
    owner_name = HOSTED["GITHUB_REPOSITORY"]
    assert row.select_one("a.colab-link")["href"] == (
        f"https://colab.research.google.com/github/{owner_name}/blob/notebooks/{folder}/first.ipynb"
    )
    assert row.select_one("a.source-link")["href"] == f"{REPOSITORY}/blob/main/docs/{folder}/first.md"
    report = row.select_one("a.report-link")["href"]
    assert report.startswith(f"{REPOSITORY}/issues/new?title={folder}/first%3A%20&body=") and "first.html" in report


@pytest.mark.parametrize("folder", guide_site.LANGUAGES)
def test_sitemap_lists_every_page_once_in_order(hosted, folder):
    sitemap = (hosted / folder / "html" / "sitemap.xml").read_text(encoding="utf-8")
    listed = re.findall(r"<loc>([^<]*)</loc>", sitemap)
    assert listed == sorted(set(listed))
    assert {f"{URL}{folder}/{name}.html" for name in ("index", "first", "second", "search")} <= set(listed)


def test_every_docs_build_starts_from_empty_output(tmp_path):
    for folder in guide_site.LANGUAGES:
        stale = tmp_path / folder / "html" / "removed-page.html"
        stale.parent.mkdir(parents=True)
        stale.write_text("old", encoding="utf-8")
        (tmp_path / folder / "doctrees").mkdir()
    cache = tmp_path / ".jupyter_cache" / "kept"
    cache.mkdir(parents=True)
    guide_site.clean_outputs(out=tmp_path)
    assert not any((tmp_path / folder).exists() and any((tmp_path / folder).iterdir()) for folder in guide_site.LANGUAGES)
    assert cache.exists()  # nothing runs again
