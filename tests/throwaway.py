"""Small throwaway sites, built with the real conf.py and extensions exactly as `nox -s docs` does."""

from __future__ import annotations

import filecmp
from pathlib import Path

import guide_site

# A throwaway site is built as the deploy workflow builds the real one, with its addresses known, so
# that the sitemap, hreflang and "view source" links are exercised (the real site in CI has none).
HOSTED = {"GITHUB_REPOSITORY": "example/guide", "GUIDE_SITE_URL": "https://example.github.io/guide/"}
HEADER = "---\nfile_format: mystnb\nkernelspec:\n  name: python3\n  display_name: Python 3\n  language: python\n---\n\n"


def page(title: str, *cells: str, tags: dict[int, str] | None = None, prose: str = "") -> str:
    """A MyST notebook page; ``tags`` maps a cell's index to its tag."""
    body = [HEADER + f"# {title}\n\n{prose}\n"]
    for index, source in enumerate(cells):
        tag = f":tags: [{tags[index]}]\n" if tags and index in tags else ""
        body.append(f"```{{code-cell}} python\n{tag}{source}\n```\n")
    return "\n".join(body)


def write_site(root: Path, pages: dict[str, dict[str, str]]) -> Path:
    """pages: folder -> {slug: text}; each index.md lists the slugs in a toctree."""
    for folder, content in pages.items():
        (root / "docs" / folder).mkdir(parents=True, exist_ok=True)
        toctree = "\n".join(slug for slug in content if slug != "index")
        (root / "docs" / folder / "index.md").write_text(f"# Home\n\n```{{toctree}}\n{toctree}\n```\n")
        for slug, text in content.items():
            (root / "docs" / folder / f"{slug}.md").write_text(text, encoding="utf-8")
    return root


def both(text: str) -> dict[str, dict[str, str]]:
    return {folder: {"page": text} for folder in guide_site.LANGUAGES}


def start(root: Path, *extra: str, folder: str = "en", builder: str = "html", out: Path | None = None):
    """One language, as nox builds it (parallel, warnings as errors), in the background."""
    return guide_site.start(folder, builder, *extra, docs=root / "docs", out=out or root, cache=root / "cache", env=HOSTED)


def build(root: Path, *extra: str, folder: str = "en", builder: str = "html", out: Path | None = None):
    """One language, as nox builds it; (exit code, output)."""
    proc = start(root, *extra, folder=folder, builder=builder, out=out)
    output, _ = proc.communicate(timeout=600)
    return proc.returncode, output


def build_all(root: Path, *extra: str, out: Path | None = None, hosted: bool = True) -> dict[str, str]:
    """Every language side by side, as `nox -s docs`; fails the test on a failed build. hosted:
    with the HOSTED addresses, else with this machine's (as `nox -s docs` here)."""
    results = guide_site.run_all(
        "html", *extra, echo=False, docs=root / "docs", out=out or root, cache=root / "cache", env=HOSTED if hosted else None
    )
    for folder, (status, output) in results.items():
        assert status == 0, f"docs/{folder} failed:\n{output}"
    return {folder: output for folder, (_, output) in results.items()}


def cache_database(root: Path, folder: str = "en") -> Path:
    """A language's cache database (in a folder named by the fingerprint)."""
    (database,) = (root / "cache" / folder).glob("*/global.db")
    return database


# Sphinx's incremental-build record: a hash of the configuration, whose paths are absolute.
# It is bookkeeping for the next build, not part of what readers get.
IGNORED = [".buildinfo"]


def differing_files(left: Path, right: Path) -> list[str]:
    comparison = filecmp.dircmp(left, right, ignore=IGNORED)
    found = [f"only in {left}: {name}" for name in comparison.left_only]
    found += [f"only in {right}: {name}" for name in comparison.right_only]
    _, mismatch, errors = filecmp.cmpfiles(left, right, comparison.common_files, shallow=False)
    found += [f"differs: {left / name}" for name in mismatch + errors]
    for name in comparison.common_dirs:
        found += differing_files(left / name, right / name)
    return found
