"""Azure ML files to one ``ImportPlan``: read, classify, convert each file whole or skip it with the reason.

A file converts into manifests (through a ``FileContext``) or is skipped as a
whole: its manifests reach the plan only when every reference resolved and
nothing refused it, so a half-imported file never happens. Endpoint files are
read first: their traffic split goes to their deployments' manifests.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catgen.importing.azureml import assets, endpoints, jobs
from catgen.importing.azureml.context import FileContext, Options, Skip
from catgen.importing.azureml.files import AzureFile, Refusal, classify, find_files, read_yaml
from catgen.importing.gitcode import CodeFolders
from catgen.importing.plan import ImportPlan, Note

ASSET_KINDS = {"model": "Model", "environment": "Environment", "data": "Data", "commandComponent": "Component",
               "pipelineComponent": "Component"}
CONVERTERS = {
    "model": assets.model, "environment": assets.environment, "data": assets.data,
    "commandComponent": assets.command_component, "pipelineComponent": assets.pipeline_component,
    "registry": assets.registry, "workspace": assets.workspace,
    "commandJob": jobs.command_job, "sweepJob": jobs.sweep_job, "pipelineJob": jobs.pipeline_job,
    "managedOnlineEndpoint": endpoints.endpoint, "managedOnlineDeployment": endpoints.deployment,
}


@dataclass
class Importer:
    catalog: object
    options: Options
    plan: ImportPlan = field(default_factory=ImportPlan)
    endpoints: dict = field(default_factory=dict)  # Azure endpoint name -> its file's data
    defined: set = field(default_factory=set)  # (kind, name, version) the imported asset files define
    code_folders: CodeFolders = field(default_factory=CodeFolders)  # git asked once per code folder

    def run(self, paths: list[str]) -> ImportPlan:
        files = []
        for source in find_files(paths):
            try:
                files.append(classify(source, read_yaml(source)))
            except Refusal as refusal:
                self.plan.skipped.append(Note(source, None, str(refusal)))
        for azure in files:
            if azure.kind == "managedOnlineEndpoint" and isinstance(azure.data.get("name"), str):
                self.endpoints.setdefault(azure.data["name"], azure.data)
            elif azure.kind in ASSET_KINDS:
                version = azure.data.get("version", self.options.version)
                self.defined.add((ASSET_KINDS[azure.kind], azure.data.get("name"), str(version)))
        for azure in files:
            self.convert(azure)
        return self.plan

    def convert(self, azure: AzureFile) -> None:
        context = FileContext(self, azure)
        try:
            CONVERTERS[azure.kind](context, azure.data)
            context.finish()
        except Skip as skip:
            self.plan.skipped.append(Note(azure.source, skip.field, str(skip)))
            return
        self.plan.manifests += context.manifests
        self.plan.not_carried += context.lost


def build_plan(paths: list[str], catalog, options: Options) -> ImportPlan:
    """The plan for importing ``paths`` (files or folders) into ``catalog`` (from ``open_catalog``)."""
    return Importer(catalog, options).run(paths)
