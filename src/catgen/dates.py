"""Dates and timestamps as SPEC §5 reads them, and "now" (SPEC §2).

A bare date means 00:00 UTC; a timestamp without a zone is UTC. ``expires``
is valid through its day, so it is read as the end of that day. Every date the
schema accepts (years 0001 to 9999) works: nothing here steps past 9999-12-31.
A timestamp whose zone puts it outside those years in UTC
(``9999-12-31T23:00:00-05:00``) is no real date: every reading can be taken to
UTC and written as ``utc_text`` writes it.

A check reads the same few timestamps thousands of times (every approval,
every ``created``), so a text's reading is kept in a small bounded cache, and
the common written shape skips the normalisation Python 3.10's parser needs.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timezone

from catgen.errors import CatalogError

_EPOCH = re.compile(r"[0-9]{1,12}\Z")  # ASCII digits only; 12 digits reach past year 9999
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FRACTION = re.compile(r"\.(\d+)")
_ZONE = re.compile(r"(?<=\d)([+-])(\d{2})(\d{2})?$")  # +0200 or +02 after the time (not +02:00)
# Shapes ``_normalise_zone`` leaves alone but for a final ``Z`` (no other Z or z, a fraction of exactly
# 6 digits, a zone with its colon): Python 3.10's parser takes them as they are, a ``Z`` as ``+00:00``.
_PARSER_READY = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]{6})?(?:[+-][0-9]{2}:[0-9]{2}|Z)?\Z"
)
_CACHE_SIZE = 4096  # distinct texts kept; a catalog's timestamps repeat (dates, approvals) far more than this
_CACHE_TEXT = 64  # longer texts (a timestamp rarely is) are read each time: the cache stays small in memory too
_parsed: dict[tuple[str, bool], datetime | None] = {}
_UNSEEN = object()


def parse_timestamp(value, *, end_of_day: bool = False) -> datetime | None:
    """An aware UTC datetime, or None when ``value`` is not a valid ISO 8601 date/time."""
    if value.__class__ is str and len(value) <= _CACHE_TEXT:  # not a subclass: its == and hash could differ
        key = (value, bool(end_of_day))
        parsed = _parsed.get(key, _UNSEEN)
        if parsed is _UNSEEN:
            if len(_parsed) >= _CACHE_SIZE:
                _parsed.clear()  # bounded; a datetime is immutable, so sharing one reading is safe
            parsed = _parsed[key] = _parse_text(value, end_of_day)
        return parsed
    if isinstance(value, datetime):
        return _in_utc_years(value if value.tzinfo else value.replace(tzinfo=timezone.utc))
    if isinstance(value, date):
        return _from_date(value, end_of_day)
    if not isinstance(value, str):
        return None
    return _parse_text(value, end_of_day)


def _parse_text(value: str, end_of_day: bool) -> datetime | None:
    """The reading of one text, uncached."""
    text = value.strip()
    try:
        if _DATE.match(text):
            return _from_date(date.fromisoformat(text), end_of_day)
        if _PARSER_READY.match(text):  # the common shapes: what _normalise_zone gives them, cheaper
            text = text[:-1] + "+00:00" if text.endswith("Z") else text
        else:
            text = _normalise_zone(text)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return _in_utc_years(parsed) if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _in_utc_years(moment: datetime) -> datetime | None:
    """``moment``, or None when it is before 0001 or after 9999 in UTC (a reading that could not be compared with
    every other, or written in UTC, without overflowing)."""
    try:
        moment.astimezone(timezone.utc)
    except OverflowError:
        return None
    return moment


def utc_text(moment: datetime) -> str:
    """``moment`` in UTC to the second, ISO 8601 (``2024-09-01T10:00:00Z``; ``strftime`` writes year 1 as ``1``)."""
    at = moment.astimezone(timezone.utc) if moment.tzinfo else moment
    return f"{at.year:04d}-{at.month:02d}-{at.day:02d}T{at.hour:02d}:{at.minute:02d}:{at.second:02d}Z"


def _normalise_zone(text: str) -> str:
    """``Z``, ``+0200``, ``+02`` as ``+00:00``/``+02:00``, fractions as 6 digits.

    Python 3.10's parser takes only that.
    """
    text = text.replace("Z", "+00:00").replace("z", "+00:00")
    text = _FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], text)
    zone = _ZONE.search(text)
    if zone:
        sign, hours, minutes = zone.groups()
        text = text[: zone.start()] + f"{sign}{hours}:{minutes or '00'}"
    return text


def _from_date(day: date, end_of_day: bool) -> datetime:
    # time.max, not the next midnight minus a microsecond: 9999-12-31 has no next midnight.
    return datetime.combine(day, time.max if end_of_day else time(0, 0), tzinfo=timezone.utc)


def utc_now() -> datetime:
    """Now: ``SOURCE_DATE_EPOCH`` (whole seconds since 1970, UTC) when set, so a build can be reproduced.

    A value that is not such a number is an error that stops the command
    (exit 2, one line): a reproducible build silently made at another time
    would be worse than none.
    """
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch is None or epoch == "":
        return datetime.now(timezone.utc)
    try:
        if not _EPOCH.match(epoch):
            raise ValueError(epoch)
        return datetime.fromtimestamp(int(epoch), timezone.utc)
    except (ValueError, OverflowError, OSError):
        shown = epoch if len(epoch) <= 40 else epoch[:37] + "..."
        raise CatalogError(
            f"SOURCE_DATE_EPOCH must be whole seconds since 1970-01-01 UTC (e.g. 1725184800), got {shown!r}"
        ) from None
