"""Language-specific settings for one build of the bilingual site, the twin check, the twin links."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.nodes import make_id

import guide_site

logger = logging.getLogger(__name__)


def _language(config: Config) -> guide_site.Language:
    return guide_site.BY_SPHINX_LANGUAGE[config.language]


def _twin_language(config: Config) -> guide_site.Language:
    """The other language: the twin checks are pairwise, so there are exactly two (or this fails)."""
    (twin,) = [lang for lang in guide_site.LANGUAGES.values() if lang.sphinx != config.language]
    return twin


def check_language(app: Sphinx) -> None:
    """The build's language (conf.py, from $GUIDE_LANGUAGE) is the language of its source folder."""
    folder = _language(app.config).folder
    if Path(app.srcdir).name != folder:
        raise ConfigError(
            f"language {app.config.language!r} builds docs/{folder}, not {app.srcdir}: "
            f"set GUIDE_LANGUAGE={Path(app.srcdir).name} (guide_site.start does)"
        )


def terms(config: Config) -> list[tuple[str, str]]:
    """(English, Chinese) for each row of docs/terms.tsv."""
    rows = Path(config.TERMS_FILE).read_text(encoding="utf-8").splitlines()
    return [(en.strip(), zh.strip()) for en, zh, *_ in (row.split("\t") for row in rows if row.strip())]


def write_search_dictionary(app: Sphinx) -> None:
    """The glossary's Chinese terms as the jieba user dictionary conf.py names (zh only), one word a line."""
    if path := app.config.html_search_options.get("dict"):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text("".join(f"{zh}\n" for _, zh in terms(app.config)), encoding="utf-8")


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
        logger.warning(
            "%d sections, but its twin %s has %d headings: the sections keep their own ids",
            len(sections),
            twin,
            len(ids),
            type="bilingual",
            subtype="sections",
            location=app.env.docname,
        )
        return
    for section, english in zip(sections, ids):
        if english in section["ids"]:
            section["ids"].remove(english)
        section["ids"].insert(0, english)


def check_twins(app: Sphinx) -> None:
    """Every page has its twin in the other language; otherwise a -W build fails. (That the twins
    carry the same code is for tests/test_twins.py: comparing code costs every build seconds.)"""
    srcdir = Path(app.srcdir)
    twin_dir = srcdir.parent / _twin_language(app.config).folder
    for page in sorted(srcdir.rglob("*.md")):
        twin = twin_dir / page.relative_to(srcdir)
        if not twin.exists():
            docname = page.relative_to(srcdir).with_suffix("").as_posix()  # Sphinx names the file from it
            logger.warning(
                "page has no twin: %s has no translation at %s", page, twin, type="bilingual", subtype="twin", location=docname
            )


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
    app.add_config_value("TERMS_FILE", "", "env")
    app.connect("builder-inited", check_language)
    app.connect("builder-inited", write_search_dictionary)
    app.connect("builder-inited", check_twins)
    app.connect("doctree-read", english_term_ids)
    app.connect("doctree-read", english_section_ids)
    app.connect("html-page-context", add_twin_links)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
