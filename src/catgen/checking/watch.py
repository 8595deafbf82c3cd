"""``catgen check --watch``: the check again after each change to the catalog, in one process.

A one-shot warm re-check of one changed file at 10,000 manifests spends most of its time on what
does not depend on the change: starting Python and importing (about 55 ms), ``lstat``-ing every
file to find the change (about 40 ms). A watch pays both once: it keeps its listing current from
the file system's events (``load/watchedtree.py``) and runs the warm re-check's own code on it
(``checking/incremental.py``), so each verdict is the one ``catgen check`` would give at that moment
and the state it leaves serves the next one-shot check too.
"""

from __future__ import annotations

import os
import time

from catgen.checking.incremental import check_with_state
from catgen.errors import CatalogError
from catgen.load.sources import DirectorySource
from catgen.load.inotify import WatchUnavailable
from catgen.load.watchedtree import CatalogGone, PolledTree, watched_tree
from catgen.processes import collector_paused

WAKE_SECONDS = 0.5  # how often ``stop`` is asked while nothing changes


class CheckWatch:
    """The checks of the catalog folder ``root``, now and after each change (``checks``); a context."""

    def __init__(self, root: str):
        self.root = root
        self.tree = watched_tree(DirectorySource(root))

    @property
    def polling(self) -> str | None:
        """Why changes are found by listing the folder every second (no inotify here), or None."""
        return self.tree.reason

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self.tree.__exit__(*exc)

    def checks(self, stop=None):
        """Each check as (its ``CheckResult``, or the ``CatalogError`` that stopped it; the seconds it took):
        the first at once, then one after each change, until ``stop()`` (asked at least every
        ``WAKE_SECONDS``) is true. The catalog folder itself moved or removed ends it (``CatalogGone``)."""
        while True:
            started = time.perf_counter()
            try:
                with collector_paused():  # as a one-shot check runs (commands/check.py): no collection mid-check
                    outcome = check_with_state(self.root, lister=self.tree.listing)[0]
            except WatchUnavailable as err:  # a new folder beyond inotify's limit: polled from now on
                self.tree.__exit__(None, None, None)
                self.tree = PolledTree(self.tree.source, str(err))
                continue
            except CatalogGone:
                raise
            except CatalogError as err:  # a folder that cannot be read, say: said, and watched until it can
                if not os.path.isdir(self.root):  # told before the tree's events could tell
                    raise CatalogGone(f"catalog folder {self.tree.source.display_root!r} was moved or removed") \
                        from None
                outcome = err
            yield outcome, time.perf_counter() - started
            while not self.tree.changes(WAKE_SECONDS):
                if stop is not None and stop():
                    return
