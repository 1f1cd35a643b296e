"""Mend what validators and screen readers trip over in the theme's and myst-nb's HTML, at its
source, each mend checking its target so that it fails loudly when the library changes.

- Sphinx's toctree captions, in furo's sidebar and in the home page's body, are
  ``<p class="caption" role="heading">`` without the ``aria-level`` that role requires (axe-core:
  aria-required-attr, critical, on every page). They head sections under the page title: level 2.
- myst-nb's toggle of a hidden cell puts ``<p>`` in ``<summary>`` (Nu Html Checker: "Element p
  not allowed as child of element summary") and names it "Toggle hidden content" in English
  whatever its visible text (axe-core: label-content-name-mismatch). Not reported upstream yet;
  a ``<span>`` and no aria-label in myst-nb's visit_HideCellInput would delete visit_hidden_cell.
- furo writes some accessible names in English in its templates, outside gettext; they are made
  translatable here, and docs/locales translates them with furo's other strings. furo wrapping
  them in ``_()`` would delete translatable_theme.
"""

from __future__ import annotations

import inspect
from html import escape
from importlib.metadata import version

from myst_nb import sphinx_ as myst_nb_sphinx
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

CAPTION = '<p class="caption" role="heading">'
LEVELLED = '<p class="caption" role="heading" aria-level="2">'

# furo's templates -> the literal English it writes without gettext, and how it is written.
SIDEBAR_LABELS = [
    f"Toggle {what}" for what in ("site navigation sidebar", "table of contents sidebar", "Light / Dark / Auto color theme")
]
ICON_TITLES = ["Contents", "Menu", "Expand", "Light mode", "Dark mode"] + [
    f"Auto light/dark, in {m} mode" for m in ("light", "dark")
]
FURO_LITERALS = {"page.html": ('aria-label="{}"', SIDEBAR_LABELS), "partials/icons.html": ("<title>{}</title>", ICON_TITLES)}


def caption_levels(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    tree = context.get("furo_navigation_tree")
    if tree is None:
        raise ExtensionError(
            f"accessibility: furo {version('furo')} no longer sets furo_navigation_tree; "
            "check whether its sidebar captions carry aria-level now"
        )
    context["furo_navigation_tree"] = tree.replace(CAPTION, LEVELLED)
    if "body" in context:
        context["body"] = context["body"].replace(CAPTION, LEVELLED)


def visit_hidden_cell(self, node) -> None:
    """myst-nb's visit_HideCellInput with phrasing content in <summary> and no English label."""
    classes = " ".join(node["classes"])
    self.body.append(f'<details class="admonition hide {classes}">\n<summary>')
    self.body.append(f'<span class="collapsed admonition-title">{escape(node["prompt_show"])}</span>')
    self.body.append(f'<span class="expanded admonition-title">{escape(node["prompt_hide"])}</span>')
    self.body.append("</summary>\n")


def check_myst_nb_toggle() -> None:
    source = inspect.getsource(myst_nb_sphinx.visit_HideCellInput)
    if '<summary aria-label="Toggle hidden content">' not in source or '<p class="collapsed' not in source:
        raise ExtensionError(
            f"accessibility: myst-nb {version('myst-nb')} changed visit_HideCellInput; "
            "check whether its <summary> is valid now and drop visit_hidden_cell"
        )


def translatable_theme(app: Sphinx) -> None:
    """furo's English literals go through gettext, which docs/locales/<language>/LC_MESSAGES/sphinx.po
    translates with furo's other words."""
    if app.builder.format != "html":
        return
    templates = app.builder.templates
    original = templates.get_source

    def get_source(environment, name):
        source, filename, uptodate = original(environment, name)
        for template, (pattern, literals) in FURO_LITERALS.items():
            if filename and filename.replace("\\", "/").endswith(f"/furo/{template}"):
                for text in literals:
                    written = pattern.format(text)
                    if written not in source:
                        raise ExtensionError(
                            f"accessibility: furo {version('furo')} no longer writes {written} in {template}; update FURO_LITERALS"
                        )
                    source = source.replace(written, pattern.format(f"{{{{ _({text!r}) }}}}"))
        return source, filename, uptodate

    templates.get_source = get_source


def setup(app: Sphinx) -> dict:
    check_myst_nb_toggle()
    app.add_node(myst_nb_sphinx.HideCodeCellNode, override=True, html=(visit_hidden_cell, myst_nb_sphinx.depart_HideCellInput))
    app.connect("builder-inited", translatable_theme)
    app.connect("html-page-context", caption_levels, priority=600)  # after furo's, which builds the tree
    return {"version": "2", "parallel_read_safe": True, "parallel_write_safe": True}
