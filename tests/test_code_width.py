"""Code fits the content column on a desktop screen: no visible code line is wider than the
column, and in a browser no code block scrolls sideways."""

import re
import unicodedata

import pytest
from myst_nb.core.read import read_myst_markdown_notebook
from paths import pages

import guide_site

# At desktop widths (800-1280 px viewports, measured in Chromium) furo's code column is 732 px:
# 90 monospace characters of 7.8 px inside 14 px of padding each side. 88 leaves two spare.
COLUMNS = 88
DOCTEST = re.compile(r"^```{doctest}.*?\n(.*?)^```", re.S | re.M)
HIDDEN = {"remove-cell", "remove-input"}  # tags whose code the reader never sees
PAGES = [(lang, page) for lang in guide_site.LANGUAGES for page in pages(lang)]


def width(line: str) -> int:
    """Display columns: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


def visible_code(lang: str, page: str):
    """(where, line) for every line a reader sees as code: cells, loaded files, doctests."""
    path = guide_site.DOCS / lang / f"{page}.md"
    text = path.read_text(encoding="utf-8")
    cells = [c for c in read_myst_markdown_notebook(text, path=path).cells if c.cell_type == "code"]
    for number, cell in enumerate(cells, 1):  # counted as the build's errors count them
        if HIDDEN.isdisjoint(cell.metadata.get("tags", [])):
            loaded = f" ({cell.metadata['load'].removeprefix('../../')})" if "load" in cell.metadata else ""
            for line in cell.source.splitlines():
                yield f"docs/{lang}/{page}.md, cell {number}{loaded}", line
    for number, block in enumerate(DOCTEST.findall(text), 1):
        for line in block.splitlines():
            yield f"docs/{lang}/{page}.md, doctest {number}", line


@pytest.mark.parametrize(("lang", "page"), PAGES, ids=[f"{lang}/{page}" for lang, page in PAGES])
def test_code_lines_fit_the_column(lang, page):
    long = [
        f"{where}: line is {width(line)} columns, the column shows {COLUMNS}\n    {line.strip()}"
        for where, line in visible_code(lang, page)
        if width(line) > COLUMNS
    ]
    if long:
        pytest.fail("\n".join(long), pytrace=False)


# Every pre that scrolls sideways, after opening the collapsed solutions (closed, they measure 0).
SCROLLING = """async () => {
    await document.fonts.ready;
    document.querySelectorAll("article details").forEach(d => d.open = true);
    return [...document.querySelectorAll("article pre")]
        .filter(pre => pre.scrollWidth > pre.clientWidth + 1)
        .map(pre => ({
            code: pre.closest(".cell_input, .highlight-pycon") !== null,
            first: pre.innerText.split("\\n")[0],
            over: pre.scrollWidth - pre.clientWidth,
        }));
}"""


@pytest.mark.parametrize("lang", guide_site.LANGUAGES)
def test_code_blocks_do_not_scroll_at_1280(browser, base_url, lang):
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    code, outputs = [], []
    for page in pages(lang):
        assert tab.goto(f"{base_url}{lang}/{page}.html").ok, f"{lang}/{page}.html is not built"
        for block in tab.evaluate(SCROLLING):
            line = f"{lang}/{page}.html: {block['first']!r} scrolls {block['over']} px"
            (code if block["code"] else outputs).append(line)
    context.close()
    print(f"{len(outputs)} outputs still scroll sideways:", *outputs, sep="\n  ")
    if code:
        pytest.fail("code blocks that scroll sideways at 1280x800:\n" + "\n".join(code), pytrace=False)
