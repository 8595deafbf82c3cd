"""Used-by pages: "+N more" on a heavily used manifest's page links to a page listing every user, paginated."""

from __future__ import annotations

import pytest

from testing.catalogs import POLICY, WORKSPACE, check, write
from testing.site import headers, parse_html, rows
from catgen.website.pages.context import PageContext
from catgen.website.pages.generate import manifest_page
from catgen.website.pages.usedby import LIST_CAP, used_by_pages
from catgen.website.sitemodel import SiteModel
from catgen.website.urls import PAGE_SIZE

JOBS = PAGE_SIZE + 10  # two used-by pages for the environment every job uses
ENVIRONMENT = ("apiVersion: catgen/v1\nkind: Environment\nmetadata: {name: py, version: '1'}\n"
               "spec: {image: 'python@sha256:" + "a" * 64 + "', workspace: 'workspace:dev'}\n")


def job(number: int) -> str:
    return (f"apiVersion: catgen/v1\nkind: Job\nmetadata: {{name: job-{number:04d}}}\n"
            "spec: {workspace: 'workspace:dev', type: command, status: completed, environment: 'environment:py@1'}\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> SiteModel:
    root = tmp_path_factory.mktemp("busy")
    write(root, "policy.yaml", POLICY)
    write(root, "workspaces/dev.yaml", WORKSPACE)
    write(root, "environments/py/1.yaml", ENVIRONMENT)
    for number in range(JOBS):
        write(root, f"jobs/job-{number:04d}.yaml", job(number))
    return SiteModel.from_result(check(root))


@pytest.fixture(scope="module")
def used_by(site) -> dict:
    return {url: parse_html(html).find("div", cls="cg-page") for url, (_, html) in used_by_pages(site)}


def test_more_on_a_heavily_used_page_links_to_its_used_by_page(site):
    environment = site.catalog.get("Environment", "py", "1")
    _, html = manifest_page(PageContext(site, site.url(environment)), environment)
    more = parse_html(html).find("p", cls="cg-more").find("a")
    assert more.text() == f"+{JOBS - LIST_CAP} more: all {JOBS} on the used-by page"
    assert more.attrs["href"] == "used-by/"


def test_the_used_by_pages_list_every_user_once_with_links(used_by):
    first, second = used_by["environments/py/1/used-by/"], used_by["environments/py/1/used-by/_page/2/"]
    listed = []
    for page in (first, second):
        table = page.find("table", cls="cg-used-by")
        assert headers(table) == ["Relation", "Kind", "Manifest"]
        listed += [row[2] for row in rows(table)]
    assert listed == [f"job:job-{n:04d}" for n in range(JOBS)]
    assert ("2", "_page/2/") in first.find("nav", cls="cg-pager").links()
    assert second.find("p", cls="cg-used-by-of").find("a").attrs["href"] == "../../../"  # back to the version
    assert first.find("table").find("a").attrs["href"] == "../../../../jobs/job-0000/"
    assert second.find("table").find("a").attrs["href"] == f"../../../../../../jobs/job-{PAGE_SIZE:04d}/"


def test_a_workspace_with_many_jobs_gets_a_used_by_page_and_a_lightly_used_one_none(site, used_by):
    assert "workspaces/dev/used-by/" in used_by
    job_page = site.url(site.catalog.get("Job", "job-0000"))
    assert not any(url.startswith(job_page) for url in used_by)


def test_the_workspace_page_links_more_jobs_to_its_used_by_page(site):
    workspace = site.catalog.get("Workspace", "dev")
    _, html = manifest_page(PageContext(site, site.url(workspace)), workspace)
    links = [p.find("a").attrs["href"] for p in parse_html(html).find_all("p", cls="cg-more")]
    assert links and set(links) == {"used-by/"}
