"""The project's Sphinx extensions, piece by piece: each patch of a library is installed, and
stops the build loudly when its target changes; the small defects of the code review stay fixed."""

from __future__ import annotations

import myst_nb.core.render
import pytest
import sitemap_order
import stream_output
from docutils import nodes
from mathml import to_mathml
from sphinx.errors import ExtensionError


def test_stream_patch_fails_loudly_when_myst_nb_changes(monkeypatch):
    monkeypatch.setattr(myst_nb.core.render, "coalesce_streams", lambda outputs: outputs)
    with pytest.raises(ExtensionError, match="myst-nb .*coalesce_streams"):
        stream_output.install()


def test_sitemap_fix_fails_loudly_when_sphinx_sitemap_changes(monkeypatch):
    monkeypatch.delattr(sitemap_order.sphinx_sitemap, "add_html_link")
    with pytest.raises(ExtensionError, match="sphinx-sitemap .* jdillard/sphinx-sitemap#13"):
        sitemap_order.check_target()


def test_math_that_cannot_be_rendered_is_escaped():
    """latex2mathml rejects this formula; its text used to go into the page as raw markup."""
    html = to_mathml(nodes.math(text=r"\left( a<b"), "inline")
    assert html == r"<code>\left( a&lt;b</code>"


def test_error_messages_and_synonyms_become_search_entries_of_their_sections(monkeypatch, tmp_path):
    """docs/_ext/search_entries.py: the phrase a reader pastes or types finds its section."""
    import search_entries
    from sphinx import addnodes

    message = "Trying to backward through the graph a second time"
    section = nodes.section(ids=["a-second-backward-pass"])
    subtitle = nodes.paragraph(classes=["error-message"])
    subtitle += nodes.literal(text=message)
    section += [nodes.title(text="A second backward pass"), subtitle, nodes.paragraph(text="Cause: ...")]
    doctree = nodes.document(None, None)
    doctree += section
    synonyms = tmp_path / "synonyms.tsv"
    synonyms.write_text("# comment\nerrors#a-second-backward-pass\tbackward twice | 二次反向传播\n", encoding="utf-8")
    monkeypatch.setattr(search_entries, "SYNONYMS", synonyms)
    search_entries.add_entries(None, doctree, "errors")
    entries = sorted(entry for node in doctree.findall(addnodes.index) for entry in node["entries"])
    assert entries == sorted(
        ("single", text, "a-second-backward-pass", "main", None) for text in (message, "backward twice", "二次反向传播")
    )


def test_links_out_follow_the_repository_and_vanish_without_it(monkeypatch):
    import page_actions

    import guide_site

    monkeypatch.setattr(guide_site, "REPOSITORY", "https://github.com/someone/autograd-guide")
    monkeypatch.setattr(guide_site, "SITE_URL", "https://someone.github.io/autograd-guide/")
    links = {cls: url for url, _, cls in page_actions.outside_links("zh", "detach", "detach() and .data", notebook=True)}
    assert links["colab-link"] == "https://colab.research.google.com/github/someone/autograd-guide/blob/notebooks/zh/detach.ipynb"
    assert links["source-link"] == "https://github.com/someone/autograd-guide/blob/main/docs/zh/detach.md"
    assert links["report-link"].startswith("https://github.com/someone/autograd-guide/issues/new?title=zh/detach%3A%20&body=")
    assert "https%3A//someone.github.io/autograd-guide/zh/detach.html" in links["report-link"]
    assert "colab-link" not in {cls for _, _, cls in page_actions.outside_links("zh", "index", "Home", notebook=False)}
    monkeypatch.setattr(guide_site, "REPOSITORY", None)
    assert page_actions.outside_links("zh", "detach", "t", notebook=True) == []


def test_the_execution_cache_takes_one_writer_at_a_time(tmp_path):
    """Parallel readers writing one cache at once lose records (docs/_ext/execution_cache.py)."""
    import threading
    import time

    import execution_cache

    inside, most = [0], [0]

    def write(self):
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        time.sleep(0.05)
        inside[0] -= 1

    cache = type("Cache", (), {"path": str(tmp_path)})()
    locked = execution_cache.one_writer_at_a_time(write)
    threads = [threading.Thread(target=locked, args=(cache,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most[0] == 1


def test_the_write_lock_fails_loudly_when_jupyter_cache_changes(monkeypatch):
    import execution_cache

    monkeypatch.delattr(execution_cache.jupyter_cache.cache.db.NbCacheRecord, "records_to_delete")
    with pytest.raises(ExtensionError, match="jupyter-cache .* write lock"):
        execution_cache.install_write_lock()
