"""The rule ledger: every sentence of a page's prose that could state a rule, and what backs it.

A sentence "could state a rule" when it holds a universal word (always, never, only, every, any,
cannot, must, by default, the same as, ...; in Chinese 总是, 从不, 只, 每, 任何, 不能, 默认, ...).
Each such sentence of `docs/<lang>/<page>.md` needs a row in `docs/rules/<lang>/<page>.toml`:

    [[row]]
    sentence = '''the sentence, exactly as the page's source writes it (lines joined)'''
    kind = "rule"                    # a rule about PyTorch: backed by a hidden check
    check = "no-grad-returns-input"  # a `# check: ID` line in a hidden cell of the page (both
                                     # twins), or "glossary:TERM" (tests/glossary_rules.py RULES)
    scope = "operations under no_grad that allocate a new tensor"    # en rows only
    exceptions = ["views", "returns-input", "in-place"]              # en rows only: EXCEPTIONS

    [[row]]
    sentence = '''Every page can be downloaded.'''
    kind = "not-rule"
    why = "about the guide, not PyTorch"

`check` may also be a list. A sentence without a universal word may have a row too (a rule
worded without one, so that its twin's section names the same checks). A sentence edited in the
page no longer matches its row: the test then names both, and the row is reviewed again. The zh
ledger names the same checks, section by section, so the twins state the same rules
(tests/test_rule_ledger.py).

    python tests/rule_ledger.py            # list what the ledgers lack, page by page
    python tests/rule_ledger.py --stub     # append a kind = "todo" row for each uncovered sentence
"""

from __future__ import annotations

import re
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from guide_site import DOCS, ROOT

LEDGER = DOCS / "rules"

# The exception classes of the guide's content rules ("Rules and their exceptions"), one name each.
EXCEPTIONS = {
    # tensors
    "views",
    "no-grad-views",
    "custom-function-views",
    "in-place",
    "returns-input",
    "factories",
    "one-element",
    "integer-bool",
    "complex",
    "float16-bfloat16",
    "parameter",
    "data-writes",
    # calls
    "backward-vs-grad",
    "inputs=",
    "gradient=",
    "retain_graph",
    "create_graph",
    "several-roots",
    "dict-tuple-inputs",
    "allow_unused",
    # modes
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "inference_mode",
    "eval",
    "anomaly",
    "autocast",
    "saved-tensor-hooks",
    "per-thread",
    # extensions
    "custom-function",
    "once_differentiable",
    "mark_dirty",
    "set_materialize_grads",
    "custom_op",
    "torch.func",
    "forward-mode-formulas",
    "compile",
    # engine
    "threads",
    "node-order",
    "hook-order",
    "module-vs-tensor-hooks",
    "optimizers",
    # device
    "device",
}
KINDS = {"rule", "not-rule", "todo"}

_EN_WORDS = (
    r"always|never|only|every|everything|each|any|anything|all|none|nothing|cannot|can't|"
    r"must|iff|exactly|whenever|whatever|by default|defaults?|the same as|one per|"
    r"no longer|in (?:the )?order|first|last|before|after|no|neither|nor|whichever|regardless|"
    r"not even|nobody|nowhere|one (?:entry |node |gradient )?(?:per|for each)"
)
EN_UNIVERSAL = re.compile(rf"\b(?:{_EN_WORDS})\b", re.I)
ZH_UNIVERSAL = re.compile(
    r"总是|总会|始终|从不|从来|永远|绝不|决不|只|仅|每|任何|所有|一切|全部|都|不能|无法|"
    r"不会|必须|必然|一定|当且仅当|默认|一律|唯一|相同|同样|顺序|之前|之后|最先|最后|首先|无论|不论|均|皆|"
    r"毫无|并无|都不|一个也"
)

# Fenced blocks, each from its opening fence to its own closing one; those that hold code or data
# are not prose (admonitions, glossaries and tables are prose).
FENCED = re.compile(r"^(`{3,}|~{3,})([^\n]*)\n(.*?)^\1[ \t]*$", re.S | re.M)
NOT_PROSE_INFO = re.compile(
    r"[ \t]*(?:\{(?:code-cell|doctest|code-block|code|math|toctree|raw|testcode|testoutput)\}"
    r"|(?:python|py|text|console|bash|pycon)\b|$)"
)


def _blank_code(source: str) -> str:
    """The source with each code or data block's lines emptied (a prose block's own are kept)."""

    def blank(match: re.Match) -> str:
        if NOT_PROSE_INFO.match(match.group(2)):
            return "\n" * match.group(0).count("\n")
        inner = _blank_code(match.group(3))
        return match.group(0)[: match.start(3) - match.start()] + inner + match.group(0)[match.end(3) - match.start() :]

    return FENCED.sub(blank, source)


FENCE_LINE = re.compile(r"^(?:`{3,}|~{3,}).*$|^:[\w-]+:.*$", re.M)
HEADING = re.compile(r"^(#{1,6}) +(.*)$")
LABEL = re.compile(r"^\(.*\)=\s*$")
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
COMMENT = re.compile(r"^%.*$", re.M)
BLOCK_START = re.compile(r"^\s*(?:[-*+]|\d+\.)\s+|^\s*\|")
INLINE_CODE = re.compile(r"`[^`]*`")
ROLE_TARGET = re.compile(r"\{[\w:-]+\}")
EN_SPLIT = re.compile(r"(?<=[.!?])[\"')\]*_]*\s+(?=[A-Z`*{(\[$_\"“])")
ZH_SPLIT = re.compile(r"(?<=[。！？])[”’）)*_]*")


@dataclass(frozen=True)
class Sentence:
    text: str
    section: int  # 0: before the first heading below the title; n: under the n-th heading after it
    line: int


def _blocks(source: str):
    """(line number, text, section) of each paragraph, list item, table row and heading."""
    source = FRONT_MATTER.sub(lambda m: "\n" * m.group(0).count("\n"), source)
    source = _blank_code(source)
    source = COMMENT.sub("", FENCE_LINE.sub("", source))
    section, headings, block, start, first, first_indented = 0, 0, [], 0, "", False
    for number, line in enumerate(source.split("\n"), 1):
        heading = HEADING.match(line)
        if not line.strip() or heading or BLOCK_START.match(line) or LABEL.match(line):
            if block:
                yield start, " ".join(block), section
            block = []
            if heading:
                headings += 1
                section = max(0, headings - 1)  # the title opens section 0
                yield number, heading.group(2), section
                continue
            if not line.strip() or LABEL.match(line):
                continue
        indented = line[:1].isspace()
        if len(block) == 1 and indented and not first_indented and not BLOCK_START.match(first):
            yield start, block[0], section  # a glossary term, then its indented definition
            block = []
        if not block:
            start, first, first_indented = number, line, indented
        block.append(line.strip().lstrip("|").strip())
    if block:
        yield start, " ".join(block), section


def sentences(folder: str, source: str) -> list[Sentence]:
    split = ZH_SPLIT if folder == "zh" else EN_SPLIT
    found = []
    for line, text, section in _blocks(source):
        text = re.sub(r"^(?:[-*+]|\d+\.)\s+", "", text)
        for piece in split.split(text):
            if piece.strip():
                found.append(Sentence(" ".join(piece.split()), section, line))
    return found


def is_candidate(folder: str, sentence: str) -> bool:
    words = ROLE_TARGET.sub(" ", INLINE_CODE.sub(" ", sentence))
    return bool((ZH_UNIVERSAL if folder == "zh" else EN_UNIVERSAL).search(words))


def page_source(folder: str, page: str) -> str:
    return (DOCS / folder / f"{page}.md").read_text(encoding="utf-8")


def candidates(folder: str, source: str) -> list[Sentence]:
    return [s for s in sentences(folder, source) if is_candidate(folder, s.text)]


def ledger_path(folder: str, page: str) -> Path:
    return LEDGER / folder / f"{page}.toml"


def rows(folder: str, page: str) -> list[dict]:
    path = ledger_path(folder, page)
    if not path.exists():
        return []
    try:
        return tomllib.loads(path.read_text(encoding="utf-8")).get("row", [])
    except tomllib.TOMLDecodeError as error:
        raise SystemExit(f"{path.relative_to(ROOT)}: {error}") from None


def checks_of(row: dict) -> list[str]:
    check = row.get("check", [])
    return [check] if isinstance(check, str) else list(check)


CHECK_LINE = re.compile(r"^#\s*check:\s*(.+?)\s*$", re.M)


def hidden_checks(source: str) -> set[str]:
    """The IDs named by `# check: ID` lines in the page's hidden (remove-cell) code cells."""
    found = set()
    for cell in re.finditer(r"^```\{code-cell\}[^\n]*\n(.*?)^```\s*$", source, re.S | re.M):
        body = cell.group(1)
        if re.search(r"^:tags:.*\bremove-cell\b", body, re.M) or re.search(r"^tags:.*remove-cell", body, re.M):
            for ids in CHECK_LINE.findall(body):
                found.update(i.strip() for i in ids.split(","))
    return found


def row_problems(folder: str, page: str, row: dict, known_checks: set[str], glossary_terms: set[str]) -> list[str]:
    where = f"{ledger_path(folder, page).relative_to(ROOT)}: row {row.get('sentence', '?')[:70]!r}"
    kind = row.get("kind")
    if kind not in KINDS:
        return [f"{where}: kind must be one of {sorted(KINDS)}, not {kind!r}"]
    if kind == "todo":
        return [f'{where}: not reviewed yet (kind = "todo")']
    if kind == "not-rule":
        return [] if row.get("why") else [f"{where}: a not-rule row says why"]
    found = []
    if not checks_of(row):
        found.append(f"{where}: a rule names its hidden check")
    for check in checks_of(row):
        if check.startswith("glossary:"):
            if check.removeprefix("glossary:") not in glossary_terms:
                found.append(f"{where}: no check {check!r} in tests/glossary_rules.py RULES")
        elif check not in known_checks:
            found.append(f"{where}: no hidden cell of docs/{folder}/{page}.md has the line '# check: {check}'")
    if folder == "en":
        if not row.get("scope"):
            found.append(f"{where}: a rule states its scope")
        classes = row.get("exceptions")
        if not classes or not isinstance(classes, list):
            found.append(f"{where}: a rule lists the exception classes considered")
        elif unknown := set(classes) - EXCEPTIONS:
            found.append(f"{where}: unknown exception classes {sorted(unknown)} (see EXCEPTIONS)")
    return found


def page_problems(
    folder: str, page: str, glossary_terms: set[str], source: str | None = None, ledger: list[dict] | None = None
) -> list[str]:
    """Sentences without a row, rows without their sentence, and rows that are incomplete
    (source and ledger: the page's and its ledger's, unless given)."""
    found = []
    source = page_source(folder, page) if source is None else source
    ledger = rows(folder, page) if ledger is None else ledger
    by_text = {row.get("sentence", "").strip(): row for row in ledger}
    page_sentences = {s.text for s in sentences(folder, source)}
    for sentence in candidates(folder, source):
        if sentence.text not in by_text:
            found.append(
                f"docs/{folder}/{page}.md:{sentence.line}: a sentence with a universal word has no row in "
                f"{ledger_path(folder, page).relative_to(ROOT)}: {sentence.text!r}"
            )
    known = hidden_checks(source)
    for text, row in by_text.items():
        if text not in page_sentences:
            found.append(
                f"{ledger_path(folder, page).relative_to(ROOT)}: the page no longer has this sentence "
                f"(edited or removed: review the rule again and update the row): {text!r}"
            )
            continue
        found.extend(row_problems(folder, page, row, known, glossary_terms))
    return found


def section_checks(folder: str, page: str) -> dict[int, set[str]]:
    """Section number -> the checks its rule sentences name (any sentence with a row: a rule the
    detector's words miss in one language can be given a row there by hand)."""
    by_text = {row.get("sentence", "").strip(): row for row in rows(folder, page)}
    found: dict[int, set[str]] = {}
    for sentence in sentences(folder, page_source(folder, page)):
        row = by_text.get(sentence.text)
        if row and row.get("kind") == "rule":
            found.setdefault(sentence.section, set()).update(checks_of(row))
    return found


def _toml_string(text: str) -> str:
    return f"'''{text}'''" if "'''" not in text and not text.endswith("'") else repr(text)


def stub(folder: str, page: str) -> int:
    """Append a todo row for each candidate sentence without one; returns how many."""
    have = {row.get("sentence", "").strip() for row in rows(folder, page)}
    new = [s for s in candidates(folder, page_source(folder, page)) if s.text not in have]
    if new:
        path = ledger_path(folder, page)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as out:
            for s in new:
                out.write(f'\n[[row]]  # line {s.line}, section {s.section}\nsentence = {_toml_string(s.text)}\nkind = "todo"\n')
    return len(new)


if __name__ == "__main__":
    from glossary_rules import RULES  # noqa: E402 (tests/ is this script's folder)

    folders = ("en", "zh")
    pages = sorted(p.stem for p in (DOCS / "en").glob("*.md"))
    only = [a for a in sys.argv[1:] if not a.startswith("-")]
    for page in only or pages:
        for folder in folders:
            if "--stub" in sys.argv:
                print(f"docs/{folder}/{page}.md: {stub(folder, page)} new rows")
            else:
                for problem in page_problems(folder, page, set(RULES)):
                    print(problem)
