"""Every link of every page of a built site opens a file of that site (``testing.site.broken_links``).

The checker itself on a hand-written site (it reports what is missing or outside, and nothing else),
then on the example catalog as ``catgen build`` publishes it (the catalog at ``/``). The plugin's
builds, with and without ``catalog_url``, are checked in ``test_plugin.py``.
"""

from __future__ import annotations

from testing.catalogs import write
from testing.site import broken_links, example_site  # noqa: F401 (a fixture)

PAGE = """<html><head><link rel="stylesheet" href="../style.css"><script src="../gone.js"></script></head>
<body><a href="../">home</a> <a href="#top">top</a> <a href="https://example.com/x">out</a>
<a href="mailto:a@example.com">mail</a> <a href="../b/?q=1#x">b</a> <a href="../missing/">missing</a>
<a href="../../../etc/passwd">outside</a> <img src="pic%20one.png"> <form action="../b/"></form></body></html>"""


def test_the_checker_reports_missing_and_outside_targets_only(tmp_path):
    site = tmp_path / "site"
    write(site, "index.html", "<a href='a/'>a</a>")
    write(site, "a/index.html", PAGE)
    write(site, "a/pic one.png", b"")
    write(site, "b/index.html", "")
    write(site, "style.css", "")
    assert broken_links(site) == [("a/index.html", "../gone.js"), ("a/index.html", "../missing/"),
                                  ("a/index.html", "../../../etc/passwd")]


def test_every_link_of_the_example_site_opens_a_file_of_the_site(example_site):  # noqa: F811
    assert len(list(example_site.rglob("*.html"))) > 80
    assert broken_links(example_site) == []
