"""The glossary: one entry per term in both languages, every term used by a page, and each rule a
definition states checked against PyTorch itself.

The glossary pages hold no code cells, so the rules are checked here: each check names the words
of the definition it backs, and fails when that wording goes (update the check with the text) or
when PyTorch stops behaving as the definition says.
"""

import re

import pytest
from glossary_rules import RULES
from paths import pages
from pypinyin import Style, lazy_pinyin

import guide_site

TERM_LINK = re.compile(r"\{term\}`(?:[^`<]*<)?([^`<>]+?)>?`")
ROLE = re.compile(r"\{(\w+)\}`([^`]*)`")
TARGET = re.compile(r"(?:.*<)?([^<>]+?)>?$", re.S)  # `text <target>` or `target`


def definitions(folder: str) -> dict[str, str]:
    """term -> its definition as the Markdown source writes it (roles, backticks, \\_ escapes)."""
    text = (guide_site.DOCS / folder / "glossary.md").read_text(encoding="utf-8")
    body = re.search(r"```\{glossary\}\n(?::sorted:\n)?(.*?)^```", text, re.S | re.M).group(1)
    return dict(re.findall(r"^(\S.*)\n  (.+)$", body, re.M))


def plain(definition: str) -> str:
    """The words of a definition, for matching: a {term} link as its text, a {doc} or {ref} link as
    its target (links() compares those), inline code without its backticks, \\_ as _ (the escape that
    keeps an underscore from starting emphasis)."""

    def role(match: re.Match) -> str:
        name, content = match.groups()
        return re.sub(r"\s*<[^<>]*>$", "", content) if name == "term" else TARGET.match(content).group(1)

    return ROLE.sub(role, definition).replace("`", "").replace("\\_", "_")


def links(definition: str) -> list[tuple[str, str]]:
    """The ({doc} or {ref}, target) pairs a definition links to, in order."""
    return [(name, TARGET.match(content).group(1)) for name, content in ROLE.findall(definition) if name in ("doc", "ref")]


def glossary(folder: str) -> dict[str, tuple[str, str]]:
    """term -> (definition as plain words, the other language's name of the term)."""
    entries = {}
    for term, definition in definitions(folder).items():
        definition = plain(definition)
        other = re.search(r"(?:Chinese: |英文：)(.+?)[.。]$", definition)
        assert other, f"docs/{folder}/glossary.md, {term!r}: end the definition with its other-language name"
        entries[term] = (definition, other.group(1))
    return entries


EN, ZH = glossary("en"), glossary("zh")


def terms_tsv() -> dict[str, str]:
    rows = (guide_site.DOCS / "terms.tsv").read_text(encoding="utf-8").splitlines()
    return dict(row.split("\t")[:2] for row in rows if row.strip())


def reading_order(folder: str, term: str) -> tuple:
    """Chinese terms by pinyin (tone numbers break ties: 梯度 before 提示), English ones alphabetically."""
    if folder == "zh":
        return tuple(lazy_pinyin(term.lower(), style=Style.TONE3, neutral_tone_with_five=True)), term
    return term.casefold(), term


@pytest.mark.parametrize("folder", ["en", "zh"])
def test_glossary_is_sorted(folder):
    terms = list(EN if folder == "en" else ZH)
    expected = sorted(terms, key=lambda term: reading_order(folder, term))
    order = "by pinyin" if folder == "zh" else "alphabetically"
    assert terms == expected, f"docs/{folder}/glossary.md: sort the entries {order}: {expected}"


def test_same_terms_both_ways():
    assert {en: other for en, (_, other) in EN.items()} == {other: zh for zh, (_, other) in ZH.items()}


@pytest.mark.parametrize("folder", ["en", "zh"])
def test_definitions_render_as_plain_text(folder):
    """A definition is Markdown: an underscore beside punctuation or a space (mul_(), ._base, _version)
    can open or close emphasis and italicize the text between two names. Write it as \\_ there, and
    only there: inside inline code a backslash shows as it is, so `mul_()` needs none."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    parser = create_md_parser(MdParserConfig(enable_extensions={"dollarmath"}), RendererHTML)
    rendered = {term: parser.render(definition) for term, definition in definitions(folder).items()}
    emphasized = {term: found for term, html in rendered.items() if (found := re.findall(r"<(em|strong)>(.*?)</\1>", html))}
    assert not emphasized, f"docs/{folder}/glossary.md: escape the underscores (\\_) that emphasize: {emphasized}"
    escaped = {term: found for term, html in rendered.items() if (found := re.findall(r"<code>([^<]*\\[^<]*)</code>", html))}
    assert not escaped, f"docs/{folder}/glossary.md: a backslash shows inside inline code: {escaped}"


IDENTIFIER = re.compile(r"[A-Za-z_][\w.]*\(\)|[A-Za-z_]+\w*(?:[._]\w+)+")  # CODE below, less the numbers


@pytest.mark.parametrize("folder", ["en", "zh"])
def test_identifiers_are_inline_code(folder):
    """A name from the API (backward(), torch.autograd.grad, grad_fn, ._base) is written as code."""
    bare = {}
    for term, definition in definitions(folder).items():
        prose = " ".join(piece for piece in re.split(r"(\{\w+\}`[^`]*`|`[^`]*`)", definition) if "`" not in piece)
        if found := IDENTIFIER.findall(prose.replace("\\_", "_")):
            bare[term] = found
    assert not bare, f"docs/{folder}/glossary.md: write these as `code`: {bare}"


def where_taught(folder: str, term: str, definition: str) -> list[str]:
    """What is wrong with the links of a definition to where its term is taught."""
    found = links(definition)
    pages = [target for role, target in found if role == "doc"]
    problems = [] if pages else [f"{term!r} links to no page: add one that teaches it, {{doc}}`page`"]
    for role, label in found:
        if role == "ref" and not any(
            re.search(rf"^\({re.escape(label)}\)=$", (guide_site.DOCS / folder / f"{page}.md").read_text(encoding="utf-8"), re.M)
            for page in pages
        ):
            problems.append(f"{term!r}: the section {label!r} is on none of the pages it links ({pages})")
    return problems


@pytest.mark.parametrize("folder", ["en", "zh"])
def test_definitions_link_where_the_term_is_taught(folder):
    """Each definition links back to a page that teaches its term, and each section it links
    ({ref}`label`) is on one of those pages."""
    problems = [p for term, definition in definitions(folder).items() for p in where_taught(folder, term, definition)]
    assert not problems, f"docs/{folder}/glossary.md:\n" + "\n".join(problems)


def test_a_definition_without_its_page_or_with_a_stray_section_is_caught():
    assert where_taught("en", "t", "Words. Chinese: 词.")
    assert not where_taught("en", "t", "Words. Taught in {doc}`views`, under {ref}`view-shares-memory`. Chinese: 词.")
    assert where_taught("en", "t", "Words. Taught in {doc}`hooks`, under {ref}`view-shares-memory`. Chinese: 词.")


def test_glossary_agrees_with_terms_tsv():
    tsv = terms_tsv()
    wrong = {en: (zh, tsv.get(en)) for en, (_, zh) in EN.items() if tsv.get(en) != zh}
    assert not wrong, f"glossary term -> (its Chinese name, the row of docs/terms.tsv): {wrong}"


@pytest.mark.parametrize("folder", ["en", "zh"])
def test_every_term_is_used_by_a_page(folder):
    used = set()
    for page in pages(folder):
        if page != "glossary":
            used |= set(TERM_LINK.findall((guide_site.DOCS / folder / f"{page}.md").read_text(encoding="utf-8")))
    terms = set(EN if folder == "en" else ZH)
    assert not used - terms, f"docs/{folder}: {{term}} links to no glossary entry: {sorted(used - terms)}"
    assert not terms - used, f"docs/{folder}/glossary.md defines terms no page links: {sorted(terms - used)}"


CODE = re.compile(r"[A-Za-z_][\w.]*\(\)|[A-Za-z_]+\w*(?:[._]\w+)+|\b\d+\b")


@pytest.mark.parametrize("term", sorted(EN))
def test_twin_definitions_name_the_same_code(term):
    """A definition changed in one language only shows up as different identifiers and numbers."""
    zh_term = EN[term][1]
    en_code, zh_code = (sorted(set(CODE.findall(text))) for text in (EN[term][0], ZH[zh_term][0]))
    assert en_code == zh_code, f"{term} / {zh_term}: en names {en_code}, zh names {zh_code}"


EN_SOURCE, ZH_SOURCE = definitions("en"), definitions("zh")


@pytest.mark.parametrize("term", sorted(EN))
def test_twin_definitions_link_the_same_places(term):
    zh_term = EN[term][1]
    en_links, zh_links = links(EN_SOURCE[term]), links(ZH_SOURCE[zh_term])
    assert en_links == zh_links, f"{term} / {zh_term}: en links {en_links}, zh links {zh_links}"


@pytest.mark.parametrize("term", sorted(RULES))
def test_definition_rule_holds(term):
    words, check = RULES[term]
    for phrase in (words,) if isinstance(words, str) else words:
        assert phrase in EN[term][0], f"docs/en/glossary.md, {term!r} no longer says {phrase!r}: update its check here"
    check()
