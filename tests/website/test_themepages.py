"""A rebuild makes again only the pages MkDocs renders whose recorded inputs changed, and equals a fresh build.

The whole-catalog pages (home, status, audit, checks, search) and the first page of each kind's index are
made by catgen and rendered by MkDocs. A build into a catgen site keeps each one's body with what it read
(``themepages``); the next build uses the body again when nothing it read changed and the previous site's
marker holds that very page. The records are untrusted: a body edited in them is never shown.
"""

from __future__ import annotations

import os
import shutil
import zlib
from pathlib import Path

import pytest

from testing.site import build, recorded_example, site_files
from catgen.website.pagerecords import pack_body, read_stored, records_path, write_stored

STORY_NOW = "1727000000"
ALWAYS_MADE = ["checks/"]  # it reads every finding, which has no plain form (``pageinputs``)


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    """The example catalog, its site built twice (the second build records) and a fresh build of it, made once
    for the module: each test starts from a copy."""
    root = tmp_path_factory.mktemp("recorded")
    with pytest.MonkeyPatch.context() as patch:
        first = recorded_example(root, patch, STORY_NOW)
        assert len(first["theme_made"]) == 14  # every one made (nothing recorded yet)
        shutil.copy(records_path(str(root / "site")), root / "records")
        build(root / "catalog", root / "fresh")
    return root


@pytest.fixture
def root(recorded, tmp_path, monkeypatch):
    """A copy of ``recorded``'s catalog and site, with the records of that site (the cache is this test's)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", STORY_NOW)
    for name in ("catalog", "site", "fresh"):
        shutil.copytree(recorded / name, tmp_path / name, symlinks=True)
    os.makedirs(os.path.dirname(records_path(str(tmp_path / "site"))), exist_ok=True)
    shutil.copy(recorded / "records", records_path(str(tmp_path / "site")))
    return tmp_path


def _edit(root, relpath: str, old: str, new: str) -> None:
    path = root / "catalog" / relpath
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new, 1))


def _rebuilt_equals_fresh(root, edited: bool = True) -> list[str]:
    """The rebuild's addresses of the pages MkDocs renders that were made, once its site equals a fresh build's
    (``edited``: of the catalog as it is now, else the one made with the copy)."""
    made = build(root / "catalog", root / "site")["theme_made"]
    if edited:
        shutil.rmtree(root / "fresh")
        build(root / "catalog", root / "fresh")
    assert site_files(root / "site") == site_files(root / "fresh")
    return made


def test_nothing_changed_makes_only_the_page_that_has_no_inputs(root):
    assert _rebuilt_equals_fresh(root, edited=False) == ALWAYS_MADE


def test_a_build_later_the_same_day_keeps_the_pages_that_show_only_the_day(root, monkeypatch):
    # Every promotion of the example is in force by then, so no page shows the moment (a pending one's mark does).
    in_force = 1728345600  # 2024-10-08T00:00:00Z
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(in_force))
    build(root / "catalog", root / "site")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(in_force + 3600))
    assert _rebuilt_equals_fresh(root) == ALWAYS_MADE  # the home page shows the day, read through a call


def test_a_build_on_another_day_makes_again_the_pages_that_show_the_day(root, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(STORY_NOW) + 86400))
    assert "" in _rebuilt_equals_fresh(root)


def test_a_models_description_makes_again_only_what_shows_models(root):
    _edit(root, "models/credit-risk/3.yaml", "Loan-default classifier", "Loan default classifier")
    made = _rebuilt_equals_fresh(root)
    assert made == ["checks/", "models/"]  # the model index lists it; the home page's board reads its date only


def test_a_models_date_makes_again_the_home_pages_board(root):
    _edit(root, "models/credit-risk/2.yaml", "created: 2024-07-18T10:00:00Z", "created: 2024-09-19T10:00:00Z")
    made = _rebuilt_equals_fresh(root)
    assert {"", "models/"} <= set(made)  # the board sorts each stage's models by it; the index shows it


def test_a_deployments_workspace_makes_again_the_pages_that_show_deployments(root):
    _edit(root, "deployments/credit-risk-dev.yaml", "traffic: 100", "traffic: 90")
    made = _rebuilt_equals_fresh(root)
    assert "deployments/" in made
    assert "models/" not in made


def test_a_new_promotion_makes_again_the_audit_trail(root):
    source = root / "catalog" / "promotions" / "credit-risk-2-to-test.yaml"
    copy = root / "catalog" / "promotions" / "credit-risk-2-to-test-again.yaml"
    copy.write_text(source.read_text().replace("name: credit-risk-2-to-test", "name: credit-risk-2-to-test-again"))
    made = _rebuilt_equals_fresh(root)
    assert {"audit/", "promotions/"} <= set(made)


def _edit_records(root, edit) -> None:
    path = records_path(str(root / "site"))
    stored = read_stored(path)
    edit(stored)
    write_stored(path, stored)


def test_a_body_edited_in_the_records_is_never_shown(root):
    def scripted(stored):
        indices, title, packed = stored["theme"]["audit/"]
        body = zlib.decompress(packed).decode()
        assert "</table>" in body
        stored["theme"]["audit/"] = (indices, title, pack_body(body.replace("</table>", "<script>1</script></table>")))
    _edit_records(root, scripted)
    made = _rebuilt_equals_fresh(root, edited=False)
    assert made == ["audit/", *ALWAYS_MADE]  # the previous site's marker does not hold that page: made again


DAMAGES = {
    "not a dict": lambda theme, record: ["status/"],
    "short": lambda theme, record: {"status/": record[:2]},
    "indices": lambda theme, record: {**theme, "status/": ([10**9], *record[1:])},
    "text": lambda theme, record: {**theme, "status/": (*record[:2], "a body not packed")},
    "not compressed": lambda theme, record: {**theme, "status/": (*record[:2], b"<p>a body</p>")},
    "cut short": lambda theme, record: {**theme, "status/": (*record[:2], record[2][:-9])},
    "bomb": lambda theme, record: {**theme, "status/": (*record[:2], zlib.compress(b"x" * 10**8, 9))},
    "not utf-8": lambda theme, record: {**theme, "status/": (*record[:2], zlib.compress(b"\xff\xfe"))},
}


def test_a_record_of_another_shape_makes_the_page_again(root):
    whole = open(records_path(str(root / "site")), "rb").read()
    for damage, damaged in DAMAGES.items():
        open(records_path(str(root / "site")), "wb").write(whole)

        def edit(stored):
            stored["theme"] = damaged(stored["theme"], stored["theme"]["status/"])
        _edit_records(root, edit)
        assert "status/" in _rebuilt_equals_fresh(root, edited=False), damage
