"""Paths shared by the tests, and the built site that several of them inspect."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BUILD = ROOT / "_build"
SITE = Path(os.environ.get("SITE", BUILD / "html"))
FOLDERS = ("zh", "en")


def pages(folder: str) -> list[str]:
    return sorted(p.stem for p in (DOCS / folder).glob("*.md"))


@pytest.fixture(scope="session")
def site() -> Path:
    if not (SITE / "zh" / "index.html").exists() or not (SITE / "en" / "index.html").exists():
        pytest.fail(f"the built site is missing under {SITE}: run `nox -s docs` first")
    return SITE
