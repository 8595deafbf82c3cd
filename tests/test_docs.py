"""The user docs stay true: the generated rules page is current, quoted manifests are real."""

from __future__ import annotations

import re

import pytest

from catgen.docgen import REGENERATE, rules_markdown
from catgen.model import KINDS
from catgen.rules import RULES
from catgen.rules.base import Rule
from catgen.load.schemas import schema_errors
from catgen.load.yamlsafe import Document, load

from testing.catalogs import REPO

RULES_PAGE = REPO / "docs" / "rules.md"


def test_rules_page_is_current():
    assert RULES_PAGE.read_text(encoding="utf-8") == rules_markdown(), (
        f"docs/rules.md is out of date with the rules' docstrings; run `{REGENERATE}`"
    )


def test_every_rule_has_a_row_and_a_section():
    page = rules_markdown()
    for found in RULES.values():
        assert f"| [{found.code}](#{found.code.lower()}-{found.name}) | `{found.name}` | {found.level} |" in page
        assert f"\n### {found.code} {found.name}\n" in page
        assert found.summary, f"{found.code} has no docstring"


def test_a_new_rule_appears_under_its_family():
    def check(ctx):
        """A summary with a | pipe.

        Longer text."""
        return []

    extra = dict(RULES, CG999=Rule("CG999", "made-up", "warning", check))
    page = rules_markdown(extra)
    assert "## CG9xx" in page
    assert "| [CG999](#cg999-made-up) | `made-up` | warning | A summary with a \\| pipe. |" in page
    assert "### CG999 made-up\n\nA summary with a | pipe.\n\nLonger text.\n" in page


# ------------------------------------------------- manifests quoted in the guide

GUIDE = ["getting-started.md", "manifests.md", "writing-a-catalog.md"]
YAML_BLOCK = re.compile(r"^```yaml\n(.*?)^```$", re.DOTALL | re.MULTILINE)


def yaml_blocks(page: str) -> list[str]:
    return YAML_BLOCK.findall((REPO / "docs" / page).read_text(encoding="utf-8"))


def full_manifests(page: str) -> list[str]:
    """Blocks that are whole manifests: those opening with a path or an editor-schema comment."""
    return [b for b in yaml_blocks(page) if b.startswith(("# catalog/", "# yaml-language-server:")) and "\nspec:" in b]


@pytest.mark.parametrize("page", GUIDE)
def test_every_yaml_snippet_parses(page):
    for block in yaml_blocks(page):
        loaded = load(block.encode())
        assert isinstance(loaded, Document) or loaded.message.startswith("the file is empty"), (page, block[:80], loaded)


@pytest.mark.parametrize("page", GUIDE)
def test_whole_manifests_in_the_guide_are_valid(page):
    for block in full_manifests(page):
        data = load(block.encode()).data
        assert schema_errors(data["kind"], data) == [], (page, block[:80])


def test_example_files_are_quoted_verbatim():
    quoted = [b for b in full_manifests("manifests.md") if b.startswith("# catalog/")]
    assert len(quoted) >= 10
    for block in quoted:
        first, body = block.split("\n", 1)
        source = REPO / first.removeprefix("# ")
        assert source.read_text(encoding="utf-8") == body, f"docs/manifests.md quotes {source.name} out of date"


def test_manifests_page_shows_every_kind():
    kinds = {load(b.encode()).data["kind"] for b in full_manifests("manifests.md")}
    assert kinds == set(KINDS)
