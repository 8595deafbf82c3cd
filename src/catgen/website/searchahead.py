"""The search index's process, forked as soon as ``catgen build`` has loaded the site model.

At 10,000 manifests the search index was the last step of a rebuild to end: its process started once MkDocs
had listed the guide (``plugin.on_files``), and a rebuild that wrote no index took 2.4-2.5 s rather than
3.2-3.4 s. Most of its work, the manifests' words (``searchindex.manifest_words``), needs no guide, so this
process does it while the previous site is proven and MkDocs starts, then waits to be told the guide's pages,
the catalog's folder and where to write (``tell``), and writes the index as the build's own process would
(``datafiles.search_files``). A plugin without one (``mkdocs build`` with catgen in its own ``mkdocs.yml``,
or where forking is unsafe) writes the index by a ``pagewriter.Meanwhile`` as before.
"""

from __future__ import annotations

import marshal
import os
from functools import partial

from catgen.processes import fork_is_safe
from catgen.website.datafiles import search_files
from catgen.website.pagewriter import Meanwhile, write_files
from catgen.website.searchindex import manifest_words, texts_with_the_rest


class SearchAhead:
    """The search index of ``site`` made by a ``pagewriter.Meanwhile`` started now (a context: leaving it stops
    the process unless it was told the rest and waited for); none where forking is unsafe."""

    def __init__(self, site):
        self.meanwhile: Meanwhile | None = None
        self.rest = None  # where the rest is told to the process
        self.folder: str | None = None  # where the guide's pages are written for it (``tell``)
        if fork_is_safe():
            import multiprocessing

            told, self.rest = multiprocessing.get_context("fork").Pipe(duplex=False)
            meanwhile = Meanwhile(partial(_index_ahead, site, told))
            told.close()
            self.meanwhile = meanwhile if meanwhile.process is not None else None  # forked, or none at all

    def __enter__(self):
        return self

    def __exit__(self, *failure) -> None:
        self.cancel()  # a build that ended before it waited for the index: nothing more is written

    def tell(self, guide: list, prefix: str, site_dir: str) -> bool:
        """Give the process the rest: the ``guide`` pages (``searchindex.guide_pages``), the catalog's folder
        ``prefix`` and the folder to write into. False when there is no process to tell (then make the index
        otherwise).

        The guide goes by a file in ``folder``: a pipe holds 64 KB, and a longer message would keep the build
        waiting until the process has read every manifest's words."""
        if self.meanwhile is None or self.rest is None or self.folder is None:
            return False
        guide_file = os.path.join(self.folder, "search-guide")
        try:
            with open(guide_file, "wb") as handle:
                handle.write(marshal.dumps(guide))
            self.rest.send((guide_file, prefix, site_dir))
        except (OSError, ValueError):  # it ended already (killed, out of memory): the build makes the index
            self.cancel()
            self.meanwhile = None
            return False
        finally:
            self.rest.close()
            self.rest = None
        return True

    def wait(self) -> None:
        """As ``Meanwhile.wait``: once the index is written, or its failure raised."""
        self.meanwhile.wait()

    def cancel(self) -> None:
        if self.meanwhile is not None:
            self.meanwhile.cancel()


def _index_ahead(site, told) -> None:
    """In the process: the manifests' words, then, once told, the rest of the index, written (a failure is raised
    only once told: the build waits for the index then, and says it)."""
    try:
        made = manifest_words(site)
    except BaseException as err:
        made = err
    try:
        guide_file, prefix, site_dir = told.recv()
    except EOFError:  # the build ended first: nothing to write, nobody to tell
        return
    if isinstance(made, BaseException):
        raise made
    documents, words = made
    with open(guide_file, "rb") as handle:
        guide = marshal.loads(handle.read())
    write_files(search_files(texts_with_the_rest(site, documents, words, guide), prefix), site_dir)
