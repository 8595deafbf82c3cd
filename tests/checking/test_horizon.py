"""How long findings hold: RecordingNow notes each date compared with "now", and gives up on anything else."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from catgen.checking.horizon import NEVER, RecordingNow, micros, narrower, within

NOW = datetime(2026, 1, 15, 12, tzinfo=timezone.utc)
BEFORE, AFTER = NOW - timedelta(days=3), NOW + timedelta(days=5)


def test_comparisons_on_either_side_bound_the_span():
    now = RecordingNow(NOW)
    assert BEFORE < now and not (now > AFTER) and now != AFTER
    assert now.span() == (micros(BEFORE), micros(AFTER))
    assert within(now.span(), NOW + timedelta(days=1)) and not within(now.span(), AFTER)


def test_no_comparison_holds_for_ever():
    assert RecordingNow(NOW).span() == (None, None)


def test_a_date_equal_to_now_holds_for_no_other_moment():
    now = RecordingNow(NOW)
    assert now == NOW
    assert now.span() == NEVER and not within(NEVER, NOW)


@pytest.mark.parametrize("derive", [
    lambda n: n + timedelta(days=1), lambda n: n - BEFORE, lambda n: n.date(), lambda n: n.astimezone(),
    lambda n: n.replace(hour=0), lambda n: n.timestamp(), lambda n: n.isoformat(), lambda n: f"{n:%Y}",
])
def test_any_value_derived_from_now_makes_the_span_unknowable(derive):
    now = RecordingNow(NOW)
    assert derive(now) == derive(NOW)  # the same value a plain datetime gives
    assert now.span() == NEVER


def test_narrower_keeps_what_both_spans_hold():
    assert narrower((1, 10), (None, 5)) == (1, 5) and narrower((None, None), (3, None)) == (3, None)
