"""What README.md and docs/AUTHORING.md tell a maintainer matches the tree."""

import ast
import re

import pytest

from guide_site import DOCS, ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
GUIDES = {"README.md": README, "docs/AUTHORING.md": (DOCS / "AUTHORING.md").read_text(encoding="utf-8")}


def nox_sessions() -> set[str]:
    tree = ast.parse((ROOT / "noxfile.py").read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef) and any("nox.session" in ast.unparse(d) for d in node.decorator_list)
    }


@pytest.mark.parametrize("module", sorted([*(DOCS / "_ext").glob("*.py"), *(ROOT / "src").glob("*.py")]), ids=lambda p: p.name)
def test_layout_table_names_every_extension_and_module(module):
    assert f"`{module.relative_to(ROOT).as_posix()}`" in README, f"README's layout table omits {module.name}"


@pytest.mark.parametrize("guide", GUIDES)
def test_every_nox_command_names_a_session(guide):
    named = set(re.findall(r"nox -s (\w+)", GUIDES[guide]))
    assert named and named <= nox_sessions(), f"{guide} names sessions that do not exist: {named - nox_sessions()}"
