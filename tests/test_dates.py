"""Timestamps as SPEC §5 reads them, the same on every supported Python (3.10's parser is stricter)."""

import re
from datetime import date, datetime, time, timedelta, timezone

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from catgen import dates
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


@pytest.mark.parametrize("text", [
    "9999-12-31T23:00:00-05:00", "0001-01-01T00:30:00+01:00", "9999-12-31T23:59:59-00:01"])
def test_a_timestamp_whose_zone_puts_it_outside_the_calendar_in_utc_is_no_date(text):
    """It overflowed wherever it was taken to UTC: ``catgen history`` and ``catgen build`` stopped on it."""
    assert parse_timestamp(text) is None
    moment = datetime(9999, 12, 31, 23, tzinfo=timezone(timedelta(hours=-5)))
    assert parse_timestamp(moment) is None


@pytest.mark.parametrize("text, utc", [
    ("0001-01-01T00:30:00-01:00", "0001-01-01T01:30:00Z"), ("9999-12-31T23:59:59+01:00", "9999-12-31T22:59:59Z"),
    ("0999-05-06T07:08:09.5Z", "0999-05-06T07:08:09Z"), ("2024-09-01T12:00:00+02:00", "2024-09-01T10:00:00Z"),
])
def test_every_reading_is_written_in_utc_with_four_digits_of_year(text, utc):
    assert dates.utc_text(parse_timestamp(text)) == utc


def test_expires_is_valid_through_its_day():
    end = parse_timestamp("2025-06-30", end_of_day=True)
    assert end == datetime(2025, 7, 1, tzinfo=UTC) - timedelta(microseconds=1)


def test_every_date_the_schema_accepts_works_at_both_ends_of_its_day():
    assert parse_timestamp("9999-12-31", end_of_day=True) == datetime(9999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    assert parse_timestamp("0001-01-01") == datetime(1, 1, 1, tzinfo=UTC)
    assert parse_timestamp("0001-01-01", end_of_day=True) < parse_timestamp("9999-12-31T23:59:59+05:00")
    assert parse_timestamp("9999-12-31T23:59:59-05:00") is None  # 10000-01-01 in UTC
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


# The reading as it was before its fast path and cache (dates.py as of commit cfe7f72), but that a reading
# outside years 0001-9999 in UTC is none (it overflowed wherever it was taken to UTC): the reference the
# faster one must equal on every input.
_REF_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_REF_FRACTION = re.compile(r"\.(\d+)")
_REF_ZONE = re.compile(r"(?<=\d)([+-])(\d{2})(\d{2})?$")


def reference_parse_timestamp(value, *, end_of_day=False):
    found = _reference_reading(value, end_of_day)
    if found is not None and not datetime.min.replace(tzinfo=UTC) <= found <= datetime.max.replace(tzinfo=UTC):
        return None
    return found


def _reference_reading(value, end_of_day):
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    if isinstance(value, date):
        return datetime.combine(value, time.max if end_of_day else time(0, 0), tzinfo=timezone.utc)
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if _REF_DATE.match(text):
            day = date.fromisoformat(text)
            return datetime.combine(day, time.max if end_of_day else time(0, 0), tzinfo=timezone.utc)
        parsed = datetime.fromisoformat(reference_normalise_zone(text))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def reference_normalise_zone(text):
    text = text.replace("Z", "+00:00").replace("z", "+00:00")
    text = _REF_FRACTION.sub(lambda m: "." + (m.group(1) + "000000")[:6], text)
    zone = _REF_ZONE.search(text)
    if zone:
        sign, hours, minutes = zone.groups()
        text = text[: zone.start()] + f"{sign}{hours}:{minutes or '00'}"
    return text


FIXED = settings(max_examples=300, derandomize=True, database=None, deadline=None)
_DIGIT = st.sampled_from("0123456789" * 3 + "٣９")  # now and then a digit that is not ASCII
_SPACE = st.sampled_from(["", "", "", " ", "\t", "\n"])


def _digits(low: int, high: int):
    return st.text(_DIGIT, min_size=low, max_size=high)


def _exact(width: int, low: int, high: int):
    return st.integers(low, high).map(lambda number: f"{number:0{width}d}")


def _number(width: int, low: int, high: int):
    """Mostly a number of the right width and about the right range; sometimes any digits of about that width."""
    right = _exact(width, low, high)
    return st.one_of(right, right, right, _digits(width - 1, width + 1))


def _optional(strategy):
    return st.one_of(st.just(""), strategy)


def _joined(*parts):
    return st.tuples(*parts).map("".join)


_ZONE_TEXT = st.one_of(
    st.sampled_from(["", "Z", "z", "+00:00", "-05:30", "+0200", "+02", "-1", "+2:00", "+02:0"]),
    _joined(st.sampled_from("+-"), _number(2, 0, 25), st.sampled_from(["", ":", ":", "."]),
            _optional(_number(2, 0, 61))),
)
_FRACTION_TEXT = _joined(st.sampled_from([".", ".", ".", ","]), _digits(0, 12))
_TIME = _joined(
    st.sampled_from(["T", "T", " ", "t", "_", "TT", ""]), _number(2, 0, 25),
    _optional(_joined(st.just(":"), _number(2, 0, 61), _optional(_joined(
        st.just(":"), _number(2, 0, 61), _optional(_FRACTION_TEXT))))),
    _ZONE_TEXT,
)
TIMESTAMP_LIKE = _joined(
    _SPACE, _number(4, 0, 9999), st.just("-"), _number(2, 0, 13), st.just("-"), _number(2, 0, 32),
    _optional(_TIME), _SPACE,
)

_COMMON_ZONE = st.one_of(st.sampled_from(["", "Z"]), _joined(st.sampled_from("+-"), _exact(2, 0, 23), st.just(":"),
                                                             _exact(2, 0, 59)))
COMMON_SHAPE = _joined(  # as most catalogs write them, with now and then a fraction or a zone of another form
    _exact(4, 1, 9999), st.just("-"), _exact(2, 1, 12), st.just("-"), _exact(2, 1, 31), st.sampled_from("T "),
    _exact(2, 0, 23), st.just(":"), _exact(2, 0, 59), st.just(":"), _exact(2, 0, 59),
    _optional(_joined(st.just("."), st.one_of(_exact(6, 0, 999999), st.text("0123456789", max_size=12)))),
    st.one_of(_COMMON_ZONE, _ZONE_TEXT),
)


@st.composite
def timestamp_texts(draw):
    """Timestamp-like texts, mostly well-formed, some with a character of junk put in or taken out."""
    text = draw(st.one_of(COMMON_SHAPE, TIMESTAMP_LIKE, TIMESTAMP_LIKE, st.text(max_size=30)))
    at = draw(st.integers(0, len(text)))
    edit = draw(st.sampled_from(["none", "none", "insert", "delete"]))
    if edit == "insert":
        return text[:at] + draw(st.characters()) + text[at:]
    return text[:at] + text[at + 1:] if edit == "delete" else text


def same(found, expected) -> bool:
    """The same reading down to its zone (``==`` on aware datetimes compares instants only)."""
    return repr(found) == repr(expected) and found == expected


@FIXED
@given(timestamp_texts(), st.booleans())
@example("2024-09-01T10:00:00Z", False)
@example("2024-09-01 10:00:00.123456-05:30", True)
@example("2024-09-01T10:00:00.1234567Z", False)
@example("2024-02-30T10:00:00Z", False)
@example("2024-09-01", True)
def test_a_reading_equals_the_reference_reading(text, end_of_day):
    expected = reference_parse_timestamp(text, end_of_day=end_of_day)
    assert same(dates._parse_text(text, end_of_day), expected)  # uncached
    assert same(parse_timestamp(text, end_of_day=end_of_day), expected)  # read, then cached
    assert same(parse_timestamp(text, end_of_day=end_of_day), expected)  # from the cache


@FIXED
@given(COMMON_SHAPE)
@example("2024-09-01T10:00:00Z")
@example("2024-09-01 10:00:00.123456+02:00")
@example("2024-09-01 10:00:00+0200")
@example("2024-09-01 10:00:00.5z")
def test_the_common_shapes_reach_the_parser_as_the_normalisation_would_give_them(text):
    """What makes the fast path exact on Python 3.10 too: the parser gets the very text it got before."""
    text = text.strip()
    if dates._PARSER_READY.match(text):
        assert (text[:-1] + "+00:00" if text.endswith("Z") else text) == reference_normalise_zone(text)


@pytest.mark.parametrize("text, ready", [
    ("2024-09-01T10:00:00Z", True), ("2024-09-01 10:00:00+02:00", True), ("2024-09-01T10:00:00", True),
    ("2024-09-01T10:00:00.123456-05:30", True),
    ("2024-09-01T10:00:00z", False), ("2024-09-01T10:00:00+0200", False), ("2024-09-01T10:00:00.5Z", False),
    ("2024-09-01T10:00Z", False), ("2024-09-01", False), ("2024-09-01T10:00:00Z\n", False),
])
def test_which_texts_take_the_fast_path(text, ready):
    assert bool(dates._PARSER_READY.match(text)) is ready
    assert same(parse_timestamp(text), reference_parse_timestamp(text))


@pytest.mark.parametrize("value", [
    datetime(2024, 9, 1, 10), datetime(2024, 9, 1, 10, tzinfo=timezone(timedelta(hours=2))), date(2024, 9, 1),
    None, 20240901, 1.5, ["2024-09-01"], b"2024-09-01",
])
@pytest.mark.parametrize("end_of_day", [False, True])
def test_values_that_are_not_text_read_as_before(value, end_of_day):
    assert same(parse_timestamp(value, end_of_day=end_of_day), reference_parse_timestamp(value, end_of_day=end_of_day))


def test_a_reading_is_cached_only_for_plain_short_texts_and_the_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(dates, "_parsed", {})
    assert parse_timestamp("2024-09-01T10:00:00Z") is parse_timestamp("2024-09-01T10:00:00Z")
    assert parse_timestamp("2024-09-01", end_of_day=True) != parse_timestamp("2024-09-01")
    assert set(dates._parsed) == {("2024-09-01T10:00:00Z", False), ("2024-09-01", True), ("2024-09-01", False)}

    class Text(str):
        pass

    long_text = "2024-09-01T10:00:00." + "0" * 60 + "Z"
    assert parse_timestamp(Text("2024-09-02")) == datetime(2024, 9, 2, tzinfo=UTC)
    assert parse_timestamp(long_text) == datetime(2024, 9, 1, 10, tzinfo=UTC)
    assert len(dates._parsed) == 3  # neither a str subclass nor a long text is kept
    monkeypatch.setattr(dates, "_CACHE_SIZE", 5)
    for day in range(1, 13):
        assert parse_timestamp(f"2024-10-{day:02d}") == datetime(2024, 10, day, tzinfo=UTC)
        assert len(dates._parsed) <= 5
