"""The newest answer wins: numbering saved drafts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from studyapp.core import drafts

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_a_number_is_digits_or_nothing():
    assert drafts.parse_sequence(None) is None and drafts.parse_sequence("") is None
    assert drafts.parse_sequence("1767225600000") == 1767225600000
    for bad in ("-1", "1.5", "12x", "１２", "9" * 16):
        with pytest.raises(drafts.SequenceError, match="reload the page"):
            drafts.parse_sequence(bad)


def test_only_a_higher_number_replaces_the_stored_answer():
    assert drafts.wins(5, None) and drafts.wins(6, 5)
    assert not drafts.wins(5, 5) and not drafts.wins(4, 5)


def test_an_answer_without_a_number_is_the_newest_at_its_arrival():
    assert drafts.at_arrival(NOW, None) == drafts.millis(NOW) == 1772366400000
    assert drafts.at_arrival(NOW, 10) == drafts.millis(NOW)
    ahead = drafts.millis(NOW) + 5000  # numbered by a page whose clock ran ahead
    assert drafts.at_arrival(NOW, ahead) == ahead + 1
