"""A local code folder becomes {repository, commit} from a real git working tree, or a reason, never a guess."""

from testing.azureml_files import azure_file, import_files, manifest, new_catalog, notes
from testing.gitrepo import GitRepo, add_file, isolate_git

from catgen.importing.gitcode import CodeFolders

JOB = """$schema: https://azuremlschemas.azureedge.net/latest/commandJob.schema.json
name: train-with-code
code: ./src
command: python train.py
environment: azureml:lightgbm-env:1.10
compute: azureml:cpu-cluster
"""


def _repo(tmp_path, monkeypatch, remote="https://ci-bot:s3cret@git.example.com/risk/models.git") -> GitRepo:
    isolate_git(tmp_path, monkeypatch)
    repo = GitRepo(tmp_path / "work")
    add_file(repo, "src/train.py", "print('train')\n")
    add_file(repo, "README.md", "models\n")
    repo.commit("code")
    if remote:
        repo.git("remote", "add", "origin", remote)
    return repo


def test_the_last_commit_that_changed_the_folder_and_origin_without_credentials(tmp_path, monkeypatch):
    repo = _repo(tmp_path, monkeypatch)
    code_commit = repo.git("rev-parse", "HEAD")
    add_file(repo, "README.md", "models, later\n")
    repo.commit("docs only: the code folder did not change")
    assert CodeFolders().code_of(str(repo.path / "src")) == {
        "repository": "https://git.example.com/risk/models.git", "commit": code_commit}


def test_each_reason_is_said_and_nothing_is_guessed(tmp_path, monkeypatch):
    repo = _repo(tmp_path, monkeypatch, remote=None)
    folders = CodeFolders()
    assert "no remote named origin" in folders.code_of(str(repo.path / "src"))
    assert "does not exist" in folders.code_of(str(repo.path / "nowhere"))
    outside = tmp_path / "plain" / "src"
    outside.mkdir(parents=True)
    assert "not in a git working tree" in folders.code_of(str(outside))
    repo.git("remote", "add", "origin", "git@git.example.com:risk/models.git")
    add_file(repo, "src/train.py", "print('changed, not committed')\n")
    assert "not committed" in CodeFolders().code_of(str(repo.path / "src"))
    repo.git("checkout", "-q", "--", "src/train.py")
    add_file(repo, "src/new.py", "")
    assert "not committed" in CodeFolders().code_of(str(repo.path / "src"))  # an untracked file counts too


def test_an_imported_job_carries_its_code_folder_as_repository_and_commit(tmp_path, monkeypatch):
    repo = _repo(tmp_path, monkeypatch)
    job_file = azure_file(repo.path, "jobs/train.yml", JOB.replace("./src", "../src"))
    repo.commit("the job file")
    code_commit = repo.git("log", "-1", "--format=%H", "--", "src")
    root = new_catalog(tmp_path)
    plan, _ = import_files(root, job_file)
    job = manifest(root, "jobs/train-with-code.yaml")["spec"]
    component = manifest(root, f"components/train-with-code-component/{job['component'].split('@')[1]}.yaml")
    assert component["spec"]["code"] == {"repository": "https://git.example.com/risk/models.git", "commit": code_commit}
    assert "code" not in {field for field, _ in notes(plan.not_carried)}


def test_a_code_folder_outside_git_is_reported_and_the_job_still_imported(tmp_path, monkeypatch):
    isolate_git(tmp_path, monkeypatch)
    job_file = azure_file(tmp_path / "plain", "jobs/train.yml", JOB)
    (tmp_path / "plain" / "jobs" / "src").mkdir()
    root = new_catalog(tmp_path)
    plan, _ = import_files(root, job_file)
    assert "code" not in manifest(root, "components/train-with-code-component/"
                                  + manifest(root, "jobs/train-with-code.yaml")["spec"]["component"].split("@")[1]
                                  + ".yaml")["spec"]
    assert [text for field, text in notes(plan.not_carried) if field == "code"] == [
        "the code folder is not in a git working tree: record its repository and commit by hand"]
