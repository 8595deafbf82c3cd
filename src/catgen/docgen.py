"""Generate the rules pages from the rule registry, so they never drift from the rules.

Every rule documents itself in its docstring (first paragraph: the summary)
and is declared with its examples (``catgen.rules.example``). This module
turns ``catgen.rules`` into Markdown:

- ``docs/rules.md``: a table per family (code, name, default level, summary),
  then each rule's full text;
- ``docs/rules/<family>.md``, one page per family (named after its module in
  ``FAMILIES``; a family may span several modules, e.g. CG5xx): the family's intro
  (``INTRO`` of ``catgen.rules.<family>_examples``), then each rule's text and
  its examples, each fenced block a file the example writes (a ``diff`` for an
  edit of the example catalog's file).

A test compares the committed pages with this output; after adding or changing
a rule or an example, regenerate them with ``python -m catgen.docgen --write``
(``--check`` exits 1 when a page is out of date; no option prints
``docs/rules.md``).
"""

from __future__ import annotations

import argparse
import sys
from itertools import groupby
from pathlib import Path

from catgen.rules import FAMILIES, RULES
from catgen.rules.example import Padded, Replace, Symlink

REGENERATE = "python -m catgen.docgen --write"

INTRO = f"""\
# Rules

<!-- Generated from the rules' docstrings by `{REGENERATE}`. Do not edit by hand. -->

`catgen check` runs every rule below over the whole catalog. Each finding names its
rule's code and name, the file, line and column, and the *subject* (the asset at fault).

Rules CG1xx-CG3xx apply to every manifest: they are always errors, and the policy can
neither lower them nor waive them. The policy's `rules:` can set any other rule to
`error`, `warning` or `off`, and its `exceptions:` can waive a rule for one subject
until a date. The "default level" column is the level when the policy says nothing.
"""

EXAMPLES_NOTE = """\
Each rule below has an example that **fails** and one that **passes**, written as a change to
the example catalog (`catalog/`): each block is a file the change writes, whole, or edits (a
`diff` of the example catalog's file); a file shown as `# deleted` is deleted. The examples are
declared next to the rules (`src/catgen/rules/{family}_examples.py`), and the test suite
(`tests/rules/test_examples.py`) runs every one on a fresh copy of the example catalog as of
2026-01-15: a failing example must report the rule in the file and at the line shown, and
nothing else it does not name; a passing example must leave the catalog with no finding at all.
"""


def rules_markdown(rules: dict | None = None) -> str:
    """The rules page: a summary table per family, then every rule's documentation."""
    rules = RULES if rules is None else rules
    ordered = sorted(rules.values(), key=lambda r: r.code)
    sections = [INTRO]
    for family, members in groupby(ordered, key=lambda r: r.family):
        sections.append(_family_section(family, list(members)))
    return "\n".join(sections)


def _family_section(family: str, members: list) -> str:
    lines = [f"## {_family_title(family)}", ""]
    page = _family_page_name(family)
    if page:
        lines += [f"Examples of each rule, failing and passing: [{page} rules](rules/{page}.md).", ""]
    lines += ["| code | name | default level | summary |", "|---|---|---|---|"]
    for found in members:
        link = f"[{found.code}](#{_anchor(found)})"
        lines.append(f"| {link} | `{found.name}` | {found.level} | {_cell(found.summary)} |")
    lines.append("")
    for found in members:
        lines += [f"### {found.code} {found.name}", "", found.doc.strip() or found.summary, ""]
    return "\n".join(lines)


def _family_module(family: str):
    """The family module of ``CG1xx`` and so on, by the first line of its docstring."""
    for module in FAMILIES:
        if (module.__doc__ or "").strip().startswith(family):
            return module
    return None


def _family_title(family: str) -> str:
    """``CG1xx: reading files safely``, from the first line of the family module's docstring."""
    module = _family_module(family)
    return module.__doc__.strip().split("\n", 1)[0].rstrip(".") if module is not None else family


def _family_page_name(family: str) -> str | None:
    module = _family_module(family)
    return module.__name__.rsplit(".", 1)[-1] if module is not None else None


def _anchor(found) -> str:
    """The heading id MkDocs and GitHub give ``### CG101 yaml-syntax``."""
    return f"{found.code} {found.name}".lower().replace(" ", "-")


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return " ".join(text.split()).replace("|", "\\|")


def family_pages() -> dict[str, str]:
    """``rules/<family>.md`` -> the family's page, for every family module."""
    return {f"rules/{module.__name__.rsplit('.', 1)[-1]}.md": family_markdown(module) for module in FAMILIES}


def family_markdown(module) -> str:
    """One family's page: its intro, then the documentation and examples of every rule of the family."""
    name = module.__name__.rsplit(".", 1)[-1]
    family = module.RULES[0].family
    members = [found for code, found in sorted(RULES.items()) if found.family == family]
    lines = [
        f"# {name.capitalize()} rules ({members[0].code}-{members[-1].code})", "",
        f"<!-- Generated from the rules and their examples by `{REGENERATE}`. Do not edit by hand. -->", "",
        _examples_module(module).INTRO, EXAMPLES_NOTE.format(family=name),
    ]
    for found in members:
        lines += [f"## {found.code} {found.name}", "", found.doc.strip() or found.summary, ""]
        for example in found.examples:
            lines += _example_markdown(found, example)
    return "\n".join(lines).rstrip("\n") + "\n"


def _examples_module(module):
    """``catgen.rules.<family>_examples``, which the family module imports for its ``@rule`` declarations."""
    return getattr(module, module.__name__.rsplit(".", 1)[-1] + "_examples")


def _example_markdown(found, example) -> list[str]:
    label = "Fails" if example.fires else "Passes"
    lines = [f"**{label}**: {example.title}", ""]
    if example.fires:
        also = f" (and {', '.join(example.also)})" if example.also else ""
        lines += [f"`catgen check{' --base' if example.base else ''}` reports {found.code}{also} at "
                  f"`catalog/{example.path}`, line {example.line}.", ""]
    elif example.base:
        lines += ["`catgen check --base` reports nothing.", ""]
    for relpath, content in example.files:
        lines += _file_markdown(f"catalog/{relpath}", content) + [""]
    return lines


def _file_markdown(path: str, content) -> list[str]:
    """A fenced block showing what the example does to one file."""
    if content is None:
        return [f'```yaml title="{path}"', "# deleted", "```"]
    if isinstance(content, Symlink):
        return [f"`{path}` is a symbolic link to `{content.target}`."]
    if isinstance(content, Padded):
        return [f'```yaml title="{path}"', content.text.rstrip("\n"),
                f"# ... a comment line that pads the file to {content.size:,} bytes", "```"]
    if isinstance(content, Replace):
        lines = [f'```diff title="{path}"']
        for old, new in content.pairs:
            lines += [f"-{line}" for line in old.splitlines()] + [f"+{line}" for line in new.splitlines()]
        return lines + ["```"]
    if isinstance(content, bytes):
        text = content.decode("utf-8", errors="backslashreplace")
        return [f'```yaml title="{path} (not UTF-8: the bytes shown as \\x escapes)"', text.rstrip("\n"), "```"]
    return [f'```yaml title="{path}"', content.rstrip("\n"), "```"]


def all_pages() -> dict[str, str]:
    """Every generated page, by its path under ``docs/``."""
    return {"rules.md": rules_markdown(), **family_pages()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m catgen.docgen", description=__doc__.split("\n\n")[0])
    action = parser.add_mutually_exclusive_group()
    action.add_argument("--write", action="store_true", help="write the pages into DOCS")
    action.add_argument("--check", action="store_true", help="exit 1 when a page in DOCS is out of date")
    parser.add_argument("--docs", default="docs", help="the docs folder (default: docs)")
    args = parser.parse_args(argv)
    if not (args.write or args.check):
        sys.stdout.write(rules_markdown())
        return 0
    stale = []
    for relpath, text in all_pages().items():
        target = Path(args.docs) / relpath
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(str(target))
        if args.write:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
    if args.check and stale:
        sys.stderr.write(f"out of date: {', '.join(stale)}; run `{REGENERATE}`\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
