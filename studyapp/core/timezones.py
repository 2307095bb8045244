"""Time zone names: the IANA zones this system knows, and reading one a person typed."""

from __future__ import annotations

from functools import lru_cache
from zoneinfo import available_timezones

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
