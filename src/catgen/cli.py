"""The command line: parse arguments, call the core, turn failures into exit 2.

Nothing here knows about YAML, rules or pages; each subcommand's work lives
in ``catgen.commands.<name>``.
"""

from __future__ import annotations

import os
import sys

import click

from catgen import __version__
from catgen.model import KINDS
from catgen.reporters import REPORTERS
from catgen.errors import CatalogError, log_safe

DEFAULT_CATALOG = "catalog"
catalog_argument = click.argument("catalog", default=DEFAULT_CATALOG, type=click.Path(file_okay=False))


def default_format() -> str:
    """GitHub Actions sets GITHUB_ACTIONS=true: annotate the pull request there."""
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


class _Commands(click.Group):
    """A group whose command list shows each command's whole first paragraph, wrapped, never cut at "...".

    click cuts a description to fit one line of an 80-column help; here the first paragraph of
    each command's help (or its ``short_help``) is shown whole and the help wraps it.
    """

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = []
        for name in self.list_commands(ctx):
            command = self.get_command(ctx, name)
            if command is not None and not command.hidden:
                first = (command.short_help or command.help or "").split("\n\n")[0]
                rows.append((name, " ".join(first.split())))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


@click.group(cls=_Commands, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="catgen")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """catgen: a git-native registry for machine-learning assets.

    `catgen COMMAND --help` explains a command; `catgen rules CODE` explains a finding's rule.
    """
    if ctx.invoked_subcommand is None:  # no command: the help, and exit 2 (a CI step with an empty command fails)
        click.echo(ctx.get_help(), err=True)
        ctx.exit(2)


@cli.command()
@catalog_argument
@click.option("--base", "base_ref", metavar="GIT_REF",
              help="Judge the change against this git revision (its policy judges).")
@click.option("--format", "output_format", type=click.Choice(sorted(REPORTERS)), default=default_format,
              show_default="text; github when GITHUB_ACTIONS=true", help="Report format.")
@click.option("--output", type=click.Path(dir_okay=False),
              help="Write the report to this file instead of standard output.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@click.option("--changed", is_flag=True,
              help="With --base: report only findings about what the change added or modified, or caused.")
@click.option("--no-cache", is_flag=True,
              help="Parse every file again instead of reusing earlier parses from the cache.")
@click.option("--watch", is_flag=True,
              help="Check again after each change to the catalog, until stopped (Ctrl-C); a report each time.")
@click.pass_obj
def check(process: dict | None, catalog: str, base_ref: str | None, output_format: str, output: str | None,
          strict: bool, changed: bool, no_cache: bool, watch: bool) -> int:
    """Validate every manifest and enforce the promotion policy.

    Exit 0: no errors; 1: errors (or warnings with --strict); 2: the check could not run.
    With --watch, the exit code of the last check.
    """
    from catgen.commands import check as command

    if watch:
        return command.watch(catalog, output_format=output_format, output=output, strict=strict, base_ref=base_ref,
                             changed=changed, use_cache=not no_cache)
    return command.run(catalog, output_format=output_format, output=output, strict=strict, base_ref=base_ref,
                       changed=changed, use_cache=not no_cache, process_ends=bool(process and process["ends"]))


@cli.command()
@catalog_argument
@click.option("--base", "base_ref", metavar="GIT_REF", required=True,
              help="The git revision the change is read against (its policy judges).")
@click.option("--format", "output_format", type=click.Choice(["text", "markdown", "json"]), default="text",
              show_default=True, help="Report format (markdown for a pull request).")
@click.option("--output", type=click.Path(dir_okay=False),
              help="Write the review to this file instead of standard output.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def diff(catalog: str, base_ref: str, output_format: str, output: str | None, strict: bool) -> int:
    """Show what a change does for its reviewers: promotions and their gates, deployments, policy.

    Under GitHub Actions the markdown is also appended to $GITHUB_STEP_SUMMARY.
    Exit codes as check: 0 no errors; 1 errors (or warnings with --strict); 2 it could not run.
    """
    from catgen.commands import diff as command

    return command.run(catalog, base_ref=base_ref, output_format=output_format, output=output, strict=strict)


@cli.command()
@click.argument("kind", required=False,
                type=click.Choice(["envelope"] + [k.lower() for k in KINDS], case_sensitive=False))
def schema(kind: str | None) -> int:
    """Print the JSON Schema of KIND (all schemas, as one object, without KIND)."""
    from catgen.commands import schema as command

    return command.run(kind)


@cli.command()
@click.argument("code", required=False)
def rules(code: str | None) -> int:
    """Explain the rule CODE (e.g. CG306 or dangling-ref), or list every rule without CODE.

    A rule's explanation is its level, its family, what the policy may do with it and its documentation.
    """
    from catgen.commands import rules as command

    return command.run(code)


@cli.command()
@catalog_argument
@click.option("--site-dir", default="site", show_default=True, type=click.Path(file_okay=False),
              help="Where to write the site.")
def build(catalog: str, site_dir: str) -> int:
    """Render the catalog as a static site (MkDocs + Material)."""
    from catgen.commands import build as command

    return command.run(catalog, site_dir)


@cli.command()
@catalog_argument
@click.option("--dev-addr", metavar="HOST:PORT", help="Where to serve (default 127.0.0.1:8000).")
def serve(catalog: str, dev_addr: str | None) -> int:
    """Serve the catalog site with live reload (rebuilds when the catalog or docs change)."""
    from catgen.commands import serve as command

    return command.run(catalog, dev_addr)


@cli.command()
@click.argument("ref")
@click.option("--catalog", "catalog_root", default=DEFAULT_CATALOG, show_default=True, type=click.Path(file_okay=False),
              help="The catalog folder.")
@click.option("--upstream", is_flag=True,
              help="What REF came from (job, data, environment, component, code); alone, only that.")
@click.option("--downstream", is_flag=True,
              help="What was made from REF (deployments, promotions, fine-tuned models); alone, only that.")
@click.option("--depth", type=click.IntRange(min=1), help="Stop after N steps.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "dot", "mermaid"]), default="text",
              show_default=True)
def lineage(ref: str, catalog_root: str, upstream: bool, downstream: bool, depth: int | None,
            output_format: str) -> int:
    """Print the lineage of REF (e.g. deployment:credit-risk-prod-blue), up and down.

    Each of --upstream and --downstream narrows the walk to its direction; both together, like
    neither, mean both directions. A versioned REF needs its version (model:credit-risk@3).
    """
    from catgen.commands import lineage as command

    return command.run(ref, catalog_root, upstream=upstream, downstream=downstream, depth=depth,
                       output_format=output_format)


@cli.command()
@click.argument("kind")
@click.argument("name")
@click.option("--version", "version", help="The version (versioned kinds: model, environment, component, data).")
@click.option("--catalog", "catalog_root", default=DEFAULT_CATALOG, show_default=True, type=click.Path(file_okay=False))
def new(kind: str, name: str, version: str | None, catalog_root: str) -> int:
    """Write a schema-valid skeleton manifest of KIND named NAME at its canonical path."""
    from catgen.commands import new as command

    return command.run(kind, name, version, catalog_root, today=_today())


@cli.command()
@click.argument("ref")
@click.option("--stage", help="Approve REF for this stage of the policy.")
@click.option("--registry", help="Share REF into this registry.")
@click.option("--requested-by", required=True, metavar="WHO", help="Who asks for the promotion (an e-mail address).")
@click.option("--revoke", is_flag=True, help="With --stage: write a revocation, taking REF out of the stage.")
@click.option("--reason", metavar="TEXT", help="Why (required with --revoke).")
@click.option("--catalog", "catalog_root", default=DEFAULT_CATALOG, show_default=True, type=click.Path(file_okay=False))
def promote(ref: str, stage: str | None, registry: str | None, requested_by: str, revoke: bool, reason: str | None,
            catalog_root: str) -> int:
    """Write a Promotion of REF (dated today), or with --revoke a revocation, and say what the policy still needs."""
    from catgen.commands import promote as command

    return command.run(ref, catalog_root, stage=stage, registry=registry, requested_by=requested_by, today=_today(),
                       revoke=revoke, reason=reason)


@cli.command()
@catalog_argument
@click.option("--at", "at", metavar="DATE", help="A past date or timestamp (a bare date is 00:00 UTC); default now.")
@click.option("--stage", help="Only this stage.")
@click.option("--format", "output_format", type=click.Choice(["text", "json", "markdown"]), default="text",
              show_default=True)
def status(catalog: str, at: str | None, stage: str | None, output_format: str) -> int:
    """Per stage, the asset versions in it and what served on its endpoints, now or --at a past date (from git)."""
    from catgen.commands import status as command

    return command.run(catalog, at=at, stage=stage, output_format=output_format)


@cli.command()
@click.argument("ref")
@click.option("--catalog", "catalog_root", default=DEFAULT_CATALOG, show_default=True, type=click.Path(file_okay=False),
              help="The catalog folder.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
def history(ref: str, catalog_root: str, output_format: str) -> int:
    """Every event of one asset version or deployment in date order: created, shared, promoted, revoked, changed."""
    from catgen.commands import history as command

    return command.run(ref, catalog_root, output_format=output_format)


@cli.group("import", cls=_Commands)
def import_group() -> None:
    """Bring in what teams already have: Azure ML CLI v2 YAML or an MLflow tracking server, as manifests.

    Exit 0: everything imported; 1: some files or runs were skipped (each said why); 2: the import could not run.
    """

# the bridges' commands: `import azureml` (commands/import_azureml.py), `import mlflow` (commands/import_mlflow.py)


@import_group.command("azureml")
@click.argument("paths", nargs=-1, required=True, metavar="PATH...", type=click.Path())
@click.option("--workspace", metavar="W", help="Workspace of the catalog the assets, jobs and deployments live in.")
@click.option("--registry", metavar="R", help="Registry of the catalog the assets live in (instead of --workspace).")
@click.option("--labels", metavar="FILE", type=click.Path(dir_okay=False),
              help="YAML mapping: a moving reference exactly as written (azureml:env@latest) -> its pinned version.")
@click.option("--version", "version", metavar="V", help="The version of assets whose file gives none.")
@click.option("--name-template", "name_templates", multiple=True, metavar="KIND=TEMPLATE",
              help="Catalog names from Azure names, KIND deployment or job (repeatable; default "
                   "deployment={endpoint}-{name}, job={name}); placeholders {name} {endpoint} {workspace} {file}.")
@click.option("--stage", metavar="S", help="The policy stage of workspaces imported from workspace files.")
@click.option("--catalog", "catalog_root", default=DEFAULT_CATALOG, show_default=True, type=click.Path(file_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
def import_azureml(paths: tuple, workspace: str | None, registry: str | None, labels: str | None,
                   version: str | None, name_templates: tuple, stage: str | None, catalog_root: str,
                   dry_run: bool) -> int:
    """Azure ML CLI v2 YAML files (or folders of them) as manifests; what is not carried over is reported."""
    from catgen.commands import import_azureml as command

    return command.run(list(paths), catalog_root, workspace=workspace, registry=registry, labels=labels,
                       version=version, name_templates=name_templates, stage=stage, dry_run=dry_run)


@import_group.command("mlflow")
@click.option("--tracking-uri", metavar="URI", help="The MLflow tracking server or store (default: MLflow's own, "
              "e.g. MLFLOW_TRACKING_URI); its model registry is read at the same URI.")
@click.option("--workspace", required=True, metavar="W", help="Workspace of the catalog the runs become Jobs in.")
@click.option("--registry", metavar="R", help="Registry of the catalog the models are at home in (default: W).")
@click.option("--model", "models", multiple=True, metavar="NAME", help="Only this registered model (repeatable; "
              "default: every one).")
@click.option("--alias", "aliases", multiple=True, metavar="ALIAS=STAGE",
              help="Promote the version an MLflow alias points at to a stage of the policy (repeatable).")
@click.option("--requested-by", metavar="WHO", help="Who requests the promotions (default: the MLflow user of the "
              "model version, else mlflow-import).")
@click.option("--catalog", "catalog_root", default=DEFAULT_CATALOG, show_default=True, type=click.Path(file_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would be written; write nothing.")
def import_mlflow(tracking_uri: str | None, workspace: str, registry: str | None, models: tuple, aliases: tuple,
                  requested_by: str | None, catalog_root: str, dry_run: bool) -> int:
    """Registered model versions, their finished runs and datasets, and mapped aliases as Promotions (append-only)."""
    from catgen.commands import import_mlflow as command

    return command.run(catalog_root, tracking_uri=tracking_uri, workspace=workspace, registry=registry,
                       models=list(models), aliases=list(aliases), requested_by=requested_by, dry_run=dry_run)


def _today() -> str:
    from catgen.dates import utc_now

    return utc_now().date().isoformat()


def main(argv: list[str] | None = None) -> None:
    """Entry point: every failure to run is one line on stderr and exit 2.

    Without ``argv`` the command line is this process's own (the ``catgen`` command, ``python -m catgen``),
    so the process ends with the command: its objects are left to the exit, not collected (``_exit``).
    """
    if sys.stdout is None:  # started with its standard output closed (``>&-``): a report to it cannot be written
        sys.stdout = _ClosedOutput()
    try:
        code = cli.main(args=argv, prog_name="catgen", standalone_mode=False, obj={"ends": argv is None})
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
    except Exception as err:  # noqa: BLE001 - a bug must still be one line and exit 2, never a traceback
        _fail(f"internal error ({type(err).__name__}: {err}); please report it with the command that caused it")
    _exit(code or 0, ends=argv is None)


class _ClosedOutput:
    """Standard output when the process has none: writing to it is the command's one-line error (a command that
    writes elsewhere, as ``check --output FILE``, runs)."""

    def write(self, text: str) -> int:
        raise CatalogError("standard output is closed: nothing can be written to it")

    def flush(self) -> None:
        pass


def _fail(reason: str) -> None:
    """The one line on stderr: reasons quote file names and refs, so it is ``log_safe`` (no command in a CI log)."""
    click.echo(f"catgen: error: {log_safe(reason)}", err=True)
    sys.exit(2)


def _exit(code: int, *, ends: bool) -> None:
    """Exit with ``code``; when the process ends here, without the full garbage collection Python runs at exit.

    Every object then alive is frozen (``gc.freeze``): the exit's collection skips them, and the process
    ends as it would. A check of 10,000 manifests spent about 0.2 s collecting what the exit frees anyway
    (benchmarks/README.md, issue 17).
    """
    if ends:
        import gc

        gc.freeze()
    sys.exit(code)
