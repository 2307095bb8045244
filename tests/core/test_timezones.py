"""Reading a time zone a person typed."""

from __future__ import annotations

import pytest

from studyapp.core.timezones import canonical_zone, zones


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Asia/Seoul", "Asia/Seoul"),
        ("asia/SEOUL", "Asia/Seoul"),
        (" America/New York ", "America/New_York"),
        ("america/argentina/buenos aires", "America/Argentina/Buenos_Aires"),
        ("utc", "UTC"),
    ],
)
def test_a_typed_zone_is_read_in_its_proper_spelling(typed, zone):
    assert canonical_zone(typed) == zone


@pytest.mark.parametrize("typed", ["", None, "Mars/Olympus", "localtime", "Seoul", "x" * 65])
def test_anything_else_is_not_a_zone(typed):
    assert canonical_zone(typed) is None


def test_the_list_is_sorted_and_leaves_out_the_machines_own():
    assert list(zones()) == sorted(zones()) and "localtime" not in zones()
    assert {"UTC", "Europe/Berlin", "Asia/Seoul"} <= set(zones())
