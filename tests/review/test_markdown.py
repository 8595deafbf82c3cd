"""The review as markdown: rendered by a Markdown library and read back as HTML, structure and all.

Hostile text in a manifest (table pipes, HTML, a ``</details>``, code fences, backticks,
links, line breaks) must stay text inside the one cell or line it belongs to.
"""

from __future__ import annotations

from html import unescape
from html.parser import HTMLParser

import markdown
import pytest

from catgen.errors import log_safe
from catgen.review.markdown import inline

from testing import diff_scenarios as scenario
from testing.gitrepo import example_repo, run_cli

HOSTILE = "x | y </details> <script>alert(1)</script> ``` `code` **bold** [link](https://evil.example) \n## heading"


class Structure(HTMLParser):
    """Tags in order, table rows with their cells' text."""

    def __init__(self):
        super().__init__()
        self.tags: list[str] = []
        self.rows: list[list[str]] = []
        self.headings: list[str] = []
        self._cell = self._heading = None

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = ""
        elif tag in ("h1", "h2", "h3", "h4"):
            self._heading = ""

    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.rows[-1].append(self._cell)
            self._cell = None
        elif tag in ("h1", "h2", "h3", "h4"):
            self.headings.append(self._heading)
            self._heading = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell += data
        if self._heading is not None:
            self._heading += data


def structure(text: str) -> Structure:
    parsed = Structure()
    parsed.feed(markdown.markdown(text, extensions=["tables"]))
    return parsed


@pytest.fixture
def repo(tmp_path, monkeypatch):
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)
    return example_repo(tmp_path, monkeypatch)


def review_markdown(capsys, repo) -> str:
    code, out, err = run_cli(capsys, "diff", "--base", repo.base, "--format", "markdown")
    assert code in (0, 1), err
    return out


def test_verdict_first_then_a_table_per_promotion(repo, capsys):
    scenario.new_credit_risk_version(repo)
    scenario.promote_credit_risk_4_to_prod(repo)
    scenario.switch_blue_to_credit_risk_4(repo)
    out = review_markdown(capsys, repo)
    assert out.splitlines()[0].startswith("❌ **This change fails the check: 1 error, 0 warnings, 1 of 2 promotions")
    parsed = structure(out)
    assert parsed.headings[:3] == [  # in path order
        "✅ promotion:credit-risk-4-registry-contoso-ml shares model:credit-risk@4 into registry:contoso-ml",
        "❌ promotion:credit-risk-4-to-prod promotes model:credit-risk@4 to prod",
        "✅ promotion:credit-risk-4-to-test promotes model:credit-risk@4 to test",
    ]
    assert ["approvals", "❌ fails", "1 of 2 (alice@contoso.com)"] in parsed.rows
    assert ["metric:auc", "✅ ok", "auc 0.861 against a minimum of 0.85 and against 0.872 for model:credit-risk@3, "
            "which prod serves now"] in parsed.rows
    assert ["deployment:credit-risk-prod-blue",
            "model:credit-risk@3 -> model:credit-risk@4, traffic 90 -> 100 on endpoint credit-risk of "
            "workspace:ml-prod-weu"] in parsed.rows
    # gates of prod and of test, deployments, findings; the changed manifests are collapsed (Python-Markdown,
    # unlike GitHub and Azure DevOps, leaves Markdown inside <details> unrendered)
    assert parsed.tags.count("table") == 4 and parsed.tags.count("details") == 1


def test_hostile_text_stays_inside_its_cell(repo, capsys):
    scenario.revoke_fraud_detector_1(repo, reason="ok")
    scenario.new_credit_risk_version(repo, description="fine")
    scenario.promote_credit_risk_4_to_prod(repo, approvers=["alice@contoso.com"])
    # a finding whose message quotes hostile text: a deployment's model named with markup is CG201/CG302
    scenario.write(repo, "deployments/evil.yaml", "apiVersion: catgen/v1\nkind: Deployment\nmetadata: {name: evil}\n"
                   "spec: {workspace: 'workspace:ml-dev-eus', endpoint: e, model: " + repr(HOSTILE) + "}\n")
    out = review_markdown(capsys, repo)
    parsed = structure(out)
    html = markdown.markdown(out, extensions=["tables"])
    assert "<script>" not in html and html.count("<details>") == html.count("</details>") == 1
    assert "<a " not in html and html.count("<code>") == 1 and "<strong>bold" not in html  # the base's sha
    hostile_cells = [cell for row in parsed.rows for cell in row if "alert(1)" in cell]
    assert hostile_cells and all("</details>" in cell and "x | y" in cell for cell in hostile_cells)
    widths = {len(row) for row in parsed.rows[parsed.rows.index(["Level", "Rule", "Where", "Message"]):]}
    assert widths <= {3, 4}  # no row of the findings table grew a cell


def test_inline_escapes_every_markup_character():
    hostile = "a|b <i>&amp; `c` *d* _e_ [f](g) \\ ## ~~h~~ $m$ https://x.y www.z.com\nnext"
    text = inline(hostile)
    for raw in ("|", "<", ">", "`", "*", "_", "[", "]", "~", "$", "\n", "://", "www."):
        assert raw not in text
    # rendered, it reads as the text itself (log_safe: the line break and the second '#' as escapes)
    assert unescape(markdown.markdown(text, extensions=["tables"])) == f"<p>{log_safe(hostile)}</p>"


@pytest.mark.parametrize("closing", ["</details>", "```", "~~~", "</summary>", "<!--"])
def test_nothing_closes_a_block(closing):
    assert "<" not in inline(closing) and "`" not in inline(closing) and "~" not in inline(closing)


def test_a_review_too_long_for_a_job_summary_shows_what_fits_and_counts_the_rest(repo, capsys, monkeypatch):
    """GitHub refuses a step's summary over 1 MiB whole: a change of thousands of promotions or findings left the
    reviewers nothing. The verdict always, then each part while it fits, and a line for the rest."""
    from catgen.review import markdown as review_markdown_module

    scenario.new_credit_risk_version(repo)
    scenario.promote_credit_risk_4_to_prod(repo)
    scenario.switch_blue_to_credit_risk_4(repo)
    whole = review_markdown(capsys, repo)
    assert "Not shown, for length" not in whole
    monkeypatch.setattr(review_markdown_module, "BUDGET", 1_600)
    cut = review_markdown(capsys, repo)
    assert len(cut.encode()) <= 1_600 and cut.splitlines()[0] == whole.splitlines()[0]
    parsed = structure(cut)
    assert parsed.headings[0] == structure(whole).headings[0]  # the first promotion fits, the others are counted
    last = cut.rstrip("\n").splitlines()[-1]
    assert last.startswith("Not shown, for length: 2 promotions, ") and last.endswith(
        "`catgen diff --format json` lists them all.")
    assert cut.count("<details>") == cut.count("</details>")
    for budget in (200, 700, 2_500, 5_000):  # every budget: within it, and every block it opens closed
        monkeypatch.setattr(review_markdown_module, "BUDGET", budget)
        text = review_markdown(capsys, repo)
        assert len(text.encode()) <= max(budget, len(whole.splitlines()[0].encode()) + 401)
        assert text.count("<details>") == text.count("</details>")
