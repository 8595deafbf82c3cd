"""A catalog folder's listing kept current between checks: ``catgen check --watch``.

A one-shot check ``lstat``s every file to find what changed (``DirectorySource.stats``): at 10,000
files that floor is about 40 ms of a 0.15 s warm re-check. A watch keeps the listing instead and
lists again only where inotify saw something (``WatchedTree``); ``listing()`` then gives what
``stats()`` would give now. Without inotify it lists everything again each second and compares
(``PolledTree``).

The listing a check uses is made when the check asks for it (``listing``), after the check has
noted the time it lists at (``checking/state.py``'s racy rule needs that order); waiting for
changes (``changes``) only gathers the events.
"""

from __future__ import annotations

import os
import posixpath
import time
from stat import S_ISREG

from catgen.errors import CatalogError
from catgen.load.inotify import (
    IN_CREATE, IN_DELETE, IN_DELETE_SELF, IN_IGNORED, IN_ISDIR, IN_MOVE_SELF, IN_MOVED_FROM, IN_MOVED_TO,
    IN_Q_OVERFLOW, Inotify, WatchUnavailable,
)
from catgen.load.sources import MANIFEST_SUFFIXES, DirectorySource, Seen

SETTLE_SECONDS = 0.02  # a save is often several events (truncate, write; or a temporary file and a rename)
LONGEST_SETTLE_SECONDS = 0.5  # a folder that never stops changing is still checked
POLL_SECONDS = 1.0
_ENTRIES = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ISDIR


class CatalogGone(CatalogError):
    """The watched catalog folder itself was moved or removed: nothing is left to watch."""


def watched_tree(source: DirectorySource):
    """A ``WatchedTree`` of ``source``; a ``PolledTree`` (its ``reason`` says why) where inotify cannot watch."""
    try:
        inotify = Inotify()
    except WatchUnavailable as err:
        return PolledTree(source, str(err))
    tree = WatchedTree(source, inotify)
    try:
        tree.watch_everything()  # now, so a limit reached is known before the first check
    except WatchUnavailable as err:
        tree.__exit__()
        return PolledTree(source, str(err))
    return tree


class WatchedTree:
    """The listing of ``source`` kept from inotify's events; a context (the events' descriptor is closed after).

    Every folder the listing walks is watched (a hidden one is not walked, so not watched). An event about an
    entry of a folder lists that folder again, as the listing does: its files ``lstat``ed; a folder new in it
    watched, then walked (so nothing made meanwhile is missed); one gone forgotten with all below it. A write
    to a manifest ``lstat``s that file alone. An overflowing queue lists everything again. The catalog folder
    itself moved or removed is ``CatalogGone``.

    Known limit: a link whose name is not a manifest's is listed when it points to a folder (``sources``); the
    folders holding such links are listed again at each listing, but a change of a link's target outside the
    catalog alone sends no event here, so it is seen at the next change inside the catalog.
    """

    reason = None

    def __init__(self, source: DirectorySource, inotify: Inotify):
        self.source, self._inotify = source, inotify
        self._watches: dict[str, int] = {}  # folder -> its watch
        self._folders_of: dict[int, str] = {}  # watch -> folder
        self._seen: dict[str, Seen] = {}
        # The tree as known, so that listing a folder again costs what is in it, not what the catalog holds:
        # the files listed right in each folder, and the folders right in each (watched, or holding files).
        self._files_in: dict[str, set[str]] = {}
        self._folders_in: dict[str, set[str]] = {}
        self._link_folders: set[str] = set()  # folders holding a link not named as a manifest: listed each time
        self._events: list = []
        self._sorted: list[Seen] | None = None
        self._started = False

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        self._inotify.close()

    def changes(self, timeout: float) -> bool:
        """Whether something a check reads may have changed: waits up to ``timeout`` seconds for a first event,
        then until the folder has been quiet for ``SETTLE_SECONDS``."""
        if not self._inotify.wait(timeout):
            return False
        waited_until = time.monotonic() + LONGEST_SETTLE_SECONDS
        self._events += self._inotify.events()
        while time.monotonic() < waited_until and self._inotify.wait(SETTLE_SECONDS):
            self._events += self._inotify.events()
        self._events = [event for event in self._events if _matters(event)]  # the others change no listing
        return bool(self._events)

    def listing(self) -> list[Seen]:
        """What ``DirectorySource.stats`` would list now, in path order. ``WatchUnavailable`` when a folder new
        since cannot be watched (the limit reached): the caller lists by polling from then on."""
        self._events += self._inotify.events()
        events, self._events = self._events, []
        self._apply(events)  # also on the first listing: a folder made since the watches were added is watched
        if not self._started:
            self._started = True
            self._list_everything()
        if self._sorted is None:
            self._sorted = sorted(self._seen.values())
        return self._sorted

    def watch_everything(self) -> None:
        """Watch every folder (the kernel gives a folder watched already its watch again)."""
        self._watches.clear()
        self._folders_of.clear()
        self._folders_in.clear()
        self._link_folders.clear()
        self._watch_below("")

    def _everything(self) -> None:
        """Watch every folder, then list every file (a file changed in between is listed and evented: both)."""
        self.watch_everything()
        self._list_everything()

    def _list_everything(self) -> None:
        self._seen, self._files_in, self._sorted = {}, {}, None
        for seen in self.source.stats():
            self._put(seen)

    def _apply(self, events: list) -> None:
        folders, files = set(), set()
        for watch, mask, name in events:
            if mask & IN_Q_OVERFLOW:
                self._everything()
                return
            folder = self._folders_of.get(watch)
            if folder is None:  # a watch already forgotten
                continue
            if mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF):
                if folder == "":
                    raise CatalogGone(f"catalog folder {self.source.display_root!r} was moved or removed")
                continue  # its parent's event about the entry lists the parent again
            if name.startswith("."):  # neither listed nor walked
                continue
            if mask & _ENTRIES:
                folders.add(folder)
            elif name.endswith(MANIFEST_SUFFIXES):
                files.add(_joined(folder, name))
        folders |= self._link_folders  # whether a link points to a folder may change with no event here
        for path in files:
            if posixpath.dirname(path) not in folders:
                self._stat_again(path)
        for folder in sorted(folders):
            if folder in self._watches:  # not forgotten under a folder gone
                self._list_again(folder)

    def _stat_again(self, path: str) -> None:
        """A manifest written to: ``lstat`` it alone, as the listing would; anything but a regular file lists its
        folder again."""
        try:
            status = os.lstat(os.path.join(self.source.root, path))
        except FileNotFoundError:
            self._forget_file(path)
            return
        except OSError:
            status = None
        if status is not None and S_ISREG(status.st_mode):
            self._put(Seen(path, status.st_size, status.st_mtime_ns, status.st_ino, 0))
        else:
            self._list_again(posixpath.dirname(path))

    def _list_again(self, folder: str) -> None:
        files, folders, links = self.source.folder(folder)
        self._note_links(folder, links)
        for path in list(self._files_in.get(folder, ())):
            self._forget_file(path)
        for seen in files:
            self._put(seen)
        for gone in set(self._folders_in.get(folder, ())) - set(folders):
            self._forget_below(gone)
        for path in sorted(folders):
            # (Asked now, not before the loop: a folder walked before may have taken the watch it had since.)
            if path in self._watches and self._same_folder(path):
                continue
            self._forget_below(path)  # what was known there (another folder moved there, or made again): as new
            self._watch_below(path)
            for seen in self.source.stats_below([path]):
                self._put(seen)

    def _same_folder(self, path: str) -> bool:
        """Whether the folder at ``path`` is the one watched there (the kernel gives an inode its own watch)."""
        return self._inotify.add(os.path.join(self.source.root, path)) == self._watches[path]

    def _watch_below(self, top: str) -> None:
        pending = [top]
        while pending:
            folder = pending.pop()
            watch = self._inotify.add(os.path.join(self.source.root, folder))
            if watch is None:  # gone since: its parent's event lists the parent again
                continue
            moved_from = self._folders_of.get(watch)
            if moved_from is not None and moved_from != folder:  # moved: the kernel's watch followed the folder
                self._forget_below(moved_from, unwatch=False)  # what is below it is walked (and watched) here
            self._watches[folder], self._folders_of[watch] = watch, folder
            self._note_folder(folder)
            _, folders, links = self.source.folder(folder, stat_files=False)
            self._note_links(folder, links)
            pending += folders

    def _note_links(self, folder: str, links: list) -> None:
        if links:
            self._link_folders.add(folder)
        else:
            self._link_folders.discard(folder)

    def _note_folder(self, folder: str) -> None:
        """``folder`` and the folders above it, each in the one holding it."""
        while folder:
            parent = posixpath.dirname(folder)
            known = self._folders_in.setdefault(parent, set())
            if folder in known:
                return
            known.add(folder)
            folder = parent

    def _forget_below(self, top: str, *, unwatch: bool = True) -> None:
        """Forget the folder ``top`` and everything known below it (their watches removed, unless ``unwatch`` is
        False: a folder moved keeps its watch, taken again where it now is)."""
        self._folders_in.get(posixpath.dirname(top), set()).discard(top)
        pending = [top]
        while pending:
            folder = pending.pop()
            pending += self._folders_in.pop(folder, ())
            watch = self._watches.pop(folder, None)
            if watch is not None and self._folders_of.get(watch) == folder:
                del self._folders_of[watch]
                if unwatch:
                    self._inotify.remove(watch)
            self._link_folders.discard(folder)
            for path in self._files_in.pop(folder, ()):
                del self._seen[path]
                self._sorted = None

    def _put(self, seen: Seen) -> None:
        if self._seen.get(seen.relpath) != seen:
            if seen.relpath not in self._seen:
                folder = posixpath.dirname(seen.relpath)
                self._files_in.setdefault(folder, set()).add(seen.relpath)
                self._note_folder(folder)
            self._seen[seen.relpath] = seen
            self._sorted = None

    def _forget_file(self, path: str) -> None:
        if self._seen.pop(path, None) is not None:
            self._files_in[posixpath.dirname(path)].discard(path)
            self._sorted = None


class PolledTree:
    """Where inotify cannot watch (``reason``): every file listed again each ``POLL_SECONDS``, and compared."""

    def __init__(self, source: DirectorySource, reason: str):
        self.source, self.reason = source, reason
        self._last: list[Seen] | None = None
        self._next_poll = 0.0

    def __enter__(self):
        return self

    def __exit__(self, *exc) -> None:
        pass

    def changes(self, timeout: float) -> bool:
        """Whether the listing differs from the last one given; listed at most once each ``POLL_SECONDS``, so a
        shorter ``timeout`` may end with False before the next poll."""
        wait = self._next_poll - time.monotonic()
        if wait > timeout:
            time.sleep(timeout)
            return False
        time.sleep(max(wait, 0))
        self._next_poll = time.monotonic() + POLL_SECONDS
        return self.source.stats() != self._last

    def listing(self) -> list[Seen]:
        self._last = self.source.stats()
        return self._last


def _matters(event) -> bool:
    """An event that may change what a check reads: not one about a hidden entry, nor a write to a file that is no
    manifest (an editor's swap file, say), nor the end of a watch (the event that deleted or moved its folder
    matters)."""
    watch, mask, name = event
    if mask & (IN_Q_OVERFLOW | IN_DELETE_SELF | IN_MOVE_SELF):
        return True
    if not name:  # the folder itself: ignored once forgotten (a watch removed here, or its folder deleted)
        return not mask & IN_IGNORED
    return not name.startswith(".") and bool(mask & _ENTRIES or name.endswith(MANIFEST_SUFFIXES))


def _joined(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name
