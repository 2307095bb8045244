"""Free text holds only visible characters."""

from __future__ import annotations

import pytest

from studyapp.core.plain_text import hidden_characters, plain_text_problem


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("Ana\x00Kim", ["\x00"]),
        ("\x1b[31mRed\x1b[0m", ["\x1b"]),
        ("Ana \u202eevil", ["\u202e"]),  # right-to-left override
        ("Ana\u2066Kim\u2069", ["\u2066", "\u2069"]),  # bidi isolates
        ("zero\u200bwidth", ["\u200b"]),
        ("soft\u00adhyphen", ["\u00ad"]),
        ("line\u2028break", ["\u2028"]),
        ("para\u2029graph", ["\u2029"]),
        ("private\ue000use", ["\ue000"]),
        ("tab\there and\nnewline", ["\t", "\n"]),
        ("bom\ufeff", ["\ufeff"]),
    ],
)
def test_control_and_invisible_characters_are_found(text, found):
    assert hidden_characters(text) == found
    message = plain_text_problem(text, "Name")
    assert message.startswith("Name contains invisible or control characters (U+")


@pytest.mark.parametrize(
    "text",
    [
        "Ana Kim",
        "José Ñúñez-O'Brien",
        "김민지",
        "محمد علي",
        "Mehr\u200cdad",  # zero-width non-joiner spells Persian words
        "👩\u200d🏫 History 101 — Spring 2027 (§2)",
        "Ana\u00a0Kim",  # a no-break space is a visible space
    ],
)
def test_ordinary_text_in_any_script_passes(text):
    assert hidden_characters(text) == []
    assert plain_text_problem(text) is None
