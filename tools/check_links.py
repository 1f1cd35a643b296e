"""Check the links of a built site: internal links and anchors offline, external ones when online.

    python tools/check_links.py                   # _build/html, internal only
    python tools/check_links.py --external auto   # + external, if the network is reachable

Internal links are read from the built files themselves: every href and src of every HTML page
that is not an address elsewhere must name a file of the site, and its #fragment an id in that
page (linkchecker did this over a local server in 41 s on 2 cores, this in a few: the pages are
40 MB of inline figures). External links are checked with Sphinx's linkcheck builder on the
sources of both languages.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import socket
import subprocess
import sys
import threading
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import guide_site

PROBE_HOST = ("pytorch.org", 443)


class _Handler(http.server.SimpleHTTPRequestHandler):
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


class _Links(HTMLParser):
    """A page's ids and the addresses it links to (href, src), in order."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" or (name == "name" and tag == "a"):
                self.ids.add(value or "")
            elif name in ("href", "src", "xlink:href") and value:
                self.links.append(value)


def check_internal(site: Path) -> int:
    """Every internal link and anchor of the site's HTML pages resolves; 0 when all do."""
    if not (site / "index.html").exists():
        print(f"check_links: {site / 'index.html'} does not exist; build the site first (nox -s docs)")
        return 2
    pages = {path: _Links(path.read_text(encoding="utf-8")) for path in sorted(site.rglob("*.html"))}
    broken = []
    for path, page in pages.items():
        for link in page.links:
            address = urlsplit(link)
            if address.scheme or address.netloc:
                continue  # elsewhere (https:, mailto:, data:): the external check's
            root = site / guide_site.site_path().strip("/") if address.path.startswith("/") else path.parent
            target = (root / unquote(address.path).lstrip("/")).resolve() if address.path else path
            target = target / "index.html" if target.is_dir() else target
            fragment = unquote(address.fragment)
            if not target.is_file():
                broken.append(f"{path}: {link}: no such file")
            elif fragment and target.suffix == ".html" and fragment not in pages[target].ids:
                broken.append(f"{path}: {link}: no id {fragment!r} in {target.relative_to(site)}")
    print("\n".join(broken))
    links = sum(len(page.links) for page in pages.values())
    print(f"Internal links and anchors ({links} links in {len(pages)} pages): {'FAILED' if broken else 'OK'}")
    return 1 if broken else 0


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
        result = subprocess.run(
            guide_site.sphinx_argv(folder, "linkcheck", "-q", docs=docs, out=outdir), env=guide_site.sphinx_env(folder)
        )
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
    parser.add_argument(
        "--external",
        choices=["auto", "always", "never"],
        default="never",
        help="check external links: auto = only when the network is reachable",
    )
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
