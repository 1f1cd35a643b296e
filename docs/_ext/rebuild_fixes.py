"""An incremental build writes the same bytes as a clean one: five gaps, mended.

Each fix checks that what it mends still looks as expected and stops the build, naming the
library and its version, when it does not (the library changed: see whether the bug is fixed).

1. myst-nb copies mystnb.css at build-finished, after the pages are written. Sphinx adds a
   ``?v=<checksum>`` to a stylesheet's link only when the file is already in the output, so a
   clean build links it without one and every rebuild with one. Copied before the pages are
   written instead. (myst_nb.sphinx_ext.add_global_html_resources; sphinx-doc/sphinx#1379 is
   the older Sphinx issue it cites.)
2. sphinx-sitemap lists the pages written in the current run only, in the order parallel
   writers finished: a rebuild's sitemap lost most pages. Every page of the environment is
   listed, sorted. (jdillard/sphinx-sitemap#13)
3. Sphinx's search index keeps index entries (the glossary's) only for pages written in the
   current run: IndexBuilder.load restores titles and terms from searchindex.js but not the
   index entries. They are restored, and frozen in a fixed order.
   (sphinx-doc/sphinx#12599) And IndexBuilder.prune keeps a word whose pages were all pruned,
   written as a term of no page (``"fire": []`` after an edit took "fires" out of the only page
   that had it); such words are dropped.
4. Sphinx never removes what an earlier build wrote: after a configuration change (an extension
   dropped, an HTML option changed) or a page added or removed, the output keeps the old static
   files, images and pages that a clean build would not write. Sphinx rewrites every page in
   those cases anyway, so the output folder is emptied first. (sphinx-doc/sphinx#14327,
   sphinx-doc/sphinx#5908)
5. Sphinx rereads and rewrites pages when the configuration changes, not when an extension's
   code does: a page kept what the old code wrote (a script tag, a figure's alt, a download). The
   project's own extensions are part of the configuration here, by their contents' hash.
"""

from __future__ import annotations

import functools
import hashlib
import inspect
import io
import queue
import shutil
from importlib.metadata import version
from pathlib import Path

import myst_nb.sphinx_ext
import sphinx.builders.html._build_info as build_info
import sphinx_sitemap
from sphinx.application import Sphinx
from sphinx.builders.html import StandaloneHTMLBuilder
from sphinx.environment import CONFIG_OK
from sphinx.errors import ExtensionError
from sphinx.project import Project
from sphinx.search import IndexBuilder


def _expect(condition: bool, library: str, what: str, issue: str) -> None:
    if not condition:
        raise ExtensionError(
            f"rebuild_fixes: {library} {version(library)} changed ({what}); "
            f"check whether {issue} is fixed and update or drop this fix in docs/_ext/rebuild_fixes.py"
        )


# 1. myst-nb's stylesheet -------------------------------------------------------------------

def copy_mystnb_css_before_writing(app: Sphinx, env) -> list[str]:
    if app.builder.format == "html":
        (Path(app.outdir) / "_static").mkdir(parents=True, exist_ok=True)
        myst_nb.sphinx_ext.add_global_html_resources(app, None)
    return []


# 2. The sitemap ----------------------------------------------------------------------------

def list_every_page(app: Sphinx, exception: Exception | None) -> None:
    """Runs just before sphinx-sitemap writes the file: refill its queue with every page."""
    if exception is not None or app.builder.format != "html" or not hasattr(app.env.app, "sitemap_links"):
        return
    for docname in app.env.found_docs:  # pages this run did not write are still on the site
        sphinx_sitemap.add_html_link(app, docname, None, {}, None)
    links = app.env.app.sitemap_links
    queued = []
    while True:
        try:
            queued.append(links.get_nowait())
        except queue.Empty:
            break
    for link in sorted(set(queued)):  # each page once, in an order that does not depend on timing
        links.put(link)


# 3. The search index's index entries ---------------------------------------------------------

def _load_with_index_entries(load):
    @functools.wraps(load)
    def patched(self: IndexBuilder, stream, format) -> None:
        text = stream.read()
        load(self, (io.StringIO if isinstance(text, str) else io.BytesIO)(text), format)
        frozen = (self.formats[format] if isinstance(format, str) else format).loads(text)
        docnames = frozen["docnames"]
        entries: dict[str, set] = {}
        for entry, places in frozen.get("indexentries", {}).items():
            for doc_index, target_id, main in places:
                entries.setdefault(docnames[doc_index], set()).add((entry, target_id, "main" if main else ""))
        self._index_entries.clear()
        self._index_entries.update((doc, sorted(found)) for doc, found in entries.items())

    patched.restores_index_entries = True
    return patched


def _freeze_in_order(freeze):
    @functools.wraps(freeze)
    def patched(self: IndexBuilder):
        frozen = freeze(self)
        frozen["indexentries"] = {entry: sorted(places) for entry, places in frozen["indexentries"].items()}
        return frozen

    patched.restores_index_entries = True
    return patched


def _prune_empty_words(prune):
    @functools.wraps(prune)
    def patched(self: IndexBuilder, docnames) -> None:
        prune(self, docnames)
        for mapping in (self._mapping, self._title_mapping):
            for word in [word for word, pages in mapping.items() if not pages]:
                del mapping[word]

    return patched


def install_search_index_fix() -> None:
    issue = "sphinx-doc/sphinx#12599"
    _expect(list(inspect.signature(IndexBuilder.load).parameters) == ["self", "stream", "format"],
            "sphinx", "IndexBuilder.load(self, stream, format)", issue)
    _expect("self._index_entries" in inspect.getsource(IndexBuilder.__init__)
            and "'indexentries'" in inspect.getsource(IndexBuilder.freeze),
            "sphinx", "IndexBuilder._index_entries and frozen 'indexentries'", issue)
    _expect("wordnames.intersection_update(docnames)" in inspect.getsource(IndexBuilder.prune),
            "sphinx", "IndexBuilder.prune narrowing _mapping and _title_mapping in place", issue)
    if not getattr(IndexBuilder.load, "restores_index_entries", False):
        IndexBuilder.load = _load_with_index_entries(IndexBuilder.load)
        IndexBuilder.freeze = _freeze_in_order(IndexBuilder.freeze)
        IndexBuilder.prune = _prune_empty_words(IndexBuilder.prune)


# 4. Stale output ---------------------------------------------------------------------------

def _html_options_changed(app: Sphinx) -> bool:
    """What makes Sphinx's HTML builder rewrite every page: its .buildinfo no longer matches."""
    try:
        return build_info.BuildInfo.load(Path(app.outdir) / ".buildinfo") != app.builder.build_info
    except (OSError, ValueError):
        return True


def empty_output_before_a_full_rewrite(app: Sphinx) -> None:
    outdir = Path(app.outdir)
    if app.builder.format != "html" or not outdir.is_dir():
        return
    pages = Project(app.srcdir, app.config.source_suffix).discover(app.config.exclude_patterns,
                                                                     app.config.include_patterns)
    # config_status covers a fresh environment too (CONFIG_NEW)
    if app.env.config_status != CONFIG_OK or set(app.env.all_docs) != pages or _html_options_changed(app):
        for child in outdir.iterdir():
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


# 5. Extension code ---------------------------------------------------------------------------

def _own_extensions_hash() -> str:
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def check_library_targets() -> None:
    _expect(callable(getattr(myst_nb.sphinx_ext, "add_global_html_resources", None)), "myst-nb",
            "no add_global_html_resources(app, exception)", "the mystnb.css copy at build-finished")
    _expect(callable(getattr(sphinx_sitemap, "add_html_link", None))
            and "sitemap_links" in inspect.getsource(sphinx_sitemap.create_sitemap),
            "sphinx-sitemap", "add_html_link / the sitemap_links queue", "jdillard/sphinx-sitemap#13")
    _expect(callable(getattr(build_info.BuildInfo, "load", None)) and hasattr(build_info.BuildInfo, "__eq__")
            and "build_info_backup" in inspect.getsource(StandaloneHTMLBuilder.get_outdated_docs),
            "sphinx", "BuildInfo.load and the .buildinfo check of get_outdated_docs", "sphinx-doc/sphinx#14327")


def setup(app: Sphinx) -> dict:
    check_library_targets()
    install_search_index_fix()
    app.add_config_value("own_extensions_hash", _own_extensions_hash(), "env")  # fix 5: a change rereads all
    app.connect("builder-inited", empty_output_before_a_full_rewrite)
    app.connect("env-updated", copy_mystnb_css_before_writing)
    app.connect("build-finished", list_every_page, priority=400)  # sphinx-sitemap writes at 500
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
