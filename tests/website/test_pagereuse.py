"""Which recorded inputs changed: two forked processes (the theme pages' inputs first, then the rest) find what
the build would find itself, the attributes the build sets after the fork (and those alone, which are all it
sets) are evaluated again, and a process that fails costs only time."""

from __future__ import annotations

import os

import pytest

from testing.site import recorded_example, working_dir
from catgen.website import pagereuse
from catgen.website.pageinputs import Recording
from catgen.website.pagerecords import PageRecords, records_path
from catgen.website.pagereuse import ChangedInputs
from catgen.website.build import build_site
from catgen.website.sitemodel import SET_BY_THE_BUILD, SiteModel
from catgen.website.statusdata import status_timeline

NOW = "1727000000"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """The example catalog after a recorded build, edited: (catalog, records)."""
    root = tmp_path_factory.mktemp("reuse")
    with pytest.MonkeyPatch.context() as patch:
        recorded_example(root, patch, NOW)
        records = PageRecords.load(records_path(str(root / "site")))
    model = root / "catalog" / "models" / "credit-risk" / "3.yaml"
    model.write_text(model.read_text().replace("Loan-default classifier", "Loan default classifier"))
    return root / "catalog", records


def _site(catalog):
    """The edited catalog's site model, loaded from where the build ran (the paths it shows are relative)."""
    with working_dir(catalog.parent):
        return SiteModel.load(str(catalog))


def _found(site, records, forked: bool | None = None) -> tuple[dict, bytes]:
    """What ``ChangedInputs`` finds: (``of_first``, ``of_all``); ``forked``: whether it must have forked."""
    with ChangedInputs(site, records, records.theme_inputs()) as changed:
        if forked is not None:
            assert (changed.early is not None, changed.late is not None) == (forked, forked)
        return changed.of_first(Recording(site)), changed.of_all(Recording(site))


def test_the_processes_find_what_the_build_finds_itself(recorded, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    catalog, records = recorded
    site = _site(catalog)
    first = records.theme_inputs()
    found = _found(site, records, forked=True)
    monkeypatch.setattr(pagereuse, "fork_is_safe", lambda: False)
    assert _found(site, records, forked=False) == found
    of_first, of_all = found
    assert sorted(of_first) == first and all(of_all[i] == of_first[i] for i in first)
    assert 0 < sum(of_all) < len(of_all) and any(of_first.values())  # the model and what shows it
    assert not any(of_all[i] for i, key in enumerate(records.inputs) if key == ("M", "models/fraud-detector/1.yaml"))


def test_an_attribute_the_build_sets_after_the_fork_is_evaluated_again(recorded, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    catalog, records = recorded
    site = _site(catalog)
    rules = [i for i, key in enumerate(records.inputs) if key == ("site", "has_rules_page")]
    [status] = [i for i, key in enumerate(records.inputs) if key == ("site", "status_data")]  # the status page's
    assert rules and status in records.theme_inputs()
    status_timeline(site)  # as the build makes it, before the forks: they find it unchanged
    with ChangedInputs(site, records, records.theme_inputs()) as changed:
        site.has_rules_page = not site.has_rules_page  # after both forks: they saw the values recorded
        site.status_data = {"another": "timeline"}
        flags = changed.of_all(Recording(site))
        first = changed.of_first(Recording(site))
    assert all(flags[i] for i in rules) and first[status] and flags[status]


def test_an_attribute_set_before_the_fork_is_the_processes_to_evaluate(recorded, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    catalog, records = recorded
    site = _site(catalog)
    [by_kind] = [i for i, key in enumerate(records.inputs) if key == ("site", "by_kind")]
    status_timeline(site)
    with ChangedInputs(site, records, records.theme_inputs()) as changed:
        site.by_kind = {}  # no build does this: it shows that the value the processes saw is the one used
        flags = changed.of_all(Recording(site))
    assert not flags[by_kind]


def _public_state(site) -> dict:
    """Each public attribute of ``site``: (the object, its digest as an input)."""
    recording = Recording(site)
    return {name: (value, recording.digest(("site", name))) for name, value in vars(site).items()
            if not name.startswith("_")}


def test_a_build_sets_no_attribute_of_the_site_model_but_those_it_declares(recorded, tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    catalog, _records = recorded
    (tmp_path / "guide").mkdir()
    (tmp_path / "guide" / "rules.md").write_text("# Rules\n")  # the guide's rules page: ``has_rules_page``
    (tmp_path / "mkdocs.yml").write_text("site_name: x\ndocs_dir: guide\n")
    site = _site(catalog)
    before = _public_state(site)
    with working_dir(tmp_path):
        build_site(str(catalog), str(tmp_path / "site"), site=site)
    after = _public_state(site)
    assert before.keys() == after.keys()
    changed = {name for name in before if before[name][0] is not after[name][0] or before[name][1] != after[name][1]}
    assert changed == SET_BY_THE_BUILD  # each set, and no other


def test_a_process_that_fails_costs_only_time(recorded, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    catalog, records = recorded
    site = _site(catalog)
    wanted = _found(site, records)
    parent, flags_at, changed_flags = os.getpid(), pagereuse._flags_at, pagereuse.changed_flags

    def failing(work):
        def in_child(*args):
            if os.getpid() != parent:
                raise MemoryError("the child fails")
            return work(*args)
        return in_child
    monkeypatch.setattr(pagereuse, "_flags_at", failing(flags_at))
    monkeypatch.setattr(pagereuse, "changed_flags", failing(changed_flags))
    assert _found(site, records, forked=True) == wanted  # forked, failed, and evaluated here
