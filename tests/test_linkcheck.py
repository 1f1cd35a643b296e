"""The link check can fail: a dead internal link, a missing anchor, a dead external link."""

from pathlib import Path

import check_links


def write_site(root: Path, page_body: str) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "index.html").write_text('<html><body><a href="page.html">page</a></body></html>')
    (root / "page.html").write_text(f'<html><body><h2 id="here">here</h2>{page_body}</body></html>')
    return root


def test_good_site_passes(tmp_path, capsys):
    site = write_site(tmp_path / "site", '<a href="#here">ok</a><a href="index.html">home</a>')
    assert check_links.check_internal(site) == 0


def test_dead_internal_link_fails_and_names_the_page(tmp_path, capsys):
    site = write_site(tmp_path / "site", '<a href="missing.html">dead</a>')
    assert check_links.check_internal(site) != 0
    out = capsys.readouterr().out
    assert "missing.html" in out and f"{site}/page.html" in out


def test_every_folder_is_checked(tmp_path, capsys):
    """A dead link in a language folder is found, and so is one from the root page; a link between
    the folders with its anchor resolves."""
    site = tmp_path / "site"
    write_site(site / "zh", '<a href="../en/page.html#here">twin</a>')
    write_site(site / "en", '<a href="gone.html">dead</a>')
    (site / "index.html").write_text('<a href="zh/index.html">zh</a><a href="en/index.html">en</a><a href="x.html">x</a>')
    assert check_links.check_internal(site) != 0
    out = capsys.readouterr().out
    assert f"{site}/en/page.html" in out and "gone.html" in out and "x.html" in out


def test_missing_anchor_fails(tmp_path, capsys):
    site = write_site(tmp_path / "site", '<a href="index.html#nowhere">dead anchor</a>')
    assert check_links.check_internal(site) != 0
    assert "nowhere" in capsys.readouterr().out


def test_dead_external_link_fails(tmp_path, capfd):
    """Sphinx's linkcheck builder, as the linkcheck session runs it, on a link to a page that is not there."""
    server, base = check_links.serve(write_site(tmp_path / "remote", ""))
    try:
        for folder in ("zh", "en"):
            page = tmp_path / "docs" / folder / "index.md"
            page.parent.mkdir(parents=True)
            page.write_text(f"# Links\n\n<{base}page.html> is there; <{base}gone.html> is not.\n")
        status = check_links.check_external(tmp_path / "docs", tmp_path / "build")
    finally:
        server.shutdown()
    assert status != 0
    out = capfd.readouterr().out
    assert "gone.html" in out and "External links (Sphinx linkcheck builder): FAILED" in out
