"""What the last proof of a site folder found: each settled file's ``lstat`` with its digest.

``siteinventory.prove`` trusts a file whose ``lstat`` is the one found with its digest, so a rebuild reads
only the files written since (at 10,000 manifests, 14,500 files and 300 MB: hashing them was 0.45 s of
every rebuild). The stats live in the user's cache folder beside the page records (one file per site
folder), written by temporary file and rename once a build has put its site in place; they hold only files
that build proved and left as they were. They are read as untrusted: a file of another shape is nothing
known, and an entry of another shape is a file read again.
"""

from __future__ import annotations

import marshal
import os

from catgen.processes import collector_paused

STATS_FORMAT = 2


def stats_path(records: str) -> str:
    """The stats' file beside the page records' file ``records`` (``pagerecords.records_path``)."""
    return os.path.splitext(records)[0] + ".stats"


def load_site_stats(path: str) -> dict:
    """``{file: (stat_key, digest)}`` as saved at ``path`` ({} when there is none of the right shape)."""
    try:
        with open(path, "rb") as handle, collector_paused():
            stored = marshal.loads(handle.read())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if type(stored) is not dict or stored.get("format") != STATS_FORMAT or type(stored.get("files")) is not dict:
        return {}
    return stored["files"]  # each entry's shape is checked where it is used (``siteinventory``)


def save_site_stats(path: str, previous, replaced=()) -> None:
    """Save what proving ``previous`` (an ``Inventory``) found settled, but for the files ``replaced`` since."""
    with collector_paused():  # its collections would walk the build's site model for each 700 entries made
        replaced = set(replaced)
        files = {shown: (key, previous.files[shown]) for shown, key in previous.settled.items()
                 if shown not in replaced}
        stored = marshal.dumps({"format": STATS_FORMAT, "files": files})
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        temp = f"{path}.{os.getpid()}.tmp"
        with open(temp, "wb") as handle:
            handle.write(stored)
        os.replace(temp, path)
    except (OSError, ValueError):
        pass  # a read-only or full cache folder only costs the next build's speed
