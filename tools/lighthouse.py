"""Lighthouse's four scores for a few pages of the built site, served on localhost.

    python tools/lighthouse.py [PAGE ...]   # default: the pages below; reports in _build/lighthouse/

Lighthouse (pinned in tools/lighthouse/package-lock.json, `npm ci --prefix tools/lighthouse`)
drives Debian's chromium ($CHROMIUM, default /usr/bin/chromium) with its default mobile profile
and simulated throttling. The local server sends no compression and no cache headers, so the
performance score is lower than on a real host; on a shared 2-core machine it is noisy too.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

from check_links import serve
from screenshots import CHROMIUM

import guide_site

LIGHTHOUSE = Path(__file__).parent / "lighthouse" / "node_modules" / ".bin" / "lighthouse"
PAGES = ["zh/index.html", "zh/leaf-tensors.html", "en/leaf-tensors.html", "en/errors.html"]
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"


def audit(url: str, report: Path) -> dict[str, int]:
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    subprocess.run(
        [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            "--output=json",
            f"--output-path={report}",
            f"--chrome-flags={FLAGS}",
            f"--only-categories={','.join(CATEGORIES)}",
        ],
        env=env,
        check=True,
    )
    result = json.loads(report.read_text(encoding="utf-8"))
    return {name: round(result["categories"][name]["score"] * 100) for name in CATEGORIES}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pages", nargs="*", default=PAGES, help="paths under the built site")
    parser.add_argument("--site", type=Path, default=guide_site.SITE, help="the built site (_build/html)")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print(f"{LIGHTHOUSE} not found: run `npm ci --prefix tools/lighthouse` (nox -s lighthouse does)")
        return 2
    out = guide_site.BUILD / "lighthouse"
    out.mkdir(parents=True, exist_ok=True)
    server, base = serve(args.site)
    try:
        rows = [(page, audit(base + page, out / (page.replace("/", "-") + ".json"))) for page in args.pages]
    finally:
        server.shutdown()
    print("| page | " + " | ".join(CATEGORIES) + " |")
    print("|---" * (len(CATEGORIES) + 1) + "|")
    for page, scores in rows:
        print(f"| {page} | " + " | ".join(str(scores[name]) for name in CATEGORIES) + " |")
    print(f"Reports: {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
