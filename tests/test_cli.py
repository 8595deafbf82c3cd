"""The click layer itself: bad options are one-line exit 2, every failure is one line, the real process.

The work of each command is tested in ``tests/commands/test_<command>.py``.
Most tests call ``catgen.cli.main`` in-process (it always ends in
``SystemExit``); two run the installed ``catgen`` script to prove the real
process behaves the same.
"""

from __future__ import annotations

import gc
import subprocess
import sys
from pathlib import Path

import pytest

from testing.catalogs import EXAMPLE
from testing.cli import clean, one_error_line, plain_text_default, run  # noqa: F401 (fixtures)


# ----------------------------------------------- exit 2: the arguments are wrong


def test_bad_format(clean):
    code, out, err = run("check", "--format", "xml", str(clean))
    assert (code, out) == (2, "")
    assert "'xml'" in one_error_line(err)


def test_a_file_instead_of_a_folder(clean):
    code, out, err = run("check", str(clean / "policy.yaml"))
    assert (code, out) == (2, "")
    assert "policy.yaml" in one_error_line(err)


# -------------------------------------------------------- the real process

# The console script of the virtualenv running the tests (.venv, or .venv-ci under .ci/run).
CATGEN = Path(sys.executable).parent / "catgen"
needs_script = pytest.mark.skipif(not CATGEN.exists(),
                                  reason="the catgen console script is not installed next to this Python")


@needs_script
def test_installed_script_on_the_example_catalog():
    done = subprocess.run([str(CATGEN), "check", str(EXAMPLE)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stderr == ""


@needs_script
def test_installed_script_exit_2_without_traceback():
    done = subprocess.run([str(CATGEN), "check", "/no/such/dir"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_python_dash_m_catgen(clean):
    done = subprocess.run([sys.executable, "-m", "catgen", "check", str(clean)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_process_s_own_command_leaves_its_objects_to_the_exit(clean):
    """Its objects frozen, so the exit's full collection skips them; a caller's ``main(argv)`` freezes nothing."""
    script = ("import atexit, gc, sys; from catgen.cli import main; "
              "atexit.register(lambda: sys.stderr.write(f'frozen {gc.get_freeze_count()}')); main()")
    done = subprocess.run([sys.executable, "-c", script, "check", str(clean)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0 and int(done.stderr.removeprefix("frozen ")) > 1000, done.stderr
    frozen = gc.get_freeze_count()
    assert run("check", str(clean))[0] == 0
    assert gc.get_freeze_count() == frozen


def test_an_internal_error_is_one_line_and_exit_2(monkeypatch):
    import catgen.commands.check

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(catgen.commands.check, "run", broken)
    code, out, err = run("check", str(EXAMPLE))
    assert code == 2 and out == ""
    one_error_line(err)
    assert "internal error (RuntimeError: boom)" in err and "Traceback" not in err


# ------------------------------------------------------------- the help


def test_no_command_prints_the_help_and_exits_2():
    """The help, whole and readable, not one long error line; exit 2 so a CI step with an empty command fails."""
    code, out, err = run()
    assert (code, out) == (2, "")
    assert err.startswith("Usage: catgen [OPTIONS] [COMMAND] [ARGS]...\n")
    assert "\nCommands:\n" in err and "catgen: error" not in err


@needs_script
def test_no_command_in_the_real_process():
    done = subprocess.run([str(CATGEN)], capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr.count("\n") > 10 and "Commands:" in done.stderr


def test_the_help_lists_every_command_with_its_whole_first_paragraph(monkeypatch):
    from catgen.cli import cli

    monkeypatch.setenv("COLUMNS", "80")
    code, out, err = run("--help")
    assert (code, err) == (0, "")
    listed = " ".join(out.split("\nCommands:\n", 1)[1].split())
    assert "..." not in listed
    for name, command in cli.commands.items():
        first = " ".join((command.short_help or command.help).split("\n\n")[0].split())
        assert f"{name} {first}" in listed
    assert all(len(line) <= 100 for line in out.splitlines())


def test_the_help_names_catgen_rules():
    out = run("--help")[1]
    assert "rules" in out.split("\nCommands:\n", 1)[1] and "`catgen rules CODE` explains" in out
