"""Every sentence that could state a rule has a reviewed row in the rule ledger, each rule names a
hidden check that exists, and the twins state the same rules section by section (rule_ledger.py)."""

import pytest
from glossary_rules import RULES
from paths import pages
from rule_ledger import candidates, hidden_checks, page_problems, page_source, rows, section_checks

PAGES = pages("en")
GLOSSARY = set(RULES)


@pytest.mark.parametrize("folder", ["en", "zh"])
@pytest.mark.parametrize("page", PAGES)
def test_every_universal_sentence_has_a_reviewed_row(folder, page):
    found = page_problems(folder, page, GLOSSARY)
    assert not found, "\n".join(found)


@pytest.mark.parametrize("page", PAGES)
def test_twins_state_the_same_rules(page):
    en, zh = section_checks("en", page), section_checks("zh", page)
    found = [
        f"section {section}: checks only en states {sorted(en.get(section, set()) - zh.get(section, set()))}, "
        f"only zh states {sorted(zh.get(section, set()) - en.get(section, set()))}"
        for section in sorted(set(en) | set(zh))
        if en.get(section) != zh.get(section)
    ]
    assert not found, f"docs/{{zh,en}}/{page}.md state different rules (docs/rules/):\n" + "\n".join(found)


def test_the_ledger_catches_a_new_an_edited_and_an_unbacked_rule():
    page = "no-grad"
    source, ledger = page_source("en", page), rows("en", page)
    assert not page_problems("en", page, GLOSSARY, source, ledger)
    new = source.replace("\n## ", "\nA tensor made under `no_grad` never requires grad.\n\n## ", 1)
    assert any("has no row" in p and "never requires grad" in p for p in page_problems("en", page, GLOSSARY, new, ledger))
    rule = next(row for row in ledger if row["kind"] == "rule" and row["sentence"] in source)
    edited = source.replace(rule["sentence"], rule["sentence"].replace(" ", " usually ", 1), 1)
    assert any("no longer has this sentence" in p for p in page_problems("en", page, GLOSSARY, edited, ledger))
    unbacked = [{**row, "check": "no-such-check"} if row is rule else row for row in ledger]
    assert any("no-such-check" in p for p in page_problems("en", page, GLOSSARY, source, unbacked))


def test_checks_are_read_from_hidden_cells_only():
    shown = "```{code-cell} python\n# check: shown\nx = 1\n```\n"
    hidden = "```{code-cell} python\n:tags: [remove-cell]\n# check: a, b\nx = 1\n```\n"
    assert hidden_checks(shown + hidden) == {"a", "b"}


def test_universal_words_are_found_in_prose_not_in_code():
    assert [s.text for s in candidates("en", "Gradients always add up. Use `all()` here.\n")] == ["Gradients always add up."]
    assert [s.text for s in candidates("zh", "梯度总是累加。这里用 `all()`。\n")] == ["梯度总是累加。"]


def test_an_admonition_is_prose_and_ends_at_its_own_fence():
    source = (
        "```{admonition} In short\n:class: summary\n\nGradients always add up.\n```\n\n"
        "A leaf never has a `grad_fn`.\n\n```{code-cell} python\nx = all([])  # never\n```\n"
    )
    assert [s.text for s in candidates("en", source)] == ["Gradients always add up.", "A leaf never has a `grad_fn`."]
