"""The cheat sheet's tables are the rows its hidden checks assert: each table of
docs/<lang>/cheat-sheet.md, as typed (less its link column), equals the `_table` of the check cell
after it, which computes those rows with PyTorch when the page is built. So a cell changed in the
table alone fails here, and a cell PyTorch disagrees with fails the build."""

import ast

import pytest
from myst_nb.core.read import read_myst_markdown_notebook

import guide_site

PAGE = "cheat-sheet"
LINK_COLUMN = {"see", "见"}


def tables(markdown: str) -> list[list[tuple[str, ...]]]:
    """The body rows of each pipe table, as tuples of cells, without the link column."""
    found, lines = [], []
    for line in [*markdown.splitlines(), ""]:
        if line.startswith("|"):
            lines.append(tuple(cell.strip() for cell in line.strip().strip("|").split("|")))
            continue
        if lines:
            header, body = lines[0], lines[2:]
            keep = [index for index, name in enumerate(header) if name not in LINK_COLUMN]
            found.append([tuple(row[index] for index in keep) for row in body])
            lines = []
    return found


def typed_tables(cells) -> list[dict[str, list[tuple[str, ...]]]]:
    """The `_table = {language: rows}` literal of each hidden cell, in page order."""
    found = []
    for cell in cells:
        if cell.cell_type != "code" or "remove-cell" not in cell.metadata.get("tags", []):
            continue
        for node in ast.parse(cell.source).body:
            if isinstance(node, ast.Assign) and any(getattr(t, "id", None) == "_table" for t in node.targets):
                found.append(ast.literal_eval(node.value))
    return found


@pytest.mark.parametrize("folder", ["en", "zh"])
def test_tables_are_what_their_checks_assert(folder):
    path = guide_site.DOCS / folder / f"{PAGE}.md"
    cells = read_myst_markdown_notebook(path.read_text(encoding="utf-8"), path=path).cells
    shown = tables("\n\n".join(cell.source for cell in cells if cell.cell_type == "markdown"))
    typed = [table[folder] for table in typed_tables(cells)]
    assert len(shown) == len(typed), f"docs/{folder}/{PAGE}.md: {len(shown)} tables, {len(typed)} checks with a _table"
    for number, (table, rows) in enumerate(zip(shown, typed), 1):
        assert table == rows, f"docs/{folder}/{PAGE}.md, table {number} differs from its check's _table[{folder!r}]"


def test_a_changed_cell_is_caught():
    text = "| a | b | see |\n|---|---|---|\n| `x` | yes | {doc}`x` |\n"
    assert tables(text) == [[("`x`", "yes")]]
    assert tables(text.replace("yes", "no")) != [[("`x`", "yes")]]
