"""Answers saved while a quiz is taken: the newest answer wins, whatever order saves arrive in.

Each saved answer carries a sequence number. The page's script numbers every change with the
server's clock in milliseconds as the page estimates it (never less than the last number it used
or saw), so a save that arrives late, a second tab or a page reloaded mid-save never overwrites a
newer answer. A form posted without a number (no JavaScript) is the newest at its arrival.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

MAX_DIGITS = 15  # a millisecond clock fits until the year 33658


class SequenceError(ValueError):
    """A sequence number that is not one."""


def parse_sequence(raw: str | None) -> int | None:
    """The sequence number a form sent for one answer; None when it sent none."""
    if raw is None or raw == "":
        return None
    if not (raw.isascii() and raw.isdigit()) or len(raw) > MAX_DIGITS:
        raise SequenceError("This page sent a malformed answer number; reload the page.")
    return int(raw)


def same_number(raw: str | None, stored: int) -> bool:
    """Whether a page sent an answer with exactly this number (it then holds what is stored).

    A page numbers an answer afresh whenever it changes, so an answer sent with the stored
    number is the stored one, and one sent with 0 was never touched. A missing or malformed
    number is not the same (the answer is read, and refused if malformed).
    """
    try:
        return parse_sequence(raw) == stored
    except SequenceError:
        return False


def at_arrival(now: datetime, stored: int | None) -> int:
    """The number of an answer sent without one: newer than anything stored, by the clock."""
    return max(millis(now), (stored or 0) + 1)


def wins(incoming: int, stored: int | None) -> bool:
    """Whether an answer numbered ``incoming`` replaces the stored one (numbered ``stored``)."""
    return stored is None or incoming > stored


def millis(moment: datetime) -> int:
    """A moment as milliseconds since the Unix epoch (the script's ``Date.now()`` scale)."""
    return int(moment.timestamp() * 1000)


@dataclass(frozen=True)
class Saved:
    """What a save did: how many answers now stand as sent, and which were older than stored."""

    count: int
    kept: tuple[str, ...]  # question ids whose stored answer is newer (left unchanged)
