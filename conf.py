"""One Sphinx configuration for both languages.

``nox -s docs`` builds both; ``src/guide_site.py`` holds the languages, the folders and the
sphinx-build command line. The language is the only thing that differs between the builds:
``docs/_ext/bilingual.py`` derives the language-specific settings from ``UI_TEXT``.
"""

import sys
from pathlib import Path

import guide_site

ROOT = Path(__file__).parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))  # the project's own extensions

project = "PyTorch Autograd Guide"
author = "Autograd Guide contributors"
copyright = "2026, Autograd Guide contributors"
language = "en"  # overridden per build with -D language=zh_CN

REPOSITORY, BRANCH = guide_site.REPOSITORY, guide_site.BRANCH

# Each language's words (keyed by its folder, as in guide_site.LANGUAGES): the title, the toggle
# of cells tagged hide-cell (used only for exercise solutions), the download links' label, the name of the
# links under the title (for screen readers), the 404 page, the theme's words.
UI_TEXT = {
    "zh": {
        "title": "PyTorch 自动求导指南",
        "nb_code_prompt_show": "显示解答", "nb_code_prompt_hide": "隐藏解答", "download": "下载本页：",
        "page_links": "语言与下载",
        # the row at the top of each page (docs/_ext/page_actions.py)
        "page_actions": "本页链接", "search": "搜索", "colab": "在 Colab 中打开", "source": "查看源文件",
        "report": "报告问题", "outputs": "输出来自 PyTorch {torch}，{device}", "minutes": "约 {n} 分钟",
        "levels": {"beginner": "入门", "intermediate": "进阶", "advanced": "深入"},
        # furo's own words, by their English text (see docs/_ext/accessibility.py).
        "theme": {
            "Skip to content": "跳到正文", "Back to top": "回到顶部", "On this page": "本页目录",
            "Next": "下一页", "Previous": "上一页", "Home": "首页", "Made with ": "构建工具：",
            "<a href=\"https://www.sphinx-doc.org/\">Sphinx</a> and ": "<a href=\"https://www.sphinx-doc.org/\">Sphinx</a> 与 ",
            "Copyright &#169; %(copyright)s": "版权所有 &#169; %(copyright)s",
            "View this page": "查看本页源文件", "Edit this page": "编辑本页",
            "Toggle site navigation sidebar": "展开或收起站点导航", "Toggle table of contents sidebar": "展开或收起本页目录",
            "Toggle Light / Dark / Auto color theme": "切换浅色、深色或跟随系统的配色",
            "Contents": "目录", "Menu": "菜单", "Expand": "展开", "Light mode": "浅色模式", "Dark mode": "深色模式",
            "Auto light/dark, in light mode": "跟随系统，当前为浅色", "Auto light/dark, in dark mode": "跟随系统，当前为深色",
        },
        "notfound": ("找不到页面", "<h1>找不到页面</h1><p>这个地址没有页面。请从<a href=\"index.html\">首页</a>开始，或者用搜索。</p>"),
    },
    "en": {
        "title": "PyTorch Autograd Guide",
        "nb_code_prompt_show": "Show solution", "nb_code_prompt_hide": "Hide solution", "download": "Download:",
        "page_links": "Language and downloads",
        "page_actions": "Page links", "search": "Search", "colab": "Open in Colab", "source": "Source",
        "report": "Report a problem", "outputs": "Outputs from PyTorch {torch}, {device}", "minutes": "{n} min",
        "levels": {"beginner": "beginner", "intermediate": "intermediate", "advanced": "advanced"},
        "theme": {},  # furo writes English
        "notfound": ("Page not found", "<h1>Page not found</h1><p>There is no page at this address. Start from the <a href=\"index.html\">home page</a>, or search.</p>"),
    },
}
# Glossary terms (English <TAB> Chinese); the zh build feeds them to jieba so that
# 叶子张量 is indexed as one word and found when typed without spaces.
TERMS_FILE = str(ROOT / "docs" / "terms.tsv")

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
# Executed outputs live in a jupyter-cache per language: an unchanged page is never run again,
# and a prose-only edit runs nothing. docs/_ext/execution_cache.py keeps one cache per language
# and fingerprint of the helper and package versions below this folder.
nb_execution_mode = "cache"
nb_execution_cache_path = str(guide_site.CACHE)
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
html_js_files = [("stepper.js", {"defer": "defer"}), ("figures.js", {"defer": "defer"}), ("drawer.js", {"defer": "defer"})]
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

# -- Hosting: sitemap, OpenGraph, 404 (per-language values are set by docs/_ext/bilingual.py) ----
html_theme_options = {  # "view source" and "edit" only when the repository is known
    "source_repository": REPOSITORY,
    "source_branch": BRANCH,
    "top_of_page_buttons": ["view", "edit"],
} if REPOSITORY else {"top_of_page_buttons": []}
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
