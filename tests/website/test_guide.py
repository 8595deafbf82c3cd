"""The project's mkdocs.yml and docs/ merged into the catalog site."""

from __future__ import annotations

from testing.site import build

from testing.catalogs import EXAMPLE, write


def test_guide_pages_join_the_site_and_rules_get_code_anchors(tmp_path):
    write(tmp_path, "mkdocs.yml", """
        site_name: Contoso models
        plugins: [search]
        nav:
          - Rules: rules.md
          - Not written yet: promotion.md
    """)
    write(tmp_path, "docs/index.md", "# Welcome\n\nSee [the rules](rules.md).\n")
    write(tmp_path, "docs/rules.md",
          "# Rules\n\n## CG201 schema\n\nText.\n\n| code | name |\n|---|---|\n| CG302 | dangling-ref |\n")
    write(tmp_path, "docs/models.md", "# This address belongs to the catalog\n")
    site = tmp_path / "site"
    build(EXAMPLE, site, cwd=tmp_path)
    rules = (site / "rules/index.html").read_text()
    assert 'id="cg201"' in rules and 'id="cg302"' in rules
    assert "Welcome" in (site / "guide/index.html").read_text()
    home = (site / "index.html").read_text()
    assert "Contoso models" in home and "Not written yet" not in home
    assert "This address belongs" not in (site / "models/index.html").read_text()
    assert not (site / "search/search_index.json").exists()  # Material's search stays off
