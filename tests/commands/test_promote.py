"""``catgen promote``: a dated, uniquely named Promotion, and what the policy still needs."""

import shutil

import yaml

from testing.catalogs import EXAMPLE, check, codes
from testing.cli import invoke


def test_promote_writes_a_dated_uniquely_named_promotion_and_says_what_is_missing(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, root)
    code, output = invoke("promote", "model:fraud-detector-emea@1", "--stage", "prod", "--requested-by", "bob@contoso.com", "--catalog", str(root))
    assert code == 0
    written = sorted((root / "promotions").glob("fraud-detector-emea-1-to-prod-*.yaml"))
    assert len(written) == 1
    data = yaml.safe_load(written[0].read_text())
    assert data["spec"]["stage"] == "prod" and data["spec"]["asset"] == "model:fraud-detector-emea@1"
    assert "CG503" in output and "2 distinct approvals" in output
    # a second promotion of the same asset the same day gets another name
    invoke("promote", "model:fraud-detector-emea@1", "--stage", "prod", "--requested-by", "bob@contoso.com", "--catalog", str(root))
    assert len(list((root / "promotions").glob("fraud-detector-emea-1-to-prod-*.yaml"))) == 2
    assert codes(check(root), "CG301") == []


def test_promote_to_registry(tmp_path):
    root = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, root)
    code, output = invoke("promote", "model:credit-risk@1", "--registry", "contoso-ml", "--requested-by", "bob@contoso.com", "--catalog", str(root))
    assert code == 0 and "asks nothing more" in output

