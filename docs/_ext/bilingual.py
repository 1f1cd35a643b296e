"""Language-specific settings for one build of the bilingual site, the twin checks, the twin links."""

from __future__ import annotations

import difflib
import io
import json
import posixpath
import re
import tokenize
from pathlib import Path

from docutils import nodes
from myst_nb.core.read import read_myst_markdown_notebook
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.nodes import make_id

import guide_site

logger = logging.getLogger(__name__)


# Bump when code_cells() or strip_comments() change what they return: the memo of each page's
# code cells (CodeCellCache) is only valid for the logic that made it.
CODE_CELLS_VERSION = "2"


def _language(config: Config) -> guide_site.Language:
    return guide_site.BY_SPHINX_LANGUAGE[config.language]


def _twin_language(config: Config) -> guide_site.Language:
    """The other language: each page has exactly one twin (the parity checks are pairwise)."""
    others = [lang for lang in guide_site.LANGUAGES.values() if lang.sphinx != config.language]
    if len(others) != 1:
        raise ConfigError(f"the twin checks assume two languages, guide_site.LANGUAGES has {len(others) + 1}")
    return others[0]


def configure_language(app: Sphinx, config: Config) -> None:
    if config.language not in guide_site.BY_SPHINX_LANGUAGE:
        raise ConfigError(
            f"language {config.language!r} is not one of {sorted(guide_site.BY_SPHINX_LANGUAGE)}; "
            "build with -D language=zh_CN or -D language=en"
        )
    language = _language(config)
    if set(config.UI_TEXT) != set(guide_site.LANGUAGES):
        raise ConfigError(f"UI_TEXT in conf.py must have one entry per language: {sorted(guide_site.LANGUAGES)}")
    settings = config.UI_TEXT[language.folder]
    srcdir = Path(app.srcdir)
    if srcdir.name != language.folder:
        raise ConfigError(f"language {config.language!r} builds docs/{language.folder}, not {srcdir}")
    config.html_title = settings["title"]
    if guide_site.SITE_URL:
        config.html_baseurl = f"{guide_site.SITE_URL}{language.folder}/"
        config.ogp_site_url = config.html_baseurl
    config.ogp_site_name = settings["title"]
    if guide_site.REPOSITORY:
        config.html_theme_options = {**config.html_theme_options, "source_directory": f"docs/{language.folder}/"}
    title, body = settings["notfound"]
    config.notfound_context = {"title": title, "body": body}
    config.notfound_urls_prefix = f"{guide_site.site_path()}{language.folder}/"
    config.nb_code_prompt_show = settings["nb_code_prompt_show"]
    config.nb_code_prompt_hide = settings["nb_code_prompt_hide"]
    config.UI_TEXT_THEME = settings["theme"]
    config.html_context = {**config.html_context, "download_label": settings["download"],
                           "page_links_label": settings["page_links"]}
    if config.language.startswith("zh"):
        config.html_search_options = {"dict": str(_jieba_dictionary(config, Path(app.doctreedir)))}
        app.add_js_file("zh-search.js")
        app.add_js_file("cjk-headings.js", loading_method="defer")  # headings break between words


def terms(config: Config) -> list[tuple[str, str]]:
    """(English, Chinese) for each row of docs/terms.tsv."""
    rows = Path(config.TERMS_FILE).read_text(encoding="utf-8").splitlines()
    return [(en.strip(), zh.strip()) for en, zh, *_ in (row.split("\t") for row in rows if row.strip())]


def _jieba_dictionary(config: Config, doctreedir: Path) -> Path:
    """Write the glossary's Chinese terms as a jieba user dictionary, one word a line."""
    words = [zh for _, zh in terms(config)]
    path = doctreedir / "jieba_user_dict.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(words) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


CJK = re.compile(r"[\u3400-\u9fff]")


def english_term_ids(app: Sphinx, doctree) -> None:
    """Each Chinese glossary term also answers to its English twin's id (``#term-leaf-tensor``), first:
    Sphinx numbers non-ASCII terms (``#term-48``), which shifts when a term is added. Graph figures
    link their nodes to these ids (autograd_guide.figure.TERMS)."""
    if not app.config.language.startswith("zh"):
        return
    english = {zh: en for en, zh in terms(app.config)}
    for glossary in doctree.findall(addnodes.glossary):
        for term in glossary.findall(nodes.term):
            text = term.astext()
            if not CJK.search(text):
                continue  # an id of its own words already: term-<text>
            if text not in english:
                logger.warning("glossary term %r has no row in docs/terms.tsv", text, type="bilingual", location=term)
                continue
            term["ids"].insert(0, make_id(app.env, doctree, "term", english[text]))


HEADING = re.compile(r"^(#{1,6}) +(.+?) *$")
FENCE = re.compile(r"^(`{3,}|~{3,})")
ROLE = re.compile(r"\{[\w:-]+\}`([^`<]*?)(?: *<[^>]*>)?`")


LABEL = re.compile(r"^\(([\w-]+)\)=\s*$")


def heading_ids(page: Path) -> list[str]:
    """The first id Sphinx gives each section of an English page, in order: the label on the line
    before its heading, else docutils' id of the heading's text (roles and backticks read as the
    words they show). Code fences are skipped."""
    ids, fence, label = [], None, None
    for line in page.read_text(encoding="utf-8").splitlines():
        if match := FENCE.match(line):
            fence = None if fence and line.startswith(fence) else fence or match.group(1)
        elif fence is not None:
            continue
        elif match := LABEL.match(line):
            label = match.group(1)
            continue
        elif match := HEADING.match(line):
            ids.append(label or nodes.make_id(ROLE.sub(r"\1", match.group(2)).replace("`", "")))
        label = None
    return ids


def english_section_ids(app: Sphinx, doctree) -> None:
    """Each Chinese section answers first to its English twin's id (by position): docutils gives a
    Chinese heading ``#id3``, which changes when a section is added and says nothing. A shared link
    stays valid, and the language switch lands on the same id."""
    if not app.config.language.startswith("zh"):
        return
    twin = Path(app.srcdir).parent / _twin_language(app.config).folder / f"{app.env.docname}.md"
    sections = list(doctree.findall(nodes.section))
    if not twin.exists() or not sections:
        return
    ids = heading_ids(twin)
    if len(ids) != len(sections):
        logger.warning("%d sections, but its twin %s has %d headings: the sections keep their own ids",
                       len(sections), twin, len(ids), type="bilingual", subtype="sections",
                       location=app.env.docname)
        return
    for section, english in zip(sections, ids):
        if english in section["ids"]:
            section["ids"].remove(english)
        section["ids"].insert(0, english)


def strip_comments(source: str) -> str:
    """Code without comments, blank lines or the page language: what twins must share."""
    source = re.sub(r'setup_page\("(zh|en)"\)', 'setup_page("LANG")', source)
    cut: dict[int, int] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                cut[token.start[0]] = token.start[1]
    except (tokenize.TokenError, SyntaxError):
        pass  # compared as written; a real difference still shows in the diff
    lines = [line[: cut.get(number, len(line))].rstrip() for number, line in enumerate(source.splitlines(), 1)]
    return "\n".join(line for line in lines if line)


def code_cells(page: Path) -> list[str]:
    """Each code cell of a MyST notebook as its tags and its comment-free source."""
    notebook = read_myst_markdown_notebook(page.read_text(encoding="utf-8"), path=page)
    return [
        f"# tags: {sorted(cell.metadata.get('tags', []))}\n{strip_comments(cell.source)}"
        for cell in notebook.cells
        if cell.cell_type == "code"
    ]


def code_drift(page: Path, twin: Path, cells=code_cells) -> str:
    """A diff of the two pages' code cells, or "" when the twins carry the same code."""
    mine, theirs = cells(page), cells(twin)
    if mine == theirs:
        return ""
    lines = difflib.unified_diff(
        "\n\n".join(mine).splitlines(), "\n\n".join(theirs).splitlines(), str(page), str(twin), lineterm=""
    )
    return "\n".join(lines)


class CodeCellCache:
    """code_cells() of each page, reparsed only when the file changes: parsing every page
    on every build would cost a no-op rebuild seconds."""

    def __init__(self, path: Path):
        self.path = path
        saved = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        self.entries = saved.get("pages", {}) if saved.get("version") == CODE_CELLS_VERSION else {}

    def __call__(self, page: Path) -> list[str]:
        stat = page.stat()
        stamp = [stat.st_mtime_ns, stat.st_size]
        entry = self.entries.get(str(page))
        if entry is None or entry[0] != stamp:
            entry = self.entries[str(page)] = [stamp, code_cells(page)]
        return entry[1]

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps({"version": CODE_CELLS_VERSION, "pages": self.entries}), encoding="utf-8")


def check_twins(app: Sphinx) -> None:
    """Every page exists in both languages with the same code; otherwise a -W build fails."""
    srcdir = Path(app.srcdir)
    twin_dir = srcdir.parent / _twin_language(app.config).folder
    cells = CodeCellCache(Path(app.doctreedir) / "twin_code_cells.json")
    for page in sorted(srcdir.rglob("*.md")):
        twin = twin_dir / page.relative_to(srcdir)
        docname = page.relative_to(srcdir).with_suffix("").as_posix()  # Sphinx names the file from it
        if not twin.exists():
            logger.warning("page has no twin: %s has no translation at %s", page, twin,
                           type="bilingual", subtype="twin", location=docname)
        elif drift := code_drift(page, twin, cells):
            logger.warning("code cells differ from the twin %s (only comments may differ):\n%s", twin, drift,
                           type="bilingual", subtype="drift", location=docname)
    cells.save()


def add_twin_links(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    """The switcher's link to the twin page, and hreflang links for search engines."""
    own, twin = _language(app.config), _twin_language(app.config)
    # pathto: relative, or absolute on the 404 page (sphinx-notfound-page), served at any depth
    context["twin_url"] = posixpath.normpath(context["pathto"](f"../{twin.folder}/{pagename}", 1)) + ".html"
    context["twin_label"] = twin.label
    context["twin_lang"] = twin.html
    if guide_site.SITE_URL:  # hreflang wants absolute addresses
        context["metatags"] = context.get("metatags", "") + "".join(
            f'\n<link rel="alternate" hreflang="{lang.html}" href="{guide_site.SITE_URL}{lang.folder}/{pagename}.html" />'
            for lang in (own, twin)
        )


def setup(app: Sphinx) -> dict:
    app.add_config_value("UI_TEXT", {}, "env")
    app.add_config_value("TERMS_FILE", "", "env")
    app.connect("config-inited", configure_language, priority=400)
    app.connect("builder-inited", check_twins)
    app.connect("doctree-read", english_term_ids)
    app.connect("doctree-read", english_section_ids)
    app.connect("html-page-context", add_twin_links)
    app.add_js_file("switcher.js", loading_method="defer")  # keeps the section when switching language
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
