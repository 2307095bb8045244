"""Time zones: their names (reading one a person typed), conversion that never fails, and the
range of dates a quiz may be given.

A Python datetime stops at the years 1 and 9999, so converting an instant near either end into
a zone on the far side of UTC overflows (31 Dec 9999, 23:00 UTC is already in the year 10000 in
Kiritimati). Stored times are kept within a sensible range when they are set (``date_problem``);
the conversions here also hold for anything else a database may hold: an unknown zone reads as
UTC, a local time is shown in UTC when the zone would leave the calendar, and day arithmetic
clamps to the calendar's ends.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

DEFAULT_ZONE = "UTC"


@lru_cache(maxsize=1)
def zones() -> tuple[str, ...]:
    """Every IANA time zone name known here, sorted (``localtime`` is the machine's, not one)."""
    return tuple(sorted(available_timezones() - {"localtime"}))


@lru_cache(maxsize=1)
def _folded() -> dict[str, str]:
    return {_fold(z): z for z in zones()}


def _fold(name: str) -> str:
    return "_".join(name.strip().split()).casefold()


def canonical_zone(name: str | None) -> str | None:
    """The zone's proper name for what was typed ("asia/seoul", "America/New York"), or None."""
    if not name or len(name) > 64:
        return None
    return _folded().get(_fold(name))


EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
YEARS_AHEAD = 10
# Zone offsets stay within a day (Python requires it), so two days from either end is safe.
_MARGIN = timedelta(days=2)
SAFE_MIN = datetime.min.replace(tzinfo=UTC) + _MARGIN
SAFE_MAX = datetime.max.replace(tzinfo=UTC) - _MARGIN


def zone(name: str | None) -> ZoneInfo:
    """The IANA zone of that name, or UTC when there is none (never raises)."""
    if not name or not isinstance(name, str):
        return ZoneInfo("UTC")
    try:
        return ZoneInfo(name)
    except (KeyError, ValueError, OSError, TypeError):  # ZoneInfoNotFoundError is a KeyError
        return ZoneInfo("UTC")


def clamp(at: datetime) -> datetime:
    """An aware instant moved into the range every zone can show (naive counts as UTC)."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    try:
        return min(max(at, SAFE_MIN), SAFE_MAX)
    except OverflowError:  # an aware value whose own offset leaves the calendar
        return SAFE_MIN if at.year < 5000 else SAFE_MAX


def clamp_day(day: date) -> date:
    """A calendar day moved into the range whose day starts every zone can show."""
    return min(max(day, SAFE_MIN.date()), SAFE_MAX.date())


def to_local(at: datetime, name: str | None) -> datetime:
    """``at`` in the named zone; in UTC when that zone would leave the calendar."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    try:
        return at.astimezone(zone(name))
    except OverflowError:
        try:
            return at.astimezone(UTC)
        except OverflowError:
            return clamp(at)


def from_local(local: datetime, name: str | None) -> datetime:
    """The UTC instant of a wall-clock time in the named zone (clamped at the calendar's ends)."""
    naive = local.replace(tzinfo=None)
    naive = min(max(naive, SAFE_MIN.replace(tzinfo=None)), SAFE_MAX.replace(tzinfo=None))
    return naive.replace(tzinfo=zone(name)).astimezone(UTC)


def date_problem(at: datetime, now: datetime, what: str) -> str | None:
    """Why ``at`` is no date for a quiz, or None: it must fall in 2000 .. ten years from now.

    The bounds are calendar days in the instructor's zone, so a day's slack either side lets
    1 Jan 2000 and 31 Dec of the last year through wherever they are typed.
    """
    last_year = now.year + YEARS_AHEAD
    first = EARLIEST - timedelta(days=1)
    last = datetime(last_year + 1, 1, 1, tzinfo=UTC) + timedelta(days=1)
    if not first <= clamp(at) < last:
        return f"{what} must fall between 1 Jan {EARLIEST.year} and 31 Dec {last_year}."
    return None
