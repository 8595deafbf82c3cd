"""GitHub Actions: one workflow-command annotation per finding, then the text report.

``::error file=PATH,line=L,col=C,title=CODE name::message`` (``::warning`` for
warnings) puts each finding on the pull request's diff. GitHub shows only 10
annotations of each type per step, so the full plain-text report and its
summary line follow, for the step log. File paths are repository-relative, as
GitHub resolves them against the repository root whatever the working
directory. This reporter writes only to its stream (never to
``GITHUB_STEP_SUMMARY``: the action does that, see docs/ci.md).

The annotations are the only workflow commands catgen writes. Their values are
``log_safe`` (one line, no ``##``), then escaped by GitHub's rules (``%``,
carriage return and line feed in the message; also ``:`` and ``,`` in
properties), so a value can neither end the command early nor start another.
"""

from __future__ import annotations

from catgen.errors import log_safe
from catgen.reporters import text
from catgen.reporters._paths import RepositoryPaths


def report(result, stream, *, strict: bool = False) -> None:
    paths = RepositoryPaths()
    for found in result.findings:
        stream.write(annotation(found, paths.relative(found.path)) + "\n")
    text.report(result, stream, strict=strict)


def annotation(found, path: str) -> str:
    command = "error" if found.level == "error" else "warning"
    properties = {"file": path, "line": found.line, "col": found.column, "title": f"{found.code} {found.name}"}
    joined = ",".join(f"{key}={escape_property(log_safe(value))}" for key, value in properties.items())
    return f"::{command} {joined}::{escape_data(log_safe(found.message))}"


def escape_data(value: str) -> str:
    """Escape a command's message: ``%`` first, so the escapes are not escaped again."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value: as a message, plus the ``:`` and ``,`` that delimit properties."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")
