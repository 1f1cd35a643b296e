"""zh and en twins: same pages, same code, same doctests, same executed outputs."""

import difflib
import io
import re
import tokenize

import pytest
from paths import CACHES, executed_outputs, is_notebook, pages, read

import guide_site

DOCS = guide_site.DOCS
PAGES = pages("en")


NOTEBOOKS = [page for page in PAGES if is_notebook("en", page)]
DOCTEST = re.compile(r"^```{doctest}.*?\n(.*?)^```", re.S | re.M)


def diff(zh: list[str], en: list[str], page: str, what: str) -> str:
    lines = difflib.unified_diff(
        "\n\n".join(zh).splitlines(),
        "\n\n".join(en).splitlines(),
        f"docs/zh/{page}.md ({what})",
        f"docs/en/{page}.md ({what})",
        lineterm="",
    )
    return "\n".join(lines)


def strip_comments(source: str) -> str:
    """Code without comments, blank lines or the page language: what twins must share."""
    source = re.sub(r'setup_page\("(zh|en)"\)', 'setup_page("LANG")', source)
    cut: dict[int, int] = {}
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type == tokenize.COMMENT:
                cut[token.start[0]] = token.start[1]
    except (tokenize.TokenError, SyntaxError):
        pass  # compared as written; a real difference still shows in the diff
    lines = [line[: cut.get(number, len(line))].rstrip() for number, line in enumerate(source.splitlines(), 1)]
    return "\n".join(line for line in lines if line)


def code_cells(folder: str, page: str) -> list[str]:
    """Each code cell of a page as its tags and its comment-free source."""
    return [
        f"# tags: {sorted(cell.metadata.get('tags', []))}\n{strip_comments(cell.source)}"
        for cell in read(folder, page).cells
        if cell.cell_type == "code"
    ]


def test_only_comments_and_the_page_language_may_differ():
    assert strip_comments('setup_page("zh")\nx = 1  # 中文注释\n\n# 整行注释') == strip_comments(
        'setup_page("en")\nx = 1  # a comment'
    )
    assert strip_comments("x = 1") != strip_comments("x = 2")
    assert strip_comments('s = "# not a comment"') != strip_comments('s = ""')


@pytest.mark.parametrize("page", PAGES)
def test_same_code_cells(page):
    zh, en = code_cells("zh", page), code_cells("en", page)
    assert zh == en, "code cells drifted between the twins (only comments may differ):\n" + diff(zh, en, page, "code")


@pytest.mark.parametrize("page", PAGES)
def test_same_doctests(page):
    zh, en = (DOCTEST.findall((DOCS / f / f"{page}.md").read_text(encoding="utf-8")) for f in ("zh", "en"))
    assert zh == en, "doctest blocks drifted between the twins:\n" + diff(zh, en, page, "doctests")


@pytest.mark.parametrize("page", PAGES)
def test_both_twins_are_notebooks_or_neither(page):
    assert is_notebook("zh", page) == is_notebook("en", page), f"{page}: only one twin is a MyST notebook"


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_page_has_setup_cell_first(page):
    for folder in ("zh", "en"):
        first = next(c for c in read(folder, page).cells if c.cell_type == "code")
        assert first.source.strip().endswith(f'setup_page("{folder}")'), (
            f'docs/{folder}/{page}.md: the first code cell must be the hidden setup_page("{folder}") cell'
        )
        assert first.metadata.get("tags") == ["remove-cell"], f"docs/{folder}/{page}.md: tag the setup cell remove-cell"


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_same_executed_outputs(page, site):
    try:
        zh, en = executed_outputs("zh", page), executed_outputs("en", page)
    except KeyError as missing:
        pytest.fail(f"{page}: no executed notebook in {list(CACHES.values())} ({missing}); run `nox -s docs` first")
    assert len(zh) == len(en), f"{page}: {len(zh)} executed code cells in zh, {len(en)} in en"
    for index, (zh_out, en_out) in enumerate(zip(zh, en)):
        assert zh_out == en_out, (
            f"{page}, code cell {index}: executed outputs differ between zh and en\nzh: {zh_out!r}\nen: {en_out!r}"
        )


def section_depths(folder: str, page: str, site) -> list[int]:
    """Each section of the built page, as its depth: what docs/_static/switcher.js relies on."""
    built = (site / folder / f"{page}.html").read_text(encoding="utf-8")
    article = built[built.index("<article") : built.index("</article>")]
    depths, depth = [], 0
    for tag in re.findall(r"<section\b|</section>", article):
        depth += 1 if tag == "<section" else -1
        if tag == "<section":
            depths.append(depth)
    return depths


@pytest.mark.parametrize("page", PAGES)
def test_same_sections(page, site):
    """The switcher keeps the reader's section by its position, so twins have the same outline."""
    zh, en = section_depths("zh", page, site), section_depths("en", page, site)
    assert zh == en, f"{page}: the twins' sections differ (depths zh {zh}, en {en})"


CJK = r"[\u2e80-\u9fff\uff00-\uffef]"


@pytest.mark.parametrize("page", pages("zh"))
def test_chinese_prose_is_not_hard_wrapped(page):
    """A line break between two Chinese characters renders as a stray space in the browser."""
    broken = []
    for cell in read("zh", page).cells:
        if cell.cell_type == "markdown":
            broken += re.findall(rf"{CJK}\n{CJK}", cell.source)
    assert not broken, f"docs/zh/{page}.md: join these lines of a paragraph: {broken}"


@pytest.mark.parametrize("folder", list(guide_site.LANGUAGES))
def test_no_two_pages_of_a_language_run_the_same_code(folder):
    """Parallel readers cache their pages at once in the language's execution cache; two pages with
    the same code cells would be one cache record written twice at once (jupyter-cache has no lock
    for that: docs/_ext/execution_cache.py)."""
    seen = {}
    for page in NOTEBOOKS:
        code = "\n\n".join(code_cells(folder, page))
        assert code not in seen, f"docs/{folder}: {page} runs the same code as {seen.get(code)}"
        seen[code] = page
