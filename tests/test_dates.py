"""Timestamps as SPEC §5 reads them, the same on every supported Python (3.10's parser is stricter)."""

from datetime import datetime, timedelta, timezone

import pytest

from catgen.dates import parse_timestamp, utc_now
from catgen.errors import CatalogError

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


def test_every_date_the_schema_accepts_works_at_both_ends_of_its_day():
    assert parse_timestamp("9999-12-31", end_of_day=True) == datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert parse_timestamp("0001-01-01") == datetime(1, 1, 1, tzinfo=UTC)
    assert parse_timestamp("0001-01-01", end_of_day=True) < parse_timestamp("9999-12-31T23:59:59-05:00")
    assert parse_timestamp("9999-12-31T23:59:59.999999Z", end_of_day=True).year == 9999


def test_source_date_epoch_is_now(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1725184800")
    assert utc_now() == datetime(2024, 9, 1, 10, tzinfo=UTC)


def test_without_source_date_epoch_now_is_the_clock(monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    assert abs(utc_now() - datetime.now(UTC)) < timedelta(minutes=1)


@pytest.mark.parametrize("epoch", ["soon", "-1", "1.5", " 1", "1e9", "９", "9" * 40, "253402300800"])
def test_an_invalid_source_date_epoch_stops_the_command(monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    with pytest.raises(CatalogError, match="SOURCE_DATE_EPOCH must be whole seconds"):
        utc_now()
