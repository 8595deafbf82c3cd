"""What each page job reads while it renders: its inputs, named so a later build can evaluate them again.

A page job (``pages.generate.page_jobs``: one manifest's page, one asset's page, the used-by pages, a kind's
further index pages) renders from what it reads of the site model. While it renders, ``Recording`` notes each
read as an *input*, a key of plain data:

- a manifest whose content it reads (``document``, and so ``data``, ``spec``, ``metadata``...; ``refs``,
  ``problem``, ``schema_problems``, ``source``), or the job's own manifest: ``("M", relpath)``. Its digest
  covers all a ``Manifest`` holds: its path, document, problems, identity, and each reference with the
  relpath it resolved to;
- a call of a method of the site model, the lineage graph or the timeline: ``(owner, name, args, kwargs)``,
  each argument as plain data (a manifest as ``("M", relpath)``). Its digest is that of the answer, with
  each manifest in it as its *token*: relpath, path, kind, name and version. A manifest reaches a page only
  through such an answer, an attribute below or its job, so the token covers what a page reads of it
  without reading its content (its identity, its address); its content is an input of its own;
- any other attribute of those three (``site.by_kind``, ``timeline.versions``): ``(owner, name)``, whole.

What a recorded call reads inside is not an input of its own: its answer covers it. ``digest`` evaluates an
input against this build's site model (a manifest by its relpath, a call by calling it again), the same way
while recording and when a rebuild checks a record, so two builds agree exactly when the answers do. A job
that reads through anything else (an argument or an answer of a type that has no plain form, another site
model, a generator) gets no inputs (``None``), and is rendered every time.

The hooks are class attributes set only while ``installed`` (a data descriptor per content field of
``Manifest``, ``__getattribute__`` of ``SiteModel``, ``LineageGraph`` and ``Timeline``), and they record
only in the thread that renders.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import inspect
import marshal
from functools import cache, lru_cache
from datetime import date, datetime
from threading import get_ident

from catgen.graph.lineage import Edge, LineageGraph
from catgen.history.timeline import Timeline
from catgen.model import Manifest
from catgen.website.sitemodel import SiteModel

MAX_DEPTH = 64  # deeper answers have no plain form (nothing the pages ask is half as deep)
OWNERS = {"site": SiteModel, "graph": LineageGraph, "timeline": Timeline}
_get = object.__getattribute__
_ABSENT = object()
_RECORDING: "Recording | None" = None  # the one recording in this process, while its hooks are installed


class Unnamed(Exception):
    """A read with no plain name or answer: the job has no key."""


class Noted:
    __slots__ = ("inputs",)

    def __init__(self):
        self.inputs: list | None = None


class Recording:
    """The inputs of each job rendered from ``site``, and the digest of every input asked about."""

    def __init__(self, site):
        self.site = site
        self.owners = {"site": site, "graph": site.graph, "timeline": site.timeline}
        self.thread = get_ident()
        self.depth = 0  # > 0 inside a recorded call or an evaluation: nothing is an input there
        self.manifests: set | None = None  # the job's manifests read, while one renders
        self.inputs: set = set()  # the job's other inputs
        self.unnamed = False
        self.digests: dict = {}  # input -> digest (None: it cannot be evaluated), for this site model
        self.calls: dict = {owner: {} for owner in OWNERS}  # owner -> method name -> its ``_RecordedCall``
        self.tokens = Tokens(site.url_of)  # manifest -> its token, with its page's address
        self._by_relpath: dict | None = None

    @contextlib.contextmanager
    def job(self, own=None):
        """Record one job's inputs (``own``: its manifest, always one); yields a ``Noted`` whose ``inputs`` are
        theirs afterwards (None when one of them has no name, or no digest)."""
        noted = Noted()
        self.manifests, self.inputs, self.unnamed = set() if own is None else {own}, set(), False
        try:
            yield noted
        finally:
            manifests, self.manifests = self.manifests, None
            if not self.unnamed:
                inputs = list(self.inputs.union([("M", m.relpath) for m in manifests]))
                if all(self.digest(key) is not None for key in inputs):
                    noted.inputs = inputs

    def call(self, owner: str, name: str, method, args: tuple, kwargs: dict):
        """Call ``method``, noting the call (or the one it is ``READ_AS``) as an input, and its digest once."""
        read_as = READ_AS.get((owner, name))
        named, named_args, named_kwargs = (name, args, kwargs) if read_as is None else read_as(*args, **kwargs)
        key = None
        if not named_kwargs and len(named_args) == 1 and type(named_args[0]) is Manifest:  # most calls: one manifest
            key = (owner, named, (("M", named_args[0].relpath),), ())
        else:
            try:
                key = (owner, named, tuple(self.name_of(a) for a in named_args),
                       tuple(sorted((k, self.name_of(v)) for k, v in named_kwargs.items())))
            except Unnamed:
                self.unnamed = True
        self.depth += 1
        try:
            result = method(*args, **kwargs)
            if key is not None:
                self.inputs.add(key)
                if read_as is not None:
                    self.digest(key)  # the answer it is made from, as a rebuild evaluates it
                elif key not in self.digests:  # as ``digest`` would evaluate it, without calling it again
                    self.digests[key] = _answer_digest(result, self.tokens)
            return result
        finally:
            self.depth -= 1

    def name_of(self, value):
        """An argument as plain data; ``resolve`` turns it back into the object."""
        kind = type(value)
        if value is None or kind in (str, int, float, bool):
            return value
        if kind is Manifest:
            return ("M", value.relpath)
        if kind is tuple:
            return ("t", tuple(self.name_of(v) for v in value))
        if kind in (set, frozenset):
            return ("s", tuple(sorted((self.name_of(v) for v in value), key=repr)))
        if value is self.site.policy:
            return ("P",)
        raise Unnamed(kind.__name__)

    def resolve(self, value):
        if not isinstance(value, tuple):
            return value
        tag = value[0]
        if tag == "M":
            return self.manifest(value[1])
        if tag == "t":
            return tuple(self.resolve(v) for v in value[1])
        if tag == "s":
            return frozenset(self.resolve(v) for v in value[1])
        if tag == "P":
            return self.site.policy
        raise Unnamed(repr(tag))

    def manifest(self, relpath: str):
        if self._by_relpath is None:
            self._by_relpath = {m.relpath: m for m in self.site.catalog.manifests}
        found = self._by_relpath.get(relpath)
        if found is None:
            raise Unnamed(relpath)
        return found

    def digest(self, key) -> bytes | None:
        """The digest of the input ``key`` in this build (None when it names nothing that is here)."""
        try:
            known = key in self.digests
        except TypeError:  # a record is read as untrusted: a key that is no key names nothing
            return None
        if not known:
            self.depth += 1
            try:
                self.digests[key] = _digest(self._evaluate(key))
            except Exception:  # a record is read as untrusted: any failure is "not the same"
                self.digests[key] = None
            finally:
                self.depth -= 1
        return self.digests[key]

    def _evaluate(self, key):
        if type(key) is not tuple or not key or type(key[0]) is not str:
            raise Unnamed(repr(key))
        if key[0] == "M" and len(key) == 2:
            return manifest_plain(self.manifest(key[1]), self.tokens)
        owner = self.owners[key[0]]
        name = key[1]
        if type(name) is not str or name.startswith("__"):
            raise Unnamed(repr(name))
        if len(key) == 2:
            value = getattr(owner, name)
            if callable(value):
                raise Unnamed(name)
            return plain(value, self.tokens)
        if not _is_public_method(type(owner), name):
            raise Unnamed(name)
        value = getattr(owner, name)
        args, kwargs = key[2], key[3]
        result = value(*(self.resolve(a) for a in args), **{k: self.resolve(v) for k, v in kwargs})
        return plain(result, self.tokens)


def _neighbours_read(node, upstream: bool, *, placement: bool = True) -> tuple:
    """``LineageGraph.neighbours`` is made from the node's edges one way (types, and the manifests at their other
    ends, whose tokens an edge's digest holds) alone. As an input of its own it was the same information as the
    edges other sections read: 171,800 of 675,629 inputs at 50,000 manifests, 90 MB more in a rebuild."""
    return ("out_edges" if upstream else "in_edges"), (node,), {}


READ_AS = {("graph", "neighbours"): _neighbours_read}  # calls recorded as the call their answer is made from


@lru_cache(maxsize=1024)  # a rebuild asks it of each of 75,000 calls at 10k (0.1 s); a record may name anything
def _is_public_method(kind: type, name: str) -> bool:
    """A record is untrusted: only what a page could have called is called, a public method of the instance
    (not ``SiteModel.load`` nor any other class or static method)."""
    return not name.startswith("_") and inspect.isfunction(inspect.getattr_static(kind, name, None))


def manifest_plain(manifest, tokens: "Tokens") -> tuple:
    """Everything a ``Manifest`` holds, as plain data (its source, the folder it reads from, aside), with its
    page's address and the token of each manifest its references resolved to."""
    m = manifest
    problem = None if m.problem is None else dataclasses.astuple(m.problem)
    refs = [(r.path, r.text, None if r.target is None else token(r.target, tokens)) for r in m.refs]
    return (token(m, tokens), m.data, problem, m.schema_problems, refs)


def plain(value, tokens: "Tokens", depth: int = 0):
    """``value`` as plain data for a digest: every container tagged with its type, manifests as ``tokens``."""
    kind = type(value)
    if value is None or kind in (str, int, float, bool, bytes):
        return value
    if depth > MAX_DEPTH:
        raise Unnamed("too deep")
    depth += 1
    if kind is Manifest:
        return token(value, tokens)
    if kind is Edge:  # tens of thousands: its Ref as what a page can show of it (the rest follows from the text)
        ref = value.ref
        return ("E", token(value.source, tokens), token(value.target, tokens), value.type, ref.path, ref.text)
    if kind is list:
        return ("l", [plain(v, tokens, depth) for v in value])
    if kind is tuple:
        return ("u", [plain(v, tokens, depth) for v in value])
    if kind is dict:
        return ("d", [(plain(k, tokens, depth), plain(v, tokens, depth)) for k, v in value.items()])
    if kind in (set, frozenset):
        return ("s", sorted(marshal.dumps(plain(v, tokens, depth), 2) for v in value))
    if kind in (datetime, date):
        return ("T", value.isoformat())
    if not kind.__module__.startswith("catgen."):
        raise Unnamed(kind.__name__)
    name = f"{kind.__module__}.{kind.__qualname__}"
    if isinstance(value, tuple):  # a NamedTuple
        return ("n", name, [plain(v, tokens, depth) for v in value])
    return ("c", name, [plain(getattr(value, field), tokens, depth) for field in _fields(kind)])


@cache
def _fields(kind) -> tuple:
    """The fields of a dataclass, or the slots of a class that has only slots: all its state."""
    if dataclasses.is_dataclass(kind):
        return tuple(f.name for f in dataclasses.fields(kind))
    if "__slots__" in kind.__dict__ and "__dict__" not in dir(kind) and all(
            "__slots__" in base.__dict__ for base in kind.__mro__[1:-1]):
        return tuple(kind.__slots__)
    raise Unnamed(kind.__qualname__)


def _answer_digest(result, tokens: "Tokens") -> bytes | None:
    try:
        return _digest(plain(result, tokens))
    except Exception:  # no plain form (or none marshal takes): the input cannot be evaluated
        return None


def token(manifest, tokens: "Tokens") -> tuple:
    """A manifest in an answer: what a page can read of it besides its content (an input of its own), its page's
    address included (so ``SiteModel.url`` of a manifest a page holds is no input of its own)."""
    found = tokens.get(manifest)
    if found is None:
        m = manifest
        found = tokens[m] = ("M", m.relpath, m.path, m.kind, m.name, m.version, tokens.url_of.get(m))
    return found


class Tokens(dict):
    """Manifest -> its ``token``, made once per build (a manifest is in many answers)."""

    def __init__(self, url_of: dict):
        super().__init__()
        self.url_of = url_of


def _digest(data) -> bytes:
    return hashlib.blake2b(marshal.dumps(data, 2), digest_size=16).digest()


class _ContentField:
    """A data descriptor in place of one of ``Manifest``'s content fields while installed: reading it notes the
    manifest (in the recording thread, outside recorded calls); the value stays in the instance's ``__dict__``."""

    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __get__(self, manifest, owner=None):
        if manifest is None:
            return self
        recording = _RECORDING  # inline: pages read manifests' content hundreds of times each
        if recording is not None and recording.manifests is not None and not recording.depth \
                and get_ident() == recording.thread:
            recording.manifests.add(manifest)
        return manifest.__dict__[self.name]

    def __set__(self, manifest, value) -> None:
        manifest.__dict__[self.name] = value


def _owner_getattribute(owner: str):
    def hook(self, name):
        recording = _RECORDING
        if recording is None or recording.manifests is None or recording.depth or get_ident() != recording.thread \
                or name[:2] == "__":
            return _get(self, name)
        calls = recording.calls[owner]
        if name in calls and self is recording.owners[owner]:  # a method asked for before: its wrapper
            return calls[name]
        if owner == "site" and name == "url" and self is recording.owners[owner]:
            return recording.tokens.url_of.get  # the address is in the token of every manifest a page can hold
        recording.depth += 1  # a property's own reads are covered by its value
        try:
            value = _get(self, name)
        finally:
            recording.depth -= 1
        if self is not recording.owners[owner]:
            recording.unnamed = True
        elif type(value) in OWNERS.values():
            pass  # reaching the graph or the timeline reads nothing yet
        elif callable(value):
            value = calls[name] = _RecordedCall(recording, owner, name, value)
        else:
            recording.inputs.add((owner, name))
        return value
    return hook


CONTENT_FIELDS = ("document", "problem", "refs", "schema_problems", "source")


class _RecordedCall:
    __slots__ = ("recording", "owner", "name", "method")

    def __init__(self, recording, owner, name, method):
        self.recording, self.owner, self.name, self.method = recording, owner, name, method

    def __call__(self, *args, **kwargs):
        return self.recording.call(self.owner, self.name, self.method, args, kwargs)


def install(recording: Recording) -> list:
    """Set the hooks, ``recording`` the one that records; what they replaced, for ``uninstall``."""
    global _RECORDING
    saved = [(cls, "__getattribute__", cls.__dict__.get("__getattribute__", _ABSENT)) for cls in OWNERS.values()]
    saved += [(Manifest, name, Manifest.__dict__.get(name, _ABSENT)) for name in CONTENT_FIELDS]
    for name in CONTENT_FIELDS:
        setattr(Manifest, name, _ContentField(name))
    for owner, cls in OWNERS.items():
        cls.__getattribute__ = _owner_getattribute(owner)
    _RECORDING = recording
    return saved


def uninstall(saved: list) -> None:
    global _RECORDING
    _RECORDING = None
    for cls, name, before in saved:
        if before is _ABSENT:
            delattr(cls, name)
        else:
            setattr(cls, name, before)


@contextlib.contextmanager
def inputs_recorded(recording: Recording | None):
    """The hooks set while the block runs, when there is a ``recording``."""
    saved = install(recording) if recording is not None else None
    try:
        yield
    finally:
        if saved is not None:
            uninstall(saved)
