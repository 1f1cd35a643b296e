"""Tasks for the bilingual autograd guide: ``nox -l`` lists them, ``nox`` runs every check."""

from __future__ import annotations

import os
import runpy
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import nox

sys.path.insert(0, str(Path(__file__).parent / "tools"))
import check_links  # noqa: E402  (stdlib only: safe to import before any session installs)

ROOT = Path(__file__).parent
BUILD = ROOT / "_build"
SITE = BUILD / "html"
LANGUAGES = {"zh": "zh_CN", "en": "en"}  # folder under docs/ -> Sphinx language
SPHINX_FLAGS = ["-W", "-n", "--keep-going", "-j", "auto"]  # -j: notebooks run in parallel, one per core

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


def sphinx(session: nox.Session, builder: str, *args: str) -> None:
    """Run one Sphinx builder on both languages at once, each in its own build folder.

    Two processes rather than one after the other: most of a rebuild is start-up (imports,
    loading the environment), which the two languages can spend side by side.
    """
    env = {**os.environ, "PATH": f"{session.bin}{os.pathsep}{os.environ['PATH']}", **source_date_epoch()}
    builds = {
        folder: subprocess.Popen(
            ["sphinx-build", "-b", builder, "-c", str(ROOT), "-D", f"language={language}",
             "-d", str(BUILD / folder / "doctrees"), *SPHINX_FLAGS, *args,
             str(ROOT / "docs" / folder), str(BUILD / folder / builder)],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        for folder, language in LANGUAGES.items()
    }
    printers = [threading.Thread(target=_prefix_lines, args=(f"[{folder}] ", proc.stdout))
                for folder, proc in builds.items()]
    for printer in printers:
        printer.start()
    failed = [folder for folder, proc in builds.items() if proc.wait() != 0]
    for printer in printers:
        printer.join()
    if failed:
        session.error(f"sphinx-build -b {builder} failed for docs/{', docs/'.join(failed)} (see its [..] lines above)")


def _prefix_lines(prefix: str, stream) -> None:
    for line in stream:
        print(prefix + line, end="", flush=True)


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site in both languages into _build/html (extra args go to sphinx-build)."""
    install(session, "docs")
    sphinx(session, "html", *session.posargs)
    if SITE.exists():
        shutil.rmtree(SITE)
    for folder in LANGUAGES:
        shutil.copytree(BUILD / folder / "html", SITE / folder, ignore=shutil.ignore_patterns(".buildinfo"))
    shutil.copy(ROOT / "docs" / "_root" / "index.html", SITE / "index.html")  # picks a language
    site_path = urlsplit(runpy.run_path(str(ROOT / "conf.py"))["SITE_URL"]).path
    not_found = (ROOT / "docs" / "_root" / "404.html").read_text(encoding="utf-8")
    (SITE / "404.html").write_text(not_found.replace("{site_path}", site_path), encoding="utf-8")
    session.log(f"Site built: {SITE / 'index.html'}")


@nox.session
def doctest(session: nox.Session) -> None:
    """Run the {doctest} blocks of both languages and the docstrings of the helper and examples."""
    install(session, "docs", "test")
    sphinx(session, "doctest", *session.posargs)
    session.run("pytest", "--doctest-modules", "-p", "no:cacheprovider", "src", "examples")


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check every internal link and anchor of the built site offline; external links when online."""
    external = "always" if check_links.online() else "never"
    # The external check runs Sphinx on the sources, so it needs the docs environment too.
    install(session, "linkcheck", *(["docs"] if external == "always" else []))
    if external == "never":
        session.log(f"No network ({check_links.PROBE_HOST[0]} unreachable): checking internal links only")
    session.run("python", "tools/check_links.py", str(SITE), "--external", external, *session.posargs)


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


@nox.session
def serve(session: nox.Session) -> None:
    """Preview one language (`nox -s serve -- en`, default zh) and rebuild it on every save."""
    install(session, "docs", "serve")
    folder = session.posargs[0] if session.posargs else "zh"
    session.run(
        "sphinx-autobuild", "-c", str(ROOT), "-D", f"language={LANGUAGES[folder]}",
        "-d", str(BUILD / folder / "doctrees"),
        # myst-nb writes executed notebooks and images beside the output: watching them loops.
        "--ignore", str(BUILD), "--ignore", "*/jupyter_execute/*", "--ignore", "*.ipynb",
        "--watch", str(ROOT / "src"), "--watch", str(ROOT / "docs" / "_ext"),
        "--watch", str(ROOT / "docs" / "_static"), "--watch", str(ROOT / "docs" / "_templates"),
        "--port", "8000",
        str(ROOT / "docs" / folder), str(BUILD / folder / "html"),
    )
