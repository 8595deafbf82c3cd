"""The theme's templates compiled once per process, not once per build.

MkDocs makes a new Jinja environment for each build, and Jinja compiles each template the first time an
environment loads it: Material's page template and its partials took 0.3 s of every build, most of a small
catalog's build and of each rebuild of ``catgen serve`` (which builds in one process again and again).
``keep_compiled`` gives an environment Jinja's bytecode cache hook backed by this process's memory (nothing
on disk: no file to trust). A template's entry is Jinja's own key, its name and file, with the checksum of
its source, so an edited template compiles again; one store serves only environments whose settings that
change what compiling gives (delimiters, extensions, autoescape, finalize...) are the same.
"""

from __future__ import annotations

from jinja2.bccache import Bucket, BytecodeCache


class CompiledTemplates(BytecodeCache):
    """Template key -> (source checksum, code), in memory."""

    def __init__(self):
        self.code: dict = {}

    def load_bytecode(self, bucket: Bucket) -> None:
        found = self.code.get(bucket.key)
        if found is not None and found[0] == bucket.checksum:
            bucket.code = found[1]

    def dump_bytecode(self, bucket: Bucket) -> None:
        self.code[bucket.key] = (bucket.checksum, bucket.code)


_STORES: dict = {}  # environment settings -> their ``CompiledTemplates``


def keep_compiled(env) -> None:
    """Let ``env`` load the templates this process compiled before for environments like it (a bytecode cache
    it already has is left alone)."""
    if env.bytecode_cache is None:
        env.bytecode_cache = _STORES.setdefault(compile_settings(env), CompiledTemplates())


def compile_settings(env) -> tuple:
    """What of ``env`` its templates' compiled code depends on."""
    return (type(env), env.block_start_string, env.block_end_string, env.variable_start_string,
            env.variable_end_string, env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
            env.line_comment_prefix, env.trim_blocks, env.lstrip_blocks, env.newline_sequence,
            env.keep_trailing_newline, tuple(sorted(env.extensions)), getattr(env, "newstyle_gettext", None),
            env.optimized, env.is_async, env.autoescape, env.finalize, env.undefined, env.code_generator_class,
            env.context_class)
