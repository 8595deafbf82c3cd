"""``serve_site``: the catalog site on a local address, rebuilt after each change to the catalog or the guide.

MkDocs' own ``serve`` rebuilds the whole site in its server's process, which runs threads: the
page writers cannot fork there (``processes.fork_is_safe``) and nothing of the last build is
reused, so a change to one manifest of 10,000 cost about 30 s, more than the first build. Here
MkDocs' ``LiveReloadServer`` (its threads, its file watcher, the live reload it adds to pages)
runs in a forked child, and this process, with no thread, builds with ``build_site`` into one
site folder for the whole session, recording what each page read: a rebuild renders only what
changed, on both cores. The child's watcher asks for each rebuild through a pipe and reloads the
browsers once this process says it is done. A rebuild that fails is said and the last site stays.
"""

from __future__ import annotations

import gc
import os
import signal
import sys
import tempfile

from catgen.errors import CatalogError, log_safe
from catgen.processes import die_with_parent, forking_platform, ready_to_fork, terminate_as_interrupt
from catgen.website.build import build_site, mkdocs_logging
from catgen.website.config import load_mkdocs_config
from catgen.website.pagerecords import records_path
from catgen.website.sitestats import stats_path

_BUILD, _BUILT = b"b", b"d"


def serve_site(catalog_root: str, *, dev_addr: str | None = None) -> None:
    """Serve the site of ``catalog_root`` until interrupted (Ctrl-C, SIGTERM); the catalog folder, the guide and
    the configuration file are watched."""
    with tempfile.TemporaryDirectory(prefix="catgen-serve-") as work, terminate_as_interrupt():
        site = os.path.join(work, "site")
        try:
            server, watched = _server(catalog_root, site, work, dev_addr)
            build_site(catalog_root, site, quiet=False, record=True)
            _serve_meanwhile(server, watched, lambda: _rebuild(catalog_root, site))
        except KeyboardInterrupt:
            pass
        finally:
            for path in (records_path(site), stats_path(records_path(site))):
                _remove(path)  # a session's records serve no later one: its folder is gone


def _server(catalog_root: str, site: str, work: str, dev_addr: str | None):
    """MkDocs' live-reloading server for ``site``, listening (a port in use is said now) but not yet serving; and
    what it is to watch."""
    from mkdocs.livereload import LiveReloadServer

    os.mkdir(os.path.join(work, "config"))
    extra = {"dev_addr": dev_addr} if dev_addr else {}
    with mkdocs_logging(quiet=True):  # a setting's warning as the builds say it (a line with "catgen:")
        config = load_mkdocs_config(catalog_root, site, os.path.join(work, "config"), extra=extra)
    host, port = config.dev_addr
    if not 0 <= port <= 65535:  # MkDocs takes any whole number: binding would raise OverflowError
        raise CatalogError(f"cannot serve on {host}:{port}: a port is a number from 0 to 65535")
    server = LiveReloadServer(builder=None, host=host, port=port, root=site)
    try:
        server.server_bind()
        server.server_activate()
    except OSError as err:
        server.server_close()
        raise CatalogError(f"cannot serve on {host}:{port}: {err.strerror or err}") from None
    watched = [os.path.abspath(catalog_root), config.docs_dir]
    return server, watched + ([config.config_file_path] if config.config_file_path else [])


def _serve_meanwhile(server, watched: list, rebuild) -> None:
    """Run ``server`` in a forked child; each rebuild it asks for is ``rebuild()`` here. Returns when it ends.

    Where catgen does not fork (``processes.forking_platform``), the server runs here and calls ``rebuild`` from
    its own loop: each build then runs in one process, still rendering only what changed."""
    if not forking_platform():
        server.builder = lambda: (rebuild(), collect_garbage())
        try:
            _serve(server, watched)
        finally:
            server.shutdown()  # as MkDocs' ``serve`` ends its server
        return
    asked, ask = os.pipe()
    answered, answer = os.pipe()
    ready_to_fork()
    parent = os.getpid()
    child = os.fork()
    if child == 0:  # pragma: no cover - the child's coverage is not collected
        os.close(asked)
        os.close(answer)
        _run_server(server, watched, ask, answered, parent)
    os.close(ask)
    os.close(answered)
    server.server_close()  # the child's copy of the socket serves
    try:
        while os.read(asked, 1) == _BUILD:
            rebuild()
            os.write(answer, _BUILT)
            collect_garbage()  # while the browsers reload
        raise CatalogError("the development server stopped")  # on its own: Ctrl-C and SIGTERM interrupt the read
    finally:
        os.close(asked)
        os.close(answer)
        _stop(child)


def _run_server(server, watched: list, ask: int, answered: int, parent: int) -> None:
    """The child: serve, watch, and ask the parent for each rebuild; end with the parent or on a signal."""
    code = 0
    try:
        die_with_parent(parent)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

        def builder() -> None:
            os.write(ask, _BUILD)
            if os.read(answered, 1) != _BUILT:
                raise KeyboardInterrupt  # the parent has gone

        server.builder = builder
        _serve(server, watched)
    except KeyboardInterrupt:
        pass
    except BaseException:  # noqa: BLE001 - the parent says the server ended; no traceback from a child
        code = 1
    finally:
        os._exit(code)


def _serve(server, watched: list) -> None:
    # Its socket listens already (``_server``): ``serve`` would bind it again.
    server.server_bind = server.server_activate = lambda: None
    with mkdocs_logging(quiet=False):
        for path in watched:
            server.watch(path)
        server.serve()


def _rebuild(catalog_root: str, site: str) -> None:
    try:
        built = build_site(catalog_root, site, quiet=False, record=True)
    except CatalogError as err:  # said; the last site stays served
        print(f"catgen: error: {log_safe(str(err))}", flush=True, file=sys.stderr)
        return
    print(f"catgen: INFO: {built['rendered']:,} of {built['pages']:,} pages rendered again", flush=True,
          file=sys.stderr)


def collect_garbage() -> None:
    """Collect what the last build left in reference cycles (its site model, its pages' records...).

    A build freezes its heap while it forks (``pagewriter.frozen_heap``), which puts everything in the cycle
    collector's oldest generation, and Python seldom collects that one on its own: each rebuild of a 10,000
    manifest catalog left about 150 MB behind (800 MB after five), and forking grew slower with the heap.
    """
    gc.collect()


def _stop(child: int) -> None:
    try:
        os.kill(child, signal.SIGTERM)
        os.waitpid(child, 0)
    except (ProcessLookupError, ChildProcessError):
        pass


def _remove(path: str) -> None:
    try:
        os.remove(path)
    except OSError:
        pass
