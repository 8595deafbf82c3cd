"""``catgen check --base REF`` from the check state: only the files git says changed are compared.

The base differs from the working tree only in the files ``git diff`` (and ``git
ls-files --others``) name. When no policy file is among them, the base's
policy is the working tree's, byte for byte, so the working tree's findings
under it are the warm re-check's (``checking/incremental.py``). What is left
is what only ``--base`` does, and it reads only the changed files:

- the change set (``compute_changes``), and
- CG4xx (``catgen.rules.immutability``), which compare a base manifest with
  the working manifest of its identity: an unchanged file has the same bytes
  on both sides and gives none.

Both run on two small catalogs: the changed files (and the policy) as they
are at the base, read from git by blob, and as they are in the working tree.
That is exact as long as no unchanged file shares an identity with a changed
one (a duplicate, or an unloadable file whose path implies it): then, and
with ``--changed`` (which needs the base's own findings), when git may
rewrite bytes (attributes, ``core.autocrlf``), or when either side has no
policy, the full comparison of ``checking/base.py`` runs instead.
``tests/checking/test_warmbase.py`` compares the two on random changes in a
real git repository.
"""

from __future__ import annotations

from catgen.checking.base import compute_changes
from catgen.checking.engine import CheckResult, apply_policy
from catgen.checking.incremental import POLICY_PATHS, Listed, check_with_state
from catgen.checking.state import IDENTITY, IMPLIED, KIND, key_text
from catgen.dates import utc_now
from catgen.load.catalog import read_catalog
from catgen.load.gitsource import GitSource
from catgen.model import fold, identity_from_relpath
from catgen.policy import read_policy
from catgen.rules import RULES, Context


def check_against_base_warm(catalog_root: str, ref: str, *, now=None) -> CheckResult | None:
    """The result ``check_against_base`` gives without ``--changed``, or None when only it will do."""
    now = now or utc_now()
    git = GitSource(catalog_root, ref)
    asked = git.changed_in_work_tree()  # git works meanwhile
    try:
        # Whether git rewrites bytes (then only the full comparison will do) is asked once the folder is listed,
        # before anything is judged: waiting for it first cost every --base 40 ms at 10k.
        checked = check_with_state(catalog_root, now=now, proceed=lambda: not asked.rewrites_bytes())
    finally:
        changed = asked.result()  # git's failure first, as when git was asked first
    if checked is None or changed is None:
        return None
    result, listed, files = checked
    policies = {path for path, record in files.items() if record[KIND] == "Policy"}
    base_entries = {entry.relpath: entry for entry in git.files(only=changed | policies | POLICY_PATHS)}
    if not policies or (policies | POLICY_PATHS) & changed or not policies <= set(base_entries):
        return None
    base_side, work_side = (changed | policies) & set(base_entries), (changed | policies) & set(files)
    git.read_only(base_side)
    base = read_catalog(Listed(git, [base_entries[path] for path in sorted(base_side)]))
    work = read_catalog(Listed(listed.source, [e for e in listed.entries if e.relpath in work_side]))
    if base.policy is None or any(m.kind == "Policy" and m.relpath not in policies
                                  for m in base.manifests + work.manifests):
        return None
    if _shares_identity(changed, files, base.manifests + work.manifests):
        return None
    policy = read_policy(base.policy)
    changes = compute_changes(base, work)
    ctx = Context(work, policy, now, RULES, base=base, own_policy=read_policy(work.policy))
    raw = [found for checked in RULES.values() if checked.family == "CG4xx" for found in checked.check(ctx)]
    reported, waived = apply_policy(raw, policy, now)
    result.findings = sorted(result.findings + reported, key=lambda f: f.sort_key)
    result.waived = sorted(result.waived + waived, key=lambda f: f.sort_key)
    result.policy = policy
    result.summary_extra["changes"] = changes.summary(ref, policy="base", only_changed=False)
    result.changes = changes
    return result


def _shares_identity(changed: set, files: dict, manifests: list) -> bool:
    """A changed file (either side) has an identity that an unchanged file has, or implies by its path."""
    keys = set()
    for manifest in manifests:
        if manifest.relpath in changed:
            implied = identity_from_relpath(manifest.relpath)
            keys |= {key_text(fold(key)) for key in (manifest.key if manifest.identified else None, implied) if key}
    unchanged = (record for path, record in files.items() if path not in changed and record[KIND] != "Policy")
    return any(record[IDENTITY] in keys or record[IMPLIED] in keys for record in unchanged)
