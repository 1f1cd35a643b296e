"""One Sphinx configuration for both languages.

``nox -s docs`` builds each language with its own sphinx-build, naming it in $GUIDE_LANGUAGE
(``src/guide_site.py`` holds the languages, the folders and the command line); everything that
differs between the two builds is derived from it here. The guide's and the theme's words are
written in English and translated by the catalogue docs/locales/zh_CN/LC_MESSAGES/sphinx.po.
"""

import os
import sys
from pathlib import Path

import guide_site

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))  # the project's own extensions

FOLDER = os.environ.get(guide_site.LANGUAGE_VARIABLE, "en")  # zh or en: docs/<FOLDER> is this build's source
LANGUAGE = guide_site.LANGUAGES[FOLDER]
language = LANGUAGE.sphinx
locale_dirs = [str(ROOT / "docs" / "locales")]  # sphinx.po: the theme's and the guide's words

project = "PyTorch Autograd Guide"
author = "Autograd Guide contributors"
copyright = "2026, Autograd Guide contributors"
html_title = {"zh": "PyTorch 自动求导指南", "en": "PyTorch Autograd Guide"}[FOLDER]
# The toggle of cells tagged hide-cell (used only for exercise solutions).
nb_code_prompt_show, nb_code_prompt_hide = {"zh": ("显示解答", "隐藏解答"), "en": ("Show solution", "Hide solution")}[FOLDER]
notfound_context = {
    "zh": {
        "title": "找不到页面",
        "body": '<h1>找不到页面</h1><p>这个地址没有页面。请从<a href="index.html">首页</a>开始，或者用搜索。</p>',
    },
    "en": {
        "title": "Page not found",
        "body": '<h1>Page not found</h1><p>There is no page at this address. Start from the <a href="index.html">home page</a>, or search.</p>',
    },
}[FOLDER]
notfound_urls_prefix = f"{guide_site.site_path()}{FOLDER}/"

# Glossary terms (English <TAB> Chinese); the zh build feeds them to jieba (docs/_ext/bilingual.py)
# so that 叶子张量 is indexed as one word and found when typed without spaces.
TERMS_FILE = str(ROOT / "docs" / "terms.tsv")
if FOLDER == "zh":
    html_search_options = {"dict": str(guide_site.BUILD / "zh" / "jieba_user_dict.txt")}

extensions = [
    "myst_nb",
    "sphinx.ext.doctest",
    "sphinx_copybutton",
    "bilingual",
    "execution_cache",
    "stream_output",
    "notebook_downloads",
    "search_entries",  # a pasted error message, or a reader's words (docs/search_synonyms.tsv), find their section
    "page_actions",  # the links at the top of each page; level and reading time in the contents
    "accessibility",
    "mathml",
    # A sitemap and OpenGraph tags need the site's absolute address: only when it is known.
    *(["sphinx_sitemap", "sitemap_order", "sphinxext.opengraph"] if guide_site.SITE_URL else []),
    "notfound.extension",
]

# -- MyST and execution -------------------------------------------------------
myst_enable_extensions = ["dollarmath", "attrs_block"]  # attrs_block: {.class} on the next block (errors.md)
myst_heading_anchors = 3
# Executed outputs live in a jupyter-cache per language, in a folder named by a fingerprint of the
# helper and package versions (guide_site.cache_folder): an unchanged page is never run again,
# and a prose-only edit runs nothing.
nb_execution_mode = "cache"
nb_execution_cache_path = str(guide_site.cache_folder(FOLDER))
nb_execution_timeout = 120  # per cell; the slowest Part I cell takes well under 5 s
# A failing cell is a warning (an error under -W) rather than an exception: in a parallel build
# an exception loses the cell and the traceback; execution_cache.py reports page, cell, error.
nb_execution_raise_on_error = False
nb_execution_show_tb = True
nb_execution_in_temp = True  # a cell that writes a file must not write it into docs/
nb_merge_streams = True  # stdout chunks in one block, so outputs are stable across runs

# Math becomes MathML at build time (docs/_ext/mathml.py): no MathJax from a CDN, works offline.
html_math_renderer = "mathml"

# -- HTML -----------------------------------------------------------------------
html_theme = "furo"
html_static_path = ["docs/_static"]  # relative to this folder
html_favicon = "docs/_static/favicon.svg"  # browsers ask for /favicon.ico when a page names none
templates_path = ["docs/_templates"]
html_css_files = ["guide.css", "phone.css"]  # phone.css: tables, copy button, type sizes at 390 px
html_js_files = [(name, {"defer": "defer"}) for name in ("stepper.js", "figures.js", "drawer.js", "switcher.js", "scroll-focus.js")]
if FOLDER == "zh":
    html_js_files += ["zh-search.js", ("cjk-headings.js", {"defer": "defer"})]  # headings break between words
html_last_updated_fmt = None  # a timestamp would make two builds of the same sources differ
html_copy_source = False
html_search_scorer = str(ROOT / "docs" / "search_scorer.js")  # ranks titles holding more query words first
html_sidebars = {
    "**": [
        "sidebar/brand.html",
        "sidebar/page-links.html",
        "sidebar/search.html",
        "sidebar/scroll-start.html",
        "sidebar/navigation.html",
        "sidebar/scroll-end.html",
    ]
}

# -- Hosting: sitemap, OpenGraph, "view source" (only where the addresses are known) ----------
html_theme_options = (
    {
        "source_repository": guide_site.REPOSITORY,
        "source_branch": guide_site.BRANCH,
        "source_directory": f"docs/{FOLDER}/",
        "top_of_page_buttons": ["view", "edit"],
    }
    if guide_site.REPOSITORY
    else {"top_of_page_buttons": []}
)
html_baseurl = f"{guide_site.SITE_URL}{FOLDER}/" if guide_site.SITE_URL else ""
ogp_site_url, ogp_site_name = html_baseurl, html_title
sitemap_url_scheme = "{link}"  # html_baseurl already ends in the language folder
sitemap_locales = [None]  # twins are linked with hreflang in each page's head instead
ogp_enable_meta_description = True
ogp_social_cards = {"enable": False}  # drawing cards with matplotlib costs build time, and wants fonts

# -- Copy button ------------------------------------------------------------------
# Copy doctest snippets without their prompts; cell outputs get no button at all.
copybutton_prompt_text = r">>> |\.\.\. "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_selector = "div.highlight:not(.output *) > pre"

# -- Doctest ----------------------------------------------------------------------
doctest_test_doctest_blocks = ""  # only explicit {doctest} blocks are tests
