"""Checks on the built site: switcher links, html lang, reproducible outputs, Chinese search."""

import functools
import json
import re
from pathlib import Path

import pytest
import torch
from bs4 import BeautifulSoup
from paths import SITE, is_notebook, pages

import guide_site
from autograd_guide.figure import TERMS

FOLDERS = list(guide_site.LANGUAGES)
HTML_LANG = {folder: language.html for folder, language in guide_site.LANGUAGES.items()}
OTHER = {folder: next(f for f in FOLDERS if f != folder) for folder in FOLDERS}


def html_pages(folder: str) -> list[Path]:
    return sorted((SITE / folder).glob("*.html"))


@functools.cache
def soup(path: Path) -> BeautifulSoup:
    """A built page, parsed once per test process: do not change it (parse a copy: fresh_soup)."""
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def fresh_soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.mark.parametrize("folder", FOLDERS)
def test_switcher_lands_on_the_twin(site, folder):
    for path in html_pages(folder):
        links = soup(path).select("a.lang-switch-link")
        assert len(links) == 1, f"{path}: expected one language-switcher link, found {len(links)}"
        href = links[0]["href"]
        site_path = guide_site.site_path()
        if href.startswith("/"):  # the 404 pages link by absolute path: they are served at any depth
            assert href.startswith(site_path), f"{path}: switcher points outside the site: {href}"
            target = (site / href.removeprefix(site_path)).resolve()
        else:
            target = (path.parent / href).resolve()
        assert target == (site / OTHER[folder] / path.name).resolve(), f"{path}: switcher points to {target}"
        assert target.exists(), f"{path}: switcher target {target} does not exist"


@pytest.mark.parametrize("folder", FOLDERS)
def test_html_lang(site, folder):
    for path in html_pages(folder):
        assert soup(path).html["lang"] == HTML_LANG[folder], f"{path}: wrong <html lang>"


def test_no_memory_addresses_in_outputs(site):
    offenders = [str(path) for path in site.rglob("*.html") if re.search(r"object at 0x[0-9a-fA-F]+", path.read_text("utf-8"))]
    assert not offenders, f"object reprs with memory addresses (print .name() instead): {offenders}"


@pytest.mark.parametrize("folder", FOLDERS)
def test_home_page_states_version_and_device(site, folder):
    text = soup(site / folder / "index.html").get_text()
    assert f"PyTorch {torch.__version__}" in text
    assert re.search(r"device: (cpu|cuda)", text)


def test_root_index_links_both_languages_without_javascript(site):
    links = {a["href"] for a in soup(site / "index.html").find_all("a")}
    assert {"zh/index.html", "en/index.html"} <= links


def search_index(folder: str) -> dict:
    text = (SITE / folder / "searchindex.js").read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1 : text.rindex(")")])


def docs_for(index: dict, word: str) -> set[str]:
    """Pages that Sphinx's search finds for a word typed as one token, as the in-page search does."""
    hits = index["terms"].get(word, [])
    hits = [hits] if isinstance(hits, int) else hits
    titles = index["titleterms"].get(word, [])
    titles = [titles] if isinstance(titles, int) else titles
    return {index["docnames"][i] for i in [*hits, *titles]}


@pytest.mark.parametrize(
    ("folder", "query", "page"),
    [("zh", "叶子张量", "leaf-tensors"), ("zh", "反向传播", "grad-and-grad-fn"), ("en", "leaf", "leaf-tensors")],
)
def test_search_finds_the_page(site, folder, query, page):
    if not (site / folder / f"{page}.html").exists():
        pytest.fail(f"{page} is not built")
    assert page in docs_for(search_index(folder), query), f"searching {query!r} in {folder} does not find {page}"


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_notebook_page_offers_its_executed_notebook(site, folder):
    for path in html_pages(folder):
        links = soup(path).select("a.download-ipynb, a.download-py")
        if path.stem not in pages(folder) or not is_notebook(folder, path.stem):
            assert not links, f"{path}: has no notebook to offer"
            continue
        assert len(links) == 2, f"{path}: expected .ipynb and .py download links"
        for link in links:
            assert (path.parent / link["href"]).is_file(), f"{path}: {link['href']} does not exist"
        notebook = json.loads((path.parent / links[0]["href"]).read_text(encoding="utf-8"))
        outputs = [o for c in notebook["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
        assert outputs, f"{path}: the downloadable notebook has no outputs"
        assert notebook["metadata"]["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("folder", FOLDERS)
def test_hosting_metadata(site, folder):
    """Addresses come from where the site is built (guide_site), and are absent when unknown."""
    page = soup(site / folder / "detach.html")
    alternates = {link["hreflang"]: link["href"] for link in page.head.find_all("link", rel="alternate")}
    og_url = page.head.find("meta", property="og:url")
    sitemap = site / folder / "sitemap.xml"
    if guide_site.SITE_URL is None:
        assert not alternates and og_url is None and not sitemap.exists()
    else:
        assert set(alternates) == {"zh-CN", "en"}
        assert alternates["zh-CN"] == f"{guide_site.SITE_URL}zh/detach.html"
        assert alternates["en"] == f"{guide_site.SITE_URL}en/detach.html"
        assert og_url["content"] == alternates[HTML_LANG[folder]]
        assert alternates[HTML_LANG[folder]] in sitemap.read_text(encoding="utf-8")
    buttons = {kind: page.select_one(f".{kind}-this-page a") for kind in ("view", "edit")}
    if guide_site.REPOSITORY is None:
        assert buttons == {"view": None, "edit": None}
    else:
        assert buttons["view"]["href"] == f"{guide_site.REPOSITORY}/blob/{guide_site.BRANCH}/docs/{folder}/detach.md?plain=true"
        assert buttons["edit"]["href"] == f"{guide_site.REPOSITORY}/edit/{guide_site.BRANCH}/docs/{folder}/detach.md"


def test_not_found_pages(site):
    assert "找不到页面" in (site / "zh" / "404.html").read_text(encoding="utf-8")
    assert "Page not found" in (site / "en" / "404.html").read_text(encoding="utf-8")
    root = soup(site / "404.html")
    assert {a["href"].rsplit("/", 2)[-2] for a in root.find_all("a")} == {"zh", "en"}
    # styled like the site: the stylesheet it names (by absolute path) is in the site
    stylesheet = root.find("link", rel="stylesheet")["href"].removeprefix(guide_site.site_path())
    assert (site / stylesheet).is_file(), stylesheet
    assert {form["action"].rsplit("/", 2)[-2] for form in root.find_all("form")} == {"zh", "en"}


# A graph's description; a backward pass's figure, or one of its steps (autograd_guide.flow).
GRAPH_ALT = {"en": ("Backward graph. ", "Backward pass from ", "step ", "after step "), "zh": ("反向图。", "从 ", "第 ")}


PLOTS = {"memory": 1, "training-loop": 1}  # matplotlib figures: their alt is in their cell's options


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_figure_has_a_text_alternative(site, folder):
    """A graph is described in the page's language (its tensors, nodes and edges); a plot by its cell."""
    plots, graphs = {}, 0
    for path in html_pages(folder):
        page = soup(path)
        for image in page.select("article img"):
            alt = image.get("alt", "")
            assert alt and alt != image["src"] and not alt.endswith(".svg"), f"{path}: {image['src']} has alt {alt!r}"
            plots[path.stem] = plots.get(path.stem, 0) + 1
        for svg in page.select("article .graph-box > svg"):
            label = svg.get("aria-label", "")
            assert label.startswith(GRAPH_ALT[folder]), f"{path}: a figure described as {label[:60]!r}"
            graphs += 1
    assert plots == PLOTS, f"docs/{folder}: figures that are not graphs, per page: {plots}"
    assert graphs > 70, graphs


def test_headings_have_levels_and_pages_an_icon(site):
    """axe's aria-required-attr (furo's captions); a favicon, so no request for /favicon.ico fails."""
    for path in [*html_pages("zh"), *html_pages("en"), site / "index.html", site / "404.html"]:
        page = soup(path)
        for heading in page.select('[role="heading"]'):
            assert heading.get("aria-level"), f"{path}: role=heading without aria-level: {heading}"
        icon = page.head.find("link", rel="icon")
        assert icon, f"{path}: no favicon"
        href = icon["href"]
        target = (site / href.removeprefix(guide_site.site_path())) if href.startswith("/") else path.parent / href
        assert target.resolve().exists(), f"{path}: favicon {href} not found"


def test_chinese_pages_carry_no_english_theme_words(site):
    """The theme's and the guide's words, visible or for screen readers, are translated on every
    Chinese page (outside the article): each English word of the catalogue, and furo's literals."""
    from accessibility import FURO_LITERALS
    from babel.messages.pofile import read_po

    with (guide_site.DOCS / "locales" / "zh_CN" / "LC_MESSAGES" / "sphinx.po").open("rb") as po:
        english = {message.id for message in read_po(po) if message.id}
    english |= {text for _, texts in FURO_LITERALS.values() for text in texts}
    english = {re.sub(r"<[^>]+>|%\(\w+\)s|\{\w+\}|&#169;", "", words).strip() for words in english} - {""}
    for path in html_pages("zh"):
        page = fresh_soup(path)
        for hidden in page(["script", "style", "article"]):
            hidden.decompose()
        said = [page.get_text(" ")] + [tag[attr] for attr in ("aria-label", "title") for tag in page.find_all(attrs={attr: True})]
        found = sorted({words for words in english for text in said if re.search(rf"\b{re.escape(words)}", text)})
        assert not found, f"{path}: English theme words {found}"


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_graph_node_links_to_a_glossary_entry_of_its_kind_with_a_title(site, folder):
    """The glossary ids a node links to (autograd_guide.figure.TERMS) exist in both languages, on
    the term of that kind; each node carries a title in the page's language."""
    glossary = soup(site / folder / "glossary.html")
    terms = {kind: glossary.find(id=anchor) for kind, anchor in TERMS.items()}
    assert all(terms.values()), f"{folder}/glossary.html lacks ids: {[k for k, v in terms.items() if not v]}"
    assert terms["leaf"].find_parent("dt") or terms["leaf"].name == "dt"
    kinds, count = set(), 0
    for path in html_pages(folder):
        for node in soup(path).select("article .graph-box a.node"):
            kind = node["class"][1]
            assert node["href"] == f"glossary.html#{TERMS[kind]}", f"{path}: {node}"
            title = node.find("title").get_text()
            assert title and bool(re.search(r"[\u4e00-\u9fff]", title)) == (folder == "zh"), f"{path}: node title {title!r}"
            kinds.add(kind)
            count += 1
    assert kinds == set(TERMS) and count > 500, (kinds, count)


SECTION_ID = re.compile(r'<section (?:class="[^"]*" )?id="([^"]*)"')


def test_chinese_sections_carry_their_english_twins_ids(site):
    """A Chinese heading's docutils id is #idN, which shifts when a section is added: each zh section
    answers first to its English twin's id (docs/_ext/bilingual.py), so shared links stay valid."""
    for name in pages("zh"):
        path = site / "zh" / f"{name}.html"
        zh = SECTION_ID.findall(path.read_text(encoding="utf-8"))
        en = SECTION_ID.findall((site / "en" / path.name).read_text(encoding="utf-8"))
        assert zh == en, f"{path.name}: zh section ids {zh} differ from en {en}"
        assert not [i for i in zh if re.fullmatch(r"id\d+", i)], f"{path.name}: {zh}"


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_page_opens_with_its_links_and_says_where_its_outputs_came_from(site, folder):
    """The row at the top of each page (docs/_ext/page_actions.py): the other language, the
    downloads, search; Colab, source and "report a problem" exactly when the repository is known;
    the PyTorch version and device of the build; the page's level and reading time."""
    from importlib.metadata import version

    links_out = {"colab-link", "source-link", "report-link"}
    for name in pages(folder):
        path = site / folder / f"{name}.html"
        page = soup(path)
        if not is_notebook(folder, name):
            continue
        row = page.select_one("article > nav.page-actions")
        assert row is not None and row.find_next("h1"), f"{path}: no row of links before the title"
        classes = {a["class"][0] for a in row.find_all("a")}
        assert {"row-lang", "row-ipynb", "row-py", "search-link"} <= classes, (path, classes)
        assert (links_out <= classes) == bool(guide_site.REPOSITORY) and (links_out & classes) <= links_out
        facts = [span.get_text() for span in row.select(".page-fact")]
        assert version("torch") in facts[0] and ("CPU" in facts[0] or "CUDA" in facts[0]), facts
        assert re.search(r"\d+ (min|分钟)", facts[-1]), (path, facts)
    assert guide_site.REPOSITORY or "colab" not in (site / folder / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("folder", FOLDERS)
def test_contents_give_each_page_its_level_and_reading_time(site, folder):
    index = soup(site / folder / "index.html")
    entries = index.select("article .toctree-wrapper li.toctree-l1")
    assert len(entries) >= 29
    for entry in entries:
        meta = entry.select_one(".page-meta")
        assert meta is not None, entry
        minutes = int(re.search(r"(\d+) (?:min|分钟)", meta.get_text()).group(1))
        assert 3 <= minutes <= 90, (entry.get_text(), minutes)
    levels = [e.select_one(".page-meta").get_text().split(" · ")[1] for e in entries]
    assert len(set(levels)) >= 3, levels  # beginner, intermediate, advanced (and the reference pages' none)


SUMMARY_TITLE = {"en": "In short", "zh": "本页要点"}
NO_SUMMARY = {"index", "glossary", "cheat-sheet"}  # the home page and the reference pages
SUMMARY_SIZE = {"en": 90, "zh": 170}  # words, CJK characters: read at a glance


@pytest.mark.parametrize("folder", FOLDERS)
def test_every_content_page_opens_with_a_summary_of_two_to_four_sentences(site, folder):
    for name in pages(folder):
        path = site / folder / f"{name}.html"
        if not is_notebook(folder, name) or name in NO_SUMMARY:
            continue
        heading = soup(path).select_one("article h1")
        box = heading.find_next_sibling(lambda tag: tag.name in ("div", "p", "section"))
        assert box is not None and "summary" in box.get("class", []), f"{path}: the first block is {box}"
        assert box.select_one(".admonition-title").get_text() == SUMMARY_TITLE[folder], path
        text = " ".join(p.get_text(" ") for p in box.find_all("p")[1:])
        ends = len(re.findall(r"。", text)) if folder == "zh" else len(re.findall(r"[.!?](?=\s+[A-Z(`\"]|\s*$)", text))
        assert 2 <= ends <= 4, f"{path}: the summary has {ends} sentences: {text[:200]}"
        size = len(re.findall(r"[\u4e00-\u9fff]", text)) if folder == "zh" else len(text.split())
        assert size <= SUMMARY_SIZE[folder], f"{path}: the summary is {size} {'characters' if folder == 'zh' else 'words'}"
