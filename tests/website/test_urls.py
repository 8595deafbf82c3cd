"""Links between site addresses: the plain-address shortcut agrees with ``posixpath.relpath``."""

from __future__ import annotations

import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st

from catgen.website.urls import _relpath, relative

_PART = st.sampled_from(["models", "credit-risk", "3", "a", "", ".", "..", "x.y"])
_ADDRESS = st.lists(_PART, max_size=5).map("/".join)


@settings(max_examples=400, deadline=None)
@given(_ADDRESS, _ADDRESS)
def test_the_shortcut_is_posixpaths_relpath(to_url, from_url):
    assert _relpath(to_url, from_url) == posixpath.relpath("/" + to_url, "/" + from_url)


def test_links_between_pages_folders_and_the_root():
    assert relative("models/credit-risk/3/", "models/credit-risk/") == "../"
    assert relative("models/credit-risk/3/", "jobs/train/") == "../../../jobs/train/"
    assert relative("models/a/", "models/a/") == "./" and relative("models/a/", "") == "../../"
    assert relative("", "models/a/1/") == "models/a/1/" and relative("a/./b/", "a/c/") == "../c/"  # "." normalised
