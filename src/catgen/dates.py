"""Dates and timestamps as SPEC §5 reads them.

A bare date means 00:00 UTC; a timestamp without a zone is UTC. ``expires``
is valid through its day, so it is read as the end of that day.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, timezone

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FRACTION = re.compile(r"\.(\d+)")
_ZONE = re.compile(r"(?<=\d)([+-])(\d{2})(\d{2})?$")  # +0200 or +02 after the time (not +02:00)


def parse_timestamp(value, *, end_of_day: bool = False) -> datetime | None:
    """An aware UTC datetime, or None when ``value`` is not a valid ISO 8601 date/time."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return _from_date(value, end_of_day)
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if _DATE.match(text):
            return _from_date(date.fromisoformat(text), end_of_day)
        parsed = datetime.fromisoformat(_normalise_zone(text))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


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
    start = datetime.combine(day, time(0, 0), tzinfo=timezone.utc)
    return start + timedelta(days=1) - timedelta(microseconds=1) if end_of_day else start


def utc_now() -> datetime:
    return datetime.now(timezone.utc)
