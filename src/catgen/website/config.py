"""The MkDocs configuration of a catalog site: built-in defaults merged with the project's ``mkdocs.yml``.

The project file (when the current folder has one) may set the site name,
theme options, extra plugins, its own ``nav`` and ``docs_dir``; catgen keeps
the Material theme offline (no Google Fonts), directory URLs, its own search
in place of Material's, and the ``catgen`` plugin pointed at the catalog.
"""

from __future__ import annotations

import logging
import os

from mkdocs.config import config_options

from catgen.errors import CatalogError
from catgen.siteurl import normalised_catalog_url
from catgen.website.datafiles import asset_paths

log = logging.getLogger("mkdocs.plugins.catgen")
PROJECT_CONFIG = "mkdocs.yml"
DEFAULT_SITE_NAME = "ML asset catalog"
DEFAULT_THEME = {
    "name": "material",
    "font": False,
    "features": ["navigation.sections", "navigation.top", "content.code.copy"],
    "palette": [
        {"media": "(prefers-color-scheme: light)", "scheme": "default",
         "toggle": {"icon": "material/brightness-7", "name": "Switch to dark mode"}},
        {"media": "(prefers-color-scheme: dark)", "scheme": "slate",
         "toggle": {"icon": "material/brightness-4", "name": "Switch to light mode"}},
    ],
}


def mkdocs_options(catalog_root: str, work_dir: str, *, config_file: str | None = None) -> tuple[str, dict]:
    """(config file, overrides) for ``mkdocs.config.load_config``: defaults merged with the project's file.

    Without a project file, a minimal one is written into ``work_dir`` (MkDocs needs a file).
    """
    project = config_file or (PROJECT_CONFIG if os.path.isfile(PROJECT_CONFIG) else None)
    if project:
        user = _read_project(project)
    else:
        user = {}
        project = os.path.join(work_dir, "mkdocs.yml")
        with open(project, "w", encoding="utf-8") as handle:
            handle.write(f"site_name: {DEFAULT_SITE_NAME}\n")
    docs_dir = os.path.join(os.path.dirname(os.path.abspath(project)), str(user.get("docs_dir", "docs")))
    if not user or not os.path.isdir(docs_dir):
        docs_dir = os.path.join(work_dir, "docs")
        os.makedirs(docs_dir, exist_ok=True)
    overrides = {
        "site_name": user.get("site_name") or DEFAULT_SITE_NAME,
        "theme": {**DEFAULT_THEME, **_user_theme(user.get("theme")), "font": False},
        "plugins": _plugins(user.get("plugins"), catalog_root),
        "use_directory_urls": True,
        "docs_dir": docs_dir,
    }
    return project, overrides


def _read_project(project: str) -> dict:
    from mkdocs.utils.yaml import yaml_load

    try:
        with open(project, encoding="utf-8") as handle:
            user = yaml_load(handle) or {}
    except (OSError, ValueError, Exception) as err:  # YAML errors have many types
        raise CatalogError(f"cannot read {project}: {str(err).splitlines()[0]}") from None
    if not isinstance(user, dict):
        raise CatalogError(f"{project} is not a mapping")
    return user


def _user_theme(theme) -> dict:
    """The project's theme options (``theme: name`` is short for ``theme: {name: name}``)."""
    if isinstance(theme, dict):
        return theme
    return {"name": theme} if isinstance(theme, str) else {}


IGNORED_CATALOG_URL = ("the catgen plugin's catalog_url is for mkdocs build; catgen build publishes "
                       "the catalog at / (SPEC §7, see docs/site.md)")


def _plugins(user_plugins, catalog_root: str) -> list:
    """The project's plugins without Material's search (ours replaces it), plus catgen (at ``/``, SPEC §7)."""
    kept = []
    for item in user_plugins if isinstance(user_plugins, list) else []:
        name = item if isinstance(item, str) else next(iter(item), None) if isinstance(item, dict) else None
        if name not in ("search", "material/search", "catgen"):
            kept.append(item)
        elif isinstance(item, dict) and isinstance(item.get("catgen"), dict):
            if item["catgen"].get("catalog_url") not in (None, "", "/"):
                log.warning("catgen: %s", IGNORED_CATALOG_URL)
    return kept + [{"catgen": {"catalog": os.path.abspath(catalog_root)}}]


def load_mkdocs_config(catalog_root: str, site_dir: str, work_dir: str, *, extra: dict | None = None):
    """The loaded MkDocs configuration (``extra`` settings over the project's), or a one-line ``CatalogError``."""
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    project, overrides = mkdocs_options(catalog_root, work_dir)
    errors = _ConfigErrors()
    logger = logging.getLogger("mkdocs.config")
    logger.addFilter(errors)
    try:
        return load_config(config_file=project, site_dir=site_dir, **overrides, **(extra or {}))
    except (ConfigurationError, Abort) as err:  # Abort: MkDocs' "Aborted with a configuration error!"
        said = errors.said[0] if errors.said else (str(err).splitlines() or ["invalid"])[0]
        raise CatalogError(f"site configuration: {said}") from None
    finally:
        logger.removeFilter(errors)


class _ConfigErrors(logging.Filter):
    """MkDocs logs the invalid setting (its validation stops at the first), then raises "Aborted with a
    configuration error!": the setting's error is kept here, for the one line that says why, rather than shown
    as a line of its own."""

    def __init__(self):
        super().__init__()
        self.said: list[str] = []

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.ERROR:
            return True
        self.said.append(" ".join(record.getMessage().split()))
        return False


def catalog_path(catalog: str, config_file: str | None) -> str:
    """The plugin's ``catalog`` option as an absolute path: relative to the folder of the configuration file.

    As MkDocs resolves ``docs_dir``: ``mkdocs build -f other/mkdocs.yml`` reads ``other/catalog``,
    whatever the current directory (without a file, the current directory).
    """
    base = os.path.dirname(os.path.abspath(config_file)) if config_file else os.getcwd()
    return os.path.normpath(os.path.join(base, os.path.expanduser(catalog)))


MOVED_INDEX = ("docs/index.md is published at /guide/, not /: the catalog's home page takes / "
               "(see 'Using the plugin in your own mkdocs.yml' in docs/site.md)")


class CatalogUrl(config_options.BaseConfigOption[str]):
    """The plugin's ``catalog_url``: where the catalog's pages live, a relative folder ending in ``/`` ("" is ``/``).

    A bad value is MkDocs' one-line configuration error (``siteurl.normalised_catalog_url`` says why).
    """

    def __init__(self):
        super().__init__()
        self.default = ""

    def run_validation(self, value) -> str:
        try:
            return normalised_catalog_url(value)
        except ValueError as err:
            raise config_options.ValidationError(str(err)) from None


def moved_index_message(files, config, prefix: str = "") -> str | None:
    """The one-line warning for a user's own ``index.md`` that the catalog's home page displaces (at ``/`` only)."""
    index = files.get_file_from_path("index.md") if not prefix else None
    if index is None or index.generated_by:
        return None
    return MOVED_INDEX.replace("docs/", os.path.basename(os.path.normpath(config.docs_dir)) + "/", 1)


def add_catgen_settings(config, catalog_root: str, prefix: str = ""):
    """What the catgen plugin needs of any configuration: offline theme, its assets (under the catalog's
    folder ``prefix``), the catalog watched."""
    if config.theme.name == "material":
        config.theme["font"] = False  # Google Fonts otherwise: the site must work offline
    for path in asset_paths(prefix):
        target = config.extra_css if path.endswith(".css") else config.extra_javascript
        if path not in [str(x) for x in target]:
            target.append(path)
    catalog = os.path.abspath(catalog_root)
    if os.path.isdir(catalog) and catalog not in config.watch:
        config.watch.append(catalog)
    return config
