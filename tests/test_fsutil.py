"""``fsutil.resolves_inside``: where a path really leads, links and ``..`` followed (the check's --output, the
files ``promote`` and the imports write)."""

from __future__ import annotations

import os

from catgen.fsutil import resolves_inside


def test_a_path_is_inside_its_folder_and_the_folder_itself_counts(tmp_path):
    (tmp_path / "catalog" / "models").mkdir(parents=True)
    assert resolves_inside(str(tmp_path / "catalog" / "models" / "new.yaml"), str(tmp_path / "catalog"))
    assert resolves_inside(str(tmp_path / "catalog"), str(tmp_path / "catalog"))


def test_a_neighbour_with_the_same_prefix_or_a_dot_dot_is_outside(tmp_path):
    (tmp_path / "catalog").mkdir()
    assert not resolves_inside(str(tmp_path / "catalog-reports" / "report.json"), str(tmp_path / "catalog"))
    assert not resolves_inside(str(tmp_path / "catalog" / ".." / "report.json"), str(tmp_path / "catalog"))


def test_links_are_followed_both_ways(tmp_path):
    (tmp_path / "catalog").mkdir()
    (tmp_path / "elsewhere").mkdir()
    os.symlink(tmp_path / "elsewhere", tmp_path / "catalog" / "out")
    os.symlink(tmp_path / "catalog", tmp_path / "in")
    assert not resolves_inside(str(tmp_path / "catalog" / "out" / "x.yaml"), str(tmp_path / "catalog"))
    assert resolves_inside(str(tmp_path / "in" / "x.yaml"), str(tmp_path / "catalog"))
