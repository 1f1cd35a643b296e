"""The Chinese pages as a reader sees them (the built HTML, not the MyST sources): one term per
concept (docs/terms.tsv), no stray space beside a Chinese link text, and the copywriting rules of
autocorrect plus a few of our own."""

import functools
import re
from pathlib import Path

import autocorrect_py
import pytest
from bs4 import BeautifulSoup
from paths import SITE

import guide_site

HAN = r"\u3400-\u4dbf\u4e00-\u9fff"
FULLWIDTH_PUNCTUATION = r"\u3000-\u303f\uff01-\uff0f\uff1a-\uff20\u201c\u201d\u2018\u2019\u2014\u2026"
CHINESE = f"[{HAN}{FULLWIDTH_PUNCTUATION}]"
LINK_START, LINK_END = "\x01", "\x02"  # where a cross-reference's text starts and ends
CODE = "CODE"  # stands for inline code and math, which the rules leave alone
# autocorrect's rules, less one: it wants spaces around the hyphen of 雅可比-向量积, a compound.
autocorrect_py.load_config('{"rules": {"space-dash": 0}}')


def built_pages() -> list[Path]:
    pages = sorted((SITE / "zh").glob("*.html"))
    assert pages, f"no built Chinese pages under {SITE / 'zh'}: run nox -s docs"
    return [page for page in pages if page.stem not in {"genindex", "search"}]


def article_of(page: Path):
    """The page's article, parsed afresh (prose() edits its copy)."""
    return BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").select_one("article")


@functools.cache
def prose(page: Path) -> tuple[str, ...]:
    """The text of each paragraph, list item, heading, table cell and definition of the page's
    article, outside code blocks and outputs; inline code and math read as CODE."""
    article = article_of(page)
    for node in article.select("pre, div.highlight, div.cell_output, script, style, a.headerlink, .doctest"):
        node.decompose()
    for node in article.select("code, math, span.math"):
        node.replace_with(CODE)
    for link in article.select("a.reference"):
        link.insert(0, LINK_START)
        link.append(LINK_END)
    blocks = article.select("p, li, h1, h2, h3, h4, dt, dd, th, td, figcaption, summary")
    return tuple(
        " ".join(block.get_text().split()) if block.name.startswith("h") else block.get_text()
        for block in blocks
        if not block.find(["p", "li", "dd", "table"])
    )


def findings(pattern: str, text: str) -> list[str]:
    return [text[max(0, m.start() - 12) : m.end() + 12] for m in re.finditer(pattern, text)]


def rejected_variants() -> dict[str, str]:
    """variant -> the term to use instead, from the third column of docs/terms.tsv."""
    variants = {}
    for row in (guide_site.DOCS / "terms.tsv").read_text(encoding="utf-8").splitlines():
        english, chinese, *rest = row.split("\t")
        for variant in rest[0].split("、") if rest else []:
            variants[variant] = chinese
    return variants


# Rejected variants that are also part of right words, or right in another sense: where each one counts.
# 操作 is "operation" (use 运算) except inside 原地操作 (the in-place operation term), 原子操作 (atomic
# operation) and 操作数 (operand). 挂, 安装 and 装上 are "register" (use 注册) only as the verb of
# putting a hook somewhere: with 钩子 after them in the same clause (挂一个前置钩子, 装上两个钩子,
# 挂在张量上的钩子), not 作为保存的张量挂在节点上 or 安装 graphviz. A use that the clause does not
# show (钩子挂在节点上, 各挂一个) is left to review.
HOOK_AHEAD = r"(?=[^，。；：！？、\n]{0,16}?钩子)"
IN_CONTEXT = {
    "操作": r"(?<!原地)(?<!原子)操作(?!数)",
    "挂": rf"挂{HOOK_AHEAD}",
    "安装": rf"安装{HOOK_AHEAD}",
    "装上": rf"装上{HOOK_AHEAD}",
}


def variant_pattern(variant: str) -> str:
    """A Chinese variant anywhere (or where IN_CONTEXT says); a Latin one (bare "autograd") with
    Chinese on either side, so that a quoted English error message or an identifier
    (torch.autograd) does not count."""
    if variant in IN_CONTEXT:
        return IN_CONTEXT[variant]
    if re.search(CHINESE, variant):
        return re.escape(variant)
    word = re.escape(variant)
    return rf"(?:(?<={CHINESE})|(?<={CHINESE} )){word}(?![\w.-])|(?<![\w.-]){word}(?=\s?{CHINESE})"


GLOSS = re.compile(rf"(?<=[{HAN}])（[A-Za-z][A-Za-z .\-]*）")  # 钩子（hook）: an English name given once
ENGLISH_NAME = re.compile(r"英文：[^。]*。")  # how a glossary definition ends


@pytest.mark.parametrize("page", built_pages(), ids=lambda page: page.stem)
def test_one_term_per_concept(page):
    text = "\n".join(prose(page)).replace(LINK_START, "").replace(LINK_END, "")
    glosses = GLOSS.findall(text)
    text = ENGLISH_NAME.sub("", GLOSS.sub("", text))
    wrong = {
        f"{variant} (use {term})": found
        for variant, term in rejected_variants().items()
        if (found := findings(variant_pattern(variant), text))
    }
    assert not wrong, f"{page.name}: rejected variants of docs/terms.tsv's terms: {wrong}"
    assert glosses.count("（autograd）") <= 1, f"{page.name}: gloss 自动求导（autograd）once a page, not {glosses}"


def spaced_links(text: str) -> list[str]:
    before = rf"{CHINESE}\s+{LINK_START}(?=[{HAN}])"
    after = rf"(?<=[{HAN}]){LINK_END}\s+{CHINESE}"
    return findings(f"{before}|{after}", text)


@pytest.mark.parametrize("page", built_pages(), ids=lambda page: page.stem)
def test_no_space_beside_chinese_link_text(page):
    """`见{doc}`errors`` shows 见常见报错; `见 {doc}`errors`` would show 见 常见报错."""
    wrong = [found for text in prose(page) for found in spaced_links(text)]
    assert not wrong, f"{page.name}: a space beside a Chinese link text: {wrong}"


def own_rules(text: str) -> list[str]:
    """What autocorrect leaves alone: a space after a full-width stop or comma, and straight
    quotes beside Chinese."""
    return findings(rf"[。，、；：！？](?: |\u00a0)+(?=\S)|{CHINESE}['\"]|['\"]{CHINESE}", text)


@pytest.mark.parametrize("page", built_pages(), ids=lambda page: page.stem)
def test_copywriting(page):
    wrong = []
    for text in prose(page):
        text = text.replace(LINK_START, "").replace(LINK_END, "")
        fixed = autocorrect_py.format(text)
        if fixed != text:
            wrong.append(f"{text!r} -> {fixed!r}")
        wrong += own_rules(text)
    assert not wrong, f"{page.name}: " + "\n".join(wrong)


@pytest.mark.parametrize("page", built_pages(), ids=lambda page: page.stem)
def test_no_italic_chinese(page):
    """Chinese has no italics: emphasis in Chinese is bold (or none)."""
    article = article_of(page)
    wrong = [em.get_text() for em in article.select("em, i") if re.search(f"[{HAN}]", em.get_text())]
    assert not wrong, f"{page.name}: italic Chinese: {wrong}"


@pytest.mark.parametrize(
    "text, caught",
    [
        ("常见报错 一页汇总了它", False),
        ("见 \x01常见报错\x02 一页", True),
        ("见\x01常见报错\x02一页", False),
        ("见 \x01torch.autograd.grad 与高阶导数\x02", False),
    ],
)
def test_the_link_space_check_catches_what_it_should(text, caught):
    assert bool(spaced_links(text)) is caught


@pytest.mark.parametrize(
    "text, caught",
    [
        ("自定义 autograd Function", True),
        ("自动求导会记录", False),
        ("torch.autograd.grad 返回", False),
        ("报错 cannot register a hook on a tensor", False),
        ("注册一个 hook 来", True),
        ("前向传递", True),
        ("前置钩子（pre-hook，见上文）", False),
        ("每个操作的输入", True),
        ("原地操作会改写内存", False),
        ("用原子操作累加", False),
        ("它的操作数", False),
        ("在每个节点上挂一个前置钩子", True),
        ("挂了钩子的模块", True),
        ("挂在张量上的钩子", True),
        ("作为保存的张量挂在节点上", False),
        ("叶子张量挂着一个 CODE 节点", False),
        ("挂在节点上，钩子", False),
        ("只有装上这两个钩子的线程", True),
        ("在安装这对钩子的线程里", True),
        ("没有安装 CODE 时", False),
        ("保存张量钩子", False),
        ("保存张量的钩子", True),
        ("作用于保存的张量的钩子", True),
    ],
)
def test_the_term_check_catches_what_it_should(text, caught):
    hits = [v for v in rejected_variants() if findings(variant_pattern(v), text)]
    assert bool(hits) is caught, hits


@pytest.mark.parametrize(
    "text, caught",
    [
        ("梯度。 然后", True),
        ('称为"矮胖"的', True),
        ("梯度。然后 `x` 变了", False),
        ("黑塞矩阵-向量积", False),
        ("见torch.autograd.grad", True),
        ("它有 CODE 属性", False),
    ],
)
def test_the_copywriting_check_catches_what_it_should(text, caught):
    assert bool(own_rules(text) or autocorrect_py.format(text) != text) is caught


@pytest.mark.parametrize("page", built_pages(), ids=lambda page: page.stem)
def test_the_opening_is_not_a_formula(page):
    """Pages open in a textbook's voice: not 本页你将看到：…；…；… on every page."""
    article = article_of(page)
    opening = next((p for p in article.find_all("p") if not p.find_parent("div", class_="admonition")), None)
    text = opening.get_text() if opening else ""
    assert "本页你将看到" not in text and text.count("；") <= 1, f"{page.name} opens with: {text}"
