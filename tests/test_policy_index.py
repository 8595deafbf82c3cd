"""The policy's stage indexes: a stage is found by name, position or subscription without a search of the list."""

from __future__ import annotations

from hypothesis import given, strategies as st

from catgen.policy import Policy, Stage, subscription_key


class CountedList(list):
    """A list that counts how often it is walked."""

    walks = 0

    def __iter__(self):
        CountedList.walks += 1
        return super().__iter__()


def _policy(names, subscriptions=None) -> Policy:
    subscriptions = subscriptions or {}
    stages = [Stage(name, i, ("spec", "stages", i),
                    subscriptions=frozenset(subscription_key(s) for s in subscriptions[name])
                    if name in subscriptions else None)
              for i, name in enumerate(names)]
    return Policy(None, CountedList(stages))


def _former_order(policy: Policy, names) -> list[str]:
    """How stage marks were ordered before: every policy stage in turn, then the others sorted (each name once: a
    repeated one is the first stage of that name)."""
    in_policy = list(dict.fromkeys(s.name for s in policy.stages))
    return [n for n in in_policy if n in set(names)] + sorted(set(names) - set(in_policy))


def test_lookups_do_not_walk_the_stages():
    policy = _policy([f"s{i}" for i in range(1000)], {"s7": ["AB-1"], "s9": ["ab-1", "c"]})
    CountedList.walks = 0
    assert [policy.stage(f"s{i}").index for i in range(0, 1000, 111)] == list(range(0, 1000, 111))
    assert policy.stage("nope") is None and policy.stage(["s1"]) is None  # a stage written as a list (CG201)
    assert policy.position("s999") == 999 and policy.position("nope") is None
    assert [s.name for s in policy.stages_binding(" ab-1 ")] == ["s7", "s9"]
    assert policy.stages_binding("other") == []
    assert policy.in_order(["s5", "x", "s2"]) == ["s2", "s5", "x"]
    assert CountedList.walks == 0


def test_a_repeated_stage_name_is_the_first_stage_of_that_name_once():
    policy = _policy(["dev", "test", "dev", "prod"])
    assert policy.stage("dev").index == 0 and policy.position("dev") == 0
    assert policy.stage_names == ["dev", "test", "prod"]
    assert policy.in_order({"prod", "dev", "qa"}) == ["dev", "prod", "qa"]


@given(st.lists(st.sampled_from("abcdef"), max_size=8), st.lists(st.sampled_from("abcdefxyz"), max_size=8))
def test_in_order_is_the_former_order(stage_names, names):
    policy = _policy(stage_names)
    assert policy.in_order(names) == _former_order(policy, names)
