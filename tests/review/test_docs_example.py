"""``docs/gate-merges.md`` quotes ``catgen diff`` on a real change; this keeps the quote true.

The change: ``model:credit-risk@4`` (auc 0.842) promoted to test and to prod with one approval,
and the blue deployment switched to it. The base's sha differs from repository to repository;
the quote shows it as ``BASE``.
"""

from __future__ import annotations

import re

from testing import diff_scenarios as scenario
from testing.catalogs import REPO
from testing.gitrepo import example_repo, run_cli

QUOTED = re.compile(r'<!-- output of "catgen diff --base main( --format markdown)?" -->\s*\n```(?:text|markdown)\n'
                    r'(.*?)^```$', re.M | re.S)


def the_change(repo) -> None:
    scenario.new_credit_risk_version(repo, auc=0.842)
    scenario.promote_credit_risk_4_to_prod(repo)
    scenario.switch_blue_to_credit_risk_4(repo)


def test_the_quoted_review_is_what_catgen_diff_prints(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    repo = example_repo(tmp_path, monkeypatch)
    the_change(repo)
    quotes = QUOTED.findall((REPO / "docs" / "gate-merges.md").read_text(encoding="utf-8"))
    assert len(quotes) == 2
    for markdown_flag, quoted in quotes:
        args = ["--format", "markdown"] if markdown_flag else []
        _, out, _ = run_cli(capsys, "diff", "--base", repo.base, *args)
        assert out.replace(repo.base, "BASE").replace(repo.base[:12], "BASE") == quoted
