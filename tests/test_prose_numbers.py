"""Numbers in prose are tied to execution: see prose_numbers.py for the rule."""

import pytest
from paths import executed_outputs, is_notebook, pages, read
from prose_numbers import NUMBER, problems, sections

NOTEBOOKS = [page for page in pages("en") if is_notebook("en", page)]


def output_text(outputs: list) -> str:
    return "\n".join(repr(out[1:]) for out in outputs)


def page_cells(folder: str, page: str) -> list[tuple[str, str, str]]:
    try:
        executed = iter(executed_outputs(folder, page))
    except KeyError as missing:
        pytest.fail(f"{page}: no executed notebook ({missing}); run `nox -s docs` first")
    return [
        (cell.cell_type, cell.source, output_text(next(executed)) if cell.cell_type == "code" else "")
        for cell in read(folder, page).cells
    ]


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_prose_numbers_come_from_the_execution(page, site):
    found = problems(page, sections(page_cells("zh", page)), sections(page_cells("en", page)))
    assert not found, "\n".join(found)


def changed_prose_number(cells: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The cells with the first number of their prose replaced by 9137."""
    for index, (kind, source, outputs) in enumerate(cells):
        if kind != "markdown":
            continue
        for match in NUMBER.finditer(source):
            edited = source[: match.start()] + "9137" + source[match.end() :]
            if any(9137.0 in section.prose for section in sections([(kind, edited, outputs)])):
                return [*cells[:index], (kind, edited, outputs), *cells[index + 1 :]]
    raise AssertionError("no number in the prose")


@pytest.mark.parametrize("page", ["grad-and-grad-fn", "no-grad"])
def test_a_number_changed_in_one_language_is_caught(page, site):
    zh, en = page_cells("zh", page), page_cells("en", page)
    assert not problems(page, sections(zh), sections(en))
    found = problems(page, sections(zh), sections(changed_prose_number(en)))
    assert any("only en 9137" in line for line in found), found
    assert any("(docs/en): prose states 9137" in line for line in found), found


def test_an_admonition_states_prose_numbers():
    box = "```{admonition} In short\n:class: summary\n\n`a.grad` is 7.\n```\n\nThen 8.\n\n```{doctest}\n>>> 9\n9\n```\n"
    (section,) = sections([("markdown", box, "")])
    assert section.prose == {7.0, 8.0} and section.evidence == {9.0}
