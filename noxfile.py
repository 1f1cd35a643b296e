"""Tasks for the bilingual autograd guide: ``nox -l`` lists them, ``nox`` runs every check."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import nox

ROOT = Path(__file__).parent
BUILD = ROOT / "_build"
SITE = BUILD / "html"
CACHE = BUILD / ".jupyter_cache"
LANGUAGES = {"zh": "zh_CN", "en": "en"}  # folder under docs/ -> Sphinx language
SPHINX_FLAGS = ["-W", "-n", "--keep-going"]

nox.options.sessions = ["docs", "doctest", "linkcheck", "tests"]
nox.options.reuse_venv = "yes"
nox.options.error_on_missing_interpreters = True

PYPROJECT = nox.project.load_toml("pyproject.toml")


def install(session: nox.Session, *groups: str) -> None:
    """Install the pinned dependency groups (and this project, for the graph helper)."""
    session.install("-c", "requirements/constraints.txt", *nox.project.dependency_groups(PYPROJECT, *groups))
    session.install("-c", "requirements/constraints.txt", "-e", ".")


def source_date_epoch() -> dict[str, str]:
    """The last commit's time, so that dates in the output do not depend on when it was built."""
    try:
        stamp = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
    except OSError:
        return {}
    return {"SOURCE_DATE_EPOCH": stamp.stdout.strip()} if stamp.stdout.strip() else {}


def sphinx(session: nox.Session, builder: str, folder: str, *args: str) -> None:
    """Run one Sphinx builder on one language; each language keeps its own build folder."""
    session.run(
        "sphinx-build", "-b", builder, "-c", str(ROOT), "-D", f"language={LANGUAGES[folder]}",
        "-d", str(BUILD / folder / "doctrees"), *SPHINX_FLAGS, *args,
        str(ROOT / "docs" / folder), str(BUILD / folder / builder),
        env=source_date_epoch(),
    )


def create_cache(session: nox.Session) -> None:
    # A fresh jupyter-cache database races when two builds create it at once
    # ("table settings already exists"), so make it before any build starts.
    session.run("python", "-c", f"from jupyter_cache import get_cache; get_cache({str(CACHE)!r}).list_cache_records()")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site in both languages into _build/html (extra args go to sphinx-build)."""
    install(session, "docs")
    create_cache(session)
    for folder in LANGUAGES:
        sphinx(session, "html", folder, *session.posargs)
    if SITE.exists():
        shutil.rmtree(SITE)
    for folder in LANGUAGES:
        shutil.copytree(BUILD / folder / "html", SITE / folder)
    shutil.copy(ROOT / "docs" / "_root" / "index.html", SITE / "index.html")
    session.log(f"Site built: {SITE / 'index.html'}")


@nox.session
def doctest(session: nox.Session) -> None:
    """Run the {doctest} blocks of both languages and the docstrings of the helper and examples."""
    install(session, "docs", "test")
    create_cache(session)
    for folder in LANGUAGES:
        sphinx(session, "doctest", folder, *session.posargs)
    session.run("pytest", "--doctest-modules", "-p", "no:cacheprovider", "src", "examples")


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check every internal link and anchor of the built site offline; external links when online."""
    install(session, "linkcheck")
    session.run("python", "tests/linkcheck_site.py", str(SITE), *session.posargs)


@nox.session
def tests(session: nox.Session) -> None:
    """Run pytest: twin parity, the graph helper, the examples, checks on the built site."""
    install(session, "docs", "test")
    session.run("pytest", *session.posargs)


@nox.session
def bench(session: nox.Session) -> None:
    """Time clean, no-op and prose-edit builds against the floor of running the code as scripts."""
    install(session, "docs", "bench")
    session.run("python", "benchmarks/build_speed.py", *session.posargs)
