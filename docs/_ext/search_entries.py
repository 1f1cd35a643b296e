"""Search entries that a page's words do not give, each pointing at its section: the error messages
of the errors page, and the words readers search with (``docs/search_synonyms.tsv``).

Sphinx's search matches a query word by word, so a pasted error message also matches every page
that shows the same error, and "backward twice" matches no heading. But it matches an index entry
as a phrase: an entry that holds the whole query, when the query is at least half of it.
``docs/search_scorer.js`` ranks such an entry first (a glossary term, also an index entry, ranks
like a title, so that the page that teaches a term comes before its definition). The entries go
to the search index only: they are added after the general index was collected.
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
SYNONYMS = Path(__file__).parent.parent / "search_synonyms.tsv"


def synonyms() -> dict[tuple[str, str], list[str]]:
    """(page, section id) -> the phrases a reader may search that section with."""
    found = {}
    for line in SYNONYMS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            where, phrases = line.split("\t")
            page, section = where.split("#")
            found[(page, section)] = [p.strip() for p in phrases.split("|") if p.strip()]
    return found


def _entry(section: nodes.Element, phrase: str) -> None:
    entry = ("single", " ".join(phrase.split()), section["ids"][0], "main", None)
    section.insert(1, addnodes.index(entries=[entry]))  # after its title


def add_entries(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for paragraph in list(doctree.findall(nodes.paragraph)):
        if "error-message" in paragraph["classes"]:
            section = paragraph.parent
            while not (isinstance(section, nodes.section) and section["ids"]):
                section = section.parent
            _entry(section, paragraph.astext())
    for (page, section_id), phrases in synonyms().items():
        if page != docname:
            continue
        section = next((s for s in doctree.findall(nodes.section) if section_id in s["ids"]), None)
        if section is None:
            logger.warning(
                "docs/search_synonyms.tsv: %s has no section #%s", page, section_id, type="search_entries", location=docname
            )
            continue
        for phrase in phrases:
            _entry(section, phrase)


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", add_entries)
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
