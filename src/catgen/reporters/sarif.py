"""SARIF 2.1.0, for code-scanning uploads (GitHub, Azure DevOps, any SARIF viewer).

One run whose ``tool.driver.rules`` lists every rule catgen defines, in code
order, so a result's ``ruleIndex`` is stable for a given catgen version.
Locations are repository-relative (``uriBaseId`` ``%SRCROOT%``), because code
scanning matches results to files of the repository, not of the current
directory. ``partialFingerprints`` leave line numbers out, so a finding keeps
its identity (and its dismissal) when unrelated lines move around it.

A file name that is not UTF-8 is percent-encoded byte for byte in the URI (the
file's real name) and shown with ``\\xNN`` escapes in text; characters a CI log
could act on are ``\\uXXXX`` escapes (``_inert``).

Links go to the user's own catalog site (``catgen.siteurl``: ``CATGEN_SITE_URL`` or
``site_url`` in ``mkdocs.yml``): ``helpUri`` is the rule's section of its rules page.
Without a site address there is no link (both are optional in SARIF); the help
text then names ``catgen rules CODE``, which prints the same documentation.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import quote

from catgen import __version__
from catgen.reporters._inert import inert_json
from catgen.reporters._paths import RepositoryPaths
from catgen.siteurl import site_url

SARIF_SCHEMA = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
SOURCE_ROOT = "%SRCROOT%"
FINGERPRINT_KEY = "catgenFingerprint/v1"

# Positions inside a message (a parser's "line 3", "models/x/1.yaml:4:2") move with
# unrelated edits; they are blanked before fingerprinting. Versions are kept.
_POSITIONS = re.compile(r"\b(line|column|position) \d+|(\.ya?ml):\d+(?::\d+)?")


def report(result, stream, *, strict: bool = False) -> None:
    stream.write(inert_json(sarif_log(result), indent=2))
    stream.write("\n")


def sarif_log(result) -> dict:
    """The whole SARIF document for one check result."""
    from catgen.rules import RULES

    rules = [RULES[code] for code in sorted(RULES)]
    index = {r.code: i for i, r in enumerate(rules)}
    paths = RepositoryPaths()
    site = site_url()
    driver = {"name": "catgen", "version": __version__, "semanticVersion": __version__}
    if site:
        driver["informationUri"] = site
    driver["rules"] = [rule_descriptor(r, site) for r in rules]
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "columnKind": "unicodeCodePoints",
            "results": [sarif_result(f, index, paths) for f in result.findings],
        }],
    }


def rule_descriptor(rule, site: str | None = None) -> dict:
    """The rule's SARIF description; ``site`` is the catalog site's address (``catgen.siteurl``), if known."""
    full = _unwrap(rule.doc) or rule.summary
    where = help_uri(rule, site) if site else f"`catgen rules {rule.code}`"
    descriptor = {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full},
        "help": {"text": f"{full}\n\nSee {where}"},
    }
    if site:
        descriptor["helpUri"] = help_uri(rule, site)
    descriptor.update({"defaultConfiguration": {"level": rule.level}, "properties": {"tags": ["catgen", rule.family]}})
    return descriptor


def _unwrap(doc: str) -> str:
    """A docstring's paragraphs, each on one line: viewers wrap text themselves."""
    paragraphs = (" ".join(p.split()) for p in doc.split("\n\n"))
    return "\n\n".join(p for p in paragraphs if p)


def help_uri(rule, site: str) -> str:
    """The rule's section of the site's rules page: the anchor of its heading ``### CG302 dangling-ref``."""
    return f"{site}rules/#{rule.code.lower()}-{rule.name}"


def sarif_result(found, rule_index: dict, paths: "RepositoryPaths") -> dict:
    uri = paths.relative(found.path)
    entry = {"ruleId": found.code}
    if found.code in rule_index:
        entry["ruleIndex"] = rule_index[found.code]
    entry.update({
        "level": found.level,
        "message": {"text": found.message},
        "locations": [{"physicalLocation": {
            "artifactLocation": {"uri": quote(_raw_bytes(uri), safe="/"), "uriBaseId": SOURCE_ROOT},
            "region": {"startLine": found.line, "startColumn": found.column},
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: fingerprint(found, uri)},
    })
    if found.subject:
        entry["properties"] = {"subject": found.subject}
    return entry


def fingerprint(found, repository_path: str) -> str:
    """sha256 of code, path, subject and message: no line or column, so it survives moves."""
    message = _POSITIONS.sub(lambda m: m.group(2) or m.group(1), found.message)
    parts = (found.code, repository_path, found.subject or "", message)
    return hashlib.sha256(_raw_bytes("\0".join(parts))).hexdigest()


def _raw_bytes(text: str) -> bytes:
    """UTF-8, with the undecodable bytes of a file name (surrogate escapes) given back as they were."""
    try:
        return text.encode("utf-8", "surrogateescape")
    except UnicodeEncodeError:  # a lone surrogate that is no escaped byte (a YAML "\ud800" escape)
        return text.encode("utf-8", "surrogatepass")
