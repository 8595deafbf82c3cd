"""Plain text: ``path:line:col: CODE name: message`` lines, then a summary line.

Every line is ``log_safe``: a file name or message with a line break, a control
character or ``##[`` in it stays on its own line, shown with escapes, so a CI
log never reads it as a workflow command.
"""

from __future__ import annotations

from catgen.errors import log_safe, log_safe_line


def report(result, stream, *, strict: bool = False) -> None:
    for found in result.findings:
        stream.write(format_finding(found) + "\n")
    stream.write(summary_line(result) + "\n")


def format_finding(found) -> str:
    marker = "" if found.level == "error" else " (warning)"
    return log_safe_line(f"{log_safe(found.path)}:{found.line}:{found.column}: {found.code} {found.name}:{marker} "
                         f"{log_safe(found.message)}")


def summary_line(result) -> str:
    summary = result.summary()
    parts = [f"{summary['manifests']} manifest{'s' if summary['manifests'] != 1 else ''} checked",
             _count(summary["errors"], "error"), _count(summary["warnings"], "warning")]
    if summary["waived"]:
        parts.append(f"{summary['waived']} waived by policy exceptions")
    changes = summary.get("changes")
    if changes:
        counts = f"{changes['added']} added, {changes['modified']} modified, {changes['deleted']} deleted"
        parts.append(f"{counts} since {changes['base']}")
    return log_safe_line(", ".join(parts))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'s' if number != 1 else ''}"
