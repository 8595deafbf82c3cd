"""Test helpers as a package, imported by the tests as ``testing.<module>``.

- ``catalogs``: write catalogs, check them, read findings and lines;
- ``gitrepo``: real temporary git repositories and the CLI in-process;
- ``site``: the example site, built once per session;
- ``sample_catalog``: a small catalog with known findings, for the reporters.
"""
