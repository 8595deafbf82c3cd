"""Which recorded inputs changed: two forked processes (the theme pages' inputs first, then the rest) find what
the build would find itself, attributes the build sets after the fork are evaluated again, and a process that
fails costs only time."""

from __future__ import annotations

import os
import shutil

import pytest

from testing.catalogs import EXAMPLE
from testing.site import build, working_dir
from catgen.website import pagereuse
from catgen.website.pageinputs import Recording
from catgen.website.pagerecords import PageRecords, records_path
from catgen.website.pagereuse import ChangedInputs
from catgen.website.sitemodel import SiteModel

NOW = "1727000000"


@pytest.fixture(scope="module")
def recorded(tmp_path_factory):
    """The example catalog after a recorded build, edited: (catalog, records)."""
    root = tmp_path_factory.mktemp("reuse")
    shutil.copytree(EXAMPLE, root / "catalog")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", NOW)
        patch.setenv("CATGEN_CACHE_DIR", str(root / "cache"))
        build(root / "catalog", root / "site")
        build(root / "catalog", root / "site")
        records = PageRecords.load(records_path(str(root / "site")))
    model = root / "catalog" / "models" / "credit-risk" / "3.yaml"
    model.write_text(model.read_text().replace("Loan-default classifier", "Loan default classifier"))
    return root / "catalog", records


def _site(catalog):
    """The edited catalog's site model, loaded from where the build ran (the paths it shows are relative)."""
    with working_dir(catalog.parent):
        return SiteModel.load(str(catalog))


def test_the_processes_find_what_the_build_finds_itself(recorded, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    catalog, records = recorded
    site = _site(catalog)
    first = records.theme_inputs()
    with ChangedInputs(site, records, first) as forked:
        assert forked.early is not None and forked.late is not None
        found = forked.of_first(Recording(site)), forked.of_all(Recording(site))
    monkeypatch.setattr(pagereuse, "fork_is_safe", lambda: False)
    with ChangedInputs(site, records, first) as here:
        assert here.early is None and here.late is None
        assert (here.of_first(Recording(site)), here.of_all(Recording(site))) == found
    of_first, of_all = found
    assert sorted(of_first) == first and all(of_all[i] == of_first[i] for i in first)
    assert 0 < sum(of_all) < len(of_all) and any(of_first.values())  # the model and what shows it
    assert not any(of_all[i] for i, key in enumerate(records.inputs) if key == ("M", "models/fraud-detector/1.yaml"))


def test_an_attribute_the_build_sets_after_the_fork_is_evaluated_again(recorded, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    catalog, records = recorded
    site = _site(catalog)
    at = [i for i, key in enumerate(records.inputs) if key == ("site", "has_rules_page")]
    assert at, "no page read whether the guide has a rules page"
    with ChangedInputs(site, records, records.theme_inputs()) as changed:
        site.has_rules_page = not site.has_rules_page  # after both forks: they saw the value recorded
        flags = changed.of_all(Recording(site))
        first = changed.of_first(Recording(site))
    assert all(flags[i] for i in at)
    assert all(first[i] for i in at if i in first)


def test_a_process_that_fails_costs_only_time(recorded, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", NOW)
    catalog, records = recorded
    site = _site(catalog)
    first = records.theme_inputs()
    with ChangedInputs(site, records, first) as expected:
        wanted = expected.of_first(Recording(site)), expected.of_all(Recording(site))
    parent, flags_at, changed_flags = os.getpid(), pagereuse._flags_at, pagereuse.changed_flags

    def failing(work):
        def in_child(*args):
            if os.getpid() != parent:
                raise MemoryError("the child fails")
            return work(*args)
        return in_child
    monkeypatch.setattr(pagereuse, "_flags_at", failing(flags_at))
    monkeypatch.setattr(pagereuse, "changed_flags", failing(changed_flags))
    with ChangedInputs(site, records, first) as failed:
        assert (failed.of_first(Recording(site)), failed.of_all(Recording(site))) == wanted
