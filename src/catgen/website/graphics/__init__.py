"""Pictures drawn at build time as inline SVG: the lineage picture and the metric charts.

``xml`` escapes and shortens the text they write; nothing here knows about
pages or MkDocs, so a picture can be tested from a graph and a URL function.
"""
