"""The catalog's pages, one module per page family (SPEC §7).

Each renderer returns ``(title, html)`` for one address. All manifest text
goes through ``esc``/``description_html``; links are relative, so the site
works from any static host and any sub-folder. ``generate`` lists every page
the plugin adds; ``context`` and ``sections`` hold what the pages share.
"""
