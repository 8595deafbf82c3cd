"""The shipped example catalog checks clean and uses every kind."""

from catgen.load.catalog import open_catalog
from catgen.checking.engine import run_check
from catgen.model import KINDS

from testing.catalogs import EXAMPLE


def test_example_catalog_checks_clean():
    result = run_check(open_catalog(str(EXAMPLE), cache=False))
    assert [f"{f.path}:{f.line} {f.code} {f.message}" for f in result.findings] == []
    assert result.exit_code() == 0


def test_example_catalog_uses_every_kind():
    catalog = open_catalog(str(EXAMPLE), cache=False)
    assert {m.kind for m in catalog.manifests} == set(KINDS)
    models = {m.name for m in catalog.of_kind("Model")}
    assert len(models) >= 2
    assert all(len([m for m in catalog.of_kind("Model") if m.name == name]) >= 2
               for name in ("credit-risk", "fraud-detector"))
