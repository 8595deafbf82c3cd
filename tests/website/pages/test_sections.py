"""What every manifest page shares: the Fields block (multi-line text as lines, http(s) URIs as links)."""

from __future__ import annotations

import pytest

from testing.marks import INCIDENT, REVOCATION, marks_site, render, rendered
from testing.site import parse_html
from catgen.website.pages.context import PageContext
from catgen.website.pages.sections import fields


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return marks_site(tmp_path_factory.mktemp("marks"))


def field(block, *path):
    """The ``<dd>`` of ``path`` in the nested definition lists of a Fields block."""
    node = block
    for key in path:
        dl = node.find("dl")
        node = next(dd for dt, dd in zip(dl.children[::2], dl.children[1::2]) if dt.text() == key)
    return node


def test_a_multi_line_string_shows_its_lines_and_links_its_uri(site):
    page = render(rendered(site), f"promotions/{REVOCATION}/")
    reason = field(page.find("div", cls="cg-data"), "spec", "reason").find("div", cls="cg-text")
    text = "".join(c for c in reason.children if isinstance(c, str)) + reason.find("a").text()
    assert "\\u000a" not in reason.text() and "Faulty scores in the EU segment.\nIncident " in text
    link = reason.find("a")
    assert (link.text(), link.attrs["href"], link.attrs["rel"]) == (INCIDENT, INCIDENT, "noopener noreferrer nofollow")


def test_a_single_line_value_is_code_and_an_http_uri_a_link_other_schemes_text(site):
    job = site.catalog.get("Job", "train-credit-risk-prod-0912")
    block = parse_html(fields(PageContext(site, site.url(job)), job))
    assert field(block, "spec", "logs").find("code").text().startswith("azureml://")
    assert field(block, "spec", "logs").find_all("a") == []
    repository = field(block, "spec", "code", "repository").find("a")
    assert repository.attrs["href"] == "https://github.com/contoso/credit-ml"
    assert field(block, "spec", "type").find("code").text() == "pipeline"
    assert field(block, "spec", "metrics", "auc").text() == "0.872"
