"""Checker integrity: attempts to get a bad change past ``catgen check --base``, each caught.

The attacker writes a merge request against a catalog whose base (the
example catalog, committed in a real temporary git repository) is trusted.
Every test commits the attack on top of the base and asserts exit 1 with the
finding that catches it, at the file and line where the attack was made.
``tests/checking/test_base.py`` covers the mechanics of ``--base``; this file is the
list of attacks, each from the attacker's side.
"""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from testing.catalogs import EXAMPLE, line_of
from testing.gitrepo import GitRepo, add_file, attack, check_json, findings_of, isolate_git, run_cli

PROD_PROMOTION = "catalog/promotions/credit-risk-3-to-prod.yaml"
BLUE = "catalog/deployments/credit-risk-prod-blue.yaml"


def promotion(name: str, asset: str, *, requested_by: str, date: str, approvals: list[tuple[str, str]],
              stage: str = "prod") -> str:
    lines = ["apiVersion: catgen/v1", "kind: Promotion", "metadata:", f"  name: {name}", "spec:", f"  stage: {stage}",
             f"  asset: {asset}", f"  requested_by: {requested_by}", f"  date: {date}",
             "  approvals:" + ("" if approvals else " []")]
    for by, at in approvals:
        lines += [f"    - by: {by}", f"      at: {at}"]
    return "\n".join(lines) + "\n"


EMEA_TO_PROD = "catalog/promotions/fraud-detector-emea-1-to-prod.yaml"


def emea_to_prod(**overrides) -> str:
    """A promotion to prod of a model that only has one approval in test: needs two in prod."""
    fields = {"requested_by": "bob@contoso.com", "date": "2024-11-04T10:00:00Z",
              "approvals": [("alice@contoso.com", "2024-11-04T12:00:00Z")]}
    return promotion("fraud-detector-emea-1-to-prod", "model:fraud-detector-emea@1", **{**fields, **overrides})


# -- the policy cannot be loosened by the change it judges ----------------------------


def test_turning_the_rule_off_in_the_same_change(repo, capsys):
    add_file(repo, EMEA_TO_PROD, emea_to_prod())
    repo.edit("policy.yaml", "  mutable_fields:\n", "  rules:\n    CG503: {level: off}\n  mutable_fields:\n")
    found = attack(repo, capsys, "switch CG503 off and promote")
    assert ("CG503", EMEA_TO_PROD, 10) in found
    policy_line = line_of(repo.catalog / "policy.yaml", r"^  rules:")
    assert findings_of(found, "CG403") == [("CG403", "catalog/policy.yaml", policy_line)]


def test_dropping_the_approvals_requirement_in_the_same_change(repo, capsys):
    add_file(repo, EMEA_TO_PROD, emea_to_prod(approvals=[]))
    repo.edit("policy.yaml", "        approvals: 2\n", "        approvals: 0\n")
    found = attack(repo, capsys, "no approvals needed any more")
    assert ("CG503", EMEA_TO_PROD, 10) in found
    policy_line = line_of(repo.catalog / "policy.yaml", "approvals: 0")
    assert findings_of(found, "CG403") == [("CG403", "catalog/policy.yaml", policy_line)]


def test_an_exception_added_in_the_same_change_does_not_apply(repo, capsys):
    # An unpromoted model deployed to prod, waived by an exception written in the same change.
    repo.edit("deployments/credit-risk-prod-green.yaml", "model:credit-risk@2", "model:credit-risk@1")
    repo.edit("policy.yaml", "  mutable_fields:\n",
              "  exceptions:\n"
              "    - {rule: CG501, subject: 'model:credit-risk@1', reason: trust me, expires: 2099-12-31}\n"
              "  mutable_fields:\n")
    found = attack(repo, capsys, "deploy version 1 to prod with a waiver")
    assert ("CG501", "catalog/deployments/credit-risk-prod-green.yaml", 10) in found
    assert findings_of(found, "CG403") != []


def test_removing_pinned_images_while_adding_an_unpinned_environment(repo, capsys):
    repo.edit("policy.yaml", "        pinned_images: true\n", "")
    add_file(repo, "catalog/environments/lightgbm-py311/3.yaml",
             "apiVersion: catgen/v1\nkind: Environment\nmetadata:\n  name: lightgbm-py311\n  version: \"3\"\n"
             "spec:\n  registry: registry:contoso-ml\n"
             "  image: mcr.microsoft.com/azureml/openmpi4.1.0-ubuntu22.04:latest\n")
    for stage, date in (("test", "2024-11-01T10:00:00Z"), ("prod", "2024-11-02T10:00:00Z")):
        add_file(repo, f"catalog/promotions/lightgbm-py311-3-to-{stage}.yaml", promotion(
            f"lightgbm-py311-3-to-{stage}", "environment:lightgbm-py311@3", stage=stage,
            requested_by="bob@contoso.com", date=date,
            approvals=[("alice@contoso.com", "2024-11-02T11:00:00Z"), ("carol@contoso.com", "2024-11-02T12:00:00Z")]))
    found = attack(repo, capsys, "unpinned image, no pinning rule")
    prod = "catalog/promotions/lightgbm-py311-3-to-prod.yaml"
    assert findings_of(found, "CG605") == [("CG605", prod, line_of(repo.path / prod, "asset:"))]
    assert findings_of(found, "CG403") != []


# -- published history cannot be rewritten ----------------------------------------


def test_adding_an_approval_to_an_old_promotion(repo, capsys):
    repo.edit("promotions/fraud-detector-emea-1-to-test.yaml",
              "      comment: OK for a regional A/B evaluation in test.\n",
              "      comment: OK for a regional A/B evaluation in test.\n"
              "    - by: alice@contoso.com\n      at: 2024-10-07T12:00:00Z\n")
    found = attack(repo, capsys, "one more approval, after the fact")
    path = "catalog/promotions/fraud-detector-emea-1-to-test.yaml"
    assert found == [("CG401", path, line_of(repo.path / path, "by: alice@contoso.com"))]


def test_back_dating_an_approval_in_a_published_promotion(repo, capsys):
    repo.edit("promotions/credit-risk-3-to-prod.yaml", "at: 2024-09-24T09:15:00Z", "at: 2024-09-23T11:00:00Z")
    found = attack(repo, capsys, "approved earlier, honest")
    assert found == [("CG401", PROD_PROMOTION, line_of(repo.path / PROD_PROMOTION, "at: 2024-09-23T11:00:00Z"))]


def test_an_approval_dated_before_the_request_in_a_new_promotion(repo, capsys):
    path = add_file(repo, EMEA_TO_PROD, emea_to_prod(approvals=[
        ("alice@contoso.com", "2024-11-03T12:00:00Z"), ("carol@contoso.com", "2024-11-04T12:00:00Z")]))
    found = attack(repo, capsys, "approved before it was asked for")
    assert ("CG511", EMEA_TO_PROD, line_of(path, "at: 2024-11-03")) in found


def test_approving_oneself_under_another_letter_case(repo, capsys):
    path = add_file(repo, EMEA_TO_PROD, emea_to_prod(requested_by="alice@contoso.com", approvals=[
        ("Alice@Contoso.com", "2024-11-04T12:00:00Z"), ("carol@contoso.com", "2024-11-04T13:00:00Z")]))
    found = attack(repo, capsys, "alice approves alice")
    assert ("CG505", EMEA_TO_PROD, line_of(path, "by: Alice@Contoso.com")) in found


def test_the_same_approver_twice_under_two_letter_cases_counts_once(repo, capsys):
    add_file(repo, EMEA_TO_PROD, emea_to_prod(approvals=[
        ("alice@contoso.com", "2024-11-04T12:00:00Z"), ("ALICE@contoso.com", "2024-11-04T13:00:00Z")]))
    found = attack(repo, capsys, "two approvals from one person")
    assert ("CG503", EMEA_TO_PROD, 10) in found


def test_deleting_the_promotion_a_deployment_needs(repo, capsys):
    (repo.path / PROD_PROMOTION).unlink()
    found = attack(repo, capsys, "forget that promotion")
    assert ("CG402", PROD_PROMOTION, 1) in found
    assert ("CG501", BLUE, line_of(repo.path / BLUE, "model: model:credit-risk@3")) in found


def test_renaming_a_model_version_to_escape_its_history(repo, capsys):
    old, new = repo.catalog / "models/credit-risk/3.yaml", repo.catalog / "models/credit-risk/4.yaml"
    new.write_text(old.read_text(encoding="utf-8").replace('version: "3"', 'version: "4"'), encoding="utf-8")
    old.unlink()
    repo.edit("deployments/credit-risk-prod-blue.yaml", "model:credit-risk@3", "model:credit-risk@4")
    found = attack(repo, capsys, "version 4 is a fresh start")
    assert ("CG402", "catalog/models/credit-risk/3.yaml", 1) in found
    assert ("CG501", BLUE, line_of(repo.path / BLUE, "model: model:credit-risk@4")) in found


def test_renaming_a_model_and_leaving_its_deployment_is_caught_too(repo, capsys):
    old = repo.catalog / "models/credit-risk/3.yaml"
    old.rename(repo.catalog / "models/credit-risk/3b.yaml")
    repo.edit("models/credit-risk/3b.yaml", 'version: "3"', 'version: "3b"')
    found = attack(repo, capsys, "rename only")
    assert ("CG402", "catalog/models/credit-risk/3.yaml", 1) in found
    assert ("CG302", BLUE, line_of(repo.path / BLUE, "model: model:credit-risk@3")) in found


@pytest.mark.parametrize("field,old,new", [
    ("sha256", "77141ab7baacfb622a18b3dcfb0ca36ebe6ad2b3fc7d1fb52eb11d4588e6351a", "0" * 64),
    ("path", "azureml://jobs/train-credit-risk-prod-0912/outputs/artifacts/paths/model/",
     "azureml://jobs/attacker/model/"),
])
def test_swapping_the_artifact_of_a_published_model(repo, capsys, field, old, new):
    repo.edit("models/credit-risk/3.yaml", old, new)
    found = attack(repo, capsys, f"new {field}, same version")
    model_line = line_of(repo.catalog / "models/credit-risk/3.yaml", f"^  {field}:")
    assert found == [("CG401", "catalog/models/credit-risk/3.yaml", model_line)]


def test_making_promotions_mutable_in_the_same_change(repo, capsys):
    repo.edit("policy.yaml", "    - Promotion\n", "")
    repo.edit("promotions/credit-risk-3-to-prod.yaml",
              "requested_by: bob@contoso.com", "requested_by: erin@contoso.com")
    found = attack(repo, capsys, "promotions are mutable now")
    assert ("CG401", PROD_PROMOTION, line_of(repo.path / PROD_PROMOTION, "requested_by:")) in found
    assert findings_of(found, "CG403") != []


def test_a_stray_policy_elsewhere_never_judges(repo, capsys):
    text = (repo.catalog / "policy.yaml").read_text(encoding="utf-8").replace("        approvals: 2\n",
                                                                               "        approvals: 0\n")
    add_file(repo, "catalog/policies/aaa.yaml", text)
    add_file(repo, EMEA_TO_PROD, emea_to_prod(approvals=[]))
    found = attack(repo, capsys, "a second, looser policy")
    assert ("CG503", EMEA_TO_PROD, 10) in found
    stray = {("CG107", "catalog/policies/aaa.yaml"), ("CG306", "catalog/policies/aaa.yaml")}
    assert stray <= {(c, p) for c, p, _ in found}


# -- the change cannot choose its judge (SPEC §6) --------------------------------------


def refused(capsys, *args: str) -> str:
    """``catgen check ARGS``: exit 2 with one line on stderr and nothing on stdout; the line."""
    code, out, err = run_cli(capsys, "check", *args)
    assert (code, out) == (2, ""), f"the attack was not refused: exit {code} {out} {err}"
    assert err.count("\n") == 1 and err.startswith("catgen: error: "), err
    return err


def loosen_and_rely_on_it(catalog) -> None:
    """The change's own policy needs no prod approvals, and a promotion to prod has none."""
    policy = catalog / "policy.yaml"
    policy.write_text(policy.read_text(encoding="utf-8").replace("        approvals: 2\n", "        approvals: 0\n"),
                      encoding="utf-8")
    promotion_path = catalog / "promotions/fraud-detector-emea-1-to-prod.yaml"
    promotion_path.write_text(emea_to_prod(approvals=[]), encoding="utf-8")


def test_replacing_the_catalog_with_a_link_to_a_moved_copy(repo, capsys):
    # The base has nothing at moved/, so through the link "the base has no policy" and nothing is published.
    (repo.path / "catalog").rename(repo.path / "moved")
    loosen_and_rely_on_it(repo.path / "moved")
    os.symlink("moved", repo.path / "catalog")
    repo.commit("the catalog lives in moved/ now")
    err = refused(capsys, "--base", repo.base)
    assert "catalog folder 'catalog' is or lies under a symbolic link inside the repository (catalog)" in err


def test_reaching_the_catalog_through_a_linked_folder(repo, capsys):
    loosen_and_rely_on_it(repo.catalog)
    os.symlink(".", repo.path / "here")
    repo.commit("a shortcut")
    err = refused(capsys, "here/catalog", "--base", repo.base)
    assert "is or lies under a symbolic link inside the repository (here)" in err


def fake_repository(where, tmp_path, *, work_tree: str | None = None, catalog_in: str = "") -> None:
    """An attacker's repository whose ``main`` and ``target`` hold a loosened catalog, its files copied to ``where``.

    Plain files (``HEAD``, ``config``, ``objects/``, ``refs/``): with ``work_tree`` (relative to
    ``where``) git takes ``where`` for a repository with that work tree, as it discovers one.
    """
    evil = GitRepo(tmp_path / "evil")
    shutil.copytree(EXAMPLE, evil.path / catalog_in, dirs_exist_ok=True)
    loosen_and_rely_on_it(evil.path / catalog_in)
    evil.commit("whatever the change likes")
    evil.git("branch", "target")  # named like the real base's branch
    bare = tmp_path / "evil.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(evil.path), str(bare)], check=True)
    subprocess.run(["git", "config", "--file", str(bare / "config"), "core.bare", "false"], check=True)
    if work_tree is not None:
        subprocess.run(["git", "config", "--file", str(bare / "config"), "core.worktree", work_tree], check=True)
    for name in ("HEAD", "config", "packed-refs", "objects", "refs"):
        source = bare / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, where / name)


def test_planting_a_repository_of_its_own_inside_the_catalog(repo, tmp_path, capsys):
    fake_repository(repo.catalog, tmp_path, work_tree=".")
    loosen_and_rely_on_it(repo.catalog)
    repo.commit("HEAD, config, objects/ and refs/ are just files")
    err = refused(capsys, "--base", "main")
    assert "catalog folder 'catalog' holds a git repository of its own (catalog/HEAD, objects/ and refs/)" in err


@pytest.mark.parametrize("kind", ["gitdir-file", "link"])
def test_a_dot_git_in_the_catalog_pointing_elsewhere(repo, tmp_path, capsys, kind):
    # git never commits a .git, but a checkout step (or an earlier CI step) may leave one: it is refused anyway.
    (tmp_path / "elsewhere").mkdir()
    fake_repository(tmp_path / "elsewhere", tmp_path)
    loosen_and_rely_on_it(repo.catalog)
    if kind == "link":
        os.symlink(tmp_path / "elsewhere", repo.catalog / ".git")
    else:
        (repo.catalog / ".git").write_text(f"gitdir: {tmp_path / 'elsewhere'}\n", encoding="utf-8")
    err = refused(capsys, "--base", "main")
    assert "catalog folder 'catalog' holds a git repository of its own (catalog/.git)" in err


def test_planting_a_repository_in_a_folder_above_the_catalog(tmp_path, monkeypatch, capsys):
    isolate_git(tmp_path, monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, repo.path / "ml/catalog")
    repo.git("branch", "target", repo.commit("the catalog in ml/"))
    fake_repository(repo.path / "ml", tmp_path, work_tree=".", catalog_in="catalog")
    loosen_and_rely_on_it(repo.path / "ml/catalog")
    repo.commit("ml/ is a repository now")
    monkeypatch.chdir(repo.path)
    err = refused(capsys, "ml/catalog", "--base", "target")
    assert "catalog folder 'ml/catalog' lies in a git repository of its own (ml/HEAD, objects/ and refs/)" in err


def test_git_variables_in_the_environment_do_not_choose_the_repository(repo, tmp_path, monkeypatch, capsys):
    (tmp_path / "evil-dir").mkdir()
    fake_repository(tmp_path / "evil-dir", tmp_path)
    repo.git("branch", "target", repo.base)
    loosen_and_rely_on_it(repo.catalog)
    repo.commit("loosen and promote")
    for name, value in (("GIT_DIR", tmp_path / "evil-dir"), ("GIT_WORK_TREE", repo.path),
                        ("GIT_OBJECT_DIRECTORY", tmp_path / "evil-dir/objects")):
        monkeypatch.setenv(name, str(value))
    found = attack_checked(capsys, "--base", "target")
    assert ("CG503", EMEA_TO_PROD, 10) in found


def attack_checked(capsys, *args: str) -> list:
    code, found, _, err = check_json(capsys, *args)
    assert code == 1, f"the attack passed: {found} {err}"
    return found


def shadow(repo, name: str, *, on_the_base: bool = False) -> str:
    """The change, committed; the ref ``name`` made to point at it (or at the base); the change's commit."""
    loosen_and_rely_on_it(repo.catalog)
    change = repo.commit("loosen and promote")
    repo.git("update-ref", name, repo.base if on_the_base else change)
    return change


@pytest.mark.parametrize("shadowing,base_ref", [
    ("refs/tags/origin/main", "origin/main"),  # a tag named like the remote branch
    ("refs/heads/origin/main", "origin/main"),  # a local branch named like it
    ("refs/heads/refs/remotes/origin/main", "refs/remotes/origin/main"),  # a branch named like its full name
])
def test_a_ref_named_like_the_base_branch(repo, capsys, shadowing, base_ref):
    repo.git("update-ref", "refs/remotes/origin/main", repo.base)
    shadow(repo, shadowing)
    err = refused(capsys, "--base", base_ref)
    assert f"--base {base_ref!r} is ambiguous: git could read" in err and shadowing in err


def test_a_tag_and_a_branch_of_one_name_on_the_same_commit_are_still_ambiguous(repo, capsys):
    repo.git("update-ref", "refs/heads/release", repo.base)
    shadow(repo, "refs/tags/release", on_the_base=True)
    err = refused(capsys, "--base", "release~0")
    assert "'release' as more than one ref (refs/heads/release, refs/tags/release)" in err


def test_a_branch_named_like_the_abbreviated_base_commit(repo, capsys):
    short = repo.base[:7]
    shadow(repo, f"refs/heads/{short}")
    err = refused(capsys, "--base", short)
    assert f"--base {short!r} is ambiguous" in err


@pytest.mark.parametrize("base_ref", ["full sha", "HEAD~1", "refs/remotes/origin/main"])
def test_an_unambiguous_name_for_the_base_still_judges(repo, capsys, base_ref):
    repo.git("update-ref", "refs/remotes/origin/main", repo.base)
    shadow(repo, "refs/tags/origin/main")
    repo.git("update-ref", f"refs/heads/{repo.base}", "HEAD")  # a branch named like the full sha: git reads the sha
    found = attack_checked(capsys, "--base", repo.base if base_ref == "full sha" else base_ref)
    assert ("CG503", EMEA_TO_PROD, 10) in found


def test_a_base_without_a_policy_is_a_warning_its_own_policy_cannot_hide(tmp_path, monkeypatch, capsys):
    isolate_git(tmp_path, monkeypatch)
    repo = GitRepo(tmp_path / "repo")
    shutil.copytree(EXAMPLE, repo.catalog)
    (repo.catalog / "policy.yaml").unlink()
    base = repo.commit("a catalog without a policy")
    shutil.copy(EXAMPLE / "policy.yaml", repo.catalog / "policy.yaml")
    add_file(repo, "catalog/policy.yaml", (EXAMPLE / "policy.yaml").read_text(encoding="utf-8").replace(
        "  mutable_fields:\n", "  rules:\n    CG403: {level: 'off'}\n  exceptions:\n    - {rule: CG403, subject: "
        "'policy:default', reason: quiet, expires: 2099-12-31}\n  mutable_fields:\n"))
    repo.commit("the policy that judges itself")
    monkeypatch.chdir(repo.path)
    code, found, _, err = check_json(capsys, "--base", base)
    assert (code, found) == (0, [("CG403", "catalog/policy.yaml", 1)])
    assert "has no policy; the working tree's policy judges this change" in err
    code, found, _, _ = check_json(capsys, "--base", base, "--strict")
    assert code == 1


# -- a workspace cannot leave its stage's rules -------------------------------------


PROD_WORKSPACE = "catalog/workspaces/ml-prod-weu.yaml"


def test_relabelling_the_prod_workspace_dev(repo, capsys):
    repo.edit("workspaces/ml-prod-weu.yaml", "  stage: prod\n", "  stage: dev\n")
    found = attack(repo, capsys, "prod is dev now")
    workspace = repo.path / PROD_WORKSPACE
    assert ("CG703", PROD_WORKSPACE, line_of(workspace, "subscription:")) in found
    assert ("CG404", PROD_WORKSPACE, line_of(workspace, "stage: dev")) in found


@pytest.mark.parametrize("subscription", [
    "17288e1b-2ec0-4e91-8cc2-a01740d0854d", "17288E1B-2EC0-4E91-8CC2-A01740D0854D",
])
def test_a_new_dev_workspace_in_prods_subscription_takes_the_prod_deployment(repo, capsys, subscription):
    path = add_file(repo, "catalog/workspaces/ml-prod2-weu.yaml",
                    "apiVersion: catgen/v1\nkind: Workspace\nmetadata:\n  name: ml-prod2-weu\nspec:\n  stage: dev\n"
                    f"  region: westeurope\n  subscription: {subscription}\n  registries: [registry:contoso-ml]\n")
    repo.edit("deployments/credit-risk-prod-blue.yaml", "workspace:ml-prod-weu", "workspace:ml-prod2-weu")
    found = attack(repo, capsys, "a dev workspace, in prod")
    assert ("CG703", "catalog/workspaces/ml-prod2-weu.yaml", line_of(path, "subscription:")) in found


def test_a_lookalike_subscription_is_not_a_subscription(repo, capsys):
    path = add_file(repo, "catalog/workspaces/ml-prod2-weu.yaml",
                    "apiVersion: catgen/v1\nkind: Workspace\nmetadata:\n  name: ml-prod2-weu\nspec:\n  stage: dev\n"
                    '  region: westeurope\n  subscription: "17288e1b-2ec0-4e91-8cc2-a01740d0854d\\u200b"\n')
    found = attack(repo, capsys, "an invisible character")
    assert ("CG201", "catalog/workspaces/ml-prod2-weu.yaml", line_of(path, "subscription:")) in found


def test_a_prod_workspace_without_a_subscription(repo, capsys):
    repo.edit("workspaces/ml-prod-weu.yaml", "  subscription: 17288e1b-2ec0-4e91-8cc2-a01740d0854d\n", "")
    found = attack(repo, capsys, "no subscription, no binding")
    assert ("CG703", PROD_WORKSPACE, line_of(repo.path / PROD_WORKSPACE, "stage: prod")) in found
    assert ("CG404", PROD_WORKSPACE, line_of(repo.path / PROD_WORKSPACE, "^spec:")) in found
