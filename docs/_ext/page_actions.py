"""The row of links at the top of every page, and each page's level and reading time.

The row (on a phone the sidebar is a drawer away): the other language, the downloads, search, and,
when the repository is known (``guide_site.REPOSITORY``), "Open in Colab" (the executed notebook,
which the Pages workflow pushes to the ``notebooks`` branch), the page's source and "report a
problem" (a new issue naming the page); then the PyTorch version and device the outputs came
from, and the page's level and reading time.

The reading time is computed from the page itself: its prose at ``READING`` characters (zh) or
words (en) a minute, plus ``SECONDS_PER_CODE_LINE`` for each line of code shown. The level is its
part's, given once per part on the home page's toctree (``:class: level-beginner``); the home
page's contents show both beside every page.
"""

from __future__ import annotations

import math
import re
from html import escape
from importlib.metadata import version
from urllib.parse import quote

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.locale import get_translation

import guide_site

_ = get_translation("sphinx")  # the words below, translated by docs/locales/<language>/LC_MESSAGES/sphinx.po
READING = {"zh": 300, "en": 180}  # characters or words a minute
SECONDS_PER_CODE_LINE = 6
NOTEBOOKS_BRANCH = "notebooks"  # .github/workflows/pages.yml pushes the executed notebooks there
LEVEL = re.compile(r"^level-(\w+)$")
CJK = re.compile(r"[\u3400-\u9fff]")


def outside_links(folder: str, pagename: str, title: str, notebook: bool) -> list[tuple[str, str, str]]:
    """Open in Colab, the source, a new issue naming the page: (url, label, class), when the repository is known."""
    if not guide_site.REPOSITORY:
        return []
    repository = guide_site.REPOSITORY.removeprefix("https://github.com/")
    where = f"{guide_site.SITE_URL}{folder}/{pagename}.html" if guide_site.SITE_URL else f"docs/{folder}/{pagename}.md"
    report = f"?title={quote(f'{folder}/{pagename}: ')}&body={quote(chr(10).join([title, where, '', '']))}"
    colab = f"https://colab.research.google.com/github/{repository}/blob/{NOTEBOOKS_BRANCH}/{folder}/{pagename}.ipynb"
    return [
        *([(colab, _("Open in Colab"), "colab-link")] if notebook else []),
        (f"{guide_site.REPOSITORY}/blob/{guide_site.BRANCH}/docs/{folder}/{pagename}.md", _("Source"), "source-link"),
        (f"{guide_site.REPOSITORY}/issues/new{report}", _("Report a problem"), "report-link"),
    ]


def measure(app: Sphinx, doctree: nodes.document) -> None:
    """The page's reading time in minutes, from its prose and the code it shows."""
    folder = guide_site.BY_SPHINX_LANGUAGE[app.config.language].folder
    prose = code = 0
    for node in doctree.findall(nodes.Text):
        if any(
            isinstance(a, (nodes.literal_block, nodes.doctest_block, addnodes.toctree)) or "cell_output" in a.get("classes", ())
            for a in _ancestors(node.parent)
        ):
            continue
        text = node.astext()
        prose += len(CJK.findall(text)) + len(CJK.sub(" ", text).split()) if folder == "zh" else len(text.split())
    for block in doctree.findall(lambda n: isinstance(n, (nodes.literal_block, nodes.doctest_block))):
        if not any("cell_output" in a.get("classes", ()) for a in _ancestors(block)):
            code += len([line for line in block.astext().splitlines() if line.strip()])
    seconds = prose / READING[folder] * 60 + code * SECONDS_PER_CODE_LINE
    app.env.metadata[app.env.docname]["reading_minutes"] = max(1, math.ceil(seconds / 60))


def _ancestors(node):
    while node is not None:
        yield node
        node = node.parent


def levels(app: Sphinx, env) -> None:
    """Each page's level: its part's, from the home page's toctrees (after the parallel reads)."""
    env.guide_levels = {
        docname: m.group(1)
        for toctree in env.get_doctree(app.config.root_doc).findall(addnodes.toctree)
        for c in toctree.parent.get("classes", [])
        if (m := LEVEL.match(c))
        for _, docname in toctree["entries"]
    }


def meta(app: Sphinx, docname: str) -> str:
    """ "beginner · 12 min" for a page."""
    parts = []
    if level := app.env.guide_levels.get(docname):
        parts.append(_(level))  # beginner, intermediate, advanced
    if minutes := app.env.metadata.get(docname, {}).get("reading_minutes"):
        parts.append(_("{n} min").format(n=minutes))
    return " · ".join(parts)


TOCTREE_ENTRY = re.compile(r'(<li class="toctree-l1"><a class="reference internal" href="([\w-]+)\.html">.*?</a>)')


def contents_meta(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """Beside every page in the home page's contents: its level and reading time. (Toctrees are
    resolved after doctree-resolved, so this edits the page's HTML.)"""
    if pagename != app.config.root_doc or "body" not in context:
        return

    def add(match: re.Match) -> str:
        text = meta(app, match.group(2))
        return f'{match.group(1)}<span class="page-meta"> · {escape(text)}</span>' if text else match.group(1)

    context["body"] = TOCTREE_ENTRY.sub(add, context["body"])


def add_row(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if doctree is None or "body" not in context:
        return
    folder = guide_site.BY_SPHINX_LANGUAGE[app.config.language].folder
    # The sidebar has the language and the downloads too (a-lang-switch-link ...): the row's own classes.
    lang = context["twin_lang"]
    links = [(context["twin_url"], context["twin_label"], "row-lang", {"hreflang": lang, "lang": lang})]
    if downloads := context.get("notebook_downloads"):
        links += [(downloads[kind], f".{kind}", f"row-{kind}", {"download": ""}) for kind in ("ipynb", "py")]
    links.append((context["pathto"]("search"), _("Search"), "search-link", {}))
    title = re.sub(r"<[^>]+>", "", context.get("title", ""))
    links += [(url, label, cls, {"rel": "noopener"}) for url, label, cls in outside_links(folder, pagename, title, bool(downloads))]

    def link(url, label, cls, attributes) -> str:
        extra = "".join(f' {k}="{escape(v)}"' if v else f" {k}" for k, v in attributes.items())
        return f'<a class="{cls}" href="{escape(url)}"{extra}>{escape(label)}</a>'

    facts = [_("Outputs from PyTorch {torch}, {device}").format(torch=version("torch"), device=app.config.guide_device)]
    if about := meta(app, pagename):
        facts.append(about)
    row = (
        f'<nav class="page-actions" aria-label="{escape(_("Page links"))}">'
        + "".join(link(*item) for item in links)
        + "".join(f'<span class="page-fact">{escape(fact)}</span>' for fact in facts)
        + "</nav>"
    )
    context["body"] = row + context["body"]


def setup(app: Sphinx) -> dict:
    import torch

    app.add_config_value("guide_device", "CUDA" if torch.cuda.is_available() else "CPU", "html")  # where cells ran
    app.connect("doctree-read", measure)
    app.connect("env-updated", levels)
    app.connect("html-page-context", contents_meta)
    app.connect("html-page-context", add_row, priority=600)  # after bilingual's and the downloads'
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
