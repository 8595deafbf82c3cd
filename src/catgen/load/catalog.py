"""Open a catalog once: read every manifest, identify it, index it, resolve references.

``open_catalog`` is the one way every command, the site and the tests open a
catalog, from the working tree or from a git revision, with or without the
parse cache.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catgen.errors import CatalogError
from catgen.load import yamlsafe
from catgen.load.parsing import ParseCache, ParseStream, parse_all
from catgen.load.sources import DirectorySource, SourceFile
from catgen.load.yamlsafe import Problem
from catgen.model import (
    API_VERSION, KINDS, NAME_RE, REFERENCE_FIELDS, VERSION_RE, Manifest, Ref, fold, identity_from_relpath,
    parse_ref_text,
)


@dataclass
class Catalog:
    """Every manifest of one catalog, in path order, indexed by identity."""

    source: object
    manifests: list[Manifest]
    index: dict = field(default_factory=dict)  # exact identity -> first manifest in path order
    folded: dict = field(default_factory=dict)  # folded identity -> manifests in path order
    broken: set = field(default_factory=set)  # identities implied by paths of unloadable files
    parse_cache: ParseCache | None = field(default=None, repr=False)  # shared with a second open (--base)
    _by_kind: dict | None = field(default=None, repr=False)

    @property
    def policies(self) -> list[Manifest]:
        # The one at the canonical path first: a stray Policy elsewhere (which
        # may sort earlier) must never become the policy that judges the catalog.
        policies = [m for m in self.manifests if m.kind == "Policy"]
        return sorted(policies, key=lambda m: m.relpath not in ("policy.yaml", "policy.yml"))

    @property
    def policy(self) -> Manifest | None:
        policies = self.policies
        return policies[0] if policies else None

    def get(self, kind: str, name: str, version: str | None = None) -> Manifest | None:
        return self.index.get((kind, name, version))

    def find(self, text: str) -> Manifest:
        """The manifest a reference names, or a one-line ``CatalogError`` (with a near miss, if any)."""
        kind, name, version = parse_ref_text(text)
        if kind is None:
            raise CatalogError(f"{text!r} is not a reference like model:credit-risk@3 or job:train-0912")
        found = self.get(kind, name, version)
        if found is None:
            near = self.folded.get(fold((kind, name, version)))
            hint = f"; did you mean {near[0].ref}?" if near else ""
            raise CatalogError(f"{text} names no manifest in {self.display('') or '.'}{hint}")
        return found

    def of_kind(self, kind: str) -> list[Manifest]:
        """Manifests of ``kind`` in path order (indexed once: rules ask often)."""
        if self._by_kind is None:
            self._by_kind = {}
            for manifest in self.manifests:
                self._by_kind.setdefault(manifest.kind, []).append(manifest)
        return list(self._by_kind.get(kind, ()))

    def display(self, relpath: str) -> str:
        return self.source.display(relpath)


def open_catalog(root: str, *, ref: str | None = None, cache: bool | ParseCache = True) -> Catalog:
    """The catalog in the folder ``root``: as it is on disk, or as it is at the git revision ``ref``.

    ``cache`` is ``True`` for the user's parse cache of this catalog folder,
    ``False`` to parse every file, or a ``ParseCache`` to share (the base of
    ``--base`` shares the working tree's: most files have the same bytes).
    Raises ``CatalogError`` when the catalog cannot be read at all.
    """
    if ref is None:
        source = DirectorySource(root)
    else:
        from catgen.load.gitsource import GitSource  # git runs only for a revision

        source = GitSource(root, ref)
    parse_cache = ParseCache(source.root) if cache is True else (cache or None)
    return read_catalog(source, parse_cache)


def read_catalog(source, parse_cache: ParseCache | None = None, *, parse=None) -> Catalog:
    """Read, identify and index every manifest ``source`` lists; resolve references.

    ``source`` is a ``DirectorySource``, a ``GitSource`` or anything with their
    ``files()``, ``read()`` and ``display()``; ``open_catalog`` picks one.
    ``parse`` (bytes of many files -> ``parse_all``'s results) replaces ``parse_all``:
    the warm re-check (``checking/incremental.py``) validates only the files that changed.
    """
    parsed_refs: dict = {}  # texts repeat (a workspace, a registry, an environment): each is parsed once

    def prepare(manifest: Manifest) -> None:  # what a manifest alone tells: its identity and the refs it writes
        _identify(manifest)
        manifest.refs = list(_extract_refs(manifest, parsed_refs))

    if parse is None and parse_cache is None and isinstance(source, DirectorySource):
        manifests = _list_and_load(source, prepare)  # no cache to look bytes up in: parsed while the folder is listed
    else:
        read_parse = _read_then_parse(parse or (lambda raws: parse_all(raws, parse_cache)))
        manifests = _load_files(source, source.files(), read_parse)
        for manifest in manifests:
            prepare(manifest)
    catalog = Catalog(source, manifests, parse_cache=parse_cache)
    for manifest in manifests:
        if manifest.problem is not None or manifest.kind is None:
            implied = identity_from_relpath(manifest.relpath)
            if implied:
                catalog.broken.add(fold(implied))
        elif manifest.identified:
            catalog.index.setdefault(manifest.key, manifest)
            catalog.folded.setdefault(fold(manifest.key), []).append(manifest)
    for manifest in manifests:
        for ref in manifest.refs:
            ref.target = catalog.index.get((ref.kind, ref.name, ref.version)) if ref.kind else None
    return catalog


def _list_and_load(source: DirectorySource, prepare) -> list[Manifest]:
    """Every listed file's manifest in path order, each ``prepare``d as its chunk comes back from the workers:
    this process works while they parse the rest, instead of after (a cold check's only idle core)."""
    entries, made = [], {}
    with ParseStream(source) as stream:
        for entry in source.walk():
            entries.append(entry)
            if _unread_problem(entry) is None:
                stream.add(entry.relpath)
        for relpath, result in stream.each_result():
            made[relpath] = None if result is None else _prepared(source, relpath, prepare, result=result)
    manifests = []
    for entry in sorted(entries, key=lambda entry: entry.relpath):
        if entry.relpath not in made:  # never opened: a link, a pipe, a file too large
            manifests.append(_prepared(source, entry.relpath, prepare, problem=_unread_problem(entry)))
        elif made[entry.relpath] is not None:  # else it vanished since it was listed
            manifests.append(made[entry.relpath])
    return manifests


def _prepared(source, relpath: str, prepare, *, result: tuple | None = None, problem: Problem | None = None):
    manifest = Manifest(relpath, source.display(relpath), source=source)
    manifest.problem = problem
    if result is not None:
        _take(manifest, result)
    prepare(manifest)
    return manifest


def _load_files(source, entries: list[SourceFile], read_parse) -> list[Manifest]:
    manifests = [Manifest(entry.relpath, source.display(entry.relpath), source=source) for entry in entries]
    readable = []
    for manifest, entry in zip(manifests, entries):
        manifest.problem = _unread_problem(entry)
        if manifest.problem is None:
            readable.append(manifest)
    results = read_parse(source, [m.relpath for m in readable])
    vanished = {m.relpath for m, result in zip(readable, results) if result is None}
    for manifest, result in zip(readable, results):
        if result is not None:
            _take(manifest, result)
    return [m for m in manifests if m.relpath not in vanished]


def _take(manifest: Manifest, result: tuple) -> None:
    """Set the parse ``(document or problem, CG201 problems)`` on ``manifest``."""
    loaded, schema_problems = result
    if isinstance(loaded, Problem):
        manifest.problem = loaded
    else:
        manifest.document, manifest.schema_problems = loaded, schema_problems


def _unread_problem(entry: SourceFile) -> Problem | None:
    """CG106 for what catgen never opens: links and files that are not regular files; CG105 for one too large
    when the listing knows its size (before reading a byte; a cold listing does not, and the read caps it).
    None for a file to read."""
    if entry.size > yamlsafe.MAX_BYTES:
        return yamlsafe.too_large(entry.size)
    if not (entry.symlink or entry.special):
        return None
    if entry.special:
        return Problem("CG106", 1, 1, "not a regular file (a named pipe, socket or device); catgen does not open it")
    if entry.folder:
        return Problem("CG106", 1, 1, "a symbolic link to a folder; catgen does not follow links, so nothing in it "
                                      "is checked: put the manifests themselves in the catalog")
    message = "a symbolic link; catgen does not follow links, put the manifest itself in the catalog"
    return Problem("CG106", 1, 1, message)


def _read_then_parse(parse):
    """Read every file here, then ``parse`` all the bytes: each file's result, ``None`` for one that vanished.

    A file that vanished between listing and reading was removed while the
    catalog was read (a branch switch, an editor, ``catgen serve`` watching):
    the catalog is read as it is now, without it, rather than failing.
    """
    def read_parse(source, relpaths: list[str]) -> list:
        raws, present = [], []
        for relpath in relpaths:
            try:
                raws.append(source.read(relpath))
                present.append(True)
            except FileNotFoundError:
                present.append(False)
        parsed = iter(parse(raws))
        return [next(parsed) if here else None for here in present]
    return read_parse


def _identify(manifest: Manifest) -> None:
    """Set kind, name and version from the data, where they are well-formed."""
    if manifest.document is None:
        return
    data = manifest.data
    kind = data.get("kind")
    if data.get("apiVersion") != API_VERSION or not isinstance(kind, str) or kind not in KINDS:
        return
    manifest.kind = kind
    # A name or version that breaks its pattern (CG201) gives no identity: it
    # could not be a path or an address, so it never becomes one.
    name, version = manifest.metadata.get("name"), manifest.metadata.get("version")
    manifest.name = name if isinstance(name, str) and NAME_RE.match(name) else None
    if isinstance(version, int) and not isinstance(version, bool):
        version = str(version)
    valid_version = isinstance(version, str) and VERSION_RE.match(version)
    manifest.version = version if valid_version and KINDS[kind].versioned else None


def _extract_refs(manifest: Manifest, parsed: dict):
    """Every reference the manifest writes, in the fields SPEC §5 defines; ``parsed``: text -> its parse, kept."""
    if manifest.kind is None:
        return
    spec = manifest.data.get("spec")
    if not isinstance(spec, dict):
        return
    for pattern, accepts in REFERENCE_FIELDS.get(manifest.kind, {}).items():
        for path, value in _walk(spec, pattern):
            if isinstance(value, str):
                known = parsed.get(value)
                if known is None:
                    known = parsed[value] = parse_ref_text(value)
                yield Ref(manifest, path, value, accepts, *known)


def _walk(spec: dict, pattern: tuple):
    """(path, value) at ``("spec", field)`` or at each key or index of ``("spec", field, "*")``.

    These are the only two shapes of ``REFERENCE_FIELDS`` (tests/test_model.py keeps it so).
    """
    if pattern[1] not in spec:
        return
    value = spec[pattern[1]]
    if len(pattern) == 2:
        yield pattern, value
        return
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for key, child in items:
        yield (pattern[0], pattern[1], key), child

