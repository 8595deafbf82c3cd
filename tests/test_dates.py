"""Timestamps as SPEC §5 reads them, the same on every supported Python (3.10's parser is stricter)."""

from datetime import datetime, timedelta, timezone

import pytest

from catgen.dates import parse_timestamp

UTC = timezone.utc


@pytest.mark.parametrize("text,expected", [
    ("2024-09-01", datetime(2024, 9, 1, tzinfo=UTC)),
    ("2024-09-01T10:00:00Z", datetime(2024, 9, 1, 10, tzinfo=UTC)),
    ("2024-09-01T10:00:00", datetime(2024, 9, 1, 10, tzinfo=UTC)),
    ("2024-09-01 10:00:00Z", datetime(2024, 9, 1, 10, tzinfo=UTC)),
    ("2024-09-01T12:00:00+0200", datetime(2024, 9, 1, 10, tzinfo=UTC)),
    ("2024-09-01T12:00:00+02", datetime(2024, 9, 1, 10, tzinfo=UTC)),
    ("2024-09-01T04:30:00-05:30", datetime(2024, 9, 1, 10, tzinfo=UTC)),
    ("2024-09-01T10:00:00.5Z", datetime(2024, 9, 1, 10, 0, 0, 500000, tzinfo=UTC)),
    ("2024-09-01T10:00:00.1234567Z", datetime(2024, 9, 1, 10, 0, 0, 123456, tzinfo=UTC)),
])
def test_valid_timestamps(text, expected):
    assert parse_timestamp(text) == expected


@pytest.mark.parametrize("text", ["2024-02-30", "2024-13-01", "yesterday", "", "2024-09-01T25:00:00Z"])
def test_invalid_timestamps(text):
    assert parse_timestamp(text) is None


def test_expires_is_valid_through_its_day():
    end = parse_timestamp("2025-06-30", end_of_day=True)
    assert end == datetime(2025, 7, 1, tzinfo=UTC) - timedelta(microseconds=1)
