"""The user docs stay true: the generated rules page is current, quoted manifests are real."""

from __future__ import annotations

import re

import pytest

from catgen.docgen import REGENERATE, all_pages, family_markdown, main, rules_markdown
from catgen.model import KINDS
from catgen.rules import FAMILIES, RULES
from catgen.rules.base import Rule
from catgen.load.schemas import schema_errors
from catgen.load.yamlsafe import Document, load

from testing.catalogs import REPO

RULES_PAGE = REPO / "docs" / "rules.md"


@pytest.mark.parametrize("relpath", sorted(all_pages()))
def test_generated_rules_pages_are_current(relpath):
    page = REPO / "docs" / relpath
    assert page.exists(), f"docs/{relpath} is missing; run `{REGENERATE}`"
    assert page.read_text(encoding="utf-8") == all_pages()[relpath], (
        f"docs/{relpath} is out of date with the rules and their examples; run `{REGENERATE}`"
    )


def test_every_family_has_a_page_in_the_site_nav():
    nav = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    assert {f"rules/{module.__name__.rsplit('.', 1)[-1]}.md" for module in FAMILIES} | {"rules.md"} == set(all_pages())
    for relpath in all_pages():
        assert f": {relpath}\n" in nav, f"mkdocs.yml does not list {relpath}"


def test_family_page_shows_every_rule_and_example():
    for module in FAMILIES:
        page = family_markdown(module)
        for found in module.RULES:
            assert f"\n## {found.code} {found.name}\n" in page
            assert page.count(f"reports {found.code}") >= sum(e.fires for e in found.examples)


def test_docgen_check_and_write(tmp_path, capsys):
    docs = tmp_path / "docs"
    assert main(["--check", "--docs", str(docs)]) == 1
    assert "out of date" in capsys.readouterr().err
    assert main(["--write", "--docs", str(docs)]) == 0
    assert main(["--check", "--docs", str(docs)]) == 0
    assert (docs / "rules" / "loading.md").read_text(encoding="utf-8") == all_pages()["rules/loading.md"]
    assert main([]) == 0
    assert capsys.readouterr().out == rules_markdown()


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
        empty = not isinstance(loaded, Document) and loaded.message.startswith("the file is empty")
        assert isinstance(loaded, Document) or empty, (page, block[:80], loaded)


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
