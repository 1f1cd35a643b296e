"""Phone screenshots of the figure pages, light and dark, for a person to look at before a change
lands (`nox -s screenshots`): whole pages at 390 px, into _build/screenshots/.

    python tools/screenshots.py [PAGE ...]     # default: the pages below, both languages
"""

from __future__ import annotations

import os
import sys

from check_links import serve

import guide_site

PAGES = ["leaf-tensors", "grad-and-grad-fn", "hooks", "backward-engine", "tiny-autograd"]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}  # also the browser tests'
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")  # Debian's; the tests and Lighthouse drive it too
OUT = guide_site.BUILD / "screenshots"


def main(pages: list[str]) -> int:
    from playwright.sync_api import sync_playwright  # here: the tests and Lighthouse import the constants above

    OUT.mkdir(parents=True, exist_ok=True)
    server, base = serve(guide_site.SITE)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for theme in ("light", "dark"):
            context = browser.new_context(**PHONE)
            context.add_init_script(f"localStorage.setItem('theme', '{theme}')")
            page = context.new_page()
            for folder in guide_site.LANGUAGES:
                for name in pages:
                    page.goto(f"{base}{folder}/{name}.html", wait_until="networkidle")
                    page.screenshot(path=str(OUT / f"{folder}-{name}-phone-{theme}.png"), full_page=True)
            context.close()
        browser.close()
    server.shutdown()
    print(f"{len(pages) * 4} screenshots in {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:] or PAGES))
