"""Free text typed by people (names, class names, titles) holds only visible characters.

Control characters (NUL, ESC, line breaks), bidirectional overrides such as U+202E, other
invisible formatting, private-use and surrogate code points are refused: they can disguise a
name in the roster or corrupt a CSV export.
"""

from __future__ import annotations

import unicodedata

# Unicode categories refused: control, format, private use, surrogate, line and paragraph
# separators.
REFUSED_CATEGORIES = frozenset({"Cc", "Cf", "Co", "Cs", "Zl", "Zp"})
# Zero-width non-joiner and joiner are format characters that spell ordinary words and names in
# Persian, Hindi and other scripts (and join emoji sequences): they stay allowed.
ALLOWED_FORMAT = frozenset({"\u200c", "\u200d"})


def hidden_characters(text: str) -> list[str]:
    """The refused characters in ``text``, each once, in order of appearance."""
    found: list[str] = []
    for char in text:
        if (
            char not in ALLOWED_FORMAT
            and unicodedata.category(char) in REFUSED_CATEGORIES
            and char not in found
        ):
            found.append(char)
    return found


def plain_text_problem(text: str, subject: str = "This text") -> str | None:
    """A message naming the refused characters in ``text``, or None when it has none."""
    found = hidden_characters(text)
    if not found:
        return None
    codes = ", ".join(f"U+{ord(c):04X}" for c in found[:3])
    return (
        f"{subject} contains invisible or control characters ({codes}); "
        "use only letters, digits, punctuation and ordinary spaces."
    )
