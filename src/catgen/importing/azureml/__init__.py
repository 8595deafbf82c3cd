"""``catgen import azureml``: Azure ML CLI v2 YAML files to catgen manifests.

``files`` reads and classifies each file (``$schema``, the safe loader),
``references`` turns ``azureml:`` references into catalog references (moving
ones through ``--labels``), ``names`` makes names (templates, inline assets),
``assets``, ``jobs`` and ``endpoints`` convert each kind, and ``planner`` runs
them into one ``importing.plan.ImportPlan``.
"""
