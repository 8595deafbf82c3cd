"""The warm re-check (issue 17): judge again only what a change can affect.

``catgen check`` (with the cache, without ``--base``) keeps a state per catalog
folder (``checking/state.py``): what ``stat`` saw of each file, its digest, the
links below, and every raw finding by path. The next check lists the folder,
reads only the files whose ``stat`` differs (or that were written too close
to the state to trust their time), and when the bytes differ:

1. **affected**: the changed files (before and after) and every file whose
   verdict may read one of them, found backwards along the links;
2. **scope**: the affected files with everything *they* may read, found
   forwards; plus the policy;
3. every rule runs on the catalog made of the scope alone; its findings in
   affected files replace the stored ones, the stored findings of every other
   file stand, and the policy's levels and exceptions are applied to all.

A finding in a file reads at most (the *links*): the manifests its
references name, transitively (by identity folded to lower case, whatever
resolves); the manifests of its own identity (duplicates, unloadable files
whose path implies it); the Promotions of each asset it reads (its stage
history and registries) and the Workspaces that consume each registry it
reads (``BIDIRECTIONAL``: the only fields a rule reads from the target's
side); the deployments of its endpoint (CG513); and the policy. That is what
the rules in ``catgen.rules`` read (their findings are placed in the file they
are about); ``tests/checking/test_incremental.py`` compares this check with a
full one on random edits, additions and deletions.

A full check (and a new state) instead whenever in doubt: no state or one of
another shape, a changed policy file, a scope over half the catalog, a file
that changes while it is read, or a "now" that a date compared by a rule
separates from the state's (``checking/horizon.py``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from catgen.checking.engine import CheckResult, apply_policy, raw_findings
from catgen.checking.horizon import RecordingNow, narrower, within
from catgen.checking.state import (
    ANCHORS, DIGEST, GROUPS, IDENTITY, IMPLIED, KIND, MTIME, REFS, Records, StateStore, changed_paths,
    content_digest, key_text, keys_of, keys_text, trusted_before,
)
from catgen.dates import utc_now
from catgen.load import yamlsafe
from catgen.load.catalog import Catalog, read_catalog
from catgen.load.parsing import ParseCache, parse_all
from catgen.load.sources import DirectorySource, source_file
from catgen.model import Finding, Manifest, fold, identity_from_relpath
from catgen.policy import read_policy
from catgen.rules import RULES, Context

BIDIRECTIONAL = frozenset({("Promotion", "asset"), ("Workspace", "registries")})
POLICY_PATHS = frozenset({"policy.yaml", "policy.yml"})
LARGEST_SHARE = 0.5  # a scope over this share of the catalog: a full check costs about the same
PARSE_RATHER_THAN_LOOK_UP = 200


class Listed:
    """A source that lists ``entries`` (already listed) and notes the digest of each file it reads.

    Or the files the listing saw (``seen``, ``sources.Seen``): their ``SourceFile`` entries are made on first use.
    """

    def __init__(self, source, entries: list | None = None, *, seen: list | None = None):
        self.source, self.root = source, source.root
        self._entries, self.seen = entries, seen
        self.digests: dict = {}

    @property
    def entries(self) -> list:
        if self._entries is None:
            self._entries = [source_file(one) for one in self.seen]
        return self._entries

    def files(self) -> list:
        return list(self.entries)

    def read(self, relpath: str) -> bytes:
        raw = self.source.read(relpath)
        self.digests[relpath] = content_digest(raw)
        return raw

    def display(self, relpath: str) -> str:
        return self.source.display(relpath)


class _ReadOnlyCache:
    """The parse cache, looked up but never rewritten (a partial read must not prune it)."""

    def __init__(self, cache: ParseCache):
        self.cache = cache

    def get(self, digest: str):
        return self.cache.get(digest)

    def put(self, digest: str, packed: tuple) -> None:
        pass

    def save(self) -> None:
        pass


def check_catalog(root: str, *, now=None) -> CheckResult:
    """``catgen check`` of the folder ``root`` with the cache: from the stored state when it allows."""
    return check_with_state(root, now=now)[0]


def check_with_state(root: str, *, now=None, proceed=None, lister=None) -> tuple[CheckResult, Listed, Records] | None:
    """The check, the source it read (with its listing) and every file's record as the state now holds it.

    ``proceed``: asked once the folder is listed; False leaves before anything is judged or stored (None).
    ``lister``: what lists the folder (``DirectorySource.stats`` by default; ``catgen check --watch`` keeps its
    listing current instead, ``load/watchedtree.py``); called after the state notes when the listing began.
    """
    now = now or utc_now()
    source = DirectorySource(root)
    store = state_store(source)
    listing = source.stats() if lister is None else lister()
    if proceed is not None and not proceed():
        return None
    state = store.load()
    done = None
    if state is not None and within(state["horizon"], now):
        done = _incremental(source, listing, state, now, store)
    return done if done is not None else _full(source, listing, now, store)


def state_store(source: DirectorySource) -> StateStore:
    """Findings hold paths as shown from the current folder: a check from another folder has its own state."""
    return StateStore(f"{source.root}\n{source.display_root}")


def _full(source, listing: list, now, store: StateStore) -> tuple:
    listed = Listed(source, seen=listing)
    catalog = read_catalog(listed, ParseCache(source.root))
    digests = dict(listed.digests)  # as parsed: finding a line later reads a file again
    recording = RecordingNow(now)
    policy = read_policy(catalog.policy)
    ctx = Context(catalog, policy, recording, RULES, own_policy=policy)
    raw = raw_findings(ctx)
    seen = {one.relpath: one for one in listing}
    files = Records.of({m.relpath: record_of(m, seen[m.relpath], digests.get(m.relpath, ""))
                        for m in catalog.manifests})
    store.save(files, _by_path(raw), recording.span())
    return _result(catalog, raw, policy, now, graph=ctx.graph), listed, files


def _incremental(source, listing: list, state: dict, now, store: StateStore) -> tuple | None:
    """The check from ``state`` and the files that changed since, or None when only a full check will do."""
    stored, paths = state["files"], [seen.relpath for seen in listing]
    changed, restated = changed_paths(source, listing, paths, state)
    if not changed:
        files = _now_records(paths, stored, restated)
        if any(record != stored[path] or record[MTIME] < trusted_before(store.listed_ns)
               for path, record in restated.items()):  # else the stored state says as much: not written again
            store.save(files, state["findings"], state["horizon"])
        policies = [source_file(seen) for seen, kind in zip(listing, files.columns[KIND]) if kind == "Policy"]
        part = read_catalog(Listed(source, policies), parse=_parse_changed(set()))  # its findings are stored
        outline = _outline(source, files, {m.relpath: m for m in part.manifests})
        return _result(outline, _unpack(state["findings"]), read_policy(part.policy), now, judged=0), Listed(
            source, seen=listing), files
    fresh = _changed_records(source, [source_file(seen) for seen in listing if seen.relpath in changed], stored,
                             changed)
    if fresh is None:
        return None
    files = _now_records(paths, stored, {**restated, **fresh})
    links = Links(files, {path: stored[path] for path in changed if path in stored})
    affected = affected_paths(changed, stored, files, links)
    scope = scope_of(affected, files, links)
    if len(scope) > LARGEST_SHARE * len(files):
        return None
    judged = _judge(source, [source_file(seen) for seen in listing if seen.relpath in scope], files, changed, now)
    if judged is None:
        return None
    part, raw, policy, span = judged
    findings = _merged(state["findings"], _by_path(raw), {source.display(path) for path in affected},
                       {source.display(path) for path in changed})
    store.save(files, findings, narrower(state["horizon"], span))
    outline = _outline(source, files, {m.relpath: m for m in part.manifests})
    return _result(outline, _unpack(findings), policy, now, judged=len(scope)), Listed(source, seen=listing), files


def _now_records(paths: list, stored: Records, fresh: dict) -> Records:
    """Every listed file's record in listing order: ``fresh`` ones (path -> record), the stored one of the rest."""
    if paths == stored.paths:
        return stored.replaced(fresh) if fresh else stored
    return Records.of({path: fresh[path] if path in fresh else stored[path] for path in paths})


def _changed_records(source, entries: list, stored: Records, changed: set) -> dict | None:
    """The records of the changed files present now (read and identified), or None for a full check."""
    listed = Listed(source, entries)
    fresh = read_catalog(listed, None)
    if len(fresh.manifests) != len(entries):  # one vanished while it was read
        return None
    by_path = {entry.relpath: entry for entry in entries}
    records = {m.relpath: record_of(m, by_path[m.relpath], listed.digests.get(m.relpath, "")) for m in fresh.manifests}
    for path in changed:
        for record in (stored.get(path), records.get(path)):
            if record is not None and (record[KIND] == "Policy" or path in POLICY_PATHS):
                return None  # the policy judges every file
    return records


def _merged(stored: dict, fresh: dict, affected: set, changed: set) -> dict:
    """Stored findings where nothing changed, fresh ones in affected files.

    CG201 depends on a file's bytes alone and only unchanged files skip it
    (``_parse_changed``): theirs stand as stored.
    """
    merged = {path: found for path, found in stored.items() if path not in affected}
    for path in affected:
        found = fresh.get(path, [])
        if path not in changed:
            found = [f for f in found if f[0] != "CG201"] + [f for f in stored.get(path, []) if f[0] == "CG201"]
        if found:
            merged[path] = found
    return merged


def _judge(source, entries: list, files: dict, changed: set, now) -> tuple | None:
    """Every rule over the catalog made of ``entries`` alone: (catalog, raw findings, policy, span)."""
    listed = Listed(source, entries)
    if len(entries) > PARSE_RATHER_THAN_LOOK_UP:  # reading the whole parse cache costs less than parsing
        part = read_catalog(listed, _ReadOnlyCache(ParseCache(source.root)))
    else:
        part = read_catalog(listed, parse=_parse_changed({files[path][DIGEST] for path in changed if path in files}))
    if len(part.manifests) != len(entries):
        return None
    for manifest in part.manifests:
        expected = files[manifest.relpath][DIGEST]
        if listed.digests.get(manifest.relpath, "") != expected:  # changed since it was first read
            return None
    policy = read_policy(part.policy)
    recording = RecordingNow(now)
    ctx = Context(part, policy, recording, RULES, own_policy=policy)
    raw = raw_findings(ctx)
    return part, raw, policy, recording.span()


def _parse_changed(changed: set):
    """Parse (and validate, CG201) the files with the ``changed`` digests; only parse the others."""

    def parse(raws: list) -> list:
        digests = [content_digest(raw) for raw in raws]
        validated = iter(parse_all([raw for raw, digest in zip(raws, digests) if digest in changed]))
        return [next(validated) if digest in changed else (yamlsafe.load(raw), [])
                for raw, digest in zip(raws, digests)]

    return parse


def record_of(manifest: Manifest, entry, digest: str) -> tuple:
    """What the state keeps of one file (``checking/state.py`` names the fields); ``entry``: what the listing saw
    of it (a ``SourceFile`` or a ``sources.Seen``)."""
    implied = identity_from_relpath(manifest.relpath)
    keyed = [ref for ref in manifest.refs if ref.kind is not None]
    anchors = [ref for ref in keyed if (manifest.kind, ref.path[1]) in BIDIRECTIONAL]
    return (
        entry.size, entry.mtime_ns, entry.inode, entry.kind, digest, manifest.kind,
        key_text(fold(manifest.key)) if manifest.identified else None, key_text(fold(implied)) if implied else None,
        keys_text(fold(ref.key) for ref in keyed), keys_text(fold(ref.key) for ref in anchors),
        keys_text(_groups(manifest)),
    )


def _groups(manifest: Manifest) -> tuple:
    """Groups whose members read each other: the deployments of one endpoint (CG513)."""
    if manifest.kind != "Deployment":
        return ()
    workspace, endpoint = manifest.spec.get("workspace"), manifest.spec.get("endpoint")
    if isinstance(workspace, str) and isinstance(endpoint, str):
        return (("endpoint", workspace.casefold(), endpoint.casefold()),)
    return ()


class Links:
    """The links between files' records, indexed both ways (``before``: the changed files' old records too)."""

    def __init__(self, files: Records, before: dict):
        self.holders, self.referrers = defaultdict(list), defaultdict(list)
        self.anchored, self.members = defaultdict(list), defaultdict(list)
        for records in (files, Records.of(before)):
            paths, columns = records.paths, records.columns
            for field in (IDENTITY, IMPLIED):  # column by column: no tuple per record
                for path, key in zip(paths, columns[field]):
                    if key is not None:
                        self.holders[key].append(path)
            for links, field in ((self.referrers, REFS), (self.anchored, ANCHORS), (self.members, GROUPS)):
                for path, text in zip(paths, columns[field]):
                    if text:
                        for key in keys_of(text):
                            links[key].append(path)


def _own_keys(record: tuple) -> list:
    return [key for key in (record[IDENTITY], record[IMPLIED]) if key is not None]


def affected_paths(changed: set, before: dict, after: dict, links: Links) -> set:
    """The changed files and every file whose findings may read one of them (the links, backwards)."""
    found, pending, walked = set(changed), list(changed), set()
    while pending:
        path = pending.pop()
        for record in (before.get(path), after.get(path)):
            if record is None:
                continue
            near = [(index, key) for key in _own_keys(record) for index in (links.referrers, links.holders)]
            near += [(links.holders, key) for key in keys_of(record[ANCHORS])]
            near += [(links.members, group) for group in keys_of(record[GROUPS])]
            _follow(near, walked, found, pending)
    return found


def _follow(near: list, walked: set, found: set, pending: list, present=None) -> None:
    """Add the paths under each (index, key) of ``near`` to ``found`` and ``pending``; each key is walked once
    (a thousand deployments of one endpoint would otherwise walk its thousand members a thousand times)."""
    for index, key in near:
        if (id(index), key) in walked:
            continue
        walked.add((id(index), key))
        for other in index[key]:
            if other not in found and (present is None or other in present):
                found.add(other)
                pending.append(other)


def scope_of(affected: set, files: Records, links: Links) -> set:
    """The files present now that the affected files' findings may read (the links, forwards), and the policy.

    ``links`` may hold the old links of changed files too: a path no longer present is left out.
    """
    found = {path for path in affected if path in files}
    pending, walked = list(found), set()
    while pending:
        record = files[pending.pop()]
        near = [(links.holders, key) for key in keys_of(record[REFS])]
        near += [(index, key) for key in _own_keys(record) for index in (links.holders, links.anchored)]
        near += [(links.members, group) for group in keys_of(record[GROUPS])]
        _follow(near, walked, found, pending, files)
    return found | {path for path, kind in zip(files.paths, files.columns[KIND]) if kind == "Policy"}


def _outline(source, files: Records, known: dict | None = None) -> Catalog:
    """The catalog as reporters read it: every file in path order (those judged again in full)."""
    known = known or {}
    present, kinds = files.paths, files.columns[KIND]

    def manifests() -> list:
        return [known.get(path) or Manifest(path, source.display(path), kind=kind)
                for path, kind in zip(present, kinds)]

    return Catalog(source, OutlineManifests(manifests, len(present)))


class OutlineManifests(Sequence):
    """The manifests of the outline, made on first use: most reports only count them."""

    def __init__(self, make, count: int):
        self._make, self._count, self._made = make, count, None

    def __len__(self) -> int:
        return self._count

    def _all(self) -> list:
        if self._made is None:
            self._made = self._make()
        return self._made

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self):
        return iter(self._all())


def _by_path(findings: list) -> dict:
    by_path: dict = {}
    for found in findings:
        by_path.setdefault(found.path, []).append(
            (found.code, found.name, found.level, found.path, found.line, found.column, found.message, found.subject)
        )
    return by_path


def _unpack(findings: dict) -> list:
    return [Finding(*found) for path in sorted(findings) for found in findings[path]]


def _result(catalog: Catalog, raw: list, policy, now, graph=None, judged=None) -> CheckResult:
    """The result a full check gives: levels and exceptions applied, findings in report order."""
    reported, waived = apply_policy(raw, policy, now)
    reported.sort(key=lambda f: f.sort_key)
    waived.sort(key=lambda f: f.sort_key)
    return CheckResult(catalog, reported, waived, graph=graph, policy=policy, judged=judged)
