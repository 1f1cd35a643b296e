"""Make the error messages quoted on the errors page findable by pasting them into the search.

Each section of ``docs/<lang>/errors.md`` has a short heading and, under it, the message as a
paragraph of class ``error-message`` (``{.error-message}`` on the line before it). Sphinx's search matches
words, so a pasted message also matches every page that shows the same error in an output; but it
matches an index entry as a phrase. This makes each such paragraph a search index entry pointing
at its section (``docs/search_scorer.js`` ranks a phrase match of several words first). The
entries go to the search index only: they are added after the general index was collected.
"""

from __future__ import annotations

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx


def index_error_messages(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for paragraph in list(doctree.findall(nodes.paragraph)):
        if "error-message" not in paragraph["classes"]:
            continue
        section = paragraph.parent
        while section is not None and not (isinstance(section, nodes.section) and section["ids"]):
            section = section.parent
        target = section["ids"][0] if section is not None else ""
        entry = ("single", " ".join(paragraph.astext().split()), target, "main", None)
        paragraph.insert(0, addnodes.index(entries=[entry]))


def setup(app: Sphinx) -> dict:
    app.connect("doctree-resolved", index_error_messages)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
