"""The CI integrations stay honest: action, examples, pre-commit hook and docs/ci.md.

Every ``catgen ...`` command that a snippet or example runs is parsed by the
real click command (options, choices, arity), without running it. The
pre-commit hook is exercised end to end with ``pre-commit try-repo``.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import click
import pytest
import yaml
from testing.catalogs import EXAMPLE, REPO, write

from catgen.cli import cli

CI_DOC = REPO / "docs" / "ci.md"
ACTION = REPO / "action.yml"
HOOKS = REPO / ".pre-commit-hooks.yaml"
GITHUB_EXAMPLE = REPO / "examples" / "github-workflow.yml"
AZURE_EXAMPLE = REPO / "examples" / "azure-pipelines.yml"

# Keys whose values CI systems run as shell (GitHub `run`, Azure/GitLab `script`, ...).
SHELL_KEYS = {"run", "script", "bash", "before_script", "after_script", "inlineScript"}
SEPARATORS = {"|", "||", "&&", ";", "&", "(", ")"}
SHELL_WORDS = {"if", "then", "else", "elif", "do", "while", "until", "!", "time", "exec", "{", "}"}
REDIRECTIONS = {">", ">>", "<", ">&", "<&", "&>", ">|", "2>", "1>"}
GITHUB_EXPRESSION = re.compile(r"\$\{\{.*?\}\}")
AZURE_MACRO = re.compile(r"\$\([A-Za-z_][\w.]*\)")
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)


# --- finding the catgen commands a snippet runs ---------------------------------------

def catgen_commands(script: str) -> list[list[str]]:
    """The argument lists of every ``catgen`` (or ``python -m catgen``) command in a shell script."""
    script = AZURE_MACRO.sub("AZURE_MACRO", GITHUB_EXPRESSION.sub("GITHUB_EXPRESSION", script))
    commands = []
    for line in script.replace("\\\n", " ").splitlines():
        line = re.sub(r"(^|\s)#.*$", "", line)  # a shell comment starts at a word
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = ""
        commands += [args for args in map(_catgen_args, _segments(list(lexer))) if args is not None]
    return commands


def _segments(tokens: list[str]) -> list[list[str]]:
    segments, current = [], []
    for token in tokens:
        if token in SEPARATORS:
            segments.append(current)
            current = []
        else:
            current.append(token)
    return segments + [current]


def _catgen_args(words: list[str]) -> list[str] | None:
    while words and (words[0] in SHELL_WORDS or re.match(r"^\w+=", words[0])):
        words = words[1:]
    if words[:3] in (["python", "-m", "catgen"], ["python3", "-m", "catgen"]):
        words = words[2:]
    if not words or os.path.basename(words[0]) != "catgen":
        return None
    args = words[1:]
    cut = next((i for i, word in enumerate(args) if word in REDIRECTIONS), len(args))
    return args[:cut]


def scripts_in_yaml(node, key=None) -> list[str]:
    """Shell scripts run by a CI configuration or pre-commit hook, walked recursively."""
    if isinstance(node, dict):
        if node.get("shell") == "python":  # a Python step (the action's comment): not shell
            return []
        found = [s for k, v in node.items() for s in scripts_in_yaml(v, k)]
        if isinstance(node.get("entry"), str):  # a pre-commit hook definition
            found.append(" ".join([node["entry"], *map(shlex.quote, node.get("args", []))]))
        elif node.get("id") == "catgen-check":  # a pre-commit config using the hook
            found.append(" ".join(["catgen check", *map(shlex.quote, node.get("args", []))]))
        return found
    if isinstance(node, list):
        if key in SHELL_KEYS and all(isinstance(item, str) for item in node):
            return list(node)
        return [s for item in node for s in scripts_in_yaml(item)]
    return [node] if key in SHELL_KEYS and isinstance(node, str) else []


def problem_with(args: list[str]) -> str | None:
    """Why ``catgen <args>`` is not a real command line, or None: click parses, nothing runs."""
    if not args:
        return "no subcommand"
    command = cli.get_command(click.Context(cli), args[0])
    if command is None:
        return f"no such command {args[0]!r}"
    try:
        command.make_context(f"catgen {args[0]}", list(args[1:]))
    except click.ClickException as err:
        return err.format_message()
    return None


def assert_real_commands(scripts: list[str], where: str) -> list[list[str]]:
    commands = [args for script in scripts for args in catgen_commands(script)]
    bad = {" ".join(args): problem_with(args) for args in commands if problem_with(args)}
    assert not bad, f"{where} runs catgen commands that do not exist: {bad}"
    return commands


def doc_blocks(language_names: set[str]) -> list[str]:
    text = CI_DOC.read_text(encoding="utf-8")
    return [body for language, body in FENCE.findall(text) if language in language_names]


# --- the checker itself -------------------------------------------------------------

def test_the_checker_finds_and_judges_commands():
    script = ('set +e\nif [ -n "$X" ]; then\n'
              '  A=1 catgen check "$CATALOG" --base "${{ inputs.base }}" | tee out # note\nfi\n')
    assert catgen_commands(script) == [["check", "$CATALOG", "--base", "GITHUB_EXPRESSION"]]
    assert (catgen_commands("pip install catgen-registry && .venv/bin/catgen check x --strict > log")
            == [["check", "x", "--strict"]])
    assert catgen_commands("python -m catgen schema model") == [["schema", "model"]]
    assert catgen_commands("echo catgen check; git fetch origin") == []
    assert problem_with(["check", "catalog", "--format", "sarif", "--output", "x.sarif"]) is None
    assert "frmat" in problem_with(["check", "--frmat", "sarif"])
    assert "xml" in problem_with(["check", "--format", "xml"])
    assert "chek" in problem_with(["chek"])
    assert problem_with(["check", "--output"])  # an option without its value


# --- docs/ci.md -----------------------------------------------------------------------

def test_ci_doc_has_a_section_per_ci_system():
    headings = re.findall(r"^## (.+)$", CI_DOC.read_text(encoding="utf-8"), re.M)
    for system in ("GitHub Actions", "Azure Pipelines", "GitLab CI", "pre-commit"):
        assert system in headings


def test_ci_doc_yaml_snippets_parse_and_run_real_commands():
    blocks = doc_blocks({"yaml", "yml"})
    assert len(blocks) >= 5
    commands = []
    for block in blocks:
        commands += assert_real_commands(scripts_in_yaml(yaml.safe_load(block)), "a YAML snippet of docs/ci.md")
    assert sum(1 for args in commands if "--base" in args) >= 4
    assert any(args[args.index("--format") + 1] == "junit" for args in commands if "--format" in args)


def test_ci_doc_shell_snippets_run_real_commands():
    commands = assert_real_commands(doc_blocks({"sh", "bash", "shell"}), "a shell snippet of docs/ci.md")
    assert {args[args.index("--format") + 1] for args in commands if "--format" in args} >= {"json", "sarif"}


def test_ci_doc_shows_the_example_files_verbatim():
    blocks = doc_blocks({"yaml"})
    for example in (GITHUB_EXAMPLE, AZURE_EXAMPLE):
        assert example.read_text(encoding="utf-8") in blocks, f"docs/ci.md should show {example.name} as it is"


def test_ci_doc_documents_every_report_format():
    from catgen.reporters import REPORTERS

    text = CI_DOC.read_text(encoding="utf-8")
    for name in REPORTERS:
        assert f"| `{name}` |" in text
    assert '"version": 1' in text


# --- action.yml and the example workflow ----------------------------------------------

def test_action_is_a_composite_action_with_the_documented_inputs():
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    assert action["name"] and action["description"]
    inputs = action["inputs"]
    assert inputs["catalog"]["default"] == "catalog"
    assert inputs["base"]["default"] == ""  # the action finds and fetches the base itself
    assert inputs["sarif"]["default"] == "false" and inputs["comment"]["default"] == "false"
    assert "python-version" in inputs
    assert all("description" in spec for spec in inputs.values())
    steps = action["runs"]["steps"]
    assert action["runs"]["using"] == "composite"
    assert all("shell" in step for step in steps if "run" in step)  # composite steps must name it
    uses = [step["uses"] for step in steps if "uses" in step]
    assert any(u.startswith("actions/setup-python@") for u in uses)
    assert any(u.startswith("github/codeql-action/upload-sarif@") for u in uses)
    upload = next(s for s in steps if s.get("uses", "").startswith("github/codeql-action/upload-sarif@"))
    assert "inputs.sarif == 'true'" in upload["if"] and upload["with"]["sarif_file"] == "catgen.sarif"


def test_action_installs_itself_fetches_the_base_and_runs_real_commands():
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    steps = action["runs"]["steps"]
    runs = "\n".join(step.get("run", "") for step in steps)
    env = {k: v for step in steps for k, v in step.get("env", {}).items()}
    assert (env["ACTION_PATH"] == "${{ github.action_path }}"
            and 'pip install --disable-pip-version-check "$ACTION_PATH"' in runs)
    assert "git fetch --no-tags --depth=1 origin" in runs and env["PR_BASE_REF"] == "${{ github.base_ref }}"
    assert env["QUEUE_BASE_REF"] == "${{ github.event.merge_group.base_ref }}"
    commands = assert_real_commands(scripts_in_yaml(action), "action.yml")
    assert ["check", "$CATALOG", "--base", "$BASE"] in commands
    assert ["check", "$CATALOG", "--base", "$BASE", "--format", "sarif", "--output", "catgen.sarif"] in commands
    assert ["diff", "$CATALOG", "--base", "$BASE", "--format", "markdown", "--output", "$REVIEW"] in commands
    assert "GITHUB_STEP_SUMMARY" in runs


def test_github_example_uses_the_action_on_pull_requests():
    workflow = yaml.safe_load(GITHUB_EXAMPLE.read_text(encoding="utf-8"))
    triggers = workflow[True] if True in workflow else workflow["on"]  # YAML 1.1 reads `on` as true
    assert "pull_request" in triggers
    (job,) = workflow["jobs"].values()
    assert any(step.get("uses", "").startswith("actions/checkout@") for step in job["steps"])
    action_step = next(step for step in job["steps"] if "/catgen@" in step.get("uses", ""))
    action_inputs = yaml.safe_load(ACTION.read_text(encoding="utf-8"))["inputs"]
    assert set(action_step["with"]) <= set(action_inputs)
    assert workflow["permissions"]["security-events"] == "write" and workflow["permissions"]["pull-requests"] == "write"


# --- Azure Pipelines example ----------------------------------------------------------

def test_azure_example_gates_pull_requests_and_publishes_junit():
    pipeline = yaml.safe_load(AZURE_EXAMPLE.read_text(encoding="utf-8"))
    assert pipeline["pr"] and pipeline["trigger"] == "none"
    steps = pipeline["steps"]
    assert steps[0]["checkout"] == "self" and "fetchDepth" in steps[0] and steps[0]["persistCredentials"] == "true"
    publish = next(step for step in steps if step.get("task") == "PublishTestResults@2")
    assert publish["condition"] == "always()"
    assert publish["inputs"]["testResultsFormat"] == "JUnit"
    commands = assert_real_commands(scripts_in_yaml(pipeline), "examples/azure-pipelines.yml")
    junit_run = ["check", "--base", "AZURE_MACRO", "--format", "junit", "--output", "catgen-junit.xml"]
    assert junit_run in commands
    assert publish["inputs"]["testResultsFiles"] == junit_run[-1]
    gate = steps[-1]  # after the publishing: its exit code fails the job
    assert catgen_commands(gate["script"]) == [["check", "--base", "AZURE_MACRO"]] and "|| true" not in gate["script"]
    assert steps.index(publish) < len(steps) - 1


# --- pre-commit -----------------------------------------------------------------------

def hook() -> dict:
    (only,) = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    return only


def test_pre_commit_hook_definition():
    found = hook()
    assert found["id"] == "catgen-check"
    assert found["entry"] == "catgen check" and found["language"] == "python"
    assert found["pass_filenames"] is False and found["always_run"] is False
    assert_real_commands(scripts_in_yaml([found]), ".pre-commit-hooks.yaml")


@pytest.mark.parametrize("path, runs", [
    ("catalog/models/credit-risk/3.yaml", True),
    ("catalog/policy.yml", True),
    ("catalog/README.md", False),
    ("src/catgen/cli.py", False),
    ("other/catalog/policy.yaml", False),
])
def test_pre_commit_hook_runs_only_for_catalog_manifests(path, runs):
    assert bool(re.search(hook()["files"], path)) is runs


COPY_IGNORE = shutil.ignore_patterns(".git", ".venv*", "site", "__pycache__", "*.egg-info", ".pytest_cache",
                                     ".benchmarks", "node_modules", ".hypothesis")
GIT = ["git", "-c", "user.name=catgen tests", "-c", "user.email=tests@catgen.invalid", "-c", "commit.gpgsign=false",
       "-c", "init.defaultBranch=main"]
TRY_REPO_TIMEOUT = 300  # seconds: pre-commit builds a virtualenv and installs catgen from the hooks repository


def committed_repo(source: Path | None, target: Path) -> Path:
    """A fresh git repository at ``target`` (a copy of ``source`` if given), everything committed."""
    if source is not None:
        shutil.copytree(source, target, ignore=COPY_IGNORE)
    target.mkdir(exist_ok=True)
    for command in (["init", "-q"], ["add", "-A"], ["commit", "-q", "-m", "test", "--allow-empty"]):
        subprocess.run([*GIT, *command], cwd=target, check=True, capture_output=True)
    return target


def hook_install_env(pre_commit_home: Path) -> dict:
    """The environment for ``pre-commit try-repo``: a private pre-commit home, and a light hook install.

    pre-commit really creates the hook's virtualenv and really runs ``pip install .`` in the hooks
    repository (building catgen and its ``catgen`` script), but with ``PIP_NO_DEPS``: installing
    catgen's dependencies (mkdocs-material alone is ~15,000 files) took ~30 of this test's ~40 s.
    The hook finds them on ``PYTHONPATH``, in the test environment's site-packages, where the
    editable catgen is a ``.pth`` entry that ``PYTHONPATH`` does not honour: the hook runs the catgen
    pre-commit installed. ``pip install .`` itself is tested by the README's install command.
    """
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "PRE_COMMIT_HOME", "VIRTUAL_ENV")}
    env["PRE_COMMIT_HOME"] = str(pre_commit_home)
    env["PIP_NO_DEPS"] = "1"
    env["PYTHONPATH"] = os.pathsep.join([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    return env


def try_repo(hooks_repo: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = hook_install_env(cwd.parent / "pre-commit-home")
    command = [sys.executable, "-m", "pre_commit", "try-repo", str(hooks_repo), "catgen-check", *args,
               "--color", "never"]
    try:
        return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=TRY_REPO_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.skip(f"pre-commit did not finish in {TRY_REPO_TIMEOUT} s (installing catgen from the package index?)")


def test_pre_commit_try_repo_fails_on_a_bad_manifest(tmp_path):
    pytest.importorskip("pre_commit", reason="pre-commit is not installed (pip install pre-commit)")
    hooks_repo = committed_repo(REPO, tmp_path / "catgen")  # try-repo needs a git repository with the hook file
    catalog_repo = tmp_path / "catalogs"
    shutil.copytree(EXAMPLE, catalog_repo / "catalog")
    write(catalog_repo, "README.md", "not a manifest\n")
    committed_repo(None, catalog_repo)

    untouched = try_repo(hooks_repo, catalog_repo, "--files", "README.md")
    if "catgen check" not in untouched.stdout and "error has occurred" in untouched.stdout + untouched.stderr:
        last = (untouched.stdout + untouched.stderr).strip().splitlines()[-1]
        pytest.skip(f"pre-commit could not install catgen (no package index?): {last}")
    assert untouched.returncode == 0, untouched.stdout + untouched.stderr
    assert re.search(r"catgen check\.+\(no files to check\)Skipped", untouched.stdout)

    write(catalog_repo / "catalog", "models/credit-risk/99.yaml", """
        apiVersion: catgen/v1
        kind: Model
        metadata: {name: credit-risk, version: "99"}
        spec:
          registry: registry:contoso-ml
          type: custom_model
          path: azureml://models/credit-risk/99
          job: job:no-such-job
    """)
    subprocess.run([*GIT, "add", "-A"], cwd=catalog_repo, check=True)
    failed = try_repo(hooks_repo, catalog_repo, "--all-files")
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert re.search(r"catgen check\.+Failed", output)
    assert "catalog/models/credit-risk/99.yaml:8:8: CG302 dangling-ref: 'job:no-such-job' names no manifest" in output
