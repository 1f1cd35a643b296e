"""Check the links of a built site: internal links and anchors offline, external ones when online.

    python tools/check_links.py                   # _build/html, internal only
    python tools/check_links.py --external auto   # + external, if the network is reachable

Internal links are checked with linkchecker over a local HTTP server (linkchecker drops root
privileges, so it cannot read a tree under a private home directory, but it can fetch from
localhost). A missing anchor counts as a failure. External links are checked with Sphinx's
linkcheck builder on the sources of both languages.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import guide_site

PROBE_HOST = ("pytorch.org", 443)


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self):
        # linkchecker caps itself at ~3 requests a second unless the server sends this header.
        self.send_header("LinkChecker", "local test server")
        super().end_headers()

    def log_message(self, format, *args):  # one line per request would bury the report
        pass


class _Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # a client that hangs up early (a browser, linkchecker) is not a problem here


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Handler, directory=str(directory))
    server = _Server(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def _crawls(site: Path, base: str) -> list[list[str]]:
    """linkchecker's start pages and options: one crawl per language folder, side by side (parsing
    is CPU-bound: one process per core, each following only its own folder's links and checking the
    others'), the first also starting from the root; a site without language folders is one crawl."""
    folders = [folder for folder in guide_site.LANGUAGES if (site / folder / "index.html").exists()]
    if not folders:
        return [[base]]
    crawls = []
    for folder in folders:
        others = [f"--no-follow-url=^{re.escape(base + other)}/" for other in folders if other != folder]
        crawls.append([*others, f"{base}{folder}/index.html"])
    crawls[0].append(base)
    return crawls


def check_internal(site: Path) -> int:
    """linkchecker over every page reachable from the site's index; 0 when all links resolve."""
    if not (site / "index.html").exists():
        print(f"check_links: {site / 'index.html'} does not exist; build the site first (nox -s docs)")
        return 2
    server, base = serve(site)
    try:
        runs = [subprocess.Popen(
            [sys.executable, "-m", "linkcheck", "--config", str(Path(__file__).with_name("linkcheckerrc")),
             "--no-status", "--no-robots", "-t", "1", *crawl],  # threads in one process only contend
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        ) for crawl in _crawls(site, base)]
        reports = [run.communicate()[0] for run in runs]
    finally:
        server.shutdown()
    status = max(run.returncode for run in runs)
    for report in reports:
        print(report.replace(base, f"{site}/"))  # name files, not the throwaway server's address
    verdict = "OK" if status == 0 else "FAILED"
    print(f"Internal links and anchors (offline, linkchecker): {verdict}")
    return status


def online(host: tuple[str, int] = PROBE_HOST, timeout: float = 3.0) -> bool:
    try:
        socket.create_connection(host, timeout=timeout).close()
        return True
    except OSError:
        return False


def check_external(docs: Path, outdir: Path) -> int:
    """Sphinx's linkcheck builder on both languages; 0 when every external link answers."""
    status = 0
    for folder in guide_site.LANGUAGES:
        result = subprocess.run(guide_site.sphinx_argv(folder, "linkcheck", "-q", docs=docs, out=outdir),
                                env=guide_site.sphinx_env(folder))
        report = outdir / folder / "linkcheck" / "output.txt"
        if result.returncode and report.exists():
            print(report.read_text(encoding="utf-8"))
        status = status or result.returncode
    verdict = "OK" if status == 0 else "FAILED"
    print(f"External links (Sphinx linkcheck builder): {verdict}")
    return status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, nargs="?", default=guide_site.SITE, help="the built site (_build/html)")
    parser.add_argument("--external", choices=["auto", "always", "never"], default="never",
                        help="check external links: auto = only when the network is reachable")
    parser.add_argument("--docs", type=Path, default=guide_site.DOCS, help="sources for the external check")
    parser.add_argument("--build", type=Path, default=guide_site.BUILD, help="build folder for the external check")
    args = parser.parse_args(argv)

    status = check_internal(args.site.resolve())
    if args.external == "never":
        print("External links: not checked (--external never)")
    elif args.external == "auto" and not online():
        print(f"External links: not checked (no network: {PROBE_HOST[0]} is unreachable)")
    else:
        status = status or check_external(args.docs.resolve(), args.build.resolve())
    return status


if __name__ == "__main__":
    sys.exit(main())
