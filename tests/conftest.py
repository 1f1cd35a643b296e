"""The built site that several tests inspect (it fails, not skips, when the site is unbuilt), and a
browser on it: Playwright driving Debian's chromium, the site served on localhost.

Needs /usr/bin/chromium (`apt-get install chromium fonts-noto-cjk`, as .ci/run does), or the
path in $CHROMIUM.
"""

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from check_links import serve
from paths import SITE
from screenshots import CHROMIUM  # Debian's chromium, or $CHROMIUM

import guide_site


@pytest.fixture(scope="session")
def site() -> Path:
    missing = [folder for folder in guide_site.LANGUAGES if not (SITE / folder / "index.html").exists()]
    if missing:
        pytest.fail(f"the built site is missing under {SITE} ({missing}): run `nox -s docs` first")
    return SITE


@pytest.fixture(scope="session")
def base_url(site):
    server, url = serve(site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium fonts-noto-cjk)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


class Visit:
    """A page opened in a fresh context that records console errors and every request."""

    def __init__(self, browser, base_url: str, theme: str = "light", **context_options):
        self.context = browser.new_context(**context_options)
        self.context.add_init_script(f"localStorage.setItem('theme', '{theme}')")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.base_url = base_url

    def open(self, path: str):
        self.page.goto(self.base_url + path, wait_until="networkidle")
        return self.page

    def foreign_requests(self) -> list[str]:
        local = urlsplit(self.base_url).netloc
        return [u for u in self.requests if urlsplit(u).scheme in ("http", "https") and urlsplit(u).netloc != local]

    def close(self):
        self.context.close()


@pytest.fixture
def visit(browser, base_url):
    opened = []

    def make(**options) -> Visit:
        opened.append(Visit(browser, base_url, **options))
        return opened[-1]

    yield make
    for v in opened:
        v.close()
