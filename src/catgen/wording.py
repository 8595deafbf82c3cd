"""How a message names the members of a set that input can grow: a few of them, and how many more.

A message that named every member (the deployments of an endpoint, the registries of an asset, the files
that define one name) made whatever writes one message per member grow with the square of the set.
"""

from __future__ import annotations

NAMED_AT_MOST = 10  # what a message lists beyond this is counted


def named_and_counted(first: list[str], count: int) -> str:
    """The first ``NAMED_AT_MOST`` of ``first`` (``count`` things, in the order to name them) joined by commas, with
    how many more there are."""
    shown = first[:NAMED_AT_MOST]
    more = count - len(shown)
    return ", ".join(shown) + (f", and {more:,} more" if more > 0 else "")
