"""The command line: parse arguments, call the core, turn failures into exit 2.

Nothing here knows about YAML, rules or pages; each subcommand's work lives
in ``catgen.commands.<name>``.
"""

from __future__ import annotations

import sys

import click

from catgen import __version__
from catgen.model import KINDS
from catgen.reporters import REPORTERS
from catgen.sources import CatalogError

DEFAULT_CATALOG = "catalog"
catalog_argument = click.argument("catalog", default=DEFAULT_CATALOG, type=click.Path(file_okay=False))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="catgen")
def cli() -> None:
    """catgen: a git-native registry for machine-learning assets."""


@cli.command()
@catalog_argument
@click.option("--base", "base_ref", metavar="GIT_REF", help="Judge the change against this git revision (its policy judges).")
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), default="text", show_default=True)
@click.option("--output", type=click.Path(dir_okay=False), help="Write the report to this file instead of standard output.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def check(catalog: str, base_ref: str | None, output_format: str, output: str | None, strict: bool) -> int:
    """Validate every manifest and enforce the promotion policy.

    Exit 0: no errors; 1: errors (or warnings with --strict); 2: the check could not run.
    """
    from catgen.commands import check as command

    return command.run(catalog, output_format=output_format, output=output, strict=strict)


@cli.command()
@click.argument("kind", required=False, type=click.Choice(["envelope"] + [k.lower() for k in KINDS], case_sensitive=False))
def schema(kind: str | None) -> int:
    """Print the JSON Schema of KIND (all schemas, as one object, without KIND)."""
    from catgen.commands import schema as command

    return command.run(kind)


@cli.command()
@catalog_argument
@click.option("--site-dir", default="site", show_default=True, type=click.Path(file_okay=False), help="Where to write the site.")
def build(catalog: str, site_dir: str) -> int:
    """Render the catalog as a static site (MkDocs + Material)."""
    from catgen.commands import build as command

    return command.run(catalog, site_dir)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every failure to run is one line on stderr and exit 2."""
    try:
        code = cli.main(args=argv, prog_name="catgen", standalone_mode=False)
    except click.exceptions.Exit as done:
        code = done.exit_code
    except click.exceptions.Abort:
        _fail("aborted")
    except click.ClickException as err:
        _fail(err.format_message().replace("\n", " "))
    except CatalogError as err:
        _fail(str(err))
    except OSError as err:
        _fail(f"{err.filename + ': ' if err.filename else ''}{err.strerror or err}")
    sys.exit(code or 0)


def _fail(reason: str) -> None:
    click.echo(f"catgen: error: {reason}", err=True)
    sys.exit(2)
