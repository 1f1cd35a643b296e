"""The built site that several tests inspect: it fails (not skips) when the site is unbuilt."""

from pathlib import Path

import pytest
from paths import SITE

import guide_site


@pytest.fixture(scope="session")
def site() -> Path:
    missing = [folder for folder in guide_site.LANGUAGES if not (SITE / folder / "index.html").exists()]
    if missing:
        pytest.fail(f"the built site is missing under {SITE} ({missing}): run `nox -s docs` first")
    return SITE
