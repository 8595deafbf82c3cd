"""What a page job reads is what it depends on: a job whose inputs have the same digests renders the same pages.

The property runs on the example catalog under random edits (``testing.edits``) and a "now" that may move:
every job is rendered with its inputs recorded; after the edits, each job whose recorded inputs all have the
same digest against the new site model must render exactly the pages it rendered before. The same holds
across commits of a git repository (the serving history is an input too).
"""

from __future__ import annotations

import tempfile
import threading
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from testing.edits import EDITS, apply_edit, copy_example
from testing.gitrepo import GitRepo
from catgen.graph.lineage import LineageGraph
from catgen.model import Manifest
from catgen.website.pageinputs import Recording, Unnamed, inputs_recorded, plain, Tokens
from catgen.website.pages.generate import page_jobs
from catgen.website.sitemodel import SiteModel

NOW = datetime(2024, 9, 22, tzinfo=timezone.utc)


def recorded_jobs(site) -> dict:
    """identity -> (pages, {input: digest} or None) of every page job of ``site``."""
    recording = Recording(site)
    jobs = {}
    with inputs_recorded(recording):
        for job in page_jobs(site):
            with recording.job(job.manifest) as noted:
                pages = job()
            inputs = None if noted.inputs is None else {key: recording.digest(key) for key in noted.inputs}
            jobs[job.identity] = (pages, inputs)
    return jobs


def clean_jobs(before: dict, site) -> tuple[int, int]:
    """Render each job of ``site`` whose inputs in ``before`` have the same digests now, and assert its pages
    are those of ``before``; (clean jobs, all jobs)."""
    recording = Recording(site)
    clean = jobs = 0
    for job in page_jobs(site):
        jobs += 1
        pages, inputs = before.get(job.identity, (None, None))
        if inputs is not None and all(recording.digest(key) == digest for key, digest in inputs.items()):
            clean += 1
            assert job() == pages, job.identity
    return clean, jobs


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(edits=EDITS, later=st.sampled_from([timedelta(0), timedelta(days=400), timedelta(days=-400)]))
def test_a_job_whose_inputs_have_the_same_digests_renders_the_same_pages(edits, later):
    with tempfile.TemporaryDirectory() as folder:
        root = copy_example(folder)
        before = recorded_jobs(SiteModel.load(str(root), now=NOW))
        for edit in edits:
            apply_edit(root, *edit)
        clean_jobs(before, SiteModel.load(str(root), now=NOW + later))


def test_every_job_of_the_example_has_inputs_and_one_edit_leaves_most_of_them_clean(example):
    before = recorded_jobs(SiteModel.load(str(example), now=NOW))
    assert all(inputs for _pages, inputs in before.values())
    path = example / "models/credit-risk/3.yaml"
    path.write_text(path.read_text().replace("Loan-default classifier", "Loan default classifier"))
    clean, jobs = clean_jobs(before, SiteModel.load(str(example), now=NOW))
    assert jobs - 15 <= clean < jobs  # the model's page, its asset's, its neighbours' lineage pictures...


def test_a_lineage_picture_is_recorded_as_the_edges_of_the_nodes_it_walks(example, monkeypatch):
    # ``neighbours`` (a node's edges one way, grouped and ordered) as inputs of their own were a quarter of all.
    walked = []
    neighbours = LineageGraph.neighbours
    monkeypatch.setattr(LineageGraph, "neighbours",
                        lambda self, node, up, **kw: walked.append((node, up)) or neighbours(self, node, up, **kw))
    site = SiteModel.load(str(example), now=NOW)
    before = recorded_jobs(site)
    assert walked and all(key[1] != "neighbours" for _, inputs in before.values() for key in inputs if len(key) > 2)
    model = site.catalog.get("Model", "credit-risk", "3")
    inputs = next(inputs for pages, inputs in before.values() if any(p[0] == site.url(model) for p in pages))
    for upstream in {up for node, up in walked if node.relpath == model.relpath}:
        assert ("graph", "out_edges" if upstream else "in_edges", (("M", model.relpath),), ()) in inputs
    assert inputs[("graph", "out_edges", (("M", model.relpath),), ())] == \
        Recording(site).digest(("graph", "out_edges", (("M", model.relpath),), ()))


def test_the_serving_history_is_an_input(tmp_path):
    repo = GitRepo(tmp_path / "repo")
    repo.add_example()
    before = recorded_jobs(SiteModel.load(str(repo.catalog), now=NOW))
    repo.edit("deployments/credit-risk-test.yaml", "model:credit-risk@3", "model:credit-risk@2")
    repo.commit("serve version 2 in test")
    site = SiteModel.load(str(repo.catalog), now=NOW)
    clean, jobs = clean_jobs(before, site)
    changed = recorded_jobs(site)
    dirty = {identity for identity, (pages, _inputs) in changed.items() if before[identity][0] != pages}
    assert ("page", "deployments/credit-risk-test.yaml") in dirty and ("page", "models/credit-risk/2.yaml") in dirty
    assert clean <= jobs - len(dirty)


def test_what_is_read_inside_a_recorded_call_or_in_another_thread_is_no_input(example):
    site = SiteModel.load(str(example), now=NOW)
    model = next(m for m in site.pages if m.relpath == "models/credit-risk/3.yaml")
    other = next(m for m in site.pages if m.relpath == "models/credit-risk/2.yaml")
    recording = Recording(site)
    with inputs_recorded(recording):
        with recording.job() as noted:
            site.findings_about(model)  # reads the model's path and more, inside the call
            site.graph.out_edges(model, {"trained_by"})
            site.by_kind  # noqa: B018 (an attribute read is an input)
            thread = threading.Thread(target=lambda: other.data)
            thread.start()
            thread.join()
        assert set(noted.inputs) == {("site", "findings_about", (("M", model.relpath),), ()),
                                     ("graph", "out_edges", (("M", model.relpath), ("s", ("trained_by",))), ()),
                                     ("site", "by_kind")}
        with recording.job() as noted:
            model.metadata  # noqa: B018 (its content)
            site.url(other)  # the address is in every manifest's token: no input
        assert noted.inputs == [("M", model.relpath)]
    assert Manifest.__dict__["document"] is None and "refs" not in Manifest.__dict__  # the defaults as they were
    assert "__getattribute__" not in SiteModel.__dict__
    assert model.metadata["owner"]  # the class as it was


def test_a_read_without_a_plain_name_leaves_the_job_without_inputs(example):
    site = SiteModel.load(str(example), now=NOW)
    recording = Recording(site)
    with inputs_recorded(recording):
        with recording.job() as noted:
            site.graph.in_edges(site.pages[0], types=[1, object()])  # an argument with no plain form
        assert noted.inputs is None
        with recording.job() as noted:
            site.catalog  # noqa: B018 (the whole catalog: no plain form)
        assert noted.inputs is None
        with recording.job() as noted:
            site.graph.edges()  # a generator: its answer is read later, outside the call
        assert noted.inputs is None


@pytest.mark.parametrize("key", [
    "M", ("M",), ("M", "nowhere.yaml"), ("site", "__class__"), ("site", "_about", (), ()), ("nobody", "x"),
    ("graph", "in_edges", (("X", 1),), ()), ("graph", "in_edges", (), (("types", ("s", ())),), 3),
    ("site", "url", ((),), ()),
])
def test_an_input_from_a_record_that_names_nothing_here_has_no_digest(example, key):
    recording = Recording(SiteModel.load(str(example), now=NOW))
    assert recording.digest(key) is None


@pytest.mark.parametrize("name", ["load", "from_result", "_stage_mark"])
def test_a_record_cannot_call_what_no_page_could(example, monkeypatch, name):
    site = SiteModel.load(str(example), now=NOW)
    called = []
    spy = lambda *args, **kwargs: called.append(args)  # noqa: E731
    monkeypatch.setattr(SiteModel, name, spy if name.startswith("_") else classmethod(spy))  # as it is there
    assert Recording(site).digest(("site", name, (str(example),), ())) is None and called == []


def test_plain_data_tags_every_container_and_refuses_what_it_cannot_name():
    tokens = Tokens({})
    manifest = Manifest("models/a/1.yaml", "catalog/models/a/1.yaml")
    assert plain([("a", 1)], tokens) == ("l", [("u", ["a", 1])])
    assert plain({"k": manifest}, tokens) == ("d", [("k", ("M", "models/a/1.yaml", "catalog/models/a/1.yaml",
                                                           None, None, None, None))])
    assert plain({2, 1}, tokens) == plain({1, 2}, tokens) != plain([1, 2], tokens)
    for value in (object(), iter([1]), threading.Lock()):
        with pytest.raises(Unnamed):
            plain(value, tokens)
    deep: list = []
    for _ in range(100):
        deep = [deep]
    with pytest.raises(Unnamed):
        plain(deep, tokens)


def test_a_manifest_that_loses_its_page_changes_the_pages_that_link_to_it(example):
    """Its address (None now) is in its token: a page that links to it is not clean, though nothing it reads of
    the manifest itself changed."""
    before = recorded_jobs(SiteModel.load(str(example), now=NOW))
    model = (example / "models/credit-risk/3.yaml").read_text()
    (example / "models/Credit-Risk").mkdir()  # the same identity but for case, earlier in path order: it has the page
    (example / "models/Credit-Risk/3.yaml").write_text(model.replace("name: credit-risk", "name: Credit-Risk"))
    site = SiteModel.load(str(example), now=NOW)
    assert site.url(next(m for m in site.catalog.manifests if m.relpath == "models/credit-risk/3.yaml")) is None
    clean_jobs(before, site)
