"""The examples in the docs are run, so they cannot rot.

``docs/rules/<family>.md`` holds, for every rule of the family, at least one
example that fails and one that passes, each written as a change to the
example catalog::

    <!-- example CG503 fails -->
    ```yaml title="catalog/promotions/credit-risk-3-to-prod.yaml"
    ...the whole new content of the file...
    ```

The marker names the rule and whether it must fire. The code blocks after it
(up to the next marker or heading) give the files to overwrite, relative to
the repository; a block whose content is ``# deleted`` deletes the file.
Marker options: ``in="catalog/..."`` when the finding is reported in a file
the example does not write; ``also="CG503 CG506"`` for other rules the same
change fires (anything else firing fails the test). A passing example must
leave the whole catalog clean: no findings at all.

``docs/policy.md``'s YAML snippets are fragments of the policy's ``spec``;
each must be schema-valid when put into the example policy. The outputs
quoted in ``docs/promotion.md`` after ``<!-- output of "catgen ..." -->``
must be what the command prints on the example catalog today.
"""

from __future__ import annotations

import re
import shlex
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from catgen.cli import cli
from catgen.rules import RULES

from testing.catalogs import EXAMPLE, REPO, check, codes

DOCS = REPO / "docs"
FAMILY_PAGES = {  # page -> the rule codes it documents (a prefix of the code)
    "identity.md": "CG30",
    "promotion.md": "CG5",
    "lineage.md": "CG6",
    "security.md": "CG7",
}
MARKER = re.compile(r'<!--\s*example\s+(CG\d{3})\s+(fails|passes)((?:\s+\w+="[^"]*")*)\s*-->')
OPTION = re.compile(r'(\w+)="([^"]*)"')
FENCE = re.compile(r'^```(\w+)?(?:\s+title="([^"]+)")?\s*$')
DELETED = "# deleted"


@dataclass
class Example:
    page: str
    line: int
    code: str
    fails: bool
    options: dict
    files: list = field(default_factory=list)  # (path relative to the repo, content or None to delete)

    @property
    def id(self) -> str:
        return f"{self.page}:{self.line}:{self.code}-{'fails' if self.fails else 'passes'}"

    @property
    def written(self) -> list:
        return [path for path, content in self.files if content is not None]


def parse_examples(page: Path) -> list[Example]:
    """Every example of one page, with its code blocks."""
    examples, current, block = [], None, None
    for number, line in enumerate(page.read_text(encoding="utf-8").splitlines(), 1):
        if block is not None:  # inside a fenced block
            if line.strip() == "```":
                if current is not None and block[0]:
                    text = "\n".join(block[1]) + "\n"
                    current.files.append((block[0], None if text.strip() == DELETED else text))
                block = None
            else:
                block[1].append(line)
            continue
        marker, fence = MARKER.search(line), FENCE.match(line)
        if marker:
            current = Example(page.name, number, marker[1], marker[2] == "fails", dict(OPTION.findall(marker[3])))
            examples.append(current)
        elif fence:
            block = (fence[2], [])
        elif line.startswith("#"):
            current = None  # a heading ends the example
    assert block is None, f"{page.name}: a code block is not closed"
    return examples


def all_examples() -> list[Example]:
    """Examples of every family page (a missing page fails ``test_pages_have_examples``)."""
    pages = [DOCS / "rules" / name for name in FAMILY_PAGES]
    return [e for page in pages if page.exists() for e in parse_examples(page)]


EXAMPLES = all_examples()


def apply(example: Example, repo: Path) -> Path:
    """Copy the example catalog to ``repo/catalog`` and apply the example's files."""
    root = repo / "catalog"
    shutil.copytree(EXAMPLE, root)
    for relpath, content in example.files:
        assert relpath.startswith("catalog/"), f"{example.id}: {relpath} is not in the example catalog"
        target = repo / relpath
        if content is None:
            assert target.exists(), f"{example.id}: {relpath} does not exist, so it cannot be deleted"
            target.unlink()
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(content, encoding="utf-8")
    return root


def test_pages_have_examples():
    for name in FAMILY_PAGES:
        assert (DOCS / "rules" / name).exists(), f"docs/rules/{name} is missing"
        assert parse_examples(DOCS / "rules" / name), f"docs/rules/{name} has no examples"
    assert all(e.files for e in EXAMPLES), [e.id for e in EXAMPLES if not e.files]


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda e: e.id)
def test_example(example, tmp_path):
    root = apply(example, tmp_path)
    result = check(root)
    found = [(code, "catalog/" + path) for code, path, _ in codes(result)]
    if not example.fails:
        assert found == [], f"{example.id} should pass, but the check reports {found}"
        return
    where = [example.options["in"]] if "in" in example.options else example.written
    assert any(code == example.code and path in where for code, path in found), (
        f"{example.id}: {example.code} should fire in {where}; the check reports {found}"
    )
    allowed = {example.code, *example.options.get("also", "").split()}
    assert {code for code, _ in found} <= allowed, f"{example.id}: unexpected findings {found}"


def test_every_rule_of_each_family_has_a_failing_and_a_passing_example():
    for name, prefix in FAMILY_PAGES.items():
        documented = {(e.code, e.fails) for e in EXAMPLES if e.page == name}
        family = sorted(code for code in RULES if code.startswith(prefix))
        assert family, f"no rules start with {prefix}"
        missing = [f"{code} {kind}" for code in family for fails, kind in ((True, "fails"), (False, "passes")) if (code, fails) not in documented]
        assert not missing, f"docs/rules/{name} lacks examples: {missing}"
        strangers = sorted({code for code, _ in documented} - set(family))
        assert not strangers, f"docs/rules/{name} has examples of rules of other families or that do not exist: {strangers}"


def test_parser_reads_markers_options_and_deletions(tmp_path):
    page = tmp_path / "page.md"
    page.write_text(
        '## X\n\n<!-- example CG501 fails in="catalog/a.yaml" also="CG506" -->\n'
        '```yaml title="catalog/b.yaml"\nkey: 1\n```\n\n```yaml title="catalog/c.yaml"\n# deleted\n```\n'
        "## Y\n\n```yaml\nnot: an example\n```\n",
        encoding="utf-8",
    )
    (example,) = parse_examples(page)
    assert (example.code, example.fails, example.options) == ("CG501", True, {"in": "catalog/a.yaml", "also": "CG506"})
    assert example.files == [("catalog/b.yaml", "key: 1\n"), ("catalog/c.yaml", None)]


# docs/policy.md --------------------------------------------------------------


def policy_snippets() -> list[str]:
    text = (DOCS / "policy.md").read_text(encoding="utf-8")
    return re.findall(r"^```yaml[^\n]*\n(.*?)^```$", text, flags=re.M | re.S)


def test_policy_snippets_are_valid_policy(tmp_path):
    snippets = policy_snippets()
    assert len(snippets) >= 10
    base = yaml.safe_load((EXAMPLE / "policy.yaml").read_text(encoding="utf-8"))
    for snippet in snippets:
        fragment = yaml.safe_load(snippet)
        assert set(fragment) == {"spec"}, f"a policy.md snippet is not a spec fragment:\n{snippet}"
        policy = dict(base, spec={**base["spec"], **fragment["spec"]})
        root = tmp_path / "catalog"
        shutil.rmtree(root, ignore_errors=True)
        shutil.copytree(EXAMPLE, root)
        (root / "policy.yaml").write_text(yaml.safe_dump(policy, sort_keys=False), encoding="utf-8")
        broken = [f for f in check(root).findings if f.path.endswith("policy.yaml") and f.code < "CG3"]
        assert not broken, f"policy.md snippet breaks the policy schema: {[(f.code, f.message) for f in broken]}\n{snippet}"


# docs/promotion.md -----------------------------------------------------------

QUOTED = re.compile(r'<!-- output of "(catgen [^"]+)" -->\s*\n```text\n(.*?)^```$', re.M | re.S)


def quoted_outputs() -> list[tuple[str, str]]:
    return QUOTED.findall((DOCS / "promotion.md").read_text(encoding="utf-8"))


def test_promotion_page_quotes_real_output(tmp_path):
    quotes = quoted_outputs()
    assert len(quotes) >= 2
    shutil.copytree(EXAMPLE, tmp_path / "catalog")
    for command, expected in quotes:
        result = CliRunner().invoke(cli, shlex.split(command)[1:], env={"GITHUB_ACTIONS": ""})
        assert result.output == expected, f"docs/promotion.md quotes stale output of `{command}`"
