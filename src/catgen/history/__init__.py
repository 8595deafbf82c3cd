"""What the catalog held at a past time.

Git history read once (``gitlog``), stages and deployments at T (``timeline``), the documents (``report``).
"""
