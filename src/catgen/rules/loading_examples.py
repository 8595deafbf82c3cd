"""Examples of the CG1xx rules (reading files safely): see ``catgen.rules.example``.

Some files here are not text one would keep in the source: raw bytes that are
not UTF-8, a symbolic link, a file padded past 1 MiB (``Padded`` builds it
when the example runs).
"""

from __future__ import annotations

from catgen.rules.example import Padded, Symlink, fails, passes, replace

INTRO = """\
Every `*.yaml` or `*.yml` file under the catalog root must be exactly one YAML document whose
top level is a mapping, in UTF-8, at most 1 MiB, without tags, anchors, aliases or duplicate
keys, at the canonical path of the manifest's identity. catgen reads YAML with a safe loader of
its own: it never constructs tagged values and refuses aliases before anything is expanded.

A file has at most one CG1xx finding (the first found, in the order CG105, CG106 encoding,
CG101, CG104, CG103, CG102, CG106 shape). Such a file is left out of the lineage graph, and
references to the identity its path implies are not reported, so one broken file gives one
finding. These rules apply to every manifest: the policy can neither lower nor waive them.
"""

BLUE = "deployments/credit-risk-prod-blue.yaml"
CANARY = "deployments/credit-risk-prod-canary.yaml"
TRAFFIC = "  traffic: 90\n"
MIB = 1024 * 1024
CANARY_TEXT = """\
apiVersion: catgen/v1
kind: Deployment
metadata:
  name: credit-risk-prod-canary
spec:
  workspace: workspace:ml-prod-weu
  endpoint: credit-risk
  model: model:credit-risk@3
  environment: environment:lightgbm-py311@2
  traffic: 0
"""

CG101 = [
    fails("a flow sequence is never closed.", {BLUE: replace(TRAFFIC, "  traffic: [90\n")}, at=BLUE, line=13),
    passes("the value is written in full.", {BLUE: replace(TRAFFIC, "  traffic: 80\n")}),
]

CG102 = [
    fails(
        "`traffic` is given twice; parsers disagree on which value wins.",
        {BLUE: replace(TRAFFIC, TRAFFIC + "  traffic: 80\n")},
        at=BLUE, line=13,
    ),
    passes("`traffic` is given once.", {BLUE: replace(TRAFFIC, "  traffic: 80\n")}),
]

OWNER = "  owner: ml-platform@contoso.com\n"

CG103 = [
    fails(
        "the owner is written once, with an anchor, and reused through an alias.",
        {BLUE: replace(OWNER, "  owner: &owner ml-platform@contoso.com\n  tags:\n    on-call: *owner\n")},
        at=BLUE, line=6,
    ),
    passes(
        "the value is written out in full.",
        {BLUE: replace(OWNER, OWNER + "  tags:\n    on-call: ml-platform@contoso.com\n")},
    ),
]

CG104 = [
    fails("an explicit tag, even a harmless one.", {BLUE: replace(TRAFFIC, "  traffic: !!int 90\n")}, at=BLUE, line=12),
    passes("the plain value.", {BLUE: replace(TRAFFIC, "  traffic: 90\n")}),
]

CG105 = [
    fails(
        "a new deployment padded with a comment to 1 MiB and one byte (checked from the size, before a byte is "
        "parsed).",
        {CANARY: Padded(CANARY_TEXT, MIB + 1)},
        at=CANARY, line=1,
    ),
    passes("exactly 1 MiB is allowed.", {CANARY: Padded(CANARY_TEXT, MIB)}),
]

CG106 = [
    fails(
        "the description is written in Latin-1, not UTF-8.",
        {CANARY: CANARY_TEXT.replace("spec:\n", "  description: Caf\xe9 canary\nspec:\n").encode("latin-1")},
        at=CANARY, line=5,
    ),
    fails(
        "the file holds two YAML documents.",
        {CANARY: CANARY_TEXT + "---\n" + CANARY_TEXT},
        at=CANARY, line=1,
    ),
    fails(
        "the file is a symbolic link to another manifest; links are not followed.",
        {CANARY: Symlink("credit-risk-prod-blue.yaml")},
        at=CANARY, line=1,
    ),
    passes(
        "the description is written in UTF-8.",
        {CANARY: CANARY_TEXT.replace("spec:\n", "  description: Caf\xe9 canary\nspec:\n")},
    ),
]

CG107 = [
    fails(
        "the canary deployment is saved under a name that is not its own.",
        {"deployments/canary.yaml": CANARY_TEXT},
        at="deployments/canary.yaml", line=4,
    ),
    passes("it is saved at `deployments/<name>.yaml`.", {CANARY: CANARY_TEXT}),
]
