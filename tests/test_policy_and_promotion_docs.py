"""The policy and promotion guide pages quote real things, so they cannot rot.

``docs/policy.md``'s YAML snippets are fragments of the policy's ``spec``;
each must be schema-valid when put into the example policy. The outputs
quoted in ``docs/promotion.md`` after ``<!-- output of "catgen ..." -->``
must be what the command prints on the example catalog today. (The examples
of each rule are declared next to the rules and run by
``tests/rules/test_examples.py``.)
"""

from __future__ import annotations

import re
import shlex
import shutil

import yaml
from click.testing import CliRunner

from catgen.cli import cli

from testing.catalogs import EXAMPLE, REPO, check

DOCS = REPO / "docs"


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
        problems = [(f.code, f.message) for f in broken]
        assert not broken, f"policy.md snippet breaks the policy schema: {problems}\n{snippet}"


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
