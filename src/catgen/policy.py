"""The catalog's promotion policy (SPEC §5), read tolerantly from its manifest.

The policy manifest may itself break its schema (CG201); what can be read is
still used, and what cannot falls back to the SPEC's defaults, so one typo in
the policy does not switch off every rule.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field

from catgen.dates import parse_timestamp
from catgen.model import person_key

DEFAULT_IMMUTABLE_KINDS = ("Model", "Environment", "Component", "Data", "Job", "Promotion")
DEFAULT_MUTABLE_FIELDS = ("metadata.description", "metadata.tags")
LEVELS = ("error", "warning", "off")


@dataclass(frozen=True)
class Gate:
    """A stage's ``promotion:`` block: what a promotion to the stage must satisfy."""

    from_stage: str | None
    approvals: int = 0
    approvers: frozenset | None = None  # as ``person_key``s; None: anyone counts
    separation_of_duties: bool = False
    require_registry: bool = False
    require_lineage: bool = False
    training_data: frozenset | None = None
    pinned_images: bool = False
    metrics: dict = field(default_factory=dict)  # name -> {"min": x, "max": y}
    max_regression: dict = field(default_factory=dict)  # name -> allowed absolute regression

    def settings(self) -> list[str]:
        """The settings this gate makes, in SPEC §5's order (not ``metric:``/``regression:`` ones)."""
        made = (
            ("from", self.from_stage is not None), ("approvals", self.approvals > 0),
            ("approvers", self.approvers is not None), ("separation_of_duties", self.separation_of_duties),
            ("require_registry", self.require_registry), ("require_lineage", self.require_lineage),
            ("training_data", self.training_data is not None), ("pinned_images", self.pinned_images),
        )
        return [name for name, is_set in made if is_set]

    def names(self) -> list[str]:
        """Every gate this block sets, as ``catgen diff`` names them: settings, then metrics, then regressions."""
        return (self.settings() + [f"metric:{name}" for name in sorted(self.metrics)]
                + [f"regression:{name}" for name in sorted(self.max_regression)])


@dataclass(frozen=True)
class Stage:
    name: str
    index: int  # position in the stage order
    path: tuple  # where it is written in the policy: ("spec", "stages", i)
    private_network: bool = False
    pii_allowed: bool = False
    gate: Gate | None = None
    subscriptions: frozenset | None = None  # as ``subscription_key``s; None: the stage binds no subscription


@dataclass(frozen=True)
class Exception_:
    rule: str
    subject: str
    reason: str
    expires: object  # datetime of the end of the expiry day, or None when unreadable
    path: tuple


@dataclass
class Policy:
    manifest: object  # the Policy Manifest, or None for the built-in empty policy
    stages: list[Stage]
    immutable_kinds: frozenset = frozenset(DEFAULT_IMMUTABLE_KINDS)
    mutable_fields: tuple = DEFAULT_MUTABLE_FIELDS
    levels: dict = field(default_factory=dict)  # rule code -> level
    exceptions: list[Exception_] = field(default_factory=list)

    def __post_init__(self):
        # Indexes, not fields: every promotion, workspace and stage mark looks a stage up, and a search of the
        # list cost them times the stages (4,000 stages made a site of 4,000 promotions take minutes).
        self._positions: dict[str, int] = {}  # stage name -> the position of the first stage of that name
        self._binding: dict[str, list[Stage]] = {}  # subscription key -> the stages listing it
        for position, stage in enumerate(self.stages):
            self._positions.setdefault(stage.name, position)
            for key in stage.subscriptions or ():
                self._binding.setdefault(key, []).append(stage)
        # A name is one stage, the first of that name (a second is CG306): a policy repeating a name n times gave
        # every asset n marks and the home page n columns of every model.
        self.stage_names: list[str] = list(self._positions)

    def stage(self, name) -> Stage | None:
        """The first stage named ``name``, or None."""
        position = self._positions.get(name) if isinstance(name, str) else None
        return None if position is None else self.stages[position]

    def position(self, name: str) -> int | None:
        """Where the first stage named ``name`` is in the stage order, or None."""
        return self._positions.get(name)

    def in_order(self, names) -> list[str]:
        """``names``, each once: the policy's in stage order, then the rest sorted."""
        known = [name for name in set(names) if name in self._positions]
        return sorted(known, key=self._positions.__getitem__) + sorted(set(names) - set(known))

    def stages_binding(self, subscription: str) -> list[Stage]:
        """The stages whose ``subscriptions`` list ``subscription`` (usually none or one)."""
        return list(self._binding.get(subscription_key(subscription), ()))

    @property
    def first_stage(self) -> Stage | None:
        return self.stages[0] if self.stages else None


def read_policy(manifest) -> Policy:
    """Build a ``Policy`` from the policy manifest (or an empty one when there is none)."""
    if manifest is None:
        return Policy(None, [])
    spec = manifest.spec
    stages = [_stage(item, i, stages_before=spec.get("stages")) for i, item in enumerate(_list(spec.get("stages")))]
    return Policy(
        manifest,
        [s for s in stages if s is not None],
        immutable_kinds=frozenset(_strings(spec.get("immutable_kinds"), DEFAULT_IMMUTABLE_KINDS)),
        mutable_fields=tuple(_strings(spec.get("mutable_fields"), DEFAULT_MUTABLE_FIELDS)),
        levels={code: rule.get("level") for code, rule in _dict(spec.get("rules")).items()
                if isinstance(rule, dict) and rule.get("level") in LEVELS},
        exceptions=[e for i, item in enumerate(_list(spec.get("exceptions"))) if (e := _exception(item, i))],
    )


def _stage(item, index: int, stages_before) -> Stage | None:
    if not isinstance(item, dict) or not isinstance(item.get("name"), str):
        return None
    before = stages_before[index - 1] if index > 0 else None
    previous = before.get("name") if isinstance(before, dict) else None
    previous = previous if isinstance(previous, str) else None  # as a stage with no name is none (CG201 says so)
    block = item.get("promotion")
    gate = _gate(block, previous) if isinstance(block, dict) else None
    subscriptions = item.get("subscriptions")
    return Stage(item["name"], index, ("spec", "stages", index), item.get("private_network") is True,
                 item.get("pii_allowed") is True, gate,
                 frozenset(subscription_key(s) for s in subscriptions if isinstance(s, str))
                 if isinstance(subscriptions, list) else None)


def subscription_key(subscription: str) -> str:
    """A subscription as compared: NFKC-normalised, case-folded, without surrounding space.

    Cloud subscription and account ids are case-insensitive (an Azure id is a
    GUID), so ``0B3C`` in a workspace is the subscription the policy lists as ``0b3c``.
    """
    return unicodedata.normalize("NFKC", subscription).casefold().strip()


def _gate(block: dict, previous: str | None) -> Gate:
    approvers = block.get("approvers")
    training = block.get("training_data")
    return Gate(
        from_stage=block["from"] if isinstance(block.get("from"), str) else previous,
        approvals=block["approvals"] if _is_int(block.get("approvals")) else 0,
        approvers=(frozenset(person_key(a) for a in approvers if isinstance(a, str))
                   if isinstance(approvers, list) else None),
        separation_of_duties=block.get("separation_of_duties") is True,
        require_registry=block.get("require_registry") is True,
        require_lineage=block.get("require_lineage") is True,
        training_data=frozenset(t for t in training if isinstance(t, str)) if isinstance(training, list) else None,
        pinned_images=block.get("pinned_images") is True,
        metrics={k: v for k, v in _dict(block.get("metrics")).items() if isinstance(v, dict)},
        max_regression={k: v for k, v in _dict(block.get("max_regression")).items() if _is_number(v)},
    )


def _exception(item, index: int) -> Exception_ | None:
    if not isinstance(item, dict) or not isinstance(item.get("rule"), str) or not isinstance(item.get("subject"), str):
        return None
    expires = parse_timestamp(item.get("expires"), end_of_day=True)
    path = ("spec", "exceptions", index)
    return Exception_(item["rule"], item["subject"], str(item.get("reason", "")), expires, path)


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _strings(value, default) -> list:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else list(default)


def _is_int(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
