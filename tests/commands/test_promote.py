"""``catgen promote``: a dated, uniquely named Promotion (or revocation), and what the policy still needs.

Everything that goes into the file name or the file is checked before anything is written:
a refusal is one line and exit 2.
"""

import os
import shutil
from datetime import datetime, timezone

import pytest
import yaml

from testing.catalogs import EXAMPLE, check, codes, edit
from testing.cli import invoke, one_error_line, run


@pytest.fixture
def root(tmp_path):
    catalog = tmp_path / "catalog"
    shutil.copytree(EXAMPLE, catalog)
    return catalog


def check_today(root):
    """The written promotion is dated today: check it as of now, not as of the test catalogs' fixed date."""
    return check(root, now=datetime.now(timezone.utc))


def promote(root, *args):
    return run("promote", *args, "--catalog", str(root))


def test_promote_writes_a_dated_uniquely_named_promotion_and_says_what_is_missing(root):
    code, output = invoke("promote", "model:fraud-detector-emea@1", "--stage", "prod",
                          "--requested-by", "bob@contoso.com", "--catalog", str(root))
    assert code == 0
    written = sorted((root / "promotions").glob("fraud-detector-emea-1-to-prod-*.yaml"))
    assert len(written) == 1
    data = yaml.safe_load(written[0].read_text())
    assert data["spec"]["stage"] == "prod" and data["spec"]["asset"] == "model:fraud-detector-emea@1"
    assert "CG503" in output and "2 distinct approvals" in output
    # a second promotion of the same asset the same day gets another name
    invoke("promote", "model:fraud-detector-emea@1", "--stage", "prod", "--requested-by", "bob@contoso.com",
           "--catalog", str(root))
    assert len(list((root / "promotions").glob("fraud-detector-emea-1-to-prod-*.yaml"))) == 2
    assert codes(check(root), "CG301") == []


def test_promote_to_registry(root):
    code, output = invoke("promote", "model:credit-risk@1", "--registry", "contoso-ml",
                          "--requested-by", "bob@contoso.com", "--catalog", str(root))
    assert code == 0 and "asks nothing more" in output


# --revoke --reason (SPEC §8) -------------------------------------------------


def test_revoke_writes_a_revocation_that_needs_no_approvals(root):
    code, out, err = promote(root, "model:fraud-detector@1", "--stage", "prod", "--revoke",
                             "--reason", 'Replaced by "version 2"', "--requested-by", "bob@contoso.com")
    assert (code, err) == (0, "")
    (written,) = (root / "promotions").glob("fraud-detector-1-revoke-prod-*.yaml")
    spec = yaml.safe_load(written.read_text())["spec"]
    assert spec["revoke"] is True and spec["reason"] == 'Replaced by "version 2"' and "approvals" not in spec
    assert "asks nothing more" in out
    assert codes(check_today(root)) == []


def test_revoking_a_deployed_model_says_the_deployment_breaks_and_check_agrees(root):
    code, _, _ = promote(root, "model:credit-risk@3", "--stage", "prod", "--revoke", "--reason", "drift",
                         "--requested-by", "bob@contoso.com")
    assert code == 0
    assert [c for c, _, _ in codes(check_today(root))] == ["CG501"]  # the blue deployment still runs it


def test_revoking_what_is_not_in_the_stage_is_reported_on_the_revocation(root):
    code, out, _ = promote(root, "model:credit-risk@1", "--stage", "prod", "--revoke", "--reason", "never there",
                           "--requested-by", "bob@contoso.com")
    assert code == 0 and "CG502" in out and "nothing to revoke" in out


@pytest.mark.parametrize("args,reason", [
    (["--stage", "prod", "--revoke"], "needs --reason"),
    (["--stage", "prod", "--revoke", "--reason", "  "], "needs --reason"),
    (["--registry", "contoso-ml", "--revoke", "--reason", "x"], "give --stage"),
    (["--stage", "prod", "--revoke", "--reason", "two\nlines"], "one line of text"),
    (["--stage", "prod", "--reason", "bidi \u202e trick"], "one line of text"),
])
def test_bad_revocation_arguments_are_one_line_refusals(root, args, reason):
    before = sorted((root / "promotions").iterdir())
    code, _, err = promote(root, "model:fraud-detector@1", *args, "--requested-by", "bob@contoso.com")
    assert code == 2 and reason in one_error_line(err)
    assert sorted((root / "promotions").iterdir()) == before


# Refusals: nothing outside the catalog, nothing the check would reject --------------


def test_a_stage_name_from_a_hostile_policy_cannot_write_outside_the_catalog(root, tmp_path):
    edit(root, "policy.yaml", "    - name: test\n", "    - name: ../../../x\n")
    code, _, err = promote(root, "model:credit-risk@1", "--stage", "../../../x", "--requested-by", "bob@contoso.com")
    assert code == 2
    assert one_error_line(err) == ("catgen: error: --stage '../../../x' is not a valid name (letters, digits, '.', "
                                   "'_' and '-', starting with a letter or digit)")
    assert [p for p in tmp_path.rglob("*.yaml") if root not in p.parents] == []
    code, _, err = promote(root, "model:credit-risk@1", "--registry", "registry:a/b",
                           "--requested-by", "bob@contoso.com")
    assert code == 2
    assert one_error_line(err).startswith("catgen: error: --registry 'a/b' is not a valid name")


def test_a_promotions_folder_linked_out_of_the_catalog_is_refused(root, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.rmtree(root / "promotions")
    os.symlink(outside, root / "promotions")
    code, _, err = promote(root, "model:credit-risk@1", "--stage", "test", "--requested-by", "bob@contoso.com")
    assert code == 2 and "outside the catalog" in one_error_line(err)
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("who", ["bob@contoso.com\n", "bob\x00@contoso.com", "bob @contoso.com",
                                 "bob\u200b@contoso.com", "bob\u2028@contoso.com", ""])
def test_requested_by_with_whitespace_control_or_format_characters_is_refused(root, who):
    before = sorted((root / "promotions").iterdir())
    code, _, err = promote(root, "model:credit-risk@1", "--stage", "test", "--requested-by", who)
    assert code == 2 and "--requested-by" in one_error_line(err)
    assert sorted((root / "promotions").iterdir()) == before


def test_a_long_asset_name_still_makes_a_valid_promotion_name(root):
    name = "m" * 120
    (root / "models" / name).mkdir()
    (root / "models" / name / "1.yaml").write_text(
        f"apiVersion: catgen/v1\nkind: Model\nmetadata: {{name: {name}, version: '1'}}\n"
        "spec: {workspace: 'workspace:ml-dev-eus', type: mlflow_model, path: 'azureml://m'}\n")
    code, _, err = promote(root, f"model:{name}@1", "--stage", "test", "--requested-by", "bob@contoso.com")
    assert code == 0, err
    (written,) = (root / "promotions").glob("mmm*.yaml")
    assert len(written.stem) <= 128
    assert [c for c, path, _ in codes(check(root)) if path.endswith(written.name) and c < "CG5"] == []


# Help: the stages there are, what the lineage already says ------------------------------


def test_an_unknown_stage_lists_the_policys_stages(root):
    code, out, err = promote(root, "model:fraud-detector-emea@1", "--stage", "production",
                             "--requested-by", "bob@contoso.com")
    assert (code, out) == (2, "")
    assert one_error_line(err).endswith("the policy defines no stage 'production' (its stages: dev, test, prod)")


def test_promoting_to_a_stage_the_asset_is_in_warns_and_still_writes(root):
    code, out, err = promote(root, "model:credit-risk@3", "--stage", "prod", "--requested-by", "bob@contoso.com")
    assert code == 0
    assert err == "catgen: warning: model:credit-risk@3 is already in prod; the promotion is written all the same\n"
    assert len(list((root / "promotions").glob("credit-risk-3-to-prod-*.yaml"))) == 1 and "wrote " in out


def test_every_asset_is_in_the_first_stage(root):
    code, _, err = promote(root, "model:fraud-detector-emea@1", "--stage", "dev", "--requested-by", "bob@contoso.com")
    assert code == 0 and "is already in dev" in err


def test_promoting_to_a_stage_the_asset_is_not_in_says_nothing_on_stderr(root):
    code, _, err = promote(root, "model:fraud-detector-emea@1", "--stage", "prod", "--requested-by", "bob@contoso.com")
    assert (code, err) == (0, "")


def test_revoking_a_stage_the_asset_is_not_in_warns(root):
    code, _, err = promote(root, "model:credit-risk@1", "--stage", "prod", "--revoke", "--reason", "never there",
                           "--requested-by", "bob@contoso.com")
    assert code == 0 and err.startswith("catgen: warning: model:credit-risk@1 is not in prod;")


@pytest.mark.parametrize("ref", ["model:credit-risk@2", "model:credit-risk@3"])  # home registry; shared by promotion
def test_sharing_into_a_registry_the_asset_is_in_warns_and_still_writes(root, ref):
    code, _, err = promote(root, ref, "--registry", "registry:contoso-ml", "--requested-by", "bob@contoso.com")
    assert code == 0
    assert err == f"catgen: warning: {ref} is already in registry:contoso-ml; the promotion is written all the same\n"


def test_a_versioned_asset_without_its_version_lists_the_versions(root):
    code, _, err = promote(root, "model:credit-risk", "--stage", "prod", "--requested-by", "bob@contoso.com")
    assert code == 2 and "model:credit-risk needs a version: the catalog has model:credit-risk@1" in one_error_line(err)
