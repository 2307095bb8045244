"""Time-zone conversion never fails, for any stored instant and any IANA zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import available_timezones

import pytest

from studyapp.core.scheduling import LearnerClock
from studyapp.core.timezones import date_problem, from_local, to_local

NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
EXTREMES = [
    datetime.min.replace(tzinfo=UTC),
    datetime(1, 1, 1, 10, 0, tzinfo=UTC),
    datetime(9999, 12, 31, 9, 0, tzinfo=UTC),
    datetime.max.replace(tzinfo=UTC),
]
ZONES = sorted(available_timezones())


def test_every_zone_shows_every_instant():
    for zone in ZONES:
        for at in EXTREMES:
            local = to_local(at, zone)
            assert local == at  # the same instant, in the zone or (off the calendar) in UTC


def test_a_zone_that_would_leave_the_calendar_shows_utc():
    at = datetime(9999, 12, 31, 23, 59, tzinfo=UTC)
    assert to_local(at, "Pacific/Kiritimati").tzinfo is UTC  # 14 hours ahead: year 10000
    assert to_local(at, "Etc/GMT+12").utcoffset() == timedelta(hours=-12)
    assert to_local(NOW, "Asia/Seoul").utcoffset() == timedelta(hours=9)


@pytest.mark.parametrize("name", ["Mars/Olympus", "", None, "../../etc/passwd", "UTC\x00"])
def test_an_unknown_zone_reads_as_utc(name):
    assert to_local(NOW, name).utcoffset() == timedelta(0)
    assert from_local(datetime(2026, 5, 1, 9, 0), name) == datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def test_a_local_time_off_the_calendar_is_clamped():
    assert from_local(datetime(1, 1, 1), "Asia/Tokyo").year == 1
    assert from_local(datetime(9999, 12, 31, 23, 59), "Etc/GMT+12").year == 9999


@pytest.mark.parametrize("zone", ["Pacific/Kiritimati", "Etc/GMT+12", "UTC", "Asia/Kathmandu"])
@pytest.mark.parametrize("rollover", [0, 4, 23])
def test_learner_days_hold_at_the_ends_of_the_calendar(zone, rollover):
    clock = LearnerClock(zone, rollover)
    for at in EXTREMES:
        day = clock.day(at)
        assert clock.day_start(day) <= clock.next_day_start(at)
        assert clock.days_between(EXTREMES[0], at) >= 0
    assert clock.day_start(date.max) <= datetime.max.replace(tzinfo=UTC)
    assert clock.day_start(date.min) >= datetime.min.replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("at", "ok"),
    [
        (datetime(2000, 1, 1, tzinfo=UTC), True),
        (datetime(1999, 12, 31, 10, 0, tzinfo=UTC), True),  # 1 Jan 2000 in Kiritimati
        (datetime(1999, 12, 30, tzinfo=UTC), False),
        (datetime(2036, 12, 31, 23, 59, tzinfo=UTC), True),
        (datetime(2037, 1, 1, 11, 59, tzinfo=UTC), True),  # 31 Dec 2036 at UTC-12
        (datetime(2037, 1, 3, tzinfo=UTC), False),
        (datetime(1, 1, 1, tzinfo=UTC), False),
        (datetime(9999, 12, 31, 23, 59, tzinfo=UTC), False),
    ],
)
def test_quiz_dates_fall_between_2000_and_ten_years_ahead(at, ok):
    problem = date_problem(at, NOW, "The close time")
    assert (problem is None) == ok
    if not ok:
        assert problem == "The close time must fall between 1 Jan 2000 and 31 Dec 2036."
