"""Tasks for the bilingual autograd guide: ``nox -l`` lists them, ``nox`` runs every check.

The languages, the build folders and the sphinx-build command line are in src/guide_site.py;
the sessions run it inside the build environment (``python -m guide_site``).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).parent / "src"))
import guide_site  # noqa: E402 (standard library only: the site's folders)

nox.needs_version = ">=2026.10.20"
nox.options.reuse_venv = "yes"

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
CONSTRAINTS = "requirements/constraints.txt"
BUILD_ENV = ROOT / ".nox" / "docs"  # nox's folder for the docs session's environment


def groups(*names: str) -> list[str]:
    """The pinned requirements of these dependency groups."""
    return ["-c", CONSTRAINTS, *nox.project.dependency_groups(PYPROJECT, *names)]


def install(session: nox.Session, *names: str) -> None:
    """These dependency groups, and this project (the graph helper, guide_site)."""
    session.install(*groups(*names), "-e", ".")


def require_site(session: nox.Session) -> None:
    """The checks need what `nox -s docs` makes: its environment and the site."""
    if not (BUILD_ENV / "bin" / "python").exists() or not (guide_site.SITE / "index.html").exists():
        session.error("no built site: run `nox -s docs` first (`nox` runs it before the checks)")


def in_build_env(session: nox.Session, *args: str) -> None:
    """Run Python in the docs session's environment (torch is installed once per machine, there)."""
    require_site(session)
    session.env["VIRTUAL_ENV"] = str(BUILD_ENV)
    session.env["PATH"] = f"{BUILD_ENV / 'bin'}{os.pathsep}{os.environ['PATH']}"
    session.run(str(BUILD_ENV / "bin" / "python"), *args)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site in both languages into _build/html, always clean over the kept execution
    cache (extra args go to sphinx-build)."""
    install(session, "docs")
    session.run("python", "-m", "guide_site", "html", *session.posargs)


@nox.session(venv_backend="none")
def doctest(session: nox.Session) -> None:
    """Run the {doctest} blocks of both languages (the docstrings' doctests run with the tests)."""
    in_build_env(session, "-m", "guide_site", "doctest", *session.posargs)


@nox.session(venv_backend="none")
def linkcheck(session: nox.Session) -> None:
    """Check every internal link and anchor of the built site offline; external links when online."""
    in_build_env(session, "tools/check_links.py", "--external", "auto", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (check and format) over the Python code (pages excluded: their cells are checked by
    running them), codespell over every file, shellcheck over .ci/run, the workflows' schema."""
    session.install(*groups("lint"))
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("codespell")
    session.run("shellcheck", ".ci/run")
    session.run(
        "check-jsonschema", "--builtin-schema", "vendor.github-workflows", *map(str, sorted(ROOT.glob(".github/workflows/*.yml")))
    )


@nox.session
def downloads(session: nox.Session) -> None:
    """Run the downloads as a reader would (the English notebooks; every one with `-- --all`) and the
    examples, in an environment of torch, NumPy, a notebook runner and matplotlib (which two pages
    name in their first lines; run_downloads.py fails a file that imports what it does not name)."""
    require_site(session)
    session.install(*groups("reader"))
    session.run("python", "tools/run_downloads.py", *session.posargs)


def npm_ci(session: nox.Session, folder: str) -> None:
    """The npm packages pinned in folder/package-lock.json, installed into folder/node_modules."""
    session.run("npm", "ci", "--prefix", folder, "--ignore-scripts", "--no-audit", "--no-fund", external=True)


@nox.session(venv_backend="none")
def tests(session: nox.Session) -> None:
    """Run pytest in the docs environment, with the test group added to it: twin parity, the graph
    helper, the built site, the build's failures, accessibility."""
    in_build_env(session, "-m", "pip", "install", "--quiet", *groups("test"))
    npm_ci(session, "tools/axe")  # axe-core for the accessibility tests, pinned in its package-lock.json
    # Two workers (or more, on a bigger machine), each taking the next test as it frees up.
    in_build_env(session, "-m", "pytest", "--numprocesses=auto", "--maxprocesses=4", "--dist=worksteal", *session.posargs)


@nox.session(venv_backend="none", default=False)
def lighthouse(session: nox.Session) -> None:
    """Lighthouse's scores for a few built pages (Debian's chromium; not part of `nox`: slow, noisy)."""
    npm_ci(session, "tools/lighthouse")
    in_build_env(session, "tools/lighthouse.py", *session.posargs)


@nox.session(venv_backend="none", default=False)
def screenshots(session: nox.Session) -> None:
    """Phone screenshots of the figure pages, light and dark, into _build/screenshots/ (to look at)."""
    in_build_env(session, "-m", "pip", "install", "--quiet", *groups("test"))  # playwright
    in_build_env(session, "tools/screenshots.py", *session.posargs)


@nox.session(default=False)
def bench(session: nox.Session) -> None:
    """Time clean and incremental builds against the floor of running the code as scripts."""
    install(session, "docs", "bench")
    session.run("python", "benchmarks/build_speed.py", *session.posargs)


@nox.session(default=False)
def serve(session: nox.Session) -> None:
    """Preview one language (`nox -s serve -- en`, default zh), rebuilt on every save."""
    install(session, "docs", "serve")
    session.run("python", "-m", "guide_site", "serve", *session.posargs)
