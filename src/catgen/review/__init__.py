"""What a change does, for the people who review it: ``catgen diff`` (SPEC §8).

``changes`` reads the change (promotions with their gates, deployment switches,
placement and policy changes) from one check against the base; ``gates``
judges each gate; ``formats`` names the renderers (``text``, ``markdown``,
``json``).
"""
