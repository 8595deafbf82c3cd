"""``catgen new``: a schema-valid skeleton at the canonical path, never over an existing manifest.

Writing whole files or none is tested in ``tests/behaviour/test_safe_writes.py``.
"""

import shutil

import pytest

from testing.catalogs import EXAMPLE, check
from testing.cli import invoke


@pytest.mark.parametrize("kind,version", [("model", "1.10"), ("environment", "2"), ("component", "1"), ("data", "3"),
                                          ("registry", None), ("workspace", None), ("job", None), ("promotion", None), ("deployment", None)])
def test_new_writes_a_schema_valid_skeleton_at_the_canonical_path(tmp_path, kind, version):
    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, root)
    args = ["new", kind, "fresh-one", "--catalog", str(root)] + (["--version", version] if version else [])
    assert invoke(*args)[0] == 0
    result = check(root)
    mine = [f for f in result.findings if "fresh-one" in f.path]
    assert [f.code for f in mine if f.code not in ("CG302", "CG306")] == []  # placeholders dangle, but the shape is valid
    assert all(f.code in ("CG302", "CG306") for f in mine)


def test_new_refuses_to_overwrite(tmp_path):
    from catgen.errors import CatalogError

    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, root)
    before = (root / "models/credit-risk/3.yaml").read_bytes()
    with pytest.raises(CatalogError, match="already exists"):
        invoke("new", "model", "credit-risk", "--version", "3", "--catalog", str(root))
    assert (root / "models/credit-risk/3.yaml").read_bytes() == before

