"""The policy's rules: levels (error/warning/off) and exceptions (subject, expiry), applied in the check core."""

from testing.catalogs import check, codes, edit, line_of

PROD_WS = "workspaces/ml-prod-weu.yaml"


def _public_prod(example):
    edit(example, PROD_WS, "public_network_access: disabled", "public_network_access: enabled")


def _policy_tail(example, text):
    path = example / "policy.yaml"
    path.write_text(path.read_text() + text)


def test_level_warning_keeps_finding_but_exit_zero(example):
    _public_prod(example)
    _policy_tail(example, "  rules:\n    CG701: {level: warning}\n")
    result = check(example)
    assert [(f.code, f.level) for f in result.findings] == [("CG701", "warning")]
    assert result.exit_code() == 0 and result.exit_code(strict=True) == 1


def test_level_off_drops_finding(example):
    _public_prod(example)
    _policy_tail(example, "  rules:\n    CG701: {level: 'off'}\n")
    assert codes(check(example)) == []


def test_exception_waives_one_subject_until_expiry(example):
    _public_prod(example)
    _policy_tail(example, '  exceptions:\n'
                          '    - {rule: CG701, subject: "workspace:ml-prod-weu", reason: "migration to private link", '
                          'expires: 2026-01-15}\n')
    result = check(example)  # conftest.NOW is 2026-01-15: valid through that day
    assert codes(result) == [] and len(result.waived) == 1 and result.waived[0].waived_by == "migration to private link"


def test_expired_exception_stops_applying_and_warns(example):
    _public_prod(example)
    _policy_tail(example, '  exceptions:\n'
                          '    - {rule: CG701, subject: "workspace:ml-prod-weu", reason: "old", expires: 2026-01-14}\n')
    result = check(example)
    assert ("CG701", PROD_WS, line_of(example / PROD_WS, "public_network_access")) in codes(result)
    expired = [f for f in result.findings if f.code == "CG306"]
    expires_line = line_of(example / "policy.yaml", "expires: 2026-01-14")
    assert [(f.level, f.line) for f in expired] == [("warning", expires_line)]


def test_exception_for_another_subject_does_not_apply(example):
    _public_prod(example)
    _policy_tail(example, '  exceptions:\n'
                          '    - {rule: CG701, subject: "workspace:ml-test-eus", reason: "x", expires: 2030-01-01}\n')
    assert codes(check(example), "CG701")


def test_structural_rules_cannot_be_lowered(example):
    _policy_tail(example, "  rules:\n    CG302: {level: warning}\n")
    edit(example, "deployments/credit-risk-dev.yaml", "model:credit-risk@3", "model:credit-risk@9")
    result = check(example)
    assert [(f.code, f.level) for f in result.findings if f.code == "CG302"] == [("CG302", "error")]
    assert codes(result, "CG306") == [("CG306", "policy.yaml", line_of(example / "policy.yaml", "CG302"))]


def test_a_stage_named_with_a_list_or_a_mapping_is_reported_and_raises_nothing(example):
    """The next stage's gate reads it as its ``from``; a name that is no text is no stage (CG201 on the policy)."""
    for written in ("[dev, sandbox]", "{name: dev}"):
        edit(example, "policy.yaml", "    - name: dev\n", f"    - name: {written}\n")
        result = check(example)
        assert any(f.code == "CG201" and f.path.endswith("policy.yaml") for f in result.findings)
        edit(example, "policy.yaml", f"    - name: {written}\n", "    - name: dev\n")
