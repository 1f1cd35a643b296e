"""The pages of each language and the built site the tests read (SITE=... overrides it)."""

import os
from pathlib import Path

from myst_nb.core.read import is_myst_markdown_notebook

import guide_site

SITE = Path(os.environ.get("SITE", guide_site.SITE))


def pages(folder: str) -> list[str]:
    return sorted(p.stem for p in (guide_site.DOCS / folder).glob("*.md"))


def is_notebook(folder: str, page: str) -> bool:
    return is_myst_markdown_notebook((guide_site.DOCS / folder / f"{page}.md").read_text(encoding="utf-8"))
