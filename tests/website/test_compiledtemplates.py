"""The theme's templates are compiled once per process: a later build (``catgen serve``'s) loads the compiled
code, writes the same site, and an edited template or an environment that compiles differently gets its own."""

from __future__ import annotations

import jinja2
import pytest

from testing.catalogs import EXAMPLE
from testing.site import build, site_files
from catgen.website import plugin
from catgen.website.compiledtemplates import CompiledTemplates, keep_compiled


@pytest.fixture
def compiles(monkeypatch) -> list:
    """The names of the templates Jinja compiles from now on."""
    names, compile_source = [], jinja2.Environment.compile

    def counted(env, source, name=None, filename=None, raw=False, defer_init=False):
        names.append(name)
        return compile_source(env, source, name, filename, raw, defer_init)
    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    return names


def test_a_later_build_compiles_no_template_and_writes_the_same_site(tmp_path, monkeypatch, compiles):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1727000000")
    build(EXAMPLE, tmp_path / "first")  # compiles the templates, unless a build before in this process did
    compiles.clear()
    build(EXAMPLE, tmp_path / "later")
    assert compiles == []
    monkeypatch.setattr(plugin, "keep_compiled", lambda env: None)
    build(EXAMPLE, tmp_path / "compiled-again")
    assert "main.html" in compiles
    assert site_files(tmp_path / "later") == site_files(tmp_path / "compiled-again") == site_files(tmp_path / "first")


def _env(folder, **settings) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), auto_reload=False, **settings)
    keep_compiled(env)
    return env


def test_an_edited_template_compiles_again(tmp_path, compiles):
    (tmp_path / "page.html").write_text("first {{ x }}")
    assert _env(tmp_path).get_template("page.html").render(x=1) == "first 1"
    assert _env(tmp_path).get_template("page.html").render(x=2) == "first 2"
    assert compiles.count("page.html") <= 1  # none the second time (one the first, unless compiled before)
    (tmp_path / "page.html").write_text("second {{ x }}")
    assert _env(tmp_path).get_template("page.html").render(x=3) == "second 3"
    assert compiles[-1] == "page.html"


def test_environments_that_compile_differently_share_nothing(tmp_path):
    (tmp_path / "block.html").write_text("{% if x %}\nyes\n{% endif %}")
    assert _env(tmp_path).get_template("block.html").render(x=1) == "\nyes\n"
    assert _env(tmp_path, trim_blocks=True).get_template("block.html").render(x=1) == "yes\n"
    assert _env(tmp_path).bytecode_cache is _env(tmp_path).bytecode_cache
    assert _env(tmp_path).bytecode_cache is not _env(tmp_path, trim_blocks=True).bytecode_cache
    assert _env(tmp_path, extensions=["jinja2.ext.do"]).bytecode_cache is not _env(tmp_path).bytecode_cache
    own = CompiledTemplates()
    env = jinja2.Environment(bytecode_cache=own)
    keep_compiled(env)
    assert env.bytecode_cache is own  # one it has is left alone
