"""Tasks for the bilingual autograd guide: ``nox -l`` lists them, ``nox`` runs every check.

The languages, the build folders and the sphinx-build command line are in src/guide_site.py;
the sessions run it inside the build environment (``python -m guide_site``).
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.needs_version = ">=2026.10.20"
nox.options.reuse_venv = "yes"

ROOT = Path(__file__).parent
PYPROJECT = nox.project.load_toml(ROOT / "pyproject.toml")
CONSTRAINTS = "requirements/constraints.txt"
# docs installs what every check needs, once: torch is the expensive part, and the checks run
# in the same environment through requires=["docs"] (one torch install per machine, not four).
CHECK_GROUPS = ("docs", "test")


def install(session: nox.Session, *groups: str) -> None:
    """The pinned dependency groups, and this project (the graph helper, guide_site)."""
    session.install("-c", CONSTRAINTS, "-e", ".", *nox.project.dependency_groups(PYPROJECT, *groups))


BUILD_ENV = ROOT / ".nox" / "docs"  # nox's folder for the docs session's environment


def python(session: nox.Session, *args: str) -> None:
    """Run Python in the docs session's environment (with its bin/ first on PATH)."""
    session.env["VIRTUAL_ENV"] = str(BUILD_ENV)
    session.env["PATH"] = f"{BUILD_ENV / 'bin'}{os.pathsep}{os.environ['PATH']}"
    session.run(str(BUILD_ENV / "bin" / "python"), *args)


def own_posargs(session: nox.Session) -> list[str]:
    """Arguments after -- belong to the sessions named with -s: nox also hands them to the
    sessions those require (docs), where pytest's -k would reach sphinx-build."""
    named = session._runner.global_config.sessions or []  # nox has no public way to ask
    return session.posargs if session.name in named else []


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site in both languages into _build/html, always clean over the kept execution
    cache (extra args go to sphinx-build)."""
    install(session, *CHECK_GROUPS)
    session.run("python", "-m", "guide_site", "html", *own_posargs(session))


@nox.session(venv_backend="none", requires=["docs"])
def doctest(session: nox.Session) -> None:
    """Run the {doctest} blocks of both languages and the docstrings of the helper and examples."""
    python(session, "-m", "guide_site", "doctest", *session.posargs)
    python(session, "-m", "pytest", "--doctest-modules", "-p", "no:cacheprovider", "src", "examples")


@nox.session(venv_backend="none", requires=["docs"])
def linkcheck(session: nox.Session) -> None:
    """Check every internal link and anchor of the built site offline; external links when online."""
    python(session, "tools/check_links.py", "--external", "auto", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff over the Python code (pages excluded: their cells are checked by running them)."""
    session.install("-c", CONSTRAINTS, *nox.project.dependency_groups(PYPROJECT, "lint"))
    session.run("ruff", "check", ".")


@nox.session(requires=["docs"])
def downloads(session: nox.Session) -> None:
    """Run every download of the built site as a reader would, in an environment that holds what its
    first lines name: torch and a notebook runner; a page that names more runs in a second
    environment, the first's packages (a .pth file) and those on top."""
    session.install("-c", CONSTRAINTS, *nox.project.dependency_groups(PYPROJECT, "reader"))
    session.run("python", "tools/run_downloads.py", "--needs", "torch", *session.posargs)
    more = Path(session.virtualenv.location).with_name("downloads-more")
    if not (more / "bin" / "python").exists():
        session.run("python", "-m", "venv", str(more))
    first = session.run("python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", silent=True)
    second = session.run(str(more / "bin" / "python"), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                         silent=True, external=True)
    Path(second.strip(), "reader.pth").write_text(first.strip() + "\n", encoding="utf-8")
    session.run(str(more / "bin" / "python"), "-m", "pip", "install", "--quiet", "-c", CONSTRAINTS,
                *nox.project.dependency_groups(PYPROJECT, "reader-more"), external=True)
    session.run(str(more / "bin" / "python"), "tools/run_downloads.py", "--needs", "more", *session.posargs,
                external=True)


def npm_ci(session: nox.Session, folder: str) -> None:
    """The npm packages pinned in folder/package-lock.json, installed into folder/node_modules."""
    session.run("npm", "ci", "--prefix", folder, "--ignore-scripts", "--no-audit", "--no-fund", external=True)


AXE = "tools/axe"  # axe-core for the accessibility tests, pinned in its package-lock.json


@nox.session(venv_backend="none", requires=["docs"])
def tests(session: nox.Session) -> None:
    """Run pytest: twin parity, the graph helper, the examples, the built site, accessibility."""
    npm_ci(session, AXE)
    # Two workers (or more, on a bigger machine): the builds, browsers and Java of one test file
    # leave a core idle for the next; measured on 2 cores, 6 min 50 s -> 5 min 4 s.
    python(session, "-m", "pytest", "--numprocesses=auto", "--maxprocesses=4", "--dist=loadfile", *session.posargs)


@nox.session(venv_backend="none", requires=["docs"], default=False)
def lighthouse(session: nox.Session) -> None:
    """Lighthouse's scores for a few built pages (Debian's chromium; not part of `nox`: slow, noisy)."""
    npm_ci(session, "tools/lighthouse")
    python(session, "tools/lighthouse.py", *own_posargs(session))


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
