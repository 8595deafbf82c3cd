"""Random file-system operations on a real tree, for the tests of ``load/watchedtree.py`` (Hypothesis draws them).

Each operation is ``op(disk, i, j, k)``: the three numbers pick among what exists now (a folder, a file, a
name), so any drawn sequence is valid whatever the earlier ones did; one that finds nothing to act on does
nothing. They cover what editors, git and people do to a catalog: writes, same-size rewrites, times changed
alone, deletions, folders made, removed, moved (deeper, shallower, beside themselves) and replaced at the same
path, atomic saves, links (to folders, to nothing yet), named pipes, hidden entries.
"""

from __future__ import annotations

import os
import posixpath
import shutil
from stat import S_ISREG

from hypothesis import strategies as st

# Names as hostile as a file system allows too: bytes that are not UTF-8 (``os.fsdecode``), a line break, a space.
FOLDER_NAMES = ("a", "b", "t", ".h", "k.yaml", "sp ace")  # "t": the target of the links made to a path not there yet
FILE_NAMES = ("f.yaml", "g.yml", "n.txt", ".x.yaml", os.fsdecode(b"\xff\xfe.yaml"), "line\nbreak.yaml")
LINK_NAMES = ("l.yaml", "l2")
PIPE_NAME = "p.yaml"
DEEPEST = 3  # folders are made (or moved) at most this deep


class Disk:
    """The real tree under ``root`` as the random operations see it: each picks among what exists now."""

    def __init__(self, root: str):
        self.root = root
        self.clock = 1_600_000_000 * 10**9  # mtimes set by ``touch``: each one new

    def at(self, relpath: str) -> str:
        return os.path.join(self.root, relpath)

    def scan(self) -> tuple[list[str], list[str]]:
        """Every real folder ('' the root, hidden ones too; links not followed) and every other entry."""
        folders, others, pending = [""], [], [""]
        while pending:
            folder = pending.pop()
            for entry in sorted(os.scandir(self.at(folder)), key=lambda entry: entry.name):
                relpath = f"{folder}/{entry.name}" if folder else entry.name
                if entry.is_dir(follow_symlinks=False):
                    folders.append(relpath)
                    pending.append(relpath)
                else:
                    others.append(relpath)
        return sorted(folders), sorted(others)

    def regular_files(self) -> list[str]:
        return [path for path in self.scan()[1] if S_ISREG(os.lstat(self.at(path)).st_mode)]

    def free(self, relpath: str) -> bool:
        """Nothing at ``relpath``."""
        return not os.path.lexists(self.at(relpath))


def _under(path: str, top: str) -> bool:
    return not top or path == top or path.startswith(top + "/")


def _depth(relpath: str) -> int:
    return relpath.count("/") + 1 if relpath else 0


def _height(folders: list[str], top: str) -> int:
    """How many levels of folders ``top`` holds, itself included."""
    return max(_depth(folder) for folder in folders if _under(folder, top)) - _depth(top) + 1


def _pick(items: list, index: int):
    return items[index % len(items)] if items else None


def _joined(folder: str, name: str) -> str:
    return f"{folder}/{name}" if folder else name


def op_write_file(disk: Disk, i: int, j: int, k: int) -> None:
    """A manifest, a file that is none, or a hidden one: made, or written again at another size."""
    path = _joined(_pick(disk.scan()[0], i), FILE_NAMES[j % len(FILE_NAMES)])
    if not os.path.lexists(disk.at(path)) or S_ISREG(os.lstat(disk.at(path)).st_mode):
        write(disk.at(path), b"x" * (1 + k % 7))


def op_rewrite_same_size(disk: Disk, i: int, j: int, k: int) -> None:
    path = _pick(disk.regular_files(), i)
    if path is not None:
        size = os.lstat(disk.at(path)).st_size
        with open(disk.at(path), "r+b") as handle:
            handle.write(bytes([65 + k % 26]) * size)


def op_touch(disk: Disk, i: int, j: int, k: int) -> None:
    """A new mtime only, on any entry: a file, a link (not followed), a pipe or a folder."""
    folders, others = disk.scan()
    path = _pick(others if j % 2 else folders, i)
    if path is not None:
        disk.clock += 10**9
        os.utime(disk.at(path), ns=(disk.clock, disk.clock), follow_symlinks=False)


def op_delete_file(disk: Disk, i: int, j: int, k: int) -> None:
    path = _pick(disk.scan()[1], i)
    if path is not None:
        os.unlink(disk.at(path))


def op_make_folder(disk: Disk, i: int, j: int, k: int) -> None:
    parent = _pick([folder for folder in disk.scan()[0] if _depth(folder) < DEEPEST], i)
    path = _joined(parent, FOLDER_NAMES[j % len(FOLDER_NAMES)])
    if disk.free(path):
        os.mkdir(disk.at(path))
        if k % 2:  # a file in it at once, before any event is read
            write(disk.at(_joined(path, "f.yaml")), b"new")


def op_remove_folder(disk: Disk, i: int, j: int, k: int) -> None:
    folder = _pick(disk.scan()[0][1:], i)
    if folder is not None:
        shutil.rmtree(disk.at(folder))


def op_move_folder(disk: Disk, i: int, j: int, k: int) -> None:
    """A folder renamed anywhere else in the tree: deeper, shallower, or beside itself."""
    folders = disk.scan()[0]
    moved = _pick(folders[1:], i)
    if moved is None:
        return
    height = _height(folders, moved)
    parents = [folder for folder in folders if not _under(folder, moved) and _depth(folder) + height <= DEEPEST]
    path = _joined(_pick(parents, j), FOLDER_NAMES[k % len(FOLDER_NAMES)])
    if parents and disk.free(path):
        os.rename(disk.at(moved), disk.at(path))


def op_replace_folder(disk: Disk, i: int, j: int, k: int) -> None:
    """A folder removed or moved away, then at once another made, or moved, where it was."""
    folders = disk.scan()[0]
    replaced = _pick(folders[1:], i)
    if replaced is None:
        return
    (op_move_folder if j % 2 else op_remove_folder)(disk, folders.index(replaced) - 1, k, j // 2)
    if not disk.free(replaced):
        return
    if k % 2:
        os.mkdir(disk.at(replaced))
        write(disk.at(_joined(replaced, "f.yaml")), b"in the folder made again")
        return
    folders, depth = disk.scan()[0], _depth(replaced)
    moved = _pick([folder for folder in folders[1:] if not _under(replaced, folder)
                   and depth + _height(folders, folder) - 1 <= DEEPEST], k // 2)
    if moved is not None:
        os.rename(disk.at(moved), disk.at(replaced))


def op_replace_file(disk: Disk, i: int, j: int, k: int) -> None:
    """An editor's save (a temporary file renamed over the file) or a file moved over another."""
    path = _joined(_pick(disk.scan()[0], i), FILE_NAMES[j % len(FILE_NAMES)])
    if os.path.lexists(disk.at(path)) and not S_ISREG(os.lstat(disk.at(path)).st_mode):
        return
    if k % 2:
        temporary = _joined(posixpath.dirname(path), f".{posixpath.basename(path)}.swp")
        write(disk.at(temporary), b"saved" * (k % 5))
        os.replace(disk.at(temporary), disk.at(path))
    else:
        moved = _pick([other for other in disk.regular_files() if other != path], k // 2)
        if moved is not None:
            os.replace(disk.at(moved), disk.at(path))


def op_link(disk: Disk, i: int, j: int, k: int) -> None:
    """``l.yaml`` or ``l2`` to a folder of the tree, or to ``t`` beside it (made later, or never)."""
    folders = disk.scan()[0]
    path = _joined(_pick(folders, i), LINK_NAMES[j % len(LINK_NAMES)])
    if not os.path.lexists(disk.at(path)):
        os.symlink("t" if k % 3 == 0 else disk.at(_pick(folders, k // 3)), disk.at(path))


def op_pipe(disk: Disk, i: int, j: int, k: int) -> None:
    path = _joined(_pick(disk.scan()[0], i), PIPE_NAME)
    if not os.path.lexists(disk.at(path)):
        os.mkfifo(disk.at(path))


OPERATIONS = [op_write_file, op_rewrite_same_size, op_touch, op_delete_file, op_make_folder, op_remove_folder,
              op_move_folder, op_replace_folder, op_replace_file, op_link, op_pipe]
STEP = st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 40), st.integers(0, 40), st.integers(0, 40))
BATCHES = st.lists(st.lists(STEP, min_size=1, max_size=5), min_size=2, max_size=5)
# Where each example starts: a few folders to move and remove, files of each kind in them.
START = ("f.yaml", "n.txt", "a/g.yml", "a/b/f.yaml", "a/b/t/f.yaml", "a/b/.x.yaml", "b/n.txt", ".h/f.yaml",
         "k.yaml/g.yml")


def apply_batch(disk: Disk, batch) -> None:
    for operation, i, j, k in batch:
        operation(disk, i, j, k)


def write(path, data: bytes) -> None:
    with open(path, "wb") as handle:
        handle.write(data)
