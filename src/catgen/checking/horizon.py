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
    arithmetic on it, or any value derived from it (``date()``, ``astimezone()``,
    ``timestamp()``, ``isoformat()``...), makes the span unknowable (``opaque``):
    the check then keeps no verdict beyond this moment. Only reading a field
    (``now.year``) goes unnoticed: a rule compares "now", it does not take it apart.
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

    __hash__ = datetime.__hash__

    def plain(self) -> datetime:
        """The same moment as a ``datetime`` that notes nothing."""
        return datetime(self.year, self.month, self.day, self.hour, self.minute, self.second, self.microsecond,
                        self.tzinfo, fold=self.fold)

    def noted_elsewhere(self, moments: list, opaque: bool) -> None:
        """Note what a copy of this "now" in another process was compared with (``checking/bothcores.py``):
        ``moments`` in microseconds since 1970, and whether it was taken apart (``opaque``)."""
        self.compared.extend(_EPOCH + timedelta(microseconds=moment) for moment in moments)
        self.opaque = self.opaque or opaque

    def span(self) -> tuple:
        """(after, before) in microseconds (None: unbounded): the "now"s that give the same findings."""
        if self.opaque:
            return NEVER
        at = micros(self)
        seen = [micros(moment) for moment in self.compared]
        if at in seen:
            return NEVER
        return (max((s for s in seen if s < at), default=None), min((s for s in seen if s > at), default=None))


def _noting(name: str):
    """A comparison that notes the date it compares with, then compares as ``datetime`` does."""
    compare = getattr(datetime, name)

    def noted(self, other):
        self._note(other)
        return compare(self, other)

    return noted


def _opaque(name: str):
    """A method whose result no longer tells which dates it is compared with: the span becomes unknowable."""
    derive = getattr(datetime, name)

    def derived(self, *args, **kwargs):
        self.opaque = True
        return derive(self.plain(), *args, **kwargs)  # a plain datetime: this class cannot be made like one

    return derived


for _name in ("__lt__", "__le__", "__gt__", "__ge__", "__eq__", "__ne__"):
    setattr(RecordingNow, _name, _noting(_name))
# Arithmetic, and every way of deriving another value from "now" (a date, another zone, a number, a text):
# a rule that does any of these keeps its findings for this moment only.
for _name in ("__add__", "__radd__", "__sub__", "__rsub__", "date", "time", "timetz", "replace", "astimezone",
              "timestamp", "timetuple", "utctimetuple", "toordinal", "isocalendar", "weekday", "isoweekday",
              "isoformat", "strftime", "__format__", "ctime"):
    setattr(RecordingNow, _name, _opaque(_name))


def within(span: tuple, now: datetime) -> bool:
    after, before = span
    at = micros(now)
    return (after is None or after < at) and (before is None or at < before)


def narrower(first: tuple, second: tuple) -> tuple:
    """The span both hold in."""
    afters = [a for a in (first[0], second[0]) if a is not None]
    befores = [b for b in (first[1], second[1]) if b is not None]
    return (max(afters, default=None), min(befores, default=None))
