"""``catgen check``: load the catalog, run the rules, write one report."""

from __future__ import annotations

import gc
import io
import sys

from catgen.commands._output import refuse_manifest_output
from catgen.errors import CatalogError, log_safe
from catgen.fsutil import resolves_inside, write_report
from catgen.processes import collector_paused
from catgen.reporters import REPORTERS


def run(catalog_root: str, *, output_format: str, output: str | None, strict: bool,
        base_ref: str | None = None, changed: bool = False, use_cache: bool = True, process_ends: bool = False) -> int:
    """The check's exit code, its report written.

    ``process_ends``: the process ends with this command (``cli.main``), so its objects are never collected.
    """
    if changed and base_ref is None:
        raise CatalogError("--changed needs --base: it reports what changed since the base")
    refuse_manifest_output(output, catalog_root)
    # The cycle collector off for the whole check: a check builds the catalog, its graph and findings and
    # keeps them to the end, so nothing becomes cyclic garbage worth finding, and the full collections that
    # so many new objects trigger cost about a quarter of a check at 100,000 manifests (benchmarks/README.md).
    with collector_paused():
        result = _check(catalog_root, base_ref, changed, use_cache)
        buffer = io.StringIO()
        REPORTERS[output_format](result, buffer, strict=strict)
        if process_ends:  # else the collector, on again, would first walk every object of the check (0.1 s at 10k)
            gc.freeze()
    write_report(buffer.getvalue(), output)
    return result.exit_code(strict)


def watch(catalog_root: str, *, output_format: str, output: str | None, strict: bool, base_ref: str | None = None,
          changed: bool = False, use_cache: bool = True) -> int:
    """``--watch``: a report after each check (on standard output, or replacing ``output``), a line about it on
    standard error; stopped (Ctrl-C, SIGTERM), the last check's exit code."""
    if base_ref is not None or changed:
        raise CatalogError("--watch re-checks the working tree after each change; it cannot be combined with --base")
    if not use_cache:
        raise CatalogError("--watch keeps what it found in the cache between checks; it cannot be combined with "
                           "--no-cache")
    if output and resolves_inside(output, catalog_root):
        raise CatalogError(f"--output {output} is inside the catalog folder: with --watch, each report would "
                           "start the next check")
    from catgen.checking.watch import CheckWatch
    from catgen.processes import terminate_as_interrupt

    code, polling = 2, None
    with terminate_as_interrupt(), CheckWatch(catalog_root) as watching:
        try:
            for outcome, seconds in watching.checks():
                if watching.polling != polling:  # from the start, or since a new folder went beyond a limit
                    polling = watching.polling
                    _say(f"note: {polling}; looking for changes every second instead")
                code = _watched_report(outcome, seconds, output_format, output, strict)
                _say(f"watching {log_safe(catalog_root)} for changes (Ctrl-C stops)")  # after: the code is kept
        except KeyboardInterrupt:
            pass
    return code


def _watched_report(outcome, seconds: float, output_format: str, output: str | None, strict: bool) -> int:
    if isinstance(outcome, CatalogError):
        _say(f"error: {log_safe(str(outcome))}")
        code = 2
    else:
        buffer = io.StringIO()
        REPORTERS[output_format](outcome, buffer, strict=strict)
        write_report(buffer.getvalue(), output)
        sys.stdout.flush()
        total, judged = len(outcome.catalog.manifests), outcome.judged
        done = f"all {total:,} files judged" if judged is None else f"{judged:,} of {total:,} files judged again"
        _say(f"checked in {seconds:.2f} s ({done})")
        code = outcome.exit_code(strict)
    return code


def _say(line: str) -> None:
    sys.stderr.write(f"catgen: {line}\n")
    sys.stderr.flush()


def _check(catalog_root: str, base_ref: str | None, changed: bool, use_cache: bool):
    # Each path imports only what it runs: the warm re-check is mostly start-up (benchmarks/README.md, issue 17).
    if base_ref is None and use_cache:  # the warm re-check: only what changed is judged again
        from catgen.checking.incremental import check_catalog

        return check_catalog(catalog_root)
    if base_ref is None:
        from catgen.load.catalog import open_catalog

        catalog = open_catalog(catalog_root, cache=False)
        from catgen.checking.engine import run_check  # after: its imports would delay the parse workers' start

        return run_check(catalog)
    from catgen.checking.warmbase import check_against_base_warm

    result = check_against_base_warm(catalog_root, base_ref) if use_cache and not changed else None
    if result is None:
        from catgen.checking.base import check_against_base, open_base
        from catgen.load.catalog import open_catalog

        catalog = open_catalog(catalog_root, cache=use_cache)
        base = open_base(catalog, catalog_root, base_ref)
        result = check_against_base(catalog, base, base_ref, changed_only=changed)
    if result.summary_extra["changes"]["policy"] != "base":
        note = f"{base_ref} has no policy; the working tree's policy judges this change"
        sys.stderr.write(f"catgen: note: {note}\n")
    return result
