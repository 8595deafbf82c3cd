"""How long a check's findings hold: "now" that notes every date a rule compares it with.

A few rules compare a date with "now" (a promotion dated in the future, an
expired exception). Their findings stay the same for any other "now" that no
compared date separates from the first one; ``RecordingNow`` collects those
dates, so the incremental check (``checking/incremental.py``) can tell when a
stored verdict may have changed with time alone, and then judges again.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MICROSECOND = timedelta(microseconds=1)
NEVER = (0, 0)  # a span no "now" lies in


def micros(moment: datetime) -> int:
    """``moment`` as microseconds since 1970 (a moment without a zone is UTC, as everywhere in catgen)."""
    plain = datetime(moment.year, moment.month, moment.day, moment.hour, moment.minute, moment.second,
                     moment.microsecond, moment.tzinfo or timezone.utc)
    return (plain - _EPOCH) // _MICROSECOND


class RecordingNow(datetime):
    """A ``datetime`` equal to ``moment`` that notes what it is compared with.

    Python asks the right operand first when its type is a subclass of the
    left one's, so ``date > now`` is noted as well as ``now < date``. Any
    arithmetic on it makes the span unknowable (``opaque``): the check then
    keeps no verdict beyond this moment.
    """

    def __new__(cls, moment: datetime):
        made = super().__new__(cls, moment.year, moment.month, moment.day, moment.hour, moment.minute,
                               moment.second, moment.microsecond, moment.tzinfo, fold=moment.fold)
        made.compared = []
        made.opaque = False
        return made

    def _note(self, other):
        if isinstance(other, datetime):
            self.compared.append(other)

    def __lt__(self, other):
        self._note(other)
        return super().__lt__(other)

    def __le__(self, other):
        self._note(other)
        return super().__le__(other)

    def __gt__(self, other):
        self._note(other)
        return super().__gt__(other)

    def __ge__(self, other):
        self._note(other)
        return super().__ge__(other)

    def __eq__(self, other):
        self._note(other)
        return super().__eq__(other)

    def __ne__(self, other):
        self._note(other)
        return super().__ne__(other)

    __hash__ = datetime.__hash__

    def _derived(self, name: str, *args):
        self.opaque = True
        return getattr(super(), name)(*args)

    def __add__(self, other):
        return self._derived("__add__", other)

    __radd__ = __add__

    def __sub__(self, other):
        return self._derived("__sub__", other)

    def __rsub__(self, other):
        return self._derived("__rsub__", other)

    def span(self) -> tuple:
        """(after, before) in microseconds (None: unbounded): the "now"s that give the same findings."""
        if self.opaque:
            return NEVER
        at = micros(self)
        seen = [micros(moment) for moment in self.compared]
        if at in seen:
            return NEVER
        return (max((s for s in seen if s < at), default=None), min((s for s in seen if s > at), default=None))


def within(span: tuple, now: datetime) -> bool:
    after, before = span
    at = micros(now)
    return (after is None or after < at) and (before is None or at < before)


def narrower(first: tuple, second: tuple) -> tuple:
    """The span both hold in."""
    afters = [a for a in (first[0], second[0]) if a is not None]
    befores = [b for b in (first[1], second[1]) if b is not None]
    return (max(afters, default=None), min(befores, default=None))
