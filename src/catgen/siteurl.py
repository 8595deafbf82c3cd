"""The address of the user's own catalog site, for links catgen writes outside the site.

SARIF ``helpUri`` links and the ``$schema`` line of ``catgen new`` point at the
catalog site the user publishes, never at a host catgen does not own. The
address is ``CATGEN_SITE_URL`` when set, else ``site_url`` of the ``mkdocs.yml``
in the current folder (the file ``catgen build`` reads), else unknown: callers
then write no link (SARIF) or a path relative to the built site (``catgen new``).

Only an ``http``/``https`` URL with a host and no whitespace, quotes or angle
brackets is taken: the value lands in reports and manifests, and a value that
is not a plain URL is refused in one line (exit 2) rather than written.

The catalog's own pages and files (``$schema`` targets) live under the catgen
plugin's ``catalog_url`` of that ``mkdocs.yml`` (``catalog_site_url``; default: the
site's root); the user guide (the rules page SARIF links to) stays at the root.
"""

from __future__ import annotations

import os
import re
from urllib.parse import urlsplit

from catgen.errors import CatalogError

ENVIRONMENT_VARIABLE = "CATGEN_SITE_URL"
PROJECT_CONFIG = "mkdocs.yml"  # the same file ``catgen build`` merges into its configuration

# Printable ASCII but space, quotes, backquote, angle brackets and backslash: a URL as written, inert in any report.
_PLAIN_URL = re.compile(r"[!#-&(-;=?-\[\]-_a-~]+")
_URL_SEGMENT = re.compile(r"[A-Za-z0-9_][A-Za-z0-9._-]*")  # one folder of ``catalog_url``: no "..", no scheme


def site_url(config_file: str = PROJECT_CONFIG) -> str | None:
    """The site's address ending in ``/``, or None when neither the environment nor ``mkdocs.yml`` gives one."""
    value = os.environ.get(ENVIRONMENT_VARIABLE, "").strip()
    origin = ENVIRONMENT_VARIABLE
    if not value:
        value, origin = _configured(config_file), f"site_url in {config_file}"
    if not value:
        return None
    parts = urlsplit(value) if _PLAIN_URL.fullmatch(value) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname or parts.fragment:
        raise CatalogError(f"{origin} {value!r} is not an http(s) address such as https://ml.example.com/catalog/")
    return value if value.endswith("/") else value + "/"


def catalog_site_url(config_file: str = PROJECT_CONFIG) -> str | None:
    """The address of the catalog's pages: ``site_url`` plus the plugin's ``catalog_url`` of ``config_file``."""
    site = site_url(config_file)
    if site is None:
        return None
    config = _read_config(config_file)
    options = next((item["catgen"] for item in _list(config.get("plugins") if config else None)
                    if isinstance(item, dict) and isinstance(item.get("catgen"), dict)), {})
    try:
        return site + normalised_catalog_url(options.get("catalog_url", ""))
    except ValueError as err:
        raise CatalogError(f"catalog_url in {config_file}: {err}") from None


def normalised_catalog_url(value) -> str:
    """The plugin's ``catalog_url`` as a relative folder ending in ``/`` ("" the site's root), else ``ValueError``.

    Only folders of letters, digits, ``.``, ``_`` and ``-`` (no ``..``, no leading ``/``, no scheme):
    every catalog file is written under it, so it must stay inside the site.
    """
    if value is None or value == "" or value == "/":
        return ""
    if not isinstance(value, str):
        raise ValueError(f"expected a folder such as catalog/, got {type(value).__name__}")
    segments = value.removesuffix("/").split("/")
    if not all(_URL_SEGMENT.fullmatch(segment) for segment in segments):
        raise ValueError(f"{ascii(value)} is not a relative folder such as catalog/ "
                         "(letters, digits, '.', '_' and '-' between slashes; no '..', no leading '/', no scheme)")
    return "/".join(segments) + "/"


def _list(value) -> list:
    return value if isinstance(value, list) else []


def _configured(config_file: str) -> str | None:
    """``site_url`` of the MkDocs file."""
    config = _read_config(config_file)
    value = config.get("site_url") if isinstance(config, dict) else None
    return value.strip() if isinstance(value, str) else None


def _read_config(config_file: str):
    """The MkDocs file as plain data, read without running its tags (``!ENV``, ``!!python/name``: left unset)."""
    if not os.path.isfile(config_file):
        return None
    import yaml  # MkDocs' own dependency; only needed when there is a file

    class _TagsAsNothing(yaml.SafeLoader):
        pass

    _TagsAsNothing.add_multi_constructor("", lambda _loader, _suffix, _node: None)
    try:
        with open(config_file, encoding="utf-8") as handle:
            config = yaml.load(handle, Loader=_TagsAsNothing)  # noqa: S506 - a SafeLoader that builds no objects
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise CatalogError(f"cannot read {config_file}: {str(err).splitlines()[0]}") from None
    return config if isinstance(config, dict) else None
